"""The attention view on the tiny checkpoints: the model's own weights, their shapes and sums, a
pair's segments, the token cap, and its endpoints in the launched app."""

from __future__ import annotations

import numpy as np
import pytest
from gradio_client.exceptions import AppError

from demo.errors import InputError
from demo.registry import VIEWS
from demo.registry import get_task
from demo.views.attention import MAX_TOKENS

VIEW = VIEWS["attention"]


def attention(runtime, key, *values):
    task = get_task(key)
    (answer,) = VIEW.run(task, runtime.engine(key), print, *task.check(*values))
    return answer


@pytest.mark.parametrize("key, values", [("sentiment", ("the film was great fun",)),
                                         ("fill_mask", ("the [MASK] was great fun",)),
                                         ("generate", ("Once upon a time",)),
                                         ("classify", ("the film was great fun", "film, music"))])
def test_every_head_is_a_row_stochastic_map_of_layers_x_heads_x_n_x_n(runtime, key, values):
    answer = attention(runtime, key, *values)
    weights, facts = np.asarray(answer["weights"]), answer["facts"]
    assert weights.shape == (facts["layers"], facts["heads"], len(answer["tokens"]), len(answer["tokens"]))
    assert np.allclose(weights.sum(-1), 1, atol=1e-3)
    if facts["causal"]:  # a left-to-right model never looks ahead
        assert np.allclose(np.triu(weights, 1), 0, atol=1e-4)


def test_a_pair_marks_where_sentence_b_starts(runtime):
    answer = attention(runtime, "next_sentence", "it rained all day", "the film was fun")
    tokens, starts = answer["tokens"], answer["segment_starts"]
    assert tokens[0] == "[CLS]" and len(starts) == 2 and tokens[starts[1] - 1] == "[SEP]"


def test_a_long_input_is_refused_naming_the_cap(runtime):
    with pytest.raises(InputError, match=f"up to {MAX_TOKENS} tokens"):
        attention(runtime, "sentiment", "fun " * 100)


def test_the_page_map_has_a_tile_per_head_and_the_formula_with_the_models_numbers(runtime):
    task = get_task("sentiment")
    answer = attention(runtime, "sentiment", "the film was great fun")
    html = VIEW.present(task, task.check("the film was great fun"), (answer,), runtime.card("sentiment"))
    facts = answer["facts"]
    assert html.count('class="att-pick"') == facts["layers"] * facts["heads"] + 1  # and the average of all
    assert f"d_k = {facts['d_k']}" in html and f"{facts['heads']} heads" in html


def test_the_head_shown_first_is_the_one_that_links_words_not_the_first_token_or_itself():
    from demo.views.attention import telling_head

    n = 4
    first_token = np.zeros((n, n)); first_token[:, 0] = 1  # noqa: E702 - every query parks on token 0
    itself = np.eye(n)
    linking = np.tril(np.ones((n, n))); linking[1:, 0] = 0  # noqa: E702
    linking[0, 0] = 1
    linking = linking / linking.sum(-1, keepdims=True)
    weights = np.stack([np.stack([first_token, itself]), np.stack([itself, linking])])  # [layers, heads, n, n]
    assert telling_head(weights) == (1, 1)


def test_the_endpoints_answer_with_tokens_and_weights(client):
    answer, status = client.predict("it rained all day", "the film was fun", api_name="/attention_next_sentence")
    assert answer["tokens"][0] == "[CLS]" and len(answer["weights"]) == answer["facts"]["layers"]
    assert "Answered by" in status
    with pytest.raises(AppError, match="up to 64 tokens"):
        client.predict("fun " * 100, api_name="/attention_sentiment")


def test_a_map_is_transparent_where_a_head_attends_nothing_and_opaque_where_it_attends_all():
    import base64
    import io

    from PIL import Image

    from demo.views.attention import png

    image = Image.open(io.BytesIO(base64.b64decode(png(np.array([[1.0, 0.0], [0.04, 0.96]])))))
    alphas = np.asarray(image)[..., 3]  # the page's background shows through, light or dark
    assert image.mode == "RGBA" and alphas[0, 0] == 255 and alphas[0, 1] == 0
    assert 40 < alphas[1, 0] < 60  # a 4% share still shows (the square root: 20% opaque)
