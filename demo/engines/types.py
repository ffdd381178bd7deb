"""The values engines hand to tasks: what every kind of model answers with, whoever serves it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from demo.errors import InputError
from demo.i18n import Text

GREEDY_BELOW = 0.01  # temperatures under this decode greedily


# classify's default hypothesis template per language: the NLI model writes each label into it; Gemma
# reads it as "your own prompts" (`demo.engines.gemma.classify.OWN_PROMPTS`), a template typed as written
DEFAULT_TEMPLATES = {"en": "This text is about {}.", "zh": "这段文字的主题是{}。"}
# a label written into its template, as the model reads it: the bound on what one label costs, in tokens
# (a 13-character template padded each label to 3,000 characters once, 9,000 tokens a pass, 400 s)
MAX_HYPOTHESIS_TOKENS = 48


def hypothesis(template: str, label: str) -> str:
    """The label written into the template. A template is plain text with one `{}`, never a format
    string (a format width or field in it once padded labels to thousands of characters)."""
    return template.replace("{}", label, 1)


def bounded_hypotheses(tokenize, template: str, labels, prefix: str = "") -> list[list[int]]:
    """Each label in the template as token ids (`tokenize(text)`), or an `InputError` naming the first
    that reads as more than `MAX_HYPOTHESIS_TOKENS`: checked before any pass."""
    rows = [tokenize(prefix + hypothesis(template, label)) for label in labels]
    for label, row in zip(labels, rows, strict=True):
        if len(row) > MAX_HYPOTHESIS_TOKENS:
            raise InputError(Text("The label '{label}' written into the template reads as {count} tokens; the model "
                                  "reads at most {most} per label. Please use a shorter label or template.",
                                  label=label[:30], count=f"{len(row):,}", most=MAX_HYPOTHESIS_TOKENS))
    return rows


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

    @property
    def identity(self) -> tuple:
        """Both engines' identities (None for a side that is missing), for the answers kept for both."""
        return tuple(side.engine.identity if side.engine is not None else None
                     for side in (self.classic, self.zero_shot))


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

