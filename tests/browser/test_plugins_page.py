"""The plug-ins on the page in a real Chromium: a fifth task's tab, link and batch, a view's button
only where its capability is offered, a third language from the switch."""

from __future__ import annotations

import re

import pytest

from tests.browser.pages import CHROMIUM, SCREENSHOTS, expect, open_page

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}: install Debian's chromium")]


def test_a_fifth_task_gets_a_tab_a_share_link_and_batch_rows(browser, plugged, tmp_path):
    _, url = plugged
    context, page = open_page(browser, url)
    page.get_by_role("tab", name="Token count").click()
    page.locator("#token-count-text textarea").fill("A short text.")
    page.locator("#token_count-run").click()
    expect(page.locator("#token_count-view")).to_contain_text(re.compile(r"\d+ tokens: "), timeout=60_000)
    expect(page.locator("#token_count-status")).to_contain_text("Answered by")
    expect(page.locator("#token_count-readiness")).to_contain_text("Model ready")
    page.locator("#token_count-share").get_by_text("Share a link").click()
    page.locator("#token_count-make-link").click()
    link = page.locator("#token_count-link textarea")
    expect(link).to_have_value(re.compile(r"tab=token_count"))
    page.screenshot(path=SCREENSHOTS / "plugin-task.png", full_page=True)
    shared = context.new_page()
    shared.goto(link.input_value())
    expect(shared.locator("#token-count-text textarea")).to_have_value("A short text.")
    upload = tmp_path / "texts.csv"
    upload.write_text("text\nA short text.\nTwo words\n", encoding="utf-8")
    page.locator("#scorecard").get_by_text("Scorecard: a labelled set").click()
    page.locator("#batch").get_by_text("Batch: a CSV of inputs in").click()
    page.locator("#batch-task input").click()
    page.get_by_role("option", name="Token count").click()
    page.locator("#batch-file input[type=file]").set_input_files(str(upload))
    expect(page.locator("#batch-file a[href*='texts.csv']")).to_be_visible()
    page.locator("#batch-run").click()
    expect(page.locator("#batch-status")).to_contain_text("Done: 2 of 2 rows answered", timeout=60_000)
    expect(page.locator("#batch-table")).to_contain_text("tokens")
    context.close()


def test_a_view_plugin_shows_only_where_the_engine_offers_it_and_a_third_language_switches_the_page(
        browser, plugged):
    _, url = plugged
    context, page = open_page(browser, url)
    expect(page.locator("#word_lengths_sentiment")).to_be_visible()
    page.locator("#sentiment-text textarea").fill("A fine film.")
    page.locator("#word_lengths_sentiment").click()
    expect(page.locator("#sentiment-view")).to_contain_text("3 words, 10 letters", timeout=60_000)
    page.get_by_role("tab", name="Fill mask").click()
    expect(page.locator("#fill_mask-run")).to_be_visible()
    expect(page.locator("#word_lengths_fill_mask")).to_have_count(0)
    page.get_by_role("tab", name="Sentiment").click()
    page.locator("#language-switch").get_by_text("Français").click()
    expect(page.locator("#sentiment-run")).to_have_text("Lancer")
    expect(page.get_by_role("tab", name="Texte à trous")).to_be_visible()
    page.locator("#sentiment-run").click()
    expect(page.locator("#sentiment-status")).to_contain_text("Répondu par", timeout=60_000)
    expect(page.locator("#sentiment-view .verdict")).to_have_text(re.compile("Positif|Négatif|Unsure"))
    page.screenshot(path=SCREENSHOTS / "plugin-locale.png", full_page=True)
    context.close()
