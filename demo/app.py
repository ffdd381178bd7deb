"""The application factory: settings in, a ready (not yet launched) Gradio app out."""

from __future__ import annotations

import functools
import logging
import os
import socket

from demo.inference import InferenceWorker
from demo.profiles import plan, probe_hub
from demo.runtime import Runtime
from demo.settings import Settings
from demo.i18n import I18N
from demo.ui import CSS, build_app

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
log = logging.getLogger(__name__)

MAX_UPLOAD = "2mb"  # the one upload is the scorecard's CSV (demo/scorecard.py: MAX_CSV_BYTES)
MAX_BODY_BYTES = 1_000_000  # the longest text accepted (200,000 characters) fits, as UTF-8 JSON, with room
UPLOAD_PATH = "/gradio_api/upload"
MAX_UPLOAD_BODY_BYTES = 2_000_000 + 64_000  # a 2 MB CSV and its multipart envelope; every other body: 1 MB
# Gradio keeps ~120 KB of block config per session, and every REST call is a new session: its
# default of 10,000 sessions grows the server by ~1.2 GB under traffic. The app keeps no per-user
# state, so a few hundred recent sessions (far more than the queue admits at once) are enough.
SESSION_CAPACITY = 500


def port_in_use(host: str, port: int) -> str | None:
    """Why the app cannot listen on host:port, checked before any model loads; None when it can."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        # as the server will: a port whose last connections are still closing (TIME_WAIT) is free
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            return (f"cannot listen on {host}:{port} ({exc.strerror}); "
                    "choose another port with --port or GRADIO_SERVER_PORT")
    return None


def create_runtime(settings: Settings) -> Runtime:
    hub_problem = functools.cache(probe_hub)  # asked at most once for both languages
    return Runtime(plan(settings.profile, settings.models, hub_problem),
                   plan_zh=plan(settings.profile, settings.models, hub_problem, language="zh"),
                   worker=InferenceWorker(settings.max_batch), int8=settings.int8)


def create_app(settings: Settings, runtime: Runtime | None = None):
    """Build the app; with `settings.preload`, load and warm every model first."""
    runtime = runtime or create_runtime(settings)
    if settings.preload:
        runtime.preload(lambda fraction, message: log.info(message))
    return build_app(runtime)


class BodyLimit:
    """ASGI middleware: a request body over `max_bytes` is refused with 413 before it is parsed.

    Checked against Content-Length when sent; a body without one (chunked) is read up to the limit
    first. Either way a huge body never reaches Gradio's JSON parser or its memory.
    """

    def __init__(self, app, max_bytes: int = MAX_BODY_BYTES, max_upload_bytes: int = MAX_UPLOAD_BODY_BYTES):
        self.app = app
        self.max_bytes = max_bytes
        self.max_upload_bytes = max_upload_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.max_upload_bytes if scope.get("path", "").endswith(UPLOAD_PATH) else self.max_bytes
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            if not declared.isdigit() or int(declared) > limit:
                return await self._refuse(send, limit)
            return await self.app(scope, receive, send)
        # no declared length (chunked): read at most max_bytes + 1, then hand the body on
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > limit:
                return await self._refuse(send, limit)
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, send, limit: int) -> None:
        text = (f"Request body too large: the limit is {limit:,} bytes. "
                "Texts of up to 200,000 characters, and CSV files of up to 2 MB, fit.").encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(text)).encode()), (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": text})


def launch(app, settings: Settings, prevent_thread_lock: bool = False, **kwargs):
    """Launch with the safe defaults (no share tunnel, no error internals, tiny uploads, bounded
    bodies), then load the models in the background unless `preload` or `lazy` says otherwise:
    the page is served first, and the loads do not slow its start."""
    from starlette.middleware import Middleware

    served = app.launch(
        server_name=settings.host,
        server_port=settings.port,
        share=False,
        show_error=False,
        max_file_size=MAX_UPLOAD,
        state_session_capacity=SESSION_CAPACITY,
        footer_links=["api"],
        css=CSS,
        i18n=I18N,
        app_kwargs={"middleware": [Middleware(BodyLimit)]},
        prevent_thread_lock=True,
        **kwargs,
    )
    if not settings.preload and not settings.lazy:
        app.runtime.start_background_load()
    if not prevent_thread_lock:
        app.block_thread()
    return served
