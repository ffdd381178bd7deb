"""Layer by layer (the logit lens) and which worked example moved the answer, on the tiny checkpoints:
the last row is the model's own distribution, an earlier row is the final norm and output layer on
that layer's state, a worked example left out is exactly that example gone from the prompt, and the
endpoints answer (or say why not) in the launched app."""

from __future__ import annotations

import pytest
import torch
from gradio_client.exceptions import AppError
from transformers import AutoModelForCausalLM

from demo.engines.gemma.scoring import encode, shared_prefix_next_tokens
from demo.engines.gemma.sentiment import CONTENT_FREE, PromptSentiment
from demo.engines.lens import MAX_TOKENS
from demo.errors import InputError
from demo.i18n import UI_LANGUAGE
from demo.models import ModelRef, detect_placement, load_model
from demo.registry import VIEWS, get_task

LAYERS, DEMONSTRATIONS = VIEWS["layers"], VIEWS["demonstrations"]


def lens(runtime, key: str, text: str, language: str = "en"):
    task = get_task(key)
    return LAYERS.run(task, runtime.engine(key, language=language), print, *task.check(text))


def top_of(probabilities: torch.Tensor, tokenizer, k: int = 5) -> list:
    top = probabilities.topk(k)
    return [value for i, p in zip(top.indices.tolist(), top.values.tolist(), strict=True)
            for value in (tokenizer.decode([i]), pytest.approx(p, abs=1e-4))]


@pytest.mark.parametrize("text, language", [("Once upon a time", "en"), ("从前有一座山", "zh")])
def test_the_last_row_is_the_models_own_next_token_and_an_early_row_its_norm_and_output_layer(runtime, text,
                                                                                            language):
    loaded = runtime.engine("generate", language=language).loaded
    _, table = lens(runtime, "generate", text, language)
    model, tokenizer = loaded.model, loaded.tokenizer
    ids = torch.tensor([tokenizer(text)["input_ids"]])
    with torch.inference_mode():
        out = model(ids, output_hidden_states=True)
        final_norm = getattr(model.get_decoder(), "norm", None) or model.get_decoder().ln_f
        first_layer = model.get_output_embeddings()(final_norm(out.hidden_states[1][0, -1])).softmax(-1)
    rows = table["data"]
    assert len(rows) == model.config.num_hidden_layers and [row[0] for row in rows] == [1, 2]
    assert rows[-1][1:11] == top_of(out.logits[0, -1].softmax(-1), tokenizer)
    assert rows[-1][-2:] == [pytest.approx(rows[-1][2], abs=1e-5), 1]  # the answer is the last row's first token
    assert rows[0][1:11] == top_of(first_layer, tokenizer)


def test_the_blank_is_read_by_the_masked_lm_head_on_each_layer(runtime):
    loaded = runtime.engine("fill_mask").loaded
    text = "the [MASK] was great fun"
    _, table = lens(runtime, "fill_mask", text)
    model, tokenizer = loaded.model, loaded.tokenizer
    (ids,), _ = loaded.ids_within_limit([text])
    position = ids.index(tokenizer.mask_token_id)
    with torch.inference_mode():
        out = model(**loaded.padded([ids]), output_hidden_states=True)
        first_layer = model.cls.predictions(out.hidden_states[1])[0, position].softmax(-1)
    rows = table["data"]
    assert len(rows) == model.config.num_hidden_layers
    assert rows[-1][1:11] == top_of(out.prediction_logits[0, position].softmax(-1), tokenizer)
    assert rows[0][1:11] == top_of(first_layer, tokenizer)


def test_a_prompt_past_the_lens_bound_is_refused_naming_it(runtime):
    with pytest.raises(InputError) as refused:
        lens(runtime, "generate", "word " * (MAX_TOKENS + 10))
    assert f"up to {MAX_TOKENS} tokens" in str(refused.value)


def test_the_page_reads_the_layers_in_chinese_with_a_point_per_layer(runtime):
    task = get_task("generate")
    outputs = lens(runtime, "generate", "Once upon a time")
    token = UI_LANGUAGE.set("zh-CN")
    try:
        html = LAYERS.present(task, task.check("Once upon a time"), outputs, runtime.card("generate"))
    finally:
        UI_LANGUAGE.reset(token)
    assert "模型的答案是" in html and "提示之后的下一个词元" in html and "The model answers" not in html
    assert html.count("<circle") == len(outputs[1]["data"])


@pytest.fixture(scope="module")
def tiny_sentiment(tiny_paths, worker):
    loaded = load_model(ModelRef(str(tiny_paths["generate"])), AutoModelForCausalLM, detect_placement())
    return PromptSentiment(loaded, worker)


def test_a_worked_example_left_out_is_that_example_gone_from_the_prompt(tiny_sentiment):
    prompt = tiny_sentiment.prompt
    for index, (review, word) in enumerate(prompt.shots):
        shot = f"{prompt.head}{review}{prompt.tail}{word}\n\n"
        assert prompt.without(index).examples() == prompt.examples().replace(shot, "", 1)
        assert len(prompt.without(index).shots) == len(prompt.shots) - 1


@pytest.mark.parametrize("text", ["a warm and funny film", "a warm and funny film, " * 20])
def test_each_answer_without_an_example_is_the_engines_answer_on_that_shorter_prompt(tiny_sentiment, worker, text):
    """The batched path (prompts side by side, label words' logits alone; a long review in passes of its
    own) against the plain one: the shorter prompt run alone, every word's log-probability, calibrated on
    its own content-free inputs."""
    engine = tiny_sentiment
    ids = encode(engine.loaded, text)
    together = worker.call(engine.without_each, ids)
    assert together[0].tolist() == pytest.approx(list(engine.classify(text).scores.values()), abs=1e-5)
    rows = [engine.review_head + review + engine.review_tail
            for review in [*(encode(engine.loaded, free) for free in CONTENT_FREE), ids]]
    for index in (0, len(engine.prompt.shots) - 1):
        prefix = encode(engine.loaded, engine.prompt.without(index).examples(), bos=True)
        logprobs = worker.call(shared_prefix_next_tokens, engine.loaded, prefix, rows, engine.label_ids)
        pairs = logprobs.view(len(rows), -1, 2).softmax(-1)
        alone = ((pairs[-1].log() - pairs[:-1].mean(0).log()) * engine.prompt.pair_weight).sum(-2).softmax(-1)
        assert together[1 + index].tolist() == pytest.approx(alone.tolist(), abs=1e-4)


def test_the_api_answers_the_layers_and_says_where_no_worked_examples_are(client):
    html, table, status = client.predict("Once upon a time", api_name="/layers_generate")
    assert len(table["data"]) == 2 and "<svg" in html and "Answered by" in status
    _, table, _ = client.predict("the [MASK] was great fun", api_name="/layers_fill_mask")
    assert table["headers"][:3] == ["layer", "token 1", "p 1"] and len(table["data"]) == 2
    with pytest.raises(AppError, match="not offered by the model"):  # a trained classifier has no worked examples
        client.predict("a warm and funny film", api_name="/demonstrations_sentiment")
    with pytest.raises(AppError, match=f"up to {MAX_TOKENS} tokens"):
        client.predict("word " * 600, api_name="/layers_generate")


def test_any_spelling_of_the_mask_reads_the_same_blank(runtime):
    _, written = lens(runtime, "fill_mask", "the [MASK] was great fun")
    _, other = lens(runtime, "fill_mask", "the <mask> was great fun")
    assert other["data"] == written["data"]
