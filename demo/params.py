"""A declared input: its kind, label and bound, and the checks every input goes through before any model
sees it. Tasks and views declare their inputs with `Param`; nothing here knows a task."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from demo.errors import InputError, excerpt
from demo.i18n import Text

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
