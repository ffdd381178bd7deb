"""Classify, the fifth task: the user's own labels, on a tiny NLI checkpoint built here, through the
engine, the launched app's API, batch CSVs and the any-label scorecard."""

from __future__ import annotations

import math

import pytest
from gradio_client.exceptions import AppError

from demo.batch import read_batch_csv, run_batch
from demo.engines.nli import NliClassifier, nli_labels
from demo.errors import InputError
from demo.explain import occlusion, tokens_of
from demo.scorecard import built_in, labels_of, read_csv, score
from demo.tasks.classify import MAX_LABELS
from demo.engines.types import Side, Sides
from demo.registry import get_task

TASK = get_task("classify")


def test_nli_classes_are_read_from_the_config_and_a_checkpoint_without_them_is_named(runtime):
    engine = runtime.engine("classify")
    assert isinstance(engine, NliClassifier)
    assert (engine.entail, engine.contra) == (0, 2)
    config = type("Config", (), {"id2label": {0: "NEGATIVE", 1: "POSITIVE"}})()
    with pytest.raises(Exception, match="NEGATIVE, POSITIVE; zero-shot classification needs an NLI checkpoint"):
        nli_labels(config)


def test_one_label_scores_sum_to_one_and_several_are_each_a_probability(runtime):
    engine = runtime.engine("classify")
    (single,) = TASK.run(engine, print, "the film was great fun", "film, music, sport")
    assert list(single) == sorted(single, key=single.get, reverse=True) and set(single) == {"film", "music", "sport"}
    assert sum(single.values()) == pytest.approx(1, abs=1e-5)
    (several,) = TASK.run(engine, print, "the film was great fun", "film, music, sport", True)
    assert all(0 <= p <= 1 for p in several.values()) and sum(several.values()) != pytest.approx(1, abs=1e-3)


def test_chinese_text_and_labels_get_the_chinese_template():
    assert TASK.check("他在比赛中进了两个球。", "体育，政治、科学")[1:] == (["体育", "政治", "科学"], False,
                                                                   "这段文字的主题是{}。")
    assert TASK.check("A goal in the final.", "sports, politics", False, "A story on {}.")[3] == "A story on {}."


@pytest.mark.parametrize("labels, template, message", [
    ("sports", "This text is about {}.", "1 label given; write 2 to 20 labels"),
    (",".join(f"l{n}" for n in range(21)), "This text is about {}.", "21 labels given"),
    ("sports,, politics", "This text is about {}.", "Label 2 is empty"),
    ("Sports, sports", "This text is about {}.", "The label 'sports' is given twice"),
    ("sports, " + "x" * 101, "This text is about {}.", "is 101 characters long; at most 100"),
    ("sports, politics", "About the label.", "must contain {} exactly once"),
    # a template is plain text: escaped braces, format specs, fields and conversions are refused at once
    # (`{{}}{:㐀>3000}` padded each label to 3,000 characters and held the server 400 s)
    ("sports, politics", "{{}}{:㐀>3000}", "and no other braces"),
    ("sports, politics", "{{}}{:x>40}", "and no other braces"),
    ("sports, politics", "{{}}{x}", "and no other braces"),
    ("sports, politics", "{} {1}", "and no other braces"),
    ("sports, politics", "{}{0}", "and no other braces"),
    ("sports, politics", "{!r}{}", "and no other braces"),
    ("sports, politics", "About {} }", "and no other braces"),
])
def test_bad_labels_and_templates_are_refused_before_any_model_runs(labels, template, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace("{}", r"\{\}")):
        TASK.check("A goal in the final.", labels, False, template)


def test_a_template_is_filled_as_plain_text_never_formatted():
    from demo.engines.types import hypothesis

    assert hypothesis("About {} and more.", "{0} {:>9}") == "About {0} {:>9} and more."  # a label is text too


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_label_in_its_template_is_bounded_in_tokens_before_any_pass(runtime, monkeypatch, language):
    """What the model reads is bounded, not only what the visitor types: a label that reads as more than
    `MAX_HYPOTHESIS_TOKENS` in its template is refused with its count before a forward pass runs."""
    from demo.engines.types import MAX_HYPOTHESIS_TOKENS

    engine = runtime.engine("classify", language=language)
    passes = []
    monkeypatch.setattr(engine, "_scores", lambda *args: passes.append(args))
    # inside every character bound: a 100-character label, or a 300-character template
    text, labels, template = (("A goal in the final.", "sports, politics", "About {}: " + "x " * 140)
                              if language == "en" else ("他进了两个球。", "体育, " + "字" * 99, "关于{}。"))
    checked = TASK.check(text, labels, False, template)
    with pytest.raises(InputError, match=f"reads as .* tokens; the model reads at most {MAX_HYPOTHESIS_TOKENS}"):
        TASK.solve(engine, print, *checked)
    with pytest.raises(InputError, match="reads as"):
        engine.attribute(*checked)
    assert passes == []


def test_the_words_of_the_text_are_explained_for_the_top_label(runtime):
    engine = runtime.engine("classify")
    attribution = engine.attribute("the film was great fun", ["film", "music"], False, "This text is about {}.")
    assert "".join(word for word, _ in attribution.words[0]) == "the film was great fun"


def test_several_labels_are_explained_with_the_top_labels_pairs_only_and_the_same_scores(runtime, monkeypatch):
    """With several labels each label's probability is its own pair's: occluding a word changes the top
    label's pair only, so the other labels' pairs are not scored for the variants (4 labels: 4x fewer)."""
    engine = runtime.engine("classify")
    text, labels = "the film was great fun and the music was loud", ["film", "music", "sport", "food"]
    template = "This text is about {}."
    pairs = []
    scores = engine._scores

    def counted(premises, hypotheses, multi_label):
        pairs.append(len(premises) * len(hypotheses))
        return scores(premises, hypotheses, multi_label)

    monkeypatch.setattr(engine, "_scores", counted)
    several = engine.attribute(text, labels, True, template).words[0]
    words = len(several)
    assert sum(pairs) == len(labels) + words  # the whole text with every label, each variant with the top one

    # the same scores as every label's pair for every variant (what it scored before)
    monkeypatch.setattr(engine, "_scores", scores)
    hypotheses = [engine.loaded.tokenizer(template.format(label), add_special_tokens=False)["input_ids"]
                  for label in labels]
    ids, spans = tokens_of(engine.loaded.tokenizer, text)

    def every_pair(variants):
        grid = scores(variants, hypotheses, True)
        best = max(range(len(labels)), key=grid[0].__getitem__)
        return [math.log(max(row[best], 1e-9)) for row in grid]

    expected = engine.worker.call(occlusion, text, ids, spans, every_pair)
    assert [word for word, _ in several] == [word for word, _ in expected]
    assert [score for _, score in several] == pytest.approx([score for _, score in expected], abs=1e-5)


def test_the_api_classifies_in_english_and_chinese_and_refuses_bad_labels(client):
    label, status = client.predict("the film was great fun", "film, music, sport", api_name="/classify")
    assert {c["label"] for c in label["confidences"]} == {"film", "music", "sport"} and "Answered by" in status
    label, _ = client.predict("这部电影很好看。", "电影，音乐", True, "这段文字讲的是{}。", api_name="/classify")
    assert {c["label"] for c in label["confidences"]} == {"电影", "音乐"}
    with pytest.raises(AppError, match="1 label given"):
        client.predict("the film was great fun", "film", api_name="/classify")
    names = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    assert [p["parameter_name"] for p in names["/classify"]["parameters"]] == ["text", "labels", "multi_label",
                                                                               "template"]
    assert {"/explain_classify", "/compare_classify"} <= set(names)


def test_a_batch_csv_of_texts_and_labels_is_answered_row_by_row(runtime):
    rows = read_batch_csv(b"text,labels,multi_label\nthe film was fun,\"film, music\",false\n"
                          b"a song,\"film, music\",yes\nno labels,film,\n", "classify")
    *_, records = run_batch("classify", rows, lambda language: runtime.engine("classify", language=language),
                            lambda: False)
    assert records[0]["label"] in {"film", "music"} and "%" in records[0]["scores"]
    assert "label" in records[1] and "1 label given" in records[2]["error"]


def test_the_scorecard_reads_any_labels_from_the_file_and_counts_each(runtime):
    data = "text,label\nthe film was fun,film\na song,music\na match,sport\nthe cinema,film\n".encode()
    items = read_csv(data, "classify")
    assert labels_of("classify", items) == ["film", "music", "sport"]
    sides = Sides(Side("NLI", runtime.engine("classify")), Side("Gemma", None, "not loaded"))
    labels = labels_of("classify", items)
    answer = lambda engine, *inputs: TASK.run(engine, print, *TASK.scorecard_values(inputs, labels))[0]  # noqa: E731
    *_, tally = score(sides, "classify", items, answer, lambda: False)
    assert tally.done == 4 and sum(tally.sides["NLI"].confusion.values()) == 4
    for name in ("topics", "intents"):
        for language in ("en", "zh"):
            assert len(labels_of("classify", built_in("classify", language, name))) == 4


def test_a_labelled_file_with_too_many_or_too_few_labels_is_refused_naming_them():
    many = "text,label\n" + "".join(f"text {n},label{n}\n" for n in range(MAX_LABELS + 2))
    with pytest.raises(InputError, match="22 distinct labels; at most 20 can be scored. The ones past the 20th: "
                                         "label20, label21"):
        read_csv(many.encode(), "classify")
    with pytest.raises(InputError, match="only one label"):
        read_csv(b"text,label\na,x\nb,x\n", "classify")
    with pytest.raises(InputError, match="Row 3: the label is empty"):
        read_csv(b"text,label\na,x\nb,\n", "classify")


def test_an_explanation_of_a_text_that_does_not_fit_beside_its_labels_says_so(runtime):
    """The tiny NLI model reads 128 positions: a 150-token text and its hypothesis once failed inside the
    model ("could not process this input"); the text's bound is what fits beside the longest label."""
    engine = runtime.engine("classify")
    text = " ".join(["the film was great fun and the music was loud"] * 15)
    with pytest.raises(InputError, match="explanations take texts of up to"):
        engine.attribute(text, [f"topic {n}" for n in range(20)], False, "This text is about {}.")
