"""The page's language in a real Chromium: a Chinese browser gets the Chinese page, its switch, errors in Chinese."""

from __future__ import annotations

import re

import pytest

from tests.browser.pages import BROWSER_MARKS, SCREENSHOTS, expect, open_page, open_tab

pytestmark = BROWSER_MARKS


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


def test_a_pop_up_on_the_chinese_page_is_titled_in_chinese_and_the_switch_makes_it_english(browser, base_url):
    context, page = open_page(browser, base_url, locale="zh-CN")
    page.locator("#sentiment-run").click()  # no text: refused with a pop-up
    title = page.locator(".toast-title").first
    expect(title).to_be_visible()
    assert title.evaluate("e => getComputedStyle(e, '::before').content") == '"提示"'
    assert title.evaluate("e => getComputedStyle(e).fontSize") == "0px"  # Gradio's English level name hidden
    page.get_by_text("English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert title.evaluate("e => getComputedStyle(e, '::before').content") in ("none", "normal")
    context.close()
