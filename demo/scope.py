"""A request's scope: the jobs it queued, whether it was cancelled or stopped, whose it is and how its
answers are kept; set for the work done on its behalf (`run_in_scope`), read by that work anywhere
(`current_scope`): the inference thread, a remote engine's stream, the store of answers."""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any


class RequestCancelled(Exception):
    """The request that queued this job went away (Stop, closed tab, cancelled API call)."""


class RequestScope:
    """The jobs of one user request: cancelling it drops those still queued and stops a running one
    at its next checkpoint."""

    def __init__(self) -> None:
        self.cancelled = threading.Event()  # the request went away: its results are not wanted
        self.stop_requested = threading.Event()  # the user pressed Stop: end early, keep what was made
        self.unread_since: float | None = None  # since when its client has left its messages unread
        self.visitor: str | None = None  # whose request it is (a session): what one visitor's answers are kept for
        self.answers = None  # the store of answers it is served with (`demo.answers.AnswerStore`), if any
        self.shared_for_s = 0.0  # how long its answers serve other visitors
        self.used_s = 0.0  # model time its jobs have had: who goes next (`demo.turns`)
        self._futures: list[Future] = []

    def add(self, future: Future) -> None:
        self._futures.append(future)

    def cancel(self) -> None:
        self.cancelled.set()
        for future in self._futures:
            future.cancel()  # only succeeds for jobs that have not started


_current_scope: contextvars.ContextVar[RequestScope | None] = contextvars.ContextVar("request_scope", default=None)
# set in work that gives way (warm-ups): its jobs do not make the thread look busy to `wait_idle`
giving_way: contextvars.ContextVar[bool] = contextvars.ContextVar("giving_way", default=False)


def current_scope() -> RequestScope | None:
    """The scope of the request this thread works for, if any (work outside the model thread, such
    as a remote engine's stream, checks it for Stop and cancellation)."""
    return _current_scope.get()


def run_in_scope(scope: RequestScope, fn: Callable, *args: Any) -> Any:
    """Call `fn(*args)` with `scope` as the request scope of every job it queues."""
    token = _current_scope.set(scope)
    try:
        return fn(*args)
    finally:
        _current_scope.reset(token)
