"""The views in a real Chromium: explanations as heat maps, score the prompt, two ways, compare, share links."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.pages import BROWSER_MARKS, SCREENSHOTS, expect, generated_text, open_page, open_tab, set_slider

pytestmark = BROWSER_MARKS


def test_explain_shows_a_heat_map_of_the_users_words_with_its_legend_and_run_clears_it(page):
    open_tab(page, "sentiment")
    page.locator("#sentiment-text textarea").fill("the film was great fun")
    page.locator("#explain_sentiment").click()
    heat = page.locator("#sentiment-view .heatmap")
    expect(heat).to_be_visible()
    for word in ("film", "great", "fun"):
        expect(heat.locator(".heat", has_text=word).first).to_be_visible()
    scale = heat.locator(".heat-scale")
    expect(scale).to_contain_text("Negative")  # the scale names the label at each end
    expect(scale).to_contain_text("Positive")
    # each word names its push (a tiny random model: either way)
    assert re.fullmatch(r"[+-]\d\.\d\d toward (Positive|Negative)",
                        heat.locator(".heat", has_text="great").first.get_attribute("title"))
    expect(page.locator("#sentiment-view .legend")).to_contain_text("Blue words pushed toward Positive")
    expect(page.locator("#sentiment-view")).to_contain_text("POSITIVE")
    page.screenshot(path=SCREENSHOTS / "sentiment_explained.png", full_page=True)
    page.locator("#sentiment-text textarea").fill("a different text")
    page.locator("#sentiment-run").click()
    expect(page.locator("#sentiment-status")).to_contain_text("Answered by")
    expect(heat).to_be_hidden()  # a heat map of another text never stays beside a new answer


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_heat_maps_fit_a_phone_in_both_themes(browser, base_url, theme):
    context, page = open_page(browser, f"{base_url}/?__theme={theme}", viewport={"width": 390, "height": 844},
                              is_mobile=True, has_touch=True)
    open_tab(page, "next_sentence")
    page.locator("#next-sentence-a textarea").fill("I went to the store to buy some bread and milk.")
    page.locator("#next-sentence-b textarea").fill("They had run out of bread.")
    page.locator("#explain_next_sentence").click()
    expect(page.locator("#next_sentence-view .heatmap")).to_be_visible()
    expect(page.locator("#next_sentence-view .legend")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=SCREENSHOTS / f"phone_{theme}_heat_map.png", full_page=True)
    context.close()


def test_score_the_prompt_shades_each_token_with_its_probability(page):
    open_tab(page, "generate")
    page.locator("#generate-prompt textarea").fill("The capital of France is Paris.")
    page.locator("#score_text").click()
    view = page.locator("#generate-view")
    expect(view).to_contain_text("Perplexity")
    token = view.locator(".tok").first
    token.click()  # a tap shows the probability, as hovering does
    expect(token.locator(".alts")).to_contain_text("probability:")


def test_two_ways_fills_the_masks_both_ways_side_by_side(page):
    open_tab(page, "fill_mask")
    page.locator("#fill-mask-text textarea").fill("the [MASK] sat on the mat .")
    expect(page.locator("#fill_mask_two_ways")).to_be_hidden()  # one blank: nothing to compare
    expect(page.locator("#layers_fill_mask")).to_be_visible()
    page.locator("#fill-mask-text textarea").fill("the [MASK] sat on the [MASK] .")
    page.locator("#fill_mask_two_ways").click()
    view = page.locator("#fill_mask-view")
    expect(view).to_contain_text("Each blank on its own")
    expect(view).to_contain_text("One after another")
    expect(view.locator("mark.blank")).to_have_count(4)


@pytest.mark.slow
def test_compare_shows_the_classic_and_the_zero_shot_answer_side_by_side(page):
    open_tab(page, "sentiment")
    page.locator("#sentiment-text textarea").fill("A wonderful, moving film.")
    page.locator("#compare_sentiment").click()
    view = page.locator("#sentiment-view")
    expect(view).to_contain_text("Classic checkpoint", timeout=60_000)
    expect(view).to_contain_text("Zero-shot LLM")
    expect(view.locator(".agreement")).to_have_text(re.compile("They (agree|disagree)."))
    expect(page.locator("#sentiment-status")).to_contain_text("Zero-shot Gemma 3 270M:")
    page.screenshot(path=SCREENSHOTS / "sentiment_compared.png", full_page=True)


def test_a_share_link_reopens_the_tab_with_its_inputs_and_the_same_text_comes_back(browser, base_url, page):
    open_tab(page, "generate")
    page.locator("#generate-prompt textarea").fill("Once upon a time & then?")
    set_slider(page, "generate-max-new-tokens", 12)
    page.locator("#generate-seed input").fill("1234")
    page.locator("#generate-seed input").press("Enter")
    page.locator("#generate-run").click()
    expect(page.locator("#generate-status")).to_contain_text("Answered by", timeout=60_000)
    text = generated_text(page)
    page.locator("#generate-share").get_by_text("Share a link").click()
    page.locator("#generate-make-link").click()
    link = page.locator("#generate-link textarea")
    expect(link).to_have_value(re.compile(r"tab=generate"))
    query = parse_qs(urlparse(link.input_value()).query)
    assert (query["prompt"], query["max_new_tokens"], query["seed"]) == (["Once upon a time & then?"], ["12"], ["1234"])
    context, fresh = open_page(browser, link.input_value())
    expect(fresh.locator("#tab-generate")).to_be_visible()
    expect(fresh.locator("#generate-prompt textarea")).to_have_value("Once upon a time & then?")
    fresh.locator("#generate-settings").get_by_text("Settings").click()
    expect(fresh.locator("#generate-seed input")).to_have_value("1234")
    expect(fresh.locator("#generate-max-new-tokens input[type=number]")).to_have_value("12")
    fresh.locator("#generate-run").click()
    expect(fresh.locator("#generate-status")).to_contain_text("Answered by", timeout=60_000)
    assert generated_text(fresh) == text
    context.close()


def test_a_share_link_says_what_it_skipped_in_the_page_language(browser, base_url):
    context, page = open_page(browser, f"{base_url}/?tab=fill_mask&top_k=inf", locale="zh-CN")
    expect(page.locator("#tab-fill_mask")).to_be_visible()
    expect(page.locator("#fill_mask-error")).to_have_text("top_k “inf”不是数字，保留其默认值。")
    context.close()
