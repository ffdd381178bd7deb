"""The app as a Hugging Face Space builds and runs it: requirements.txt alone, Spaces' environment
(server-side rendering, 0.0.0.0, a persistent-storage directory), the pinned checkpoints preloaded
from the README's front matter, and every endpoint as an MCP tool with a description."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from gradio_client import Client

from bench.server import ROOT
from demo.registry import TASKS
from demo.storage import cache_root, settle
from tests.browser.pages import CHROMIUM, SCREENSHOTS, expect, open_page

TEST_TOOLS = ("pytest", "playwright", "psutil", "transformers[serving]")


def requirement_lines(name: str) -> list[str]:
    return [line.split("#")[0].strip() for line in (ROOT / name).read_text().splitlines()
            if line.split("#")[0].strip()]


def test_requirements_are_what_the_app_runs_on_with_torch_pinned_and_no_test_tools():
    lines = requirement_lines("requirements.txt")
    assert "torch==2.13.0" in lines
    assert not [line for line in lines if line.startswith(TEST_TOOLS)]
    assert all("==" in line or ">=" in line for line in lines)
    tests = requirement_lines("requirements-test.txt")
    assert tests[0] == "-r requirements.txt" and all(any(t.startswith(tool) for t in tests) for tool in TEST_TOOLS)


@pytest.mark.slow  # 20 s of pip resolution against the package index
def test_requirements_resolve_to_the_tested_torch_without_cuda_packages(tmp_path):
    report = tmp_path / "report.json"
    subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "-q", "--report",
                    str(report), "-r", str(ROOT / "requirements.txt")], check=True, timeout=600,
                   capture_output=True)
    installed = {item["metadata"]["name"].lower(): item["metadata"]["version"]
                 for item in json.loads(report.read_text())["install"]}
    assert installed["torch"].startswith("2.13.0") and installed["gradio"] == "6.31.0"
    assert not [name for name in installed if name.startswith(("nvidia", "pytest", "playwright"))]  # psutil: accelerate needs it


def test_the_front_matter_preloads_every_pinned_hub_checkpoint():
    front = (ROOT / "README.md").read_text(encoding="utf-8").split("---")[1]
    listed = dict(re.findall(r"^\s+- (\S+) \S+ ([0-9a-f]{40})$", front, re.MULTILINE))
    pinned = {ref.id: ref.revision for task in TASKS.values() for ref in task.presets.values()}
    assert listed == pinned


def test_caches_go_to_persistent_storage_where_a_space_has_it(tmp_path):
    disk = tmp_path / "data"
    assert cache_root({"DEMO_PERSISTENT_DIR": str(tmp_path / "none"), "HF_HOME": "/hf"}) == Path("/hf/zero-training-nlp-showcase")
    environ = {"DEMO_PERSISTENT_DIR": str(disk)}
    disk.mkdir()
    settle(environ)
    assert environ["HF_HOME"] == str(disk / ".huggingface")
    assert cache_root(environ) == disk / "zero-training-nlp-showcase"
    assert cache_root(environ | {"DEMO_CACHE_DIR": "/elsewhere"}) == Path("/elsewhere")
    kept = {"DEMO_PERSISTENT_DIR": str(disk), "HF_HOME": "/mine"}
    settle(kept)
    assert kept["HF_HOME"] == "/mine"


def test_a_space_serves_the_page_and_every_task(space):
    url, disk, _ = space
    client = Client(url, verbose=False)
    assert client.predict("A fine film.", api_name="/sentiment")[-1].startswith("Answered by")
    assert "[MASK]" not in client.predict("A good [MASK].", 3, api_name="/fill_mask")[1]
    assert client.predict("It rained.", "The streets were wet.", api_name="/next_sentence")[-1]
    *_, status = client.predict("Once upon", 4, 0.0, api_name="/generate")
    assert status.startswith("Answered by")
    assert client.predict("Once upon a time", api_name="/score_text")[-1].startswith("Answered by")
    page = httpx.get(url, timeout=30)
    assert page.status_code == 200 and "Zero-training NLP showcase" in page.text


def test_every_endpoint_is_an_mcp_tool_with_a_description_and_a_bad_input_is_a_clear_error(space):
    from mcp import ClientSession
    from mcp.client.streamable_http import streamablehttp_client

    url, _, _ = space

    async def talk():
        async with streamablehttp_client(f"{url}gradio_api/mcp/") as (read, write, _), \
                ClientSession(read, write) as session:
            await session.initialize()
            # on a Space, Gradio names each tool after the Space too ("zero_training_nlp_sentiment")
            tools = {tool.name.removeprefix("zero_training_nlp_"): tool for tool in (await session.list_tools()).tools}
            answer = await session.call_tool(tools["sentiment"].name, {"text": "A wonderful film."})
            refused = await session.call_tool(tools["fill_mask"].name, {"text": "No blank here.", "top_k": 3})
            return tools, answer, refused

    tools, answer, refused = asyncio.run(talk())
    expected = {"sentiment", "fill_mask", "next_sentence", "generate", "explain_sentiment", "explain_next_sentence",
                "compare_sentiment", "compare_next_sentence", "fill_mask_two_ways", "score_text"}
    assert expected <= set(tools)
    for name in expected:
        assert len(tools[name].description) > 40, name
        for param, schema in tools[name].inputSchema["properties"].items():
            assert schema.get("description"), (name, param)
    assert "whole number from 1 to 50" in tools["fill_mask"].inputSchema["properties"]["top_k"]["description"]
    assert not answer.isError and "POSITIVE" in json.dumps([c.model_dump() for c in answer.content])
    assert refused.isError and "No mask found" in json.dumps([c.model_dump() for c in refused.content])


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


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}: install Debian's chromium")
def test_the_switch_translates_the_whole_page_and_back_with_server_side_rendering(browser, space):
    """The page as the Space serves it (server-side rendering where Node is installed): the switch turns
    every fixed text to Chinese and back, in a real Chromium."""
    url, _, ssr = space
    if not ssr:
        pytest.skip("no Node 24 (scripts/setup.sh --tests installs it with npm): server-side rendering not tested")
    context, page = open_page(browser, url)
    # an SSR page does not load Gradio's hashed core module
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
