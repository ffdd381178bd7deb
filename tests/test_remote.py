"""Generation on a real OpenAI-compatible engine: `transformers serve` with a tiny local GPT-2."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager

import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from bench.engine import running_engine
from bench.server import free_port, running_app
from demo.engines.remote import EngineAddress, EngineError, RemoteGenerationEngine
from demo.engines.types import GenerationSettings

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def engine_port():
    return free_port()


@pytest.fixture(scope="module")
def engine(tiny_paths, engine_port):
    with running_engine(tiny_paths["generate"], engine_port) as url:
        yield url


@pytest.fixture(scope="module")
def engine_url(engine, tiny_paths):
    return f"{engine}#{tiny_paths['generate']}"


@pytest.fixture(scope="module")
def remote_app(tiny_paths, engine_url):
    models = {**tiny_paths, "generate": engine_url}
    with running_app(models, ("--lazy",)) as (url, _):
        yield Client(url, verbose=False)


def test_generation_streams_from_the_engine_and_the_status_names_it(remote_app, engine):
    job = remote_app.submit("Once upon a time", 300, 0.0, api_name="/generate")
    seen = [output[0] for output in job]
    text, pieces, details, status = job.result()
    assert text.startswith("Once upon a time") and len(text) > len("Once upon a time")
    assert len({s for s in seen if s}) > 2, "the text did not grow step by step"
    assert 1 <= sum(step["tokens"] for step in details) <= 300
    assert f"engine at {engine}" in status


def test_settings_reach_the_engine(remote_app):
    greedy = [remote_app.predict("The movie was", 12, 0.0, api_name="/generate")[0] for _ in range(2)]
    assert greedy[0] == greedy[1]
    short = remote_app.predict("The movie was", 3, 0.0, api_name="/generate")
    assert sum(step["tokens"] for step in short[2]) == 3
    assert greedy[0].startswith(short[0])


def test_top_k_and_repetition_penalty_travel_in_the_engines_own_field(engine_url):
    remote = RemoteGenerationEngine(EngineAddress.parse(engine_url))
    settings = GenerationSettings(max_new_tokens=5, temperature=0.9, top_k=20, repetition_penalty=1.3)
    pieces = list(remote.stream(remote.prepare("Once upon", 5), settings, threading.Event()))
    assert pieces
    assert remote.extra_style == "generation_config"  # transformers serve refuses them as top-level fields
    assert remote.ignored_settings(settings) == []


def test_stop_closes_the_stream_at_once(engine_url):
    remote = RemoteGenerationEngine(EngineAddress.parse(engine_url))
    stop = threading.Event()
    started = time.perf_counter()
    pieces = []
    for piece in remote.stream(remote.prepare("Once upon a time", 500), GenerationSettings(max_new_tokens=500,
                                                                                          temperature=0.0), stop):
        pieces.append(piece)
        if len(pieces) == 2:
            stop.set()
    assert len(pieces) <= 3
    assert time.perf_counter() - started < 30  # far less than 500 tokens take; a loaded machine is slow


@contextmanager
def forwarding(port: int, to_port: int):
    """Connections to `port` carried to `to_port` and back: the engine reachable at a second address."""
    server = socket.create_server(("127.0.0.1", port))

    def pipe(source, target):
        with source, target:
            while data := source.recv(65536):
                target.sendall(data)

    def accept():
        while True:
            try:
                client, _ = server.accept()
            except OSError:  # closed
                return
            upstream = socket.create_connection(("127.0.0.1", to_port))
            threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
            threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield
    finally:
        server.close()


def test_an_engine_that_is_down_gets_a_message_naming_it_and_the_other_tabs_serve(tiny_paths, engine, engine_port):
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1"
    models = {**tiny_paths, "generate": f"{url}#{tiny_paths['generate']}"}
    with running_app(models, ("--lazy",)) as (app_url, _):
        client = Client(app_url, verbose=False)
        with pytest.raises(AppError, match=f"engine at {url} cannot be reached"):
            client.predict("Once upon a time", 5, 0.0, api_name="/generate")
        assert client.predict("Still serving?", api_name="/sentiment")[0]["label"] in {"POSITIVE", "NEGATIVE"}
        with forwarding(port, engine_port):  # the engine comes up at its address: no restart of the app
            text = client.predict("Once upon a time", 5, 0.0, api_name="/generate")[0]
            assert text.startswith("Once upon a time") and len(text) > len("Once upon a time")


def test_scoring_a_text_on_a_remote_engine_says_why_it_cannot(engine_url):
    remote = RemoteGenerationEngine(EngineAddress.parse(engine_url))
    with pytest.raises(EngineError, match="needs the model in this process"):
        remote.score("Some text.")


def test_the_pages_stop_and_a_cancelled_request_end_the_engines_stream(engine_url):
    from demo.scope import RequestScope, run_in_scope

    remote = RemoteGenerationEngine(EngineAddress.parse(engine_url))
    settings = GenerationSettings(max_new_tokens=500, temperature=0.0)
    for end in ("stop_requested", "cancelled"):
        scope = RequestScope()
        pieces = remote.stream(remote.prepare("Once upon a time", 500), settings, threading.Event())
        got = [run_in_scope(scope, next, pieces) for _ in range(2)]
        getattr(scope, end).set()
        rest = [piece for piece in iter(lambda: run_in_scope(scope, next, pieces, None), None)]
        assert len(got) == 2 and rest == [], end


def test_chat_models_stream_through_chat_completions(tiny_paths, tmp_path):
    import shutil

    from transformers import AutoTokenizer

    folder = tmp_path / "gpt2-chat"
    shutil.copytree(tiny_paths["generate"], folder)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    tokenizer.chat_template = "{% for message in messages %}{{ message['content'] }}{% endfor %}"
    tokenizer.save_pretrained(folder)
    port = free_port()
    with running_engine(folder, port) as url:
        remote = RemoteGenerationEngine(EngineAddress.parse(f"{url}#chat:{folder}"))
        assert remote.address.chat
        pieces = list(remote.stream(remote.prepare("Once upon a time", 8), GenerationSettings(max_new_tokens=8,
                                                                                             temperature=0.0),
                                    threading.Event()))
        assert pieces and len(pieces) <= 8
