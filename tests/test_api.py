"""The launched app through its public API: gradio_client and raw REST, as users call it."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from gradio_client.exceptions import AppError

TEXTS = {"/sentiment": 1, "/fill_mask": 1, "/next_sentence": 2, "/generate": 1}
CONTRACT = {
    "/sentiment": ["text"],
    "/fill_mask": ["text", "top_k"],
    "/next_sentence": ["sentence_a", "sentence_b"],
    "/generate": ["prompt", "max_new_tokens", "temperature", "top_p", "top_k", "repetition_penalty", "seed"],
}


def rest_call(base_url: str, api_name: str, data: list) -> list[tuple[str, object]]:
    """POST /gradio_api/call/NAME then read its event stream, as curl does."""
    event = httpx.post(f"{base_url}/gradio_api/call/{api_name}", json={"data": data}, timeout=30).json()
    events, kind = [], None
    with httpx.stream("GET", f"{base_url}/gradio_api/call/{api_name}/{event['event_id']}", timeout=60) as stream:
        for line in stream.iter_lines():
            if line.startswith("event:"):
                kind = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                events.append((kind, json.loads(line.split(":", 1)[1])))
    return events


def test_api_names_and_parameter_order_are_the_contract(client):
    endpoints = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    for name, params in CONTRACT.items():
        parameters = endpoints[name]["parameters"]
        assert [p["parameter_name"] for p in parameters] == params
        assert all(p["parameter_has_default"] for p in parameters[TEXTS[name] :])


def test_sentiment_first_output_is_the_label(client):
    label, status = client.predict("A wonderful film.", api_name="/sentiment")
    assert {c["label"] for c in label["confidences"]} == {"POSITIVE", "NEGATIVE"}
    assert "cpu · float32" in status and "Answered by" in status and " s." in status


def test_fill_mask_with_text_only_uses_default_top_k(client):
    label, filled, table = client.predict("The [MASK] sat.", api_name="/fill_mask")[:3]
    assert len(label["confidences"]) == 5
    assert "[MASK]" not in filled and table["headers"] == ["mask", "rank", "word", "probability"]


def test_next_sentence_first_output_is_the_label(client):
    label = client.predict("I was hungry.", "So I ate.", api_name="/next_sentence")[0]
    assert {c["label"] for c in label["confidences"]} == {"IsNext", "NotNext"}


def test_generate_streams_partial_text_through_the_client(client):
    job = client.submit("Once upon a time", 400, 1.0, 1.0, 0, 1.0, 3, api_name="/generate")
    outputs = [out[0] for out in job]
    assert len(outputs) >= 3
    assert all(o.startswith("Once upon a time") for o in outputs)
    assert len(set(outputs)) >= 3  # the text really grew in steps


@pytest.mark.parametrize("api_name, data, first_output_check", [
    ("sentiment", ["Great!"], lambda out: {c["label"] for c in out["confidences"]} == {"POSITIVE", "NEGATIVE"}),
    ("fill_mask", ["The [MASK] sat."], lambda out: len(out["confidences"]) == 5),
    ("next_sentence", ["A.", "B."], lambda out: out["label"] in {"IsNext", "NotNext"}),
    ("generate", ["Hello"], lambda out: out.startswith("Hello")),
])
def test_rest_callers_may_send_only_the_text(base_url, api_name, data, first_output_check):
    events = rest_call(base_url, api_name, data)
    kinds = [k for k, _ in events]
    assert kinds[-1] == "complete", events
    assert first_output_check(events[-1][1][0])


def test_generate_streams_over_rest(base_url):
    events = rest_call(base_url, "generate", ["Once upon a time", 400, 1.0, 1.0, 0, 1.0, 5])
    assert [k for k, _ in events].count("generating") >= 2


BAD_INPUTS = [
    ("/sentiment", [""], "empty"),
    ("/sentiment", ["   "], "empty"),
    ("/sentiment", [None], "missing"),
    ("/fill_mask", ["no mask here", 5], "No mask found"),
    ("/fill_mask", ["The [MASK].", 0], "top_k must be a whole number from 1 to 50"),
    ("/fill_mask", [" ".join(["[MASK]"] * 11), 5], "at most 10"),
    ("/next_sentence", ["", "B"], "Sentence A is empty"),
    ("/next_sentence", ["A", None], "Sentence B is missing"),
    ("/generate", ["", 10, 1.0, 1.0, 0, 1.0, 0], "Prompt is empty"),
    ("/generate", ["Hi", 0, 1.0, 1.0, 0, 1.0, 0], "max_new_tokens must be a whole number from 1 to 512"),
    ("/generate", ["Hi", 10**9, 1.0, 1.0, 0, 1.0, 0], "from 1 to 512"),
    ("/generate", ["Hi", 10, -1, 1.0, 0, 1.0, 0], "temperature must be a number from 0 to 2"),
    ("/generate", ["Hi", 10, 1.0, 0, 0, 1.0, 0], "top_p must be a number from 0.01 to 1"),
    ("/generate", ["Hi", 10, 1.0, 1.5, 0, 1.0, 0], "top_p must be"),
    ("/generate", ["Hi", 10, 1.0, 1.0, 0, 1.0, "seed"], "seed must be a whole number"),
]


@pytest.mark.parametrize("api_name, data, message", BAD_INPUTS)
def test_bad_input_gets_a_clear_message_and_the_app_keeps_serving(client, api_name, data, message):
    with pytest.raises(AppError, match=message) as caught:
        client.predict(*data, api_name=api_name)
    assert "Traceback" not in str(caught.value)
    label = client.predict("Still here?", api_name="/sentiment")[0]
    assert label["label"] in {"POSITIVE", "NEGATIVE"}


def test_long_text_is_cut_with_a_warning_not_an_error(base_url):
    events = rest_call(base_url, "sentiment", ["great " * 500])
    assert events[-1][0] == "complete"
    # the warning reaches the page as a toast (Gradio's REST stream carries no warnings)
    from bench.server import BrowserSession

    with httpx.Client(timeout=60) as http:
        session = BrowserSession(http, base_url)
        event_id = session.join("sentiment", ["great " * 500]).json()["event_id"]
        messages = []
        with http.stream("GET", f"{base_url}/gradio_api/queue/data", params={"session_hash": session.session_hash}) as stream:
            for line in stream.iter_lines():
                if line.startswith("data:"):
                    messages.append(json.loads(line[5:]))
                    if messages[-1].get("msg") == "process_completed" and messages[-1].get("event_id") == event_id:
                        break
    assert messages[-1]["success"] is True
    notes = [m for m in messages if m.get("msg") == "log" and m.get("level") == "warning"]
    assert notes and "was too long for the model" in notes[0]["log"] and "tokens at the end" in notes[0]["log"], notes


def test_cancelling_a_generation_frees_the_inference_thread(client, runtime):
    job = client.submit("Once upon a time", 512, 1.0, 1.0, 0, 1.0, 1, api_name="/generate")
    deadline = time.monotonic() + 20
    while not runtime.worker.long_job_running:
        assert time.monotonic() < deadline, "generation never started"
        time.sleep(0.02)
    job.cancel()
    deadline = time.monotonic() + 30  # a loaded 2-core machine; it ends at the next token
    while runtime.worker.long_job_running:
        assert time.monotonic() < deadline, "the generation kept running after cancel"
        time.sleep(0.02)


def test_two_ways_with_one_blank_fills_once_and_says_why_the_ways_agree(runtime, monkeypatch):
    """With one blank there is no other blank to see: the two ways are one fill, made once."""
    from demo.registry import VIEWS
    from demo.registry import get_task

    task, view, engine = get_task("fill_mask"), VIEWS["two_ways"], runtime.engine("fill_mask")
    fills = []
    real_fill = engine.fill
    monkeypatch.setattr(engine, "fill", lambda *args, **kwargs: fills.append(1) or real_fill(*args, **kwargs))
    apart, in_order, table = view.run(task, engine, pytest.fail, "The capital of France is [MASK].", 3)
    assert apart == in_order and len(fills) == 1 and len(table) == 6  # both ways' rows, as the API promises
    html = view.present(task, ("The capital of France is [MASK].", 3), (apart, in_order, table), None)
    assert "add a second" in html and "One after another" not in html
    view.run(task, engine, pytest.fail, "The [MASK] sat on the [MASK].", 3)
    assert len(fills) == 3  # two blanks: both ways


def test_the_browser_keeps_no_record_of_the_runs(base_url):
    """Gradio 6 records each run in the browser (its run history page) unless told not to: a shared
    presenter laptop must keep no visitor's texts."""
    config = httpx.get(f"{base_url}/config", timeout=30).json()
    assert config["run_history"] is False
