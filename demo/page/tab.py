"""One tab from a task's declarations: its inputs and settings from the typed `Param`s, its answer
and every view its engines offer, each with an API endpoint and a page event."""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from demo.engines import may_offer
from demo.i18n import in_the_page_language, localize, ui_text
from demo.page import links, locale_switch, status
from demo.page.endpoint import answer_endpoint, present, view_endpoint
from demo.page.endpoints import Responder, api_handler, page_handler
from demo.page.gradio_patches import name_example_columns, raw_values
from demo.page.run_stop import run_and_stop
from demo.registry import VIEWS
from demo.scope import RequestScope
from demo.tasks.base import BOOLEAN, INTEGER, TEXT, Param, Task, load_examples, routed

LATEX = [{"left": "$$", "right": "$$", "display": True}, {"left": "$", "right": "$", "display": False}]
QUIET = dict(api_visibility="private", queue=False, show_progress="hidden")  # UI-only events: no API, no queue


@dataclass(frozen=True)
class ExamplesTable:
    """A tab's examples as the page keeps them: the table, its inputs' English labels and its rows, said
    again in the page's language on a switch."""

    dataset: gr.Dataset
    labels: list[str]
    rows: list[list]


@dataclass
class BuiltTab:
    """What the page keeps of a tab: its readiness line, its inputs in parameter order (a share link
    fills them), the tab itself (its name follows the page's language), its error line and its examples."""

    task: Task
    readiness: gr.Markdown
    inputs: list
    tab: gr.Tab
    error: gr.HTML
    examples: ExamplesTable | None = None


def component(task: Task, param: Param):
    """The input a parameter declares: a text box, a slider or a number field."""
    elem_id = param.elem_id or f"{task.dom_id}-{param.name.replace('_', '-')}"
    label = ui_text(param.label or param.name)
    if param.kind == TEXT:
        return gr.Textbox(value=param.default, label=label, lines=1, max_lines=8, elem_id=elem_id,
                          placeholder=ui_text(param.placeholder) if param.placeholder else None)
    if param.kind == BOOLEAN:
        return gr.Checkbox(value=param.default, label=label, elem_id=elem_id)
    low, high = param.range
    if param.box:
        return raw_values(gr.Number(value=param.default, precision=0, minimum=low, maximum=high, label=label,
                                    elem_id=elem_id))
    return raw_values(gr.Slider(low, high, value=param.default, step=param.step, label=label, elem_id=elem_id,
                                precision=0 if param.kind == INTEGER else None))


def offered_views(task: Task) -> list:
    """The views whose capability some engine of this task can have: each gets an endpoint."""
    return [view for view in VIEWS.values() if may_offer(task, view.requires)]


def answers(view, card, values: tuple) -> bool:
    """Whether a view's button answers these typed values: the engine has the view, and the view has
    something to show for them."""
    return view.requires in card.capabilities and (view.applies is None or view.applies(values))


def offer_for_the_typed_values(task: Task, inputs: list, views: list, buttons: list, card, card_zh) -> None:
    """Each view button shown where it answers the typed values: where the engine of their language has
    that view (Gemma's Chinese sentiment has no four steps) and the view has something to show (two ways
    need two blanks). Re-read as the text changes, only on tabs where that can differ."""
    differs = [view for view in views if view.applies is not None
               or (view.requires in card.capabilities) != (view.requires in card_zh.capabilities)]
    if not differs:
        return
    params = [param for param in task.params if not param.setting]  # what `inputs` are, in order

    def offered(*values):
        answering = card_zh if routed(params, values).language == "zh" else card
        return [gr.update(visible=answers(view, answering, values)) for view in views]

    texts = [box for box, param in zip(inputs, params, strict=True) if param.required]
    gr.on([box.change for box in texts], offered, inputs=inputs, outputs=buttons, trigger_mode="always_last", **QUIET)


def build_tab(task: Task, runtime, ui_language: gr.Textbox) -> BuiltTab:
    card, card_zh = runtime.card(task.key), runtime.card(task.key, "zh")
    zero_shot = card.kind == "zero_shot"
    views = offered_views(task)
    with gr.Tab(ui_text(task.title), id=task.key, elem_id=f"tab-{task.key}") as tab:
        gr.Markdown(ui_text(task.embedded_summary if zero_shot else task.summary), elem_id=f"{task.key}-summary")
        with gr.Row(equal_height=False):
            with gr.Column(min_width=280):
                inputs = [component(task, p) for p in task.params if not p.setting]
                defaults = tuple(p.default for p in task.params if not p.setting)  # what the page opens with
                error = gr.HTML(visible=False, elem_id=f"{task.key}-error")
                # one primary action; the views, a compact row under it (on a phone a press brings the answer
                # into view: the page script finds it from this column's id)
                with gr.Column(elem_id=f"{task.key}-actions", elem_classes="task-actions"):
                    with gr.Row():
                        run = gr.Button(ui_text("Run"), variant="primary", elem_id=f"{task.key}-run")
                        stop = (gr.Button(ui_text("Stop"), variant="stop", elem_id=f"{task.key}-stop",
                                          interactive=False) if task.streaming else None)
                    buttons = []
                    with gr.Row(elem_classes="secondary-views"):
                        for view in views:
                            buttons.append(gr.Button(ui_text(view.button_for(task)), variant="secondary", size="sm",
                                                     elem_id=view.endpoint(task),
                                                     visible=answers(view, card, defaults)))
                settings = []
                if any(p.setting for p in task.params):
                    with gr.Accordion(ui_text("Settings"), open=False, elem_id=f"{task.key}-settings"):
                        settings = [component(task, p) for p in task.params if p.setting]
                all_inputs = [*inputs, *settings]
            with gr.Column(min_width=280):
                ready = gr.Markdown(localize(status.readiness(runtime, task), "en"), elem_id=f"{task.key}-readiness",
                                    elem_classes="model-status")
                view_html = gr.HTML(elem_id=f"{task.key}-view", min_height=60)
                outputs = task.build_outputs()  # the API's outputs; the view replaces those hidden here
                panels, explained = [], []
                for view in views:  # what a view adds shows in its own panel
                    with gr.Column(visible=False, elem_id=f"{view.endpoint(task)}-panel") as panel:
                        explained.append(view.build_outputs(task, outputs))
                    panels.append(panel)
                status_line = gr.Markdown(ui_text(status.idle(card, card_zh)), elem_id=f"{task.key}-status",
                                          elem_classes="model-status", label="status")
                shown_answer = gr.State(None)  # what a language switch says again
                api_triggers = [gr.Button(visible=False, elem_id=f"{task.key}-api")]
                api_triggers += [gr.Button(visible=False, elem_id=f"{view.endpoint(task)}-api") for view in views]
        # under both columns: on a phone, where the columns stack, the answer comes right after the buttons
        examples, table = load_examples(task.key), None
        if examples:
            width = len(examples[0])
            listed = gr.Examples(examples=examples, inputs=all_inputs[:width], label=ui_text("Examples"),
                                 cache_examples=False, elem_id=f"{task.key}-examples")
            labels = [c.label for c in all_inputs[:width]]
            table = ExamplesTable(name_example_columns(listed, [in_the_page_language(label) for label in labels]),
                                  labels, examples)
        link = links.build_share(task, all_inputs)
        with gr.Accordion(ui_text("How it works"), open=False, elem_id=f"{task.key}-how"):
            gr.Markdown(ui_text(task.embedded_how_it_works if zero_shot else task.how_it_works), latex_delimiters=LATEX)
    stoppable: dict[str, RequestScope] = {}  # session -> its running stream, while it runs
    endpoints = [(answer_endpoint(task), outputs, run, None)]
    endpoints += [(view_endpoint(task, view), explained[i], buttons[i], panels[i]) for i, view in enumerate(views)]
    events = []
    for (endpoint, action_outputs, button, own_panel), api_trigger in zip(endpoints, api_triggers, strict=True):
        responder = Responder(endpoint, runtime, stoppable)
        runtime.after_warm_up.append(responder.warm_up)
        shared = dict(inputs=all_inputs[: len(endpoint.params)], concurrency_limit=endpoint.concurrency,
                      concurrency_id=endpoint.kind)
        # The API: answers or raises, as its clients expect. The page: the same answer, read by the view.
        api_trigger.click(fn=api_handler(responder), outputs=[*action_outputs, status_line],
                          api_name=endpoint.api_name, **shared)
        shown = tuple(panel is own_panel for panel in panels)  # one answer's panel open, the others closed
        page = dict(fn=page_handler(responder, len(action_outputs), shown, locale_switch.SESSION_LANGUAGES.now,
                                    status.idle(card, card_zh)),
                    outputs=[*action_outputs, view_html, error, status_line, *panels, shown_answer],
                    api_visibility="private", show_progress_on=view_html,
                    **shared | dict(inputs=[*shared["inputs"], shown_answer, ui_language]))
        triggers = [button.click]
        if button is run:
            triggers += [box.submit for box in inputs if isinstance(box, gr.Textbox)]
        if stop is None or button is not run:
            events.append(gr.on(triggers=triggers, **page))
        else:
            events.append(run_and_stop(triggers, page, run, stop, stoppable, QUIET))
    offer_for_the_typed_values(task, inputs, views, buttons, card, card_zh)
    for event in events:
        event.then(lambda locale: localize(status.readiness(runtime, task), locale), inputs=ui_language,
                   outputs=ready, **QUIET)
    by_name = {endpoint.api_name: endpoint for endpoint, *_ in endpoints}
    idle_line = status.idle(card, card_zh)

    def again(kept, locale: str):
        if kept is None:
            return gr.skip(), localize(idle_line, locale)
        html = (present(by_name[kept.api_name], runtime, kept.prepared, kept.outputs, True, locale)
                if kept.prepared else gr.skip())
        return html, localize(kept.line, locale)

    locale_switch.say_answer_again(ui_language, shown_answer, view_html, status_line, again, QUIET)
    links.wire_share(task, all_inputs, link)
    return BuiltTab(task, ready, all_inputs, tab, error, table)
