"""Do the heat maps point at the words a person would? Gemma 3 270M's sentiment explanations on
reviews whose sentiment words were marked by hand (bench/data/attribution_en.tsv).

    python -m bench.attribution [--methods occlusion,integrated_gradients]

For each review: the word with the strongest push toward the label the model chose; a hit when it
is one of the marked words. Prints each method's hit rate, median seconds per review, and one final
JSON line. Integrated gradients (24 Gauss-Legendre steps, all-zero baseline: the method the page
used before occlusion) is computed here for the comparison.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from pathlib import Path

import torch

DATA = Path(__file__).resolve().parent / "data" / "attribution_en.tsv"
IG_STEPS = 24


def marked_reviews(path: Path = DATA) -> list[tuple[str, set[str]]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            review, carriers = line.split("\t")
            rows.append((review, {w.lower() for w in carriers.split()}))
    return rows


def bare(word: str) -> str:
    return re.sub(r"\W+", "", word.lower())


def top_word(words: list[tuple[str, float]], toward_first: bool) -> str:
    """The word with the strongest push toward the chosen label."""
    return bare(max(words, key=lambda item: item[1] if toward_first else -item[1])[0])


def integrated_gradients_words(engine, text: str) -> list[tuple[str, float]]:
    """Word scores of the sentiment margin by integrated gradients over the review's embeddings."""
    from demo.explain import integrated_gradients, tokens_of, words_of

    model = engine.loaded.model
    embed, decoder = model.get_input_embeddings(), model.get_decoder()
    ids, spans = tokens_of(engine.loaded.tokenizer, text)
    before, tail_ids = engine.prefix + engine.review_head, engine.review_tail
    head = model.get_output_embeddings().weight[engine.label_ids]
    with torch.no_grad():
        first, tail = embed(torch.tensor([before])), embed(torch.tensor([tail_ids]))
        user = embed(torch.tensor([ids]))

    def margin(rows: torch.Tensor) -> torch.Tensor:
        n = len(rows)
        embeds = torch.cat([first.expand(n, -1, -1), rows, tail.expand(n, -1, -1)], 1)
        logits = decoder(inputs_embeds=embeds).last_hidden_state[:, -1] @ head.T
        return (logits[:, 0::2] - logits[:, 1::2]).mean(-1)  # the label-word pairs' mean margin

    (scores,), _ = integrated_gradients(margin, (user,), IG_STEPS, model, lambda: None, rows_per_pass=4,
                                        context_tokens=len(before) + len(tail_ids))
    return words_of(text, spans, scores)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", default="occlusion,integrated_gradients")
    args = parser.parse_args()

    from demo.profiles import plan
    from demo.runtime import Runtime

    engine = Runtime(plan("embedded")).engine("sentiment")
    methods = {"occlusion": lambda text: engine.attribute(text).words[0],
               "integrated_gradients": lambda text: integrated_gradients_words(engine, text)}
    results: dict[str, float] = {}
    reviews = marked_reviews()
    for name in args.methods.split(","):
        hits, seconds, misses = 0, [], []
        for review, carriers in reviews:
            positive = engine.classify(review).scores["POSITIVE"] >= 0.5
            started = time.perf_counter()
            words = methods[name](review)
            seconds.append(time.perf_counter() - started)
            word = top_word(words, positive)
            hits += word in carriers
            if word not in carriers:
                misses.append(f"{review} -> {word}")
        results[f"{name}_hit_rate"] = hits / len(reviews)
        results[f"{name}_median_s"] = statistics.median(seconds)
        print(f"{name:22s} top word is a marked word in {hits}/{len(reviews)}; "
              f"median {statistics.median(seconds):.2f} s a review")
        for miss in misses:
            print(f"    missed: {miss}")
    results["reviews"] = len(reviews)
    print(json.dumps({name: round(value, 4) for name, value in results.items()}))


if __name__ == "__main__":
    main()
