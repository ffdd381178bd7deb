"""A task's recent answers, kept per model: Explain after Run on the same input takes the answer Run
computed instead of computing it again (an NLI answer is 4 pairs of an explanation's 72; a Gemma
classify answer up to a second). Run and Compare do not read them (Compare shows each side's time;
identical Run requests share one answer in `demo.page.shared`, which says so). Only answers that do
not stream (generation samples); each entry is a few label scores and a digest of its inputs (a text
can be 200,000 characters), so the count bounds the memory. The notes the answer said (a shortened
text) are said again with it. Each visitor reads only their own (`RequestScope.visitor`).
"""

from __future__ import annotations

import copy
import hashlib
import threading
import weakref
from collections import OrderedDict
from typing import Any

from demo.inference import current_scope

KEPT_ANSWERS = 128


class RecentAnswers:
    """The last `entries` answers, by (task, engine, inputs); a weak reference to the engine beside its
    answer, so that an engine at a reused address never reads another's, and no engine is kept alive."""

    def __init__(self, entries: int = KEPT_ANSWERS):
        self.entries = entries
        # key -> (the engine, weakly; its outputs; the notes it said)
        self._kept: OrderedDict[tuple, tuple[weakref.ref, Any, tuple]] = OrderedDict()
        self._lock = threading.Lock()

    def solve(self, task, engine, warn, *checked) -> Any:
        """`task.solve(engine, warn, *checked)`, or its kept outputs for the same engine and inputs."""
        if task.streaming:
            return task.solve(engine, warn, *checked)
        with self._lock:
            kept = self._kept.get(key := self._key(task, engine, checked))
            if kept is None or kept[0]() is not engine:
                kept = None
            else:
                self._kept.move_to_end(key)
        if kept is None:
            return self.solve_and_keep(task, engine, warn, *checked)
        for note in kept[2]:
            warn(note)
        return copy.deepcopy(kept[1])

    def solve_and_keep(self, task, engine, warn, *checked) -> Any:
        """`task.solve(engine, warn, *checked)`, computed, and kept for a view of the same input."""
        if task.streaming:
            return task.solve(engine, warn, *checked)
        notes: list = []

        def noted(message) -> None:
            notes.append(message)
            warn(message)

        outputs = task.solve(engine, noted, *checked)
        with self._lock:
            key = self._key(task, engine, checked)
            self._kept[key] = (weakref.ref(engine), copy.deepcopy(outputs), tuple(notes))
            self._kept.move_to_end(key)
            while len(self._kept) > self.entries:
                self._kept.popitem(last=False)
        return outputs

    @staticmethod
    def _key(task, engine, checked: tuple) -> tuple:
        """The visitor's own: another visitor's Explain on the same text computes its answer again, so that
        its time says nothing of what was asked before (the room shares answers in flight instead)."""
        scope = current_scope()
        return task.key, id(engine), scope.visitor if scope is not None else None, inputs_digest(checked)

    def forget(self) -> None:
        with self._lock:
            self._kept.clear()


RECENT_ANSWERS = RecentAnswers()


def inputs_digest(checked: tuple) -> bytes:
    """A request's checked inputs as 16 bytes, for the keys of kept answers: a kept key holding the text
    itself took up to 800 KB (200,000 Chinese characters) for an answer of a few label scores."""
    return hashlib.blake2b(repr(checked).encode("utf-8"), digest_size=16).digest()
