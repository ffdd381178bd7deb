"""The values engines hand to tasks: what every kind of model answers with, whoever serves it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

GREEDY_BELOW = 0.01  # temperatures under this decode greedily


# classify's default hypothesis template per language: the NLI model writes each label into it; Gemma
# reads it as "your own prompts" (`demo.engines.gemma.classify.OWN_PROMPTS`), a template typed as written
DEFAULT_TEMPLATES = {"en": "This text is about {}.", "zh": "这段文字的主题是{}。"}


@dataclass(frozen=True)
class LabelScores:
    """Class probabilities, and how many input tokens had to be cut to fit the model."""

    scores: dict[str, float]
    dropped_tokens: int = 0
    limit: int = 0

    @property
    def label(self) -> str:
        """The likeliest class."""
        return max(self.scores, key=self.scores.__getitem__)


@dataclass(frozen=True)
class Filled:
    """Candidate (word, probability) lists, one per mask, best first."""

    candidates: list[list[tuple[str, float]]]
    dropped_tokens: int = 0
    limit: int = 0
    notes: tuple[str, ...] = ()  # limits the engine met, said to the user


@dataclass(frozen=True)
class Side:
    """One way to answer a task: the engine (None when unavailable), its name, and why it is missing."""

    name: str
    engine: Any
    missing: str = ""


@dataclass(frozen=True)
class Sides:
    """The classic checkpoint and the zero-shot model of one task, for answers side by side."""

    classic: Side
    zero_shot: Side


@dataclass(frozen=True)
class GenerationSettings:
    max_new_tokens: int = 60
    temperature: float = 0.8
    top_p: float = 0.95
    top_k: int = 50
    repetition_penalty: float = 1.1
    seed: int = 42

    def generate_kwargs(self) -> dict:
        """Sampling arguments for `model.generate`; temperature 0 means greedy decoding."""
        kwargs: dict = {"max_new_tokens": self.max_new_tokens, "repetition_penalty": self.repetition_penalty}
        if self.temperature < GREEDY_BELOW:  # dividing logits by ~0 overflows: it means greedy anyway
            return kwargs | {"do_sample": False, "temperature": None, "top_p": None, "top_k": None}
        return kwargs | {
            "do_sample": True,
            "temperature": self.temperature,
            "top_p": self.top_p,
            "top_k": self.top_k,
        }


DEFAULTS = GenerationSettings()


@dataclass(frozen=True)
class Prompt:
    """Token ids that fit the context, how many were cut from the start, and how many new tokens fit."""

    input_ids: torch.Tensor
    dropped_tokens: int
    limit: int
    max_new_tokens: int
    context: int



class Piece(str):
    """A piece of generated text, with what the model thought of it: the probability of its tokens
    (multiplied, when a character needed several) and the likeliest tokens at its first step.

    Probabilities are the model's own next-token distribution, before temperature, top-k/top-p
    and the repetition penalty reshape it for sampling."""

    probability: float | None
    alternatives: tuple[tuple[str, float], ...]
    tokens: int

    def __new__(cls, text: str, probability: float | None = None,
                alternatives: tuple[tuple[str, float], ...] = (), tokens: int = 0):
        piece = super().__new__(cls, text)
        piece.probability, piece.alternatives, piece.tokens = probability, alternatives, tokens
        return piece



@dataclass(frozen=True)
class Scored:
    """A text cut into pieces, each with its probability given the text before it (None for a
    first token that nothing precedes), and the text's perplexity over the scored tokens."""

    pieces: list[Piece]
    perplexity: float | None

