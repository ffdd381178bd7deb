"""Views: the second questions a tab answers about the same input, as plug-ins.

A view is one module that declares a `View`: its endpoint, its button, the capability it needs
from the engine ("attribute", "compare", "score", ...), its API outputs, how it answers and how
the page reads the answer. The page offers it on every task whose engines can have that
capability (its endpoint is always there, for the API), shows its button where the engine that
serves the page has it, and says why not elsewhere. `demo.registry` lists them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from demo.admission import VIEWS_KIND


def required_texts(task) -> tuple:
    """The task's required text inputs: what most views take."""
    return task.text_params


@dataclass(frozen=True)
class View:
    """One view plug-in.

    `run(task, engine, warn, *checked)` answers (with `Sides`, both engines, as `engine` when
    `both_sides`); `present(task, checked, outputs, card)` is the page's HTML; `build_outputs(task,
    answer_outputs)` makes its API outputs (it may reuse the answer's; new components show in a
    panel under the answer); `takes(task)` names the task parameters its endpoint takes."""

    id: str
    button: str
    requires: str
    api_name: str  # "{task}" becomes the task's key
    run: Callable[..., Any]
    present: Callable[..., str]
    build_outputs: Callable[..., list]
    takes: Callable[..., tuple] = required_texts
    both_sides: bool = False
    description: str = ""  # what the endpoint does ("{task}" becomes the task's title), for API docs and MCP
    returns: tuple[str, ...] = ()  # what each API output is, before the status line
    timed: bool = True  # False: its time is its own fixed budget, not worth a warm-up request to learn
    # Every view is long work on the inference thread: views share one kind, admitted by its own share
    # of the queue (`demo.admission`), so that they never take the short tasks' room; a view whose time
    # is bounded otherwise may declare a kind of its own
    kind: str = VIEWS_KIND
    concurrency: int = 2  # how many of its kind run at once
    # `applies(values)`: whether the view has something to show for the tab's typed values (its button is
    # hidden where it has not: two ways need two blanks); None: it always has
    applies: Callable[[tuple], bool] | None = None

    def endpoint(self, task) -> str:
        return self.api_name.format(task=task.key)

    def button_for(self, task) -> str:
        """The button's English text ("{classic}" names the task's classic side)."""
        return self.button.format(classic=task.classic_side)
