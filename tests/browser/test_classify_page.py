"""The classify tab in a real Chromium: your own labels on desktop and on a phone in both themes,
its explanation, and the scorecard on a CSV with labels of its own."""

from __future__ import annotations

import pytest

from tests.browser.pages import CHROMIUM, SCREENSHOTS, expect, open_page, run_scorecard_on_file

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}: install Debian's chromium")]


def classify(page, text: str, labels: str) -> None:
    page.get_by_role("tab", name="Classify").click()
    page.locator("#classify-text textarea").fill(text)
    page.locator("#classify-labels textarea").fill(labels)
    page.locator("#classify-run").click()


def test_your_own_labels_are_scored_explained_and_a_bad_list_is_refused(browser, base_url):
    context, page = open_page(browser, base_url)
    classify(page, "the film was great fun", "film, music, sport, news")
    view = page.locator("#classify-view")
    expect(page.locator("#classify-status")).to_contain_text("Answered by", timeout=60_000)
    for label in ("film", "music", "sport", "news"):
        expect(view.locator(".bar-name", has_text=label)).to_be_visible()
    page.locator("#explain_classify").click()
    expect(view.locator(".heatmap")).to_be_visible(timeout=60_000)
    expect(view.locator(".heat-scale")).to_contain_text("the top label")
    page.screenshot(path=SCREENSHOTS / "classify.png", full_page=True)
    page.locator("#classify-labels textarea").fill("film")
    page.locator("#classify-run").click()
    expect(page.locator("#classify-error")).to_contain_text("1 label given; write 2 to 20 labels")
    context.close()


@pytest.mark.parametrize("locale, said", [("en-US", "and no other braces"), ("zh-CN", "不能有别的花括号")])
def test_a_share_link_with_a_padding_template_is_refused_at_once_in_the_page_language(browser, base_url, locale,
                                                                                      said):
    """`template={{}}{:x>40}` in a share link once ran for everyone who opened it: the template is refused
    before any model sees it, under the inputs, in the page's language."""
    from urllib.parse import urlencode

    query = urlencode({"tab": "classify", "text": "A short text.", "labels": "alpha, beta",
                       "template": "{{}}{:x>40}"})
    context, page = open_page(browser, f"{base_url}/?{query}", locale=locale)
    expect(page.locator("#classify-text textarea")).to_have_value("A short text.")
    page.locator("#classify-run").click()
    expect(page.locator("#classify-error")).to_contain_text(said, timeout=15_000)
    context.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_on_a_phone_all_five_tabs_are_one_tap_away_and_nothing_overflows(browser, base_url, theme):
    context, page = open_page(browser, f"{base_url}/?__theme={theme}", viewport={"width": 390, "height": 844},
                              is_mobile=True, has_touch=True)
    for name in ("Sentiment", "Fill mask", "Next sentence", "Generate", "Classify"):
        expect(page.get_by_role("tab", name=name)).to_be_visible()
    expect(page.get_by_role("button", name="More tabs")).to_have_count(0)
    classify(page, "明天会下雨吗？", "天气, 音乐, 机票")
    expect(page.locator("#classify-status")).to_contain_text("Answered by", timeout=60_000)
    expect(page.locator("#classify-view .bar-name", has_text="天气")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=SCREENSHOTS / f"phone_{theme}_classify.png", full_page=True)
    context.close()


@pytest.mark.slow  # the scorecard's zero-shot side is the real Gemma 3 270M
def test_the_scorecard_reads_the_labels_of_your_file_and_shows_each_sides_confusion(browser, base_url, tmp_path):
    upload = tmp_path / "topics.csv"
    upload.write_text("text,label\nthe film was fun,film\na new song,music\nthe match,sport\nthe cinema,film\n",
                      encoding="utf-8")
    context, page = open_page(browser, base_url)
    page.locator("#scorecard").get_by_text("Scorecard: a labelled set").click()
    page.locator("#scorecard-task").get_by_text("Classify").click()
    expect(page.locator("#scorecard-source")).to_contain_text("Built-in set: topics")
    view = run_scorecard_on_file(page, upload)
    expect(view).to_contain_text("Done: 4 of 4 items", timeout=90_000)
    grid = view.locator(".confusion table").first
    for label in ("film", "music", "sport"):
        expect(grid.locator("thead")).to_contain_text(label)
    page.screenshot(path=SCREENSHOTS / "classify_scorecard.png", full_page=True)
    context.close()


@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_what_flips_it_shows_each_checked_edit_before_and_after(browser, base_url, locale, monkeypatch):
    """A text the tiny NLI model answers near a tie: the view lists the edits that change its answer,
    each with the answer before and after, in the page's language. The search's budget is seconds of
    wall time: longer here, so that a loaded machine still finds the flip the view is shown with."""
    from demo.engines.nli import NliClassifier

    monkeypatch.setattr(NliClassifier, "search_budget_s", 15.0)
    context, page = open_page(browser, base_url, locale=locale)
    page.get_by_role("tab", name="自定义分类" if locale == "zh-CN" else "Classify").click()
    page.locator("#classify-text textarea").fill("best went where very why fun mat they")
    page.locator("#classify-labels textarea").fill("film, music, sport")
    page.locator("#counterfactual_classify").click()
    view = page.locator("#classify-view")
    expect(view.locator("ol.flips li").first).to_be_visible(timeout=60_000)
    expect(view).to_contain_text("找到的能改变答案的最小改动" if locale == "zh-CN" else "Smallest edits found")
    expect(view.locator(".flip").first).to_contain_text("→")
    expect(page.locator("#classify-status")).to_contain_text("问了模型" if locale == "zh-CN" else "asked the model")
    page.screenshot(path=SCREENSHOTS / f"counterfactual_{locale}.png", full_page=True)
    context.close()
