"""Why a model answered: word scores, merged into the user's words.

The classic encoders: integrated gradients over input embeddings. Captum's `IntegratedGradients`
runs on the embeddings of the user's tokens only: an engine's forward function puts them back
between the constant parts of its input (special tokens), so the scaffolding is never attributed.
Each token's score is the sum over its embedding dimensions; the scores sum to the score's change
from the all-zero baseline, up to Captum's convergence delta.

The language model's scores: occlusion (each word's effect when left out), or an exact share where
the score is a sum over tokens (`bench.attribution` measures the methods against hand-marked words).
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

# Integration steps (Gauss-Legendre) for the classic encoders, which converge in a few steps;
# bench/explain.py reports the convergence delta.
CLASSIC_STEPS = 12
ROWS_PER_PASS = 12  # steps that share one forward and backward pass

MAX_EXPLAIN_TOKENS = 256  # per text: an explanation costs STEPS forward and backward passes
# A pass's activations kept for the backward pass take ~56 bytes per row, token, hidden unit and layer
# (BERT-large, 12 rows of 99 tokens: +1.55 GB; recomputed: +0.57 GB). Above this they are recomputed,
# at the cost of another forward pass.
KEPT_BYTES_PER_UNIT = 56
KEPT_ACTIVATIONS_MAX_BYTES = 768 * 2**20


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


def require_short(ids: list[int], name: str, limit: int = MAX_EXPLAIN_TOKENS) -> None:
    if len(ids) > limit:
        raise InputError(f"{name} is {len(ids):,} tokens long; explanations take texts of up to "
                         f"{limit} tokens. Please shorten it.")


def integrated_gradients(forward: Callable[..., torch.Tensor], inputs: tuple[torch.Tensor, ...], steps: int,
                         model: torch.nn.Module, checkpoint: Callable[[], None],
                         rows_per_pass: int = ROWS_PER_PASS,
                         context_tokens: int = 3) -> tuple[list[list[float]], float]:
    """Per-token attributions of `forward` (one score per row) for each input [1, tokens, dim];
    `context_tokens`: the tokens `forward` puts around the inputs (their activations count too).

    `checkpoint` (the inference thread's) runs before each pass and before each layer of `model`:
    waiting requests are answered, and the time budget and a cancel are checked, between two
    layers rather than only between two passes."""
    from captum.attr import IntegratedGradients

    def checked_forward(*rows: torch.Tensor) -> torch.Tensor:
        checkpoint()
        return forward(*rows)

    row_tokens = min(steps, rows_per_pass) * (sum(x.shape[1] for x in inputs) + context_tokens)
    kept = row_tokens * inputs[0].shape[-1] * len(layers_of(model)) * KEPT_BYTES_PER_UNIT
    recompute = kept > KEPT_ACTIVATIONS_MAX_BYTES
    with torch.enable_grad(), checkpoint_between_layers(model, checkpoint, recompute):
        attributions, delta = IntegratedGradients(checked_forward).attribute(
            inputs, baselines=tuple(torch.zeros_like(x) for x in inputs), n_steps=steps,
            internal_batch_size=rows_per_pass, return_convergence_delta=True)
    delta_value = float(delta.abs().max())
    log.info("integrated gradients: %d steps, convergence delta %.4f", steps, delta_value)
    return [a[0].sum(-1).detach().float().tolist() for a in attributions], delta_value


def layers_of(model: torch.nn.Module) -> torch.nn.ModuleList | list:
    """The model's stack of layers: its longest `ModuleList`."""
    return max((m for m in model.modules() if isinstance(m, torch.nn.ModuleList)), key=len, default=[])


@contextmanager
def checkpoint_between_layers(model: torch.nn.Module, checkpoint: Callable[[], None], recompute: bool = True):
    """While inside: call `checkpoint` before each layer of `model` (its longest `ModuleList`), and,
    with `recompute`, keep only each layer's input for the backward pass, recomputing the rest there
    (activation checkpointing). Kept whole, Gemma's activations took ~0.5 GB per integration row of a
    460-token pair; checkpointed, ~25 MB. A short text's are small, and recomputing them made a
    33-character Chinese review's explanation on a BERT-large-shaped model take 4.0 s instead of 2.9 s.

    Requests answered from a checkpoint run the same model under inference mode: the hook then does
    nothing and the layers run as usual, so nothing nests."""
    layers = layers_of(model)
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
    recomputing = layers if recompute else []
    for layer in recomputing:
        layer.forward = recomputed(layer.forward)
    try:
        yield
    finally:
        for handle in handles:
            handle.remove()
        for layer in recomputing:
            del layer.forward  # back to the class's own forward


def split_words(text: str, spans: list[tuple[int, int]]) -> tuple[list[str], list[int]]:
    """The text's words, each with the whitespace after it (put together they give back the text),
    and the word each token belongs to (subword pieces merged). Chinese has no spaces between
    words: there each token is a word (a character for BERT, often a word for Gemma)."""
    found = [match.span() for match in re.finditer(r"\S+", text)]
    if not found:
        return [], [0] * len(spans)
    cuts = {start for start, _ in spans
            if 0 < start < len(text) and (is_han(text[start]) or is_han(text[start - 1]))}
    starts = sorted({start for start, _ in found} | {cut for cut in cuts if not text[cut].isspace()})
    owners = []
    for start, end in spans:
        piece = text[start:end]
        first = start + (len(piece) - len(piece.lstrip())) if piece.strip() else start
        owners.append(max(0, bisect.bisect_right(starts, first) - 1))  # a whitespace-only token joins the word before
    ends = [*starts[1:], len(text)]
    return [text[start:end] for start, end in zip(starts, ends, strict=True)], owners


def words_of(text: str, spans: list[tuple[int, int]], scores: list[float]) -> list[tuple[str, float]]:
    """Token scores summed into the text's words (`split_words`)."""
    words, owners = split_words(text, spans)
    totals = [0.0] * len(words)
    for owner, score in zip(owners, scores, strict=True):
        totals[owner] += score
    return list(zip(words, totals, strict=True))


def occlusion(text: str, ids: list[int], spans: list[tuple[int, int]],
              scores_of: Callable[[list[list[int]]], list[float]]) -> list[tuple[str, float]]:
    """Each word's effect on a score: the score of the whole text minus the score with that word's
    tokens left out (one batch: the text, then the text less each word in turn).

    Chosen over integrated gradients for the language model's scores: on 24 reviews whose sentiment
    words were marked before anything was measured (`bench.attribution`), it put the strongest push
    on a marked word in 15 (integrated gradients: 7), with one forward pass per word instead of 24
    forward and backward passes."""
    words, owners = split_words(text, spans)
    # a word's punctuation stays: without its full stop, the last word of a review changed the answer
    # for reasons of form ("minute." pushed hardest in "... I hated every minute.")
    kept = [not any(ch.isalnum() for ch in text[start:end]) for start, end in spans]
    variants = [ids] + [[t for t, owner, keep in zip(ids, owners, kept, strict=True) if owner != word or keep]
                        for word in range(len(words))]
    whole, *without = scores_of(variants)
    return [(word, whole - score) for word, score in zip(words, without, strict=True)]
