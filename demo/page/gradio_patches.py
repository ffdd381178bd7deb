"""Every place the app reaches into Gradio's internals (written for gradio 6.31.0), with the reason; each
has a test in tests/test_gradio_patches.py that fails loudly when Gradio changes under it."""

from __future__ import annotations

import copy
import inspect
import json
import os
import time
from typing import Any

import gradio as gr
import httpx
from fastapi import HTTPException
from gradio import networking, queueing
from gradio.exceptions import InvalidPathError
from gradio.server_messages import ProcessCompletedMessage
from gradio.state_holder import SessionState, StateHolder
from gradio.utils import get_upload_folder

from demo.admission import QUEUE_SIZE, TooMany, Waiting, admit, client_address
from demo.errors import excerpt
from demo.i18n import english_labels, is_key

MAX_UNREAD_PER_SESSION = 16


class LightSessionState(SessionState):
    """A session whose copy of every component's config (`config_values`, for re-rendering and deep links:
    unused here) starts empty, not built for all ~180 components (17 ms per new session; every REST call is
    one). Gradio fills what it needs (`_update_value_in_config`); `ShowcaseBlocks` empties it after each event."""

    def __init__(self, blocks):  # SessionState.__init__ as in gradio 6.31, less the eager copy
        self.blocks_config = copy.copy(blocks.default_config)
        self.config_values = {}
        self.state_data = {}
        self._state_ttl = {}
        self.is_closed = False
        self.STATE_TTL_WHEN_CLOSED = 1 if os.getenv("GRADIO_IS_E2E_TEST", None) else 3600


class LightStateHolder(StateHolder):
    """Gradio's session store, making `LightSessionState`s."""

    def __getitem__(self, session_id: str) -> SessionState:
        if session_id not in self.session_data:
            self.session_data[session_id] = LightSessionState(self.blocks)
        return super().__getitem__(session_id)


class ShowcaseBlocks(gr.Blocks):
    """Blocks that let API callers omit trailing optional parameters (they get the UI defaults), say which
    values are missing, keep no user input after its request (Gradio copies every event's values into
    the session's config, up to 200,000 characters a text box, for hundreds of sessions: dropped after
    each event), and answer a path that is not this page's upload with a message, not a traceback."""

    @property
    def state_holder(self) -> StateHolder:
        return self.__dict__["state_holder"]

    @state_holder.setter
    def state_holder(self, holder: StateHolder) -> None:
        """Gradio hands each launch's session store to the Blocks here (`StateHolder.set_blocks`)."""
        holder.__class__ = LightStateHolder
        self.__dict__["state_holder"] = holder

    async def process_api(self, block_fn, inputs, state=None, *args, **kwargs):
        try:
            return await super().process_api(block_fn, inputs, state, *args, **kwargs)
        except InvalidPathError:
            raise gr.Error("That file is not one this page uploaded. Please choose the file again.",
                           print_exception=False) from None
        finally:
            if state is not None:
                state.config_values.clear()

    def get_api_info(self, *args, **kwargs):
        """The API's description with every label in English: the page translates its labels in the
        browser (`demo.i18n`), but API clients read them as plain strings."""
        return english_labels(super().get_api_info(*args, **kwargs))

    def validate_inputs(self, block_fn, inputs: list[Any]) -> None:
        """Fill in the defaults of trailing optional inputs; name the missing required ones (Gradio's
        own message is hidden from clients with `show_error=False`, which answered `{"error": null}`)."""
        names = [p.name for p in _parameters(block_fn)]
        if len(inputs) > len(block_fn.inputs):  # extra values were dropped without a word
            raise gr.Error(f"This endpoint takes at most {len(block_fn.inputs)} value"
                           f"{'s' * (len(block_fn.inputs) != 1)} ({', '.join(names[:len(block_fn.inputs)])}); "
                           f"the request sent {len(inputs)}.", print_exception=False)
        for position, (component, value) in enumerate(zip(block_fn.inputs, inputs)):
            if isinstance(component, gr.Textbox) and value is not None and not isinstance(value, str):
                name = names[position] if position < len(names) else f"value {position + 1}"
                raise gr.Error(f"{name} must be text (a JSON string); got {excerpt(json.dumps(value), 40)}.",
                               print_exception=False)  # Gradio read true as the text "True"
        missing = block_fn.inputs[len(inputs):]
        if all(getattr(c, "value", None) is not None for c in missing):
            inputs.extend(c.value for c in missing)
        elif missing:
            needed = len(block_fn.inputs) - sum(getattr(c, "value", None) is not None for c in block_fn.inputs)
            raise gr.Error(f"This endpoint needs at least {needed} value{'s' * (needed != 1)} "
                           f"({', '.join(names[: max(needed, 1)])}); the request sent {len(inputs)}.",
                           print_exception=False)
        super().validate_inputs(block_fn, inputs)


def _parameters(block_fn) -> list:
    try:
        return list(inspect.signature(block_fn.fn).parameters.values())
    except (TypeError, ValueError):  # a function without a signature Gradio reads
        return []


class FairQueue(queueing.Queue):
    """Gradio's queue with fair admission (`demo.admission`: no public hook; `push` accepts an event,
    `event_ids_to_events` holds every queued or running one) and at most `MAX_UNREAD_PER_SESSION` unread
    events per session (Gradio keeps an event's messages until read: ~60 KB an event, never read)."""

    trusted_proxies: frozenset[str] = frozenset()

    async def push(self, body, request, username):
        unread = self.pending_event_ids_session.get(body.session_hash) or ()
        if body.session_hash is not None and len(unread) >= MAX_UNREAD_PER_SESSION:
            return (False, f"Too many requests from this session are waiting to be read "
                           f"(at most {MAX_UNREAD_PER_SESSION}). Read their results first.", "queue_full")
        client = client_address(request.client.host if request.client else None, request.headers,
                                self.trusted_proxies)
        if body.fn_index not in self.blocks.fns:  # Gradio answered 500 with a traceback in its log
            raise HTTPException(status_code=404, detail=f"No event handler has fn_index {excerpt(body.fn_index, 20)}.")
        try:
            admit(self.blocks.fns[body.fn_index].concurrency_id, client, self._held())
        except TooMany as refused:
            raise HTTPException(status_code=refused.status, detail=str(refused)) from None
        answer = await super().push(body, request, username)
        event = self.event_ids_to_events.get(answer[1]) if answer[0] else None
        if event is not None:
            event.client_address = client
        return answer

    def send_message(self, event, event_message) -> None:
        if isinstance(event_message, ProcessCompletedMessage):  # Gradio drops the event only after its
            event.answered = True  # clean-up: a client's next request was refused "already have 1" meanwhile
        super().send_message(event, event_message)

    def _held(self) -> list[Waiting]:
        waiting = {id(e) for q in self.event_queue_per_concurrency_id.values() for e in q.queue}
        return [Waiting(e.concurrency_id, getattr(e, "client_address", ""), id(e) not in waiting)
                for e in list(self.event_ids_to_events.values()) if not getattr(e, "answered", False)]


def use_fair_queue(app: gr.Blocks) -> None:
    """Turn on the app's queue as a `FairQueue` (Gradio builds its own queue object in `queue()`,
    with no way to pass another class)."""
    app.queue(max_size=QUEUE_SIZE)
    app._queue.__class__ = FairQueue


def trust_proxies(app: gr.Blocks, addresses: frozenset[str]) -> None:
    """Read the client's address from X-Forwarded-For when the peer is one of `addresses`."""
    app._queue.trusted_proxies = addresses


def stream_held(app: gr.Blocks, event_id: str | None, session_hash: str | None) -> bool:
    """Whether Gradio's queue holds messages for this event (found as its result route finds it) or
    session: exactly the check Gradio makes once the stream has started, made before it starts."""
    queue = app._queue
    if event_id is not None:
        event = queue.event_ids_to_events.get(event_id)
        session_hash = event.session_hash if event is not None else next(
            (s for s, ids in list(queue.pending_event_ids_session.items()) if event_id in ids), event_id)
    return session_hash in queue.pending_messages_per_session


def _queue_and_session(request: gr.Request | None):
    """Gradio's queue and the request's session hash, or (None, None) outside a queued event."""
    fastapi_request, session = getattr(request, "request", None), getattr(request, "session_hash", None)
    blocks = getattr(getattr(fastapi_request, "app", None), "get_blocks", lambda: None)()
    return (blocks._queue, session) if blocks is not None and session is not None else (None, None)


def client_gone(request: gr.Request | None) -> bool:
    """Whether the client of this request closed its stream (a closed tab, a dropped API call): Gradio
    marks the session's events `alive = False` and stops a generator at its next yield, but a plain
    function runs on; this is how its work learns it (no public API says so)."""
    queue, session = _queue_and_session(request)
    if queue is None:
        return False
    events = [e for e in list(queue.event_ids_to_events.values()) if e.session_hash == session]
    return bool(events) and not any(e.alive for e in events)


def unread_messages(request: gr.Request | None) -> int:
    """How many messages of this request's session wait for a reader: messages that stay are work nobody
    reads (a `/call` posted and never fetched), which Gradio would go on producing to its end."""
    queue, session = _queue_and_session(request)
    messages = queue.pending_messages_per_session.get(session) if queue is not None else None
    return messages.qsize() if messages is not None else 0


def upload_folder() -> str:
    """Where Gradio keeps uploads (GRADIO_TEMP_DIR, else its default): the gate keeps it bounded."""
    return get_upload_folder()


def raw_values(component):
    """A slider's or number field's raw value for the task's check, which names the parameter and its range
    (Gradio's refusal names neither). Set on the instance: a subclass makes Gradio write a type stub."""
    component.preprocess = lambda payload: payload
    return component


def with_gradio_signature(fn, params: list[tuple[str, Any]], name: str, request_only: bool = False):
    """An event function with the signature Gradio reads: one positional parameter per input (its default,
    or none when required), then `progress` and `request`, filled only where positional (`special_args`)."""
    positional = inspect.Parameter.POSITIONAL_OR_KEYWORD
    parameters = [inspect.Parameter(p, positional, default=inspect.Parameter.empty if d is None else d)
                  for p, d in params]
    if not request_only:
        parameters.append(inspect.Parameter("progress", positional, default=gr.Progress()))
    parameters.append(inspect.Parameter("request", positional, default=None, annotation=gr.Request))
    fn.__annotations__ = {"request": gr.Request}
    fn.__signature__ = inspect.Signature(parameters)
    fn.__name__ = name
    return fn


def translation_key(prop) -> str | None:
    """The i18n key a component's prop holds, if any: a label keeps the `gr.I18n` key object, but a
    text value is stored already serialised (`__i18n__{"key": ...}`)."""
    if is_key(prop):
        return prop.key
    if isinstance(prop, str) and prop.startswith(I18N_PREFIX):
        return json.loads(prop.removeprefix(I18N_PREFIX)).get("key")
    return None


I18N_PREFIX = "__i18n__"


def name_example_columns(examples: gr.Examples, headers: list[str]) -> gr.Dataset:
    """The examples table (returned) with its column names in the page's language: Gradio shows the inputs'
    labels untranslated (an i18n key as the key)."""
    examples.dataset.headers = headers
    return examples.dataset


def api_names(app: gr.Blocks) -> set[str]:
    return {fn.api_name for fn in app.fns.values() if fn.api_name}


def written_blocks(app: gr.Blocks) -> set[int]:  # the ids of what some event writes
    return {id(block) for fn in app.fns.values() for block in fn.outputs}  # answers, status lines


STARTUP_CHECK_S = 60.0  # how long launch waits for the page it serves to answer its own check
ANSWERED = frozenset({200, 401, 301, 302, 303, 307, 308})  # what Gradio's check counts as an answer


def patient_url_ok(url: str) -> bool:
    """`gradio.networking.url_ok`, waiting up to STARTUP_CHECK_S: launch's one check of its own page stopped
    the process ("When localhost is not accessible…") when a HEAD took 3 s on a busy 2-core machine."""
    deadline = time.monotonic() + STARTUP_CHECK_S
    while True:
        try:
            if httpx.head(url, timeout=10, verify=False).status_code in ANSWERED:
                return True
        except (httpx.ConnectError, httpx.TimeoutException):
            pass
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)


def wait_patiently_for_the_page() -> None:
    networking.url_ok = patient_url_ok  # launch's check of its own page, read at call time, waits as above


def readable_mcp_refusals() -> None:
    """An MCP tool call runs through Gradio's own client on the app's internal URL: a refusal (429, 413)
    reached the caller as httpx's error with that URL. It is the app's own message now."""
    from gradio.mcp import GradioMCPServer

    for name in ("_execute_tool_without_progress", "_execute_tool_with_progress"):
        original = getattr(GradioMCPServer, name)
        if getattr(original, "readable", False):
            continue

        async def said_plainly(self, *args, _original=original, **kwargs):
            try:
                return await _original(self, *args, **kwargs)
            except httpx.HTTPStatusError as refused:
                try:
                    message = refused.response.json().get("detail") or refused.response.reason_phrase
                except (ValueError, AttributeError, httpx.ResponseNotRead):
                    message = refused.response.reason_phrase
                raise RuntimeError(str(message)) from None

        said_plainly.readable = True
        setattr(GradioMCPServer, name, said_plainly)


def serve_value(blocks, component, value) -> None:
    """What a component shows on every page opened from now on. Gradio serves a new page from the
    config it made at launch (`blocks.config`), not from the component: a line built before the models
    loaded ("Waiting to load") would be each new page's first paint until its first refresh."""
    component.value = value
    for entry in (getattr(blocks, "config", None) or {}).get("components", []):
        if entry.get("id") == component._id:
            entry.setdefault("props", {})["value"] = value
