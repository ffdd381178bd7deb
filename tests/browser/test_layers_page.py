"""Layer by layer in a real Chromium: a row per layer, the chart, "How it works", on desktop (light) and
on a phone (dark), in English and on the Chinese page; worked examples offered only where the
answering engine has them."""

from __future__ import annotations

import pytest

from tests.browser.pages import BROWSER_MARKS, SCREENSHOTS, expect, open_page, open_tab

pytestmark = BROWSER_MARKS


def test_the_blank_is_read_layer_by_layer_with_its_chart_and_how_it_works(page):
    open_tab(page, "fill_mask")
    page.locator("#fill-mask-text textarea").fill("the [MASK] was great fun")
    page.locator("#layers_fill_mask").click()
    view = page.locator("#fill_mask-view .lens")
    expect(view).to_be_visible(timeout=60_000)
    expect(view.locator("tbody tr")).to_have_count(2)  # the tiny BERT's two layers
    expect(view.locator(".lens-chart circle")).to_have_count(2)
    expect(view).to_contain_text("the first [MASK], as the masked-LM head fills it")
    expect(view.locator("tbody tr").last).to_contain_text("the model’s own answer")
    view.locator(".lens-how summary").click()
    expect(view.locator(".lens-how p")).to_contain_text("softmax(W_U · norm(h_l))")
    page.screenshot(path=SCREENSHOTS / "layers_fill_mask.png", full_page=True)


def test_a_trained_classifier_offers_no_worked_examples(page):
    """The hub profile's sentiment is a trained classifier: no few-shot prompt, so no button that would
    only say it is not offered."""
    open_tab(page, "sentiment")
    expect(page.locator("#explain_sentiment")).to_be_visible()
    expect(page.locator("#demonstrations_sentiment")).to_be_hidden()


@pytest.mark.parametrize("theme", ["dark"])  # the light theme: the desktop test's screenshot
def test_the_layers_fit_a_phone_on_the_chinese_page_in_the_dark_theme(browser, base_url, theme):
    context, page = open_page(browser, f"{base_url}/?__theme={theme}", viewport={"width": 390, "height": 844},
                              is_mobile=True, has_touch=True, locale="zh-CN")
    tab = page.get_by_role("tab", name="文本生成")
    if not tab.is_visible():
        page.get_by_role("button", name="More tabs").or_(page.locator(".overflow-menu button")).first.click()
        tab = page.locator(".overflow-dropdown button", has_text="文本生成")
    tab.click()
    page.locator("#generate-prompt textarea").fill("从前有一座山，山里有一座庙")
    page.locator("#layers_generate").click()
    view = page.locator("#generate-view .lens")
    expect(view).to_be_visible(timeout=60_000)
    expect(view).to_contain_text("提示之后的下一个词元")
    expect(view).to_contain_text("模型的答案是")
    expect(view.locator("thead")).to_contain_text("层")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=SCREENSHOTS / f"phone_{theme}_layers_chinese.png", full_page=True)
    context.close()
