"""Fill mask two ways: each blank on its own (BERT's way) vs one after another."""

from __future__ import annotations

import gradio as gr

from demo.engines.bert import fill_in, normalize_masks
from demo.i18n import say
from demo.views import View
from demo.views.html import TABLE_HEADERS, filled_html

WAYS = (("apart", "Each blank on its own", "every other blank stays a blank"),
        ("in order", "One after another", "each blank sees the best words before it"))
ONE_BLANK = ("With one blank the two ways are the same fill (there is no other blank to see): add a second "
             "[MASK] to see them differ.")


def run(task, engine, warn, text, top_k):
    mask = engine.mask_token
    normalized, count = normalize_masks(text, mask)
    apart = engine.fill(normalized, top_k, count, in_order=False)
    # one blank has no other blank to see or not see: the two ways are the same fill, made once
    ways = {"apart": apart, "in order": engine.fill(normalized, top_k, count, in_order=True) if count > 1 else apart}
    filled = [fill_in(normalized, mask, [words[0][0] if words else mask for words in result.candidates])
              for result in ways.values()]
    table = [[way, m + 1, rank + 1, word, round(prob, 4)]
             for way, result in ways.items()
             for m, words in enumerate(result.candidates)
             for rank, (word, prob) in enumerate(words)]
    return (*filled, table)


def present(task, checked, outputs, card) -> str:
    text, _ = checked
    _, _, table = outputs
    if len({m for _, m, *_ in table}) == 1:
        rows = [[m, r, w, p] for way_, m, r, w, p in table if way_ == "apart"]
        return (f'<div class="answer ways"><div class="way"><p class="legend">{say(ONE_BLANK)}</p>'
                f'{filled_html(text, rows)}</div></div>')
    columns = []
    for way, title, note in WAYS:
        rows = [[m, r, w, p] for way_, m, r, w, p in table if way_ == way]
        columns.append(f'<div class="way"><div class="blank-head">{say(title)}</div><p class="legend">{say(note)}</p>'
                       f'{filled_html(text, rows)}</div>')
    return f'<div class="answer ways">{"".join(columns)}</div>'


def build_outputs(task, outputs: list) -> list:
    return [gr.Textbox(label="Each blank on its own", elem_id="fill-mask-apart", visible=False),
            gr.Textbox(label="One after another", elem_id="fill-mask-in-order", visible=False),
            gr.Dataframe(headers=["way", *TABLE_HEADERS], label="Both ways", elem_id="fill-mask-both", visible=False)]


def has_two_blanks(values: tuple) -> bool:
    """One blank leaves nothing to compare: both ways are the same fill."""
    return normalize_masks(str(values[0] or ""), "[MASK]")[1] >= 2


VIEW = View("two_ways", "Two ways: each blank on its own vs one after another", "fill_in_order", "{task}_two_ways",
            run, present, build_outputs, takes=lambda task: task.params, applies=has_two_blanks,
            description="Fill the masks two ways: each on its own from one pass (BERT's way), and one after another, "
                        "each seeing the best words before it.",
            returns=("the text filled with each mask on its own", "the text filled one mask after another",
                     "{headers, data}: rows [way, mask, rank, word, probability]"))
