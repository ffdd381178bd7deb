"""Explain: which words pushed the answer, by integrated gradients (or an exact per-token share)."""

from __future__ import annotations

import gradio as gr

from demo.answers import task_answer
from demo.i18n import say, ui_text
from demo.views import View
from demo.views.html import attribution_legend, heatmap


def run(task, engine, warn, *checked):
    scores = task_answer(task, engine, warn, *checked)[0]  # Run's, where Run asked the same
    segments = engine.attribute(*checked).scaled()
    words = []
    for segment in segments:
        if words and segment:  # each text starts on a line of its own
            words[-1] = (words[-1][0].rstrip() + "\n", words[-1][1])
        words += segment
    return scores, words


def present(task, checked, outputs, card) -> str:
    target, method = card.engine.attribution_target, card.engine.attribution_method
    heat = f'<div class="blank-head">{say(task.heatmap_label)}</div>{heatmap(outputs[1], *task.poles)}'
    return task.view(checked, outputs[:1], True, card) + heat + attribution_legend(*task.poles, target, method)


def build_outputs(task, outputs: list) -> list:
    # the page draws its own heat map (a diverging scale named at both ends); the API keeps this shape
    return [outputs[0], gr.HighlightedText(label=ui_text(task.heatmap_label), elem_id=f"{task.dom_id}-heatmap",
                                           show_legend=True, combine_adjacent=False, visible=False)]


VIEW = View("attribution", "Explain: which words mattered", "attribute", "explain_{task}", run, present, build_outputs,
            description="Which words of the input pushed the {task} answer, and which way: integrated gradients "
                        "(or each word's exact share, where the score is a sum over tokens).",
            returns=("the answer, as the task's own endpoint gives it",
                     "[{token, class_or_confidence}] for each word, in order, the score in [-1, 1] (positive: toward "
                     "the first label); a second text starts after a newline"))
