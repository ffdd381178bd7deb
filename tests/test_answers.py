"""Explain after Run on the same input takes Run's answer; Run and other inputs and models compute."""

from __future__ import annotations

from demo.answers import RECENT_ANSWERS
from demo.page.endpoint import answer_endpoint, view_endpoint
from demo.registry import VIEWS, get_task
from tests.helpers import Counted




def test_explain_after_run_takes_runs_answer(runtime):
    task = get_task("sentiment")
    engine = Counted(runtime.engine("sentiment"))
    run, explain = answer_endpoint(task), view_endpoint(task, VIEWS["attribution"])
    text = task.check("the film was great fun")
    (answered, *_) = run.answer(engine, print, *text)
    explain.answer(engine, print, *task.check("the film was awful"))
    assert engine.answers == 2  # another input: computed
    (explained, words) = explain.answer(engine, print, *text)
    assert engine.answers == 2  # the same input: Run's answer
    assert explained == answered and [word.strip() for word, _ in words] == ["the", "film", "was", "great", "fun"]

    run.answer(engine, print, *text)
    assert engine.answers == 3  # Run always computes

    other = Counted(runtime.engine("sentiment"))
    explain.answer(other, print, *text)
    assert other.answers == 1  # another engine's answer is its own


def test_a_kept_answer_says_its_notes_again(runtime):
    task = get_task("sentiment")
    engine = Counted(runtime.engine("sentiment"))
    long_text = task.check("the film was great fun " * 20)  # longer than the tiny model reads: a note says so
    run_notes, kept_notes = [], []
    answered = answer_endpoint(task).answer(engine, run_notes.append, *long_text)
    assert RECENT_ANSWERS.solve(task, engine, kept_notes.append, *long_text) == answered
    assert engine.answers == 1
    assert run_notes and [str(note) for note in kept_notes] == [str(note) for note in run_notes]


def test_streamed_answers_are_not_kept(runtime):
    task = get_task("generate")
    engine = runtime.engine("generate")
    values = task.check("Once upon a time", 4, 1.0, 1.0, 0, 1.0)
    RECENT_ANSWERS.solve_and_keep(task, engine, print, *values)
    assert not RECENT_ANSWERS._kept


def test_a_kept_answer_keeps_no_engine_alive(runtime):
    import gc
    import weakref

    task = get_task("sentiment")
    engine = Counted(runtime.engine("sentiment"))
    answer_endpoint(task).answer(engine, print, *task.check("the film was great fun"))
    gone = weakref.ref(engine)
    del engine
    gc.collect()
    assert gone() is None


def test_a_kept_answer_is_keyed_by_a_digest_of_its_inputs_not_by_the_text(runtime):
    """128 kept answers keyed by their texts held up to 128 texts of 200,000 characters."""
    task = get_task("sentiment")
    text = task.check("a long review " * 10_000)
    answer_endpoint(task).answer(runtime.engine("sentiment"), print, *text)
    (key,) = [key for key in RECENT_ANSWERS._kept if key[0] == "sentiment"]
    assert len(repr(key)) < 200
