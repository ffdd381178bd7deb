"""Every shown view button answers: on the embedded profile (its page built, nothing loaded: which
views an engine has is read from its class) no button leads to "not offered" or "not loaded".
Compare is not shown where Gemma itself answers (offline there is no classic side); a button whose
view the engine of the typed text's language lacks is hidden as the text changes (Gemma's Chinese
sentiment has no four steps)."""

from __future__ import annotations

import pytest

from demo.engines import may_offer
from demo.language import LANGUAGES
from demo.profiles import plan
from demo.registry import TASKS
from demo.runtime import Runtime
from demo.settings import Settings


@pytest.fixture(scope="module")
def embedded_page():
    from demo.app import create_app

    runtime = Runtime(plan("embedded"), plan_zh=plan("embedded", language="zh"))
    return create_app(Settings(profile="embedded", lazy=True), runtime), runtime


def component(app, elem_id: str):
    return next(block for block in app.blocks.values() if getattr(block, "elem_id", None) == elem_id)


def test_no_compare_button_where_gemma_itself_answers(embedded_page):
    app, runtime = embedded_page
    for key in TASKS:
        for language in LANGUAGES:
            assert "compare" not in runtime.card(key, language).capabilities
        if may_offer(TASKS[key], "compare"):  # the endpoint is there (the API keeps it), its button is not
            assert component(app, f"compare_{key}").visible is False


def test_a_button_follows_the_engine_of_the_typed_texts_language(embedded_page):
    app, runtime = embedded_page
    assert "steps" in runtime.card("sentiment").capabilities
    assert "steps" not in runtime.card("sentiment", "zh").capabilities
    steps = component(app, "steps_sentiment")
    text = component(app, "sentiment-text")
    (event,) = [fn for fn in app.fns.values() if getattr(fn.fn, "__name__", "") == "offered"
                and any(block is text for block in fn.inputs)]
    shown = dict(zip([block._id for block in event.outputs], range(len(event.outputs))))
    for review, visible in (("这家酒店服务很好，房间干净。", False), ("A fine film.", True)):
        updates = event.fn(review)
        assert updates[shown[steps._id]]["visible"] is visible, review
    # tabs whose engines have the same views in both languages re-read nothing as the text changes
    assert not [fn for fn in app.fns.values() if getattr(fn.fn, "__name__", "") == "offered"
                and any(block is component(app, "generate-prompt") for block in fn.inputs)]
