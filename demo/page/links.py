"""Share links: an address that holds a tab and its inputs, built in the browser and read on load.

Nothing is stored on the server: a link works on any replica and after a restart. Values are put
back into the inputs and the tab answers once, as a press on Run would (a generation waits for a
press: long work never starts unasked); a wrong value is refused by the task's check, like one
typed by hand.
"""

from __future__ import annotations

import json
from typing import Any

import gradio as gr

from demo.errors import excerpt
from demo.i18n import Text, localize, ui_text
from demo.page.run_stop import error_line
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


def read_link(query: dict[str, str]) -> tuple[str | None, dict[str, dict[str, Any]], list[Text]]:
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
            notes.append(Text("{name} was cut to its first {limit} characters (the link has {length}).",
                              name=param.name, limit=f"{MAX_LINK_CHARS:,}", length=f"{len(query[param.name]):,}"))
        if param.kind == TEXT:
            values[param.name] = raw
            continue
        try:
            number = float(raw)
            values[param.name] = int(number) if isinstance(param.default, int) else number
        except (ValueError, OverflowError):
            notes.append(Text("{name} '{value}' is not a number; its default is kept.", name=param.name,
                              value=excerpt(raw, 20)))
    return key, {key: values}, notes


def open_share_links(loaded, ui_language: gr.Textbox, tabs: gr.Tabs, built: list, quiet: dict) -> None:
    """Once the page knows its language (`loaded`), a share link's query parameters select its tab and
    fill its inputs; what could not be taken is said in that language on the tab's error line (a
    toast needs the queue, which page-load events skip)."""
    components = [component for b in built for component in b.inputs]

    def restore(locale: str, request: gr.Request):
        key, values, notes = read_link(dict(request.query_params))
        if key is None:
            return (gr.skip(), *(gr.skip() for _ in components), *(gr.skip() for _ in built))
        updates = []
        for b in built:
            given = values.get(b.task.key, {})
            updates += [gr.update(value=given[p.name]) if p.name in given else gr.skip()
                        for p, _ in zip(b.task.params, b.inputs, strict=True)]
        said = " ".join(localize(note, locale) for note in notes)
        errors = [error_line(said) if notes and b.task.key == key else gr.skip() for b in built]
        return (gr.Tabs(selected=key), *updates, *errors)

    filled = loaded.then(restore, inputs=ui_language, outputs=[tabs, *components, *(b.error for b in built)], **quiet)
    # the link's tab answers at once, as its sender saw it: a press on Run, made for the recipient; a
    # generation (long work) and every view wait for a press of their own
    # (a link without every text the task needs has nothing to answer: its notes stay in view)
    answered = json.dumps({b.task.key: [p.name for p in b.task.text_params] for b in built if not b.task.streaming})
    # (a tab's contents are drawn once it is shown: the press waits for its Run button, up to 10 s)
    filled.then(fn=None, js=f"""() => {{
        const query = new URLSearchParams(window.location.search), key = query.get('tab'), needs = {answered}[key];
        const answers = !!needs && needs.every((name) => (query.get(name) || '').trim());
        document.documentElement.dataset.shareLink = answers ? 'answers' : 'waits';  // what the link decided
        if (!answers) return;
        const press = (tries) => {{
            const run = document.getElementById(key + '-run');
            if (run && run.offsetParent) run.click(); else if (tries > 0) setTimeout(() => press(tries - 1), 100);
        }};
        press(100);
    }}""")
