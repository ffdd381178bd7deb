"""Each Gradio internal that demo/gradio_patches.py relies on is still there, as it was in gradio 6.31."""

from __future__ import annotations

import inspect

import gradio as gr
from gradio import queueing

from demo.gradio_patches import FairQueue, ShowcaseBlocks, client_gone


def test_the_queue_still_accepts_events_in_push_and_holds_them_where_fair_queue_counts():
    assert list(inspect.signature(queueing.Queue.push).parameters) == ["self", "body", "request", "username"]
    queue_init = inspect.getsource(queueing.Queue.__init__)
    for attribute in ("pending_event_ids_session", "event_ids_to_events", "event_queue_per_concurrency_id"):
        assert f"self.{attribute}" in queue_init, attribute
    event_init = inspect.getsource(queueing.Event.__init__)
    assert "self.alive = True" in event_init and "self.concurrency_id" in event_init
    assert "self.queue: list[Event]" in inspect.getsource(queueing.EventQueue.__init__)
    assert issubclass(FairQueue, queueing.Queue)


def test_a_closed_stream_still_marks_its_sessions_events_dead():
    assert "job.alive = False" in inspect.getsource(queueing.Queue.clean_events)
    assert client_gone(None) is False


def test_blocks_still_copy_values_into_the_session_config_and_validate_inputs_as_wrapped(launched_app):
    from gradio.state_holder import SessionState

    assert "config_values" in inspect.getsource(SessionState)
    assert list(inspect.signature(gr.Blocks.validate_inputs).parameters) == ["self", "block_fn", "inputs"]
    assert "process_api" in vars(ShowcaseBlocks) and isinstance(launched_app, ShowcaseBlocks)
    assert isinstance(launched_app._queue, FairQueue)
