"""Turns the plan (which model serves which task) into engines, loaded lazily through the registry."""

from __future__ import annotations

import logging
from typing import Any

import transformers

from demo.inference import InferenceWorker
from demo.models import (ModelRegistry, Placement, Report, detect_placement, int8_unsupported, load_model,
                          quantize_int8)
from demo.profiles import TASK_KEYS, Assignment
from demo.tasks import get_task


log = logging.getLogger(__name__)


def _silent(fraction: float, message: str) -> None:
    return None


class Runtime:
    """The app's models: one plan, one placement, one registry and one inference thread for every user."""

    def __init__(self, plan: dict[str, Assignment], placement: Placement | None = None,
                 registry: ModelRegistry | None = None, worker: InferenceWorker | None = None, int8: bool = False):
        self.plan = plan
        self.placement = placement or detect_placement()
        self.registry = registry or ModelRegistry()
        self.worker = worker or InferenceWorker()
        unsupported = int8_unsupported(self.placement) if int8 else None
        if unsupported:
            log.warning("--int8 ignored: %s", unsupported)
        self.int8 = int8 and unsupported is None
        if self.int8 and not any(self.uses_int8(task) for task in plan):
            log.info("--int8 has nothing to do: no task here runs a classic encoder (Gemma stays float)")

    def uses_int8(self, task: str) -> bool:
        """Whether this task's model runs with int8 linear layers (classic encoders, with --int8, on CPU)."""
        return self.int8 and get_task(task).int8_ok and not self.plan[task].embedded

    def _engine_key(self, task: str) -> tuple:
        assignment = self.plan[task]
        return ("engine", task, assignment.ref)

    def is_ready(self, task: str) -> bool:
        return self.registry.is_loaded(self._engine_key(task))

    def engine(self, task: str, report: Report = _silent) -> Any:
        """The task's engine, loading its model on first use (once, even under concurrent calls)."""
        return self.registry.get(self._engine_key(task), lambda: self._build(task, report))

    def _build(self, task: str, report: Report) -> Any:
        assignment = self.plan[task]
        if assignment.embedded:
            from demo.zeroshot import build_engine

            return build_engine(task, self.registry, self.placement, self.worker, report)
        spec = get_task(task)
        auto_class = getattr(transformers, spec.auto_model)
        report(0.0, f"Loading {assignment.ref.label} (first request only)…")
        int8 = self.uses_int8(task)

        def load():
            loaded = load_model(assignment.ref, auto_class, self.placement, assignment.local_files_only)
            if int8:
                loaded.model = quantize_int8(loaded.model)
            return loaded

        loaded = self.registry.get(("model", spec.auto_model, assignment.ref, int8), load)
        return spec.engine_class(loaded, self.worker)

    def model_label(self, task: str) -> str:
        assignment = self.plan[task]
        if assignment.embedded:
            from demo.zeroshot import EMBEDDED_LABELS

            return EMBEDDED_LABELS[task]
        return assignment.ref.label

    def describe(self, task: str) -> str:
        """One line for the page: which model, on which device and dtype, and why."""
        int8 = " + int8 linear layers" if self.uses_int8(task) else ""
        return f"{self.model_label(task)} · {self.placement.label}{int8} · {self.plan[task].reason}"

    def preload(self, report: Report = _silent) -> dict[str, str]:
        """Load every task's model and answer one small request with it, so that the first user's
        request is as fast as the later ones; returns the error message of each task that failed."""
        failures = {}
        for task in TASK_KEYS:
            try:
                self._warm_up(task, report)
            except Exception as exc:  # one broken model must not stop the others
                failures[task] = str(exc)
        return failures

    def _warm_up(self, task: str, report: Report = _silent) -> None:
        spec = get_task(task)
        answer = spec.run(self.engine(task, report), lambda message: None, *spec.warm_up_input)
        if spec.streaming:
            for _ in answer:
                pass
