"""Which worked example moved it: the embedded engines answer with few-shot prompts (worked examples
before the visitor's text); each is left out in turn, the answer recomputed as the engine computes it
(the shorter prompt calibrated on its own content-free inputs), and the change in the answer's
confidence shown, signed. A view plug-in, offered where the engine has "demonstrations"."""

from __future__ import annotations

from html import escape

import gradio as gr

from demo.i18n import say, ui_text
from demo.views import View
from demo.views.html import percent

HEADERS = ["example", "its label", "confidence without it", "change"]


def run(task, engine, warn, text, *settings):
    answer = engine.demonstrations(text)
    rows = [[row["example"], row["label"], row["confidence_without"], row["change"]] for row in answer["examples"]]
    return html(task, answer), {"headers": HEADERS, "data": rows}, answer["label"], answer["confidence"]


def points(change: float) -> str:
    """A change of confidence in percentage points, signed, never "+0" for a real move."""
    shown = f"{change * 100:+.1f}" if abs(change) < 0.1 else f"{change * 100:+.0f}"
    return shown.replace("-", "−")


def html(task, answer: dict) -> str:
    label = say(task.words.get(answer["label"], answer["label"]))
    rows, widest = answer["examples"], max((abs(row["change"]) for row in answer["examples"]), default=0) or 1
    lead = say("With all {count} worked examples the answer is {label}, {p}. Each row leaves one out and asks "
               "again:", count=len(rows), label=label, p=percent(answer["confidence"]))
    items = []
    for row in sorted(rows, key=lambda row: row["change"]):
        width, side = abs(row["change"]) / widest * 50, "down" if row["change"] < 0 else "up"
        without = say("without it: {p}", p=percent(row["confidence_without"]))
        flips = f' <b>{escape(say("flips the answer"))}</b>' if row["confidence_without"] < 0.5 else ""
        items.append(f'<li><span class="demo-example">{escape(row["example"])} <span class="demo-label">→ '
                     f'{escape(row["label"])}</span></span><span class="demo-effect">'
                     f'<span class="demo-track" aria-hidden="true"><span class="demo-fill {side}" '
                     f'style="width:{width:.1f}%"></span></span>'
                     f'<span class="demo-change">{points(row["change"])}</span>'
                     f'<span class="demo-without">{escape(without)}{flips}</span></span></li>')
    head = (f'<li class="demo-head"><span>{escape(say("worked example (its label)"))}</span>'
            f'<span>{escape(say("change in points without it"))}</span></li>')
    meaning = say("A row below zero: without that example the model is less sure of {label}, so the example pushed "
                  "toward it. Above zero: the example held the answer back. Confidence here is the engine's calibrated "
                  "probability of {label}; points are percentage points.", label=label)
    how = say("Each worked example is left out in turn and the answer computed again exactly as the engine computes "
              "it: the label words read after your text, each pair divided by its value after content-free inputs "
              "(\"N/A\", an empty text, \"[MASK]\") under the same shorter prompt, the pairs combined. change = "
              "P(answer | prompt without the example) − P(answer | every example). The model's weights never change: "
              "this shows how the examples in this prompt steer this answer, not what the model learned in training.")
    return (f'<style>{CSS}</style><div class="demonstrations"><p>{escape(lead)}</p>'
            f'<ol class="demo-rows">{head}{"".join(items)}</ol><p class="meaning">{escape(meaning)}</p>'
            f'<details class="demo-how"><summary>{escape(say("How it works"))}</summary><p>{escape(how)}</p></details>'
            f'</div>')


def present(task, checked, outputs, card) -> str:
    _, table, label, confidence = outputs
    examples = [{"example": example, "label": word, "confidence_without": without, "change": change}
                for example, word, without, change in table["data"]]
    return html(task, {"label": label, "confidence": confidence, "examples": examples})


def build_outputs(task, outputs: list) -> list:
    return [gr.HTML(elem_id=f"{task.dom_id}-demonstrations-html", visible=False),
            gr.Dataframe(headers=HEADERS, label=ui_text("Worked examples"), elem_id=f"{task.dom_id}-demonstrations",
                         visible=False),
            gr.Textbox(label="label", visible=False), gr.Number(label="confidence", visible=False)]


CSS = """
.demo-rows { list-style: none; padding: 0; margin: 0.4em 0; }
.demo-rows li { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 0.2em 1em; align-items: center;
  padding: 0.35em 0; border-bottom: 1px solid var(--border-color-primary); }
.demo-rows .demo-head { font-size: 0.85em; color: var(--body-text-color-subdued); }
.demo-label { color: var(--body-text-color-subdued); white-space: nowrap; }
.demo-effect { display: flex; align-items: center; gap: 0.5em; white-space: nowrap; }
.demo-track { position: relative; display: inline-block; width: 7em; height: 0.8em;
  background: var(--background-fill-secondary); }
.demo-track::after { content: ""; position: absolute; left: 50%; top: -0.15em; bottom: -0.15em;
  border-left: 1px solid var(--body-text-color-subdued); }
.demo-fill { position: absolute; top: 0; bottom: 0; }
.demo-fill.down { right: 50%; background: #ef4444; }
.demo-fill.up { left: 50%; background: #3b82f6; }
.demo-change { font-variant-numeric: tabular-nums; min-width: 3em; text-align: right; }
.demo-how summary { cursor: pointer; margin-top: 0.5em; }
.demo-without { color: var(--body-text-color-subdued); font-size: 0.9em; min-width: 7em; }
@media (max-width: 640px) { .demo-rows li { grid-template-columns: 1fr; } .demo-rows .demo-head span + span { display: none; } }
"""

VIEW = View("demonstrations", "Which worked example moved it", "demonstrations", "demonstrations_{task}", run,
            present, build_outputs,
            description="The {task} answer without each of the few-shot prompt's worked examples in turn: the "
                        "signed change of the answer's confidence when that example is left out.",
            returns=("the view as HTML (English)",
                     "{headers, data}: one row per worked example [example, its label, confidence without it, "
                     "change (without minus with)]", "the answer with every example (POSITIVE or NEGATIVE)",
                     "its confidence with every example"))
