"""The page in a real Chromium: each tab answers, generation streams and stops, Run and Stop."""

from __future__ import annotations

import re
import time

from tests.browser.pages import (BROWSER_MARKS, SCREENSHOTS, GENERATED, expect, generated_text, open_tab, set_slider,
                                 watch_output)

pytestmark = BROWSER_MARKS


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
