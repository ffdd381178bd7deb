"""The scorecard section: a labelled set through both sides of a task, with a live plot; the batch
section sits in the same accordion."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import gradio as gr

from demo.csv_files import new_file
from demo.errors import InputError
from demo.i18n import UI_LANGUAGE, Text, listed, localize, say, ui_text
from demo.language import route
from demo.page.batch_section import build_batch
from demo.page.jobs import results_folder, UPDATE_S, count_of, page_job, stopping, uploaded
from demo.page.locale_switch import choices_in_language
from demo.page.scorecard_view import SUMMARY_COLUMNS, WRONG_COLUMNS, missing_line, missing_sides, tally_outputs
from demo.page.status import EMPTY
from demo.engines.gemma import GEMMA_NAME
from demo.registry import VIEWS, get_task
from demo.report import build_report
from demo.scope import RequestScope
from demo.scorecard import built_in, labels_of, read_csv, score, scorecard_tasks, scored_csv

log = logging.getLogger(__name__)

SOURCES = ("Built-in set", "Built-in Chinese set", "My CSV")
OWN_FILE = SOURCES[-1]
MAX_KEPT_CHARS = 200_000  # a scorecard is kept in its session for a language switch up to this many characters


def sources_of(key: str) -> list[str]:
    """The sets a task can be scored on: its built-in sets (by name, in English and Chinese) and a file."""
    names = get_task(key).scorecard_sets
    if not names:
        return list(SOURCES)
    return [f"{source}: {name}" for name in names for source in SOURCES[:2]] + [OWN_FILE]


SUMMARY = (
    "Run a labelled set through the task's classic checkpoint and its zero-shot LLM: accuracy as it goes, how often "
    "they agree, each side's confusion, latency and mistakes. Use a built-in set (written for this app: 100 reviews "
    "and 200 sentence pairs in English, 40 reviews and 100 pairs in Chinese, and for classify a topic set and an intent "
    "set of 20 texts in each language) or your own CSV (Chinese text goes to the Chinese models): {formats}, up to "
    "2,000 rows and 2 MB. Your file is read once and deleted.")


def formats() -> Text:
    """The columns each task's file needs, said in the page's language."""
    parts = []
    for key in scorecard_tasks().values():
        task = get_task(key)
        columns = f"`{','.join((*task.scorecard_columns, 'label'))}`"
        if task.any_labels:
            parts.append(Text("{columns} (any 2 to 20 labels, for {task})", columns=columns, task=Text(task.title)))
            continue
        labels = "/".join(sorted(set(task.gold.values()), reverse=True))
        parts.append(Text("{columns} ({labels} or 1/0)", columns=columns, labels=labels))
    return listed(parts, " or ")


def report_of(runtime, tally, key: str, chosen: str, labels: list[str], total: int, stopped: bool, sides,
              language: str) -> Path:
    """The run as a self-contained HTML report in the page's language, beside the scored CSV."""
    spec = get_task(key)
    models = {}
    if sides.classic.engine is not None:
        card = runtime.card(key, language)
        models[sides.classic.name] = f"{card.label} · {card.details}"
    if sides.zero_shot.engine is not None:
        models[sides.zero_shot.name] = localize(Text("{model}, no training: {method}", model=GEMMA_NAME,
                                                     method=spec.zero_shot.method or spec.title))
    code = None
    if sides.classic.engine is not None and "steps" in sides.classic.engine.capabilities:
        first = spec.scorecard_values(tally.items[0].inputs, labels)
        try:  # one small request; the report stands without it
            code = VIEWS["steps"].run(spec, sides.classic.engine, lambda message: None, *spec.check(*first))[1]
        except Exception:  # noqa: BLE001 - said in the log, the report goes on
            log.exception("the steps code for the report failed")
    html = build_report(tally, task=spec.title, set_name=localize(chosen), labels=labels, models=models,
                        total=total, stopped=stopped, code=code, locale=UI_LANGUAGE.get())
    path = new_file(results_folder(), ["scorecard", key, chosen], ".html")
    path.write_text(html, encoding="utf-8")
    return path


def build_scorecard(runtime, quiet: dict, ui_language: gr.State) -> None:
    tasks = scorecard_tasks()
    # a section under the tabs, not another tab: on a phone more tabs send tasks into a hidden menu
    with gr.Accordion(ui_text("Scorecard: a labelled set through the classic checkpoint and the zero-shot LLM, and "
                              "batch CSV"), open=False, elem_id="scorecard"):
        gr.Markdown(ui_text(Text(SUMMARY, formats=formats())), elem_id="scorecard-summary-text")
        with gr.Row(equal_height=False):
            with gr.Column(min_width=280):
                task = gr.Radio(list(tasks), value=next(iter(tasks)), label=ui_text("Task"), elem_id="scorecard-task")
                source = gr.Radio(sources_of(tasks[task.value]), value=sources_of(tasks[task.value])[0],
                                  label=ui_text("Labelled set"), elem_id="scorecard-source")
                upload = gr.File(label=ui_text("Your CSV (used with \"My CSV\")"), file_types=[".csv"], type="filepath",
                                 elem_id="scorecard-file")
                error = gr.HTML(visible=False, elem_id="scorecard-error")
                with gr.Row():
                    run = gr.Button(ui_text("Run"), variant="primary", elem_id="scorecard-run")
                    stop = gr.Button(ui_text("Stop"), variant="stop", interactive=False, elem_id="scorecard-stop")
            with gr.Column(min_width=280):
                view = gr.HTML(elem_id="scorecard-view", min_height=60)
                plot = gr.LinePlot(x="item", y="accuracy", color="side", y_lim=[0, 100], x_axis_format="d",
                                   x_title="items scored", label=ui_text("Accuracy so far (%)"),
                                   elem_id="scorecard-plot")
                status = gr.Markdown(elem_id="scorecard-status", elem_classes="model-status")
        # the tables take the section's whole width: at half of it their columns were cut off
        table = gr.Dataframe(headers=list(SUMMARY_COLUMNS), label=ui_text("Per side"), interactive=False,
                             elem_id="scorecard-table")
        # the confusion shows once, as the view's shaded grid: this table is for the API
        confusion = gr.Dataframe(label=ui_text("Confusion: one row per side and true label, one column per "
                                               "answer"), interactive=False, elem_id="scorecard-confusion",
                                 visible=False)
        wrong = gr.Dataframe(headers=list(WRONG_COLUMNS), label=ui_text("Items each side got wrong"), interactive=False,
                             elem_id="scorecard-wrong", wrap=True)
        with gr.Row():
            download = gr.File(label=ui_text("Scored CSV"), elem_id="scorecard-download")
            report = gr.File(label=ui_text("Report to send (HTML: opens offline, prints to PDF)"),
                             elem_id="scorecard-report")
        kept = gr.State()  # the last tally, what it misses and its status, said again on a language switch
        build_batch(runtime, quiet, ui_language)
    outputs = [view, plot, table, confusion, wrong, download, kept, upload, report, error, status]

    def items_of(key: str, chosen: str, path: str | None):
        if chosen == OWN_FILE:
            return read_csv(uploaded(path), key)
        source, _, name = chosen.partition(": ")
        return built_in(key, "zh" if source == SOURCES[1] else "en", name)

    def work(title: str, chosen: str, path: str | None, scope: RequestScope):
        key = tasks.get(title)
        if key is None or chosen not in sources_of(key):
            raise InputError(Text("Choose a task ({tasks}) and one of its sets.", tasks=", ".join(tasks)))
        items = items_of(key, chosen, path)
        language = route(*(text for item in items for text in item.inputs)).language  # one set, one language
        started = time.perf_counter()
        ready = runtime.is_ready(key, language=language) and runtime.is_ready(key, zero_shot=True, language=language)
        loading = EMPTY if ready else Text(" (loading the models once)")
        # the upload is read and deleted: the file box empties, ready for the next file
        yield (*(gr.skip() for _ in outputs[:7]), None if path else gr.skip(), None, gr.update(visible=False),
               Text("Read {items}{loading}…", items=count_of(len(items), "item"), loading=loading))
        sides = runtime.sides(key, language=language)
        gone = missing_sides(sides)
        # what a language switch says again, kept unless the set's texts are too long to keep for each
        # session (the switch then translates the choices only)
        keep = sum(len(text) for item in items for text in item.inputs) <= MAX_KEPT_CHARS
        spec = get_task(key)
        labels = labels_of(key, items)
        answer = lambda engine, *inputs: spec.run(  # noqa: E731
            engine, lambda message: None, *spec.scorecard_values(inputs, labels))[0]
        shown, tally = 0.0, None
        for tally in score(sides, key, items, answer, stopping(scope)):
            if time.perf_counter() - shown >= UPDATE_S:
                shown = time.perf_counter()
                line = Text("Scoring {items} with {sides}…", items=count_of(len(items), "item"),
                            sides=listed(list(tally.sides), ", "))
                shown_tally = (tally, len(items), key, False, False, gone, line)
                yield (*said_again(shown_tally), gr.skip(), shown_tally if keep else None, gr.skip(), gr.skip(),
                       gr.update(visible=False), line)
        if tally is None:
            return
        stopped = tally.done < len(items)
        took = time.perf_counter() - started
        line = Text("Stopped after {items} in {seconds} s ({rate} items/s)." if stopped else
                    "Scored {items} in {seconds} s ({rate} items/s).", items=count_of(tally.done, "item"),
                    seconds=f"{took:.1f}", rate=f"{tally.done / max(took, 1e-9):.2f}")
        shown_tally = (tally, len(items), key, stopped, True, gone, line)
        report_file = report_of(runtime, tally, key, chosen, labels, len(items), stopped, sides, language)
        yield (*said_again(shown_tally), str(scored_csv(tally, key, results_folder())), shown_tally if keep else None,
               gr.skip(), str(report_file), gr.update(visible=False), line)

    def said_again(shown_tally) -> tuple:
        tally, total, key, stopped, final, gone, _ = shown_tally
        return tally_outputs(tally, total, key, stopped, final, missing_line(gone))

    def in_new_language(locale: str, title: str, chosen: str, shown_tally):
        token = UI_LANGUAGE.set(locale)
        try:
            # choices only: a value sent back would undo a choice made while the switch was on its way
            choices = (gr.Radio(choices=choices_in_language(tasks, locale)),
                       gr.Radio(choices=choices_in_language(sources_of(tasks[title]), locale)))
            if shown_tally is None:  # the empty tables' headers, in the new language
                import pandas as pd

                return (*choices, gr.skip(), gr.skip(), pd.DataFrame(columns=[say(h) for h in SUMMARY_COLUMNS]),
                        gr.skip(), pd.DataFrame(columns=[say(h) for h in WRONG_COLUMNS]), gr.skip())
            return (*choices, *said_again(shown_tally), localize(shown_tally[-1], locale))
        finally:
            UI_LANGUAGE.reset(token)

    page_job(work, [task, source, upload], outputs, run, stop, "scorecard", quiet, ui_language)
    task.change(lambda title, locale: gr.Radio(choices=choices_in_language(sources_of(tasks[title]), locale),
                                               value=sources_of(tasks[title])[0]),
                inputs=[task, ui_language], outputs=source, **quiet)
    ui_language.change(in_new_language, inputs=[ui_language, task, source, kept],
                       outputs=[task, source, view, plot, table, confusion, wrong, status], **quiet)
