"""One thread runs every forward pass; requests queue for it, and requests of one kind are batched.

Why one thread: torch's CPU backend (OpenMP) gives each thread that runs a model its own pool of
helper threads. Once two pools exist there are more busy-waiting threads than cores, OpenMP stops
spinning, and every forward pass got ~20% slower (GPT-2 size: 26 instead of 33 tokens/s). One
thread keeps the model as fast as in a plain script (`python -m bench.perf`, engine figures),
and makes batching natural: whatever queued up while one batch ran is the next batch. Long jobs (generation) call `serve_waiting` between tokens, so a
sentiment request never waits for a whole generation.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

MAX_BATCH = 32


@dataclass(eq=False)
class _Job:
    fn: Callable
    args: tuple
    batched: bool = False
    long: bool = False
    future: Future = field(default_factory=Future)


class InferenceWorker:
    """The thread that runs the models. `max_batch=1` turns batching off (for benchmarks)."""

    def __init__(self, max_batch: int = MAX_BATCH):
        self.max_batch = max(1, max_batch)
        self._jobs: deque[_Job] = deque()
        self._wakeup = threading.Condition()
        self._thread: threading.Thread | None = None
        self._long_job_running = False

    @property
    def long_job_running(self) -> bool:
        """Whether a long job (a generation) holds the thread now."""
        return self._long_job_running

    def call(self, fn: Callable, *args: Any) -> Any:
        """Run `fn(*args)` on the worker thread; return its result or raise its exception."""
        if self._on_worker():
            return fn(*args)
        return self._submit(_Job(fn, args)).result()

    def call_batched(self, batch_fn: Callable[[list], Sequence], item: Any) -> Any:
        """Run `batch_fn` on this item together with every other item waiting for the same `batch_fn`.

        `batch_fn` takes a list of items and returns one result per item, in order.
        """
        if self._on_worker():
            return batch_fn([item])[0]
        return self._submit(_Job(batch_fn, (item,), batched=True)).result()

    def start(self, fn: Callable, *args: Any) -> Future:
        """Queue a long job without waiting for it; it should call `serve_waiting` as it goes."""
        return self._submit(_Job(fn, args, long=True))

    def serve_waiting(self) -> None:
        """From inside a long job: run the short jobs queued so far, so they need not wait for it."""
        with self._wakeup:
            waiting = deque(job for job in self._jobs if not job.long)
            for job in waiting:
                self._jobs.remove(job)
        while waiting:
            self._run_group(_take_group(waiting, self.max_batch))

    def _on_worker(self) -> bool:
        return threading.current_thread() is self._thread

    def _submit(self, job: _Job) -> Future:
        with self._wakeup:
            if self._thread is None:  # started on first use: nothing runs at import or build time
                self._thread = threading.Thread(target=self._loop, name="inference", daemon=True)
                self._thread.start()
            self._jobs.append(job)
            self._wakeup.notify()
        return job.future

    def _next_group(self) -> list[_Job]:
        with self._wakeup:
            while not self._jobs:
                self._wakeup.wait()
            return _take_group(self._jobs, self.max_batch)

    def _loop(self) -> None:
        while True:
            group = self._next_group()
            self._long_job_running = group[0].long
            self._run_group(group)
            self._long_job_running = False

    def _run_group(self, group: list[_Job]) -> None:
        first = group[0]
        try:
            if not first.batched:
                first.future.set_result(first.fn(*first.args))
                return
            results = list(first.fn([job.args[0] for job in group]))
            if len(results) != len(group):
                raise RuntimeError(f"{first.fn.__qualname__} returned {len(results)} results for {len(group)} items")
        except BaseException as exc:  # handed to the waiting request, which turns it into a message
            if len(group) == 1:
                first.future.set_exception(exc)
            else:  # one bad item must not fail the others: run each alone
                for job in group:
                    self._run_group([job])
            return
        for job, result in zip(group, results):
            job.future.set_result(result)


def _take_group(jobs: deque[_Job], max_batch: int) -> list[_Job]:
    """Pop the first job and, when it is batched, up to `max_batch - 1` more for the same function."""
    first = jobs.popleft()
    group = [first]
    if first.batched:
        group += [job for job in jobs if job.fn == first.fn][: max_batch - 1]
        for job in group[1:]:
            jobs.remove(job)
    return group


def length_groups(lengths: Sequence[int], max_tokens: int) -> list[list[int]]:
    """Indices grouped by similar length, so a batch pads little.

    Sorted by length; a group closes when padding every member to the longest would pass
    `max_tokens`, or when the next item is over 1.5x the group's shortest (mostly padding then).
    """
    groups: list[list[int]] = []
    for index in sorted(range(len(lengths)), key=lengths.__getitem__):
        group = groups[-1] if groups else None
        length = lengths[index]
        if group and (len(group) + 1) * length <= max_tokens and length <= 1.5 * lengths[group[0]] + 4:
            group.append(index)
        else:
            groups.append([index])
    return groups
