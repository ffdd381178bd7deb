"""Compare: the classic checkpoint and the zero-shot LLM side by side, and whether they agree."""

from __future__ import annotations

import time

import gradio as gr

from demo.i18n import Text, listed
from demo.views import View
from demo.views.html import comparison


class Answer(tuple):
    """Output values with a note for the status line (each side's latency)."""

    note: str

    def __new__(cls, values, note: str = ""):
        answer = super().__new__(cls, values)
        answer.note = note
        return answer


def side_by_side(sides, answer) -> Answer:
    """Each side's answer (None for a missing side), with each side's latency for the status line."""
    values, notes = [], []
    for side in (sides.classic, sides.zero_shot):
        if side.engine is None:
            values.append(None)
            notes.append(Text("{side}: not available ({why})", side=side.name, why=Text(side.missing)))
            continue
        started = time.perf_counter()
        values.append(answer(side.engine))
        notes.append(Text("{side}: {seconds} s", side=side.name, seconds=f"{time.perf_counter() - started:.2f}"))
    return Answer(values, listed(notes, " · "))


def run(task, sides, warn, *checked):
    return side_by_side(sides, lambda engine: task.solve(engine, warn, *checked)[0])


def present(task, checked, outputs, card) -> str:
    return comparison(outputs, task.words, task.compare_meaning, task.key)


def build_outputs(task, outputs: list) -> list:
    return [gr.Label(label="Classic checkpoint", elem_id=f"{task.dom_id}-classic", visible=False),
            gr.Label(label="Zero-shot LLM", elem_id=f"{task.dom_id}-zero-shot", visible=False)]


VIEW = View("compare", "Compare: {classic} vs zero-shot LLM", "compare", "compare_{task}", run, present,
            build_outputs, both_sides=True,
            description="The {task} answer of the classic fine-tuned checkpoint and of the zero-shot LLM, side by "
                        "side.",
            returns=("the classic checkpoint's label (empty where it is not loaded: the embedded profile)",
                     "the zero-shot LLM's label"))
