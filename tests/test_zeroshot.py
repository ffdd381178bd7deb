"""The zero-shot solvers' logic on a tiny causal model (real transformers code, random weights)."""

from __future__ import annotations

import copy
import math
import threading

import pytest
import torch
from transformers import AutoModelForCausalLM

from demo.models import ModelRef, detect_placement, load_model, quantize_int8
from demo.registry import get_task
from demo.engines.gemma import next_sentence
from demo.engines.gemma.fill_mask import RerankedFillMask
from demo.engines.gemma.next_sentence import GainNextSentence
from demo.engines.gemma.scoring import (after_each_prefix_logprobs, continuation_logprobs, encode, next_token_logprobs,
                                        prefix_state, prefixes_state)
from demo.engines.gemma.sentiment import CONTENT_FREE, PromptSentiment


@pytest.fixture(scope="module")
def tiny_lm(tiny_paths):
    return load_model(ModelRef(str(tiny_paths["generate"])), AutoModelForCausalLM, detect_placement())


def test_batched_scores_equal_one_at_a_time_scores(tiny_lm):
    a, b = encode(tiny_lm, "The movie", bos=True), encode(tiny_lm, "Once upon a time there", bos=True)
    together = next_token_logprobs(tiny_lm, [a, b])
    assert torch.allclose(together[0], next_token_logprobs(tiny_lm, [a])[0], atol=1e-4)
    assert torch.allclose(together[1], next_token_logprobs(tiny_lm, [b])[0], atol=1e-4)
    pairs = [(a, encode(tiny_lm, " was great")), (b, encode(tiny_lm, " lived"))]
    joint = continuation_logprobs(tiny_lm, pairs)
    for pair, scores in zip(pairs, joint):
        assert scores == pytest.approx(continuation_logprobs(tiny_lm, [pair])[0], abs=1e-4)
        assert len(scores) == len(pair[1]) and all(s < 0 for s in scores)


def test_continuation_logprob_is_the_chain_rule(tiny_lm):
    context, continuation = encode(tiny_lm, "The quick", bos=True), encode(tiny_lm, " brown fox")
    per_token = continuation_logprobs(tiny_lm, [(context, continuation)])[0]
    step = next_token_logprobs(tiny_lm, [context])[0][continuation[0]].item()
    assert per_token[0] == pytest.approx(step, abs=1e-4)


def test_one_continuation_after_kept_padded_prefixes_scores_as_after_each_alone(tiny_lm):
    prefixes = [encode(tiny_lm, text, bos=True) for text in ("The cat", "Once upon a time there was", "Hi")]
    continuation = encode(tiny_lm, " a dog in the park")
    state = prefixes_state(tiny_lm, prefixes)
    for _ in range(2):  # the kept state is reused, not consumed
        rows = after_each_prefix_logprobs(tiny_lm, state, continuation)
        for prefix, row in zip(prefixes, rows, strict=True):
            assert row == pytest.approx(continuation_logprobs(tiny_lm, [(prefix, continuation)])[0], abs=1e-4)


def test_a_prefix_state_is_kept_on_a_dynamic_int8_copy_too(tiny_lm):
    """bench.quality compares sentiment on a dynamic-int8 copy of Gemma: its output layer takes matrices only."""
    quantized = copy.copy(tiny_lm)
    quantized.model = quantize_int8(copy.deepcopy(tiny_lm.model))
    prefix = encode(tiny_lm, "The movie was", bos=True)
    _, exact = prefix_state(tiny_lm, prefix)
    _, approximate = prefix_state(quantized, prefix)
    assert approximate.shape == exact.shape and torch.isfinite(approximate).all()
    assert torch.allclose(exact, next_token_logprobs(tiny_lm, [prefix])[0], atol=1e-4)


def test_next_sentence_score_is_b_after_a_against_b_after_the_unrelated_sentences(tiny_lm, worker):
    engine = GainNextSentence(tiny_lm, worker)
    a, b = encode(tiny_lm, "The sky is blue."), encode(tiny_lm, " The sun is out.")
    after_a = sum(continuation_logprobs(tiny_lm, [([tiny_lm.tokenizer.bos_token_id] + a, b)])[0])
    after_unrelated = [sum(row) for row in continuation_logprobs(tiny_lm, [(u, b) for u in engine.unrelated])]
    expected = (after_a - sum(after_unrelated) / len(after_unrelated)) / math.sqrt(len(b))
    assert worker.call(engine.gains_many, [("The sky is blue.", "The sun is out.")])[0] == pytest.approx(expected, abs=1e-3)


def test_an_explanation_reads_b_after_the_unrelated_sentences_once(tiny_lm, worker, monkeypatch):
    """The explain view judges, then attributes the same pair: B's scores after the unrelated sentences
    are computed for the judgement and reused by the attribution, the same numbers either way."""
    engine = GainNextSentence(tiny_lm, worker)
    passes = []
    real = next_sentence.after_each_prefix_logprobs
    monkeypatch.setattr(next_sentence, "after_each_prefix_logprobs",
                        lambda *args, **kwargs: passes.append(1) or real(*args, **kwargs))
    judged = engine.judge("The sky is blue.", "The sun is out over the hills.")
    per_judgement = len(passes)
    attribution = engine.attribute("The sky is blue.", "The sun is out over the hills.")
    assert per_judgement > 0 and len(passes) == per_judgement
    # the other way round on a new engine: its attribution computes the rows, its judgement reuses them
    fresh = GainNextSentence(tiny_lm, worker)
    assert attribution.words == fresh.attribute("The sky is blue.", "The sun is out over the hills.").words
    assert judged.scores == fresh.judge("The sky is blue.", "The sun is out over the hills.").scores


def test_calibrated_sentiment_is_balanced_on_content_free_inputs(tiny_lm, worker):
    engine = PromptSentiment(tiny_lm, worker)
    balanced = engine._label_probs([encode(tiny_lm, text) for text in CONTENT_FREE]).mean(0)
    # each pair is divided by its mean over these inputs; the pairs' product is then balanced up to
    # how much the inputs differ from one another
    assert balanced.tolist() == pytest.approx([0.5, 0.5], abs=1e-3)
    result = engine.classify("A great movie.")
    assert set(result.scores) == {"POSITIVE", "NEGATIVE"} and sum(result.scores.values()) == pytest.approx(1)


def test_gain_threshold_sits_between_the_calibration_groups(tiny_lm, worker):
    engine = GainNextSentence(tiny_lm, worker)
    assert engine.boundary.scale > 0 and math.isfinite(engine.boundary.threshold)
    result = engine.judge("The sky is blue.", "The sun is out.")
    assert set(result.scores) == {"IsNext", "NotNext"} and sum(result.scores.values()) == pytest.approx(1)


def test_reranked_fill_mask_fills_masks_left_to_right(tiny_lm, worker):
    engine = RerankedFillMask(tiny_lm, worker)
    task = get_task("fill_mask")
    first, filled, table = task.run(engine, lambda m: None, "The [MASK] sat on the <mask>.", 4)
    assert sorted({row[0] for row in table}) == [1, 2]
    assert sum(first.values()) <= 1.0 + 1e-6 and len(first) <= 4
    assert "[MASK]" not in filled and filled.startswith("The ")


def test_embedded_sentiment_says_when_a_review_is_cut(tiny_lm, worker):
    warnings = []
    get_task("sentiment").run(PromptSentiment(tiny_lm, worker), warnings.append, "great " * 600)
    assert "tokens at most" in warnings[0] and "at the end were left out" in warnings[0]


def test_a_request_answered_between_generated_tokens_changes_neither_answer(tiny_lm, worker):
    """Embedded tasks share one model: a sentiment pass run mid-generation must not disturb either."""
    from demo.engines.causal_lm import CausalLMEngine
    from demo.engines.types import GenerationSettings

    sentiment, generator = PromptSentiment(tiny_lm, worker), CausalLMEngine(tiny_lm, worker)
    settings = GenerationSettings(max_new_tokens=200, temperature=0.0, repetition_penalty=1.0)
    alone = sentiment.classify("A lovely film.").scores
    uninterrupted = "".join(generator.stream(generator.prepare("Once upon", 200), settings, threading.Event()))
    pieces, during = [], {}
    for piece in generator.stream(generator.prepare("Once upon", 200), settings, threading.Event()):
        if not pieces:  # the generation is under way: this request is served between two tokens
            helper = threading.Thread(target=lambda: during.update(sentiment.classify("A lovely film.").scores))
            helper.start()
            helper.join(timeout=30)
            served_mid_generation = worker.call(lambda: worker.long_job_running)
        pieces.append(piece)
    assert served_mid_generation
    assert during == pytest.approx(alone, abs=1e-5)
    assert "".join(pieces) == uninterrupted


def test_gemma_2_style_final_logit_soft_capping_is_read_under_its_transformers_name():
    from transformers import Gemma2Config, Gemma2ForCausalLM

    from demo.engines.gemma.scoring import softcap

    config = Gemma2Config(vocab_size=64, hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                          num_attention_heads=2, num_key_value_heads=1, head_dim=8, final_logit_softcapping=2.0)
    model = Gemma2ForCausalLM(config)
    logits = torch.tensor([-30.0, -1.0, 0.0, 1.0, 30.0])
    assert torch.allclose(softcap(model, logits), torch.tanh(logits / 2.0) * 2.0)
    assert softcap(model, logits).abs().max() <= 2.0


def test_a_new_label_set_is_calibrated_once_per_label_and_never_charged_to_the_answers_budget(tiny_lm, worker,
                                                                                               monkeypatch):
    """A new set of 20 Chinese labels, calibrated slowly (a busy machine), is still answered: the one-time
    calibration is a job of its own, bounded by the labels' declared bounds, not the answer's 20 s (4 labels
    on one sentence were refused once, "fewer labels or a shorter text"). Each label is calibrated once:
    a later set that shares labels calibrates only its new ones, to the same scores."""
    import time

    from demo.engines.gemma import classify
    from demo.engines.gemma.classify import LabelLikelihood

    engine, fresh = LabelLikelihood(tiny_lm, worker, "zh"), LabelLikelihood(tiny_lm, worker, "zh")
    calibrated, real = [], LabelLikelihood._raw_after_each

    def slow(self, variants, prompts):
        if len(variants) > 1:  # the calibration texts (an answer reads one text)
            calibrated.append(len(prompts[0][1]))  # how many labels
            end = time.process_time() + (1.2 * torch.get_num_threads() if len(calibrated) == 1 else 0)
            while time.process_time() < end:  # the new set of 20: 1.2 s of model time, past the answer's budget
                pass
        return real(self, variants, prompts)

    monkeypatch.setattr(LabelLikelihood, "_raw_after_each", slow)
    monkeypatch.setattr(classify, "LONG_JOB_BUDGET_S", 0.5)  # the answer's own budget, spent by the calibration alone
    labels = [f"类别{n}" for n in range(20)]  # rows sharing more than the prompt: kept apart, still exact
    scores = engine.classify("他在比赛中进了两个球。", labels, False, "这段文字的主题是{}。").scores
    assert sorted(scores) == sorted(labels) and calibrated == [20]
    again = engine.classify("他在比赛中进了两个球。", [*labels[:3], "体育"], False, "这段文字的主题是{}。").scores
    assert calibrated[1:] == [1]  # only the new label
    whole = fresh.classify("他在比赛中进了两个球。", [*labels[:3], "体育"], False, "这段文字的主题是{}。").scores
    assert again == pytest.approx(whole, abs=1e-5)


@pytest.mark.parametrize("language, labels, multi_label", [
    ("en", ["sports", "politics", "science and technology"], False),
    ("en", ["sports", "politics", "science and technology"], True),
    ("zh", ["体育", "财经", "科技", "国际新闻"], False),
])
def test_reading_the_prompts_shared_start_once_gives_the_same_probabilities(tiny_lm, worker, monkeypatch,
                                                                             language, labels, multi_label):
    """Every label's row starts with the same tokens ("\\nCategory:"): read once after the text and left
    out of the scores, every label's score moves alike, so the answer, the calibration and an
    explanation are the same as with whole rows (which read those positions once per label)."""
    from demo.engines.gemma import classify
    from demo.engines.gemma.classify import LabelLikelihood

    text = "The match ended two all after extra time." if language == "en" else "比赛在加时赛后二比二结束。"
    template = "This text is about {}." if language == "en" else "这段文字的主题是{}。"
    shared = LabelLikelihood(tiny_lm, worker, language)
    assert all(len(start) > 0 for start, _ in shared._rows(tuple(labels), multi_label, template))
    once = shared.classify(text, labels, multi_label, template).scores
    explained = [score for _, score in shared.attribute(text, labels, multi_label, template).words[0]]
    monkeypatch.setattr(classify, "common_start", lambda rows: 0)  # whole rows, as before
    whole = LabelLikelihood(tiny_lm, worker, language)
    assert once == pytest.approx(whole.classify(text, labels, multi_label, template).scores, abs=1e-4)
    assert explained == pytest.approx(
        [score for _, score in whole.attribute(text, labels, multi_label, template).words[0]], abs=1e-3)
