"""A view from one file: the length of each word the engine scores, for engines that can attribute."""

from __future__ import annotations

import gradio as gr

from demo.views import View


def run(task, engine, warn, *checked):
    words = [word for segment in engine.attribute(*checked).words for word, _ in segment]
    return ([len(word.strip()) for word in words],)


def present(task, checked, outputs, card) -> str:
    (lengths,) = outputs
    return f'<p class="word-lengths">{len(lengths)} words, {sum(lengths)} letters</p>'


def build_outputs(task, outputs: list) -> list:
    return [gr.JSON(label="Word lengths", elem_id=f"{task.dom_id}-word-lengths")]


VIEW = View("word_lengths", "Word lengths", "attribute", "word_lengths_{task}", run, present, build_outputs)
