"""Explanations on tiny real models: word attributions, token probabilities, the two ways to fill masks."""

from __future__ import annotations

import math

import pytest
import torch
from gradio_client.exceptions import AppError
from transformers import AutoTokenizer

from demo.errors import InputError
from demo.explain import MAX_EXPLAIN_TOKENS, tokens_of, words_of
from demo.registry import get_task


@pytest.mark.parametrize("task", ["sentiment", "generate"])  # WordPiece, and byte-level BPE
def test_subword_pieces_merge_into_the_users_words(tiny_paths, task):
    tokenizer = AutoTokenizer.from_pretrained(tiny_paths[task])
    text = "The moviegoers barked,  happily at  the mailman!"
    ids, spans = tokens_of(tokenizer, text)
    assert len(ids) > len(text.split())  # some words are several pieces
    words = words_of(text, spans, [1.0] * len(ids))
    assert [word.strip() for word, _ in words] == text.split()
    assert "".join(word for word, _ in words) == text
    assert sum(score for _, score in words) == len(ids)  # every piece counted once


def test_sentiment_attribution_sums_to_the_score_change_within_captums_delta(runtime):
    engine = runtime.engine("sentiment")
    text = "the film was great fun but the end was awful"
    attribution = engine.attribute(text)
    (words,) = attribution.words
    assert [w.strip() for w, _ in words] == text.split()
    model, tokenizer = engine.loaded.model, engine.loaded.tokenizer
    positive, negative = engine.labels.index("POSITIVE"), engine.labels.index("NEGATIVE")
    with torch.no_grad():
        logits = model(**tokenizer(text, return_tensors="pt")).logits[0]
        embed = model.get_input_embeddings()
        ids = tokenizer(text, add_special_tokens=False)["input_ids"]
        zeros = torch.zeros(1, len(ids), embed.embedding_dim)
        ends = [embed(torch.tensor([[t]])) for t in (tokenizer.cls_token_id, tokenizer.sep_token_id)]
        base = model(inputs_embeds=torch.cat([ends[0], zeros, ends[1]], 1)).logits[0]
    change = (logits[positive] - logits[negative]) - (base[positive] - base[negative])
    assert sum(score for _, score in words) == pytest.approx(change.item(), abs=attribution.delta + 1e-4)
    scaled = attribution.scaled()[0]
    assert max(abs(score) for _, score in scaled) == pytest.approx(1.0)


def test_next_sentence_attribution_covers_both_sentences(runtime):
    attribution = runtime.engine("next_sentence").attribute("I went to the store.", "I bought milk.")
    words_a, words_b = attribution.scaled()
    assert [w.strip() for w, _ in words_a] == ["I", "went", "to", "the", "store."]
    assert [w.strip() for w, _ in words_b] == ["I", "bought", "milk."]
    assert all(-1.0 <= score <= 1.0 for _, score in words_a + words_b)


def test_explanations_refuse_empty_and_over_long_texts(runtime):
    task = get_task("sentiment")
    with pytest.raises(InputError, match="Text is empty"):
        task.check("   ")  # every view checks its input with the task's own check, once
    with pytest.raises(InputError, match=f"explanations take texts of up to {MAX_EXPLAIN_TOKENS} tokens"):
        runtime.engine("sentiment").attribute("good " * (MAX_EXPLAIN_TOKENS + 1))


def test_a_scored_text_gives_back_the_text_and_its_perplexity(runtime):
    text = "The capital of France is Paris."
    scored = runtime.engine("generate").score(text)
    assert "".join(scored.pieces) == text
    probabilities = [p.probability for p in scored.pieces]
    assert all(0.0 < p <= 1.0 for p in probabilities)  # the first token is scored after <|endoftext|>
    expected = math.exp(-sum(math.log(p) for p in probabilities) / len(probabilities))
    assert scored.perplexity == pytest.approx(expected)
    assert all(len(p.alternatives) == 5 for p in scored.pieces)


def test_generated_tokens_carry_their_probability_and_alternatives(runtime):
    task = get_task("generate")
    *_, (text, probabilities, steps) = task.run(runtime.engine("generate"), pytest.fail, "Once upon", 8, 0.0, 1.0, 0, 1.0)
    assert text == "Once upon" + "".join(token for token, _ in probabilities)
    assert sum(step["tokens"] for step in steps) == 8
    for step in steps:  # greedy decoding takes the likeliest token: the first alternative
        assert step["probability"] == pytest.approx(step["alternatives"][0][1], rel=1e-4)


def test_masks_filled_one_after_another_see_the_words_before_them(runtime):
    engine = runtime.engine("fill_mask")
    text = "the [MASK] went to the [MASK] ."
    apart = engine.fill(text, 3, 2)
    in_order = engine.fill(text, 3, 2, in_order=True)
    assert apart.candidates[0] == in_order.candidates[0]  # the first mask has nothing before it
    best = in_order.candidates[0][0][0]
    assert in_order.candidates[1] == engine.fill(text.replace("[MASK]", best, 1), 3, 1).candidates[0]


def test_explanation_endpoints_answer_in_their_shapes(client):
    label, heat, status = client.predict("the film was great", api_name="/explain_sentiment")
    assert label["label"] in {"POSITIVE", "NEGATIVE"} and "Answered by" in status
    assert [entry["token"].strip() for entry in heat] == ["the", "film", "was", "great"]
    assert all(-1.0 <= entry["class_or_confidence"] <= 1.0 for entry in heat)
    label, heat, _ = client.predict("I went to the store.", "I bought milk.", api_name="/explain_next_sentence")
    assert label["label"] in {"IsNext", "NotNext"} and len(heat) == 8
    tokens, perplexity, _ = client.predict("The capital of France is Paris.", api_name="/score_text")
    assert "".join(entry["token"] for entry in tokens) == "The capital of France is Paris."
    assert perplexity > 1
    apart, in_order, table, _ = client.predict("the [MASK] sat on the [MASK] .", 2, api_name="/fill_mask_two_ways")
    assert "[MASK]" not in apart and "[MASK]" not in in_order
    assert {row[0] for row in table["data"]} == {"apart", "in order"}


def test_an_explanation_of_bad_input_is_a_clear_error(client):
    with pytest.raises(AppError, match="Sentence B is empty"):
        client.predict("I went to the store.", "", api_name="/explain_next_sentence")


class CountedLinear(torch.nn.Linear):
    calls = 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        return super().forward(x)


class Layers(torch.nn.Module):
    """A stack of one layer: what `checkpoint_between_layers` looks for."""

    def __init__(self):
        super().__init__()
        self.layers = torch.nn.ModuleList([CountedLinear(4, 1)])
        self.rows = 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # [rows, tokens, 4] -> [rows]
        self.rows += x.shape[0]
        return torch.sigmoid(self.layers[0](x).sum((1, 2)))


@pytest.mark.parametrize("tokens, recomputed", [(3, False), (200, True)])
def test_a_long_inputs_layers_are_recomputed_in_the_backward_pass_a_short_ones_kept(tokens, recomputed, monkeypatch):
    from demo import explain

    # six rows of (tokens + 3) tokens, 4 hidden units, 1 layer: 8 KB kept for 3 tokens, 273 KB for 200
    monkeypatch.setattr(explain, "KEPT_ACTIVATIONS_MAX_BYTES", 100_000)
    model = Layers()
    inputs = (torch.full((1, tokens, 4), 0.01),)
    scores, delta = explain.integrated_gradients(model, inputs, 12, model, lambda: None, rows_per_pass=6)
    assert model.rows == 12 + 2  # twelve steps six at a time, and both ends (one row each) for the delta
    assert model.layers[0].calls == 4 + 2 * recomputed  # a recomputed layer runs again for the backward pass
    with torch.no_grad():
        change = float(model(inputs[0]) - model(torch.zeros_like(inputs[0])))
    assert sum(scores[0]) == pytest.approx(change, abs=delta + 1e-6)  # kept or recomputed, the same integral
