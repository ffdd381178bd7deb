"""Scorecard: a labelled set through a task's classic checkpoint and zero-shot LLM: accuracy per
side, how often the two agree, the confusion of each, latency per item and the items each side
got wrong, for a built-in set written for this project (`examples/scorecard/`) or the user's CSV.
A task takes part when it declares `gold` labels (or `any_labels`: the file brings its own, at most
20) and its `scorecard_columns`.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from demo.csv_files import decoded_rows, records_csv
from demo.engines.types import Sides
from demo.errors import InputError, excerpt
from demo.i18n import Text
from demo.registry import TASKS, get_task

BUILT_IN_DIR = Path(__file__).resolve().parent.parent / "examples" / "scorecard"




def scorecard_tasks() -> dict[str, str]:
    """Title -> key of every task with gold labels, or whose sets bring their own."""
    return {task.title: key for key, task in TASKS.items() if task.gold or task.any_labels}


def columns_of(task: str) -> tuple[str, ...]:
    return (*get_task(task).scorecard_columns, "label")


def labels_of(task: str, items: list | None = None) -> list[str]:
    """The labels of a task's sets: its gold labels, or those the items bring (in order of first use)."""
    if get_task(task).any_labels:
        return list(dict.fromkeys(item.gold for item in items or []))
    return sorted(set(get_task(task).gold.values()))


@dataclass(frozen=True)
class Item:
    inputs: tuple[str, ...]
    gold: str
    row: int  # the row's line in its file (the header is line 1)


def read_csv(data: bytes, task: str) -> list[Item]:
    """The items of a CSV for `task`, or an `InputError` that names the limit, the header or the row."""
    columns = columns_of(task)
    header, rows = decoded_rows(data, ",".join(columns))
    if tuple(header) != columns:
        raise InputError(Text("The header must be '{columns}' for {task}; the file has '{header}'.",
                              columns=",".join(columns), task=Text(get_task(task).title),
                              header=excerpt(",".join(header))))
    items, spec = [], get_task(task)
    most = {param.name: param.max_chars for param in spec.params}  # each column's bound, as its input declares
    for line, row in rows:
        *inputs, label = (cell.strip() for cell in row)
        gold = (label or None) if spec.any_labels else spec.gold.get(label.lower())
        if gold is None and spec.any_labels:
            raise InputError(Text("Row {line}: the label is empty.", line=str(line)))
        if gold is None:
            allowed = labels_of(task)
            raise InputError(Text("Row {line}: the label '{label}' is not one of {allowed} (or 1 / 0).", line=str(line),
                                  label=label[:40], allowed=", ".join(allowed)))
        for name, value in zip(columns, inputs, strict=False):
            if not value:
                raise InputError(Text("Row {line}: {name} is empty.", line=str(line), name=name))
            if len(value) > most[name]:
                raise InputError(Text("Row {line}: {name} is {size} characters; the limit is {most}.", line=str(line),
                                      name=name, size=f"{len(value):,}", most=f"{most[name]:,}"))
        items.append(Item(tuple(inputs), gold, line))
    if not items:
        raise InputError("The file has a header but no rows.")
    if spec.any_labels:
        labels = labels_of(task, items)
        if len(labels) > spec.most_labels:
            raise InputError(Text("The file has {count} distinct labels; at most {most} can be scored. The ones past "
                                  "the {most}th: {past}.", count=str(len(labels)), most=str(spec.most_labels),
                                  past=", ".join(labels[spec.most_labels:][:10])))
        if len(labels) < 2:
            raise InputError(Text("The file has only one label ({label}); a labelled set needs at least two.",
                                  label=labels[0]))
    return items


def built_in(task: str, language: str = "en", name: str = "") -> list[Item]:
    """A set written for this project: in English 100 reviews for sentiment and 200 pairs for next
    sentence, in Chinese 40 reviews and 100 pairs; a task's named sets (`scorecard_sets`)."""
    stem = "_".join(part for part in (task, name, "" if language == "en" else language) if part)
    return read_csv((BUILT_IN_DIR / f"{stem}.csv").read_bytes(), task)


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
    records = [dict(zip(columns_of(task), (*item.inputs, item.gold), strict=True))
               | {f"{n} label": tally.sides[n].predictions[index] for n in names}
               | {f"{n} confidence": round(tally.confidences[n][index], 4) for n in names}
               for index, item in enumerate(tally.items[: tally.done])]
    return records_csv(records, f"scorecard-{task}", folder)
