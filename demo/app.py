"""The application factory: settings in, a ready (not yet launched) Gradio app out."""

from __future__ import annotations

import functools
import logging
import os
import socket
from pathlib import Path

from demo.engines import zerogpu
from demo.profiles import plan, probe_hub
from demo.runtime import Runtime
from demo.settings import Settings
from demo.gate import RequestGate, UploadBook
from demo.csv_files import keep_folder_swept
from demo.i18n import PAGE_TEXTS
from demo.page.builder import CSS, build_app, page_script
from demo.page.gradio_patches import (api_names, readable_mcp_refusals, stream_held, trust_proxies, upload_folder,
                                      wait_patiently_for_the_page)

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
log = logging.getLogger(__name__)

MAX_UPLOAD = "2mb"  # the one upload is the scorecard's CSV (demo/scorecard.py: MAX_CSV_BYTES)
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
                   worker=zerogpu.worker(settings.max_batch), int8=settings.int8,
                   compare_sides=settings.compare_sides == "start")


def create_app(settings: Settings, runtime: Runtime | None = None):
    """Build the app; with `settings.preload`, load and warm every model first."""
    runtime = runtime or create_runtime(settings)
    # Gradio imports matplotlib on the event loop at the first event (seconds on a busy CPU, and
    # under the import lock, which a model load may hold): imported here, once, before serving
    import matplotlib  # noqa: F401
    # the page is built saying what will happen: the models load in the background right after launch
    runtime.loading_in_background = not (settings.preload or settings.lazy or zerogpu.active())
    if settings.preload or zerogpu.active():  # ZeroGPU packs the weights at launch: they load first
        runtime.preload(lambda fraction, message: log.info(message))
    app = build_app(runtime)
    if runtime.warm and not zerogpu.active():  # the page's endpoints time themselves once (their forecasts)
        runtime.run_after_warm_up()
    return app


def launch(app, settings: Settings, prevent_thread_lock: bool = False, **kwargs):
    """Launch with the safe defaults (no share tunnel, no error internals, tiny uploads, bounded
    bodies, fair admission), then load the models in the background unless `preload` or `lazy` says
    otherwise: the page is served first, and the loads do not slow its start."""
    from starlette.middleware import Middleware

    endpoint_names = api_names(app)
    gate = Middleware(RequestGate, api_names=lambda: endpoint_names, trusted_proxies=settings.trusted_proxies,
                      uploads=UploadBook(lambda: Path(upload_folder())),
                      stream_held=lambda event_id, session: stream_held(app, event_id, session),
                      file_folder=lambda: Path(upload_folder()))
    trust_proxies(app, settings.trusted_proxies)
    keep_folder_swept(Path(upload_folder()))  # every file a request made, whoever made it
    wait_patiently_for_the_page()
    if settings.mcp:
        readable_mcp_refusals()

    served = app.launch(
        server_name=settings.host,
        server_port=settings.port,
        share=False,
        show_error=False,
        max_file_size=MAX_UPLOAD,
        state_session_capacity=SESSION_CAPACITY,
        footer_links=["api"],  # not Gradio's Settings: its language setting would not move the texts the switch sets
        css=CSS,
        js=page_script(settings.presenter),
        i18n=PAGE_TEXTS.gradio_i18n(),
        app_kwargs={"middleware": [gate]},
        mcp_server=settings.mcp,
        run_history=False,  # a shared presenter laptop keeps no visitor's runs in its browser
        prevent_thread_lock=True,
        **{"quiet": True} | kwargs,  # Gradio's own lines hint at its share tunnel, which this app turns off
    )
    log.info("the page is served at %s", app.local_url)
    if not settings.preload and not settings.lazy and not zerogpu.active():
        app.runtime.start_background_load()
    if not prevent_thread_lock:
        app.block_thread()
    return served
