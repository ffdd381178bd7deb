"""CSV files in and out: checked for size and encoding before they are read, parsed with the csv
module and never executed; written with every formula-like cell as text; swept after 10 minutes."""

from __future__ import annotations

import csv
import io
import itertools
import logging
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from demo.errors import InputError, counted, excerpt
from demo.i18n import Text

log = logging.getLogger(__name__)
MAX_CSV_BYTES = 2_000_000
MAX_ROWS = 2_000
KEEP_FILES_S = 600  # a scored or batch CSV is downloadable for 10 minutes, then deleted
SWEEP_EVERY_S = 60
# a cell a spreadsheet would read as a formula (OWASP CSV injection) is written with a leading quote
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def decoded_rows(data: bytes, what: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header (lower-cased) and the numbered non-empty rows of a CSV, after the size and encoding
    checks; a row beyond `MAX_ROWS` or with another number of fields than the header is refused."""
    if len(data) > MAX_CSV_BYTES:
        raise InputError(Text("The file is {size} bytes; the limit is {most} (2 MB).", size=f"{len(data):,}",
                              most=f"{MAX_CSV_BYTES:,}"))
    if not data.strip():
        raise InputError(Text("The file is empty. Its first line must be the header: {header}", header=what))
    if b"\x00" in data:
        raise InputError("The file has NUL bytes: it looks like UTF-16 (or another two-byte encoding). "
                         "Save it as UTF-8 CSV.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(Text("The file is not UTF-8 text (byte {byte} cannot be read). Save it as UTF-8 CSV.",
                              byte=f"{exc.start:,}")) from None
    csv.field_size_limit(MAX_CSV_BYTES)  # a cell may be as long as the file; each task checks its own limit
    # strict: a quote never closed is an error, not the rest of the file read as one cell
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except csv.Error as exc:
        raise InputError(Text("The file is not valid CSV: {reason}.", reason=str(exc))) from None

    def rows():
        count, line = 0, 1
        try:
            for line, row in enumerate(reader, start=2):
                if not any(cell.strip() for cell in row):
                    continue
                count += 1
                if count > MAX_ROWS:
                    raise InputError(Text("The file has more than {most} rows; the limit is {most}.",
                                          most=f"{MAX_ROWS:,}"))
                if len(row) != len(header):
                    raise InputError(Text("Row {line} has {fields}; it needs {needed} ({header}).", line=str(line),
                                          fields=fields(len(row)), needed=str(len(header)),
                                          header=excerpt(",".join(header))))
                yield line, row
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):  # the row after the last one read opened a quote
                raise InputError(Text("A quote (\") opened in the row that starts on line {line} is never closed. "
                                      "Close it, or write a quote inside a cell as two (\"\").",
                                      line=str(line + 1))) from None
            raise InputError(Text("The file is not valid CSV near line {line}: {reason}.", line=str(reader.line_num),
                                   reason=str(exc))) from None

    return header, rows()


def fields(count: int) -> Text:
    return Text("{count} field" if count == 1 else "{count} fields", count=f"{count:,}")


def new_file(folder: Path, parts: list[str], suffix: str) -> Path:
    """A new, empty file in `folder` named for what it holds and when, as a visitor's downloads folder
    shows it (`scorecard-sentiment-sst-2-dev-20261207-213512.html`); a second in the same second gets -2."""
    folder.mkdir(parents=True, exist_ok=True)
    named = [slug for part in parts if (slug := "-".join(re.findall(r"[a-z0-9]+", str(part).lower()))[:40])]
    stem = "-".join([*named, time.strftime("%Y%m%d-%H%M%S")])
    for n in itertools.count(1):
        path = folder / f"{stem}{f'-{n}' if n > 1 else ''}{suffix}"
        try:
            path.open("x").close()  # made here and nowhere else, even by a request in the same second
            return path
        except FileExistsError:
            continue
    raise AssertionError("unreachable")


def records_csv(records: list[dict], name: str, folder: Path) -> Path:
    """Records as a CSV file (columns in first-seen order) in `folder`, every text cell that a
    spreadsheet would run as a formula written as text."""
    columns = list(dict.fromkeys(key for record in records for key in record))
    path = new_file(folder, [name], ".csv")
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
    """Delete every file under `folder` older than `older_than_s`, and the folders left empty (by this
    sweep, or old themselves); how many files went. Whatever process wrote them: an earlier run's,
    another replica's, Gradio's copies."""
    removed, emptied = 0, set()
    for old in sorted(folder.rglob("*"), key=lambda path: len(path.parts), reverse=True):  # files before folders
        try:
            if old.is_dir():
                aged = old in emptied or time.time() - old.stat().st_mtime > older_than_s
                if old != folder and aged and not any(old.iterdir()):
                    old.rmdir()
                    emptied.add(old.parent)
            elif time.time() - old.stat().st_mtime > older_than_s:
                old.unlink()
                removed += 1
                emptied.add(old.parent)
        except OSError:  # another replica swept it first, or it filled again
            continue
    return removed


def keep_folder_swept(folder: Path, every_s: float = SWEEP_EVERY_S) -> threading.Thread:
    """Sweep `folder` now (leftovers of an earlier run) and every `every_s` seconds, in a daemon thread."""
    if folder in _SWEPT:
        return _SWEPT[folder]

    def sweep():
        while True:
            if removed := remove_old_files(folder):
                log.info("deleted %s older than %d minutes", counted(removed, "request file"), KEEP_FILES_S // 60)
            time.sleep(every_s)

    _SWEPT[folder] = thread = threading.Thread(target=sweep, name="csv-sweeper", daemon=True)
    thread.start()
    return thread


_SWEPT: dict[Path, threading.Thread] = {}
