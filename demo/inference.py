"""One thread runs every forward pass; requests queue for it, the one that has had the least model
time goes first (`demo.turns`), and requests of one kind are batched.

Why one thread: torch's CPU backend (OpenMP) gives each thread that runs a model its own pool of
helper threads. Once two pools exist there are more busy-waiting threads than cores, OpenMP stops
spinning, and every forward pass got ~20% slower (GPT-2 size: 26 instead of 33 tokens/s). One
thread keeps the model as fast as in a plain script (`python -m bench.perf`, engine figures),
and makes batching natural: whatever queued up while one batch ran is the next batch.

Long jobs (generation, the embedded fill-mask) call `checkpoint` between steps: it answers the
requests waiting meanwhile, so a sentiment request never waits for a whole generation, and stops
the job when its request went away or its time budget is spent. Each job belongs to the request
that queued it (`RequestScope`): a cancelled request's queued jobs never reach a model.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any

from demo.errors import UserFacingError
from demo.i18n import Text
from demo.process import model_clock, return_freed_memory
from demo.scope import RequestCancelled, RequestScope, current_scope, giving_way
from demo.turns import charge, take_group

MAX_BATCH = 32
START_TIMEOUT_S = 180.0  # a job not started by then is answered "busy": a room's queue of long jobs reaches it
# a long non-streaming job stops with a message after this much of its own model time (DEMO_LONG_JOB_BUDGET_S):
# a few ahead of a request still let it start in time (at 60 s, a hostile client's fills made others "busy")
LONG_JOB_BUDGET_S = float(os.environ.get("DEMO_LONG_JOB_BUDGET_S", "20"))


class Busy(UserFacingError):
    """The inference thread did not reach the request in time."""

    def __init__(self, waited_s: float = START_TIMEOUT_S) -> None:
        super().__init__(f"The models are busy with other requests (nothing could start within "
                         f"{waited_s:g} s). Please try again in a moment.")


class OverBudget(UserFacingError):
    """A long job used up its time budget."""


QUIET_S = 0.5  # `wait_idle`: this long with no visitor's job queued or running counts as idle


@dataclass(eq=False)
class _Job:
    fn: Callable
    args: tuple
    batched: bool = False
    long: bool = False
    budget_s: float | None = None
    advice: str = "a shorter text"  # what to ask for instead, when the budget is spent
    scope: RequestScope | None = None
    future: Future = field(default_factory=Future)
    deadline: float = float("inf")
    served_s: float = 0.0  # model time spent from its checkpoints on others' jobs (not its own)
    gives_way: bool = False  # queued by work that gives way (warm-ups): runs after every visitor's


class InferenceWorker:
    """The thread that runs the models. `max_batch=1` turns batching off (for benchmarks)."""

    def __init__(self, max_batch: int = MAX_BATCH, start_timeout_s: float = START_TIMEOUT_S):
        self.max_batch = max(1, max_batch)
        self.start_timeout_s = start_timeout_s
        self._jobs: deque[_Job] = deque()
        self._wakeup = threading.Condition()
        self._thread: threading.Thread | None = None
        self._running: list[_Job] = []  # the job running now, and the ones it serves from its checkpoints
        self._visitors = 0  # visitors' jobs queued or running
        self._quiet = threading.Condition()  # told when a visitor's job ends (apart from `_wakeup`, the loop's)
        self._last_visitor = float("-inf")  # when one last ended

    batches_generation = True  # concurrent generations decode together (`demo.engines.decoding`)

    def wait_idle(self, quiet_s: float = QUIET_S, most_s: float = 30.0) -> float:
        """Block until no visitor's job has queued or run for `quiet_s` (at most `most_s`): work that gives
        way (warm-ups) takes a step only then, so a visitor waits for one step of it at most. Returns
        the seconds waited."""
        started = time.monotonic()
        with self._quiet:
            while time.monotonic() - started < most_s:
                quiet = time.monotonic() - self._last_visitor
                if not self._visitors and quiet >= quiet_s:
                    break
                self._quiet.wait(max(0.05, quiet_s - quiet) if not self._visitors else 0.25)
        return time.monotonic() - started

    def long_job_waiting(self) -> bool:
        """Whether a long job waits for its turn (a generation loop then gives the thread up)."""
        with self._wakeup:
            return any(job.long for job in self._jobs)

    @property
    def long_job_running(self) -> bool:
        """Whether a long job (a generation, a long fill) holds the thread now."""
        return any(job.long for job in self._running)

    def call(self, fn: Callable, *args: Any, long: bool = False, budget_s: float | None = None,
             advice: str = _Job.advice) -> Any:
        """Run `fn(*args)` on the worker thread; return its result or raise its exception.

        A `long` job runs alone (never inside another long job's checkpoint) and should call
        `checkpoint()` between its steps; `budget_s` bounds its time once started, and `advice`
        says in the budget's message what the user can ask for instead (the tab's own lever).
        """
        if self._on_worker():
            return fn(*args)
        return self.wait(self._submit(_Job(fn, args, long=long, budget_s=budget_s, advice=advice)))

    def call_batched(self, batch_fn: Callable[[list], Sequence], item: Any) -> Any:
        """Run `batch_fn` on this item together with every other item waiting for the same `batch_fn`.

        `batch_fn` takes a list of items and returns one result per item, in order.
        """
        if self._on_worker():
            return batch_fn([item])[0]
        return self.wait(self._submit(_Job(batch_fn, (item,), batched=True)))

    def start(self, fn: Callable, *args: Any) -> Future:
        """Queue a long job without waiting for it; it should call `checkpoint` as it goes."""
        return self._submit(_Job(fn, args, long=True))

    def start_streaming(self, fn: Callable, pieces: Any) -> Future:
        """`start(fn)` for a job that hands its results to the `pieces` queue as it goes."""
        return self.start(fn)

    def wait(self, future: Future) -> Any:
        """The job's result; `Busy` when it could not start in time (it is then dropped)."""
        try:
            return future.result(timeout=self.start_timeout_s)
        except FutureTimeout:
            if future.cancel():
                raise Busy(self.start_timeout_s) from None
            return future.result()

    def serve_waiting(self) -> None:
        """From inside a long job: run the short jobs queued so far, so they need not wait for it.
        Their time is theirs: the long job's budget counts its own model time only (under a room's
        load, a job's checkpoints served others for longer than its budget)."""
        with self._wakeup:
            waiting = deque(job for job in self._jobs if not job.long)
            for job in waiting:
                self._jobs.remove(job)
        if not waiting:
            return
        started = model_clock()
        while waiting:
            self._run_group(take_group(waiting, self.max_batch))
        if self._running:
            served = model_clock() - started
            self._running[-1].served_s += served
            self._running[-1].deadline += served

    def checkpoint(self) -> None:
        """From inside a long job, between two steps: serve waiting requests, then stop the job if its
        request went away (`RequestCancelled`) or its time budget is spent (`OverBudget`)."""
        job = self._running[-1] if self._running else None
        self.serve_waiting()
        if job is None:
            return
        if job.scope is not None and job.scope.cancelled.is_set():
            raise RequestCancelled()
        if model_clock() > job.deadline:
            raise OverBudget(Text("This request needed more than {seconds} s of model time and was stopped so that "
                                  "others can be served. Please ask for less: {advice}.",
                                  seconds=f"{job.budget_s:.0f}", advice=Text(job.advice)))

    def should_stop(self) -> bool:
        """Whether the request of the job running now went away or asked to stop."""
        job = self._running[-1] if self._running else None
        scope = job.scope if job else None
        return scope is not None and (scope.cancelled.is_set() or scope.stop_requested.is_set())

    def _on_worker(self) -> bool:
        return threading.current_thread() is self._thread

    def _submit(self, job: _Job) -> Future:
        job.scope = current_scope()
        if job.scope is not None:
            job.scope.add(job.future)
        job.gives_way = giving_way.get()
        if not job.gives_way:
            with self._quiet:
                self._visitors += 1
            job.future.add_done_callback(self._visitor_done)
        with self._wakeup:
            if self._thread is None:  # started on first use: nothing runs at import or build time
                self._thread = threading.Thread(target=self._loop, name="inference", daemon=True)
                self._thread.start()
            self._jobs.append(job)
            self._wakeup.notify()
        return job.future

    def _visitor_done(self, future: Future) -> None:
        with self._quiet:
            self._visitors -= 1
            self._last_visitor = time.monotonic()
            self._quiet.notify_all()

    def _next_group(self) -> list[_Job]:
        with self._wakeup:
            while not self._jobs:
                self._wakeup.wait()
            return take_group(self._jobs, self.max_batch)

    def _loop(self) -> None:
        while True:
            self._run_group(self._next_group())

    def _run_group(self, group: list[_Job]) -> None:
        """Claim the group's jobs (dropping the cancelled ones) and run them."""
        group = [job for job in group if job.future.set_running_or_notify_cancel()]
        if not group:
            return
        now = model_clock()
        for job in group:
            if job.budget_s is not None:
                job.deadline = now + job.budget_s
        self._running.append(group[0])
        try:
            self._execute(group)
        finally:
            self._running.pop()
            first = group[0]
            charge(group, model_clock() - now - first.served_s)
            if first.budget_s is not None and not self._running:  # a long job with a peak: hand it back
                if first.future.done() and first.future.exception(timeout=0) is not None:
                    gc.collect()  # a stopped job's tensors wait in reference cycles (exception, frames)
                return_freed_memory()

    def _execute(self, group: list[_Job]) -> None:
        first = group[0]
        try:
            if not first.batched:
                first.future.set_result(first.fn(*first.args))
                return
            results = list(first.fn([job.args[0] for job in group]))
            if len(results) != len(group):
                raise RuntimeError(f"{first.fn.__qualname__} returned {len(results)} results for {len(group)} items")
        except BaseException as exc:  # handed to the waiting request, which turns it into a message
            if isinstance(exc, (UserFacingError, RequestCancelled)):
                exc.__traceback__ = None  # its message is all that is shown; its frames hold the job's tensors
            if len(group) == 1:
                first.future.set_exception(exc)
            else:  # one bad item must not fail the others: run each alone
                for job in group:
                    self._execute([job])
            return
        for job, result in zip(group, results):
            job.future.set_result(result)
