"""What explanations cost: word attributions, token probabilities during generation, scoring a text.

    python -m bench.explain [--runs 5]

Attribution of a 30-word review with a DistilBERT-base-size classifier (random weights built
locally: the same compute as the SST-2 checkpoint) and with the embedded Gemma 3 270M; generation
tokens/s of Gemma with and without token probabilities, alternating in the same run; the
convergence delta of each attribution. Medians; prints a table and one final JSON line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path

from bench.timing import median_time
from bench.tiny_models import build_distilbert_classifier

REVIEW = ("I went in expecting very little, but this film turned out to be a warm, funny and beautifully "
          "acted story, with a final scene that stayed with me for days afterwards.")
PAIR = ("I left my umbrella at home this morning.", "By lunchtime I was soaked to the bone.")
PROMPT = "Once upon a time"
NEW_TOKENS = 64


def timed_attribution(attribute, runs: int) -> tuple[float, float]:
    """Median seconds of `attribute()` after one warm-up call, and its convergence delta relative to
    the sum of the attributions (the score's change from the baseline, up to that delta)."""
    attribute()
    deltas = []

    def once() -> None:
        attribution = attribute()
        total = sum(score for words in attribution.words for _, score in words)
        deltas.append(attribution.delta / max(abs(total), 1e-9))

    seconds = median_time(once, runs)
    return seconds, statistics.median(deltas)


def generation_rates(engine, runs: int) -> tuple[float, float]:
    """Median tokens/s of greedy generation with token probabilities and without (the forward hook
    and the per-token softmax switched off), alternating so that both see the same machine."""
    from demo.engines import causal_lm as generate
    from demo.engines.types import GenerationSettings

    settings = GenerationSettings(max_new_tokens=NEW_TOKENS, temperature=0.0, repetition_penalty=1.0)
    prompt = engine.prepare(PROMPT, NEW_TOKENS)
    real_record = generate.TokenStreamer.record

    def rate(with_probabilities: bool) -> float:
        generate.TokenStreamer.record = real_record if with_probabilities else (lambda self, *args: None)
        try:
            started = time.perf_counter()
            tokens = sum(p.tokens for p in engine.stream(prompt, settings, threading.Event()))
            return tokens / (time.perf_counter() - started)
        finally:
            generate.TokenStreamer.record = real_record

    rate(True)
    rate(False)
    with_p, without = [], []
    for _ in range(runs):
        with_p.append(rate(True))
        without.append(rate(False))
    return statistics.median(with_p), statistics.median(without)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from demo.inference import InferenceWorker
    from demo.models import ModelRef, detect_placement, load_model
    from demo.profiles import plan
    from demo.runtime import Runtime
    from demo.engines.classifier import ClassifierEngine
    from transformers import AutoModelForSequenceClassification

    results: dict[str, float] = {"review_words": len(REVIEW.split())}
    with tempfile.TemporaryDirectory() as folder:
        path = build_distilbert_classifier(Path(folder) / "distilbert", max_positions=512, size="base")
        loaded = load_model(ModelRef(str(path)), AutoModelForSequenceClassification, detect_placement())
        classic = ClassifierEngine(loaded, InferenceWorker())
        results["distilbert_base_attribution_s"], results["distilbert_base_relative_delta"] = timed_attribution(
            lambda: classic.attribute(REVIEW), args.runs)

    runtime = Runtime(plan("embedded"))
    sentiment = runtime.engine("sentiment")
    results["gemma_sentiment_attribution_s"], results["gemma_sentiment_relative_delta"] = timed_attribution(
        lambda: sentiment.attribute(REVIEW), args.runs)
    pair = runtime.engine("next_sentence")

    def first_sight(work):
        """`work` on a pair the engine has not judged lately: B's kept scores are let go first."""
        pair._after_unrelated_kept.clear()
        return work()

    results["gemma_next_sentence_attribution_s"], results["gemma_next_sentence_relative_delta"] = timed_attribution(
        lambda: first_sight(lambda: pair.attribute(*PAIR)), args.runs)
    # what the explain view asks of the engine: the answer, then the attribution, which reuses B's kept scores
    results["gemma_next_sentence_explain_s"] = median_time(
        lambda: first_sight(lambda: (pair.judge(*PAIR), pair.attribute(*PAIR))), args.runs)
    generator = runtime.engine("generate")
    results["gemma_score_text_s"] = median_time(lambda: generator.score(REVIEW), args.runs)
    with_p, without = generation_rates(generator, args.runs)
    results.update(gemma_tokens_per_s_with_probabilities=with_p, gemma_tokens_per_s_without=without,
                   token_probability_cost=1 - with_p / without)

    for name, value in results.items():
        print(f"{name:40s} {value:10.3f}")
    print(json.dumps({name: round(value, 4) for name, value in results.items()}))


if __name__ == "__main__":
    main()
