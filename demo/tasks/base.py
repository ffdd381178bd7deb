"""The contract every task follows, and the input checks they share.

A task declares what it is (key, title, texts), what it takes (typed `Param`s: the page builds the
inputs and settings from them, the API takes them in order), what can serve it (`classic`, an engine
class for hub checkpoints; `zero_shot`, Gemma's way; `presets`, the pinned hub checkpoint per
language), and how to read its answers (`view`, `batch_row`, `words`, `gold`). The page, the API,
share links, batch CSVs and the scorecard are built from these declarations alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from demo.i18n import Text
from demo.language import Routing, route
from demo.params import (BOOLEAN, INTEGER, MAX_TEXT_CHARS, NUMBER, TEXT, Param, require_boolean, require_number,
                         require_text)
from demo.views.html import verdict

# the task contract a plug-in imports from here: the task bases and the declared inputs (demo.params)
__all__ = ["BOOLEAN", "EXAMPLES_DIR", "INTEGER", "MAX_TEXT_CHARS", "NUMBER", "TEXT", "LabelTask", "Param", "Task",
           "Warn", "cut_note", "load_examples", "require_boolean", "require_number", "require_text", "routed"]

EXAMPLES_DIR = Path(__file__).resolve().parent.parent.parent / "examples"

Warn = Callable[[str], None]


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
    most_labels: int = 0  # with `any_labels`: the most labels one request may name
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


class LabelTask(Task):
    """A task whose answer is one probability per label (sentiment, next sentence, classify): the page shows
    its verdict and bars, a batch row its top label and confidence, and any `more_columns`."""

    def view(self, values, outputs, done, card) -> str:
        (scores,) = outputs
        return verdict(scores, self.words, card.meaning)

    def batch_row(self, values, outputs) -> dict:
        (scores,) = outputs
        label = max(scores, key=scores.get)
        return {"label": label, "confidence": round(scores[label], 4)} | self.more_columns(scores)

    def more_columns(self, scores: dict[str, float]) -> dict:
        return {}
