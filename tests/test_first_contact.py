"""First contact: loads never race, the page is served at once, models load in the background.

transformers' `from_pretrained` is not thread-safe: two loads at once can leave tied weights on the
meta device. These tests drive real tied-weight checkpoints (GPT-2's lm_head, BERT's MLM decoder).
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import torch
from transformers import (AutoModelForCausalLM, AutoModelForPreTraining, AutoTokenizer, BertForMaskedLM,
                          BertForNextSentencePrediction)

from bench.server import call, running_app
from demo.errors import ModelLoadError
from demo.models import LOAD_LOCK, LoadedModel, ModelRef, check_loaded, detect_placement, load_model
from demo.profiles import TASK_KEYS, plan
from demo.runtime import Runtime

FIRST_REQUESTS = {
    "sentiment": ["A fine film."],
    "fill_mask": ["The [MASK] sat on the mat.", 3],
    "next_sentence": ["It rained.", "The streets were wet."],
    "generate": ["Once upon a time", 5],
    "classify": ["A fine film.", "film, music"],
}


@pytest.fixture(scope="module")
def separate_checkpoints(tiny_paths, tmp_path_factory) -> dict[str, Path]:
    """One checkpoint per task, as a user passes them: BertForMaskedLM for fill mask and
    BertForNextSentencePrediction for next sentence (two loads of tied BERT weights), tied GPT-2."""
    root = tmp_path_factory.mktemp("separate")
    paths = {key: tiny_paths[key] for key in ("sentiment", "generate", "classify")}
    for task, cls in (("fill_mask", BertForMaskedLM), ("next_sentence", BertForNextSentencePrediction)):
        folder = root / task
        cls.from_pretrained(tiny_paths["fill_mask"]).save_pretrained(folder)
        AutoTokenizer.from_pretrained(tiny_paths["fill_mask"]).save_pretrained(folder)
        paths[task] = folder
    return paths


def test_tied_models_loaded_from_two_threads_at_once_never_keep_a_meta_tensor(tiny_paths):
    placement = detect_placement()
    jobs = [(tiny_paths["generate"], AutoModelForCausalLM), (tiny_paths["fill_mask"], AutoModelForPreTraining)]
    for _ in range(8):
        start = threading.Barrier(2)

        def load(job):
            start.wait()
            return load_model(ModelRef(str(job[0])), job[1], placement)

        with ThreadPoolExecutor(2) as pool:
            loaded = list(pool.map(load, jobs))
        for item in loaded:
            assert not any(t.is_meta for t in [*item.model.parameters(), *item.model.buffers()])
        gpt2 = loaded[0].model
        assert gpt2.lm_head.weight.data_ptr() == gpt2.transformer.wte.weight.data_ptr()  # still tied


def test_a_model_left_with_a_meta_tensor_is_refused(runtime):
    loaded = runtime.engine("sentiment").loaded
    model = type(loaded.model)(loaded.model.config)
    model.classifier.weight = torch.nn.Parameter(torch.empty_like(model.classifier.weight, device="meta"))
    broken = LoadedModel(loaded.ref, model, loaded.tokenizer, loaded.placement)
    with pytest.raises(ModelLoadError, match=r"1 weight left unloaded on the meta device \(e.g. classifier.weight\)"):
        check_loaded(broken)


def test_a_model_whose_test_forward_fails_is_not_cached_and_the_next_request_retries(tiny_models, monkeypatch):
    runtime = Runtime(plan("hub", tiny_models))
    real_check = check_loaded
    calls = []

    def failing_once(loaded):
        calls.append(loaded.ref)
        if len(calls) == 1:
            raise ModelLoadError(loaded.ref.label, "a test forward pass failed", "Check the checkpoint.")
        real_check(loaded)

    monkeypatch.setattr("demo.models.check_loaded", failing_once)
    with pytest.raises(ModelLoadError, match="a test forward pass failed"):
        runtime.engine("sentiment")
    assert not runtime.is_ready("sentiment") and runtime.states["sentiment"].phase == "failed"
    assert runtime.engine("sentiment").classify("Fine.").label in {"POSITIVE", "NEGATIVE"}
    assert runtime.states["sentiment"].phase == "ready" and len(calls) == 2


@pytest.mark.parametrize("mode", ["--lazy", "background"])
def test_all_first_requests_at_the_same_moment_answer_right_after_a_fresh_start(separate_checkpoints, mode,
                                                                                tmp_path):
    """Every task x 3 clients sent together right after one fresh start (within one address's 16): all
    answer, and a second round too (the load race itself is driven 8 times in-process above). The
    terminal says where the page is in the app's words, with no hint of Gradio's share tunnel (off)."""
    requests = [t for t in TASK_KEYS for _ in range(3)]
    args = ("--lazy",) if mode == "--lazy" else ()
    log_path = tmp_path / "app.log"
    with running_app(separate_checkpoints, args, log_path) as (base_url, _):
        start = threading.Barrier(len(requests))

        def first_request(task):
            with httpx.Client(timeout=120) as http:
                start.wait()
                return call(http, base_url, task, FIRST_REQUESTS[task])

        with ThreadPoolExecutor(len(requests)) as pool:
            outcomes = list(pool.map(first_request, requests))
        assert [kind for kind, _ in outcomes] == ["complete"] * len(requests), outcomes
        # and the cache is sound afterwards: a second round answers too
        with httpx.Client(timeout=60) as http:
            assert all(call(http, base_url, t, FIRST_REQUESTS[t])[0] == "complete" for t in TASK_KEYS)
    said = log_path.read_text()
    assert f"the page is served at {base_url}/" in said and "share=True" not in said, said[-2000:]


def test_the_page_is_served_while_models_wait_and_a_request_then_waits_and_answers(tiny_models):
    """With the load lock held elsewhere, the app is served, tabs say they wait their turn, and a
    request waits with progress; once loads may run, every tab loads in order and becomes ready."""
    from gradio_client import Client
    from gradio_client.utils import Status

    from bench.server import free_port
    from demo.app import create_app, launch
    from demo.settings import Settings
    from demo.page.status import readiness
    from demo.registry import TASKS

    settings = Settings(port=free_port(), profile="hub", models=tiny_models)
    runtime = Runtime(plan("hub", tiny_models))
    LOAD_LOCK.acquire()
    released = False
    try:
        app = create_app(settings, runtime)
        launch(app, settings, prevent_thread_lock=True, quiet=True)
        client = Client(f"http://127.0.0.1:{settings.port}", verbose=False)
        assert runtime.loading_in_background
        assert all(state.phase == "waiting" for state in runtime.states.values())
        assert readiness(runtime, TASKS["generate"]).startswith("**Waiting to load**")
        job = client.submit("A fine film.", api_name="/sentiment")
        deadline = time.monotonic() + 30  # the request is being processed: it reached the model's load
        while job.status().code not in (Status.PROCESSING, Status.PROGRESS):
            assert time.monotonic() < deadline and not job.done(), job.status()
            time.sleep(0.05)
        time.sleep(1.0)
        assert not job.done()  # it waits for the load instead of starting a second one
        LOAD_LOCK.release()
        released = True
        label, status = job.result(timeout=60)
        assert label["label"] in {"POSITIVE", "NEGATIVE"} and "one-time model loading" in status
        deadline = time.monotonic() + 60
        while not all(state.phase == "ready" for state in runtime.states.values()):
            assert time.monotonic() < deadline, runtime.states
            time.sleep(0.05)
        assert all(readiness(runtime, task) == "**Model ready.**" for task in TASKS.values())
        assert set(runtime.registry.load_count.values()) == {1}
        _, status = client.predict("Another film.", api_name="/sentiment")
        assert "one-time" not in status
        app.close()
    finally:
        if not released:
            LOAD_LOCK.release()


def test_lazy_loads_nothing_until_the_first_request(tiny_models):
    from gradio_client import Client

    from bench.server import free_port
    from demo.app import create_app, launch
    from demo.settings import Settings

    settings = Settings(port=free_port(), profile="hub", models=tiny_models, lazy=True)
    runtime = Runtime(plan("hub", tiny_models))
    app = create_app(settings, runtime)
    launch(app, settings, prevent_thread_lock=True, quiet=True)
    try:
        time.sleep(0.5)
        assert runtime.registry.load_count == {} and not runtime.loading_in_background
        Client(f"http://127.0.0.1:{settings.port}", verbose=False).predict("Fine.", api_name="/sentiment")
        assert runtime.is_ready("sentiment") and not runtime.is_ready("generate")
    finally:
        app.close()
