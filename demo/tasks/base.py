"""The contract every task follows, and the input checks they share.

A task knows its API name, its parameters (with defaults), how to build its input and output
components, and how to turn validated inputs plus an engine (whatever model serves the task in the
active profile) into output values. The UI builder makes every tab from this contract alone.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import gradio as gr

from demo.errors import InputError

Warn = Callable[[str], None]

MAX_TEXT_CHARS = 200_000


@dataclass(frozen=True)
class Param:
    """One API parameter; `default` is None for the required text inputs."""

    name: str
    default: Any = None


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
class Explanation:
    """A second question a tab answers about the same input, with its own endpoint and button: why
    the model answered as it did, the answer worked out another way, or both profiles side by side.

    The task implements it with three methods, named here: one that builds its API outputs (it may
    reuse the task's own `outputs`; new components show in a panel under the answer), one that
    answers (engine, warn, *values) -> outputs, and one that reads the answer for the page
    (values, outputs, embedded) -> HTML. The UI builder does the rest."""

    api_name: str
    button: str
    params: tuple[Param, ...]  # the first of the task's parameters, which it takes
    outputs: str = "build_explanation_outputs"
    answer: str = "explain"
    view: str = "explanation_view"
    both_sides: bool = False  # `answer` gets `Sides` (classic and zero-shot engines) as its engine


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


class Answer(tuple):
    """Output values with a note for the status line (such as each side's latency)."""

    note: str

    def __new__(cls, values, note: str = ""):
        answer = super().__new__(cls, values)
        answer.note = note
        return answer


class CheckedSlider(gr.Slider):
    """A slider that hands its raw value to the task, whose check names the parameter and its range."""

    def get_block_name(self) -> str:
        return "slider"

    def preprocess(self, payload: Any) -> Any:
        return payload


class CheckedNumber(gr.Number):
    """A number field that hands its raw value to the task, whose check names the allowed range."""

    def get_block_name(self) -> str:
        return "number"

    def preprocess(self, payload: Any) -> Any:
        return payload


class Task:
    """Base class: subclasses fill in the class attributes and the four methods."""

    key: str = ""
    title: str = ""
    summary: str = ""  # one line under the tab's title, for the classic checkpoint
    how_it_works: str = ""  # the "How it works" text, for the classic checkpoint
    embedded_summary: str = ""  # the same two for the embedded profile, which answers another way
    embedded_how_it_works: str = ""
    params: tuple[Param, ...] = ()
    streaming: bool = False
    auto_model: str = ""  # the transformers Auto class that loads a classic checkpoint for this task
    engine_class: type | None = None  # wraps a loaded classic checkpoint
    warm_up_input: tuple = ()  # a small request run once by --preload: first calls build kernels and caches
    int8_ok: bool = False  # --int8 applies to this task's classic encoder; generation stays in float
    head_hint: str = ""  # the kind of checkpoint that has this task's head, for the refusal message

    @property
    def api_name(self) -> str:
        return self.key

    def build_inputs(self) -> list:
        raise NotImplementedError

    def build_outputs(self) -> list:
        raise NotImplementedError

    has_settings: bool = False  # optional inputs shown in a closed "Settings" panel under Run

    def build_settings(self) -> list:
        """The optional inputs after `build_inputs`' ones, in parameter order."""
        return []

    def check(self, *values: Any) -> tuple:
        """The inputs made ready for `run`, or an `InputError` that says what to change.

        Called before any model is loaded, so a mistake is answered at once even on a cold server.
        """
        raise NotImplementedError

    def run(self, engine: Any, warn: Warn, *values: Any) -> tuple | Iterator[tuple]:
        """Output values for inputs that passed `check`."""
        raise NotImplementedError

    def view(self, values: tuple, outputs: tuple, done: bool, embedded: bool) -> str:
        """The page's reading of an answer, as HTML (see `demo.views`): `values` passed `check`,
        `outputs` are what `run` returned or last yielded, `done` is False while a stream runs.
        The API returns `outputs` alone; the components that the view replaces are hidden on the page."""
        raise NotImplementedError

    def batch_row(self, values: tuple, outputs: tuple) -> dict[str, Any]:
        """The answer to one row of a batch CSV, as columns (values passed `check`)."""
        raise NotImplementedError

    def stream_size(self, outputs: tuple) -> str:
        """How much a stream had produced, for the status of a stopped one ("12 new tokens")."""
        return ""

    explanations: tuple[Explanation, ...] = ()

    def build_explanation_outputs(self, outputs: list) -> list:
        """The explanation's API outputs; they may reuse the task's own `outputs` (the API's first
        output is often the same). Components built here show in a "why" panel under the answer."""
        raise NotImplementedError

    def explain(self, engine: Any, warn: Warn, *values: Any) -> tuple:
        """Output values of the explanation, for inputs that passed `check`."""
        raise NotImplementedError

    def explanation_view(self, values: tuple, outputs: tuple, embedded: bool) -> str:
        """The page's reading of an explanation (see `view`)."""
        raise NotImplementedError

    def missing_head(self, missing_keys: Sequence[str], base_prefix: str) -> list[str]:
        """The weights this task needs that the checkpoint lacked (transformers would start them at
        random). By default: every missing weight outside the base model."""
        return [key for key in missing_keys if not key.startswith(f"{base_prefix}.")]


def side_by_side(sides: Sides, answer: Callable[[Any], Any]) -> Answer:
    """Each side's answer (None for a missing side), with each side's latency for the status line."""
    values, notes = [], []
    for side in (sides.classic, sides.zero_shot):
        if side.engine is None:
            values.append(None)
            notes.append(f"{side.name}: not available ({side.missing})")
            continue
        started = time.perf_counter()
        values.append(answer(side.engine))
        notes.append(f"{side.name}: {time.perf_counter() - started:.2f} s")
    return Answer(values, " · ".join(notes))


def require_text(value: Any, name: str) -> str:
    """Return the text, or say plainly what is wrong with it."""
    if value is None:
        raise InputError(f"{name} is missing: please type some text.")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InputError(f"{name} must be text, not {type(value).__name__}.")
    text = str(value)
    if not text.strip():
        raise InputError(f"{name} is empty: please type some text.")
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(
            f"{name} is {len(text):,} characters long; the limit is {MAX_TEXT_CHARS:,}. "
            "Please send a shorter text."
        )
    return text


def require_number(
    value: Any, name: str, low: float, high: float, *, integer: bool = False
) -> float | int:
    """Return the number if it lies in [low, high]; otherwise name the allowed range."""
    bounds = f"{int(low):,} to {int(high):,}" if integer else f"{low:g} to {high:g}"
    allowed = f"{name} must be {'a whole number' if integer else 'a number'} from {bounds}"
    if isinstance(value, bool) or value is None:
        raise InputError(f"{allowed}; got {value!r}.")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{allowed}; got {value!r}.") from None
    if math.isnan(number) or not low <= number <= high:
        raise InputError(f"{allowed}; got {value!r}.")
    if integer:
        if number != int(number):
            raise InputError(f"{allowed}; got {value!r}.")
        return int(number)
    return number


def cut_note(what: str, dropped: int, limit: int, where: str = "end") -> str:
    """The warning shown when input had to be shortened to fit the model."""
    plural = "s" if dropped != 1 else ""
    return (
        f"{what} was too long for the model ({limit:,} tokens at most): {dropped:,} token{plural} "
        f"at the {where} were left out."
    )
