"""The page: one generic tab builder turns every task's contract into inputs, outputs and an API."""

from __future__ import annotations

import inspect
import json
import logging
import time
from pathlib import Path
from typing import Any

import gradio as gr
import torch

from demo.errors import UserFacingError
from demo.runtime import Runtime
from demo.tasks import TASKS
from demo.tasks.base import Task

log = logging.getLogger(__name__)

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"
QUEUE_SIZE = 64
STREAM_INTERVAL_S = 0.04  # at most 25 screen updates a second: each costs the server CPU the model needs
# Handlers only wait for the inference thread; sentiment admits more so that they can share batches.
CONCURRENCY = {"sentiment": 16, "fill_mask": 4, "next_sentence": 4, "generate": 1}
LATEX = [{"left": "$$", "right": "$$", "display": True}, {"left": "$", "right": "$", "display": False}]
HEADER = """
# Zero-training NLP showcase
Pretrained language models, used **as they are**: no extra training, no fine-tuning on your data.
Pick a task, try an example or type your own text. Each tab says which model answers, on which
hardware, and how long it took; open **How it works** to see why a pretrained model can do this.
"""
CSS = """
.gradio-container { max-width: 1100px !important; }
.model-status { font-size: 0.9em; opacity: 0.85; }
@media (max-width: 640px) { .gradio-container { padding: 0 6px !important; } }
"""
GPU_FULL = "The GPU ran out of memory for this request. Please try a shorter text or fewer new tokens."
UNEXPECTED = "The model could not process this input. The app is still running: please try another input."


class ShowcaseBlocks(gr.Blocks):
    """Blocks that let API callers omit trailing optional parameters (they get the UI defaults)."""

    def validate_inputs(self, block_fn, inputs: list[Any]) -> None:
        missing = block_fn.inputs[len(inputs) :]
        if len(inputs) >= 1 and all(getattr(c, "value", None) is not None for c in missing):
            inputs.extend(c.value for c in missing)
        super().validate_inputs(block_fn, inputs)


def load_examples(task_key: str) -> list[list]:
    """Example rows for a task from `examples/<task>.json`; none when the file is absent."""
    path = EXAMPLES_DIR / f"{task_key}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def _status(runtime: Runtime, task: Task, note: str = "") -> str:
    return f"**Model:** {runtime.describe(task.key)}" + (f"  \n{note}" if note else "")


def _engine(runtime: Runtime, task: Task, progress: gr.Progress) -> Any:
    if runtime.is_ready(task.key):
        return runtime.engine(task.key)
    progress(0.0, desc=f"Loading the {task.title.lower()} model (first request only)…")
    return runtime.engine(task.key, lambda fraction, message: progress(fraction, desc=message))


def _as_user_error(exc: Exception, task: Task) -> gr.Error:
    if isinstance(exc, UserFacingError):
        return gr.Error(str(exc))
    if isinstance(exc, torch.cuda.OutOfMemoryError):
        torch.cuda.empty_cache()  # free what the failed request held; the process keeps serving
        log.warning("%s ran out of GPU memory", task.key)
        return gr.Error(GPU_FULL)
    log.exception("%s failed", task.key)
    return gr.Error(UNEXPECTED)


def make_handler(task: Task, runtime: Runtime):
    """The event function of a tab: validates, runs, reports latency, turns failures into messages."""

    if task.streaming:

        def handler(*values, progress=gr.Progress(track_tqdm=True)):
            started = time.perf_counter()
            first = sent = None
            outputs: tuple = ()
            try:
                engine = _engine(runtime, task, progress)
                for outputs in task.run(engine, gr.Warning, *values):
                    now = time.perf_counter()
                    if first is None:
                        first = sent = now
                        yield (*outputs, _status(runtime, task, "Generating…"))
                    elif now - sent >= STREAM_INTERVAL_S:
                        sent = now
                        yield (*outputs, gr.skip())
            except Exception as exc:
                raise _as_user_error(exc, task) from None
            done = time.perf_counter()
            ttft = f"first text after {(first - started) * 1000:.0f} ms, " if first else ""
            yield (*outputs, _status(runtime, task, f"**Latency:** {ttft}done in {done - started:.2f} s"))

    else:

        def handler(*values, progress=gr.Progress(track_tqdm=True)):
            started = time.perf_counter()
            try:
                engine = _engine(runtime, task, progress)
                outputs = task.run(engine, gr.Warning, *values)
            except Exception as exc:
                raise _as_user_error(exc, task) from None
            elapsed = (time.perf_counter() - started) * 1000
            return (*outputs, _status(runtime, task, f"**Latency:** {elapsed:.0f} ms"))

    parameters = [
        inspect.Parameter(p.name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                          default=inspect.Parameter.empty if p.default is None else p.default)
        for p in task.params
    ]
    parameters.append(
        inspect.Parameter("progress", inspect.Parameter.KEYWORD_ONLY, default=gr.Progress(track_tqdm=True))
    )
    handler.__signature__ = inspect.Signature(parameters)
    handler.__name__ = task.api_name
    return handler


def _build_tab(task: Task, runtime: Runtime) -> None:
    with gr.Tab(task.title, id=task.key, elem_id=f"tab-{task.key}"):
        gr.Markdown(task.summary)
        with gr.Row(equal_height=False):
            with gr.Column(min_width=280):
                inputs = task.build_inputs()
                with gr.Row():
                    run = gr.Button("Run", variant="primary", elem_id=f"{task.key}-run")
                    stop = gr.Button("Stop", variant="stop", elem_id=f"{task.key}-stop") if task.streaming else None
            with gr.Column(min_width=280):
                outputs = task.build_outputs()
                status = gr.Markdown(_status(runtime, task), elem_id=f"{task.key}-status", elem_classes="model-status")
        examples = load_examples(task.key)
        if examples:
            width = len(examples[0])
            gr.Examples(examples=examples, inputs=inputs[:width], label="Examples", cache_examples=False)
        with gr.Accordion("How it works", open=False, elem_id=f"{task.key}-how"):
            gr.Markdown(task.how_it_works, latex_delimiters=LATEX)
    submits = [box.submit for box in inputs if isinstance(box, gr.Textbox)]
    event = gr.on(
        triggers=[run.click, *submits],
        fn=make_handler(task, runtime),
        inputs=inputs,
        outputs=[*outputs, status],
        api_name=task.api_name,
        concurrency_limit=CONCURRENCY[task.key],
        concurrency_id=task.key,
    )
    if stop is not None:
        stop.click(fn=None, cancels=[event], api_visibility="private")


def profile_summary(runtime: Runtime) -> str:
    """One line under the header: which profile serves the page, and why."""
    embedded = [task for task, assignment in runtime.plan.items() if assignment.embedded]
    if not embedded:
        return "Serving the classic pretrained checkpoints."
    reasons = sorted({runtime.plan[task].reason.removeprefix("embedded: ") for task in embedded})
    if len(embedded) == len(runtime.plan):
        return (f"**Embedded profile** ({'; '.join(reasons)}): every tab runs on Gemma 3 270M, "
                "installed with pip. No network needed, no training, zero-shot.")
    titles = ", ".join(TASKS[task].title for task in embedded)
    return f"**Embedded models** serve {titles} ({'; '.join(reasons)}); the other tabs use the classic checkpoints."


def build_app(runtime: Runtime) -> gr.Blocks:
    """Build the whole page; no model is loaded here."""
    with ShowcaseBlocks(title="Zero-training NLP showcase", analytics_enabled=False) as app:
        gr.Markdown(HEADER, elem_id="header")
        gr.Markdown(profile_summary(runtime), elem_id="profile")
        with gr.Tabs():
            for task in TASKS.values():
                _build_tab(task, runtime)
    app.queue(max_size=QUEUE_SIZE)
    return app
