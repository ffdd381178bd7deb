"""The one registry: every task, view and page language the app has, built-in or plugged in.

A plug-in is one module that declares `TASK` (a `Task`), `VIEW` (a `View`) or a page locale
(`LOCALE`, `NAME`, `TEXTS`), or several of them, and optionally `TRANSLATIONS` (its own texts in
other page languages); it is loaded with `--plugin MODULE` or the `DEMO_PLUGINS` environment
variable (comma-separated), before the page is built. Nothing else needs an edit: the page, the
API, share links, batch CSVs, readiness lines and the scorecard read these lists. The newest
built-in task and view are plug-ins too (`BUILT_IN_PLUGINS`).
"""

from __future__ import annotations

import importlib
import os

from demo import admission
from demo.i18n import add_plugin_texts
from demo.tasks.base import Task
from demo.views import View

TASKS: dict[str, Task] = {}
VIEWS: dict[str, View] = {}
PLUGINS: list[str] = []
BUILT_IN_PLUGINS = ("demo.tasks.classify", "demo.views.attention", "demo.views.steps", "demo.views.counterfactual",
                    "demo.views.lens", "demo.views.demonstrations")


def register_task(task: Task) -> None:
    TASKS[task.key] = task
    admission.declare(task.key, task.queue_share, task.per_client, task.request_names)


def register_view(view: View) -> None:
    VIEWS[view.id] = view


def load_plugin(name: str) -> None:
    """Import a plug-in module and register what it declares (once)."""
    if name in PLUGINS:
        return
    module = importlib.import_module(name)
    declared = [hasattr(module, "TASK"), hasattr(module, "VIEW"), hasattr(module, "LOCALE")]
    if not any(declared):
        raise ValueError(f"The plug-in {name} declares no TASK, VIEW or LOCALE.")
    if hasattr(module, "TASK"):
        register_task(module.TASK)
    if hasattr(module, "VIEW"):
        register_view(module.VIEW)
    add_plugin_texts(module)
    PLUGINS.append(name)


def load_plugins(names) -> None:
    for name in names:
        if name.strip():
            load_plugin(name.strip())


def get_task(key: str) -> Task:
    try:
        return TASKS[key]
    except KeyError:
        raise KeyError(f"Unknown task '{key}'; choose one of: {', '.join(TASKS)}") from None


def _built_ins() -> None:
    from demo.tasks.fill_mask import FillMaskTask
    from demo.tasks.generate import GenerateTask
    from demo.tasks.next_sentence import NextSentenceTask
    from demo.tasks.sentiment import SentimentTask
    from demo.views import attribution, compare, scored, two_ways

    for task in (SentimentTask(), FillMaskTask(), NextSentenceTask(), GenerateTask()):
        register_task(task)
    for module in (attribution, compare, two_ways, scored):
        register_view(module.VIEW)
    load_plugins(BUILT_IN_PLUGINS)


_built_ins()
load_plugins(os.environ.get("DEMO_PLUGINS", "").split(","))
