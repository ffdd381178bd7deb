"""The small requests a start answers so that a visitor's first is as fast as the later ones: one per
route, and the bundled examples of an engine whose first answer sets something up."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from demo.inference import InferenceWorker
from demo.tasks.base import load_examples, routed

log = logging.getLogger("demo.runtime")


def answer_small(spec, engine) -> None:
    """The task's warm-up request, answered (kernels and caches built)."""
    answer = spec.run(engine, lambda message: None, *spec.warm_up_input)
    if spec.streaming:
        for _ in answer:
            pass


def warm_up_examples(spec, engine, worker: InferenceWorker, stopping: threading.Event,
                     serves: Callable[[str], bool]) -> None:
    """For an engine that declares `warm_up_examples`, each bundled example in a language it `serves`,
    one at a time while nobody waits: a Gemma classify answer to a new label set calibrates it
    (seconds), so the presenter's first clicks would wait for it. One that fails is logged and left
    to the first click."""
    for row in load_examples(spec.key) if engine.warm_up_examples else ():
        if serves(routed(spec.params, row).language) and not stopping.is_set():
            worker.wait_idle()
            try:
                spec.run(engine, lambda message: None, *row)
            except Exception as exc:  # noqa: BLE001 - the example's first click does it instead
                log.warning("%s's bundled example %r was not warmed up: %s", spec.key, row[0][:40], exc)
