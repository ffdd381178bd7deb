"""Batch: any task's inputs in, one row per request, its answers out, row by row."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from demo.csv_files import decoded_rows
from demo.errors import InputError, excerpt
from demo.i18n import Text
from demo.registry import get_task
from demo.tasks.base import BOOLEAN, TEXT

GOLD = "label"  # the optional column of a batch CSV that says the expected answer


def read_batch_csv(data: bytes, task: str) -> list[tuple[int, dict[str, str]]]:
    """(line, {parameter: text}) for each row of a batch CSV: the task's required inputs as columns,
    optionally some of its settings (e.g. top_k, seed) and, for a task a scorecard can score, the
    expected `label` (the run then comes with a report); an unknown column is refused by name."""
    spec = get_task(task)
    required = [p.name for p in spec.params if p.default is None]
    allowed = [p.name for p in spec.params] + ([GOLD] if spec.scorecard_columns else [])
    header, rows = decoded_rows(data, ",".join(required))
    unknown = [name for name in header if name not in allowed]
    missing = [name for name in required if name not in header]
    if unknown or missing or len(set(header)) != len(header):
        optional = ", ".join(allowed[len(required):])
        raise InputError(Text("The header must name the columns {required} (and optionally {optional}), each once; "
                              "the file has '{header}'.", required=", ".join(required),
                              optional=optional or Text("nothing else"), header=excerpt(",".join(header))))
    out = []
    for line, row in rows:
        out.append((line, dict(zip(header, (cell.strip() for cell in row), strict=True))))
    if not out:
        raise InputError("The file has a header but no rows.")
    return out


def batch_values(task: str, given: dict[str, str]) -> list:
    """A row's values in parameter order; settings left out keep their defaults, numbers are read."""
    values = []
    for param in get_task(task).params:
        text = given.get(param.name)
        if text is None or (param.default is not None and text == ""):
            values.append(param.default)
        elif param.default is None or param.kind in (TEXT, BOOLEAN):  # the task's check reads them
            values.append(text)
        else:
            try:
                values.append(float(text))
            except ValueError:
                values.append(text)  # the task's check names the parameter and its range
    return values


def run_batch(task: str, rows: list[tuple[int, dict[str, str]]], engine_for: Callable[[str], Any],
              should_stop: Callable[[], bool]) -> Iterator[list[dict]]:
    """Answer each row with the task's model for the row's language (`engine_for(language)`); yields
    the records so far after each row. A row the task refuses gets its message in an `error` column
    and the batch goes on."""
    from demo.errors import UserFacingError
    from demo.language import route

    spec = get_task(task)
    records: list[dict] = []
    for number, (_, given) in enumerate(rows, 1):  # the first row under the header is row 1
        if should_stop():
            return
        record: dict = {"row": number, **{name: text for name, text in given.items() if name != GOLD}}
        if GOLD in given:  # the answer's own `label` column follows
            record["expected"] = given[GOLD]
        values = batch_values(task, given)
        started = time.perf_counter()
        try:
            checked = spec.check(*values)  # once: `solve` takes checked values
            texts = [value for param, value in zip(spec.params, values) if param.required]
            outputs = spec.solve(engine_for(route(*texts).language), lambda message: None, *checked)
            if spec.streaming:
                *_, outputs = outputs
            record.update(spec.batch_row(checked, outputs))
        except UserFacingError as exc:
            record["error"] = str(exc)
        record["seconds"] = round(time.perf_counter() - started, 3)
        records.append(record)
        yield records


def labelled_tally(task: str, records: list[dict], side: str):
    """The scorecard's tally of a batch whose rows gave their expected `label`: answered rows whose
    label the task knows, as one side's answers (None when no row qualifies)."""
    from demo.scorecard import Item, SideTally, Tally

    spec = get_task(task)
    items, tallied = [], SideTally()
    confidences: list[float] = []
    for record in records:
        said = str(record.get("expected", "")).strip()
        gold = said if spec.any_labels else spec.gold.get(said.lower())
        if not gold or "error" in record:
            continue
        items.append(Item(tuple(str(record[column]) for column in spec.scorecard_columns), gold, record["row"]))
        predicted = record["label"]
        tallied.predictions.append(predicted)
        tallied.latencies.append(record["seconds"])
        tallied.confusion[(gold, predicted)] += 1
        tallied.correct += predicted == gold
        confidences.append(float(record["confidence"]))
    if not items:
        return None
    return Tally(items, {side: tallied}, confidences={side: confidences})
