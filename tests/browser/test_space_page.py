"""The page as a Space serves it (server-side rendering where Node is installed): the language
switch turns every fixed text to Chinese and back, in a real Chromium."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_page import CHROMIUM, SCREENSHOTS, browser, expect, open_page  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}: install Debian's chromium")]


def switch_until(page, language: str, shown) -> None:
    """Click the switch until `shown` appears: a server-rendered page shows the switch before its
    script has taken over the page, and a click before that is the browser's alone."""
    for _ in range(5):
        page.locator("#language-switch").get_by_text(language).click()
        try:
            expect(shown).to_be_visible(timeout=5_000)
            return
        except AssertionError:
            continue
    expect(shown).to_be_visible()


def test_the_switch_translates_the_whole_page_and_back_with_server_side_rendering(browser, space):
    url, _, ssr = space
    context, page = open_page(browser, url)
    if ssr:  # an SSR page does not load Gradio's hashed core module
        assert not [u for u in page.requested if re.search(r"/assets/core-[^/]+\.js$", u)]
    switch_until(page, "中文", page.get_by_role("tab", name="情感分析"))
    expect(page.locator("#sentiment-run")).to_have_text("运行")
    expect(page.locator("#sentiment-summary")).to_contain_text("正面还是负面")
    expect(page.locator("#sentiment-text label")).to_contain_text("文本")
    expect(page.locator("#sentiment-readiness")).to_contain_text(re.compile("模型|加载"))
    page.locator("#sentiment-text textarea").fill("这部电影很好看。")
    page.locator("#sentiment-run").click()
    expect(page.locator("#sentiment-status")).to_contain_text("回答，用时", timeout=60_000)
    page.screenshot(path=SCREENSHOTS / "space-ssr-chinese.png", full_page=True)
    page.locator("#language-switch").get_by_text("English").click()
    expect(page.get_by_role("tab", name="Sentiment")).to_be_visible()
    expect(page.locator("#sentiment-run")).to_have_text("Run")
    expect(page.locator("#sentiment-summary")).to_contain_text("positive or negative")
    context.close()
