"""Page jobs (the scorecard and batch): long work started from the page, with Run and Stop, a
refusal under the inputs, and uploads read once and deleted."""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import CancelledError
from pathlib import Path

import gradio as gr

from demo.admission import JOBS_KIND
from demo.csv_files import MAX_CSV_BYTES
from demo.errors import InputError, UserFacingError
from demo.i18n import UI_LANGUAGE, Text, localize
from demo.page.endpoints import UNEXPECTED, message_of
from demo.page.gradio_patches import upload_folder, with_gradio_signature
from demo.page.liveness import stream_in_scope
from demo.page.locale_switch import SESSION_LANGUAGES
from demo.page.run_stop import error_line, run_and_stop, toast
from demo.scope import RequestCancelled, RequestScope

log = logging.getLogger(__name__)

JOBS_CONCURRENCY = 2
RESULTS_SUBFOLDER = "showcase-results"  # scored and batch CSVs, inside Gradio's folder of request files


def results_folder() -> Path:
    """Where scored and batch CSVs go: inside the one folder of request files the app sweeps."""
    return Path(upload_folder()) / RESULTS_SUBFOLDER
UPDATE_S = 0.5  # plots and tables refresh at most twice a second


class RunningJobs:
    """How many page jobs run now (all sections together): what a job that waits is told."""

    def __init__(self):
        self.count, self._lock = 0, threading.Lock()

    def change(self, by: int) -> None:
        with self._lock:
            self.count += by

    def line(self) -> Text | None:
        """None when a place is free (the job's own first line comes at once)."""
        if self.count < JOBS_CONCURRENCY:
            return None
        return Text("Waiting: this server runs at most {most} scorecard or batch runs at once, and {running} are "
                    "running. Yours starts when one of them ends (a run takes as long as its file).",
                    most=str(JOBS_CONCURRENCY), running=str(self.count))


RUNNING = RunningJobs()


def count_of(number: int, noun: str) -> Text:
    """'1 item', '2,000 rows', said in the page's language (the catalogs have "{count} item" and "{count} items")."""
    return Text(f"{{count}} {noun if number == 1 else noun + 's'}", count=f"{number:,}")


def in_language(work, values: tuple, language_now, scope: RequestScope):
    """`work(*values, scope)` with each step run in the page's language as it is now (`say` reads
    it; a switch during the run takes effect at the next step) and the status, its last output,
    said in it."""
    pieces = work(*values, scope)
    while True:
        locale = language_now()
        token = UI_LANGUAGE.set(locale)  # each step runs in its own worker thread's copy of the context
        try:
            item = next(pieces)
        except StopIteration:
            return
        finally:
            UI_LANGUAGE.reset(token)
        yield (*item[:-1], localize(item[-1], locale))


def page_job(work, inputs: list, outputs: list, run: gr.Button, stop: gr.Button, name: str, quiet: dict,
             ui_language: gr.State) -> None:
    """Wire a page-only job: Run starts `work(*values, scope)` (a generator run in a thread, inside a
    request scope, in the page's language), Stop asks it to end, a refusal shows under the inputs
    (`outputs[-2]` is the error line, `outputs[-1]` the status), Run / Stop reflect whether it runs,
    and a job that must wait for a free place says so at once."""
    running: dict[str, RequestScope] = {}
    refused_at = len(outputs) - 2

    def refusal(message: str, locale: str) -> tuple:
        message = localize(message, locale)
        toast(message, "Not run", locale, duration=6)
        return (*(gr.skip() for _ in range(refused_at)), error_line(message), gr.skip())

    async def handler(*args):
        *values, locale, request = args
        RUNNING.change(+1)
        try:
            language_now = lambda: SESSION_LANGUAGES.now(request, locale)  # noqa: E731
            async for item in stream_in_scope(lambda scope: in_language(work, values, language_now, scope), request,
                                              running):
                yield item
        except UserFacingError as exc:
            yield refusal(message_of(exc), locale)
        except (CancelledError, RequestCancelled):
            return
        except Exception:
            log.exception("%s failed", name)
            yield refusal(UNEXPECTED, locale)
        finally:
            RUNNING.change(-1)

    with_gradio_signature(handler, [(f"value_{i}", None) for i in range(len(inputs) + 1)], name, request_only=True)
    page = dict(fn=handler, inputs=[*inputs, ui_language], outputs=outputs, api_visibility="private",
                concurrency_limit=JOBS_CONCURRENCY, concurrency_id=JOBS_KIND, show_progress="hidden")
    run_and_stop([run.click], page, run, stop, running, quiet)
    # Gradio's own queue estimate ("1/1, 0.5 s") knows nothing of how long a run takes: this says why it waits
    def waiting(locale: str):
        line = RUNNING.line()
        return gr.skip() if line is None else localize(line, locale)

    run.click(waiting, inputs=ui_language, outputs=outputs[-1], **quiet)


def stopping(scope: RequestScope):
    return lambda: scope.stop_requested.is_set() or scope.cancelled.is_set()


def uploaded(path: str | None) -> bytes:
    """The bytes of an uploaded CSV, its size checked before it is read; the file is deleted once read."""
    if not path:
        raise InputError("Choose a CSV file first.")
    if not os.path.exists(path):
        raise InputError("That upload was read by an earlier run and deleted (uploads are never kept). "
                         "Please choose the file again.")
    try:
        size = os.path.getsize(path)
        if size > MAX_CSV_BYTES:
            raise InputError(Text("The file is {size} bytes; the limit is {most} (2 MB).", size=f"{size:,}",
                                  most=f"{MAX_CSV_BYTES:,}"))
        return Path(path).read_bytes()
    finally:
        Path(path).unlink(missing_ok=True)
