"""Score the prompt: how expected was each token, given the text before it, and the perplexity."""

from __future__ import annotations

import gradio as gr

from demo.i18n import say
from demo.params import Param
from demo.views import View
from demo.views.html import continuation, legend_scored, percent


def run(task, engine, warn, text, *settings):
    scored = engine.score(text)
    return [(str(p), p.probability) for p in scored.pieces], scored.perplexity


def present(task, checked, outputs, card) -> str:
    tokens, perplexity = outputs
    pieces = [(token, p, "" if p is None else say("probability: {p}", p=percent(p))) for token, p in tokens]
    shown = say("n/a (one token, nothing to predict it from)") if perplexity is None else f"{perplexity:,.1f}"
    line = say("Perplexity <b>{shown}</b>: on average the model was as unsure as if it picked each token among "
               "that many equally likely ones. Lower means a more expected text.", shown=shown)
    return f'<p class="perplexity">{line}</p>' + continuation("", pieces) + legend_scored()


def build_outputs(task, outputs: list) -> list:
    return [gr.HighlightedText(label="Token probabilities", elem_id=f"{task.dom_id}-scores", visible=False),
            gr.Number(label="Perplexity", elem_id=f"{task.dom_id}-perplexity", visible=False)]


VIEW = View("scored", "Score the prompt: how expected is each token?", "score", "score_text", run, present,
            build_outputs, takes=lambda task: (Param("text", label=task.params[0].label, help="The text to score",
                                                    max_chars=task.params[0].max_chars),),
            description="How expected each token of a text is to the language model, given the text before it, and "
                        "the text's perplexity.",
            returns=("[{token, class_or_confidence}]: each piece of the text with its probability (null for a first "
                     "token nothing precedes)", "the perplexity over the scored tokens (null for one token)"))
