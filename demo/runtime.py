"""Turns the plan (which model serves which task) into engines, loaded through the registry.

By default every model loads in a background thread right after start, one at a time in tab order,
while the page is already served; each task's `LoadState` tells the page whether it is loading or
ready. A request for a task that is not ready waits for that load (with its progress) instead of
starting a second one.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import transformers

from demo.errors import ModelLoadError
from demo.inference import InferenceWorker
from demo.models import (ModelRegistry, Placement, Report, detect_placement, int8_unsupported, load_model,
                          quantize_int8)
from demo.profiles import PRESET_NAMES, Assignment
from demo.tasks import get_task
from demo.tasks.base import Side, Sides


log = logging.getLogger(__name__)


def _silent(fraction: float, message: str) -> None:
    return None


@dataclass(frozen=True)
class LoadState:
    """Where a task's model stands: "waiting" (not started), "loading", "ready" or "failed"."""

    phase: str = "waiting"
    fraction: float = 0.0
    message: str = ""


class Runtime:
    """The app's models: one plan, one placement, one registry and one inference thread for every user."""

    def __init__(self, plan: dict[str, Assignment], placement: Placement | None = None,
                 registry: ModelRegistry | None = None, worker: InferenceWorker | None = None, int8: bool = False):
        self.plan = plan
        self.placement = placement or detect_placement()
        self.registry = registry or ModelRegistry()
        self.worker = worker or InferenceWorker()
        self.states: dict[str, LoadState] = {task: LoadState() for task in plan}
        self.loading_in_background = False
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

    def is_ready(self, task: str, zero_shot: bool = False) -> bool:
        """Whether the task's engine (or, with `zero_shot`, its embedded zero-shot engine) is loaded."""
        return self.registry.is_loaded(("engine", task, None) if zero_shot else self._engine_key(task))

    def zero_shot_engine(self, task: str, report: Report = _silent) -> Any:
        """The embedded zero-shot engine of a task, whatever the plan serves it with (for comparisons)."""
        if self.plan[task].embedded:
            return self.engine(task, report)
        from demo.zeroshot import build_engine

        return self.registry.get(("engine", task, None),
                                 lambda: build_engine(task, self.registry, self.placement, self.worker, report))

    def sides(self, task: str, report: Report = _silent) -> Sides:
        """The task's classic checkpoint (when the plan has one) and its zero-shot model, side by side."""
        assignment = self.plan[task]
        zero_shot = Side("Zero-shot Gemma 3 270M", self.zero_shot_engine(task, report))
        if assignment.embedded:
            return Sides(Side("Classic checkpoint", None, assignment.reason.removeprefix("embedded: ")), zero_shot)
        return Sides(Side(f"Classic {self.model_name(task)}", self.engine(task, report)), zero_shot)

    def engine(self, task: str, report: Report = _silent) -> Any:
        """The task's engine, loading its model first if needed (once, one load at a time)."""
        def waiting() -> None:
            state = self.states[task]
            if state.phase == "loading":  # another thread (the background loader) is loading it
                report(state.fraction, state.message)
            else:
                busy = [get_task(t).title for t, s in self.states.items() if s.phase == "loading"]
                what = f"the {busy[0].lower()} model" if busy else "another model"
                report(0.0, f"Waiting for {what} to finish loading (models load one at a time)…")

        def tracked(fraction: float, message: str) -> None:
            self.states[task] = LoadState("loading", fraction, message)
            report(fraction, message)

        def build() -> Any:
            tracked(0.0, f"Loading {self.model_label(task)} (once)…")
            try:
                engine = self._build(task, tracked)
            except Exception as exc:
                self.states[task] = LoadState("failed", 0.0, str(exc))
                raise
            self.states[task] = LoadState("ready", 1.0, "Ready")
            return engine

        return self.registry.get(self._engine_key(task), build, waiting)

    def _build(self, task: str, report: Report) -> Any:
        assignment = self.plan[task]
        if assignment.embedded:
            from demo.zeroshot import build_engine

            return build_engine(task, self.registry, self.placement, self.worker, report)
        if assignment.remote:
            from demo.remote import EngineAddress, RemoteGenerationEngine

            return RemoteGenerationEngine(EngineAddress.parse(assignment.ref.id))
        spec = get_task(task)
        auto_class = getattr(transformers, spec.auto_model)
        int8 = self.uses_int8(task)

        def load():
            loaded = load_model(assignment.ref, auto_class, self.placement, assignment.local_files_only)
            if int8:
                loaded.model = quantize_int8(loaded.model)
            return loaded

        loaded = self.registry.get(("model", spec.auto_model, assignment.ref, int8), load)
        missing = spec.missing_head(loaded.missing_keys, loaded.model.base_model_prefix)
        if missing:
            raise ModelLoadError(
                assignment.ref.label,
                f"it has no trained weights for the {spec.title.lower()} head ({', '.join(missing[:3])}"
                f"{', …' if len(missing) > 3 else ''}), which would answer at random",
                f"Use {spec.head_hint}.",
            )
        return spec.engine_class(loaded, self.worker)

    def model_label(self, task: str) -> str:
        assignment = self.plan[task]
        if assignment.embedded:
            from demo.zeroshot import EMBEDDED_LABELS

            return EMBEDDED_LABELS[task]
        return assignment.ref.label

    def model_name(self, task: str) -> str:
        """A short, plain name for the model that answers a task ("Gemma 3 270M", "BERT base")."""
        assignment = self.plan[task]
        if assignment.embedded:
            return "Gemma 3 270M"
        if assignment.remote:
            from demo.remote import EngineAddress

            address = EngineAddress.parse(assignment.ref.id)
            return f"{address.model or 'the served model'} (engine at {address.base_url})"
        return PRESET_NAMES.get(assignment.ref.id, assignment.ref.id.rstrip("/").rsplit("/", 1)[-1])

    def device_label(self, task: str) -> str:
        """Where the task's model runs, for the status line ("CPU", "CUDA"); "" for a remote engine."""
        assignment = self.plan[task]
        if assignment.remote:
            return ""
        return self.placement.device.type.upper()

    def describe(self, task: str) -> str:
        """One line for the page: which model, on which device and dtype, and why."""
        if self.plan[task].remote:
            return f"{self.model_label(task)} · OpenAI-compatible engine · {self.plan[task].reason}"
        int8 = " + int8 linear layers" if self.uses_int8(task) else ""
        return f"{self.model_label(task)} · {self.placement.label}{int8} · {self.plan[task].reason}"

    def preload(self, report: Report = _silent) -> dict[str, str]:
        """Load every task's model and answer one small request with it, so that the first user's
        request is as fast as the later ones; returns the error message of each task that failed."""
        failures = {}
        started = time.perf_counter()
        for task in self.plan:
            try:
                self._warm_up(task, report)
            except Exception as exc:  # one broken model must not stop the others
                failures[task] = str(exc)
                log.warning("%s will show an error until fixed: %s", task, exc)
        log.info("models loaded and warmed in %.1f s (%d of %d ready)", time.perf_counter() - started,
                 len(self.plan) - len(failures), len(self.plan))
        return failures

    def start_background_load(self) -> threading.Thread:
        """Run `preload` in a background thread, so the page is served while the models load."""
        self.loading_in_background = True
        thread = threading.Thread(target=self.preload, name="model-loader", daemon=True)
        thread.start()
        return thread

    def _warm_up(self, task: str, report: Report = _silent) -> None:
        spec = get_task(task)
        answer = spec.run(self.engine(task, report), lambda message: None, *spec.warm_up_input)
        if spec.streaming:
            for _ in answer:
                pass
