"""Hostile and malformed input through the API, alone and under concurrent good traffic, plus safety probes."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from gradio_client.exceptions import AppError

HOSTILE = [
    # (endpoint, data, expected error text or None when a correct result is expected)
    ("/sentiment", [""], "empty"),
    ("/sentiment", [" \t\n "], "empty"),
    ("/sentiment", ["x" * 100_000], None),
    ("/sentiment", ["bad\x00byte \x07 bell \x1b[31m escape"], None),
    ("/sentiment", ["😀🔥 ‏مرحبا بالعالم‏ zero\u200bwidth\u200d joiner"], None),
    ("/sentiment", [None], "missing"),
    # a value of another type, or one value too many, is named, not read as text or dropped
    ("/sentiment", [12345], "text must be text"),
    ("/sentiment", [True], "text must be text"),
    ("/sentiment", ["A fine film.", "one", "two", "three"], "takes at most 1 value"),
    ("/fill_mask", ["no mask at all", 5], "No mask found"),
    ("/fill_mask", ["a <mask> spelling", 5], None),
    ("/fill_mask", [" ".join(["[MASK]"] * 11), 5], "at most 10"),
    ("/fill_mask", ["the " * 100 + "[MASK]", 5], "come after the first"),
    ("/fill_mask", ["[MASK]", 5], None),
    ("/fill_mask", ["The [MASK].", -3], "top_k must be"),
    ("/next_sentence", ["", "B"], "Sentence A is empty"),
    ("/next_sentence", ["A", ""], "Sentence B is empty"),
    ("/next_sentence", ["huge " * 20_000, "huge " * 20_000], None),
    ("/generate", ["", 10, 1.0, 1.0, 0, 1.0, 0], "Prompt is empty"),
    ("/generate", ["long " * 3_000, 5, 1.0, 1.0, 0, 1.0, 0], None),
    ("/generate", ["Hi", 0, 1.0, 1.0, 0, 1.0, 0], "from 1 to 512"),
    ("/generate", ["Hi", -1, 1.0, 1.0, 0, 1.0, 0], "from 1 to 512"),
    ("/generate", ["Hi", 10**9, 1.0, 1.0, 0, 1.0, 0], "from 1 to 512"),
    ("/generate", ["Hi", 5, 0, 1.0, 0, 1.0, 0], None),
    ("/generate", ["Hi", 5, -1, 1.0, 0, 1.0, 0], "temperature must be"),
    ("/generate", ["Hi", 5, "NaN", 1.0, 0, 1.0, 0], "temperature must be"),
    ("/generate", ["Hi", 5, 1.0, 0, 0, 1.0, 0], "top_p must be"),
    ("/generate", ["Hi", 5, 1.0, 1.01, 0, 1.0, 0], "top_p must be"),
    ("/generate", ["Hi", 5, 1.0, 1.0, 0, 1.0, 0], None),
    ("/generate", ["Hi", 5, 1.0, 1.0, None, 1.0, 0], "top_k must be"),
]


LABELS = {"/sentiment": {"POSITIVE", "NEGATIVE"}, "/next_sentence": {"IsNext", "NotNext"}}


def answered_correctly(endpoint: str, data: list, outputs) -> None:
    """What a correct answer of each endpoint is: a label of its own with confidences adding up to 1; each
    mask filled with a word, top_k of them; a continuation of the prompt (as far as the model read it)."""
    if endpoint in LABELS:
        label = outputs[0]
        assert label["label"] in LABELS[endpoint], label
        assert sum(c["confidence"] for c in label["confidences"]) == pytest.approx(1, abs=1e-3)
    elif endpoint == "/fill_mask":
        candidates, filled = outputs[0]["confidences"], outputs[1]
        assert len(candidates) == data[1] and all(c["label"].strip() for c in candidates), candidates
        assert "[MASK]" not in filled and "<mask>" not in filled and filled.strip()
    else:
        text = outputs[0]
        assert isinstance(text, str) and text.strip() and data[0].split()[-1] in text, text[-200:]
        assert len(outputs[1]) <= data[1] + 1  # the pieces: at most the new tokens asked for (and the prompt's end)


def check(client, endpoint, data, expected):
    if expected is None:
        answered_correctly(endpoint, data, client.predict(*data, api_name=endpoint))
    else:
        with pytest.raises(AppError, match=expected) as caught:
            client.predict(*data, api_name=endpoint)
        assert "Traceback" not in str(caught.value) and "File \"" not in str(caught.value)


@pytest.mark.parametrize("endpoint, data, expected", HOSTILE)
def test_hostile_input_gets_a_clear_error_or_a_correct_result(client, endpoint, data, expected):
    check(client, endpoint, data, expected)
    assert client.predict("Still serving?", api_name="/sentiment")[0]["label"] in {"POSITIVE", "NEGATIVE"}


def test_hostile_input_while_ten_clients_send_good_requests(client, base_url):
    from gradio_client import Client

    stop = threading.Event()
    good_failures: list[Exception] = []
    good_done = []

    def good_client():
        own = Client(base_url, verbose=False)
        while not stop.is_set():
            try:
                own.predict("A fine day.", api_name="/sentiment")
                good_done.append(1)
            except Exception as exc:  # collected and asserted below
                good_failures.append(exc)

    with ThreadPoolExecutor(10) as pool:
        for _ in range(10):
            pool.submit(good_client)
        try:
            for endpoint, data, expected in HOSTILE:
                check(client, endpoint, data, expected)
        finally:
            stop.set()
    assert good_failures == []
    assert len(good_done) >= 10


@pytest.mark.parametrize("path", ["/etc/passwd", "app.py", "../app.py", "demo/app.py"])
def test_files_outside_gradio_assets_are_refused(base_url, path):
    response = httpx.get(f"{base_url}/gradio_api/file={path}")
    assert response.status_code in {403, 404}
    assert "root:" not in response.text and "create_app" not in response.text


def test_safe_launch_settings(launched_app):
    assert launched_app.show_error is False
    assert launched_app.share is False
    assert launched_app.analytics_enabled is False
    assert launched_app.max_file_size is not None and launched_app.max_file_size <= 2 * 1024 * 1024  # the CSV only
    assert launched_app._queue.max_size is not None
    assert launched_app.state_holder.capacity == 500  # bounds gradio's per-session memory (~120 KB each)
