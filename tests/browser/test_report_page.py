"""The scorecard report: built from real runs of the built-in sets (tiny models on both sides), in
both languages and stopped part-way; it parses as HTML, its figures are the tally's, its reliability
bins add up to the items, and Chromium opens it with every network request blocked."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from playwright.sync_api import expect

from demo.engines.types import Side, Sides
from demo.report import build_report, reliability, wilson
from demo.scorecard import built_in, labels_of, score
from demo.registry import get_task
from tests.browser.pages import CHROMIUM, SCREENSHOTS
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}: install Debian's chromium")]

VOID = {"meta", "br", "img", "input", "hr", "link", "rect", "line"}


class Balanced(HTMLParser):
    """Every element that is opened is closed, in order (SVG's self-closed shapes aside)."""

    def __init__(self):
        super().__init__()
        self.stack, self.problems = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def run_set(runtime, language: str, stop_after: int | None = None):
    """The built-in sentiment set of `language` through two tiny classifiers, as the page scores it."""
    task = get_task("sentiment")
    items = built_in("sentiment", language)
    classic = runtime.engine("sentiment", language=language)
    second = runtime.engine("sentiment", language="zh" if language == "en" else "en")
    sides = Sides(Side("Classic checkpoint", classic), Side("Second tiny classifier", second))
    answer = lambda engine, *inputs: task.run(engine, lambda message: None, *inputs)[0]  # noqa: E731
    scored = [0]

    def enough() -> bool:
        return stop_after is not None and scored[0] >= stop_after

    tally = None
    for tally in score(sides, "sentiment", items, answer, enough):
        scored[0] = tally.done
    return tally, items


def test_wilson_intervals_narrow_with_items_and_bins_add_up():
    narrow, wide = wilson(80, 100), wilson(8, 10)
    assert narrow[1] - narrow[0] < wide[1] - wide[0] and wide[0] < 0.8 < wide[1]
    assert wilson(10, 10)[1] == 1.0 and wilson(10, 10)[0] < 1.0  # honest at 10 of 10
    bins, ece = reliability([0.55, 0.65, 0.95, 0.99, 1.0], [True, False, True, True, True])
    assert sum(b.count for b in bins) == 5 and 0 <= ece <= 1
    assert reliability([0.9] * 10, [True] * 9 + [False])[1] == pytest.approx(0.0, abs=1e-9)  # honest: 90% at 0.9


@pytest.mark.parametrize("language, locale, stop_after", [("en", "en", None), ("zh", "zh-CN", 7)])
def test_the_report_stands_on_its_own_with_the_tallys_figures(runtime, browser, tmp_path, language, locale,  # noqa: F811
                                                              stop_after):
    tally, items = run_set(runtime, language, stop_after)
    labels = labels_of("sentiment", items)
    html = build_report(tally, task="Sentiment", set_name="Built-in set", labels=labels,
                        models={"Classic checkpoint": "tiny DistilBERT", "Second tiny classifier": "tiny BERT"},
                        total=len(items), stopped=stop_after is not None, code="print('one answer')", locale=locale)
    parser = Balanced()
    parser.feed(html)
    assert not parser.problems and parser.stack == [], (parser.problems, parser.stack)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing outside the file
    for side in tally.sides.values():
        assert f"{side.accuracy:.1%}" in html  # the page's figures, to the tenth of a point
    bins = [int(n) for n in re.findall(r'<text [^>]*text-anchor="middle" x="[\d.]+" y="268">(\d+)</text>', html)]
    assert sum(bins) == tally.done * len(tally.sides)  # every item in one bin, on each side
    if stop_after:
        assert tally.done == stop_after and "中途停止" in html and "置信度可信吗" in html
    path = tmp_path / f"report-{language}.html"
    path.write_text(html, encoding="utf-8")
    context = browser.new_context()
    page, outside = context.new_page(), []

    def block(route):
        if route.request.url.startswith("file://"):
            return route.continue_()
        outside.append(route.request.url)
        return route.abort()

    page.route("**/*", block)
    page.goto(path.as_uri())
    expect(page.locator("h1")).to_contain_text("评分卡" if language == "zh" else "Scorecard")
    expect(page.locator("svg")).to_have_count(len(tally.sides))
    assert page.locator("svg").first.bounding_box()["width"] >= 200  # a diagram one can read, not an icon
    page.screenshot(path=SCREENSHOTS / f"report_{language}.png", full_page=True)
    context.close()
    assert outside == []


def test_the_report_is_offered_beside_the_scored_csv(runtime):
    """A scorecard run on the page writes the report next to its CSV, in the page's language."""
    from demo.page.scorecard_section import report_of

    tally, items = run_set(runtime, "en", stop_after=5)
    sides = Sides(Side("Classic checkpoint", runtime.engine("sentiment")), Side("Zero-shot Gemma 3 270M", None, "x"))
    path = report_of(runtime, tally, "sentiment", "Built-in set", labels_of("sentiment", items), len(items), True,
                     sides, "en")
    text = path.read_text(encoding="utf-8")
    assert path.suffix == ".html" and "Reproduce one answer" in text and "AutoModelForSequenceClassification" in text


def test_a_batch_with_expected_labels_comes_with_the_report_of_its_answers(runtime):
    """A batch CSV with a `label` column: its answers tallied as the scorecard would, one side, in a report."""
    from demo.batch import labelled_tally, read_batch_csv, run_batch
    from demo.page.batch_section import report_of

    rows = read_batch_csv(b"text,label\nA wonderful film.,positive\nAwful and dull.,0\nFine.,maybe\n", "sentiment")
    *_, records = run_batch("sentiment", rows, lambda language: runtime.engine("sentiment", language=language),
                            lambda: False)
    assert [record["expected"] for record in records] == ["positive", "0", "maybe"]
    tally = labelled_tally("sentiment", records, "side")
    assert [item.gold for item in tally.items] == ["POSITIVE", "NEGATIVE"]  # "maybe" is no label: not scored
    assert tally.sides["side"].predictions == [record["label"] for record in records[:2]]
    text = report_of(runtime, "sentiment", records, len(records), False).read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "2 of 3 items" in text and "your batch CSV" in text
    assert report_of(runtime, "fill_mask", [{"row": 2, "text": "A [MASK].", "label": "x"}], 1, False) is None


def test_a_report_with_nothing_wrong_says_so_and_has_no_empty_table(runtime):
    from demo.batch import read_batch_csv, run_batch
    from demo.page.batch_section import report_of

    rows = read_batch_csv(b"text,label\nA wonderful film.,x\nAwful and dull.,x\n", "sentiment")
    *_, records = run_batch("sentiment", rows, lambda language: runtime.engine("sentiment", language=language),
                            lambda: False)
    for record in records:  # each expected label is the answer given: nothing wrong
        record["expected"] = record["label"]
    text = report_of(runtime, "sentiment", records, len(records), False).read_text(encoding="utf-8")
    wrong = text.split("Items each side got wrong")[1].split("<h2")[0]
    assert "None: every item was answered right." in wrong and "<table" not in wrong
    assert [record["row"] for record in records] == [1, 2]  # rows under the header, from 1
    card = runtime.card("sentiment")
    who = text.split("Who answered")[1].split("<h2")[0]
    assert who.count(card.label) == 1, who  # the model named once, with its details
