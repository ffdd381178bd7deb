"""Page jobs (the scorecard and batch): long work started from the page, with Run and Stop, a
refusal under the inputs, and uploads read once and deleted."""

from __future__ import annotations

import logging
import os
import tempfile
from concurrent.futures import CancelledError
from html import escape
from pathlib import Path

import gradio as gr

from demo.admission import JOBS_KIND
from demo.csv_files import MAX_CSV_BYTES
from demo.errors import InputError, UserFacingError
from demo.inference import RequestCancelled, RequestScope
from demo.page.endpoints import UNEXPECTED, stream_in_scope
from demo.page.run_stop import error_line, run_and_stop
from demo.page.gradio_patches import with_gradio_signature

log = logging.getLogger(__name__)

JOBS_CONCURRENCY = 2
JOBS_FOLDER = Path(tempfile.gettempdir()) / "showcase-scorecards"
UPDATE_S = 0.5  # plots and tables refresh at most twice a second


def page_job(work, inputs: list, outputs: list, run: gr.Button, stop: gr.Button, name: str, quiet: dict) -> None:
    """Wire a page-only job: Run starts `work(*values, scope)` (a generator run in a thread, inside a
    request scope), Stop asks it to end, a refusal shows under the inputs (`outputs[-2]` is the
    error line, `outputs[-1]` the status), and Run / Stop reflect whether it runs."""
    running: dict[str, RequestScope] = {}
    refused_at = len(outputs) - 2

    def refusal(message: str) -> tuple:
        return (*(gr.skip() for _ in range(refused_at)), error_line(message), gr.skip())

    async def handler(*args):
        *values, request = args
        try:
            async for item in stream_in_scope(lambda scope: work(*values, scope), request, running):
                yield item
        except UserFacingError as exc:
            gr.Warning(escape(str(exc)), title="Not run", duration=6)  # text, never HTML
            yield refusal(str(exc))
        except (CancelledError, RequestCancelled):
            return
        except Exception:
            log.exception("%s failed", name)
            yield refusal(UNEXPECTED)

    with_gradio_signature(handler, [(f"value_{i}", None) for i in range(len(inputs))], name, request_only=True)
    page = dict(fn=handler, inputs=inputs, outputs=outputs, api_visibility="private",
                concurrency_limit=JOBS_CONCURRENCY, concurrency_id=JOBS_KIND, show_progress="hidden")
    run_and_stop([run.click], page, run, stop, running, quiet)


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
            raise InputError(f"The file is {size:,} bytes; the limit is {MAX_CSV_BYTES:,} (2 MB).")
        return Path(path).read_bytes()
    finally:
        Path(path).unlink(missing_ok=True)
