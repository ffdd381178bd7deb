"""One handler factory for every endpoint: the input checked once, the language routed once, the
work run in a request scope that a closed tab, a cancelled call or Stop ends, the status built once
from the answering engine's card. The API gets the answer (or an error); the page gets the same
answer read by the view, in the page's language, and a refusal shown under the inputs."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import CancelledError
from dataclasses import dataclass
from typing import Any

import gradio as gr
import torch

from demo.answers import SHARED_NOTE, Key, inputs_digest
from demo.errors import UserFacingError
from demo.i18n import Text, localize
from demo.page import status
from demo.page.endpoint import Endpoint, Prepared, prepare, present, shared_for_s
from demo.page.expected import RecentCosts, size_of
from demo.page.gradio_patches import with_gradio_signature
from demo.page.liveness import stream_in_scope, while_wanted
from demo.page.run_stop import error_line, toast
from demo.scope import RequestCancelled, RequestScope, current_scope
from demo.tasks.base import Task

log = logging.getLogger(__name__)

STREAM_INTERVAL_S = 0.04  # at most 25 screen updates a second: each costs the server CPU the model needs
GPU_FULL = "The GPU ran out of memory for this request. Please try a shorter text or fewer new tokens."
UNEXPECTED = "The model could not process this input. The app is still running: please try another input."
CANCELLED = "The request was cancelled before its answer was ready."
# An answer is kept in the session for a language switch when its texts are at most this long
# (a page of text: hundreds of sessions may each keep one answer per tab)
MAX_KEPT_CHARS = 20_000


def message_of(exc: BaseException) -> str:
    """The message of an error as raised: a `Text` keeps its template, to be said in another language."""
    first = exc.args[0] if exc.args else ""
    return first if isinstance(first, str) else str(exc)


def warner(locale: str) -> Callable[[str], None]:
    """A task's notes (a shortened input, fewer candidates than asked) as toasts in the page's language."""
    return lambda message: toast(message, "Note", locale)


class PageError(gr.Error):
    """A refusal as the API says it (English, `message`) and as the page says it (`text`: a `Text` with
    its fields, said again in the page's language)."""

    def __init__(self, message: str, text: str | None = None):
        super().__init__(message, print_exception=False)
        self.text = message if text is None else text


def as_user_error(exc: Exception, task: Task) -> PageError:
    if isinstance(exc, UserFacingError):
        log.info("%s: %s", task.key, str(exc).splitlines()[0][:300])  # one line, no traceback
        return PageError(str(exc), message_of(exc))
    if isinstance(exc, torch.cuda.OutOfMemoryError):
        torch.cuda.empty_cache()  # free what the failed request held; the process keeps serving
        log.warning("%s ran out of GPU memory", task.key)
        return PageError(GPU_FULL)
    log.exception("%s failed", task.key)
    return PageError(UNEXPECTED)


class Responder:
    """The work of one endpoint for a prepared request, shared by its API and page handlers."""

    def __init__(self, endpoint: Endpoint, runtime, stoppable: dict[str, RequestScope]):
        self.endpoint, self.runtime, self.stoppable = endpoint, runtime, stoppable
        self.task = endpoint.task
        self.costs = RecentCosts(self.task.quicker)

    def _engine(self, progress: gr.Progress, language: str, locale: str = "en") -> tuple[Any, float]:
        """The engine (or both sides' engines) for a language, and the seconds spent waiting for a load."""
        runtime, key = self.runtime, self.task.key
        both = self.endpoint.both_sides
        if runtime.is_ready(key, language=language) and (not both or runtime.is_ready(key, True, language)):
            return (runtime.sides(key, language=language) if both else runtime.engine(key, language=language)), 0.0
        started = time.perf_counter()
        progress(0.0, desc=localize(Text("Loading the model for {task} (once)…", task=Text(self.task.title)),
                                    locale))
        report = lambda fraction, message: progress(fraction, desc=message)  # noqa: E731
        engine = runtime.sides(key, report, language) if both else runtime.engine(key, report, language)
        return engine, time.perf_counter() - started

    def answer(self, prepared: Prepared, progress: gr.Progress, locale: str = "en") -> tuple:
        """(*outputs, status); a cancel becomes the CANCELLED message. A request that recent figures
        say takes a while first says how long (as its progress)."""
        started = time.perf_counter()
        card = self.runtime.card(self.task.key, prepared.routing.language)
        size = size_of(prepared.checked)
        try:
            engine, load_s = self._engine(progress, prepared.routing.language, locale)
            if (expected := self.costs.forecast(card.name, size)) is not None:
                progress(None, desc=localize(expected, locale))  # no bar: a forecast, not a measure
            ran = time.perf_counter()
            compute = lambda warn: self.endpoint.answer(engine, warn, *prepared.checked)  # noqa: E731
            if self.endpoint.shared:
                key = Key(engine.identity, self.endpoint.api_name, inputs_digest(prepared.checked))
                scope = current_scope()
                outputs, shared = self.runtime.answers.answer(key, compute, warner(locale),
                                                              visitor=scope.visitor if scope is not None else None,
                                                              shared_for_s=shared_for_s(self.task, prepared.checked))
            else:
                outputs, shared = compute(warner(locale)), False
            if not shared:  # a shared answer's time says nothing of this model's pace
                self.costs.record(card.name, size, time.perf_counter() - ran)
        except (CancelledError, RequestCancelled):  # the request went away: nobody reads this
            raise gr.Error(CANCELLED, print_exception=False) from None
        except Exception as exc:
            raise as_user_error(exc, self.task) from None
        note = getattr(outputs, "note", "")
        if shared:
            note = Text("{shared} {note}", shared=Text(SHARED_NOTE), note=note)
        return (*outputs, status.answered(card, prepared.routing, started, load_s, note=note))

    def warm_up(self) -> None:
        """Answer the task's warm-up request once, as a request would be (`answer` keeps its time as
        this endpoint's first figure): the first visitor's long request already says how long it will
        likely take. A stream says no forecast, so it is left out."""
        if not self.endpoint.timed or self.endpoint.streaming:
            return
        prepared = prepare(self.endpoint, self.task.warm_up_input[: len(self.endpoint.params)])
        language = prepared.routing.language
        if not self.runtime.is_ready(self.task.key, language=language) or (
                self.endpoint.both_sides and not self.runtime.is_ready(self.task.key, True, language)):
            return  # nothing loads for a figure: a side not loaded yet stays so until asked for
        try:
            self.answer(prepared, lambda *args, **kwargs: None)
        except gr.Error:  # a view this engine does not offer (said in the log like any refusal)
            return

    def stream(self, prepared: Prepared, progress: gr.Progress, scope: RequestScope, locale: str = "en"):
        """(*outputs, status) as the answer grows; at most one screen update per STREAM_INTERVAL_S."""
        started, first, sent, outputs = time.perf_counter(), None, None, ()
        routing = prepared.routing
        card = self.runtime.card(self.task.key, routing.language)
        line = status.generating(card, routing)  # every event says it: API clients read a string each time
        try:
            engine, load_s = self._engine(progress, routing.language, locale)
            for outputs in self.endpoint.answer(engine, warner(locale), *prepared.checked):
                now = time.perf_counter()
                if first is None or now - sent >= STREAM_INTERVAL_S:
                    first, sent = first or now, now
                    yield (*outputs, line)
        except (CancelledError, RequestCancelled):  # the request went away: nobody to answer
            return
        except Exception as exc:
            raise as_user_error(exc, self.task) from None
        if scope.stop_requested.is_set():
            yield (*outputs, status.stopped(card, routing, started, self.task.stream_size(outputs)))
        else:
            yield (*outputs, status.answered(card, routing, started, load_s, first))

    async def results(self, prepared: Prepared, progress: gr.Progress, request, locale: str = "en"):
        """Every (*outputs, status) of the request: one for an answer, many for a stream; what the
        page is told meanwhile (a load, an expected time) is said in `locale`."""
        if self.endpoint.streaming:
            async for item in stream_in_scope(lambda scope: self.stream(prepared, progress, scope, locale), request,
                                              self.stoppable):
                yield item
            return
        scope = RequestScope()
        scope.visitor = getattr(request, "session_hash", None)  # the answers kept for this visitor only
        scope.answers, scope.shared_for_s = self.runtime.answers, shared_for_s(self.task, prepared.checked)
        try:
            yield await while_wanted(request, scope, self.answer, prepared, progress, locale)
        finally:
            scope.cancel()


def api_handler(responder: Responder):
    """The API's event function: answers or raises, as its clients expect."""
    endpoint = responder.endpoint

    def prepared_or_error(values) -> Prepared:
        try:
            return prepare(endpoint, tuple(values))
        except UserFacingError as exc:
            raise as_user_error(exc, endpoint.task) from None

    if endpoint.streaming:
        async def handler(*args):
            *values, progress, request = args  # Gradio appends its special arguments to the values
            async for item in responder.results(prepared_or_error(values), progress, request):
                yield item
    else:
        async def handler(*args):
            *values, progress, request = args
            async for item in responder.results(prepared_or_error(values), progress, request):
                return item

    handler.__doc__ = endpoint.docstring()
    return with_gradio_signature(handler, [(p.name, p.default) for p in endpoint.params], endpoint.api_name)


@dataclass(frozen=True)
class Shown:
    """The answer a tab shows, kept in the session so a language switch can say it again."""

    api_name: str
    prepared: Prepared | None  # None when its inputs were too long to keep (only the status is said again)
    outputs: tuple
    line: str
    typed: bytes = b""  # a digest of the texts it answered, as typed


def typed_digest(task: Task, values) -> bytes:
    """The required texts of a request as typed (the labels box as written, not as split), digested."""
    return inputs_digest(tuple(str(value) for param, value in zip(task.params, values) if param.required))


def same_texts(task: Task, shown: Shown | None, values) -> bool:
    """Whether the answer shown was for the texts now typed (a view refused on the same text leaves it)."""
    return shown is not None and bool(shown.typed) and shown.typed == typed_digest(task, values)


def page_handler(responder: Responder, output_count: int, panels_shown: tuple[bool, ...] = (),
                 page_language: Callable[[Any, str], str] = lambda request, locale: locale, idle_line: str = ""):
    """The page's event function: the same answer plus its view, in the page's language, and a
    refusal or failure shown inline under the inputs (with a short toast); the previous answer stays
    when it was for the same texts, and is cleared when it was for others (it once stood beside a new
    text as if it were its answer). Never raises: a raised error would put an "Error" badge over the
    outputs and leave it there.
    `panels_shown` opens (True) or closes (False) each view's panel once this answer is shown; the
    last output is the `Shown` answer. `page_language(request, locale)` is the page's language now
    (a stream follows a switch made while it runs)."""
    endpoint, runtime = responder.endpoint, responder.runtime
    clear = gr.update(value="", visible=False)
    why = tuple(gr.update(visible=shown) for shown in panels_shown)
    keep_why = tuple(gr.skip() for _ in panels_shown)

    closed = tuple(gr.update(visible=False) for _ in panels_shown)

    def refused(message: str, locale: str, earlier: Shown | None, values) -> tuple:
        message = localize(message, locale)
        toast(message, "Not answered", locale, duration=6)
        if earlier is None or same_texts(endpoint.task, earlier, values):
            return (*(gr.skip() for _ in range(output_count)), gr.skip(), error_line(message), gr.skip(),
                    *keep_why, gr.skip())
        return (*(gr.skip() for _ in range(output_count)), "", error_line(message), localize(idle_line, locale),
                *closed, None)

    def shown(prepared: Prepared, outputs: tuple, done: bool, locale: str) -> str:
        return present(endpoint, runtime, prepared, outputs, done, locale)

    def kept(prepared: Prepared, outputs: tuple, line: str, values) -> Shown:
        small = sum(len(value) for value in prepared.checked if isinstance(value, str)) <= MAX_KEPT_CHARS
        return Shown(endpoint.api_name, prepared if small else None, outputs if small else (), line,
                     typed_digest(endpoint.task, values))

    async def answers(values, earlier, locale, progress, request):
        earlier = earlier or None  # the session's `Shown` answer, if one is shown
        try:
            prepared = prepare(endpoint, tuple(values))
        except UserFacingError as exc:
            yield refused(message_of(exc), locale, earlier, values)
            return
        outputs, line = None, ""
        try:
            async for *outputs, line in responder.results(prepared, progress, request, locale):
                locale = page_language(request, locale)
                done = not endpoint.streaming
                yield (*outputs, shown(prepared, tuple(outputs), done, locale), clear, localize(line, locale), *why,
                       kept(prepared, tuple(outputs), line, values) if done else gr.skip())
        except PageError as exc:
            yield refused(exc.text, locale, earlier, values)
            return
        except gr.Error as exc:  # Gradio's own (an input the API sent wrong)
            yield refused(exc.message, locale, earlier, values)
            return
        if endpoint.streaming and outputs is not None:
            locale = page_language(request, locale)
            yield (*(gr.skip() for _ in outputs), shown(prepared, tuple(outputs), True, locale), gr.skip(),
                   localize(line, locale), *keep_why, kept(prepared, tuple(outputs), line, values))

    if endpoint.streaming:
        async def handler(*args):
            *values, earlier, locale, progress, request = args
            async for item in answers(values, earlier, locale, progress, request):
                yield item
    else:
        async def handler(*args):  # one answer: a plain function for Gradio, not a stream
            *values, earlier, locale, progress, request = args
            async for item in answers(values, earlier, locale, progress, request):
                return item

    params = [(p.name, p.default) for p in endpoint.params] + [("shown_answer", ""), ("ui_language", "en")]
    return with_gradio_signature(handler, params, f"{endpoint.api_name}_page")
