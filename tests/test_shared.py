"""Identical requests share one answer through a launched app: a room's presses, a typed text only
while they arrive, a presenter's example longer, a generation each visitor's own."""

from __future__ import annotations

import time


def test_the_second_identical_explanation_through_the_app_says_it_was_shared(client):
    first = client.predict("Shared answers are a fine idea.", api_name="/explain_sentiment")
    second = client.predict("Shared answers are a fine idea.", api_name="/explain_sentiment")
    assert first[:-1] == second[:-1]
    assert "identical request" in second[-1] and "identical request" not in first[-1]


def test_a_second_identical_answer_is_shared_too_and_a_generation_stays_each_visitors_own(client):
    """A room presses Run on the presenter's example together: the answer is computed once. A
    generation streams as it grows, so each visitor's is their own."""
    first = client.predict("Shared runs are a fine idea.", api_name="/sentiment")
    second = client.predict("Shared runs are a fine idea.", api_name="/sentiment")
    assert first[:-1] == second[:-1]
    assert "identical request" in second[-1] and "identical request" not in first[-1]
    for _ in range(2):
        assert "identical request" not in client.predict("Once upon a shared time", api_name="/generate")[-1]


def test_a_typed_text_is_not_told_to_a_later_visitor_but_the_presenters_example_is(base_url, monkeypatch):
    """An instant answer with "Computed once" told a second visitor that someone had typed that text a
    minute earlier. A typed text's answer is shared only while identical presses arrive together
    (`TYPED_SHARED_S`); a bundled example's, what a presenter shows a room, for longer."""
    from gradio_client import Client

    from demo.page import endpoint
    from demo.tasks.base import load_examples

    monkeypatch.setattr(endpoint, "TYPED_SHARED_S", 0.5)  # the window, short for the test
    first, second = (Client(base_url, verbose=False) for _ in range(2))
    typed = f"A secret review typed at {time.time()}: the film was fine."
    example = load_examples("sentiment")[0][0]
    first.predict(typed, api_name="/sentiment")
    first.predict(example, api_name="/sentiment")
    time.sleep(0.8)
    assert "identical request" not in second.predict(typed, api_name="/sentiment")[-1]
    assert "identical request" in second.predict(example, api_name="/sentiment")[-1]
