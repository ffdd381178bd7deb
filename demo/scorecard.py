"""Scorecard and batch: CSV files of inputs through the models, row by row, as it goes.

Scorecard: a labelled set through a task's classic checkpoint and zero-shot LLM: accuracy per
side, how often the two agree, the confusion of each, latency per item and the items each side
got wrong, for a built-in set written for this project (`examples/scorecard/`) or the user's CSV.
Batch: any task's inputs in, its answers out. A CSV is checked for size before it is read, parsed
with the csv module, never executed, and deleted as soon as it is read.
"""

from __future__ import annotations

import csv
import io
import logging
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from demo.errors import InputError, counted, excerpt
from demo.tasks import get_task
from demo.tasks.base import MAX_TEXT_CHARS, Sides

BUILT_IN_DIR = Path(__file__).resolve().parent.parent / "examples" / "scorecard"
MAX_CSV_BYTES = 2_000_000
MAX_ROWS = 2_000
KEEP_FILES_S = 600  # a scored or batch CSV is downloadable for 10 minutes, then deleted
SWEEP_EVERY_S = 60
# a cell a spreadsheet would read as a formula (OWASP CSV injection) is written with a leading quote
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
log = logging.getLogger(__name__)
COLUMNS = {"sentiment": ("text", "label"), "next_sentence": ("sentence_a", "sentence_b", "label")}
LABELS = {
    "sentiment": {"positive": "POSITIVE", "negative": "NEGATIVE", "pos": "POSITIVE", "neg": "NEGATIVE",
                  "1": "POSITIVE", "0": "NEGATIVE"},
    "next_sentence": {"isnext": "IsNext", "notnext": "NotNext", "1": "IsNext", "0": "NotNext"},
}


@dataclass(frozen=True)
class Item:
    inputs: tuple[str, ...]
    gold: str
    row: int  # the row's line in its file (the header is line 1)


def read_csv(data: bytes, task: str) -> list[Item]:
    """The items of a CSV for `task`, or an `InputError` that names the limit, the header or the row."""
    columns = COLUMNS[task]
    header, rows = _decoded_rows(data, ",".join(columns))
    if tuple(header) != columns:
        raise InputError(f"The header must be '{','.join(columns)}' for {get_task(task).title.lower()}; "
                         f"the file has '{excerpt(','.join(header))}'.")
    items = []
    for line, row in rows:
        *inputs, label = (cell.strip() for cell in row)
        gold = LABELS[task].get(label.lower())
        if gold is None:
            allowed = sorted(set(LABELS[task].values()))
            raise InputError(f"Row {line}: the label '{label[:40]}' is not one of {', '.join(allowed)} (or 1 / 0).")
        for name, value in zip(columns, inputs, strict=False):
            if not value:
                raise InputError(f"Row {line}: {name} is empty.")
            if len(value) > MAX_TEXT_CHARS:
                raise InputError(f"Row {line}: {name} is {len(value):,} characters; the limit is {MAX_TEXT_CHARS:,}.")
        items.append(Item(tuple(inputs), gold, line))
    if not items:
        raise InputError("The file has a header but no rows.")
    return items


def _decoded_rows(data: bytes, what: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header (lower-cased) and the numbered non-empty rows of a CSV, after the size and encoding
    checks; a row beyond `MAX_ROWS` or with another number of fields than the header is refused."""
    if len(data) > MAX_CSV_BYTES:
        raise InputError(f"The file is {len(data):,} bytes; the limit is {MAX_CSV_BYTES:,} (2 MB).")
    if not data.strip():
        raise InputError(f"The file is empty. Its first line must be the header: {what}")
    if b"\x00" in data:
        raise InputError("The file has NUL bytes: it looks like UTF-16 (or another two-byte encoding). "
                         "Save it as UTF-8 CSV.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"The file is not UTF-8 text (byte {exc.start:,} cannot be read). Save it as UTF-8 CSV.") \
            from None
    csv.field_size_limit(MAX_CSV_BYTES)  # a cell may be as long as the file; each task checks its own limit
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower() for name in next(reader)]
    except csv.Error as exc:
        raise InputError(f"The file is not valid CSV: {exc}.") from None

    def rows():
        count = 0
        try:
            for line, row in enumerate(reader, start=2):
                if not any(cell.strip() for cell in row):
                    continue
                count += 1
                if count > MAX_ROWS:
                    raise InputError(f"The file has more than {MAX_ROWS:,} rows; the limit is {MAX_ROWS:,}.")
                if len(row) != len(header):
                    raise InputError(f"Row {line} has {counted(len(row), 'field')}; it needs {len(header)} "
                                     f"({excerpt(','.join(header))}).")
                yield line, row
        except csv.Error as exc:
            raise InputError(f"The file is not valid CSV near line {reader.line_num}: {exc}.") from None

    return header, rows()


def read_batch_csv(data: bytes, task: str) -> list[tuple[int, dict[str, str]]]:
    """(line, {parameter: text}) for each row of a batch CSV: the task's required inputs as columns,
    optionally some of its settings (e.g. top_k, seed); an unknown column is refused by name."""
    params = get_task(task).params
    required = [p.name for p in params if p.default is None]
    allowed = [p.name for p in params]
    header, rows = _decoded_rows(data, ",".join(required))
    unknown = [name for name in header if name not in allowed]
    missing = [name for name in required if name not in header]
    if unknown or missing or len(set(header)) != len(header):
        raise InputError(f"The header must name the columns {', '.join(required)} (and optionally "
                         f"{', '.join(allowed[len(required):]) or 'nothing else'}), each once; the file has "
                         f"'{excerpt(','.join(header))}'.")
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
        elif param.default is None:
            values.append(text)
        else:
            try:
                values.append(float(text))
            except ValueError:
                values.append(text)  # the task's check names the parameter and its range
    return values


def built_in(task: str, language: str = "en") -> list[Item]:
    """A set written for this project: in English 100 reviews for sentiment and 200 pairs for next
    sentence, in Chinese 40 reviews and 100 pairs."""
    name = task if language == "en" else f"{task}_{language}"
    return read_csv((BUILT_IN_DIR / f"{name}.csv").read_bytes(), task)


@dataclass
class SideTally:
    """One side's answers so far."""

    predictions: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    confusion: Counter = field(default_factory=Counter)  # (gold, predicted) -> count
    correct: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / max(1, len(self.predictions))


@dataclass
class Tally:
    """Both sides' answers to the items scored so far."""

    items: list[Item]
    sides: dict[str, SideTally]
    curve: list[tuple[int, float, str]] = field(default_factory=list)  # (items scored, accuracy %, side)
    confidences: dict[str, list[float]] = field(default_factory=dict)

    @property
    def done(self) -> int:
        return min(len(t.predictions) for t in self.sides.values())


def score(sides: Sides, task: str, items: list[Item], answer: Callable[..., dict[str, float]],
          should_stop: Callable[[], bool]) -> Iterator[Tally]:
    """Run every item through each available side; yields the tally after each item."""
    present = {side.name: side.engine for side in (sides.classic, sides.zero_shot) if side.engine is not None}
    if not present:
        raise InputError("Neither the classic checkpoint nor the zero-shot model could be loaded.")
    tally = Tally(items, {name: SideTally() for name in present}, confidences={name: [] for name in present})
    for index, item in enumerate(items, start=1):
        if should_stop():
            return
        for name, engine in present.items():
            started = time.perf_counter()
            scores = answer(engine, *item.inputs)
            side = tally.sides[name]
            side.latencies.append(time.perf_counter() - started)
            predicted = max(scores, key=scores.get)
            side.predictions.append(predicted)
            side.correct += predicted == item.gold
            side.confusion[(item.gold, predicted)] += 1
            tally.confidences[name].append(scores[predicted])
            tally.curve.append((index, 100 * side.accuracy, name))
        yield tally


def agreement(tally: Tally) -> float | None:
    """The share of items on which the two sides gave the same label (None with one side)."""
    if len(tally.sides) < 2:
        return None
    first, second = (side.predictions for side in tally.sides.values())
    return sum(a == b for a, b in zip(first, second, strict=False)) / max(1, tally.done)


def summary_rows(tally: Tally) -> list[list]:
    """Per side: items, accuracy %, median latency ms, items per second."""
    rows = []
    for name, side in tally.sides.items():
        count = len(side.predictions)
        rows.append([name, count, round(100 * side.accuracy, 1),
                     round(1000 * statistics.median(side.latencies), 1) if side.latencies else None,
                     round(count / max(sum(side.latencies), 1e-9), 2)])
    return rows


def confusion_rows(tally: Tally, labels: list[str]) -> list[list]:
    """Per side and gold label: how many items got each predicted label."""
    return [[name, gold, *(side.confusion[(gold, predicted)] for predicted in labels)]
            for name, side in tally.sides.items() for gold in labels]


def wrong_rows(tally: Tally) -> list[list]:
    """The items each side got wrong: side, row, input, gold, predicted, confidence."""
    rows = []
    for name, side in tally.sides.items():
        for item, predicted, confidence in zip(tally.items, side.predictions, tally.confidences[name], strict=False):
            if predicted != item.gold:
                rows.append([name, item.row, " / ".join(item.inputs)[:300], item.gold, predicted,
                             round(confidence, 3)])
    return rows


def scored_csv(tally: Tally, task: str, folder: Path) -> Path:
    """The scored set as CSV: the inputs, the gold label and each side's label and confidence."""
    names = list(tally.sides)
    records = [dict(zip(COLUMNS[task], (*item.inputs, item.gold), strict=True))
               | {f"{n} label": tally.sides[n].predictions[index] for n in names}
               | {f"{n} confidence": round(tally.confidences[n][index], 4) for n in names}
               for index, item in enumerate(tally.items[: tally.done])]
    return records_csv(records, f"scorecard-{task}", folder)


def run_batch(task: str, rows: list[tuple[int, dict[str, str]]], engine_for: Callable[[str], Any],
              should_stop: Callable[[], bool]) -> Iterator[list[dict]]:
    """Answer each row with the task's model for the row's language (`engine_for(language)`); yields
    the records so far after each row. A row the task refuses gets its message in an `error` column
    and the batch goes on."""
    from demo.errors import UserFacingError
    from demo.language import route

    spec = get_task(task)
    records: list[dict] = []
    for line, given in rows:
        if should_stop():
            return
        record: dict = {"row": line, **given}
        values = batch_values(task, given)
        try:
            checked = spec.check(*values)
            texts = [value for param, value in zip(spec.params, checked) if param.default is None]
            outputs = spec.run(engine_for(route(*texts).language), lambda message: None, *values)
            if spec.streaming:
                *_, outputs = outputs
            record.update(spec.batch_row(checked, outputs))
        except UserFacingError as exc:
            record["error"] = str(exc)
        records.append(record)
        yield records


def records_csv(records: list[dict], name: str, folder: Path) -> Path:
    """Records as a CSV file (columns in first-seen order) in `folder`, every text cell that a
    spreadsheet would run as a formula written as text."""
    folder.mkdir(parents=True, exist_ok=True)
    columns = list(dict.fromkeys(key for record in records for key in record))
    path = folder / f"{name}-{time.time_ns()}.csv"
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=[as_text_cell(column) for column in columns])
        writer.writeheader()
        writer.writerows({as_text_cell(k): as_text_cell(v) for k, v in record.items()} for record in records)
    return path


def as_text_cell(value: Any) -> Any:
    """A string that starts like a formula gets a leading apostrophe (spreadsheets then show it as
    text); numbers the app computed stay numbers."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def remove_old_files(folder: Path, older_than_s: float = KEEP_FILES_S) -> int:
    """Delete the CSVs in `folder` older than `older_than_s`; how many went."""
    removed = 0
    for old in folder.glob("*.csv"):
        try:
            if time.time() - old.stat().st_mtime > older_than_s:
                old.unlink()
                removed += 1
        except FileNotFoundError:  # another replica swept it first
            continue
    return removed


def keep_folder_swept(folder: Path, every_s: float = SWEEP_EVERY_S) -> threading.Thread:
    """Sweep `folder` now (leftovers of an earlier run) and every `every_s` seconds, in a daemon thread."""
    if folder in _SWEPT:
        return _SWEPT[folder]

    def sweep():
        while True:
            if removed := remove_old_files(folder):
                log.info("deleted %s older than %d minutes", counted(removed, "CSV file"), KEEP_FILES_S // 60)
            time.sleep(every_s)

    _SWEPT[folder] = thread = threading.Thread(target=sweep, name="csv-sweeper", daemon=True)
    thread.start()
    return thread


_SWEPT: dict[Path, threading.Thread] = {}
