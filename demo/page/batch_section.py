"""Batch: a CSV of any task's inputs in, its answers out, row by row, downloadable."""

from __future__ import annotations

import time
from pathlib import Path

import gradio as gr

from demo.batch import labelled_tally, read_batch_csv, run_batch
from demo.csv_files import MAX_ROWS, new_file, records_csv
from demo.errors import InputError
from demo.i18n import UI_LANGUAGE, Text, say, ui_text
from demo.page.jobs import UPDATE_S, count_of, page_job, results_folder, stopping, uploaded
from demo.page.locale_switch import choices_in_language
from demo.page.status import EMPTY
from demo.registry import TASKS, get_task
from demo.report import build_report
from demo.scope import RequestScope
from demo.scorecard import labels_of

DESCRIPTION = ("One row per request. The header names the task's inputs ({columns}). Up to {rows} rows and 2 MB; "
               "a row the model cannot take gets its reason in an `error` column. With a `label` column (the "
               "expected answer, for sentiment, next sentence and classify) the run also comes with a report.")


def columns_prose() -> str:
    """What each task's batch CSV header names, from its parameters."""
    parts = []
    for task in TASKS.values():
        required = ",".join(p.name for p in task.params if p.required)
        optional = ", ".join(f"`{p.name}`" for p in task.params if not p.required)
        parts.append(f"{task.title.lower()}: `{required}`" + (f", optionally {optional}" if optional else ""))
    return "; ".join(parts)


def report_of(runtime, key: str, records: list[dict], total: int, stopped: bool) -> Path | None:
    """The scorecard's report of a batch whose rows said their expected label (None otherwise)."""
    card = runtime.card(key)
    tally = labelled_tally(key, records, card.name)  # the side is named once; its details say the rest
    if tally is None:
        return None
    spec = get_task(key)
    html = build_report(tally, task=spec.title, set_name=say("your batch CSV"), labels=labels_of(key, tally.items),
                        models={card.name: card.details}, total=total, stopped=stopped, code=None,
                        locale=UI_LANGUAGE.get())
    path = new_file(results_folder(), ["batch", key], ".html")
    path.write_text(html, encoding="utf-8")
    return path


def build_batch(runtime, quiet: dict, ui_language: gr.State) -> None:
    titles = {task.title: key for key, task in TASKS.items()}
    with gr.Accordion(ui_text("Batch: a CSV of inputs in, the answers out (every task)"), open=False, elem_id="batch"):
        gr.Markdown(ui_text(Text(DESCRIPTION, columns=columns_prose(), rows=f"{MAX_ROWS:,}")), elem_id="batch-summary")
        with gr.Row(equal_height=False):
            with gr.Column(min_width=280):
                task = gr.Dropdown(list(titles), value=next(iter(titles)), label=ui_text("Task"), elem_id="batch-task")
                upload = gr.File(label=ui_text("Your CSV"), file_types=[".csv"], type="filepath", elem_id="batch-file")
                error = gr.HTML(visible=False, elem_id="batch-error")
                with gr.Row():
                    run = gr.Button(ui_text("Run"), variant="primary", elem_id="batch-run")
                    stop = gr.Button(ui_text("Stop"), variant="stop", interactive=False, elem_id="batch-stop")
            with gr.Column(min_width=280):
                table = gr.Dataframe(label=ui_text("Answers (first 50 rows)"), interactive=False, wrap=True,
                                     elem_id="batch-table")  # long texts wrap: every column stays in view
                download = gr.File(label=ui_text("All answers, as CSV"), elem_id="batch-download")
                report = gr.File(label=ui_text("Report to send (rows with a label column: HTML, opens offline)"),
                                 elem_id="batch-report")
                status = gr.Markdown(elem_id="batch-status", elem_classes="model-status")

    def work(title: str, path: str | None, scope: RequestScope):
        import pandas as pd

        key = titles.get(title)
        if key is None:
            raise InputError(Text("Choose a task: {tasks}.", tasks=", ".join(titles)))
        rows = read_batch_csv(uploaded(path), key)
        yield (gr.skip(), gr.skip(), None, None, gr.update(visible=False),
               Text("Read {rows}; answering…", rows=count_of(len(rows), "row")))
        engine_for = lambda language: runtime.engine(key, language=language)  # noqa: E731
        started, shown, records = time.perf_counter(), 0.0, []
        for records in run_batch(key, rows, engine_for, stopping(scope)):
            if time.perf_counter() - shown >= UPDATE_S:
                shown = time.perf_counter()
                yield (pd.DataFrame(records[:50]), gr.skip(), gr.skip(), gr.skip(), gr.skip(),
                       Text("Answered {done} of {rows}…", done=f"{len(records):,}", rows=count_of(len(rows), "row")))
        took = time.perf_counter() - started
        failed = sum("error" in record for record in records)
        answered = len(records) - failed
        stopped = len(records) < len(rows)
        refused = Text("; {count} refused (see the error column)", count=f"{failed:,}") if failed else EMPTY
        report_file = report_of(runtime, key, records, len(rows), stopped)
        yield (pd.DataFrame(records[:50]), str(records_csv(records, f"batch-{key}", results_folder())) if records
               else None, str(report_file) if report_file else None, gr.skip(), gr.skip(),
               Text("Stopped after: {answered} of {rows} answered{refused}, in {seconds} s." if stopped else
                    "Done: {answered} of {rows} answered{refused}, in {seconds} s.", answered=f"{answered:,}",
                    rows=count_of(len(rows), "row"), refused=refused, seconds=f"{took:.1f}"))

    page_job(work, [task, upload], [table, download, report, upload, error, status], run, stop, "batch", quiet,
             ui_language)
    # choices only: a value sent back would undo a choice made while the switch was on its way
    ui_language.change(lambda locale: gr.Dropdown(choices=choices_in_language(titles, locale)),
                       inputs=ui_language, outputs=task, **quiet)
