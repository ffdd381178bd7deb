"""The inference thread: one thread runs every job, waiting requests share batches, failures stay apart."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from demo.batching import length_groups
from demo.inference import InferenceWorker
from tests.helpers import hold_worker


def compute(seconds: float) -> None:
    """Work for `seconds` of CPU time, as a model's arithmetic does (a sleep is a wait, not model time)."""
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass



def test_requests_that_wait_together_run_as_one_batch():
    worker, batches = InferenceWorker(max_batch=8), []

    def double_all(items):
        batches.append(list(items))
        return [2 * item for item in items]

    release = hold_worker(worker)
    with ThreadPoolExecutor(10) as pool:
        futures = [pool.submit(worker.call_batched, double_all, n) for n in range(10)]
        while len(worker._jobs) < 10:
            threading.Event().wait(0.01)
        release.set()
        assert [f.result(timeout=10) for f in futures] == [2 * n for n in range(10)]
    assert sorted(len(b) for b in batches) == [2, 8]  # at most max_batch per pass, none alone


def test_one_failing_item_does_not_fail_the_others_in_its_batch():
    worker = InferenceWorker()

    def invert_all(items):
        return [1 / item for item in items]

    release = hold_worker(worker)
    with ThreadPoolExecutor(3) as pool:
        futures = [pool.submit(worker.call_batched, invert_all, n) for n in (2, 0, 4)]
        while len(worker._jobs) < 3:
            threading.Event().wait(0.01)
        release.set()
        assert futures[0].result(timeout=10) == 0.5 and futures[2].result(timeout=10) == 0.25
        with pytest.raises(ZeroDivisionError):
            futures[1].result(timeout=10)


def test_every_job_runs_on_the_same_thread_and_calls_from_it_do_not_deadlock():
    worker = InferenceWorker(max_batch=1)
    names = {worker.call(lambda: threading.current_thread().name) for _ in range(3)}
    assert names == {"inference"}
    assert worker.call(lambda: worker.call(lambda: 41) + 1) == 42
    assert worker.call(lambda: worker.call_batched(lambda items: [i * 3 for i in items], 5)) == 15


def test_short_jobs_run_while_a_long_job_serves_waiting_requests():
    worker, answered = InferenceWorker(), threading.Event()

    def long_job():
        while not answered.is_set():
            worker.serve_waiting()  # what generation does between two tokens
            threading.Event().wait(0.005)
        return "long done"

    job = worker.start(long_job)
    while not worker.long_job_running:
        threading.Event().wait(0.005)
    assert worker.call(lambda: "short done") == "short done"
    answered.set()
    assert job.result(timeout=10) == "long done"


def test_length_groups_keep_similar_lengths_together_within_the_token_budget():
    lengths = [5, 300, 6, 7, 290, 5, 40]
    groups = length_groups(lengths, max_tokens=500)
    assert sorted(i for g in groups for i in g) == list(range(len(lengths)))
    for group in groups:
        longest = max(lengths[i] for i in group)
        assert longest * len(group) <= 500 or len(group) == 1
        assert longest <= 1.5 * min(lengths[i] for i in group) + 4
    assert [sorted(lengths[i] for i in g) for g in groups] == [[5, 5, 6, 7], [40], [290], [300]]


def test_a_batched_classification_equals_one_at_a_time(runtime):
    """Padding must not change any text's scores: the batch pads to its longest text."""
    engine = runtime.engine("sentiment")
    texts = ["Fine.", "A long, slow and rather tedious film that never finds its feet at all.", "Loved it!"]
    together = runtime.worker.call(engine.classify_many, texts)
    for text, batched in zip(texts, together, strict=True):
        alone = engine.classify(text)
        assert batched.scores == pytest.approx(alone.scores, abs=1e-5)


def test_a_long_jobs_budget_counts_its_own_model_time_not_the_requests_it_serves():
    """16 visitors' classifications at once: each one's checkpoints served the others, and the wall
    time they took stopped 2 of 16 at the 60 s budget although each needed 6-7 s of its own."""
    worker = InferenceWorker()
    started = threading.Event()

    def long_job() -> str:
        started.set()
        for _ in range(10):
            compute(0.02)  # its own work: 0.2 s of CPU in all
            worker.checkpoint()
        return "done"

    with ThreadPoolExecutor(13) as pool:
        answer = pool.submit(worker.call, long_job, long=True, budget_s=1.0)
        assert started.wait(10)
        others = [pool.submit(worker.call, compute, 0.3) for _ in range(12)]  # 3.6 s of others' CPU
        assert answer.result(timeout=60) == "done"
        assert all(other.result(timeout=60) is None for other in others)


def test_work_that_gives_way_takes_no_step_while_a_visitor_keeps_the_thread_busy():
    """Warm-ups held the thread for minutes at start (a visitor's p95 4.6 s meanwhile): each of their steps
    waits until no visitor's job has queued or run for a moment, so a visitor waits for one step at most."""
    from demo.inference import QUIET_S
    from demo.scope import giving_way

    worker, order, visiting = InferenceWorker(), [], threading.Event()

    def warm_ups():
        giving_way.set(True)
        for _ in range(40):
            worker.wait_idle()
            worker.call(lambda: (order.append("warm-up"), time.sleep(0.02)))

    def visitor():
        visiting.set()
        for _ in range(15):  # a request every 0.1 s: never quiet for QUIET_S
            worker.call(lambda: order.append("visitor"))
            time.sleep(0.1)

    assert 0.1 < QUIET_S
    loader = threading.Thread(target=warm_ups)
    loader.start()
    while order.count("warm-up") < 3:
        time.sleep(0.01)
    visit = threading.Thread(target=visitor)
    visit.start()
    visit.join()
    loader.join(30)
    first, last = order.index("visitor"), len(order) - 1 - order[::-1].index("visitor")
    assert order[first:last + 1].count("warm-up") <= 1, order  # the step under way when the visitor came
    assert order.count("warm-up") == 40  # and every step ran once the visitor was gone


def test_a_job_slowed_by_other_processes_is_not_stopped_by_its_budget_and_one_that_computes_too_long_is():
    """The budget is model time (the process's CPU over torch's threads): on a busy machine a valid
    classify waited for the cores past a wall-clock budget of 20 s and was refused; hostile work that
    computes past it is still stopped."""
    from demo.inference import OverBudget

    worker = InferenceWorker()

    def slowed() -> str:  # waits for the cores most of the time (a sleep stands for another process's turn)
        for _ in range(6):
            time.sleep(0.2)
            compute(0.01)
            worker.checkpoint()
        return "done"

    def computing() -> None:
        while True:
            compute(0.02)
            worker.checkpoint()

    assert worker.call(slowed, long=True, budget_s=0.5) == "done"  # 1.2 s of wall time
    with pytest.raises(OverBudget):
        worker.call(computing, long=True, budget_s=0.5)


def test_a_job_submitted_while_warm_ups_wait_for_quiet_still_runs():
    """Work that waits for quiet once shared the loop's condition: a new job's wake-up went to it, and the
    loop slept on with the job queued (an MCP caller's request never started)."""
    worker = InferenceWorker()
    worker.call(lambda: None)  # a visitor just now: the wait for quiet waits
    waiting = threading.Thread(target=worker.wait_idle, args=(3.0, 3.0))
    waiting.start()
    time.sleep(0.2)
    answered = []
    asking = threading.Thread(target=lambda: answered.append(worker.call(lambda: "ran")))
    asking.start()
    asking.join(30)
    waiting.join(30)
    assert answered == ["ran"]


def test_a_new_request_goes_ahead_of_one_that_has_had_model_time_and_is_not_batched_with_it():
    """Least model time first (`demo.turns`): a visitor's one question is answered before the queued
    questions of a search that has already computed for a while, in a batch of its own (first come,
    first served made the visitor wait behind them: p95 5.9 s beside six searching clients)."""
    from demo.scope import RequestScope, run_in_scope

    worker, order, batches = InferenceWorker(), [], []

    def answer_all(items):
        batches.append(sorted(items))
        order.extend(items)
        compute(0.05 * len(items))
        return items

    search, visitor = RequestScope(), RequestScope()
    run_in_scope(search, worker.call, compute, 1.0)  # the search's first answer: a second of model time
    release = hold_worker(worker)
    with ThreadPoolExecutor(5) as pool:
        questions = [pool.submit(run_in_scope, search, worker.call_batched, answer_all, f"edit {n}") for n in range(4)]
        while len(worker._jobs) < 4:
            threading.Event().wait(0.01)
        mine = pool.submit(run_in_scope, visitor, worker.call_batched, answer_all, "visitor")
        while len(worker._jobs) < 5:
            threading.Event().wait(0.01)
        release.set()
        assert mine.result(timeout=10) == "visitor" and [q.result(timeout=10) for q in questions]
    assert order[0] == "visitor" and batches[0] == ["visitor"]  # queued last, served first and alone
    assert batches[1] == [f"edit {n}" for n in range(4)]  # the search's questions still share one pass
    assert 0 < visitor.used_s < search.used_s  # each request is charged its own model time
