"""The scorecard: CSV rules, built-in sets, a run on a tiny classic checkpoint, and uploads over HTTP."""

from __future__ import annotations

import httpx
import pytest

from demo.errors import InputError
from demo.language import route
from demo.csv_files import MAX_ROWS
from demo.scorecard import Item, built_in, read_csv, score, scored_csv, wrong_rows
from demo.registry import get_task
from demo.engines.types import Side, Sides


@pytest.mark.parametrize("data, task, message", [
    (b"", "sentiment", "The file is empty. Its first line must be the header: text,label"),
    (b"review,label\nGood.,POSITIVE\n", "sentiment", "The header must be 'text,label' for Sentiment; the file has 'review,label'"),
    (b"text,label\nGood.,POSITIVE\nBad.,meh\n", "sentiment", "Row 3: the label 'meh' is not one of NEGATIVE, POSITIVE"),
    (b"text,label\nGood.,POSITIVE,extra\n", "sentiment", "Row 2 has 3 fields; it needs 2"),
    (b"text,label\n,POSITIVE\n", "sentiment", "Row 2: text is empty"),
    ("text,label\nCaf\u00e9 good.,1\n".encode("latin-1"), "sentiment", "not UTF-8 text"),
    (b"text,label\n", "sentiment", "a header but no rows"),
    (b"sentence_a,sentence_b,label\nA.,B.,maybe\n", "next_sentence", "is not one of IsNext, NotNext"),
    (b"x" * 2_000_001, "sentiment", "the limit is 2,000,000 (2 MB)"),
])
def test_a_bad_csv_gets_a_message_naming_the_row_or_the_limit(data, task, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_csv(data, task)


def test_too_many_rows_are_refused_and_labels_may_be_words_or_digits():
    with pytest.raises(InputError, match=f"more than {MAX_ROWS:,} rows"):
        read_csv(b"text,label\n" + b"Fine.,1\n" * (MAX_ROWS + 1), "sentiment")
    items = read_csv("\ufefftext,label\nGood.,positive\nBad.,0\n\n".encode(), "sentiment")
    assert [(item.inputs, item.gold, item.row) for item in items] == [(("Good.",), "POSITIVE", 2),
                                                                      (("Bad.",), "NEGATIVE", 3)]


def test_the_built_in_sets_are_balanced_and_large_enough():
    for task, language, size in (("sentiment", "en", 100), ("next_sentence", "en", 200),
                                  ("sentiment", "zh", 40), ("next_sentence", "zh", 100)):
        items = built_in(task, language)
        assert len(items) == size
        golds = [item.gold for item in items]
        assert golds.count(golds[0]) == size // 2
        assert route(*(text for item in items for text in item.inputs)).language == language


def test_a_run_tallies_accuracy_confusion_and_mistakes_and_can_stop(runtime, tmp_path):
    sides = Sides(Side("classic", runtime.engine("sentiment")), Side("zero-shot", None, "not loaded"))
    items = [Item(("the film was great",), "POSITIVE", 2), Item(("the film was awful",), "NEGATIVE", 3),
             Item(("boring",), "NEGATIVE", 4)]
    task = get_task("sentiment")
    answer = lambda engine, text: task.run(engine, pytest.fail, text)[0]  # noqa: E731
    done = []
    for tally in score(sides, "sentiment", items, answer, lambda: False):  # one tally, growing item by item
        done.append(tally.done)
    assert done == [1, 2, 3]
    side = tally.sides["classic"]
    assert sum(side.confusion.values()) == 3 and side.correct == sum(p == i.gold for p, i in zip(side.predictions, items))
    assert len(wrong_rows(tally)) == 3 - side.correct
    assert [point[0] for point in tally.curve] == [1, 2, 3]
    lines = scored_csv(tally, "sentiment", tmp_path).read_text().splitlines()
    assert lines[0] == "text,label,classic label,classic confidence" and len(lines) == 4
    stopped = list(score(sides, "sentiment", items, answer, lambda: True))
    assert stopped == []


def test_uploads_over_2_mb_are_refused_before_parsing_and_small_ones_accepted(base_url):
    big = b"text,label\n" + b"x" * 2_100_000
    refused = httpx.post(f"{base_url}/gradio_api/upload", files={"files": ("big.csv", big, "text/csv")}, timeout=30)
    assert refused.status_code == 413 and "CSV files of up to 2 MB" in refused.text
    small = httpx.post(f"{base_url}/gradio_api/upload", files={"files": ("set.csv", b"text,label\nGood.,1\n",
                                                                           "text/csv")}, timeout=30)
    assert small.status_code == 200
    assert httpx.post(f"{base_url}/gradio_api/call/sentiment", content=b"x" * 1_100_000,
                      headers={"content-type": "application/json"}, timeout=30).status_code == 413


def test_a_batch_csv_names_its_columns_and_each_row_is_answered_or_refused_alone(runtime, tmp_path):
    from demo.batch import read_batch_csv, run_batch
    from demo.csv_files import records_csv

    with pytest.raises(InputError, match="must name the columns sentence_a, sentence_b"):
        read_batch_csv(b"sentence_a,text\nA.,B.\n", "next_sentence")
    with pytest.raises(InputError, match="must name the columns text .*optionally top_k"):
        read_batch_csv(b"text,colour\nThe [MASK] sat.,red\n", "fill_mask")
    rows = read_batch_csv(b"text,top_k\nThe [MASK] sat.,3\nNo mask here.,\nThe [MASK] ran.,99\n", "fill_mask")
    *_, records = run_batch("fill_mask", rows, lambda language: runtime.engine("fill_mask", language=language), lambda: False)
    assert [r["row"] for r in records] == [1, 2, 3]  # the rows under the header, from 1
    assert "[MASK]" not in records[0]["filled"] and records[0]["candidates"].count("1:") == 3
    assert "No mask found" in records[1]["error"] and "top_k must be a whole number from 1 to 50" in records[2]["error"]
    prompts = read_batch_csv(b"prompt,max_new_tokens,seed\nOnce upon,5,7\n", "generate")
    *_, generated = run_batch("generate", prompts, lambda language: runtime.engine("generate", language=language), lambda: False)
    assert generated[0]["new tokens"] == 5 and generated[0]["seed"] == 7
    lines = records_csv(records, "batch-fill_mask", tmp_path).read_text().splitlines()
    assert lines[0] == "row,text,top_k,filled,candidates,seconds,error" and len(lines) == 4


def test_the_scorecard_says_how_far_each_accuracy_could_be_at_this_many_items():
    from demo.page.scorecard_view import margin_line
    from demo.scorecard import SideTally, Tally

    side = SideTally(predictions=["POSITIVE"] * 100, correct=80)
    line = margin_line(Tally(items=[], sides={"Classic": side, "Zero-shot": SideTally(predictions=["x"] * 100,
                                                                                        correct=50)}))
    assert "with 100 items" in line and "Classic ±8" in line and "Zero-shot ±10" in line
    few = margin_line(Tally(items=[], sides={"Zero-shot": SideTally(predictions=["x"] * 5, correct=5)}))
    assert "Zero-shot ±22" in few  # five right out of five still says little
