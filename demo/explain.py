"""Why a model answered: integrated gradients over input embeddings, merged into the user's words.

Captum's `IntegratedGradients` runs on the embeddings of the user's tokens only: an engine's
forward function puts them back between the constant parts of its input (special tokens, few-shot
prompt, a cached prefix), so the scaffolding is never attributed. The same path serves every
engine, including next-sentence PMI, whose one score embeds sentence B twice (after A, and alone),
which an embedding-layer hook (`LayerIntegratedGradients`) cannot follow.

Each token's score is the sum over its embedding dimensions; the scores sum to the score's change
from the baseline, up to Captum's convergence delta. The baseline is the all-zero embedding: with
Gemma, a padding-token baseline needed many more steps to converge and credited function words.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

import torch
import torch.utils.checkpoint

from demo.errors import InputError
from demo.language import is_han

log = logging.getLogger(__name__)

# Integration steps (Gauss-Legendre); bench/explain.py reports the convergence delta. The classic
# encoders converge in a few steps; Gemma's paths bend more.
CLASSIC_STEPS = 12
LLM_STEPS = 24
ROWS_PER_PASS = 12  # steps that share one forward and backward pass (the classic encoders)
# Gemma: rows x tokens per pass, so that one pass (its backward pass checks the budget only where a
# recomputed slice does) stays a few seconds long, and its activations small, whatever the input
LLM_TOKENS_PER_PASS = 256
LLM_MAX_ROWS_PER_PASS = 8


def llm_rows_per_pass(tokens: int) -> int:
    """Integration rows per pass on Gemma for inputs of `tokens` tokens."""
    return max(1, min(LLM_MAX_ROWS_PER_PASS, LLM_TOKENS_PER_PASS // max(1, tokens)))
MAX_EXPLAIN_TOKENS = 256  # per text: an explanation costs STEPS forward and backward passes


@dataclass(frozen=True)
class Attribution:
    """Word scores for one or more texts, raw (the score's units) and the convergence delta."""

    words: list[list[tuple[str, float]]]  # per text: (word with its trailing space, raw score)
    delta: float

    def scaled(self) -> list[list[tuple[str, float]]]:
        """Scores divided by the largest magnitude over all texts, so they lie in [-1, 1]."""
        largest = max((abs(score) for text in self.words for _, score in text), default=0.0) or 1.0
        return [[(word, score / largest) for word, score in text] for text in self.words]


def tokens_of(tokenizer, text: str, prefix: str = "") -> tuple[list[int], list[tuple[int, int]]]:
    """Token ids of `prefix + text` without special tokens, and their character spans in `text`."""
    encoded = tokenizer(prefix + text, add_special_tokens=False, return_offsets_mapping=True)
    shift = len(prefix)
    spans = [(max(0, start - shift), max(0, end - shift)) for start, end in encoded["offset_mapping"]]
    return encoded["input_ids"], spans


def require_short(ids: list[int], name: str) -> None:
    if len(ids) > MAX_EXPLAIN_TOKENS:
        raise InputError(f"{name} is {len(ids):,} tokens long; explanations take texts of up to "
                         f"{MAX_EXPLAIN_TOKENS} tokens. Please shorten it.")


def integrated_gradients(forward: Callable[..., torch.Tensor], inputs: tuple[torch.Tensor, ...], steps: int,
                         model: torch.nn.Module, checkpoint: Callable[[], None],
                         rows_per_pass: int = ROWS_PER_PASS) -> tuple[list[list[float]], float]:
    """Per-token attributions of `forward` (one score per row) for each input [1, tokens, dim].

    `checkpoint` (the inference thread's) runs before each pass and before each layer of `model`:
    waiting requests are answered, and the time budget and a cancel are checked, between two
    layers rather than only between two passes."""
    from captum.attr import IntegratedGradients

    def checked_forward(*rows: torch.Tensor) -> torch.Tensor:
        checkpoint()
        return forward(*rows)

    with torch.enable_grad(), checkpoint_between_layers(model, checkpoint):
        attributions, delta = IntegratedGradients(checked_forward).attribute(
            inputs, baselines=tuple(torch.zeros_like(x) for x in inputs), n_steps=steps,
            internal_batch_size=rows_per_pass, return_convergence_delta=True)
    delta_value = float(delta.abs().max())
    log.info("integrated gradients: %d steps, convergence delta %.4f", steps, delta_value)
    return [a[0].sum(-1).detach().float().tolist() for a in attributions], delta_value


@contextmanager
def checkpoint_between_layers(model: torch.nn.Module, checkpoint: Callable[[], None]):
    """While inside: call `checkpoint` before each layer of `model` (its longest `ModuleList`), and
    keep only each layer's input for the backward pass, recomputing the rest there (activation
    checkpointing). Kept whole, Gemma's activations took ~0.5 GB per integration row of a 460-token
    pair; checkpointed, ~25 MB.

    Requests answered from a checkpoint run the same model under inference mode: the hook then does
    nothing and the layers run as usual, so nothing nests."""
    layers = max((m for m in model.modules() if isinstance(m, torch.nn.ModuleList)), key=len, default=[])
    inside = False

    def before_layer(module, args) -> None:
        nonlocal inside
        if inside:
            return
        inside = True
        try:
            checkpoint()
        finally:
            inside = False

    def recomputed(forward):
        def run(*args, **kwargs):
            # a key/value cache grows in every forward call, so a recomputed layer would extend it twice
            if not torch.is_grad_enabled() or kwargs.get("past_key_values") is not None:
                return forward(*args, **kwargs)
            return torch.utils.checkpoint.checkpoint(forward, *args, use_reentrant=False, **kwargs)
        return run

    handles = [layer.register_forward_pre_hook(before_layer) for layer in layers]
    for layer in layers:
        layer.forward = recomputed(layer.forward)
    try:
        yield
    finally:
        for handle in handles:
            handle.remove()
        for layer in layers:
            del layer.forward  # back to the class's own forward


def words_of(text: str, spans: list[tuple[int, int]], scores: list[float]) -> list[tuple[str, float]]:
    """Token scores summed into the text's whitespace-separated words (subword pieces merged), each
    word with the whitespace after it, so the words put together give back the text. Chinese has no
    spaces between words: there each token is a word (a character for BERT, often a word for Gemma)."""
    words = [match.span() for match in re.finditer(r"\S+", text)]
    if not words:
        return []
    cuts = {start for start, _ in spans
            if 0 < start < len(text) and (is_han(text[start]) or is_han(text[start - 1]))}
    starts = sorted({start for start, _ in words} | {cut for cut in cuts if not text[cut].isspace()})
    totals = [0.0] * len(starts)
    for (start, end), score in zip(spans, scores, strict=True):
        piece = text[start:end]
        first = start + (len(piece) - len(piece.lstrip())) if piece.strip() else start
        index = max(0, bisect.bisect_right(starts, first) - 1)  # a whitespace-only token joins the word before
        totals[index] += score
    ends = [*starts[1:], len(text)]
    return [(text[start:end], total) for start, end, total in zip(starts, ends, totals, strict=True)]
