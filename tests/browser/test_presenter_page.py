"""A page a presenter can drive (real Chromium, tiny models): the answer comes into view on a phone,
presenter mode hides what an audience need not see and starts afresh for the next visitor, a share
link answers on open, heat maps stay readable and say their score on a tap."""

from __future__ import annotations

import pytest

from tests.browser.pages import CHROMIUM, SCREENSHOTS, expect, open_page, open_tab

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}: install Debian's chromium"),
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_on_a_phone_the_verdict_comes_into_view_after_run(browser, base_url, theme):
    context, page = open_page(browser, f"{base_url}/?__theme={theme}", **PHONE)
    page.locator("#sentiment-text textarea").fill("A wonderful, warm film.")
    page.locator("#sentiment-run").click()
    verdict = page.locator("#sentiment-view .verdict")
    expect(verdict).to_be_visible()
    page.wait_for_function("""() => { const e = document.querySelector('#sentiment-view .verdict');
        const r = e && e.getBoundingClientRect(); return r && r.top >= 0 && r.bottom <= innerHeight; }""")
    page.screenshot(path=SCREENSHOTS / f"phone_answer_{theme}.png")
    context.close()


def test_presenter_mode_hides_the_footer_puts_examples_first_and_a_new_visitor_starts_afresh(browser, base_url):
    context, page = open_page(browser, f"{base_url}/?presenter=1")
    expect(page.locator("body.presenter")).to_have_count(1)
    expect(page.locator("footer")).to_be_hidden()  # no "Use via API" in front of an audience
    expect(page.locator("#sentiment-share")).to_be_hidden()
    expect(page.locator("#generate-settings")).to_be_hidden()
    examples, text = page.locator("#sentiment-examples"), page.locator("#sentiment-text")
    assert examples.bounding_box()["y"] < text.bounding_box()["y"]  # the examples, the first thing on the tab
    page.locator("#sentiment-text textarea").fill("A dull mess.")
    page.locator("#sentiment-run").click()
    expect(page.locator("#sentiment-view .verdict")).to_be_visible()
    open_tab(page, "fill_mask")
    page.locator("#fill-mask-text textarea").fill("The [MASK] sat down.")
    page.locator("#new-visitor").click()
    expect(page.locator("#sentiment-text textarea")).to_have_value("")
    expect(page.locator("#sentiment-view .verdict")).to_have_count(0)
    open_tab(page, "fill_mask")
    expect(page.locator("#fill-mask-text textarea")).to_have_value("")
    expect(page.locator("body.presenter")).to_have_count(1)  # still presenting
    page.screenshot(path=SCREENSHOTS / "presenter.png", full_page=True)
    context.close()
    context, plain = open_page(browser, base_url)
    expect(plain.locator("footer")).to_be_visible()
    expect(plain.locator("#new-visitor")).to_be_hidden()
    context.close()


def test_a_share_link_answers_on_open_without_a_click(browser, base_url):
    link = f"{base_url}/?tab=next_sentence&sentence_a=It+rained.&sentence_b=The+streets+were+wet."
    context, page = open_page(browser, link)
    expect(page.locator("html[data-share-link=answers]")).to_have_count(1)
    expect(page.locator("#next-sentence-b textarea").first).to_have_value(
        "The streets were wet.")
    expect(page.locator("#next_sentence-view .verdict")).to_be_visible()
    expect(page.locator("#next_sentence-status")).to_contain_text("Answered by")
    context.close()
    # a generation waits for a press of its own: a link never starts long work unasked
    context, page = open_page(browser, f"{base_url}/?tab=generate&prompt=Once+upon+a+time&max_new_tokens=12")
    expect(page.locator("#generate-prompt textarea")).to_have_value("Once upon a time")
    expect(page.locator("html[data-share-link=waits]")).to_have_count(1)  # the link decided: no press
    expect(page.locator("#generate-run")).to_be_enabled()
    expect(page.locator("#generate-stop")).to_be_disabled()  # no generation started
    expect(page.locator("#generate-view .continuation")).to_have_count(0)
    context.close()


def test_a_heat_map_word_says_its_score_on_a_tap_and_a_weak_push_stays_visible(browser, base_url):
    context, page = open_page(browser, f"{base_url}/?__theme=dark", **PHONE)
    page.locator("#sentiment-text textarea").fill("We hope you don't hate it.")
    page.locator("#explain_sentiment").click()
    word = page.locator("#sentiment-view .heat.up, #sentiment-view .heat.down").first
    expect(word).to_be_visible()
    alpha = word.evaluate("e => getComputedStyle(e).backgroundColor")
    assert "0)" not in alpha.replace(" ", "")[-3:], alpha  # never fully transparent
    word.tap()
    assert word.evaluate("e => getComputedStyle(e, '::after').content").strip('"').endswith(
        ("Positive", "Negative")), word.evaluate("e => getComputedStyle(e, '::after').content")
    expect(page.locator("#sentiment-view .legend")).to_contain_text("does not contradict it")
    page.screenshot(path=SCREENSHOTS / "phone_heat_dark.png")
    context.close()


# what may stay in Latin script on the Chinese page: the product's name, model names, units
ALLOWED_LATIN = {"Zero-training NLP", "BERT base", "BERT Chinese", "Erlangshen RoBERTa", "Gemma 3", "DistilBERT SST-2",
                 "top k"}  # (top k: the parameter's name, as the API and the papers say it)


def test_after_the_switch_to_chinese_no_visible_text_has_two_latin_words_in_a_row(browser, base_url):
    """Every tab, Gradio's own texts included (the upload box, the footer): outside the examples (inputs),
    code and formulas, no two Latin-script words in a row but model names."""
    import re

    context, page = open_page(browser, base_url)
    page.get_by_text("中文", exact=True).click()
    expect(page.locator("footer")).to_contain_text("通过 API 使用")  # Gradio's own footer follows the switch
    page.locator("#scorecard").locator("button, summary, span").first.click()
    found = {}
    for key in ("sentiment", "fill_mask", "next_sentence", "generate", "classify"):
        page.locator(f"#tab-{key}-button, button[role=tab]").nth(list(("sentiment", "fill_mask", "next_sentence",
                                                                        "generate", "classify")).index(key)).click()
        page.wait_for_timeout(300)
        shown = page.evaluate("""() => { const out = []; const walk = (e) => {
            if (e.nodeType === 3) { const p = e.parentElement;
                if (p && p.offsetParent !== null && !p.closest('[id$="-examples"], code, pre, .katex, textarea'))
                    out.push(e.textContent);
                return; }
            for (const c of e.childNodes) walk(c); };
            walk(document.querySelector('.gradio-container')); return out.join('\\n'); }""")
        pairs = set(re.findall(r"[A-Za-z][\w'-]*[ \t]+[A-Za-z][\w'-]*", shown)) - ALLOWED_LATIN
        if pairs:
            found[key] = sorted(pairs)
    page.screenshot(path=SCREENSHOTS / "chinese_page.png", full_page=True)
    context.close()
    assert not found, found


def test_the_chinese_page_lists_the_chinese_examples_first_and_a_click_loads_the_row_shown(browser, base_url):
    context, page = open_page(browser, base_url)
    examples = page.locator("#sentiment-examples")
    expect(examples.locator(".gallery-item").first).to_contain_text("gorgeous")  # English first on the English page
    page.get_by_text("中文", exact=True).click()
    first = examples.locator(".gallery-item").first
    expect(first).to_contain_text("酒店")
    first.click()
    expect(page.locator("#sentiment-text textarea")).to_have_value("这家酒店的服务很周到，房间也干净，下次还会再来。")
    page.get_by_text("English", exact=True).click()
    expect(examples.locator(".gallery-item").first).to_contain_text("gorgeous")
    context.close()


def test_while_a_view_runs_the_previous_answer_stays_in_view_dimmed(browser, base_url, runtime, monkeypatch):
    import time

    engine = runtime.engine("sentiment")
    real = engine.attribute

    def slow(*args, **kwargs):
        time.sleep(3)
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "attribute", slow)
    context, page = open_page(browser, base_url)
    page.locator("#sentiment-text textarea").fill("A warm and lovely film, dimmed while explained.")
    page.locator("#sentiment-run").click()
    verdict = page.locator("#sentiment-view .verdict")
    expect(verdict).to_be_visible()
    page.locator("#explain_sentiment").click()
    # dimmed (the product of its and its ancestors' opacity below 1) while the explanation runs
    page.wait_for_function("""() => { let e = document.querySelector('#sentiment-view .verdict'), o = 1;
        for (; e; e = e.parentElement) o *= parseFloat(getComputedStyle(e).opacity); return o < 1; }""", timeout=20_000)
    expect(page.locator("#sentiment-view .heat")).to_have_count(0)  # still working
    expect(verdict).to_be_visible()  # the answer so far stays on the page meanwhile
    page.screenshot(path=SCREENSHOTS / "view_running.png")
    expect(page.locator("#sentiment-view").get_by_text("Which words pushed")).to_be_visible(timeout=30_000)
    context.close()
