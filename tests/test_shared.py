"""Identical view requests share one answer: in flight and kept; a cancel of the first is not the
others' answer; a refusal is (real threads; the endpoint path through a launched app)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from demo.errors import InputError
from demo.inference import RequestCancelled
from demo.page.shared import SharedAnswers


def test_eight_identical_requests_at_once_compute_once_and_each_hears_the_note():
    shared, computed, heard = SharedAnswers(), [], []
    start = threading.Barrier(8)

    def compute(warn):
        computed.append(1)
        warn("shortened")
        time.sleep(0.3)
        return ("answer",)

    def visitor(n):
        start.wait()
        return shared.answer(("explain", "m", "en", "'x'"), compute, lambda note: heard.append((n, note)))

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(visitor, range(8)))
    assert len(computed) == 1
    assert [outputs for outputs, _ in results] == [("answer",)] * 8
    assert sorted(was_shared for _, was_shared in results) == [False] + [True] * 7
    assert sorted(n for n, _ in heard) == list(range(8))  # the note reached every visitor
    assert shared.answer(("explain", "m", "en", "'x'"), compute, print) == (("answer",), True)  # kept
    assert shared.answer(("explain", "m", "en", "'y'"), compute, print)[1] is False and len(computed) == 2


def test_a_cancelled_first_request_leaves_the_others_to_compute_and_a_refusal_is_everyones():
    shared, began = SharedAnswers(), threading.Event()

    def cancelled(warn):
        began.set()
        time.sleep(0.2)
        raise RequestCancelled()

    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(shared.answer, ("k",), cancelled, print)
        began.wait()
        second = pool.submit(shared.answer, ("k",), lambda warn: ("mine",), print)
        with pytest.raises(RequestCancelled):
            first.result()
        assert second.result() == (("mine",), False)

    def refused(warn):
        raise InputError("too long")

    with pytest.raises(InputError):
        shared.answer(("r",), refused, print)
    assert shared.answer(("r",), lambda warn: ("fine now",), print) == (("fine now",), False)  # refusals are not kept


def test_kept_answers_stay_within_their_count_and_age():
    shared = SharedAnswers(entries=2)
    for key in "abc":
        shared.answer((key,), lambda warn, key=key: (key,), print)
    assert shared.answer(("a",), lambda warn: ("again",), print) == (("again",), False)  # the oldest left
    assert shared.answer(("c",), lambda warn: ("again",), print) == (("c",), True)
    brief = SharedAnswers(kept_for_s=0.2)
    brief.answer(("c",), lambda warn: ("c",), print)
    time.sleep(0.25)
    assert brief.answer(("c",), lambda warn: ("fresh",), print) == (("fresh",), False)  # too old


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
    (`TYPED_KEPT_FOR_S`); a bundled example's, what a presenter shows a room, for longer."""
    from gradio_client import Client

    from demo.page import endpoints
    from demo.tasks.base import load_examples

    monkeypatch.setattr(endpoints, "TYPED_KEPT_FOR_S", 0.5)  # the window, short for the test
    first, second = (Client(base_url, verbose=False) for _ in range(2))
    typed = f"A secret review typed at {time.time()}: the film was fine."
    example = load_examples("sentiment")[0][0]
    first.predict(typed, api_name="/sentiment")
    first.predict(example, api_name="/sentiment")
    time.sleep(0.8)
    assert "identical request" not in second.predict(typed, api_name="/sentiment")[-1]
    assert "identical request" in second.predict(example, api_name="/sentiment")[-1]


def test_explain_reads_only_its_own_visitors_run(runtime):
    """Explain after Run takes Run's answer for the same visitor; another visitor's Explain on that text
    computes it again, so its time says nothing of what the first asked."""
    from demo.inference import RequestScope, run_in_scope
    from demo.page.endpoint import answer_endpoint, view_endpoint
    from demo.registry import VIEWS, get_task
    from tests.helpers import Counted

    task = get_task("sentiment")
    engine = Counted(runtime.engine("sentiment"))
    run, explain = answer_endpoint(task), view_endpoint(task, VIEWS["attribution"])
    text = task.check(f"the film was great fun at {time.time()}")
    first, second = RequestScope(), RequestScope()
    first.visitor, second.visitor = "visitor-1", "visitor-2"
    run_in_scope(first, run.answer, engine, print, *text)
    run_in_scope(second, explain.answer, engine, print, *text)
    assert engine.answers == 2  # another visitor: computed again
    run_in_scope(first, explain.answer, engine, print, *text)
    assert engine.answers == 2  # the same visitor: Run's answer
