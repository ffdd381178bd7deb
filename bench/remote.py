"""Generation through the app on a remote engine vs the same engine called directly, in one run.

    python -m bench.remote [--runs 5]

The engine is `transformers serve` with a GPT-2-size model (random weights built locally, its
output layer cut to the local tokenizer's 400 words so that every token decodes to text); the app
runs with `--model generate=http://127.0.0.1:PORT/v1#MODEL`. Both sides generate 64 tokens
greedily from the same prompt, alternating; medians of time to first token and tokens/s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bench.engine import running_engine
from bench.server import free_port, running_app
from bench.tiny_models import build_all, build_gpt2

PROMPT = "Once upon a time"
NEW_TOKENS = 64


def gpt2_size_model(folder: Path) -> Path:
    """A GPT-2-size model whose every token is one of the local tokenizer's 400 words."""
    import torch
    from transformers import AutoConfig, AutoTokenizer, GPT2LMHeadModel

    path = build_gpt2(folder, size="base")
    config = AutoConfig.from_pretrained(path)
    config.vocab_size = len(AutoTokenizer.from_pretrained(path))
    torch.manual_seed(3)
    GPT2LMHeadModel(config).save_pretrained(path)
    return path


def direct(base_url: str, model: str) -> tuple[float, float]:
    """(time to first token, tokens/s) streaming from the engine with the openai client."""
    from openai import OpenAI

    client = OpenAI(base_url=base_url, api_key="none", max_retries=0)
    started = time.perf_counter()
    first, tokens = None, 0
    for chunk in client.completions.create(model=model, prompt=PROMPT, max_tokens=NEW_TOKENS, temperature=0.0,
                                           stream=True):
        if chunk.choices and chunk.choices[0].text:
            first = first or time.perf_counter() - started
            tokens += 1
    return first, tokens / (time.perf_counter() - started)


def through_app(app_url: str) -> tuple[float, float]:
    """(time to first streamed text, tokens/s) from the app's REST API, as curl reads it."""
    with httpx.Client(timeout=120) as http:
        started = time.perf_counter()
        event = http.post(f"{app_url}/gradio_api/call/generate",
                          json={"data": [PROMPT, NEW_TOKENS, 0.0, 1.0, 0, 1.0, 0]}).json()["event_id"]
        first, last = None, None
        with http.stream("GET", f"{app_url}/gradio_api/call/generate/{event}") as stream:
            for line in stream.iter_lines():
                if line.startswith("event: generating") and first is None:
                    first = time.perf_counter() - started
                if line.startswith("data:"):
                    last = line[5:]
        elapsed = time.perf_counter() - started
    details = json.loads(last)[2]
    return first, sum(step["tokens"] for step in details) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        models = build_all(Path(folder) / "tiny")
        gpt2 = gpt2_size_model(Path(folder) / "gpt2-base")
        with running_engine(gpt2, free_port()) as engine:
            models["generate"] = f"{engine}#{gpt2}"
            with running_app(models, ("--lazy",)) as (app_url, _):
                direct(engine, str(gpt2))
                through_app(app_url)
                runs = {"direct": [], "app": []}
                for _ in range(args.runs):
                    runs["direct"].append(direct(engine, str(gpt2)))
                    runs["app"].append(through_app(app_url))
    figures = {}
    for side, measured in runs.items():
        figures[f"{side}_first_token_s"] = statistics.median(first for first, _ in measured)
        figures[f"{side}_tokens_per_s"] = statistics.median(rate for _, rate in measured)
    figures["tokens_per_s_ratio"] = figures["app_tokens_per_s"] / figures["direct_tokens_per_s"]
    figures["first_token_added_s"] = figures["app_first_token_s"] - figures["direct_first_token_s"]
    for name, value in figures.items():
        print(f"{name:28s} {value:8.3f}")
    print(json.dumps({name: round(value, 4) for name, value in figures.items()}))


if __name__ == "__main__":
    main()
