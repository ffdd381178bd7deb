"""One store of answers, held by the runtime: identical requests computed once, recent answers kept.

A room follows its presenter: "pick the first example, press Explain" sends the same request from every
visitor at once. An answer depends only on its model and its inputs, so the first request computes it
and the others wait for it (single flight), or find it kept. A kept answer serves anyone for its sharing
window (a bundled example `BUNDLED_SHARED_S`, a typed text `TYPED_SHARED_S`: longer, an instant answer
would tell a later visitor that someone had asked it) and its own visitor for `KEPT_FOR_S` (Explain after
Run on the same text reads Run's answer: `task_answer`). Bounded by count, bytes and age. Keyed by the
engine's identity, the endpoint and a digest of the inputs (the inputs decide the language); not the text
itself (up to 800 KB). The notes an answer said (a shortened text) are said again with it; a failure is
every waiting request's answer too, except a cancel (the first visitor left): one of the others computes.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
import time
from collections.abc import Callable
from concurrent.futures import CancelledError
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from demo.recent import Recent
from demo.scope import RequestCancelled, current_scope

KEPT_ANSWERS = 128
KEPT_BYTES = 64 * 2**20  # all kept answers together (an attention map is ~3 MB)
KEPT_FOR_S = 600.0  # a visitor's own answers (Explain after Run)
BUNDLED_SHARED_S = 120.0  # a bundled example: a room follows its presenter's clicks within a minute or two
TYPED_SHARED_S = 10.0  # a typed text: only while a room's identical presses arrive
# the same words whoever asked first: another visitor, or the presenter pressing the same button again
SHARED_NOTE = "Computed once for this and an identical request made recently."


class Key(NamedTuple):
    engine: Any  # the engine's `identity` (a number no other engine of the process has)
    endpoint: str
    inputs: bytes  # `inputs_digest`


def inputs_digest(checked: tuple) -> bytes:
    """A request's checked inputs as 16 bytes."""
    return hashlib.blake2b(repr(checked).encode("utf-8"), digest_size=16).digest()


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
    visitor: str | None
    shared_for_s: float


class AnswerStore:
    """The answers in flight and the recent ones, by `Key`."""

    def __init__(self, entries: int = KEPT_ANSWERS, max_bytes: int = KEPT_BYTES, kept_for_s: float = KEPT_FOR_S):
        self.entries, self.max_bytes, self.kept_for_s = entries, max_bytes, kept_for_s
        self._flights: dict[Key, Flight] = {}
        self._kept: Recent[Key, Kept] = Recent(entries)
        self._lock = threading.Lock()

    def answer(self, key: Key, compute: Callable[[Callable], Any], warn: Callable, *, visitor: str | None = None,
               shared_for_s: float = TYPED_SHARED_S) -> tuple[Any, bool]:
        """(outputs, shared): `compute(warn)` run once for every identical request in flight, or a kept
        answer this visitor may read; `shared` says the outputs were computed for another request."""
        while True:
            with self._lock:
                kept = self._readable(key, visitor)
                flight = None if kept else self._flights.get(key)
                leads = kept is None and flight is None
                if leads:
                    flight = self._flights[key] = Flight()
            if kept is not None:
                return self._replay(kept.outputs, kept.notes, warn), True
            if leads:
                return self._lead(key, flight, compute, warn, visitor, shared_for_s), False
            flight.done.wait()
            if isinstance(flight.failure, (CancelledError, RequestCancelled)):
                continue  # its visitor left: this request asks again, and may compute it itself
            if flight.failure is not None:
                raise flight.failure
            return self._replay(flight.outputs, tuple(flight.notes), warn), True

    def _lead(self, key: Key, flight: Flight, compute: Callable, warn: Callable, visitor: str | None,
              shared_for_s: float) -> Any:
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
                    self._keep(key, Kept(flight.outputs, tuple(flight.notes), size, time.monotonic(), visitor,
                                         min(shared_for_s, self.kept_for_s)))
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

    def _readable(self, key: Key, visitor: str | None) -> Kept | None:
        kept = self._kept.get(key)
        if kept is None:
            return None
        age = time.monotonic() - kept.at
        if age > self.kept_for_s:
            self._kept.drop(key)
            return None
        own = visitor is not None and visitor == kept.visitor
        return kept if own or age <= kept.shared_for_s else None  # another visitor's, past its sharing window

    @staticmethod
    def _size(outputs: Any) -> int | None:
        """The answer's size in bytes as pickled; None for one that cannot be measured (not kept)."""
        try:
            return len(pickle.dumps(outputs))
        except Exception:  # noqa: BLE001
            return None

    def _keep(self, key: Key, kept: Kept) -> None:
        self._kept.put(key, kept)  # at most `entries`
        while sum(k.size for k in self._kept.values()) > self.max_bytes:
            self._kept.drop_oldest()


def task_answer(task, engine, warn, *checked) -> Any:
    """The task's own answer to these inputs, through the store its request is served with (Run's answer,
    where Run asked the same: the same key), or computed where no store serves (a bare call)."""
    scope = current_scope()
    store = scope.answers if scope is not None else None
    if store is None or task.streaming:
        return task.solve(engine, warn, *checked)
    key = Key(engine.identity, task.api_name, inputs_digest(checked))
    return store.answer(key, lambda said: task.solve(engine, said, *checked), warn, visitor=scope.visitor,
                        shared_for_s=scope.shared_for_s)[0]
