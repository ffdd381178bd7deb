"""Every engine behind one `build`: the only place that knows a classic checkpoint from the
embedded Gemma solvers from a remote OpenAI-compatible engine.

A task declares what can serve it: `classic`, a `ClassicEngine` class that wraps a loaded hub
checkpoint, and `zero_shot`, a `ZeroShot` that solves it with Gemma. Each engine class declares its
traits (`demo.engines.base`: capabilities, meaning, ...), read here without loading anything. A `Card`
says who answers, for the status line, built once per task and language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from demo.errors import ModelLoadError
from demo.inference import InferenceWorker
from demo.models import ModelRegistry, Placement, Report, load_model, quantize_int8

CLASSIC, ZERO_SHOT, REMOTE = "classic", "zero_shot", "remote"


@dataclass(frozen=True)
class ZeroShot:
    """How Gemma solves a task with no training: the method's name for the status line, and the
    engine class for a language (`per_language`: each language gets its own engine and prompts)."""

    method: str
    engine_for: Callable[[str], type]
    per_language: bool = True
    comparable: bool = False  # its answer can stand beside the classic checkpoint's (the compare view)


@dataclass(frozen=True)
class Card:
    """Who answers a task in one language: a short name, a full label, the kind of engine, the
    device, one line of details, and the engine class (its capabilities and meaning)."""

    name: str
    label: str
    kind: str
    device: str
    details: str
    engine: type
    language: str = "en"
    capabilities: frozenset = field(default=frozenset())

    @property
    def meaning(self) -> str:
        return self.engine.meaning


@dataclass
class Context:
    """What every engine is built with: one registry, one placement, one inference thread."""

    registry: ModelRegistry
    placement: Placement
    worker: InferenceWorker
    int8: bool = False  # already checked to be supported here (`Runtime`)


def kind_of(assignment) -> str:
    return ZERO_SHOT if assignment.embedded else REMOTE if assignment.remote else CLASSIC


def engine_class(task, assignment, language: str = "en") -> type:
    """The class that will answer, known without loading anything."""
    kind = kind_of(assignment)
    if kind == ZERO_SHOT:
        return task.zero_shot.engine_for(language)
    if kind == REMOTE:
        from demo.engines.remote import RemoteGenerationEngine

        return RemoteGenerationEngine
    return task.classic


def capabilities(task, assignment, language: str = "en") -> frozenset:
    """What the engine serving `task` offers to views: its class's own, plus "compare" wherever a
    zero-shot answer can stand beside a classic checkpoint (not where the task is served by Gemma
    itself: offline there is nothing to compare it with)."""
    offered = offered_by(task, [engine_class(task, assignment, language)])
    return offered - {"compare"} if kind_of(assignment) == ZERO_SHOT else offered


def may_offer(task, capability: str) -> bool:
    """Whether some engine that can serve `task` (classic, zero-shot in any language) has the capability."""
    from demo.language import LANGUAGES

    classes = [task.classic] if task.classic is not None else []
    if task.zero_shot is not None:
        classes += [task.zero_shot.engine_for(language) for language in LANGUAGES]
    return capability in offered_by(task, classes)


def offered_by(task, classes: list[type]) -> frozenset:
    """The capabilities of the engine classes, plus "compare" where the task's zero-shot answer can stand
    beside another."""
    comparable = task.zero_shot is not None and task.zero_shot.comparable
    return frozenset().union(*(cls.capabilities for cls in classes)) | ({"compare"} if comparable else set())


def uses_int8(task, assignment, context: Context) -> bool:
    """Whether a classic encoder runs with int8 linear layers (--int8, on CPU; generation stays float)."""
    return (context.int8 and kind_of(assignment) == CLASSIC
            and task.classic.int8_ok)


def card(task, assignment, context: Context, language: str = "en") -> Card:
    """The card of the engine that serves `task` in `language` (nothing is loaded)."""
    from demo.engines.gemma import GEMMA_LABEL, GEMMA_NAME

    kind = kind_of(assignment)
    cls = engine_class(task, assignment, language)
    device = context.placement.device.type.upper()
    if kind == ZERO_SHOT:
        label = GEMMA_LABEL + (f", {task.zero_shot.method}" if task.zero_shot.method else "")
        label += ", Chinese prompt" if language == "zh" and task.zero_shot.per_language else ""
        name, details = GEMMA_NAME, f"{label} · {context.placement.label} · {assignment.reason}"
    elif kind == REMOTE:
        from demo.engines.remote import EngineAddress

        address = EngineAddress.parse(assignment.ref.id)
        name, label, device = f"{address.model or 'the served model'} (engine at {address.base_url})", \
            assignment.ref.label, ""
        details = f"{label} · OpenAI-compatible engine · {assignment.reason}"
    else:
        name = task.preset_names.get(assignment.ref.id, assignment.ref.id.rstrip("/").rsplit("/", 1)[-1])
        label = assignment.ref.label
        int8 = " + int8 linear layers" if uses_int8(task, assignment, context) else ""
        details = f"{label} · {context.placement.label}{int8} · {assignment.reason}"
    return Card(name, label, kind, device, details, cls, language, capabilities(task, assignment, language))


def zero_shot_key(task, language: str) -> tuple:
    """The registry key of Gemma's engine for a task: one per language where its prompts differ."""
    if language == "en" or not task.zero_shot.per_language:
        return ("engine", task.key, None)
    return ("engine", task.key, None, language)


def build_zero_shot(task, context: Context, report: Report, language: str = "en") -> Any:
    """Gemma's engine for a task and language; it shares the one Gemma model with the others."""
    from demo.engines.gemma import load_gemma

    if task.zero_shot is None:
        raise ModelLoadError(task.title, "this task has no zero-shot solver",
                             f"Give it a checkpoint with --model {task.key}=PATH.")
    gemma = load_gemma(context.registry, context.placement, report, run=context.worker.call)
    cls = task.zero_shot.engine_for(language)
    return cls(gemma, context.worker, language) if task.zero_shot.per_language else cls(gemma, context.worker)


def build(task, assignment, context: Context, report: Report, language: str = "en") -> Any:
    """The engine the assignment names, its model loaded through the registry (once)."""
    import transformers

    kind = kind_of(assignment)
    if kind == ZERO_SHOT:
        return build_zero_shot(task, context, report, language)
    if kind == REMOTE:
        from demo.engines.remote import EngineAddress, RemoteGenerationEngine

        return RemoteGenerationEngine(EngineAddress.parse(assignment.ref.id))
    cls = task.classic
    auto_class = getattr(transformers, cls.auto_model)
    int8 = uses_int8(task, assignment, context)

    def load():
        # the model's own passes (the check, the int8 conversion) on the inference thread: see `load_model`
        loaded = load_model(assignment.ref, auto_class, context.placement, assignment.local_files_only,
                            run=context.worker.call)
        if int8:
            loaded.model = context.worker.call(quantize_int8, loaded.model)
        return loaded

    loaded = context.registry.get(("model", cls.auto_model, assignment.ref, int8), load)
    missing = cls.missing_head(loaded.missing_keys, loaded.model.base_model_prefix)
    if missing:
        raise ModelLoadError(
            assignment.ref.label,
            f"it has no trained weights for the {task.title.lower()} head ({', '.join(missing[:3])}"
            f"{', …' if len(missing) > 3 else ''}), which would answer at random",
            f"Use {cls.head_hint}.",
        )
    return cls(loaded, context.worker)
