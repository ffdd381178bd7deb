"""The scorecard and the batch CSV in a real Chromium, in English and in Chinese."""

from __future__ import annotations

import re

import pytest

from tests.browser.pages import BROWSER_MARKS, SCREENSHOTS, expect, open_page, run_scorecard_on_file

pytestmark = BROWSER_MARKS


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
