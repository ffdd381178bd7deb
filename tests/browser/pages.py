"""What the browser tests share: where Chromium is, how a page is opened and a tab chosen, and the
generation view's readers (fixtures: `browser` in tests/conftest.py, `page` in tests/browser/conftest.py)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import quote

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
# every browser test module's marks: `-m "not browser"` leaves them out; without Chromium they skip
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}: install Debian's chromium"),
]


def open_page(browser, url: str, **context_options):
    context = browser.new_context(**context_options)
    page = context.new_page()
    page.requested = []
    page.on("request", lambda request: page.requested.append(request.url))
    page.goto(url)
    expect(page.get_by_role("heading", name="Zero-training NLP showcase")).to_be_visible()
    return context, page



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



def run_scorecard_on_file(page, path):
    """Choose "My CSV", upload `path`, wait until the upload is done, press Run; the scorecard's view."""
    page.locator("#scorecard-source").get_by_text(re.compile("^(My CSV|我的 CSV)$")).click()
    page.locator("#scorecard-file input[type=file]").set_input_files(str(path))
    expect(page.locator(f"#scorecard-file a[href*='{quote(path.name)}']")).to_be_visible()  # the upload is done
    page.locator("#scorecard-run").click()
    return page.locator("#scorecard-view")

