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


def slowed(engine, monkeypatch, seconds: float) -> list[str]:
    """The engine answers every question alike (nothing flips it), `seconds` a question: a busy machine."""
    import time

    asked = []

    def steady(text):
        asked.append(text)
        time.sleep(seconds)
        return type("Scores", (), {"scores": {"POSITIVE": 0.9, "NEGATIVE": 0.1}, "dropped_tokens": 0})()

    monkeypatch.setattr(engine, "classify", steady)
    monkeypatch.setattr(type(engine), "answers_together", False, raising=False)  # one question at a time
    return asked


def test_on_a_busy_machine_every_one_word_edit_of_a_short_review_is_tried_before_it_holds(runtime, monkeypatch):
    """Slow questions (a busy machine) once left a 4.5 s search with 3 questions, and it said "it holds":
    a short review's one-word deletions are all asked, past the budget, before the answer is said to hold."""
    from demo.registry import VIEWS, get_task

    view, task, engine = VIEWS["counterfactual"], get_task("sentiment"), runtime.engine("sentiment")
    monkeypatch.setattr(type(engine), "search_budget_s", 1.5, raising=False)
    asked = slowed(engine, monkeypatch, 0.2)  # 12 deletions: 2.4 s, over the budget, well within its hard limit
    text = "the plot was thin and the jokes were old but the cast"
    best, table = view.run(task, engine, print, text)
    assert best == "" and {text.replace(word + " ", "", 1) for word in ("plot", "jokes", "cast")} & set(asked)
    assert len(asked) >= 1 + len(text.split())  # the answer, then every word left out
    assert "it holds" in view.present(task, (text,), (best, table), None)


def test_a_search_that_could_not_try_the_edits_says_how_far_it_got_and_never_that_it_holds(runtime, monkeypatch):
    from demo.errors import UserFacingError
    from demo.registry import VIEWS, get_task
    from demo.views.counterfactual import HARD_LIMIT_BUDGETS

    view, task, engine = VIEWS["counterfactual"], get_task("sentiment"), runtime.engine("sentiment")
    monkeypatch.setattr(type(engine), "search_budget_s", 0.2, raising=False)
    asked = slowed(engine, monkeypatch, 0.3)  # past the hard limit (0.8 s) after a few questions
    text = "the plot was thin and the jokes were old but the cast"
    with pytest.raises(UserFacingError, match=r"only \d+ of the text's 12 one-word edits could be asked") as said:
        view.run(task, engine, print, text)
    assert "holds" not in str(said.value) and len(asked) < 1 + 12
    assert HARD_LIMIT_BUDGETS * 0.2 < 12 * 0.3


def test_a_long_review_is_refused_by_the_search_at_once_with_its_bound(client):
    """Every question re-reads the text: a 200,000-character review made a search take 13-74 s."""
    import time

    from gradio_client.exceptions import AppError

    from demo.views.counterfactual import MAX_SEARCH_CHARS

    started = time.monotonic()
    with pytest.raises(AppError, match=f"the limit is {MAX_SEARCH_CHARS:,}"):
        client.predict("a fine film. " * 15_000, api_name="/counterfactual_sentiment")
    assert time.monotonic() - started < 10
    assert client.predict("a fine film. " * 100, api_name="/sentiment")[0]["label"]  # Run still reads it whole


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
