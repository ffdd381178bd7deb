"""Plug-ins: a fifth task, a view and a third page language, each from one file under tests/plugins/,
served by the page, the API, share links, batch CSVs and readiness lines with no other edit."""

from __future__ import annotations

import httpx
import pytest
from gradio_client import Client

from demo import registry
from demo.batch import read_batch_csv, run_batch
from demo.page.links import read_link
from demo.page.status import readiness
from demo.settings import parse_settings

def test_a_plugin_is_named_on_the_command_line_and_its_task_takes_a_model_flag(tiny_paths):
    saved = dict(registry.TASKS), list(registry.PLUGINS)
    try:
        settings = parse_settings(["--plugin", "tests.plugins.token_count", "--model",
                                   f"token_count={tiny_paths['fill_mask']}"], environ={})
        assert "token_count" in settings.models and "token_count" in registry.TASKS
    finally:
        registry.TASKS.clear(), registry.TASKS.update(saved[0])
        registry.PLUGINS[:] = saved[1]
    with pytest.raises(ModuleNotFoundError):
        registry.load_plugin("tests.plugins.no_such_plugin")


def test_a_fifth_task_from_one_file_gets_its_endpoint_batch_link_and_readiness(plugged):
    app, url = plugged
    count, pieces, status = Client(url, verbose=False).predict("A short text.", api_name="/token_count")
    assert count == len(pieces) > 0 and "Answered by **" in status
    assert readiness(app.runtime, registry.TASKS["token_count"]) == "**Model ready.**"
    assert read_link({"tab": "token_count", "text": "Hello there"})[:2] == ("token_count", {"token_count": {
        "text": "Hello there"}})
    rows = read_batch_csv(b"text\nA short text.\nTwo\n", "token_count")
    *_, records = run_batch("token_count", rows, lambda language: app.runtime.engine("token_count"), lambda: False)
    assert [record["tokens"] for record in records][0] == count and "error" not in records[1]
    with pytest.raises(Exception, match="Text is empty"):
        Client(url, verbose=False).predict("  ", api_name="/token_count")


def test_a_view_plugin_appears_only_on_tasks_whose_engine_offers_its_capability(plugged):
    app, url = plugged
    names = set(httpx.get(f"{url}gradio_api/info", timeout=10).json()["named_endpoints"])
    assert {"/word_lengths_sentiment", "/word_lengths_next_sentence"} <= names
    assert not names & {"/word_lengths_fill_mask", "/word_lengths_generate", "/word_lengths_token_count"}
    lengths, status = Client(url, verbose=False).predict("A fine film.", api_name="/word_lengths_sentiment")
    assert lengths == [1, 4, 5] and "Answered by" in status


def test_a_third_locale_from_one_catalog_file_is_offered_by_the_switch(plugged):
    app, url = plugged
    config = httpx.get(f"{url}config", timeout=10).json()
    switch = next(c for c in config["components"] if c.get("props", {}).get("elem_id") == "language-switch")
    assert [choice[0] for choice in switch["props"]["choices"]] == ["English", "中文", "Français"]
    assert "fr" in config["i18n_translations"]
    assert "Lancer" in config["i18n_translations"]["fr"].values()
