"""Every shown view button answers, as a presenter presses them: in Chromium, on the English and the
Chinese page, each tab's first English and first Chinese example, then every view button shown.

    python -m bench.every_button [--profile embedded] [--url http://127.0.0.1:7860]

Starts the app (`--preload`) unless `--url` names one. A press whose answer or pop-up says "not
offered", "not loaded", "未加载" or "不提供" is a problem; prints one line per press (seconds until
the status line changed) and a final JSON line with the problems.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from contextlib import nullcontext

from bench.server import running_app

TABS = ("sentiment", "fill_mask", "next_sentence", "generate", "classify")
REFUSED = re.compile("not offered|not loaded|未加载|不提供")


def press_every_button(base_url: str) -> list[dict]:
    from playwright.sync_api import sync_playwright

    presses = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for locale in ("en-US", "zh-CN"):
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale=locale)
            page.goto(base_url)
            page.wait_for_timeout(3000)
            for index, key in enumerate(TABS):
                page.locator("button[role=tab]").nth(index).click()
                rows = page.locator(f"#{key}-examples .gallery-item, #{key}-examples tbody tr td:first-child")
                chinese = [any("\u4e00" <= ch <= "\u9fff" for ch in rows.nth(i).inner_text()) for i in range(rows.count())]
                for wanted in (False, True):  # the first English example, then the first Chinese one
                    if wanted not in chinese:
                        continue
                    rows.nth(chinese.index(wanted)).click()
                    page.wait_for_timeout(1000)  # the buttons follow the text's language
                    shown = page.locator(f"#tab-{key} .secondary-views button:visible")
                    for button in [shown.nth(i).get_attribute("id") for i in range(shown.count())]:
                        status = page.locator(f"#{key}-status")
                        before, started = status.inner_text(), time.perf_counter()
                        page.locator(f"#{button}").click()
                        while status.inner_text() == before and time.perf_counter() - started < 120:
                            page.wait_for_timeout(200)
                        said = " ".join([page.locator(f"#{key}-view").inner_text(), status.inner_text(),
                                         *page.locator("[data-testid=toast-body]").all_inner_texts()])
                        found = REFUSED.search(said)
                        presses.append({"page": locale, "tab": key, "chinese_example": wanted, "button": button,
                                        "seconds": round(time.perf_counter() - started, 2),
                                        "problem": found.group(0) if found else ""})
                        print(json.dumps(presses[-1], ensure_ascii=False), flush=True)
            page.close()
        browser.close()
    return presses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=("embedded", "hub"), default="embedded")
    parser.add_argument("--url", default="", help="an app already running (else one is started)")
    args = parser.parse_args()
    started = nullcontext((args.url, None)) if args.url else running_app({}, ("--preload", "--profile", args.profile))
    with started as (base_url, _):
        presses = press_every_button(base_url)
    problems = [press for press in presses if press["problem"]]
    print(json.dumps({"presses": len(presses), "problems": problems}, ensure_ascii=False))


if __name__ == "__main__":
    main()
