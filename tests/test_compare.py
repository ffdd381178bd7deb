"""Classic checkpoint and zero-shot LLM side by side (the zero-shot side is real Gemma: slow)."""

from __future__ import annotations

import pytest

from demo.profiles import plan
from demo.runtime import Runtime
from demo.registry import VIEWS, get_task


def compare(key, sides, *values):
    task = get_task(key)
    return VIEWS["compare"].run(task, sides, pytest.fail, *task.check(*values))

pytestmark = pytest.mark.slow


def test_both_sides_answer_with_their_latencies(runtime):
    sides = runtime.sides("sentiment")
    classic, zero_shot = answer = compare("sentiment", sides, "A wonderful, moving film.")
    assert set(classic) == set(zero_shot) == {"POSITIVE", "NEGATIVE"}
    assert max(zero_shot, key=zero_shot.get) == "POSITIVE"  # Gemma gets a clear review right
    assert "Classic distilbert: " in answer.note and "Zero-shot Gemma 3 270M: " in answer.note
    classic, zero_shot = compare("next_sentence", runtime.sides("next_sentence"), "It snowed all night.",
                                 "By morning the roads were closed.")
    assert set(classic) == set(zero_shot) == {"IsNext", "NotNext"}


def test_the_embedded_profile_says_why_the_classic_side_is_missing():
    embedded = Runtime(plan("embedded"))
    classic, zero_shot = answer = compare("sentiment", embedded.sides("sentiment"), "Great!")
    assert classic is None and set(zero_shot) == {"POSITIVE", "NEGATIVE"}
    assert "Classic checkpoint: not available (embedded profile chosen)" in answer.note


def test_compare_endpoints_answer_in_their_shapes(client):
    classic, zero_shot, status = client.predict("A wonderful, moving film.", api_name="/compare_sentiment")
    assert classic["label"] in {"POSITIVE", "NEGATIVE"} and zero_shot["label"] == "POSITIVE"
    assert "Zero-shot Gemma 3 270M:" in status
    classic, zero_shot, _ = client.predict("It snowed all night.", "The roads were closed.",
                                           api_name="/compare_next_sentence")
    assert {classic["label"], zero_shot["label"]} <= {"IsNext", "NotNext"}
