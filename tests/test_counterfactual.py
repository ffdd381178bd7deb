"""What flips the answer: every edit it returns, sent back through the task's own endpoint, gets
another label; a text it cannot flip within its bounds says so (tiny models, real launched app)."""

from __future__ import annotations

import pytest

from demo.views.counterfactual import MAX_CHECKS, without, word_spans


def test_words_are_latin_words_whole_and_chinese_characters_one_by_one():
    text = "I didn't hate it, 真的很好"
    assert [text[a:b] for a, b in word_spans(text)] == ["I", "didn't", "hate", "it", "真", "的", "很", "好"]
    assert without("I did not hate it.", [(6, 9)]) == "I did hate it."
    assert without("not bad", [(0, 3)]) == "bad"


@pytest.mark.parametrize("api_name, data, edited, flips", [
    ("counterfactual_sentiment", ["the film was great fun but the plot was bad and boring"], 0, False),
    ("counterfactual_next_sentence", ["It rained all day.", "The streets were wet and the park was empty."], 1, None),
    # a text the tiny NLI model answers near a tie: two words left out flip it
    ("counterfactual_classify", ["best went where very why fun mat they", "film, music, sport"], 0, True),
])
def test_each_flip_it_returns_gets_another_label_from_the_tasks_own_endpoint(client, api_name, data, edited, flips):
    best, table, status = client.predict(*data, api_name=f"/{api_name}")
    assert flips is None or bool(best) == flips
    rows = table["data"]
    print(f"\n{api_name}: {len(rows) if best else 0} flips; {status.splitlines()[0][-60:]}")
    assert "asked the model" in status
    answer_of = {"counterfactual_sentiment": "/sentiment", "counterfactual_next_sentence": "/next_sentence",
                 "counterfactual_classify": "/classify"}[api_name]
    if not best:  # nothing flips it: one row, the text as it is and its answer
        assert len(rows) == 1 and rows[0][0] == "" and rows[0][2] == rows[0][4]
        return
    for edit, text, label, _, before, _ in rows:
        values = list(data)
        values[edited] = text
        again = client.predict(*values, api_name=answer_of)[0]
        assert again["label"] == label != before, (edit, text, again)


def test_a_text_it_cannot_flip_says_so_within_its_bounds(runtime, monkeypatch):
    """An engine whose answer no deletion moves: the search stops at its limits and says the answer holds."""
    from demo.registry import VIEWS, get_task

    view, task, engine = VIEWS["counterfactual"], get_task("sentiment"), runtime.engine("sentiment")
    asked = []

    def steady(text):
        asked.append(text)
        return type("Scores", (), {"scores": {"POSITIVE": 0.9, "NEGATIVE": 0.1}, "dropped_tokens": 0})()

    monkeypatch.setattr(engine, "classify", steady)
    best, table = view.run(task, engine, print, " ".join(["word"] * 80))
    assert best == "" and table["data"][0][2] == "POSITIVE" and len(asked) <= MAX_CHECKS + 1  # the answer, then edits
    html = view.present(task, (" ".join(["word"] * 80),), (best, table), None)
    assert "it holds" in html


def test_searches_of_several_visitors_run_side_by_side_each_within_its_budget(base_url, runtime, monkeypatch):
    """A search's time is its budget, so six visitors' searches run at once (their own kind of work),
    each asking fewer questions, instead of waiting for each other's whole budgets in turn."""
    import time
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    from bench.server import call
    from demo.views import counterfactual

    engine, spans = runtime.engine("sentiment"), {}
    real_classify, real_init, real_ask = engine.classify, counterfactual.Search.__init__, counterfactual.Search.ask

    def slow_classify(text):
        time.sleep(0.1)
        return real_classify(text)

    def timed_init(self, *args):
        real_init(self, *args)
        spans[id(self)] = [time.monotonic(), None]

    def timed_ask(self, *args):
        try:
            return real_ask(self, *args)
        finally:
            spans[id(self)][1] = time.monotonic()

    monkeypatch.setattr(engine, "classify", slow_classify)
    # a budget long enough that six requests start within it even on a loaded machine
    monkeypatch.setattr(type(engine), "search_budget_s", 5.0, raising=False)
    monkeypatch.setattr(counterfactual.Search, "__init__", timed_init)
    monkeypatch.setattr(counterfactual.Search, "ask", timed_ask)

    def visitor(n: int) -> str:
        with httpx.Client(transport=httpx.HTTPTransport(local_address=f"127.0.4.{n + 1}"), timeout=120) as http:
            text = f"the film was great fun but the plot was bad, said visitor {n}"  # their own: nothing shared
            return call(http, base_url, "counterfactual_sentiment", [text])[0]

    with ThreadPoolExecutor(6) as pool:
        kinds = list(pool.map(visitor, range(6)))
    assert kinds == ["complete"] * 6
    starts, ends = [start for start, _ in spans.values()], [end for _, end in spans.values()]
    assert max(starts) < min(ends), "a search waited for another to end"


def test_bert_proposals_skip_ids_its_tokenizer_lacks(runtime):
    """An output layer wider than the tokenizer (vocabularies padded to a round size) proposes ids
    with no token: they are skipped, not an error (a real-size BERT with random weights hit this)."""
    import copy
    from types import SimpleNamespace

    import torch

    from demo.engines.substitutes import masked_substitutes

    loaded = runtime.engine("next_sentence").loaded
    model = copy.deepcopy(loaded.model)
    width = len(loaded.tokenizer)
    model.resize_token_embeddings(width + 64)
    with torch.no_grad():
        model.cls.predictions.decoder.bias[width:] = 1e4  # the padded ids are every position's top guesses
    wide = SimpleNamespace(tokenizer=loaded.tokenizer, model=model, max_length=loaded.max_length)
    proposals = masked_substitutes(wide, "the film was great fun", [(4, 8), (13, 18)], 5)
    assert [span for span, _ in proposals] == [(4, 8), (13, 18)]
    assert all(isinstance(word, str) for _, words in proposals for word in words)
