"""The page: one generic tab builder turns every task's contract into inputs, outputs and an API."""

from __future__ import annotations

import inspect
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import CancelledError
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import asyncio

import anyio
import gradio as gr
import torch

from demo.errors import InputError, UserFacingError, counted, excerpt
from demo.gradio_patches import ShowcaseBlocks, client_gone, use_fair_queue
from demo.i18n import (LOCALES, UI_LANGUAGE, ZH_UI, both_languages, english_labels, how_it_works, is_chinese, translate,
                       ui_pair, ui_text)
from demo.inference import RequestCancelled, RequestScope, run_in_scope
from demo.language import LANGUAGE_NAMES, Routing, route
from demo.runtime import Runtime
from demo.tasks import TASKS, get_task
from demo.tasks.base import Explanation, Param, Task
from demo.views import CSS as VIEW_CSS

log = logging.getLogger(__name__)

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"
STREAM_INTERVAL_S = 0.04  # at most 25 screen updates a second: each costs the server CPU the model needs
# Handlers only wait for the inference thread; sentiment admits more so that they can share batches.
CONCURRENCY = {"sentiment": 16, "fill_mask": 4, "next_sentence": 4, "generate": 1}
# Every explanation is long work on the inference thread: they share one kind, admitted by its own
# share of the queue (demo/admission.py), so that they never take the short tasks' room.
EXPLAIN_KIND, EXPLAIN_CONCURRENCY = "explain", 2
PAGE_JOBS_KIND, PAGE_JOBS_CONCURRENCY = "page-jobs", 2
LIVENESS_POLL_S = 0.25  # how often a running request looks whether its client is still there
LATEX = [{"left": "$$", "right": "$$", "display": True}, {"left": "$", "right": "$", "display": False}]
HEADER = """
# Zero-training NLP showcase
Pretrained language models, used **as they are**: no extra training, no fine-tuning on your data.
Pick a task, try an example or type your own text, in English or Chinese. Each tab says which model
answers, on which hardware, and how long it took; open **How it works** to see why a pretrained model
can do this.
"""
HEADER_ZH = """
# 零训练 NLP 演示 · Zero-training NLP showcase
预训练语言模型，**原样**使用：不做额外训练，也不在你的数据上微调。选一个任务，试试示例或输入你自己的中文或英文。
每个标签页都会说明由哪个模型回答、在什么硬件上、用了多久；打开**原理**看看为什么预训练模型能做到。
"""
CSS = """
/* Gradio keeps a top-level rule as written but scopes rules inside @media to the page's content,
   so the container itself is styled here, outside any media query. */
.gradio-container { max-width: 1100px !important; width: 100% !important; margin-left: auto !important; margin-right: auto !important; }
textarea:focus-visible, input:focus-visible, button:focus-visible {
  outline: 2px solid var(--color-accent) !important; outline-offset: 1px;
}
.model-status { font-size: 0.9em; opacity: 0.85; }
.model-status details summary { cursor: pointer; }
/* Gradio's own SourceSansPro-SemiBold.woff2 is a 5 KB subset: most bold letters fell back to another
   font and looked larger. Its complete bold file serves every weight from 600 up. */
@font-face { font-family: "Source Sans Pro"; font-weight: 600 900; font-style: normal;
             src: url("static/fonts/SourceSansPro/SourceSansPro-Bold.woff2") format("woff2"); }
@media (max-width: 640px) {
  /* touch targets of at least 44 px on phones */
  button, [role=tab], textarea, input[type=number] { min-height: 44px !important; }
  button { min-width: 44px !important; }
  .tab-like-container { height: auto !important; }  /* a slider's number box and reset button grow with them */
}
""" + VIEW_CSS
GPU_FULL = "The GPU ran out of memory for this request. Please try a shorter text or fewer new tokens."
UNEXPECTED = "The model could not process this input. The app is still running: please try another input."
CANCELLED = "The request was cancelled before its answer was ready."
READINESS_POLL_S = 1.0
MAX_LINK_CHARS = 4_000  # per value read from a share link: links are for sentences, not books
QUIET = dict(api_visibility="private", queue=False, show_progress="hidden")  # UI-only events: no API, no queue
_DONE = object()  # the end of a stream, handed across the thread boundary


def load_examples(task_key: str) -> list[list]:
    """Example rows for a task from `examples/<task>.json`; none when the file is absent."""
    path = EXAMPLES_DIR / f"{task_key}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def _routing(task: Task, values: tuple) -> Routing:
    """The language of a request, read from its text inputs (both sentences of a pair)."""
    return route(*(value for param, value in zip(task.params, values) if param.default is None
                   and isinstance(value, str)))


def _status(runtime: Runtime, task: Task, answered: str = "", routing: Routing | None = None) -> str:
    """The plain status line ("Answered by Gemma 3 270M on CPU in 0.52 s."), the details one click away."""
    if answered:
        details = runtime.describe(task.key, routing.language if routing else "en")
        if routing:
            details += f" · routed to the {LANGUAGE_NAMES[routing.language]} model: {routing.reason}"
        return f"{answered}\n\n<details><summary>Details</summary>\n\n{details}\n\n</details>"
    device = runtime.device_label(task.key)
    line = f"Answers come from **{runtime.model_name(task.key)}**{' on ' + device if device else ''}."
    details = runtime.describe(task.key)
    if runtime.model_name(task.key, "zh") != runtime.model_name(task.key):
        line = (f"English text is answered by **{runtime.model_name(task.key)}**, Chinese text by "
                f"**{runtime.model_name(task.key, 'zh')}**{' on ' + device if device else ''}.")
        details += f"  \nChinese: {runtime.describe(task.key, 'zh')}"
    return f"{line}\n\n<details><summary>Details</summary>\n\n{details}\n\n</details>"


def _answered(runtime: Runtime, task: Task, started: float, load_s: float, first: float | None = None,
              routing: Routing | None = None) -> str:
    """The status of a finished request, in seconds, saying when a one-time load was included and
    when the text was routed to the Chinese model."""
    language = routing.language if routing else "en"
    took = time.perf_counter() - started
    first_text = f"; first text after {first - started:.2f} s" if first is not None else ""
    load = f" (including {load_s:.1f} s of one-time model loading)" if load_s >= 0.05 else ""
    device = runtime.device_label(task.key, language)
    where = f" on {device}" if device else ""
    why = f" Chinese text: {routing.reason}." if language == "zh" else ""
    return f"Answered by **{runtime.model_name(task.key, language)}**{where} in {took:.2f} s{load}{first_text}.{why}"


def readiness(runtime: Runtime, task: Task) -> str:
    """Whether the tab's model is ready, loading (with its progress) or failed, in one line."""
    state = runtime.states[task.key]
    if state.phase == "ready":
        return "**Model ready.**"
    if state.phase == "loading":
        return f"**Loading the model** (once, {state.fraction:.0%}): {state.message}"
    if state.phase == "failed":
        return f"**The model could not be loaded:** {state.message}"
    if runtime.loading_in_background:
        return "**Waiting to load** (models load one at a time, in tab order)."
    return "The model loads on this tab's first request."


def _engine(runtime: Runtime, task: Task, progress: gr.Progress, both_sides: bool = False,
            language: str = "en") -> tuple[Any, float]:
    """The task's engine for a language (or both sides' engines) and the seconds this request waited
    for a load."""
    if runtime.is_ready(task.key, language=language) and (
            not both_sides or runtime.is_ready(task.key, zero_shot=True, language=language)):
        return (runtime.sides(task.key, language=language) if both_sides
                else runtime.engine(task.key, language=language)), 0.0
    started = time.perf_counter()
    progress(0.0, desc=f"Loading the {task.title.lower()} model (once)…")
    report = lambda fraction, message: progress(fraction, desc=message)  # noqa: E731
    engine = (runtime.sides(task.key, report, language) if both_sides
              else runtime.engine(task.key, report, language))
    return engine, time.perf_counter() - started


def _as_user_error(exc: Exception, task: Task) -> gr.Error:
    if isinstance(exc, UserFacingError):
        log.info("%s: %s", task.key, str(exc).splitlines()[0][:300])  # one line, no traceback
        return gr.Error(str(exc), print_exception=False)
    if isinstance(exc, torch.cuda.OutOfMemoryError):
        torch.cuda.empty_cache()  # free what the failed request held; the process keeps serving
        log.warning("%s ran out of GPU memory", task.key)
        return gr.Error(GPU_FULL, print_exception=False)
    log.exception("%s failed", task.key)
    return gr.Error(UNEXPECTED, print_exception=False)


def _checked(task: Task, values: tuple) -> None:
    """Refuse bad input before any model is loaded or any work is queued."""
    try:
        task.check(*values)
    except UserFacingError as exc:
        raise _as_user_error(exc, task) from None


@dataclass(frozen=True)
class Action:
    """One endpoint of a tab: the task's answer, or its explanation."""

    api_name: str
    params: tuple[Param, ...]
    run: Callable  # (engine, warn, *values) -> outputs, or an iterator of them when streaming
    view: Callable  # (checked values, outputs, done, embedded) -> the page's HTML
    streaming: bool = False
    both_sides: bool = False  # `run` gets the classic and the zero-shot engines (`Sides`)


def answer_action(task: Task) -> Action:
    return Action(task.api_name, task.params, task.run, task.view, task.streaming)


def explanation_action(task: Task, explanation: Explanation) -> Action:
    view = getattr(task, explanation.view)
    return Action(explanation.api_name, explanation.params, getattr(task, explanation.answer),
                  lambda values, outputs, done, embedded: view(values, outputs, embedded),
                  both_sides=explanation.both_sides)


async def _while_wanted(request: gr.Request | None, scope: RequestScope, fn: Callable, *args: Any) -> Any:
    """`fn(*args)` in a worker thread inside `scope`; once the client is gone (a closed tab or
    stream), the scope is cancelled: queued model work is dropped, running work stops at its next
    checkpoint. Gradio itself only stops a generator, at its next yield."""
    work = asyncio.ensure_future(anyio.to_thread.run_sync(run_in_scope, scope, fn, *args, abandon_on_cancel=True))
    try:
        while not (await asyncio.wait({work}, timeout=LIVENESS_POLL_S))[0]:
            if client_gone(request):
                scope.cancel()
        return work.result()
    finally:
        work.cancel()


async def _stream_in_scope(pieces_of: Callable, request: gr.Request | None, stoppable: dict[str, RequestScope]):
    """Yield what the generator `pieces_of(scope)` yields, each step run in a worker thread inside a
    new `RequestScope`, listed in `stoppable` under the request's session while it runs (so that
    Stop can reach it). On the end or a cancel the scope is cancelled: queued model work is dropped."""
    scope = RequestScope()
    session = getattr(request, "session_hash", None)
    if session:
        stoppable[session] = scope
    pieces = pieces_of(scope)
    try:
        while (item := await _while_wanted(request, scope, next, pieces, _DONE)) is not _DONE:
            yield item
    finally:
        scope.cancel()  # after the end this is a no-op; on cancel it drops the work
        if session and stoppable.get(session) is scope:
            del stoppable[session]


def _run_and_stop(triggers: list, page: dict, run: gr.Button, stop: gr.Button,
                  stoppable: dict[str, RequestScope]):
    """Wire a stoppable page event: Run is off and Stop on while it runs; Stop ends the session's
    running work at its next step (an answer that keeps what was made, not an error). Returns the event."""
    busy = gr.on(triggers=triggers, fn=lambda: (gr.Button(interactive=False), gr.Button(interactive=True)),
                 outputs=[run, stop], **QUIET)
    event = busy.then(**page)
    idle = lambda: (gr.Button(interactive=True), gr.Button(interactive=False))  # noqa: E731
    event.then(idle, outputs=[run, stop], **QUIET)
    event.failure(idle, outputs=[run, stop], **QUIET)  # `then` alone is skipped after an error here

    def request_stop(request: gr.Request):
        scope = stoppable.get(request.session_hash)
        if scope is not None:
            scope.stop_requested.set()

    stop.click(fn=request_stop, **QUIET)
    return event


def make_handler(task: Task, runtime: Runtime, stoppable: dict[str, RequestScope] | None = None,
                 action: Action | None = None):
    """The event function of an endpoint: validates, runs, reports latency, turns failures into messages.

    The work runs in a thread inside a `RequestScope`; when Gradio cancels the event (Stop, closed
    tab, cancelled API call) the scope is cancelled, so queued model work is dropped and running
    work stops at its next checkpoint. A streaming request is also listed in `stoppable` under its
    session, so that the Stop button can end it early as a normal answer, keeping the text so far.
    """
    stoppable = {} if stoppable is None else stoppable
    action = action or answer_action(task)

    if action.streaming:

        def stream(values, progress, scope):
            started = time.perf_counter()
            first = sent = None
            outputs: tuple = ()
            routing = _routing(task, values)
            try:
                engine, load_s = _engine(runtime, task, progress, language=routing.language)
                for outputs in action.run(engine, gr.Warning, *values):
                    now = time.perf_counter()
                    if first is None:
                        first = sent = now
                        yield (*outputs, _status(runtime, task, "Generating…", routing))
                    elif now - sent >= STREAM_INTERVAL_S:
                        sent = now
                        yield (*outputs, gr.skip())
            except (CancelledError, RequestCancelled):  # the request went away: nobody to answer
                return
            except Exception as exc:
                raise _as_user_error(exc, task) from None
            if scope.stop_requested.is_set():
                size = task.stream_size(outputs)
                note = (f"**Stopped** after {size + ' and ' if size else ''}{time.perf_counter() - started:.2f} s;"
                        " the text so far is kept.")
            else:
                note = _answered(runtime, task, started, load_s, first, routing)
            yield (*outputs, _status(runtime, task, note, routing))

        async def handler(*args):
            *values, progress, request = args  # Gradio appends its special arguments to the task's values
            _checked(task, values)
            async for item in _stream_in_scope(lambda scope: stream(values, progress, scope), request, stoppable):
                yield item

    else:

        def answer(values, progress):
            started = time.perf_counter()
            routing = _routing(task, values)
            try:
                engine, load_s = _engine(runtime, task, progress, action.both_sides, routing.language)
                outputs = action.run(engine, gr.Warning, *values)
            except (CancelledError, RequestCancelled):  # the request went away: nobody reads this
                raise gr.Error(CANCELLED, print_exception=False) from None
            except Exception as exc:
                raise _as_user_error(exc, task) from None
            note = getattr(outputs, "note", "")
            answered = _answered(runtime, task, started, load_s, routing=routing) + (f"  \n{note}" if note else "")
            return (*outputs, _status(runtime, task, answered, routing))

        async def handler(*args):
            *values, progress, request = args  # Gradio appends its special arguments to the task's values
            _checked(task, values)
            scope = RequestScope()
            try:
                return await _while_wanted(request, scope, answer, values, progress)
            finally:
                scope.cancel()

    parameters = [
        inspect.Parameter(p.name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                          default=inspect.Parameter.empty if p.default is None else p.default)
        for p in action.params
    ]
    # Gradio fills in special arguments only where they are positional (helpers.special_args)
    positional = inspect.Parameter.POSITIONAL_OR_KEYWORD
    parameters.append(inspect.Parameter("progress", positional, default=gr.Progress()))
    parameters.append(inspect.Parameter("request", positional, default=None, annotation=gr.Request))
    handler.__annotations__ = {"request": gr.Request}
    handler.__signature__ = inspect.Signature(parameters)
    handler.__name__ = action.api_name
    return handler


def make_page_handler(task: Task, runtime: Runtime, api_handler, output_count: int, action: Action,
                      panels_shown: tuple[bool, ...] = ()):
    """The page's event function: the API handler's answer plus the task's view, and a refusal or
    failure shown inline under the inputs (with a short toast) while the previous answer stays.

    Never raises: a raised error would put an "Error" badge over the outputs and leave it there.
    `panels_shown` opens (True) or closes (False) each explanation's panel once this answer is shown.
    """
    def embedded_for(values) -> bool:  # the view's wording follows the model that answered
        return runtime.plans[_routing(task, values).language][task.key].embedded

    clear = gr.update(value="", visible=False)
    why = tuple(gr.update(visible=shown) for shown in panels_shown)
    keep_why = tuple(gr.skip() for _ in panels_shown)

    def refused(message: str, locale: str) -> tuple:
        message = translate(message, locale)
        gr.Warning(escape(message), title=translate("Not answered", locale), duration=6)  # text, never HTML
        return (*(gr.skip() for _ in range(output_count)), gr.skip(), _error_line(message), gr.skip(), *keep_why)

    def reader(locale: str, values: tuple) -> Callable[[tuple, bool], str]:
        """The view of this request's answers: its input checked and its language routed once, its
        words in the page's language."""
        ready_values, embedded = task.check(*values), embedded_for(values)

        def view(outputs: tuple, done: bool) -> str:
            token = UI_LANGUAGE.set(locale)
            try:
                return action.view(ready_values, outputs, done, embedded)
            finally:
                UI_LANGUAGE.reset(token)

        return view

    if action.streaming:

        async def handler(*args):
            *values, locale, progress, request = args
            try:
                view = reader(locale, values)
            except UserFacingError as exc:
                yield refused(str(exc), locale)
                return
            outputs = None
            try:
                async for *outputs, status in api_handler(*values, progress, request):
                    yield (*outputs, view(tuple(outputs), False), clear, translate(status, locale), *why)
            except gr.Error as exc:
                yield refused(exc.message, locale)
                return
            if outputs is not None:
                yield (*(gr.skip() for _ in outputs), view(tuple(outputs), True), gr.skip(), gr.skip(), *keep_why)

    else:

        async def handler(*args):
            *values, locale, progress, request = args
            try:
                view = reader(locale, values)
                answer = await api_handler(*values, progress, request)
            except UserFacingError as exc:
                return refused(str(exc), locale)
            except gr.Error as exc:
                return refused(exc.message, locale)
            *outputs, status = answer
            return (*outputs, view(tuple(outputs), True), clear, translate(status, locale), *why)

    parameters = list(api_handler.__signature__.parameters.values())
    at = next(i for i, p in enumerate(parameters) if p.name == "progress")
    locale = inspect.Parameter("ui_language", inspect.Parameter.POSITIONAL_OR_KEYWORD, default="en")
    handler.__signature__ = inspect.Signature([*parameters[:at], locale, *parameters[at:]])
    handler.__annotations__ = dict(getattr(api_handler, "__annotations__", {}))
    handler.__name__ = f"{action.api_name}_page"
    return handler


def _error_line(message: str):
    """The update that shows a refusal under the inputs, in red, announced to screen readers."""
    return gr.update(value=f'<p class="input-error" role="alert">{escape(message)}</p>', visible=True)


def _build_tab(task: Task, runtime: Runtime, ui_language: gr.Textbox) -> tuple[gr.Markdown, list, gr.Tab]:
    """One tab from the task's contract; returns its readiness line, which the page keeps current,
    its inputs in parameter order, which a share link fills, and the tab, whose name follows the
    page's language."""
    embedded = runtime.plan[task.key].embedded
    with gr.Tab(ui_text(task.title), id=task.key, elem_id=f"tab-{task.key}") as tab:
        gr.Markdown(ui_text(task.embedded_summary if embedded else task.summary), elem_id=f"{task.key}-summary")
        with gr.Row(equal_height=False):
            with gr.Column(min_width=280):
                inputs = task.build_inputs()
                error = gr.HTML(visible=False, elem_id=f"{task.key}-error")
                with gr.Row():
                    run = gr.Button(ui_text("Run"), variant="primary", elem_id=f"{task.key}-run")
                    stop = (gr.Button(ui_text("Stop"), variant="stop", elem_id=f"{task.key}-stop", interactive=False)
                            if task.streaming else None)
                buttons = [gr.Button(ui_text(explanation.button), variant="secondary", elem_id=explanation.api_name)
                           for explanation in task.explanations]
                settings = []
                if task.has_settings:
                    with gr.Accordion(ui_text("Settings"), open=False, elem_id=f"{task.key}-settings"):
                        settings = task.build_settings()
                examples = load_examples(task.key)
                if examples:  # right under the input, also on a phone where the columns stack
                    width = len(examples[0])
                    shown = gr.Examples(examples=examples, inputs=[*inputs, *settings][:width],
                                        label=ui_text("Examples"), cache_examples=False)
                    shown.dataset.headers = [both_languages(c.label) for c in [*inputs, *settings][:width]]
                with gr.Accordion(ui_text("Share a link"), open=False, elem_id=f"{task.key}-share"):
                    make_link = gr.Button(ui_text("Make a link to this tab with these inputs"), size="sm",
                                          elem_id=f"{task.key}-make-link")
                    link = gr.Textbox(label=ui_text("Link (it holds the inputs and settings, the seed included)"),
                                      interactive=False, buttons=["copy"], elem_id=f"{task.key}-link")
            with gr.Column(min_width=280):
                ready = gr.Markdown(readiness(runtime, task), elem_id=f"{task.key}-readiness",
                                    elem_classes="model-status")
                view = gr.HTML(elem_id=f"{task.key}-view", min_height=60)
                outputs = task.build_outputs()  # the API's outputs; the view replaces those hidden here
                panels, explained = [], []
                for explanation in task.explanations:  # what an explanation adds shows in its own panel
                    with gr.Column(visible=False, elem_id=f"{explanation.api_name}-panel") as panel:
                        explained.append(getattr(task, explanation.outputs)(outputs))
                    panels.append(panel)
                idle = _status(runtime, task)
                status = gr.Markdown(ui_pair(idle, translate(idle, "zh-CN")), elem_id=f"{task.key}-status",
                                     elem_classes="model-status")
                api_triggers = [gr.Button(visible=False, elem_id=f"{task.key}-api")]
                api_triggers += [gr.Button(visible=False, elem_id=f"{e.api_name}-api") for e in task.explanations]
        with gr.Accordion(ui_text("How it works"), open=False, elem_id=f"{task.key}-how"):
            gr.Markdown(how_it_works(task.key, task.embedded_how_it_works if embedded else task.how_it_works,
                                     embedded), latex_delimiters=LATEX)
    stoppable: dict[str, RequestScope] = {}  # session -> its running stream, while it runs
    all_inputs = [*inputs, *settings]
    endpoints = [(answer_action(task), outputs, run, None)]
    endpoints += [(explanation_action(task, explanation), explained[i], buttons[i], panels[i])
                  for i, explanation in enumerate(task.explanations)]
    events = []
    for (action, action_outputs, button, own_panel), api_trigger in zip(endpoints, api_triggers, strict=True):
        api_handler = make_handler(task, runtime, stoppable, action)
        kind, limit = (task.key, CONCURRENCY[task.key]) if button is run else (EXPLAIN_KIND, EXPLAIN_CONCURRENCY)
        shared = dict(inputs=all_inputs[: len(action.params)], concurrency_limit=limit, concurrency_id=kind)
        # The API: answers or raises, as its clients expect. The page: the same answer, read by the view.
        api_trigger.click(fn=api_handler, outputs=[*action_outputs, status], api_name=action.api_name, **shared)
        shown = tuple(panel is own_panel for panel in panels)  # one answer's panel open, the others closed
        page = dict(fn=make_page_handler(task, runtime, api_handler, len(action_outputs), action, shown),
                    outputs=[*action_outputs, view, error, status, *panels], api_visibility="private",
                    show_progress_on=view, **shared | dict(inputs=[*shared["inputs"], ui_language]))
        triggers = [button.click]
        if button is run:
            triggers += [box.submit for box in inputs if isinstance(box, gr.Textbox)]
        if stop is None or button is not run:
            events.append(gr.on(triggers=triggers, **page))
        else:
            events.append(_run_and_stop(triggers, page, run, stop, stoppable))
    for event in events:
        event.then(lambda locale: translate(readiness(runtime, task), locale), inputs=ui_language, outputs=ready,
                   **QUIET)
    make_link.click(fn=None, inputs=all_inputs, outputs=link, js=_link_js(task), api_visibility="private")
    return ready, all_inputs, tab


def _link_js(task: Task) -> str:
    """Browser-side: the page's address with this tab and its inputs as query parameters (copied to
    the clipboard where the browser allows it). Nothing is stored on the server: the link works on
    any replica and after a restart."""
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

    Values are only put back into the inputs; a wrong one is refused by the task's check on Run,
    like one typed by hand. Numbers are read as numbers; one that does not parse (or is infinite)
    is skipped, and the page says so."""
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
        if param.default is None or isinstance(param.default, str):
            values[param.name] = raw
            continue
        try:
            values[param.name] = type(param.default)(float(raw)) if isinstance(param.default, int) else float(raw)
        except (ValueError, OverflowError):
            notes.append(f"{param.name} '{escape(excerpt(raw, 20))}' is not a number; its default is kept.")
    return key, {key: values}, notes


SCORECARD_TASKS = {"Sentiment": "sentiment", "Next sentence": "next_sentence"}
SCORECARD_SOURCES = ("Built-in set", "Built-in Chinese set", "My CSV")
SCORECARD_FOLDER = Path(tempfile.gettempdir()) / "showcase-scorecards"
SCORECARD_UPDATE_S = 0.5  # the plot and tables refresh at most twice a second
SCORECARD_SUMMARY = (
    "Run a labelled set through the task's classic checkpoint and its zero-shot LLM: accuracy as it goes, how often "
    "they agree, each side's confusion, latency and mistakes. Use a built-in set (written for this app: 100 reviews "
    "and 200 sentence pairs in English, 40 reviews and 100 pairs in Chinese) or your own CSV (Chinese text goes to the "
    "Chinese models): `text,label` (POSITIVE/NEGATIVE or 1/0) or `sentence_a,sentence_b,label` "
    "(IsNext/NotNext or 1/0), up to 2,000 rows and 2 MB. Your file is read once and deleted.")


def _scorecard_outputs(tally, total: int, key: str, stopped: bool = False, final: bool = False):
    """(view, plot, per-side table, confusion, wrong items) for a tally; the view says how far it is."""
    import pandas as pd

    from demo.scorecard import agreement, confusion_rows, summary_rows, wrong_rows

    done = tally.done
    labels = scorecard_labels(key)
    share = agreement(tally)
    state = ("Stopped" if stopped else "Done") if final else "Scoring"
    agree = f"; the two sides agree on {share:.0%} of them" if share is not None else ""
    view = (f'<div class="answer"><p class="perplexity"><b>{state}</b>: {done:,} of {total:,} items{agree}.</p>'
            f'<div class="bar"><span class="bar-name">progress</span><span class="bar-track"><span class="bar-fill" '
            f'style="width:{100 * done / max(1, total):.1f}%"></span></span><span class="bar-value">'
            f'{done / max(1, total):.0%}</span></div><p class="meaning">Accuracy is measured against the set\'s '
            f'labels; a set this size gives a rough figure (±5 points or so).</p></div>')
    plot = pd.DataFrame(tally.curve, columns=["item", "accuracy", "side"])
    confusion = pd.DataFrame(confusion_rows(tally, labels),
                             columns=["side", "true label", *(f"answered {label}" for label in labels)])
    return (view, plot, summary_rows(tally), confusion, wrong_rows(tally))


def scorecard_labels(key: str) -> list[str]:
    from demo.scorecard import LABELS

    return sorted(set(LABELS[key].values()))


def _build_scorecard(runtime: Runtime) -> None:
    """The scorecard: a labelled set through both sides of a task, with a live plot; and the batch."""
    from demo.scorecard import built_in, read_csv, score, scored_csv

    # a section under the tabs, not a fifth tab: on a phone a fifth tab sends tasks into a hidden menu
    with gr.Accordion(ui_text("Scorecard: a labelled set through the classic checkpoint and the zero-shot LLM, and batch CSV"),
                      open=False, elem_id="scorecard"):
        gr.Markdown(SCORECARD_SUMMARY, elem_id="scorecard-summary-text")
        with gr.Row(equal_height=False):
            with gr.Column(min_width=280):
                task = gr.Radio(list(SCORECARD_TASKS), value="Sentiment", label=ui_text("Task"), elem_id="scorecard-task")
                source = gr.Radio(list(SCORECARD_SOURCES), value=SCORECARD_SOURCES[0], label=ui_text("Labelled set"),
                                  elem_id="scorecard-source")
                upload = gr.File(label=ui_text("Your CSV (used with \"My CSV\")"), file_types=[".csv"], type="filepath",
                                 elem_id="scorecard-file")
                error = gr.HTML(visible=False, elem_id="scorecard-error")
                with gr.Row():
                    run = gr.Button(ui_text("Run"), variant="primary", elem_id="scorecard-run")
                    stop = gr.Button(ui_text("Stop"), variant="stop", interactive=False, elem_id="scorecard-stop")
            with gr.Column(min_width=280):
                view = gr.HTML(elem_id="scorecard-view", min_height=60)
                plot = gr.LinePlot(x="item", y="accuracy", color="side", y_lim=[0, 100], label=ui_text("Accuracy so far (%)"),
                                   elem_id="scorecard-plot")
                table = gr.Dataframe(headers=["side", "items", "accuracy %", "median latency ms", "items/s"],
                                     label=ui_text("Per side"), interactive=False, elem_id="scorecard-table")
                confusion = gr.Dataframe(label=ui_text("Confusion: one row per side and true label, one column per answer"),
                                         interactive=False, elem_id="scorecard-confusion")
                wrong = gr.Dataframe(headers=["side", "row", "input", "true label", "answer", "confidence"],
                                     label=ui_text("Items each side got wrong"), interactive=False, elem_id="scorecard-wrong")
                download = gr.File(label=ui_text("Scored CSV"), elem_id="scorecard-download")
                status = gr.Markdown(elem_id="scorecard-status", elem_classes="model-status")
        _build_batch(runtime)
    outputs = [view, plot, table, confusion, wrong, download, upload, error, status]

    def items_of(key: str, chosen: str, path: str | None):
        if chosen == SCORECARD_SOURCES[0]:
            return built_in(key)
        return built_in(key, "zh") if chosen == SCORECARD_SOURCES[1] else read_csv(_uploaded(path), key)

    def work(title: str, chosen: str, path: str | None, scope: RequestScope):
        key = SCORECARD_TASKS.get(title)
        if key is None or chosen not in SCORECARD_SOURCES:
            raise InputError(f"Choose a task ({', '.join(SCORECARD_TASKS)}) and a set.")
        items = items_of(key, chosen, path)
        language = route(*(text for item in items for text in item.inputs)).language  # one set, one language
        started = time.perf_counter()
        ready = runtime.is_ready(key, language=language) and runtime.is_ready(key, zero_shot=True, language=language)
        loading = "" if ready else " (loading the models once)"
        # the upload is read and deleted: the file box empties, ready for the next file
        yield (*(gr.skip() for _ in outputs[:6]), None if path else gr.skip(), gr.update(visible=False),
               f"Read {counted(len(items), 'item')}{loading}…")
        sides = runtime.sides(key, language=language)
        spec = get_task(key)
        answer = lambda engine, *inputs: spec.run(engine, lambda message: None, *inputs)[0]  # noqa: E731
        stopping = lambda: scope.stop_requested.is_set() or scope.cancelled.is_set()  # noqa: E731
        shown, tally = 0.0, None
        for tally in score(sides, key, items, answer, stopping):
            if time.perf_counter() - shown >= SCORECARD_UPDATE_S:
                shown = time.perf_counter()
                yield (*_scorecard_outputs(tally, len(items), key), gr.skip(), gr.skip(), gr.update(visible=False),
                       f"Scoring {counted(len(items), 'item')} with {', '.join(tally.sides)}…")
        if tally is None:
            return
        stopped = tally.done < len(items)
        took = time.perf_counter() - started
        yield (*_scorecard_outputs(tally, len(items), key, stopped, final=True),
               str(scored_csv(tally, key, SCORECARD_FOLDER)), gr.skip(), gr.update(visible=False),
               f"{'Stopped' if stopped else 'Scored'} {counted(tally.done, 'item')} in {took:.1f} s "
               f"({tally.done / max(took, 1e-9):.2f} items/s).")

    _page_work(work, [task, source, upload], outputs, run, stop, "scorecard")


def _page_work(work, inputs: list, outputs: list, run: gr.Button, stop: gr.Button, name: str) -> None:
    """Wire a page-only job: Run starts `work(*values, scope)` (a generator run in a thread, inside a
    request scope), Stop asks it to end, a refusal shows under the inputs (`outputs[-2]` is the
    error line, `outputs[-1]` the status), and Run / Stop reflect whether it runs."""
    running: dict[str, RequestScope] = {}
    refused_at = len(outputs) - 2

    def refusal(message: str) -> tuple:
        return (*(gr.skip() for _ in range(refused_at)), _error_line(message), gr.skip())

    async def handler(*args):
        *values, request = args
        try:
            async for item in _stream_in_scope(lambda scope: work(*values, scope), request, running):
                yield item
        except UserFacingError as exc:
            gr.Warning(escape(str(exc)), title="Not run", duration=6)  # text, never HTML
            yield refusal(str(exc))
        except (CancelledError, RequestCancelled):
            return
        except Exception:
            log.exception("%s failed", name)
            yield refusal(UNEXPECTED)

    parameters = [inspect.Parameter(f"value_{i}", inspect.Parameter.POSITIONAL_OR_KEYWORD) for i in range(len(inputs))]
    parameters.append(inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=gr.Request))
    handler.__signature__ = inspect.Signature(parameters)
    handler.__annotations__ = {"request": gr.Request}
    page = dict(fn=handler, inputs=inputs, outputs=outputs, api_visibility="private",
                concurrency_limit=PAGE_JOBS_CONCURRENCY, concurrency_id=PAGE_JOBS_KIND, show_progress="hidden")
    _run_and_stop([run.click], page, run, stop, running)


def _uploaded(path: str | None) -> bytes:
    """The bytes of an uploaded CSV, its size checked before it is read; the file is deleted once read."""
    from demo.scorecard import MAX_CSV_BYTES

    if not path:
        raise InputError("Choose a CSV file first.")
    if not os.path.exists(path):
        raise InputError("That upload was read by an earlier run and deleted (uploads are never kept). "
                         "Please choose the file again.")
    try:
        size = os.path.getsize(path)
        if size > MAX_CSV_BYTES:
            raise InputError(f"The file is {size:,} bytes; the limit is {MAX_CSV_BYTES:,} (2 MB).")
        return Path(path).read_bytes()
    finally:
        Path(path).unlink(missing_ok=True)


def _build_batch(runtime: Runtime) -> None:
    """Batch: a CSV of any task's inputs in, its answers out, row by row, downloadable."""
    from demo.scorecard import read_batch_csv, records_csv, run_batch

    titles = {task.title: key for key, task in TASKS.items()}
    with gr.Accordion(ui_text("Batch: a CSV of inputs in, the answers out (every task)"), open=False, elem_id="batch"):
        gr.Markdown("One row per request. The header names the task's inputs (`text`; `text` for fill mask, "
                    "optionally `top_k`; `sentence_a,sentence_b`; `prompt`, optionally `max_new_tokens`, "
                    "`temperature`, `top_p`, `top_k`, `repetition_penalty`, `seed`). Up to 2,000 rows and 2 MB; "
                    "a row the model cannot take gets its reason in an `error` column.")
        with gr.Row(equal_height=False):
            with gr.Column(min_width=280):
                task = gr.Dropdown(list(titles), value=next(iter(titles)), label=ui_text("Task"), elem_id="batch-task")
                upload = gr.File(label=ui_text("Your CSV"), file_types=[".csv"], type="filepath", elem_id="batch-file")
                error = gr.HTML(visible=False, elem_id="batch-error")
                with gr.Row():
                    run = gr.Button(ui_text("Run"), variant="primary", elem_id="batch-run")
                    stop = gr.Button(ui_text("Stop"), variant="stop", interactive=False, elem_id="batch-stop")
            with gr.Column(min_width=280):
                table = gr.Dataframe(label=ui_text("Answers (first 50 rows)"), interactive=False, elem_id="batch-table")
                download = gr.File(label=ui_text("All answers, as CSV"), elem_id="batch-download")
                status = gr.Markdown(elem_id="batch-status", elem_classes="model-status")

    def work(title: str, path: str | None, scope: RequestScope):
        import pandas as pd

        key = titles.get(title)
        if key is None:
            raise InputError(f"Choose a task: {', '.join(titles)}.")
        rows = read_batch_csv(_uploaded(path), key)
        yield gr.skip(), gr.skip(), None, gr.update(visible=False), f"Read {counted(len(rows), 'row')}; answering…"
        engine_for = lambda language: runtime.engine(key, language=language)  # noqa: E731
        started, shown, records = time.perf_counter(), 0.0, []
        stopping = lambda: scope.stop_requested.is_set() or scope.cancelled.is_set()  # noqa: E731
        for records in run_batch(key, rows, engine_for, stopping):
            if time.perf_counter() - shown >= SCORECARD_UPDATE_S:
                shown = time.perf_counter()
                yield (pd.DataFrame(records[:50]), gr.skip(), gr.skip(), gr.skip(),
                       f"Answered {len(records):,} of {counted(len(rows), 'row')}…")
        took = time.perf_counter() - started
        failed = sum("error" in record for record in records)
        word = "Stopped after" if len(records) < len(rows) else "Answered"
        yield (pd.DataFrame(records[:50]), str(records_csv(records, f"batch-{key}", SCORECARD_FOLDER)) if records
               else None, gr.skip(), gr.skip(),
               f"{word} {len(records):,} of {counted(len(rows), 'row')} in {took:.1f} s"
               f"{f'; {failed:,} refused (see the error column)' if failed else ''}.")

    _page_work(work, [task, upload], [table, download, upload, error, status], run, stop, "batch")


def profile_summary(runtime: Runtime, chinese: bool = False) -> str:
    """One line under the header: which profile serves the page, and why (in English or Chinese)."""
    embedded = [task for task, assignment in runtime.plan.items() if assignment.embedded]
    if not embedded:
        return "经典预训练模型在服务本页（中文文本交给中文模型）。" if chinese else \
            "Serving the classic pretrained checkpoints (Chinese text goes to Chinese ones)."
    reasons = sorted({runtime.plan[task].reason.removeprefix("embedded: ") for task in embedded} -
                     {"embedded profile chosen"})
    why = f" ({'; '.join(reasons)})" if reasons else ""
    if len(embedded) == len(runtime.plan):
        if chinese:
            return (f"**嵌入式配置**{why}：每个标签页都由用 pip 安装的 Gemma 3 270M 回答，中文和英文都可以。"
                    "不需要网络，不做训练，零样本。")
        return (f"**Embedded profile**{why}: every tab runs on Gemma 3 270M, installed with pip, in English "
                "and Chinese. No network needed, no training, zero-shot.")
    if chinese:
        return f"**嵌入式模型**服务{'、'.join(ZH_UI[TASKS[task].title] for task in embedded)}{why}；其他标签页用经典模型。"
    titles = ", ".join(TASKS[task].title for task in embedded)
    return f"**Embedded models** serve {titles}{why}; the other tabs use the classic checkpoints."


def build_app(runtime: Runtime) -> gr.Blocks:
    """Build the whole page; no model is loaded here."""
    # files Gradio keeps (uploads never run, scored CSVs served for download) go after 10 minutes
    with ShowcaseBlocks(title="Zero-training NLP showcase", analytics_enabled=False, delete_cache=(600, 600)) as app:
        app.runtime = runtime
        ui_language, switch = _language_switch()
        gr.Markdown(ui_pair(HEADER, HEADER_ZH), elem_id="header")
        gr.Markdown(ui_pair(profile_summary(runtime), profile_summary(runtime, chinese=True)), elem_id="profile")
        with gr.Tabs() as tabs:
            built = [_build_tab(task, runtime, ui_language) for task in TASKS.values()]
        _build_scorecard(runtime)
        lines = [line for line, _, _ in built]
        tab_inputs = {task: inputs for task, (_, inputs, _) in zip(TASKS, built, strict=True)}
        _name_tabs_in_the_page_language(ui_language, [tab for _, _, tab in built])
        loaded = _follow_the_browser_language(app, ui_language, switch)
        _keep_readiness_current(app, runtime, lines, ui_language, loaded, tabs)
        _open_share_links(app, tabs, tab_inputs)
    use_fair_queue(app)
    return app


def _open_share_links(app: gr.Blocks, tabs: gr.Tabs, tab_inputs: dict[str, list]) -> None:
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

    app.load(restore, outputs=[tabs, *components], **QUIET)


def _language_switch() -> tuple[gr.Textbox, gr.Radio]:
    """The English / 中文 switch at the top of the page, and the hidden field that tells each page
    event the page's language. The page starts in the browser's language (Gradio's i18n picks it);
    the switch changes Gradio's own locale, so every component text follows at once."""
    switch = gr.Radio(list(LOCALES.values()), value=LOCALES["en"], show_label=False, container=False,
                      elem_id="language-switch", label="Language / 语言")
    locale = gr.Textbox(value="en", visible=False, elem_id="ui-language")
    chinese = json.dumps(LOCALES["zh-CN"])
    switch.input(fn=None, inputs=switch, outputs=locale, js=f"""async (choice) => {{
        const locale = choice === {chinese} ? 'zh-CN' : 'en';
        // Gradio's own locale store (the one its footer's language setting uses), reached through
        // the module the page has already loaded
        const url = performance.getEntriesByType('resource').map((entry) => entry.name)
            .find((name) => /\\/assets\\/core-[^/]+\\.js$/.test(name));
        if (url) {{ const core = await import(url); core.changeLocale(locale); }}
        return locale;
    }}""", **QUIET)
    return locale, switch


def _name_tabs_in_the_page_language(ui_language: gr.Textbox, tabs: list[gr.Tab]) -> None:
    """Tab names follow a language switch: Gradio's tab bar translates only the selected tab's name
    when the locale changes, so the names are set again from the server in the chosen language."""
    def names(locale: str):
        chinese = is_chinese(locale)
        return [gr.Tab(label=ZH_UI[task.title] if chinese else task.title) for task in TASKS.values()]

    ui_language.change(names, inputs=ui_language, outputs=tabs, **QUIET)


def _follow_the_browser_language(app: gr.Blocks, locale: gr.Textbox, switch: gr.Radio):
    """On load: the language Gradio picked from the browser, into the hidden field and the switch."""
    chinese, english = json.dumps(LOCALES["zh-CN"]), json.dumps(LOCALES["en"])
    return app.load(fn=None, outputs=[locale, switch], js=f"""() => {{
        const locale = document.documentElement.lang || 'en';
        return [locale, locale.toLowerCase().startsWith('zh') ? {chinese} : {english}];
    }}""", **QUIET)


def _keep_readiness_current(app: gr.Blocks, runtime: Runtime, lines: list[gr.Markdown],
                            ui_language: gr.Textbox, loaded, tabs: gr.Tabs) -> None:
    """Refresh every tab's readiness line, in the page's language, on page load (once the language
    is known), on a language switch, and each second while a model is not settled."""
    timer = gr.Timer(READINESS_POLL_S)

    def refresh(locale: str = "en"):
        settled = all(state.phase in ("ready", "failed") for state in runtime.states.values())
        waiting_for_nobody = not runtime.loading_in_background and not any(
            state.phase == "loading" for state in runtime.states.values())
        texts = [translate(readiness(runtime, task), locale) for task in TASKS.values()]
        return (*texts, gr.Timer(active=not (settled or waiting_for_nobody)))

    # a tab's contents are drawn when it is first opened, with the line as it was built: refresh then too
    for trigger in (loaded.then, timer.tick, ui_language.change, tabs.select):
        trigger(refresh, inputs=ui_language, outputs=[*lines, timer], **QUIET)
