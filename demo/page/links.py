"""Share links: an address that holds a tab and its inputs, built in the browser and read on load.

Nothing is stored on the server: a link works on any replica and after a restart. Values are only
put back into the inputs; a wrong one is refused by the task's check on Run, like one typed by hand.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

import gradio as gr

from demo.errors import excerpt
from demo.i18n import ui_text
from demo.registry import TASKS
from demo.tasks.base import TEXT, Task

MAX_LINK_CHARS = 4_000  # per value read from a share link: links are for sentences, not books


def build_share(task: Task, inputs: list) -> tuple[gr.Button, gr.Textbox]:
    with gr.Accordion(ui_text("Share a link"), open=False, elem_id=f"{task.key}-share"):
        make_link = gr.Button(ui_text("Make a link to this tab with these inputs"), size="sm",
                              elem_id=f"{task.key}-make-link")
        link = gr.Textbox(label=ui_text("Link (it holds the inputs and settings, the seed included)"),
                          interactive=False, buttons=["copy"], elem_id=f"{task.key}-link")
    return make_link, link


def wire_share(task: Task, inputs: list, built: tuple[gr.Button, gr.Textbox]) -> None:
    make_link, link = built
    make_link.click(fn=None, inputs=inputs, outputs=link, js=link_js(task), api_visibility="private")


def link_js(task: Task) -> str:
    """Browser-side: the page's address with this tab and its inputs as query parameters (copied to
    the clipboard where the browser allows it)."""
    names = json.dumps([p.name for p in task.params])
    return f"""(...values) => {{
        const url = new URL(window.location.href);
        url.search = '';
        url.searchParams.set('tab', {json.dumps(task.key)});
        {names}.forEach((name, i) => {{ if (values[i] !== null && values[i] !== undefined) url.searchParams.set(name, values[i]); }});
        if (navigator.clipboard) navigator.clipboard.writeText(url.toString()).catch(() => {{}});
        return url.toString();
    }}"""


def restore_from_link(query: dict[str, str]) -> tuple[str | None, dict[str, dict[str, Any]]]:
    """The tab and input values a share link names: (tab key or None, {task: {param: value}})."""
    key, values, _ = read_link(query)
    return key, values


def read_link(query: dict[str, str]) -> tuple[str | None, dict[str, dict[str, Any]], list[str]]:
    """The tab and input values a share link names, and a note for each value cut or skipped.
    Numbers are read as numbers; one that does not parse (or is infinite) is skipped, and the page
    says so."""
    key = query.get("tab")
    if key not in TASKS:
        return None, {}, []
    values: dict[str, Any] = {}
    notes: list[str] = []
    for param in TASKS[key].params:
        if param.name not in query:
            continue
        raw = query[param.name][:MAX_LINK_CHARS]
        if len(query[param.name]) > MAX_LINK_CHARS:
            notes.append(f"{param.name} was cut to its first {MAX_LINK_CHARS:,} characters (the link has "
                         f"{len(query[param.name]):,}).")
        if param.kind == TEXT:
            values[param.name] = raw
            continue
        try:
            number = float(raw)
            values[param.name] = int(number) if isinstance(param.default, int) else number
        except (ValueError, OverflowError):
            notes.append(f"{param.name} '{escape(excerpt(raw, 20))}' is not a number; its default is kept.")
    return key, {key: values}, notes


def open_share_links(app: gr.Blocks, tabs: gr.Tabs, tab_inputs: dict[str, list], quiet: dict) -> None:
    """On page load, a share link's query parameters select its tab and fill its inputs."""
    components = [component for inputs in tab_inputs.values() for component in inputs]

    def restore(request: gr.Request):
        key, values, notes = read_link(dict(request.query_params))
        if notes:
            gr.Warning(" ".join(notes), title="Share link", duration=10)
        if key is None:
            return (gr.skip(), *(gr.skip() for _ in components))
        updates = []
        for task, inputs in tab_inputs.items():
            given = values.get(task, {})
            updates += [gr.update(value=given[p.name]) if p.name in given else gr.skip()
                        for p, _ in zip(TASKS[task].params, inputs, strict=True)]
        return (gr.Tabs(selected=key), *updates)

    app.load(restore, outputs=[tabs, *components], **quiet)
