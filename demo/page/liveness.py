"""A request's work runs only while its client wants it: in a worker thread inside a request scope
that a closed tab, a stream nobody reads, or Stop ends (queued model work dropped, running work
stopped at its next checkpoint)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import anyio
import gradio as gr

from demo.page.gradio_patches import client_gone, unread_messages
from demo.scope import RequestScope, run_in_scope

log = logging.getLogger(__name__)

LIVENESS_POLL_S = 0.25  # how often a running request looks whether its client is still there
UNREAD_LIMIT_S = 20.0  # work whose messages nobody has read for this long is stopped
_DONE = object()  # the end of a stream, handed across the thread boundary


async def while_wanted(request: gr.Request | None, scope: RequestScope, fn: Callable, *args: Any) -> Any:
    """`fn(*args)` in a worker thread inside `scope`; once the client is gone (a closed tab or
    stream) or has left its messages unread for `UNREAD_LIMIT_S`, the scope is cancelled: queued
    model work is dropped, running work stops at its next checkpoint. Gradio itself only stops a
    generator, at its next yield, and only when a stream it knew of closes."""
    work = asyncio.ensure_future(anyio.to_thread.run_sync(run_in_scope, scope, fn, *args, abandon_on_cancel=True))
    try:
        while not (await asyncio.wait({work}, timeout=LIVENESS_POLL_S))[0]:
            if client_gone(request) or not_read(request, scope):
                scope.cancel()
        return work.result()
    finally:
        work.cancel()


def not_read(request: gr.Request | None, scope: RequestScope) -> bool:
    """Whether the request's messages have waited for a reader for `UNREAD_LIMIT_S` (measured on the
    scope, across a stream's pieces)."""
    now = time.monotonic()
    if not unread_messages(request):
        scope.unread_since = None
        return False
    scope.unread_since = scope.unread_since or now
    if now - scope.unread_since < UNREAD_LIMIT_S:
        return False
    log.info("stopping work whose messages nobody read for %.0f s", now - scope.unread_since)
    return True


async def stream_in_scope(pieces_of: Callable, request: gr.Request | None, stoppable: dict[str, RequestScope]):
    """Yield what the generator `pieces_of(scope)` yields, each step run in a worker thread inside a
    `RequestScope`, listed in `stoppable` under the request's session while it runs (so that Stop can
    reach it): the one the page listed as Stop turned on, or a new one. On the end or a cancel the scope
    is cancelled: queued model work is dropped."""
    session = getattr(request, "session_hash", None)
    listed = stoppable.get(session) if session else None
    scope = listed if listed is not None and not listed.cancelled.is_set() else RequestScope()
    if session:
        stoppable[session] = scope
    pieces = pieces_of(scope)
    try:
        while (item := await while_wanted(request, scope, next, pieces, _DONE)) is not _DONE:
            if scope.cancelled.is_set() or not_read(request, scope):  # Gradio would go on asking for pieces
                return
            yield item
    finally:
        scope.cancel()  # after the end this is a no-op; on cancel it drops the work
        if session and stoppable.get(session) is scope:
            del stoppable[session]
