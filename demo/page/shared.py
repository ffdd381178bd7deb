"""Identical requests share one answer: every view's, and every task's answer that does not stream.

A room follows its presenter: "pick the first example, press Explain" sends the same request from
every visitor at once. An answer depends only on its inputs and its model, so the first
request computes it and the others wait for it, or find it kept (a bundled example for `KEPT_FOR_S`, a typed
text for `TYPED_KEPT_FOR_S`; the most recent `KEPT_ANSWERS`, within `KEPT_BYTES`). Eight identical explanations cost one instead of eight
passes in turn on the one inference thread. The notes the computation said (a shortened text) are
said again to every visitor it answers; a failure is every waiting visitor's answer too, except a
cancel (the first visitor left): then one of the waiting ones computes it again.
"""

from __future__ import annotations

import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import CancelledError
from dataclasses import dataclass, field
from typing import Any

from demo.inference import RequestCancelled

KEPT_ANSWERS = 64
KEPT_BYTES = 64 * 2**20  # all kept answers together (an attention map is ~3 MB)
KEPT_FOR_S = 120.0  # a bundled example: a room follows its presenter's clicks within a minute or two
# a text a visitor typed: kept only while a room's identical presses arrive; longer, an instant answer would tell
# a later visitor that someone had asked it (whatever the status line words)
TYPED_KEPT_FOR_S = 10.0


@dataclass(eq=False)
class Flight:
    """One computation in flight: what it said and how it ended, for the requests that wait for it."""

    done: threading.Event = field(default_factory=threading.Event)
    outputs: Any = None
    failure: BaseException | None = None
    notes: list = field(default_factory=list)


@dataclass(frozen=True)
class Kept:
    outputs: Any
    notes: tuple
    size: int
    at: float


class SharedAnswers:
    """The answers in flight and the recent ones, by request key (endpoint, model, inputs)."""

    def __init__(self, entries: int = KEPT_ANSWERS, max_bytes: int = KEPT_BYTES, kept_for_s: float = KEPT_FOR_S):
        self.entries, self.max_bytes, self.kept_for_s = entries, max_bytes, kept_for_s
        self._flights: dict[tuple, Flight] = {}
        self._kept: OrderedDict[tuple, Kept] = OrderedDict()
        self._lock = threading.Lock()

    def answer(self, key: tuple, compute: Callable[[Callable], Any], warn: Callable,
               kept_for_s: float | None = None) -> tuple[Any, bool]:
        """(outputs, shared): `compute(warn)` run once for every identical request in flight or kept
        (for `kept_for_s`, at most the store's own); `shared` says the outputs were computed for another
        request."""
        while True:
            with self._lock:
                kept = self._fresh(key, self.kept_for_s if kept_for_s is None else min(kept_for_s, self.kept_for_s))
                flight = None if kept else self._flights.get(key)
                leads = kept is None and flight is None
                if leads:
                    flight = self._flights[key] = Flight()
            if kept is not None:
                return self._replay(kept.outputs, kept.notes, warn), True
            if leads:
                return self._lead(key, flight, compute, warn), False
            flight.done.wait()
            if isinstance(flight.failure, (CancelledError, RequestCancelled)):
                continue  # its visitor left: this request asks again, and may compute it itself
            if flight.failure is not None:
                raise flight.failure
            return self._replay(flight.outputs, tuple(flight.notes), warn), True

    def _lead(self, key: tuple, flight: Flight, compute: Callable[[Callable], Any], warn: Callable) -> Any:
        def said(message) -> None:
            flight.notes.append(message)
            warn(message)

        try:
            flight.outputs = compute(said)
        except BaseException as exc:
            flight.failure = exc
            raise
        finally:
            size = None if flight.failure is not None else self._size(flight.outputs)  # measured outside the lock
            with self._lock:
                del self._flights[key]
                if size is not None and size <= self.max_bytes // 4:
                    self._keep(key, Kept(flight.outputs, tuple(flight.notes), size, time.monotonic()))
            flight.done.set()
        return flight.outputs

    def forget(self) -> None:
        """Drop every kept answer (answers in flight still reach their waiting requests)."""
        with self._lock:
            self._kept.clear()

    @staticmethod
    def _replay(outputs: Any, notes: tuple, warn: Callable) -> Any:
        for note in notes:
            warn(note)
        return outputs

    def _fresh(self, key: tuple, kept_for_s: float) -> Kept | None:
        kept = self._kept.get(key)
        age = time.monotonic() - kept.at if kept is not None else 0.0
        if age > self.kept_for_s:
            del self._kept[key]
            return None
        if age > kept_for_s:
            return None  # too old for this request (a bundled example's serves a longer window)
        if kept is not None:
            self._kept.move_to_end(key)
        return kept

    @staticmethod
    def _size(outputs: Any) -> int | None:
        """The answer's size in bytes as pickled; None for one that cannot be measured (not kept)."""
        try:
            return len(pickle.dumps(outputs))
        except Exception:  # noqa: BLE001
            return None

    def _keep(self, key: tuple, kept: Kept) -> None:
        self._kept[key] = kept
        while len(self._kept) > self.entries or sum(k.size for k in self._kept.values()) > self.max_bytes:
            self._kept.popitem(last=False)


# the same words whoever asked first: another visitor, or the presenter pressing the same button again
SHARED_NOTE = "Computed once for this and an identical request made recently."
SHARED_ANSWERS = SharedAnswers()  # identical requests of every endpoint that shares: one computation
