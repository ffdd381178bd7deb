"""The attention view in a real Chromium: a head picked from the tiles, by click and by keyboard, on
desktop and on a phone in both themes."""

from __future__ import annotations

import pytest

from tests.browser.pages import CHROMIUM, SCREENSHOTS, expect, open_page

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}: install Debian's chromium")]


def show_attention(page) -> None:
    page.get_by_role("tab", name="Next sentence").click()
    page.locator("#next-sentence-a textarea").fill("It rained all day.")
    page.locator("#next-sentence-b textarea").fill("The film was fun.")
    page.locator("#attention_next_sentence").click()
    expect(page.locator("#next_sentence-view .attention")).to_be_visible(timeout=60_000)


def test_a_head_is_picked_from_the_tiles_by_click_and_by_keyboard(browser, base_url):
    context, page = open_page(browser, base_url)
    show_attention(page)
    view = page.locator("#next_sentence-view")
    shown = view.locator(".att-map:visible")
    expect(shown).to_have_count(1)
    first = view.locator(".attention > .legend").inner_text()  # "Shown first: layer L, head H, the head that …"
    layer, head = first.split("layer ")[1].split(",")[0], first.split("head ")[1].split(",")[0]
    expect(shown).to_contain_text(f"Layer {layer}, head {head}")  # the head the legend says was chosen
    # its tokens on both axes: the keys across the top, the queries down the side
    expect(shown.locator(".att-top")).to_contain_text("[SEP]")
    expect(shown.locator(".att-side")).to_contain_text("[CLS]")
    view.locator("label[title='average of all heads']").click()
    expect(view.locator(".att-map:visible")).to_contain_text("Average of all 4 heads")
    view.locator("label[title='layer 1, head 2']").click()
    expect(view.locator(".att-map:visible")).to_contain_text("Layer 1, head 2")
    page.keyboard.press("ArrowRight")  # the picked tile's radio has the focus: arrows move between heads
    expect(view.locator(".att-map:visible")).to_contain_text("Layer 2, head 1")
    expect(view).to_contain_text("d_k = 16, 2 heads in each of 2 layers")  # the tiny BERT's
    page.screenshot(path=SCREENSHOTS / "attention.png", full_page=True)
    context.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_attention_view_fits_a_phone_in_both_themes(browser, base_url, theme):
    context, page = open_page(browser, f"{base_url}/?__theme={theme}", viewport={"width": 390, "height": 844},
                              is_mobile=True, has_touch=True)
    show_attention(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # the row labels (the queries) are readable: wider than one character of their font
    label = page.locator("#next_sentence-view .att-map:visible .att-side span").nth(1)
    width, font = label.evaluate("e => [e.getBoundingClientRect().width, parseFloat(getComputedStyle(e).fontSize)]")
    assert width >= 2.5 * font, (width, font)
    page.screenshot(path=SCREENSHOTS / f"phone_{theme}_attention.png", full_page=True)
    context.close()


def test_the_four_steps_and_the_code_sit_under_the_answer(browser, base_url):
    context, page = open_page(browser, base_url)
    page.locator("#sentiment-text textarea").fill("the film was great fun")
    page.locator("#steps_sentiment").click()
    view = page.locator("#sentiment-view")
    for step in ("Input processing", "Model inference", "Output post-processing", "Presentation"):
        expect(view.locator(".steps")).to_contain_text(step, timeout=60_000)
    expect(view.locator(".step-token").first).to_contain_text("[CLS]")
    expect(page.locator("#sentiment-code")).to_contain_text("AutoModelForSequenceClassification")
    # under the answer: the steps inside the answer's panel, the code below the steps
    panel = view.bounding_box()
    steps, code = view.locator(".steps").bounding_box(), page.locator("#sentiment-code").bounding_box()
    assert panel["x"] <= steps["x"] and panel["y"] <= steps["y"], (panel, steps)
    assert code["y"] >= steps["y"] + steps["height"] - 1, (steps, code)
    page.screenshot(path=SCREENSHOTS / "steps.png", full_page=True)
    context.close()
