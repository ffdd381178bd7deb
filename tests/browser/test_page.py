"""The page in a real Chromium: every tab, examples, streaming, Stop, errors, phone width, offline."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
# a page event's answer takes seconds on a loaded 2-core machine (two test processes, a model loading
# meanwhile): every expectation waits up to 20 s instead of Playwright's 5
expect.set_options(timeout=20_000)

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}: install Debian's chromium"),
]


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module", autouse=True)
def screenshot_folder():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield
    print(f"\nscreenshots: {SCREENSHOTS}")


def open_page(browser, url: str, **context_options):
    context = browser.new_context(**context_options)
    page = context.new_page()
    page.requested = []
    page.on("request", lambda request: page.requested.append(request.url))
    page.goto(url)
    expect(page.get_by_role("heading", name="Zero-training NLP showcase")).to_be_visible()
    return context, page


@pytest.fixture()
def page(browser, base_url):
    context, page = open_page(browser, base_url)
    yield page
    outside = [u for u in page.requested if urlparse(u).hostname not in LOOPBACK and not u.startswith("data:")]
    context.close()
    assert outside == [], f"the page requested addresses outside its own server: {outside}"


TITLES = {"sentiment": "Sentiment", "fill_mask": "Fill mask", "next_sentence": "Next sentence", "generate": "Generate"}


def open_tab(page, key: str):
    """Select a tab, through the "More tabs" menu where a narrow screen hides it."""
    tab = page.get_by_role("tab", name=TITLES[key])
    more = page.get_by_role("button", name="More tabs")
    expect(tab.or_(more).first).to_be_visible()
    if tab.is_visible():
        tab.click()
    else:
        more.click()
        page.locator(".overflow-dropdown button", has_text=TITLES[key]).click()
    expect(page.locator(f"#tab-{key}")).to_be_visible()


def test_sentiment_runs_on_enter_and_shows_model_and_latency(page):
    open_tab(page, "sentiment")
    box = page.locator("#sentiment-text textarea")
    box.fill("A wonderful film.")
    box.press("Enter")
    view = page.locator("#sentiment-view")
    expect(view).to_contain_text("Positive")
    expect(view).to_contain_text("Negative")
    expect(view.locator(".bar-name").first).to_have_text(re.compile(r"^(Positive|Negative)$"))  # one word, not "Negative NEGATIVE"
    expect(view.locator(".bar-name[title='API: NEGATIVE']")).to_have_count(1)  # the API's label a hover away
    expect(view).to_contain_text("not a measured accuracy")
    status = page.locator("#sentiment-status")
    # the model, where it ran and the request's latency
    expect(status).to_contain_text(re.compile(r"Answered by distilbert on CPU in [0-9.]+ m?s"))
    expect(status.get_by_text("cpu · float32")).to_be_hidden()  # the details wait one click away
    status.get_by_text("Details").click()
    expect(status.get_by_text("cpu · float32")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "sentiment.png", full_page=True)


def test_fill_mask_example_fills_the_inputs_and_runs(page):
    open_tab(page, "fill_mask")
    page.locator("#tab-fill_mask").get_by_text("The capital of France is [MASK].").first.click()
    expect(page.locator("#fill-mask-text textarea")).to_have_value("The capital of France is [MASK].")
    page.locator("#fill_mask-run").click()
    view = page.locator("#fill_mask-view")
    expect(view.locator("mark.blank")).to_have_count(1)
    expect(view).to_contain_text("Blank 1")
    expect(view).not_to_contain_text("[MASK]")
    assert page.locator("#fill-mask-table").count() == 0 or not page.locator("#fill-mask-table").is_visible()
    page.screenshot(path=SCREENSHOTS / "fill_mask.png", full_page=True)


def test_next_sentence_runs(page):
    open_tab(page, "next_sentence")
    page.locator("#next-sentence-a textarea").fill("I was hungry.")
    page.locator("#next-sentence-b textarea").fill("So I ate.")
    page.locator("#next_sentence-run").click()
    expect(page.locator("#next_sentence-view")).to_contain_text("B follows A")
    expect(page.locator("#next_sentence-view .bar-name[title='API: IsNext']")).to_have_count(1)
    expect(page.locator("#next_sentence-status")).to_contain_text("Answered by")
    page.screenshot(path=SCREENSHOTS / "next_sentence.png", full_page=True)


GENERATED = "#generate-view .continuation"


def generated_text(page) -> str:
    """The prompt and its continuation as the page shows them (without the tooltips)."""
    return page.evaluate("""() => { const box = document.querySelector('#generate-view .continuation');
        if (!box) return ''; const copy = box.cloneNode(true);
        copy.querySelectorAll('.alts, .limit').forEach(e => e.remove()); return copy.textContent.trimEnd(); }""")


def watch_output(page) -> None:
    """Record every text the generation view shows, so partial text can be seen."""
    page.evaluate("""() => {
        window.__seen = [];
        window.__watch = setInterval(() => {
            const box = document.querySelector('#generate-view .continuation');
            if (!box) return;
            const copy = box.cloneNode(true);
            copy.querySelectorAll('.alts, .limit').forEach(e => e.remove());
            const text = copy.textContent.trimEnd(), last = window.__seen[window.__seen.length - 1];
            if (text !== last) window.__seen.push(text);
        }, 2);
    }""")


def set_slider(page, elem_id: str, value: int) -> None:
    """Type a value into a slider's number box, opening the closed Settings panel it sits in first."""
    field = page.locator(f"#{elem_id} input[type=number]")
    if not field.is_visible():
        page.locator("#generate-settings").get_by_text("Settings").click()
    for _ in range(10):  # a slider that has just mounted can overwrite a value typed in its first moments
        field.fill(str(value))
        field.press("Tab")  # leaving the box commits the value, as a user's click elsewhere would
        page.wait_for_timeout(100)
        if field.input_value() == str(value):
            break
    expect(field).to_have_value(str(value))


def test_generation_streams_partial_text_before_the_final_text(page):
    open_tab(page, "generate")
    set_slider(page, "generate-max-new-tokens", 400)
    watch_output(page)
    page.locator("#generate-prompt textarea").fill("Once upon a time")
    page.locator("#generate-run").click()
    expect(page.locator("#generate-status")).to_contain_text("Answered by", timeout=60_000)
    seen = [v for v in page.evaluate("window.__seen") if v]
    final = generated_text(page)
    partial = [v for v in seen if v != final and final.startswith(v) and v.startswith("Once upon a time")]
    assert partial, f"no partial text was shown before the final text ({len(seen)} values seen)"
    page.screenshot(path=SCREENSHOTS / "generate.png", full_page=True)


@pytest.fixture()
def slow_tokens(monkeypatch):
    """50 ms between generated tokens: a tiny model writes hundreds of tokens faster than a click, and on
    a loaded 2-core machine a click can take seconds to land (512 tokens: over 25 s to press Stop). Both
    paths are slowed: the batched decoder's step and `generate`'s per-token checkpoint."""
    from demo.engines import causal_lm, decoding

    def slowed(real):
        def slow(*args, **kwargs):
            time.sleep(0.05)
            return real(*args, **kwargs)
        return slow

    monkeypatch.setattr(causal_lm.Checkpoint, "__call__", slowed(causal_lm.Checkpoint.__call__))
    monkeypatch.setattr(decoding.BatchedDecoder, "_step", slowed(decoding.BatchedDecoder._step))


def test_stop_ends_generation(page, runtime, slow_tokens):
    open_tab(page, "generate")
    set_slider(page, "generate-max-new-tokens", 512)
    page.locator("#generate-prompt textarea").fill("Once upon a time")
    page.locator("#generate-run").click()
    expect(page.locator(GENERATED)).to_be_visible()
    page.locator("#generate-stop").click()
    deadline = time.monotonic() + 30  # it ends at the next token; a loaded machine may take seconds to get there
    while runtime.worker.long_job_running:
        assert time.monotonic() < deadline, "the generation kept running after Stop"
        time.sleep(0.05)
    expect(page.locator("#generate-status")).to_contain_text("Stopped after")
    expect(page.locator("#generate-status")).to_contain_text("new tokens")
    made = int(re.search(r"after (\d+) new tokens", page.locator("#generate-status").inner_text()).group(1))
    assert made < 512, "Stop was pressed, yet every token was written"
    stopped_at = generated_text(page)
    page.wait_for_timeout(500)  # once the page says it stopped, the text must not grow any more
    assert generated_text(page) == stopped_at
    expect(page.locator("#generate-view .limit")).to_have_count(0)  # stopped, not cut by the limit
    assert stopped_at.startswith("Once upon a time") and len(stopped_at) > len("Once upon a time")
    assert page.get_by_text("Error", exact=True).count() == 0  # Stop is an answer, not an error
    page.screenshot(path=SCREENSHOTS / "generate_stopped.png", full_page=True)


def test_run_is_off_and_stop_on_only_while_generating(page, slow_tokens):
    open_tab(page, "generate")
    run, stop = page.locator("#generate-run"), page.locator("#generate-stop")
    expect(run).to_be_enabled()
    expect(stop).to_be_disabled()
    expect(page.locator("#generate-max-new-tokens")).to_be_hidden()  # sampler settings wait in a closed panel
    set_slider(page, "generate-max-new-tokens", 512)
    page.locator("#generate-prompt textarea").fill("Once upon a time")
    run.click()
    expect(run).to_be_disabled()
    expect(stop).to_be_enabled()
    stop.click()
    expect(page.locator("#generate-status")).to_contain_text("Stopped after")
    expect(run).to_be_enabled()
    expect(stop).to_be_disabled()


def test_a_refused_prompt_leaves_run_on_and_stop_off(page):
    open_tab(page, "generate")
    page.locator("#generate-prompt textarea").fill("")
    page.locator("#generate-run").click()
    expect(page.locator("#generate-error")).to_contain_text("Prompt is empty: please type some text.")
    expect(page.locator("#generate-run")).to_be_enabled()
    expect(page.locator("#generate-stop")).to_be_disabled()


SMALL_TARGETS = """() => [...document.querySelectorAll('button, [role=tab], textarea, input[type=number]')]
  .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height > 2)
  .map(e => { const r = e.getBoundingClientRect();
              return [e.id || (e.getAttribute('aria-label') || e.innerText || '').slice(0, 30), Math.round(r.width),
                      Math.round(r.height)]; })
  .filter(([name, width, height]) => width < 44 || height < 44)"""


def test_touch_targets_on_a_phone_are_at_least_44_px(browser, base_url):
    context, page = open_page(browser, base_url, viewport={"width": 390, "height": 844}, is_mobile=True,
                              has_touch=True)
    for key in TITLES:
        open_tab(page, key)
        if key == "generate":
            page.locator("#generate-settings").get_by_text("Settings").click()
            expect(page.locator("#generate-seed")).to_be_visible()
        assert page.evaluate(SMALL_TARGETS) == [], f"{key}: targets under 44 px"
    page.screenshot(path=SCREENSHOTS / "phone_generate_settings.png", full_page=True)
    context.close()


def test_every_tab_says_its_model_is_ready(page):
    for key in TITLES:
        open_tab(page, key)
        expect(page.locator(f"#{key}-readiness")).to_contain_text("Model ready", timeout=30_000)


def test_arrow_keys_move_between_tabs(page):
    open_tab(page, "sentiment")
    first = page.get_by_role("tab", name=TITLES["sentiment"])
    first.focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name=TITLES["fill_mask"])).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tab", name=TITLES["fill_mask"])).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(first).to_have_attribute("aria-selected", "true")


def test_bad_input_is_said_under_the_input_and_no_earlier_answer_stays_beside_a_new_text(page):
    """A refused Run once left the earlier text's answer beside the new text, as if it were its answer."""
    open_tab(page, "fill_mask")
    box, view, error = (page.locator("#fill-mask-text textarea"), page.locator("#fill_mask-view"),
                        page.locator("#fill_mask-error"))
    box.fill("The [MASK] sat.")
    page.locator("#fill_mask-run").click()
    expect(view.locator("mark.blank")).to_have_count(1)
    box.fill("No mask in this sentence.")
    page.locator("#fill_mask-run").click()
    expect(error).to_contain_text("No mask found. Write [MASK] where the missing word goes")
    assert error.bounding_box()["y"] < page.locator("#fill_mask-run").bounding_box()["y"]  # under the input
    expect(page.locator("#tab-fill_mask .error")).to_have_count(0)  # no "Error" badge over any output
    expect(view.locator(".answer")).to_have_count(0)
    expect(page.locator("#fill_mask-status")).not_to_contain_text("Answered")
    page.screenshot(path=SCREENSHOTS / "error_inline.png", full_page=True)
    box.fill("The [MASK] ran.")
    page.locator("#fill_mask-run").click()
    expect(view).to_contain_text("ran")
    expect(error).to_be_hidden()


def test_long_input_shows_a_truncation_warning(page):
    open_tab(page, "sentiment")
    page.locator("#sentiment-text textarea").fill("great " * 200)
    page.locator("#sentiment-run").click()
    expect(page.get_by_text("tokens at the end were left out")).to_be_visible()


def test_user_html_is_shown_as_text_not_run(page):
    open_tab(page, "generate")
    attack = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>**bold**'
    page.locator("#generate-prompt textarea").fill(attack)
    page.locator("#generate-run").click()
    expect(page.locator("#generate-status")).to_contain_text("Answered by", timeout=60_000)
    assert generated_text(page).startswith(attack)
    assert page.evaluate("window.__pwned") is None


def test_every_visible_input_has_a_label(page):
    for key in TITLES:
        open_tab(page, key)
        unlabelled = page.evaluate("""() => [...document.querySelectorAll('textarea, input')]
            .filter(el => el.offsetParent !== null && el.type !== 'hidden')
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                          && !el.getAttribute('aria-labelledby'))
            .map(el => el.outerHTML.slice(0, 120))""")
        assert unlabelled == [], f"{key}: inputs without a label: {unlabelled}"


def test_how_it_works_renders_its_formula(page):
    open_tab(page, "fill_mask")
    page.locator("#fill_mask-how").get_by_text("How it works").click()
    expect(page.locator("#fill_mask-how .katex").first).to_be_visible()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_phone_width_has_no_horizontal_scroll(browser, base_url, theme):
    context, page = open_page(browser, f"{base_url}/?__theme={theme}", viewport={"width": 390, "height": 844},
                              is_mobile=True, has_touch=True)
    for key in TITLES:
        open_tab(page, key)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{key} scrolls sideways"
    page.screenshot(path=SCREENSHOTS / f"phone_{theme}.png", full_page=True)
    context.close()


def test_generated_text_is_set_apart_shaded_by_probability_with_alternatives_on_hover(page):
    open_tab(page, "generate")
    set_slider(page, "generate-max-new-tokens", 12)
    page.locator("#generate-prompt textarea").fill("Once upon a time")
    page.locator("#generate-run").click()
    expect(page.locator("#generate-status")).to_contain_text("Answered by", timeout=60_000)
    view = page.locator("#generate-view")
    prompt_colour = view.locator(".prompt").evaluate("e => getComputedStyle(e).color")
    generated_colour = view.locator(".tok").first.evaluate("e => getComputedStyle(e).color")
    assert prompt_colour != generated_colour
    expect(view.locator(".legend")).to_contain_text("how expected each token was")
    expect(view.locator(".limit")).to_contain_text("limit reached: 12 new tokens")
    token = view.locator(".tok").first
    expect(token.locator(".alts")).to_be_hidden()
    token.hover()
    expect(token.locator(".alts")).to_be_visible()
    expect(token.locator(".alts")).to_contain_text("The likeliest at this step:")
    assert "'" not in token.locator(".alts").inner_text()  # tokens as a reader sees them, not Python strings
    last = view.locator(".continuation .tok").last  # the tip of the right-most token stays inside the text
    last.hover()
    tip, text = last.locator(".alts").bounding_box(), view.locator(".continuation").bounding_box()
    assert tip["x"] + tip["width"] <= text["x"] + text["width"] + 1
    page.screenshot(path=SCREENSHOTS / "generate_alternatives.png", full_page=True)


def test_the_status_line_never_carries_a_progress_overlay(page, slow_tokens):
    open_tab(page, "generate")
    set_slider(page, "generate-max-new-tokens", 512)
    page.locator("#generate-prompt textarea").fill("Once upon a time")
    page.locator("#generate-run").click()
    expect(page.locator("#generate-stop")).to_be_enabled()
    trackers = page.locator("#generate-status [data-testid=status-tracker]")
    assert all("hide" in (trackers.nth(i).get_attribute("class") or "") for i in range(trackers.count()))
    page.locator("#generate-stop").click()
    expect(page.locator("#generate-status")).to_contain_text("Stopped after")


def test_empty_input_on_a_cold_server_is_answered_at_once(browser, tiny_paths):
    from bench.server import running_app

    with running_app(tiny_paths, ("--lazy",)) as (url, _):
        context, page = open_page(browser, url)
        open_tab(page, "sentiment")
        started = time.monotonic()
        page.locator("#sentiment-run").click()
        expect(page.locator("#sentiment-error")).to_contain_text("Text is empty", timeout=15_000)
        # no model was loaded for it: the line still says the first request loads it (a generous bound: a
        # loaded 2-core machine; a first load of the three tiny models behind this tab takes longer)
        assert time.monotonic() - started < 15
        expect(page.locator("#sentiment-readiness")).to_contain_text("loads on this tab's first request")
        context.close()


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


def run_scorecard_on_file(page, path):
    """Choose "My CSV", upload `path`, wait until the upload is done, press Run; the scorecard's view."""
    page.locator("#scorecard-source").get_by_text(re.compile("^(My CSV|我的 CSV)$")).click()
    page.locator("#scorecard-file input[type=file]").set_input_files(str(path))
    expect(page.locator(f"#scorecard-file a[href*='{quote(path.name)}']")).to_be_visible()  # the upload is done
    page.locator("#scorecard-run").click()
    return page.locator("#scorecard-view")


@pytest.mark.slow  # the scorecard's zero-shot side is the real Gemma 3 270M
def test_the_scorecard_scores_an_uploaded_csv_live_stops_and_gives_a_scored_csv(page, tmp_path):
    rows = ["text,label"] + [f'"{text}",{label}' for text, label in
                             [("A wonderful, warm film.", "POSITIVE"), ("A dull and boring mess.", "NEGATIVE")] * 20]
    upload = tmp_path / "my set.csv"
    upload.write_text("\n".join(rows) + "\n", encoding="utf-8")
    page.locator("#scorecard").get_by_text("Scorecard: a labelled set").click()
    view = run_scorecard_on_file(page, upload)
    expect(view).to_contain_text("Scoring", timeout=90_000)
    first = int(re.search(r"(\d+) of 40 items", view.inner_text()).group(1))
    grown = False
    for _ in range(30):  # the scored count grows while it runs (an item can take seconds on a busy machine)
        page.wait_for_timeout(500)
        grown = int(re.search(r"(\d+) of 40 items", view.inner_text()).group(1)) > first
        if grown:
            break
    assert grown, f"still {first} of 40 items after 15 s"
    expect(page.locator("#scorecard-plot")).not_to_contain_text("Empty")
    page.locator("#scorecard-stop").click()
    expect(view).to_contain_text("Stopped", timeout=30_000)
    expect(page.locator("#scorecard-status")).to_contain_text("Stopped after")  # the last line stays shown
    # the upload was read and deleted: a file is chosen again (a shorter one, to see a run to its end)
    upload.write_text("\n".join(rows[:11]) + "\n", encoding="utf-8")
    page.locator("#scorecard-file input[type=file]").set_input_files(str(upload))
    expect(page.locator("#scorecard-file a[href*='set.csv']")).to_be_visible()
    page.locator("#scorecard-run").click()
    expect(view).to_contain_text("Done: 10 of 10 items", timeout=120_000)
    expect(page.locator("#scorecard-status")).to_contain_text("Scored 10 items in")
    expect(page.locator("#scorecard-table")).to_contain_text("Zero-shot Gemma 3 270M")
    with page.expect_download() as downloading:
        page.locator("#scorecard-download a").first.click()
    scored = downloading.value.path().read_text(encoding="utf-8").splitlines()
    assert scored[0].startswith("text,label,") and len(scored) == 11
    expect(page.locator("#scorecard-view .reliability")).to_have_count(2)  # each side's diagram, live
    with page.expect_download() as downloading:
        page.locator("#scorecard-report a").first.click()
    report = downloading.value.path().read_text(encoding="utf-8")
    assert report.startswith("<!DOCTYPE html>") and "Is the confidence honest?" in report and "10 of 10 items" in report
    page.screenshot(path=SCREENSHOTS / "scorecard.png", full_page=True)


def test_a_batch_csv_goes_in_and_its_answers_come_out(page, tmp_path):
    upload = tmp_path / "texts.csv"
    upload.write_text('text\n"A wonderful, warm film."\nA dull mess.\n""\n', encoding="utf-8")
    page.locator("#scorecard").get_by_text("Scorecard: a labelled set").click()
    page.locator("#batch").get_by_text("Batch: a CSV of inputs in").click()
    page.locator("#batch-file input[type=file]").set_input_files(str(upload))
    expect(page.locator("#batch-file a[href*='texts.csv']")).to_be_visible()
    page.locator("#batch-run").click()
    expect(page.locator("#batch-status")).to_contain_text("Done: 2 of 2 rows answered", timeout=60_000)
    expect(page.locator("#batch-table")).to_contain_text("A wonderful, warm film.")
    with page.expect_download() as downloading:
        page.locator("#batch-download a").first.click()
    lines = downloading.value.path().read_text(encoding="utf-8").splitlines()
    assert lines[0] == "row,text,label,confidence,seconds" and len(lines) == 3
    page.locator("#batch-run").click()  # the upload was read and deleted
    expect(page.locator("#batch-error")).to_contain_text("Choose a CSV file first")
    labelled = tmp_path / "labelled.csv"
    labelled.write_text('text,label\n"A wonderful, warm film.",positive\nA dull mess.,negative\nFine.,1\n', encoding="utf-8")
    page.locator("#batch-file input[type=file]").set_input_files(str(labelled))
    expect(page.locator("#batch-file a[href*='labelled.csv']")).to_be_visible()
    page.locator("#batch-run").click()
    expect(page.locator("#batch-status")).to_contain_text("Done: 3 of 3 rows answered", timeout=60_000)
    with page.expect_download() as downloading:
        page.locator("#batch-report a").first.click()
    report = downloading.value.path().read_text(encoding="utf-8")
    assert report.startswith("<!DOCTYPE html>") and "Is the confidence honest?" in report and "3 of 3 items" in report


@pytest.mark.slow  # the scorecard's zero-shot side is the real Gemma 3 270M
def test_the_scorecard_and_batch_speak_the_chinese_page_language(browser, base_url, tmp_path):
    upload = tmp_path / "texts.csv"
    upload.write_text('text\n"这家酒店很好。"\nA dull mess.\n', encoding="utf-8")
    labelled = tmp_path / "labelled.csv"
    labelled.write_text("text,label\n这家酒店很好。,1\n质量太差了。,0\nA warm film.,1\n", encoding="utf-8")
    context, page = open_page(browser, base_url, locale="zh-CN")
    page.locator("#scorecard").get_by_text("评分卡").click()
    expect(page.locator("#scorecard-summary-text")).to_contain_text("你的文件只读取一次")
    view = run_scorecard_on_file(page, labelled)
    expect(view).to_contain_text("完成：3 项中的 3 项", timeout=120_000)
    expect(view).to_contain_text("准确率是对照数据集的标注测得的")
    expect(page.locator("#scorecard-status")).to_contain_text("已评分 3 项")
    expect(page.locator("#scorecard-table")).to_contain_text("零样本 Gemma 3 270M")
    expect(page.locator("#scorecard-table")).to_contain_text("准确率 %")
    expect(page.locator("#scorecard-task")).to_contain_text("情感分析")
    page.locator("#language-switch").get_by_text("English").click()  # the scorecard is said again in English
    expect(view).to_contain_text("Done: 3 of 3 items")
    expect(page.locator("#scorecard-table")).to_contain_text("Zero-shot Gemma 3 270M")
    expect(page.locator("#scorecard-status")).to_contain_text("Scored 3 items")
    expect(page.locator("#scorecard-source")).to_contain_text("My CSV")
    page.locator("#language-switch").get_by_text("中文").click()
    page.locator("#batch").get_by_text("批量").click()
    expect(page.locator("#batch-summary")).to_contain_text("每行一个请求")
    page.locator("#batch-run").click()
    expect(page.locator("#batch-error")).to_contain_text("请先选择一个 CSV 文件")
    page.locator("#batch-file input[type=file]").set_input_files(str(upload))
    expect(page.locator("#batch-file a[href*='texts.csv']")).to_be_visible()
    page.locator("#batch-run").click()
    expect(page.locator("#batch-status")).to_contain_text("完成：2 行中回答了 2 行", timeout=60_000)
    page.screenshot(path=SCREENSHOTS / "chinese_scorecard.png", full_page=True)
    context.close()


def test_a_chinese_browser_gets_the_chinese_page_and_the_switch_turns_it_english(browser, base_url):
    context, page = open_page(browser, base_url, locale="zh-CN")
    expect(page.get_by_role("tab", name="情感分析")).to_be_visible()
    expect(page.locator("#sentiment-run")).to_have_text("运行")
    expect(page.locator("#language-switch input[value='中文']")).to_be_checked()
    expect(page.locator("#sentiment-readiness")).to_contain_text("模型已就绪")
    page.get_by_role("tab", name="下一句预测").click()
    expect(page.locator("#tab-next_sentence th").first).to_contain_text("句子 A")  # the examples' header too
    page.get_by_role("tab", name="情感分析").click()
    page.locator("#sentiment-text textarea").fill("这家酒店的服务很周到，房间也干净。")
    page.locator("#sentiment-run").click()
    status = page.locator("#sentiment-status")
    expect(status).to_contain_text("classifier-chinese", timeout=60_000)
    expect(status).to_contain_text("中文文本：15 个汉字")
    expect(page.locator("#sentiment-view .verdict")).to_have_text(re.compile("正面|负面|不确定"))
    expect(page.locator("#sentiment-readiness")).to_contain_text("模型已就绪")  # refreshed after the answer too
    page.screenshot(path=SCREENSHOTS / "chinese_sentiment.png", full_page=True)
    seconds = re.search(r"用时 ([0-9.]+) 秒", status.inner_text()).group(1)
    page.locator("#language-switch").get_by_text("English").click()
    expect(page.get_by_role("tab", name="Sentiment")).to_be_visible()
    expect(page.locator("#sentiment-run")).to_have_text("Run")
    # the answer already on the page is said again in English, its timing kept
    expect(page.locator("#sentiment-view .verdict")).to_have_text(re.compile("Positive|Negative|Unsure"))
    expect(status).to_contain_text(f"in {seconds} s")
    expect(status).to_contain_text("Chinese text: 15 Chinese characters")
    open_tab(page, "next_sentence")
    expect(page.locator("#next_sentence-status")).to_contain_text("English text is answered by")  # idle lines too
    open_tab(page, "sentiment")
    page.locator("#sentiment-run").click()  # the next answer speaks English too
    expect(page.locator("#sentiment-view .verdict")).to_have_text(re.compile("Positive|Negative|Unsure"), timeout=60_000)
    context.close()


def test_an_english_browser_gets_the_english_page(browser, base_url):
    context, page = open_page(browser, base_url, locale="en-US")
    expect(page.get_by_role("tab", name="Sentiment")).to_be_visible()
    expect(page.locator("#language-switch input[value='English']")).to_be_checked()
    page.locator("#language-switch").get_by_text("中文").click()
    expect(page.get_by_role("tab", name="完形填空")).to_be_visible()
    context.close()


@pytest.mark.parametrize("text, message", [
    ("", "文本为空：请输入文字。"),
    ("中国的首都是北京。", "没有找到 [MASK]"),
    ("中国的首都是北［MASK］。", "遮罩用了全角括号（［MASK］）"),
])
def test_chinese_bad_input_is_answered_in_chinese(browser, base_url, text, message):
    context, page = open_page(browser, base_url, locale="zh-CN")
    page.get_by_role("tab", name="完形填空").click()
    page.locator("#fill-mask-text textarea").fill(text)
    page.locator("#fill_mask-run").click()
    expect(page.locator("#fill_mask-error")).to_contain_text(message)
    context.close()
