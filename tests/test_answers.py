"""One store of answers (`demo.answers`): identical requests computed once, in flight and kept; a cancel
of the first is not the others' answer, a refusal is; kept within count, bytes and age; another visitor
reads a kept answer only within its sharing window, its own visitor later; Explain after Run reads Run's
(real threads; the endpoints' own path through `Responder`)."""

from __future__ import annotations

import gc
import threading
import time
import weakref
from concurrent.futures import ThreadPoolExecutor

import pytest

from demo.answers import AnswerStore, Key, inputs_digest
from demo.errors import InputError
from demo.page.endpoint import answer_endpoint, prepare, view_endpoint
from demo.page.endpoints import Responder
from demo.registry import VIEWS, get_task
from demo.scope import RequestCancelled, RequestScope, run_in_scope


def key(name: str) -> Key:
    return Key(1, "explain_sentiment", inputs_digest((name,)))


KEY_X, KEY_Y = key("x"), key("y")


def test_eight_identical_requests_at_once_compute_once_and_each_hears_the_note():
    shared, computed, heard = AnswerStore(), [], []
    start = threading.Barrier(8)

    def compute(warn):
        computed.append(1)
        warn("shortened")
        time.sleep(0.3)
        return ("answer",)

    def visitor(n):
        start.wait()
        return shared.answer(KEY_X, compute, lambda note: heard.append((n, note)))

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(visitor, range(8)))
    assert len(computed) == 1
    assert [outputs for outputs, _ in results] == [("answer",)] * 8
    assert sorted(was_shared for _, was_shared in results) == [False] + [True] * 7
    assert sorted(n for n, _ in heard) == list(range(8))  # the note reached every visitor
    assert shared.answer(KEY_X, compute, print) == (("answer",), True)  # kept
    assert shared.answer(KEY_Y, compute, print)[1] is False and len(computed) == 2


def test_a_cancelled_first_request_leaves_the_others_to_compute_and_a_refusal_is_everyones():
    shared, began = AnswerStore(), threading.Event()

    def cancelled(warn):
        began.set()
        time.sleep(0.2)
        raise RequestCancelled()

    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(shared.answer, key("k"), cancelled, print)
        began.wait()
        second = pool.submit(shared.answer, key("k"), lambda warn: ("mine",), print)
        with pytest.raises(RequestCancelled):
            first.result()
        assert second.result() == (("mine",), False)

    def refused(warn):
        raise InputError("too long")

    with pytest.raises(InputError):
        shared.answer(key("r"), refused, print)
    assert shared.answer(key("r"), lambda warn: ("fine now",), print) == (("fine now",), False)  # refusals are not kept


def test_kept_answers_stay_within_their_count_and_age():
    shared = AnswerStore(entries=2)
    for name in "abc":
        shared.answer(key(name), lambda warn, name=name: (name,), print)
    assert shared.answer(key("a"), lambda warn: ("again",), print) == (("again",), False)  # the oldest left
    assert shared.answer(key("c"), lambda warn: ("again",), print) == (("c",), True)
    brief = AnswerStore(kept_for_s=0.2)
    brief.answer(key("c"), lambda warn: ("c",), print, visitor="v")
    time.sleep(0.25)
    assert brief.answer(key("c"), lambda warn: ("fresh",), print, visitor="v") == (("fresh",), False)  # too old


def test_another_visitor_reads_a_kept_answer_only_within_its_sharing_window_its_own_visitor_later():
    store = AnswerStore()
    store.answer(KEY_X, lambda warn: ("typed",), print, visitor="first", shared_for_s=0.2)
    assert store.answer(KEY_X, lambda warn: ("again",), print, visitor="second") == (("typed",), True)  # a room's press
    time.sleep(0.3)
    assert store.answer(KEY_X, lambda warn: ("own",), print, visitor="third") == (("own",), False)  # past its window
    assert store.answer(KEY_X, lambda warn: ("never",), print, visitor="third") == (("own",), True)  # the third's own


def test_kept_answers_stay_within_their_bytes():
    store = AnswerStore(max_bytes=40_000)
    for name in "abcdef":
        store.answer(key(name), lambda warn: ("x" * 9_000,), print)
    kept = [name for name in "abcdef" if store.answer(key(name), lambda warn: None, print)[0] is not None]
    assert 0 < len(kept) <= 4 and kept[-1] == "f", kept


def counting(engine, monkeypatch) -> list:
    """The engine's answers, counted where they are computed."""
    calls, classify = [], engine.classify
    monkeypatch.setattr(engine, "classify", lambda *args, **kwargs: (calls.append(1), classify(*args, **kwargs))[1])
    return calls


def asked(responder: Responder, text: str, visitor: str) -> tuple:
    """A request as the page makes it: a scope of this visitor served with the runtime's store."""
    prepared = prepare(responder.endpoint, (text,))
    scope = RequestScope()
    scope.visitor, scope.answers, scope.shared_for_s = visitor, responder.runtime.answers, 0.0
    return run_in_scope(scope, responder.answer, prepared, lambda *args, **kwargs: None, "en")


def test_explain_after_run_reads_runs_answer_for_the_same_visitor_only(runtime, monkeypatch):
    """Explain's first output is the task's answer: after the same visitor's Run on the same text it is
    Run's (one computation, one store); another visitor's Explain past the sharing window computes it
    again, so its time says nothing of what the first asked; another text computes."""
    from demo.page import endpoint

    monkeypatch.setattr(endpoint, "TYPED_SHARED_S", 0.0)  # the sharing window past at once
    task = get_task("sentiment")
    calls = counting(runtime.engine("sentiment"), monkeypatch)
    run = Responder(answer_endpoint(task), runtime, {})
    explain = Responder(view_endpoint(task, VIEWS["attribution"]), runtime, {})
    text = f"the film was great fun at {time.time()}"
    answered = asked(run, text, "first")
    assert len(calls) == 1
    explained = asked(explain, text, "first")
    assert len(calls) == 1 and explained[0] == answered[0]  # Run's answer
    asked(explain, text, "second")
    assert len(calls) == 2  # another visitor: computed again
    asked(explain, text + " and more", "first")
    assert len(calls) == 3  # another input


def test_a_kept_answer_says_its_notes_again(runtime):
    task = get_task("sentiment")
    store, engine = AnswerStore(), runtime.engine("sentiment")
    long_text = task.check("the film was great fun " * 20)  # longer than the tiny model reads: a note says so
    run_notes, kept_notes = [], []
    solve = lambda warn: answer_endpoint(task).answer(engine, warn, *long_text)  # noqa: E731
    answered, _ = store.answer(Key(engine.identity, "sentiment", inputs_digest(long_text)), solve, run_notes.append)
    again, shared = store.answer(Key(engine.identity, "sentiment", inputs_digest(long_text)), solve, kept_notes.append)
    assert shared and again == answered
    assert run_notes and [str(note) for note in kept_notes] == [str(note) for note in run_notes]


def test_engines_differ_in_identity_and_a_kept_answer_keeps_no_engine_alive(runtime):
    task = get_task("sentiment")
    engine = type(runtime.engine("sentiment"))(runtime.engine("sentiment").loaded, runtime.worker)
    assert engine.identity != runtime.engine("sentiment").identity
    store, text = AnswerStore(), task.check("the film was great fun")
    store.answer(Key(engine.identity, "sentiment", inputs_digest(text)),
                 lambda warn, engine=engine: answer_endpoint(task).answer(engine, warn, *text), print)
    gone = weakref.ref(engine)
    del engine
    gc.collect()
    assert gone() is None


def test_a_kept_answer_is_keyed_by_a_digest_of_its_inputs_not_by_the_text():
    """128 kept answers keyed by their texts held up to 128 texts of 200,000 characters."""
    assert len(repr(Key(1, "sentiment", inputs_digest(("a long review " * 10_000,))))) < 200
