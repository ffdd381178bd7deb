"""Turns the plan (which model serves which task) into engines, loaded through the registry.

By default every model loads in a background thread right after start, one at a time in tab order,
while the page is already served; each task's `LoadState` tells the page whether it is loading or
ready. A request for a task that is not ready waits for that load (with its progress) instead of
starting a second one.

Every task has one plan per language (`demo.profiles`); a request's language (`demo.language`)
picks the plan. Where both languages name the same checkpoint they share one engine.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from demo import engines
from demo.answers import AnswerStore
from demo.engines import Card, Context
from demo.engines.types import Side, Sides
from demo.i18n import Text
from demo.inference import InferenceWorker
from demo.language import LANGUAGES
from demo.models import ModelRegistry, Placement, Report, detect_placement, int8_unsupported
from demo.profiles import Assignment
from demo.registry import get_task
from demo.scope import giving_way
from demo.warm_ups import answer_small, warm_up_examples

log = logging.getLogger(__name__)


def _silent(fraction: float, message: str) -> None:
    return None


@dataclass(frozen=True)
class LoadState:
    """Where a task's model stands: "waiting" (not started), "loading", "ready" or "failed"."""

    phase: str = "waiting"
    fraction: float = 0.0
    message: str = ""


def route_key(task: str, language: str = "en") -> str:
    """The name of a task's route in one language: "sentiment" (English), "sentiment.zh"."""
    return task if language == "en" else f"{task}.{language}"


def same_models_for_chinese(plan: dict[str, Assignment]) -> dict[str, Assignment]:
    """A Chinese plan that keeps each task's model (embedded tasks get Gemma's Chinese prompts)."""
    return {task: Assignment(task, a.ref, a.reason + (" (for every language)" if a.ref else ""), a.local_files_only)
            for task, a in plan.items()}


class Runtime:
    """The app's models: one plan per language, one placement, one registry and one inference thread
    for every user."""

    def __init__(self, plan: dict[str, Assignment], placement: Placement | None = None,
                 registry: ModelRegistry | None = None, worker: InferenceWorker | None = None, int8: bool = False,
                 plan_zh: dict[str, Assignment] | None = None, compare_sides: bool = False):
        self.plan = plan  # English, the default
        # whether `preload` loads and warms each Compare's zero-shot side too (else on the first Compare)
        self.compare_sides = compare_sides
        self.plans = {"en": plan, "zh": plan_zh or same_models_for_chinese(plan)}
        self.placement = placement or detect_placement()
        self.registry = registry or ModelRegistry()
        self.worker = worker or InferenceWorker()
        self.states: dict[str, LoadState] = {route_key(task, language): LoadState()
                                             for language in LANGUAGES for task in plan}
        self.loading_in_background = False
        self.stopping = threading.Event()  # set at exit: no further model loads start
        self.loader: threading.Thread | None = None  # the background load's thread, once started
        # run once the models are warm (the page's endpoints time themselves on a small request)
        self.after_warm_up: list[Callable[[], None]] = []
        self.when_ready: list[Callable[[], None]] = []  # once every tab's model is loaded (the page's lines)
        self.warm = False
        self.answers = AnswerStore()  # every endpoint's answers, shared and kept (`demo.answers`)
        unsupported = int8_unsupported(self.placement) if int8 else None
        if unsupported:
            log.warning("--int8 ignored: %s", unsupported)
        self.context = Context(self.registry, self.placement, self.worker, int8 and unsupported is None)
        self.int8 = self.context.int8
        if self.int8 and not any(self.uses_int8(task) for task in plan):
            log.info("--int8 has nothing to do: no task here runs a classic encoder (Gemma stays float)")
        # who answers each task in each language: fixed for this start, so built once
        self.cards: dict[tuple[str, str], Card] = {
            (task, language): engines.card(get_task(task), self.plans[language][task], self.context, language)
            for language in LANGUAGES for task in plan}

    def card(self, task: str, language: str = "en") -> Card:
        return self.cards[task, language]

    def uses_int8(self, task: str, language: str = "en") -> bool:
        """Whether this task's model runs with int8 linear layers (classic encoders, with --int8, on CPU)."""
        return engines.uses_int8(get_task(task), self.plans[language][task], self.context)

    def _engine_key(self, task: str, language: str = "en") -> tuple:
        ref = self.plans[language][task].ref
        if ref is None:
            return engines.zero_shot_key(get_task(task), language)
        return ("engine", task, ref)  # the same checkpoint serves both languages with one engine

    def is_ready(self, task: str, zero_shot: bool = False, language: str = "en") -> bool:
        """Whether the task's engine (or, with `zero_shot`, its embedded zero-shot engine) is loaded."""
        return self.registry.is_loaded(engines.zero_shot_key(get_task(task), language) if zero_shot
                                       else self._engine_key(task, language))

    def zero_shot_engine(self, task: str, report: Report = _silent, language: str = "en") -> Any:
        """The embedded zero-shot engine of a task, whatever the plan serves it with (for comparisons)."""
        if self.plans[language][task].embedded:
            return self.engine(task, report, language)
        spec = get_task(task)
        return self.registry.get(engines.zero_shot_key(spec, language),
                                 lambda: engines.build_zero_shot(spec, self.context, report, language))

    def sides(self, task: str, report: Report = _silent, language: str = "en") -> Sides:
        """The task's classic checkpoint (when the plan has one) and its zero-shot model, side by side."""
        from demo.engines.gemma import GEMMA_NAME

        assignment = self.plans[language][task]
        zero_shot = Side(Text("Zero-shot {model}", model=GEMMA_NAME), self.zero_shot_engine(task, report, language))
        if assignment.embedded:
            why = assignment.reason.removeprefix("embedded: ")
            return Sides(Side(Text("Classic checkpoint"), None, why), zero_shot)
        classic = Text("Classic {model}", model=self.card(task, language).name)
        return Sides(Side(classic, self.engine(task, report, language)), zero_shot)

    def engine(self, task: str, report: Report = _silent, language: str = "en") -> Any:
        """The task's engine, loading its model first if needed (once, one load at a time)."""
        route = route_key(task, language)

        def waiting() -> None:
            state = self.states[route]
            if state.phase == "loading":  # another thread (the background loader) is loading it
                report(state.fraction, state.message)
            else:
                busy = [get_task(name.partition(".")[0]).title for name, s in self.states.items()
                        if s.phase == "loading"]
                what = f"the {busy[0].lower()} model" if busy else "another model"
                report(0.0, f"Waiting for {what} to finish loading (models load one at a time)…")

        def tracked(fraction: float, message: str) -> None:
            self.states[route] = LoadState("loading", fraction, message)
            report(fraction, message)

        def build() -> Any:
            tracked(0.0, f"Loading {self.card(task, language).label} (once)…")
            try:
                return engines.build(get_task(task), self.plans[language][task], self.context, tracked, language)
            except Exception as exc:
                self.states[route] = LoadState("failed", 0.0, str(exc))
                raise

        engine = self.registry.get(self._engine_key(task, language), build, waiting)
        self.states[route] = LoadState("ready", 1.0, "Ready")  # also when the other language built it
        return engine

    def describe(self, task: str, language: str = "en") -> str:
        """One line for the page: which model, on which device and dtype, and why."""
        return self.card(task, language).details

    def routes(self) -> list[tuple[str, str]]:
        """(task, language) of every engine to load: English first, in tab order, then the Chinese
        ones that are not the English engine again."""
        english = [(task, "en") for task in self.plan]
        return english + [(task, "zh") for task in self.plan
                          if self._engine_key(task, "zh") != self._engine_key(task, "en")]

    def preload(self, report: Report = _silent) -> dict[str, str]:
        """Load every task's model and answer one small request with it, so that the first user's
        request is as fast as the later ones; returns the error message of each task that failed."""
        token = giving_way.set(True)  # its jobs give way to visitors' (`InferenceWorker.wait_idle`)
        try:
            return self._preload(report)
        finally:
            giving_way.reset(token)

    def _preload(self, report: Report) -> dict[str, str]:
        """The tabs' models first, each with one small request; what the first answers do not need
        (the bundled examples' label sets, Compare's other sides, the forecasts) after, one step at a
        time while no visitor waits. A failed route is tried once more after the others."""
        failures: dict[str, str] = {}
        started = time.perf_counter()
        routes = self.routes()
        for n, (task, language) in enumerate(routes, 1):
            if self.stopping.is_set():
                return failures
            self.worker.wait_idle()
            log.info("loading %s (%d of %d)…", route_key(task, language), n, len(routes))
            try:
                self._warm_up(task, report, language)
            except Exception as exc:  # one broken model must not stop the others
                failures[route_key(task, language)] = str(exc)
                log.warning("%s failed (%s); it is tried once more after the others", route_key(task, language), exc)
        for task, language in [(task, language) for task, language in routes if route_key(task, language) in failures]:
            self.worker.wait_idle()
            try:
                self._warm_up(task, report, language)
                del failures[route_key(task, language)]
                log.info("%s is ready on its second try", route_key(task, language))
            except Exception as exc:
                failures[route_key(task, language)] = str(exc)
                log.warning("%s will show an error until fixed: %s", route_key(task, language), exc)
        for task in self.plan:  # a Chinese route that shares the English engine is as ready as it is
            if self.is_ready(task, language="zh"):
                self.states[route_key(task, "zh")] = LoadState("ready", 1.0, "Ready")
        log.info("every tab is ready, %.1f s after the load began (%d of %d models); the bundled examples and "
                 "Compare's other sides warm up next, a step at a time while nobody waits",
                 time.perf_counter() - started, len(routes) - len(failures), len(routes))
        for hook in self.when_ready:
            try:
                hook()
            except Exception:  # noqa: BLE001 - a line that stays as built is no reason to stop serving
                log.exception("a readiness hook failed")
        for task, language in routes:
            if route_key(task, language) not in failures and not self.stopping.is_set():
                key = self._engine_key(task, language)
                warm_up_examples(get_task(task), self.engine(task, language=language), self.worker, self.stopping,
                                 lambda other, task=task, key=key: self._engine_key(task, other) == key)
        for task, language in self.zero_shot_sides() if self.compare_sides else ():
            if self.stopping.is_set():
                return failures
            self.worker.wait_idle()
            try:
                self._warm_up_zero_shot(task, report, language)
            except Exception as exc:  # Compare then loads it on its first use, and says why it cannot
                log.warning("the zero-shot side of %s's Compare loads on first use: %s", route_key(task, language), exc)
        log.info("models loaded and warmed in %.1f s (%d of %d ready)", time.perf_counter() - started,
                 len(routes) - len(failures), len(routes))
        self.warm = True
        self.run_after_warm_up()
        return failures

    def run_after_warm_up(self) -> None:
        """Each hook once, after `preload` (a hook registered later runs when this is called again)."""
        started, count = time.perf_counter(), len(self.after_warm_up)
        while self.after_warm_up:
            hook = self.after_warm_up.pop(0)
            self.worker.wait_idle()
            try:
                hook()
            except Exception:  # noqa: BLE001 - a figure missed is no reason to stop serving
                log.exception("a warm-up hook failed")
        if count:
            log.info("%d warm-up hooks ran in %.1f s", count, time.perf_counter() - started)

    def start_background_load(self) -> threading.Thread:
        """Run `preload` in a background thread, so the page is served while the models load."""
        self.loading_in_background = True
        self.loader = threading.Thread(target=self._load_in_background, name="model-loader", daemon=True)
        atexit.register(self.stop_background_load)  # only while it loads: it keeps this runtime alive
        self.loader.start()
        return self.loader

    def _load_in_background(self) -> None:
        try:
            self.preload()
        finally:
            atexit.unregister(self.stop_background_load)

    def stop_background_load(self, timeout_s: float = 120.0) -> None:
        """At exit: start no further load, and let the one under way end first: a thread stopped
        inside torch at exit aborted the process ("terminate called without an active exception")."""
        self.stopping.set()
        self.loader.join(timeout_s)

    def zero_shot_sides(self) -> list[tuple[str, str]]:
        """(task, language) of each zero-shot engine that Compare sets beside a classic checkpoint
        (once per engine: languages whose prompts are the same share one)."""
        sides: dict[tuple, tuple[str, str]] = {}
        for language in LANGUAGES:
            for task in self.plan:
                spec = get_task(task)
                if spec.zero_shot is not None and not self.plans[language][task].embedded:
                    sides.setdefault(engines.zero_shot_key(spec, language), (task, language))
        return list(sides.values())

    def _warm_up(self, task: str, report: Report = _silent, language: str = "en") -> None:
        """The route's model loaded, and one small request answered (kernels and caches built)."""
        answer_small(get_task(task), self.engine(task, report, language))

    def _warm_up_zero_shot(self, task: str, report: Report, language: str) -> None:
        spec = get_task(task)
        key = engines.zero_shot_key(spec, language)
        engine = self.zero_shot_engine(task, report, language)
        answer_small(spec, engine)
        warm_up_examples(spec, engine, self.worker, self.stopping,
                         lambda other: engines.zero_shot_key(spec, other) == key)
