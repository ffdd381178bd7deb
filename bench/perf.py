"""Speed of the app against the bare transformers model, measured in the same run.

    python -m bench.perf [--runs 30] [--clients 16]

Models have the classic checkpoints' sizes (DistilBERT-base, BERT-base, GPT-2 124M) with random
weights built locally, so the figures need no download. Prints a table and one final JSON line;
every speed figure is a ratio against a baseline measured in this run, with medians.

Baselines run first, in this process's main thread, before anything here starts a thread that
runs torch (a second such thread slows both, see demo/inference.py).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import httpx
import psutil
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, pipeline

from bench.server import BrowserSession, call, running_app, running_server
from bench.timing import median_time
from bench.tiny_models import build_all

SENTENCE = "A warm, funny and surprisingly moving film."
SHORT_TEXTS = [
    "A warm, funny and surprisingly moving film.",
    "The plot is thin and the jokes fall flat.",
    "I loved every minute of it.",
    "Two hours of my life I will never get back.",
    "A beautiful, quiet story told with real care and a great cast.",
    "Boring.",
    "The actors do what they can with a weak script.",
    "One of the best films of the year, and the music is wonderful too.",
]
LONG_TEXT_WORDS = 250  # words per long text: several paragraphs of a review
PROMPT = "Once upon a time"
NEW_TOKENS = 64


def bare_generation(path: Path, runs: int) -> tuple[float, float]:
    """Median (time to first token, tokens/s) of plain `model.generate`, greedy, KV cache on."""
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForCausalLM.from_pretrained(path).eval()
    ids = tokenizer(PROMPT, return_tensors="pt")
    kwargs = {"do_sample": False, "pad_token_id": tokenizer.eos_token_id}
    with torch.inference_mode():
        model.generate(**ids, max_new_tokens=2, **kwargs)
        first = median_time(lambda: model.generate(**ids, max_new_tokens=1, **kwargs), runs)
        full = median_time(lambda: model.generate(**ids, max_new_tokens=NEW_TOKENS, **kwargs), max(3, runs // 5))
    return first, NEW_TOKENS / full


def app_generation(base_url: str, runs: int) -> tuple[float, float]:
    """Median (time to first streamed text, tokens/s) through the REST API."""
    firsts, speeds = [], []
    with httpx.Client(timeout=120) as http:
        for _ in range(max(3, runs // 5)):
            started = time.perf_counter()
            event_id = http.post(f"{base_url}/gradio_api/call/generate",
                                 json={"data": [PROMPT, NEW_TOKENS, 0.0, 1.0, 0, 1.0, 0]}).json()["event_id"]
            first = None
            with http.stream("GET", f"{base_url}/gradio_api/call/generate/{event_id}") as stream:
                for line in stream.iter_lines():
                    if line.startswith("event: generating") and first is None:
                        first = time.perf_counter() - started
            speeds.append(NEW_TOKENS / (time.perf_counter() - started))
            firsts.append(first)
    return statistics.median(firsts), statistics.median(speeds)


def engine_figures(models: dict, runs: int) -> tuple[float, float]:
    """Our engines with no web layer: (sentiment p50 s, generation tokens/s) on the inference thread.

    Runs in a fresh process (see `in_fresh_process`), so no other thread here has run torch.
    """
    from demo.models import ModelRef
    from demo.profiles import plan
    from demo.runtime import Runtime
    from demo.engines.types import GenerationSettings

    runtime = Runtime(plan("hub", {task: ModelRef(str(models[task])) for task in ("sentiment", "generate")}))
    classifier, generator = runtime.engine("sentiment"), runtime.engine("generate")
    classifier.classify(SENTENCE)
    sentiment = median_time(lambda: classifier.classify(SENTENCE), runs)
    settings = GenerationSettings(max_new_tokens=NEW_TOKENS, temperature=0.0, repetition_penalty=1.0)

    def generate() -> None:
        for _piece in generator.stream(generator.prepare(PROMPT, NEW_TOKENS), settings, threading.Event()):
            pass

    generate()
    return sentiment, NEW_TOKENS / median_time(generate, max(3, runs // 5))


def int8_speedup(path: Path, runs: int) -> tuple[float, float]:
    """(fp32 p50 s, int8 p50 s) of the DistilBERT-size classifier on one sentence, in this thread."""
    from transformers import AutoModelForSequenceClassification

    from demo.models import quantize_int8

    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForSequenceClassification.from_pretrained(path).eval()
    encoded = tokenizer(SENTENCE, return_tensors="pt")
    timings = []
    for candidate in (model, quantize_int8(model)):
        with torch.inference_mode():
            candidate(**encoded)
            timings.append(median_time(lambda: candidate(**encoded), runs))
    return timings[0], timings[1]


def in_fresh_process(fn, *args):
    """fn(*args) in a new interpreter, so its threads do not share this process's OpenMP pools."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


def start_to_first_answer(models: dict, preload: bool) -> tuple[float, float, float]:
    """Seconds from process start to the first sentiment answer; that request's and steady p50 latency."""
    started = time.perf_counter()
    with running_app(models, ("--preload",) if preload else ()) as (base_url, _), httpx.Client(timeout=300) as http:
        first_started = time.perf_counter()
        call(http, base_url, "sentiment", [SENTENCE])
        first = time.perf_counter() - first_started
        total = time.perf_counter() - started
        steady = median_time(lambda: call(http, base_url, "sentiment", [SENTENCE]), 10)
    return total, first, steady


def bert_shared_rss(models: dict) -> tuple[float, float]:
    """RSS growth (MB) when fill-mask loads and runs BERT, then when next sentence loads and runs after it.

    Each engine also answers once: safetensors weights are memory-mapped, so they only count in RSS
    once a forward pass has touched them.
    """
    from demo.models import ModelRef
    from demo.profiles import plan
    from demo.runtime import Runtime

    process = psutil.Process()
    runtime = Runtime(plan("hub", {task: ModelRef(str(models[task])) for task in ("fill_mask", "next_sentence")}))
    before = process.memory_info().rss
    runtime.engine("fill_mask").fill("The [MASK] sat.", 5, 1)
    after_first = process.memory_info().rss
    runtime.engine("next_sentence").judge("It rained.", "The streets were wet.")
    after_second = process.memory_info().rss
    return (after_first - before) / 2**20, (after_second - after_first) / 2**20


def long_texts() -> list[str]:
    """Reviews of about LONG_TEXT_WORDS words, each a different mix of the short ones."""
    words = " ".join(SHORT_TEXTS).split()
    return [" ".join(words[(i + j) % len(words)] for j in range(LONG_TEXT_WORDS)) for i in range(len(SHORT_TEXTS))]


def gradio_floor_ms(runs: int) -> float:
    """p50 of one REST call to a Gradio app whose function returns its input: no model, no app code."""
    with running_server(["-m", "bench.echo_app"]) as (base_url, _), httpx.Client(timeout=60) as http:
        call(http, base_url, "echo", [SENTENCE])
        return median_time(lambda: call(http, base_url, "echo", [SENTENCE]), runs) * 1000


def throughput(base_url: str, texts: list[str], clients: int, per_client: int) -> tuple[float, float]:
    """(answers per second, p95 latency in ms) with `clients` browser tabs sending sentiment requests back to back."""
    latencies: list[float] = []

    def one_client(index: int) -> None:
        # each tab its own user (address): sixteen tabs on one address sit at its limit of 16 requests
        with httpx.Client(transport=httpx.HTTPTransport(local_address=f"127.0.7.{index + 1}"), timeout=300) as http:
            tab = BrowserSession(http, base_url)
            for n in range(per_client):
                started = time.perf_counter()
                kind, answer = tab.call("sentiment", [texts[(index + n) % len(texts)]])
                if kind != "complete":
                    raise RuntimeError(f"a sentiment request failed: {answer}")
                latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one_client, range(clients)))
    elapsed = time.perf_counter() - started
    return len(latencies) / elapsed, statistics.quantiles(latencies, n=20)[-1] * 1000


def batching_figures(models: dict, clients: int, figures: dict[str, float]) -> None:
    """Throughput of short and long texts under `clients` callers, unbatched (--max-batch 1) and batched."""
    for name, extra in (("unbatched", ("--max-batch", "1")), ("batched", ())):
        with running_app(models, ("--preload", *extra)) as (base_url, _):
            for kind, texts, per_client in (("short", SHORT_TEXTS, 20), ("long", long_texts(), 3)):
                throughput(base_url, texts, clients, 1)  # warm-up
                rate, p95 = throughput(base_url, texts, clients, per_client)
                figures[f"{kind}_{name}_per_s"], figures[f"{kind}_{name}_p95_ms"] = rate, p95
    for kind in ("short", "long"):
        figures[f"{kind}_batched_throughput_ratio"] = figures[f"{kind}_batched_per_s"] / figures[f"{kind}_unbatched_per_s"]
        figures[f"{kind}_batched_p95_ratio"] = figures[f"{kind}_batched_p95_ms"] / figures[f"{kind}_unbatched_p95_ms"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as scratch:
        models = build_all(Path(scratch), size="base")

        classifier = pipeline("text-classification", model=str(models["sentiment"]), top_k=None)
        classifier(SENTENCE)
        figures["bare_sentiment_p50_ms"] = median_time(lambda: classifier(SENTENCE), args.runs) * 1000
        figures["bare_first_token_ms"], figures["bare_tokens_per_s"] = (
            v * 1000 if i == 0 else v for i, v in enumerate(bare_generation(models["generate"], args.runs)))
        engine_sentiment, engine_speed = in_fresh_process(engine_figures, models, args.runs)
        figures["engine_sentiment_p50_ms"], figures["engine_tokens_per_s"] = engine_sentiment * 1000, engine_speed
        fp32, int8 = in_fresh_process(int8_speedup, models["sentiment"], args.runs)
        figures["classifier_fp32_p50_ms"], figures["classifier_int8_p50_ms"] = fp32 * 1000, int8 * 1000
        figures["int8_speedup"] = fp32 / int8
        figures["gradio_floor_p50_ms"] = gradio_floor_ms(args.runs)

        with running_app(models, ("--preload",)) as (base_url, process), httpx.Client(timeout=60) as http:
            call(http, base_url, "sentiment", [SENTENCE])
            figures["app_sentiment_p50_ms"] = median_time(
                lambda: call(http, base_url, "sentiment", [SENTENCE]), args.runs) * 1000
            tab = BrowserSession(http, base_url)
            figures["app_sentiment_browser_p50_ms"] = median_time(
                lambda: tab.call("sentiment", [SENTENCE]), args.runs) * 1000
            first, speed = app_generation(base_url, args.runs)
            figures["app_first_token_ms"], figures["app_tokens_per_s"] = first * 1000, speed
            figures["hub_size_rss_all_loaded_mb"] = psutil.Process(process.pid).memory_info().rss / 2**20

        figures["sentiment_overhead_ratio"] = figures["app_sentiment_p50_ms"] / figures["bare_sentiment_p50_ms"]
        figures["sentiment_browser_overhead_ratio"] = (
            figures["app_sentiment_browser_p50_ms"] / figures["bare_sentiment_p50_ms"])
        figures["overhead_ratio_past_gradio_floor"] = (
            (figures["app_sentiment_p50_ms"] - figures["gradio_floor_p50_ms"]) / figures["bare_sentiment_p50_ms"])
        figures["tokens_per_s_ratio"] = figures["app_tokens_per_s"] / figures["bare_tokens_per_s"]
        figures["engine_sentiment_ratio"] = figures["engine_sentiment_p50_ms"] / figures["bare_sentiment_p50_ms"]
        figures["engine_tokens_per_s_ratio"] = figures["engine_tokens_per_s"] / figures["bare_tokens_per_s"]
        figures["first_token_extra_ms"] = figures["app_first_token_ms"] - figures["bare_first_token_ms"]

        batching_figures(models, args.clients, figures)

        for preload in (False, True):
            total, first, steady = start_to_first_answer(models, preload)
            name = "preload" if preload else "lazy"
            figures[f"start_to_first_answer_{name}_s"] = total
            figures[f"first_request_{name}_ms"] = first * 1000
            figures[f"first_over_steady_{name}"] = first / steady

        figures["rss_fill_mask_loads_bert_mb"], figures["rss_next_sentence_after_it_mb"] = bert_shared_rss(models)

    print(f"\n{'figure':34s} {'value':>10s}")
    for name, value in figures.items():
        print(f"{name:34s} {value:10.3f}")
    print(json.dumps({k: round(v, 4) for k, v in figures.items()}))


if __name__ == "__main__":
    main()
