"""One request, one input check and one language decision, through the API and through the page."""

from __future__ import annotations

import asyncio
import time

import pytest

from demo.page import endpoint
from demo.registry import get_task


@pytest.fixture()
def counted(monkeypatch, launched_app):
    deadline = time.monotonic() + 120  # the background loader's warm-up requests are not this test's
    while not all(s.phase in ("ready", "failed") for s in launched_app.runtime.states.values()):
        assert time.monotonic() < deadline, launched_app.runtime.states
        time.sleep(0.1)
    loader = launched_app.runtime.loader  # its warm-ups go on after the models are ready: wait for them too
    if loader is not None:
        loader.join(max(0.0, deadline - time.monotonic()))
        assert not loader.is_alive(), "the background load did not end"
    calls = {"check": 0, "route": 0}
    task = get_task("sentiment")
    check, routed = task.check, endpoint.routed

    def counting_check(*values):
        calls["check"] += 1
        return check(*values)

    def counting_route(params, values):
        calls["route"] += 1
        return routed(params, values)

    monkeypatch.setattr(task, "check", counting_check)
    monkeypatch.setattr(endpoint, "routed", counting_route)
    return calls


def test_an_api_request_checks_its_input_once_and_routes_its_language_once(client, counted):
    scores, status = client.predict("A wonderful film.", api_name="/sentiment")
    assert {c["label"] for c in scores["confidences"]} == {"POSITIVE", "NEGATIVE"} and "Answered by" in status
    assert counted == {"check": 1, "route": 1}


def test_a_page_request_checks_once_routes_once_and_is_said_in_the_page_language(launched_app, counted):
    import gradio as gr

    page = next(fn.fn for fn in launched_app.fns.values() if fn.api_name == "sentiment_page")
    label, view, error, status, *panels = asyncio.run(page("这部电影很好看。", "", "zh-CN", gr.Progress(), None))
    assert counted == {"check": 1, "route": 1}
    assert status.startswith("由 **") and "中文文本：" in status and "<summary>详情</summary>" in status
    assert 'class="verdict' in view and any(word in view for word in ("正面", "负面", "不确定"))


def test_a_refusal_keeps_the_answer_shown_for_the_same_texts_as_typed_and_not_for_others():
    """A refused view on the text and labels the answer was for leaves the answer; other texts clear it.
    The labels box is compared as typed ("film, music"), not as the list the check made of it."""
    from demo.page.endpoint import answer_endpoint, prepare
    from demo.page.endpoints import Shown, same_texts, typed_digest
    from demo.registry import get_task

    task = get_task("classify")
    values = ("The film was great fun.", "film, music", False, "This text is about {}.")
    prepared = prepare(answer_endpoint(task), values)
    shown = Shown("classify", prepared, ({"film": 0.9},), "Answered", typed_digest(task, values))
    assert same_texts(task, shown, values[:2])  # a view takes the texts alone
    assert not same_texts(task, shown, ("Another text.", "film, music"))
    assert not same_texts(task, None, values)
