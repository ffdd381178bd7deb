"""Embedded sentiment's model call: its label words' logits alone against the whole output layer.

    python -m bench.label_words [--rounds 5]

Gemma 3 270M (the embedded profile's weights) answers each review of `bench/data/sentiment_*_own.tsv`
(40 everyday sentences, English and Chinese) one at a time, as a visitor's request does, both ways
in turn in the same run: the label words' rows of the output layer (`token_logits`, what the engine
does) and the full 262k-word log-softmax (`shared_prefix_next_tokens`, what it did). Medians per
review, the ratio, and the largest difference between the two ways' calibrated probabilities.
Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import time
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def reviews(language: str) -> list[str]:
    with open(DATA / f"sentiment_{language}_own.tsv", encoding="utf-8") as handle:
        return [row["sentence"] for row in csv.DictReader(handle, delimiter="\t")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from demo.engines.gemma.scoring import encode, shared_prefix_next_tokens
    from demo.profiles import plan
    from demo.runtime import Runtime

    runtime = Runtime(plan("embedded"))
    rows = []
    for language in ("en", "zh"):
        engine = runtime.engine("sentiment", language=language)
        direct = getattr(engine, "direct", engine)  # Chinese: the direct reading, where the label words are read
        cache = engine.worker.call(direct._examples)

        def whole_layer(ids):
            row = direct.review_head + ids + direct.review_tail
            logprobs = shared_prefix_next_tokens(direct.loaded, direct.prefix, [row], direct.label_ids, cache=cache)
            return direct._calibrated(logprobs.view(1, len(direct.prompt.pairs), 2).softmax(-1))

        def label_rows(ids):
            return direct._label_probs([ids])

        times = {"label words' rows": [], "whole output layer": []}
        largest = 0.0
        for _ in range(args.rounds):
            for text in reviews(language):
                ids = encode(direct.loaded, text)
                answers = {}
                for name, way in (("whole output layer", whole_layer), ("label words' rows", label_rows)):
                    started = time.perf_counter()
                    answers[name] = engine.worker.call(way, ids)
                    times[name].append(time.perf_counter() - started)
                largest = max(largest, float((answers["whole output layer"] - answers["label words' rows"]).abs().max()))
        new, old = statistics.median(times["label words' rows"]), statistics.median(times["whole output layer"])
        rows.append({"language": language, "reviews": len(times["label words' rows"]), "label_rows_p50_s": new,
                     "whole_layer_p50_s": old, "speedup": old / new, "largest_difference": largest})
    print("| reviews | label words' rows p50 | whole output layer p50 | speed-up | largest difference |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows:
        print(f"| {row['language']} ({row['reviews']}) | {row['label_rows_p50_s'] * 1000:.0f} ms | "
              f"{row['whole_layer_p50_s'] * 1000:.0f} ms | {row['speedup']:.2f}x | {row['largest_difference']:.1e} |")
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
