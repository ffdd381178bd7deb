"""The application factory: settings in, a ready (not yet launched) Gradio app out."""

from __future__ import annotations

import logging
import os

from demo.inference import InferenceWorker
from demo.profiles import plan
from demo.runtime import Runtime
from demo.settings import Settings
from demo.ui import CSS, build_app

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
log = logging.getLogger(__name__)

MAX_UPLOAD = "1kb"  # a text-only app accepts no real uploads
# Gradio keeps ~120 KB of block config per session, and every REST call is a new session: its
# default of 10,000 sessions grows the server by ~1.2 GB under traffic. The app keeps no per-user
# state, so a few hundred recent sessions (far more than the queue admits at once) are enough.
SESSION_CAPACITY = 500


def create_runtime(settings: Settings) -> Runtime:
    return Runtime(plan(settings.profile, settings.models), worker=InferenceWorker(settings.max_batch),
                   int8=settings.int8)


def create_app(settings: Settings, runtime: Runtime | None = None):
    """Build the app and start loading its models: before serving with `preload`, in the background
    by default, on first use with `lazy`."""
    runtime = runtime or create_runtime(settings)
    if settings.preload:
        runtime.preload(lambda fraction, message: log.info(message))
    app = build_app(runtime)
    if not settings.preload and not settings.lazy:
        runtime.start_background_load()
    return app


def launch(app, settings: Settings, **kwargs):
    """Launch with the safe defaults: no share tunnel, no error internals, tiny uploads."""
    return app.launch(
        server_name=settings.host,
        server_port=settings.port,
        share=False,
        show_error=False,
        max_file_size=MAX_UPLOAD,
        state_session_capacity=SESSION_CAPACITY,
        footer_links=["api"],
        css=CSS,
        **kwargs,
    )
