"""ZeroGPU: on a Space whose hardware is ZeroGPU (`SPACES_ZERO_GPU`), the `spaces` package gives a
GPU only inside functions decorated with `@spaces.GPU`, each call run in a process it forks for it,
and it packs the CUDA weights when `launch()` is called. A long-lived inference thread does not
survive that fork, so there every model call runs through `run_on_gpu` instead, in the calling
request's thread; everywhere else nothing changes (the decorator is a no-op off ZeroGPU).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Any

from demo.inference import MAX_BATCH, InferenceWorker


def active(environ=os.environ) -> bool:
    return environ.get("SPACES_ZERO_GPU", "").lower() in ("1", "t", "true")


def _call(fn: Callable, *args: Any) -> Any:
    return fn(*args)


def gpu_runner() -> Callable[..., Any]:
    """`fn(*args)` inside `@spaces.GPU` (a forked process with the GPU attached, on ZeroGPU)."""
    import spaces

    return spaces.GPU(_call)


class GpuCallWorker(InferenceWorker):
    """The worker's interface, with every call made through `runner` in the caller's thread: no
    batching across requests (each call is its own GPU lease) and no inference thread."""

    batches_generation = False  # each generation is its own GPU call, through `generate`

    def __init__(self, runner: Callable[..., Any] | None = None, max_batch: int = MAX_BATCH):
        super().__init__(max_batch)
        self.runner = runner or gpu_runner()

    def call(self, fn: Callable, *args: Any, long: bool = False, budget_s: float | None = None,
             advice: str = "") -> Any:
        return self.runner(fn, *args)

    def call_batched(self, batch_fn: Callable[[list], Sequence], item: Any) -> Any:
        return self.runner(batch_fn, [item])[0]

    def start(self, fn: Callable, *args: Any) -> Future:
        future: Future = Future()

        def work() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(self.runner(fn, *args))
            except BaseException as exc:  # handed to whoever reads the result
                future.set_exception(exc)

        threading.Thread(target=work, name="gpu-call", daemon=True).start()
        return future

    def start_streaming(self, fn: Callable, pieces: Any) -> Future:
        """The job runs in the GPU process, where its queue is a copy: what it put there comes back
        with its result and is handed on in order (the text arrives at the end, not token by token)."""
        def run_and_collect() -> list:
            fn()
            return list(pieces.queue)

        future: Future = Future()

        def work() -> None:
            try:
                for item in self.runner(run_and_collect):
                    pieces.put(item)
                future.set_result(None)
            except BaseException as exc:  # handed to whoever reads the result
                future.set_exception(exc)

        future.set_running_or_notify_cancel()
        threading.Thread(target=work, name="gpu-call", daemon=True).start()
        return future

    def serve_waiting(self) -> None:
        return None  # nothing waits behind a call: each request makes its own

    def checkpoint(self) -> None:
        return None


def worker(max_batch: int = MAX_BATCH) -> InferenceWorker:
    """The worker for this machine: GPU calls on ZeroGPU, the inference thread elsewhere."""
    return GpuCallWorker(max_batch=max_batch) if active() else InferenceWorker(max_batch)
