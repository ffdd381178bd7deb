"""Scorecard: a labelled set run through a task's classic checkpoint and zero-shot LLM, as it goes.

Accuracy per side, how often the two sides agree, the confusion of each, latency per item and the
items each side got wrong, for a built-in set written for this project (`examples/scorecard/`)
or the user's own CSV. A CSV is checked for size before it is read, parsed with the csv module,
never executed, and deleted as soon as it is read.
"""

from __future__ import annotations

import csv
import io
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from demo.errors import InputError
from demo.tasks import get_task
from demo.tasks.base import MAX_TEXT_CHARS, Sides

BUILT_IN_DIR = Path(__file__).resolve().parent.parent / "examples" / "scorecard"
MAX_CSV_BYTES = 2_000_000
MAX_ROWS = 2_000
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
    if len(data) > MAX_CSV_BYTES:
        raise InputError(f"The file is {len(data):,} bytes; the limit is {MAX_CSV_BYTES:,} (2 MB).")
    if not data.strip():
        raise InputError(f"The file is empty. Its first line must be the header: {','.join(columns)}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"The file is not UTF-8 text (byte {exc.start:,} cannot be read). Save it as UTF-8 CSV.") \
            from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower() for name in next(reader)]
    except csv.Error as exc:
        raise InputError(f"The file is not valid CSV: {exc}.") from None
    if tuple(header) != columns:
        raise InputError(f"The header must be '{','.join(columns)}' for {get_task(task).title.lower()}; "
                         f"the file has '{','.join(header)}'.")
    items = []
    try:
        for line, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(items) == MAX_ROWS:
                raise InputError(f"The file has more than {MAX_ROWS:,} rows; the limit is {MAX_ROWS:,}.")
            if len(row) != len(columns):
                raise InputError(f"Row {line} has {len(row)} fields; it needs {len(columns)} ({','.join(columns)}).")
            *inputs, label = (cell.strip() for cell in row)
            gold = LABELS[task].get(label.lower())
            if gold is None:
                allowed = sorted(set(LABELS[task].values()))
                raise InputError(f"Row {line}: the label '{label[:40]}' is not one of {', '.join(allowed)} (or 1 / 0).")
            for name, value in zip(columns, inputs, strict=False):
                if not value:
                    raise InputError(f"Row {line}: {name} is empty.")
                if len(value) > MAX_TEXT_CHARS:
                    raise InputError(f"Row {line}: {name} is {len(value):,} characters; the limit is "
                                     f"{MAX_TEXT_CHARS:,}.")
            items.append(Item(tuple(inputs), gold, line))
    except csv.Error as exc:
        raise InputError(f"The file is not valid CSV near line {reader.line_num}: {exc}.") from None
    if not items:
        raise InputError("The file has a header but no rows.")
    return items


def built_in(task: str) -> list[Item]:
    """The set written for this project: 100 reviews for sentiment, 200 pairs for next sentence."""
    return read_csv((BUILT_IN_DIR / f"{task}.csv").read_bytes(), task)


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
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.csv"):  # earlier downloads go after an hour
        if time.time() - old.stat().st_mtime > 3600:
            old.unlink(missing_ok=True)
    path = folder / f"scorecard-{task}-{int(time.time() * 1000)}.csv"
    names = list(tally.sides)
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow([*COLUMNS[task], *(f"{n} label" for n in names), *(f"{n} confidence" for n in names)])
        for index, item in enumerate(tally.items[: tally.done]):
            writer.writerow([*item.inputs, item.gold,
                             *(tally.sides[n].predictions[index] for n in names),
                             *(round(tally.confidences[n][index], 4) for n in names)])
    return path
