"""Each Gradio internal that demo/page/gradio_patches.py relies on is still there, as it was in gradio 6.31."""

from __future__ import annotations

import inspect
from pathlib import Path

import gradio as gr
from gradio import queueing

from demo.page.gradio_assets import GRADIO_CSS
from demo.page.gradio_patches import (FairQueue, ShowcaseBlocks, client_gone, name_example_columns, raw_values,
                                      upload_folder, with_gradio_signature)


def test_the_queue_still_accepts_events_in_push_and_holds_them_where_fair_queue_counts():
    assert list(inspect.signature(queueing.Queue.push).parameters) == ["self", "body", "request", "username"]
    queue_init = inspect.getsource(queueing.Queue.__init__)
    for attribute in ("pending_event_ids_session", "event_ids_to_events", "event_queue_per_concurrency_id"):
        assert f"self.{attribute}" in queue_init, attribute
    event_init = inspect.getsource(queueing.Event.__init__)
    assert "self.alive = True" in event_init and "self.concurrency_id" in event_init
    assert "self.queue: list[Event]" in inspect.getsource(queueing.EventQueue.__init__)
    assert issubclass(FairQueue, queueing.Queue)
    # an answer goes out through `send_message` before the event is dropped: FairQueue stops counting it there
    assert list(inspect.signature(queueing.Queue.send_message).parameters) == ["self", "event", "event_message"]
    assert "ProcessCompletedMessage(" in inspect.getsource(queueing.Queue.process_events)
    assert "self.event_ids_to_events.pop(event._id, None)" in inspect.getsource(queueing.Queue.process_events)


def test_a_closed_stream_still_marks_its_sessions_events_dead():
    assert "job.alive = False" in inspect.getsource(queueing.Queue.clean_events)
    assert client_gone(None) is False


def test_blocks_still_copy_values_into_the_session_config_and_validate_inputs_as_wrapped(launched_app):
    from gradio.state_holder import SessionState

    assert "config_values" in inspect.getsource(SessionState)
    assert list(inspect.signature(gr.Blocks.validate_inputs).parameters) == ["self", "block_fn", "inputs"]
    assert "process_api" in vars(ShowcaseBlocks) and isinstance(launched_app, ShowcaseBlocks)
    assert isinstance(launched_app._queue, FairQueue)


GRADIO = Path(gr.__file__).parent
ASSETS = GRADIO / "templates" / "frontend" / "assets"


def test_the_css_still_names_classes_gradio_uses():
    styles = "".join(path.read_text(encoding="utf-8") for path in ASSETS.glob("*.css"))
    for name in ("gradio-container", "tab-like-container"):
        assert name in GRADIO_CSS and f".{name}" in styles, name


def test_raw_values_still_reach_the_task_and_the_examples_headers_are_still_read():
    slider = raw_values(gr.Slider(1, 50, value=5))
    assert slider.preprocess(500) == 500 and slider.get_block_name() == "slider"
    assert "self.headers" in inspect.getsource(gr.Dataset.__init__)
    with gr.Blocks():
        box = gr.Textbox(label="Text")
        examples = gr.Examples([["a"]], [box])
        assert name_example_columns(examples, ["Texte"]) is examples.dataset
    assert examples.dataset.headers == ["Texte"] and examples.dataset.get_config()["headers"] == ["Texte"]


def test_special_arguments_are_still_filled_from_a_synthesised_signature():
    from gradio import helpers

    def handler(*args):
        return args

    with_gradio_signature(handler, [("text", None), ("top_k", 5)], "probe")
    assert list(inspect.signature(handler).parameters) == ["text", "top_k", "progress", "request"]
    assert "inspect.signature(fn)" in inspect.getsource(helpers.special_args)
    assert handler.__name__ == "probe"


def test_the_upload_folder_is_still_where_gradio_keeps_uploads(monkeypatch, tmp_path):
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path))
    assert upload_folder() == str(tmp_path)


def test_a_light_session_still_has_every_attribute_of_gradios_own_and_starts_without_the_config_copy(launched_app):
    from gradio.state_holder import SessionState

    from demo.page.gradio_patches import LightSessionState, LightStateHolder

    real, light = SessionState(launched_app), LightSessionState(launched_app)
    assert set(vars(real)) == set(vars(light)) and light.config_values == {} and real.config_values
    assert "SessionState(self.blocks)" in inspect.getsource(type(launched_app.state_holder).__mro__[1].__getitem__)
    assert isinstance(launched_app.state_holder, LightStateHolder)
    assert "blocks.state_holder = self" in inspect.getsource(type(launched_app.state_holder).set_blocks)


def test_the_result_streams_still_look_for_their_session_where_stream_held_does():
    """`stream_held` repeats the check Gradio makes inside a started stream (`pending_messages_per_session`)
    and finds an event's session as its `/call` result route does (`pending_event_ids_session`)."""
    from gradio import routes

    source = inspect.getsource(routes)
    assert "not in blocks._queue.pending_messages_per_session" in source
    assert "queue.pending_event_ids_session.items()" in source
    assert "self.pending_messages_per_session" in inspect.getsource(queueing.Queue.__init__)


def test_unknown_handlers_events_and_sessions_get_a_clear_404_and_the_app_serves_on(base_url):
    """Gradio answered 500 for an unknown fn_index, and dropped the connection with a traceback in the
    log for an unknown event or session."""
    import uuid

    import httpx

    from bench.server import call

    with httpx.Client(timeout=30) as http:
        for fn_index in (99999, -1):
            joined = http.post(f"{base_url}/gradio_api/queue/join", json={
                "data": [], "fn_index": fn_index, "trigger_id": 1, "session_hash": uuid.uuid4().hex})
            assert joined.status_code == 404 and f"No event handler has fn_index {fn_index}" in joined.text
        for url in (f"{base_url}/gradio_api/call/sentiment/{uuid.uuid4().hex}",
                    f"{base_url}/gradio_api/queue/data?session_hash={uuid.uuid4().hex}"):
            answer = http.get(url)
            assert answer.status_code == 404 and "No such event or session" in answer.text, url
        assert call(http, base_url, "sentiment", ["Still serving."])[0] == "complete"


def test_launch_still_stops_the_app_when_its_own_page_fails_gradios_check():
    source = inspect.getsource(gr.Blocks.launch)
    assert "networking.url_ok(self.local_url)" in source and "localhost is not accessible" in source


def slow_page(delay_s: float):
    """A real HTTP server on loopback whose page answers a HEAD after `delay_s`; yields its URL."""
    import http.server
    import threading
    import time

    class Slow(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self):  # noqa: N802 - the handler's name for HEAD
            time.sleep(delay_s)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def test_a_page_that_answers_its_check_in_4_s_is_served_and_one_that_never_does_is_not(monkeypatch):
    """Gradio's own check gives up on one HEAD over 3 s (a busy machine stopped a replica at start)."""
    import importlib.util

    from gradio import networking

    from demo.page import gradio_patches
    from demo.page.gradio_patches import patient_url_ok

    # Gradio's own check, from its source (a launched app has replaced the module's attribute)
    spec = importlib.util.spec_from_file_location("gradio_networking_as_shipped", networking.__file__)
    shipped = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shipped)
    server, url = slow_page(4.0)
    try:
        assert shipped.url_ok(url) is False  # Gradio's: the app would stop
        assert patient_url_ok(url) is True
    finally:
        server.shutdown()
    monkeypatch.setattr(gradio_patches, "STARTUP_CHECK_S", 1.0)
    server.server_close()
    assert patient_url_ok(url) is False  # nothing listens there any more: it gives up after the wait


def test_a_value_served_after_launch_is_what_a_new_page_paints_first():
    """Gradio serves a new page from the config made at launch: `serve_value` changes it there too."""
    import httpx

    from bench.server import free_port
    from demo.page.gradio_patches import serve_value

    with gr.Blocks() as blocks:
        line = gr.Markdown("**Waiting to load**", elem_id="line")
    port = free_port()
    blocks.launch(server_port=port, prevent_thread_lock=True, quiet=True)
    try:
        def served() -> str:
            config = httpx.get(f"http://127.0.0.1:{port}/config", timeout=30).json()
            return next(c["props"]["value"] for c in config["components"] if c["props"].get("elem_id") == "line")

        assert served() == "**Waiting to load**"
        serve_value(blocks, line, "**Model ready.**")
        assert served() == "**Model ready.**"
    finally:
        blocks.close()
