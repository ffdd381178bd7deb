"""The contract every task follows, and the input checks they share.

A task declares what it is (key, title, texts), what it takes (typed `Param`s: the page builds the
inputs and settings from them, the API takes them in order), what can serve it (`classic`, an engine
class for hub checkpoints; `zero_shot`, Gemma's way; `presets`, the pinned hub checkpoint per
language), and how to read its answers (`view`, `batch_row`, `words`, `gold`). The page, the API,
share links, batch CSVs and the scorecard are built from these declarations alone.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from demo.errors import InputError, excerpt
from demo.i18n import Text
from demo.language import Routing, route

EXAMPLES_DIR = Path(__file__).resolve().parent.parent.parent / "examples"

Warn = Callable[[str], None]

MAX_TEXT_CHARS = 200_000
TEXT, INTEGER, NUMBER, BOOLEAN = "text", "integer", "number", "boolean"


@dataclass(frozen=True)
class Param:
    """One input: its API name, its default (None for a required text), its kind ("text",
    "integer", "number", "boolean": a check box), its label and, for numbers, the allowed range and
    the slider's step.
    `setting` inputs are optional and shown in a closed "Settings" panel; `box` shows a number as a
    number field rather than a slider."""

    name: str
    default: Any = None
    kind: str = TEXT
    label: str = ""
    range: tuple[float, float] | None = None  # a number's bounds: required of every number input
    step: float = 1
    placeholder: str = ""
    setting: bool = False
    box: bool = False
    named: str = ""  # how messages name it, when not by its label ("Text" for "Text with [MASK]")
    elem_id: str = ""  # its element id on the page, when not "<task>-<name>"
    help: str = ""  # what it is, for API docs and MCP tools (its kind, range and default are added)
    max_chars: int | None = None  # a text's bound, required of every text input, checked before any model sees it

    def __post_init__(self) -> None:
        """An input without its bound is a mistake made once, at start-up, not a request that runs unbounded."""
        if self.kind == TEXT and not self.max_chars:
            raise TypeError(f"the text input {self.name!r} declares no max_chars")
        if self.kind in (INTEGER, NUMBER) and self.range is None:
            raise TypeError(f"the number input {self.name!r} declares no range")

    def describe(self) -> str:
        """One line for API docs and MCP tools: what it is, its kind and range, its default."""
        what = self.help or self.named or self.label or self.name
        if self.kind == TEXT:
            default = f"; default {self.default!r}" if self.default is not None else ""
            return f"{what}: text, up to {self.max_chars:,} characters{default}."
        if self.kind == BOOLEAN:
            return f"{what}: true or false; default {str(self.default).lower()}."
        low, high = self.range
        bounds = f"a whole number from {int(low):,} to {int(high):,}" if self.kind == INTEGER else \
            f"a number from {low:g} to {high:g}"
        return f"{what}: {bounds}; default {self.default}."

    @property
    def required(self) -> bool:
        return self.default is None

    def check(self, value: Any) -> Any:
        """The value made ready, or an `InputError` naming this input and what is allowed."""
        if self.kind == TEXT:
            return require_text(value, self.named or self.label or self.name, self.max_chars)
        if self.kind == BOOLEAN:
            return require_boolean(value, self.name)
        return require_number(value, self.name, *self.range, integer=self.kind == INTEGER)


class Task:
    """Base class: subclasses fill in the class attributes and `solve`, `view` and `batch_row`."""

    key: str = ""
    title: str = ""
    summary: str = ""  # one line under the tab's title, for the classic checkpoint
    how_it_works: str = ""  # the "How it works" text, for the classic checkpoint
    embedded_summary: str = ""  # the same two for the embedded profile, which answers another way
    embedded_how_it_works: str = ""
    params: tuple[Param, ...] = ()
    api_description: str = ""  # what the endpoint does, for API docs and MCP tools
    returns: tuple[str, ...] = ()  # what each API output is, in order, before the status line
    streaming: bool = False
    concurrency: int = 4  # requests of this task handled at once (they wait for the inference thread)
    queue_share: int | None = 64  # how many may wait in the queue (`demo.admission`); None: no share of its own
    per_client: int | None = None  # how many one client may have at once (long work)
    counterfactual_input: int = 0  # which input the "what flips it" view edits (its position in `params`)
    request_names: tuple[str, str] = ("request", "requests")  # how a message names one, and several
    classic: type | None = None  # the engine class that wraps a loaded hub checkpoint
    zero_shot: Any = None  # a `demo.engines.ZeroShot`: how Gemma solves it
    presets: dict[str, Any] = {}  # language -> the pinned hub checkpoint (`ModelRef`)
    preset_names: dict[str, str] = {}  # hub id -> a short name for the status line
    remote_ok: bool = False  # may be served by an OpenAI-compatible engine (`--model TASK=http://…`)
    warm_up_input: tuple = ()  # a small request run once by --preload: first calls build kernels and caches
    words: dict[str, str] = {}  # API label -> the page's word for it ("POSITIVE" -> "Positive")
    poles: tuple[str, str] = ("", "")  # what a heat map's +1 and -1 push toward
    heatmap_label: str = "Which words pushed the answer"
    quicker: str = "Shorter texts answer sooner."  # said with a long request's expected time
    compare_meaning: str = ""  # the line under a side-by-side answer
    classic_side: str = "the classic checkpoint"  # how the compare button names it
    gold: dict[str, str] = {}  # how a labelled CSV may spell each label -> the API label (scorecard)
    scorecard_columns: tuple[str, ...] = ()  # the CSV columns of a labelled set, before `label`
    any_labels: bool = False  # a labelled set brings its own labels (read from the file), not `gold`
    scorecard_sets: tuple[str, ...] = ()  # named built-in sets: examples/scorecard/<task>_<name>[_zh].csv

    @property
    def api_name(self) -> str:
        return self.key

    @property
    def dom_id(self) -> str:
        """The prefix of this task's element ids on the page ("fill-mask")."""
        return self.key.replace("_", "-")

    @property
    def text_params(self) -> tuple[Param, ...]:
        """The required text inputs: what a request's language is read from."""
        return tuple(param for param in self.params if param.required)

    def build_outputs(self) -> list:
        """The API's output components (hidden on the page, where the view reads them)."""
        raise NotImplementedError

    def check(self, *values: Any) -> tuple:
        """The inputs made ready for `solve`, or an `InputError` that says what to change. Missing
        optional values take their defaults.

        Called once per request, before any model is loaded, so a mistake is answered at once even
        on a cold server."""
        values = values + tuple(param.default for param in self.params[len(values):])
        return tuple(param.check(value) for param, value in zip(self.params, values))

    def solve(self, engine: Any, warn: Warn, *checked: Any) -> tuple | Iterator[tuple]:
        """Output values for inputs that passed `check`."""
        raise NotImplementedError

    def run(self, engine: Any, warn: Warn, *values: Any) -> tuple | Iterator[tuple]:
        """`solve` on raw values: checked first (for callers outside a page request)."""
        return self.solve(engine, warn, *self.check(*values))

    def view(self, values: tuple, outputs: tuple, done: bool, card) -> str:
        """The page's reading of an answer, as HTML (see `demo.views.html`): `values` passed
        `check`, `outputs` are what `solve` returned or last yielded, `done` is False while a stream
        runs, `card` says which engine answered (`demo.engines.Card`)."""
        raise NotImplementedError

    def batch_row(self, values: tuple, outputs: tuple) -> dict[str, Any]:
        """The answer to one row of a batch CSV, as columns (values passed `check`)."""
        raise NotImplementedError

    def scorecard_values(self, inputs: tuple, labels: list[str]) -> tuple:
        """A labelled item's request values: its inputs (and, with `any_labels`, the set's labels)."""
        return inputs

    def attention_texts(self, checked: tuple) -> tuple[str, ...]:
        """The texts a reader looks at in this task's input (the attention view reads them)."""
        return tuple(value for param, value in zip(self.params, checked) if param.required)

    def stream_size(self, outputs: tuple) -> str:
        """How much a stream had produced, for the status of a stopped one ("12 new tokens")."""
        return ""


def require_text(value: Any, name: str, max_chars: int = MAX_TEXT_CHARS) -> str:
    """Return the text, or say plainly what is wrong with it."""
    if value is None:
        raise InputError(Text("{name} is missing: please type some text.", name=Text(name)))
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InputError(f"{name} must be text, not {type(value).__name__}.")
    text = str(value)
    if not text.strip():
        raise InputError(Text("{name} is empty: please type some text.", name=Text(name)))
    if len(text) > max_chars:
        raise InputError(Text("{name} is {length} characters long; the limit is {limit}. Please send a shorter text.",
                              name=Text(name), length=f"{len(text):,}", limit=f"{max_chars:,}"))
    return text


def require_boolean(value: Any, name: str) -> bool:
    """True or False, from a check box, JSON, or a CSV cell ("true", "yes", "1", "false", "no", "0")."""
    if isinstance(value, bool):
        return value
    said = str(value).strip().lower() if isinstance(value, str | int | float) else None
    if said in ("true", "yes", "1", "1.0"):
        return True
    if said in ("false", "no", "0", "0.0", ""):
        return False
    raise InputError(f"{name} must be true or false; got {value!r}.")


def require_number(
    value: Any, name: str, low: float, high: float, *, integer: bool = False
) -> float | int:
    """Return the number if it lies in [low, high]; otherwise name the allowed range."""
    bounds = f"{int(low):,} to {int(high):,}" if integer else f"{low:g} to {high:g}"
    allowed = f"{name} must be {'a whole number' if integer else 'a number'} from {bounds}"
    refused = InputError(f"{allowed}; got {excerpt(repr(value), 40)}.")
    if isinstance(value, bool) or value is None:
        raise refused
    if isinstance(value, int) and not low <= value <= high:  # exact: a 400-digit integer overflows a float
        raise refused
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise refused from None
    if math.isnan(number) or not low <= number <= high:
        raise refused
    if integer:
        if number != int(number):
            raise refused
        return int(number)
    return number


def cut_note(what: str, dropped: int, limit: int, where: str = "end") -> Text:
    """The warning shown when input had to be shortened to fit the model."""
    template = (f"{{what}} was too long for the model ({{limit}} tokens at most): {{dropped}} "
                f"{'token' if dropped == 1 else 'tokens'} at the {where} {'was' if dropped == 1 else 'were'} left out.")
    return Text(template, what=Text(what), limit=f"{limit:,}", dropped=f"{dropped:,}")


def load_examples(task_key: str) -> list[list]:
    """Example rows for a task from `examples/<task>.json`; none when the file is absent."""
    path = EXAMPLES_DIR / f"{task_key}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def routed(params: tuple[Param, ...], values: tuple | list) -> Routing:
    """The language a request is in, read from its required text values: how every request is routed."""
    return route(*(value for param, value in zip(params, values) if param.required and isinstance(value, str)))
