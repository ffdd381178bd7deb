"""One endpoint of a tab, declared by a task or by one of its views: its name, inputs, how it
answers and how the page reads the answer; a request made ready once (checked, routed)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from demo.answers import BUNDLED_SHARED_S, TYPED_SHARED_S
from demo.errors import InputError
from demo.i18n import UI_LANGUAGE, Text
from demo.language import Routing
from demo.tasks.base import Param, Task, load_examples, routed

STATUS = "status: which model answered, on which device, and in how long (Markdown)"


@dataclass(frozen=True)
class Endpoint:
    """One endpoint of a tab: the task's answer, or one of its views."""

    task: Task
    api_name: str
    params: tuple[Param, ...]
    answer: Callable  # (engine, warn, *checked) -> outputs, or an iterator of them when streaming
    present: Callable  # (checked, outputs, done, card) -> the page's HTML
    streaming: bool = False
    both_sides: bool = False  # `answer` gets the classic and the zero-shot engines (`Sides`)
    description: str = ""
    returns: tuple[str, ...] = ()
    timed: bool = True  # times itself on the warm-up request (its forecast's first figure)
    kind: str = ""  # its concurrency id and how many run at once: the task's for its answer, a view's own (`View`)
    concurrency: int = 1
    shared: bool = False  # identical requests share one answer (`demo.answers`)

    def docstring(self) -> str:
        """What API docs and MCP tools say of it (Gradio reads the handler's docstring)."""
        lines = [self.description or self.task.title, "", "Args:"]
        lines += [f"    {param.name}: {param.describe()}" for param in self.params]
        lines += ["", "Returns:", *(f"    {what}" for what in (*self.returns, STATUS))]
        return "\n".join(lines)


@dataclass(frozen=True)
class Prepared:
    """A request made ready once: its values checked, its language routed."""

    checked: tuple
    routing: Routing


def answer_endpoint(task: Task) -> Endpoint:
    def answer(engine, warn, *checked):
        return task.solve(engine, warn, *checked)

    # a room presses Run on the presenter's example together: identical answers are computed once, and
    # kept under the key Explain reads (`demo.answers.task_answer`); a stream is each visitor's own
    return Endpoint(task, task.api_name, task.params, answer, task.view, task.streaming,
                    description=task.api_description, returns=task.returns, kind=task.key,
                    concurrency=task.concurrency, shared=not task.streaming)


def view_endpoint(task: Task, view) -> Endpoint:
    def answer(engine, warn, *checked):
        # the page shows the button for the engine of its language; text in the other may go to one without it
        if not view.both_sides and view.requires not in engine.capabilities:
            raise InputError(Text("{view} is not offered by the model that answers this text.",
                                  view=Text(view.button_for(task))))
        return view.run(task, engine, warn, *checked)

    return Endpoint(task, view.endpoint(task), view.takes(task), answer,
                    lambda checked, outputs, done, card: view.present(task, checked, outputs, card),
                    both_sides=view.both_sides, description=view.description.format(task=task.title.lower()),
                    returns=view.returns, timed=view.timed, kind=view.kind,
                    concurrency=view.concurrency, shared=True)


def prepare(endpoint: Endpoint, values: tuple) -> Prepared:
    """Check the values (an `InputError` says what to change) and read their language: once. A view's
    own bound on an input (a search re-reads its text) is checked before the task's checks."""
    if endpoint.params is not endpoint.task.params:
        for param, value in zip(endpoint.params, values):
            param.check(value)
    return Prepared(endpoint.task.check(*values), routed(endpoint.params, values))


def present(endpoint: Endpoint, runtime, prepared: Prepared, outputs: tuple, done: bool, locale: str) -> str:
    """The endpoint's view of an answer, in `locale`."""
    card = runtime.card(endpoint.task.key, prepared.routing.language)
    token = UI_LANGUAGE.set(locale)
    try:
        return endpoint.present(prepared.checked, outputs, done, card)
    finally:
        UI_LANGUAGE.reset(token)


@functools.cache
def bundled_texts(task: Task) -> frozenset[tuple]:
    """The required texts of the task's bundled examples: what a presenter shows a room."""
    return frozenset(tuple(str(value) for param, value in zip(task.params, row) if param.required)
                     for row in load_examples(task.key))


def shared_for_s(task: Task, checked: tuple) -> float:
    """How long a request's answer serves other visitors: a bundled example longer (a room follows its
    presenter), a typed text only while identical presses arrive."""
    texts = tuple(str(value) for param, value in zip(task.params, checked) if param.required)
    return BUNDLED_SHARED_S if texts in bundled_texts(task) else TYPED_SHARED_S
