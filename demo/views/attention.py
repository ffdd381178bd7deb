"""Attention: each layer's and head's softmax(QK^T / sqrt(d_k)) on your input, as the model computed it.

A view plug-in (registered like any `--plugin`): offered where the engine has "attend" (every
local model; not a remote engine). The weights come from the model itself (`output_attentions`,
with the eager attention implementation for that one call), never recomputed by hand. At most
`MAX_TOKENS` tokens are shown: the page says so, and the API sends what the page draws.
"""

from __future__ import annotations

import base64
import io
from html import escape

import gradio as gr
import numpy as np
import torch

from demo.errors import InputError
from demo.i18n import say, ui_text
from demo.inference import LONG_JOB_BUDGET_S
from demo.views import View

MAX_TOKENS = 64  # layers x heads x n x n weights: 64 tokens on BERT-base are 590,000 numbers


def is_causal(model) -> bool:
    return "CausalLM" in type(model).__name__


def encode(loaded, texts: list[str]) -> tuple[list[int], list[str], list[int], list[int] | None]:
    """Token ids with the model's special tokens, their pieces as shown, where each text starts, and
    the segment ids of an encoder's pair."""
    tokenizer = loaded.tokenizer
    if is_causal(loaded.model):
        ids, starts = [tokenizer.bos_token_id] if tokenizer.bos_token_id is not None else [], []
        for index, text in enumerate(texts):
            starts.append(len(ids))
            ids += tokenizer((" " if index else "") + text, add_special_tokens=False)["input_ids"]
        types = None
    else:
        encoded = tokenizer(*texts[:2])
        ids, types = encoded["input_ids"], encoded.get("token_type_ids")
        starts = [0] + [i for i in range(1, len(types or [])) if types[i] != types[i - 1]]
    pieces = [tokenizer.convert_ids_to_tokens(i) for i in ids]
    return ids, [p.replace("▁", " ").replace("Ġ", " ") for p in pieces], starts, types


def attentions(loaded, ids: list[int], types: list[int] | None = None) -> np.ndarray:
    """[layers, heads, n, n] attention weights from the model's own forward pass."""
    model = loaded.model
    before = model.config._attn_implementation
    model.set_attn_implementation("eager")  # sdpa kernels do not return their weights
    extra = {"token_type_ids": torch.tensor([types], device=model.device)} if types else {}
    try:
        with torch.inference_mode():
            out = model(input_ids=torch.tensor([ids], device=model.device), output_attentions=True, **extra)
    finally:
        model.set_attn_implementation(before)
    return torch.stack([layer[0] for layer in out.attentions]).float().cpu().numpy()


def facts(model) -> dict:
    """What the formula's symbols are for the model that answered."""
    config = getattr(model.config, "text_config", model.config)
    heads = config.num_attention_heads
    d_k = getattr(config, "head_dim", None) or config.hidden_size // heads
    layer_types = getattr(config, "layer_types", None) or []
    return {"model": type(model).__name__, "layers": config.num_hidden_layers, "heads": heads, "d_k": d_k,
            "kv_heads": getattr(config, "num_key_value_heads", heads),
            "sliding_layers": sum("sliding" in str(kind) for kind in layer_types),
            "window": getattr(config, "sliding_window", None), "causal": is_causal(model)}


def run(task, engine, warn, *checked):
    texts = task.attention_texts(checked)
    loaded = engine.loaded
    ids, tokens, starts, types = encode(loaded, list(texts))
    if len(ids) > MAX_TOKENS:
        raise InputError(f"The attention view shows inputs of up to {MAX_TOKENS} tokens; this one is {len(ids):,} "
                         f"tokens with the model's special tokens. Please shorten it.")
    weights = engine.worker.call(attentions, loaded, ids, types, long=True, budget_s=LONG_JOB_BUDGET_S)
    return ({"tokens": tokens, "segment_starts": starts, "facts": facts(loaded.model),
             "weights": np.round(weights, 4).tolist()},)


def png(grid: np.ndarray) -> str:
    """A map as a small PNG (one pixel per weight, a more opaque blue for more attention: the square
    root of the weight, so that a 5% share still shows), base64. Where a head attends nothing the
    map is transparent, so it takes the page's background in either theme instead of glaring white."""
    from PIL import Image

    alpha = (np.sqrt(np.clip(grid, 0, 1)) * 255).astype(np.uint8)
    blue = np.broadcast_to(np.array([59, 130, 246], dtype=np.uint8), (*grid.shape, 3))
    buffer = io.BytesIO()
    Image.fromarray(np.dstack([blue, alpha]), "RGBA").save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def formula(f: dict) -> str:
    line = say("Each map is one head's softmax(QKᵀ / √d_k): each row is how much its token (at the left) attends to "
               "each token (at the top), and every row sums to 1. Here d_k = {d_k}, {heads} heads in each of {layers} "
               "layers ({model}).",
               d_k=f["d_k"], heads=f["heads"], layers=f["layers"], model=f["model"])
    notes = []
    if f["causal"]:
        notes.append(say("A left-to-right model: a token attends only to the tokens before it (the upper right is "
                         "empty), and there is no [CLS]; the first token is the start-of-text token."))
    if f["kv_heads"] != f["heads"]:
        notes.append(say("Grouped-query attention: the {heads} query heads of a layer share one key/value head."
                         if f["kv_heads"] == 1 else
                         "Grouped-query attention: the {heads} query heads of a layer share {kv} key/value heads.",
                         heads=f["heads"], kv=f["kv_heads"]))
    if f["sliding_layers"]:
        notes.append(say("{count} of the {layers} layers attend within a sliding window of {window} tokens (longer "
                         "than any input here).", count=f["sliding_layers"], layers=f["layers"], window=f["window"]))
    return "<p class=\"meaning\">" + escape(" ".join([line, *notes])) + "</p>"


def telling_head(weights: np.ndarray) -> tuple[int, int]:
    """(layer, head) shown first: the head that puts the most attention on the other words, not on
    the first token (where most heads of most models park what they do not use) nor on the word
    itself. Such a head links words, which is what a newcomer wants to see."""
    n = weights.shape[-1]
    if n < 3:
        return weights.shape[0] - 1, 0
    elsewhere = weights[..., 1:, 1:].sum(-1) - np.diagonal(weights[..., 1:, 1:], axis1=-2, axis2=-1)
    share = elsewhere.mean(-1)  # [layers, heads]
    layer, head = np.unravel_index(int(share.argmax()), share.shape)
    return int(layer), int(head)


def axes(tokens: list[str], image: str, alt: str, title: str) -> str:
    """One large map with its tokens on both axes: keys (what is attended to) across the top, queries
    (who attends) down the side."""
    labels = "".join(f'<span>{escape(token)}</span>' for token in tokens)  # the same tokens on both axes
    return (f'<div class="att-axes" style="--n:{len(tokens)}"><div class="blank-head att-title">{escape(title)}</div>'
            f'<div class="att-top" aria-hidden="true">{labels}</div><div class="att-side" aria-hidden="true">{labels}</div>'
            f'<img alt="{escape(alt)}" src="data:image/png;base64,{image}"></div>')


def present(task, checked, outputs, card) -> str:
    answer = outputs[0]
    weights, tokens = np.asarray(answer["weights"]), answer["tokens"]
    layers, heads = weights.shape[:2]
    uid = f"att-{task.dom_id}"
    first = telling_head(weights)
    radios, tiles, maps, rules = [], [], [], []

    def pick(key: str, label: str, image: str, title: str, alt: str, checked_now: bool) -> str:
        checked_attr = " checked" if checked_now else ""
        radios.append(f'<input type="radio" name="{uid}" id="{key}" class="att-pick"{checked_attr} '
                      f'aria-label="{escape(label)}">')
        maps.append(f'<div class="att-map" data-for="{key}">{axes(tokens, image, alt, title)}</div>')
        rules.append(f"#{key}:checked ~ .att-maps [data-for={key}]")
        return f'<label for="{key}" title="{escape(label)}"><img alt="" src="data:image/png;base64,{image}"></label>'

    average = pick(f"{uid}-mean", say("average of all heads"), png(weights.mean((0, 1))),
                   say("Average of all {count} heads", count=layers * heads), say("the average attention of all heads"),
                   False)
    for layer in range(layers):
        row = []
        for head in range(heads):
            label = say("layer {l}, head {h}", l=layer + 1, h=head + 1)
            row.append(pick(f"{uid}-{layer}-{head}", label, png(weights[layer, head]),
                            say("Layer {l}, head {h}", l=layer + 1, h=head + 1),
                            say("attention of layer {l}, head {h}", l=layer + 1, h=head + 1), (layer, head) == first))
        tiles.append(f'<div class="att-row"><span>{layer + 1}</span>{"".join(row)}</div>')
    style = f"<style>{CSS} {', '.join(rules)} {{ display: block; }}</style>"  # a plug-in brings its own CSS
    chosen = say("Shown first: layer {l}, head {h}, the head that attends most to the other words (most heads "
                 "look mainly at the first token or at the word itself).", l=first[0] + 1, h=first[1] + 1)
    return (f'<div class="attention">{style}{"".join(radios)}'
            f'<div class="att-maps">{"".join(maps)}</div><p class="legend">{escape(chosen)}</p>'
            f'<div class="blank-head">{escape(say("All heads (rows: layers; pick one)"))}</div>'
            f'<div class="att-tiles"><div class="att-row"><span>∑</span>{average}</div>{"".join(tiles)}</div>'
            f'{formula(answer["facts"])}</div>')


def build_outputs(task, outputs: list) -> list:
    return [gr.JSON(label=ui_text("Attention weights"), elem_id=f"{task.dom_id}-attention", visible=False)]


CSS = """
.attention .att-pick { position: absolute; opacity: 0; width: 1px; height: 1px; }
.attention .att-map { display: none; }
.attention .att-axes { --w: min(calc(100vw - 12em), 24em); display: grid; grid-template-columns: auto var(--w);
                       grid-template-rows: auto auto var(--w); column-gap: 0.3em; max-width: 100%; }
.attention .att-title { grid-column: 1 / 3; }
.attention .att-top { grid-column: 2; display: grid; grid-template-columns: repeat(var(--n), 1fr); }
.attention .att-side { display: grid; grid-template-rows: repeat(var(--n), 1fr); text-align: right; }
.attention .att-top span, .attention .att-side span { font-family: var(--font-mono); white-space: pre; overflow: hidden;
  font-size: clamp(5px, calc(var(--w) / var(--n) * 0.7), 0.8em); line-height: 1; }
.attention .att-top span { writing-mode: vertical-rl; text-orientation: sideways; transform: rotate(180deg); max-height: 7em; align-self: end; }
.attention .att-side { min-width: 4.5em; }  /* a phone's row labels stay words, not one letter */
.attention .att-side span { max-width: 7em; align-self: center; }
.attention .att-axes img { width: var(--w); height: var(--w); image-rendering: pixelated;
                           border: 1px solid var(--border-color-primary); }
.attention .att-tiles { overflow-x: auto; max-width: 100%; }
.attention .att-row { display: flex; gap: 2px; align-items: center; margin: 1px 0; }
.attention .att-row span { width: 2em; font-size: 0.75em; color: var(--body-text-color-subdued); }
.attention .att-row label { cursor: pointer; line-height: 0; border: 2px solid transparent; }
.attention .att-row img { width: 28px; height: 28px; image-rendering: pixelated; }
.attention .att-pick:focus-visible ~ .att-tiles { outline: 2px solid var(--color-accent); }
"""

VIEW = View("attention", "Attention: which words each head looks at", "attend", "attention_{task}", run, present,
            build_outputs,
            description="Each layer's and head's attention weights softmax(QK^T / sqrt(d_k)) on the {task} input, "
                        f"from the model that answers (up to {MAX_TOKENS} tokens).",
            returns=("{tokens, segment_starts, facts: {layers, heads, d_k, kv_heads, ...}, weights: [layer][head]"
                     "[query][key]}",))
