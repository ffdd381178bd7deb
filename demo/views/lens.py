"""Layer by layer (the logit lens): after each of the model's layers, what it would answer if it
stopped there. A view plug-in, offered where the engine has "lens": the next token after a prompt
(generate) and the first blank (fill mask: BERT's masked-LM head, or the fill-in prompt that
proposes Gemma's words). `demo.engines.lens` computes it."""

from __future__ import annotations

from html import escape

import gradio as gr

from demo.i18n import say, ui_text
from demo.views import View
from demo.views.html import percent, shown_token

HEADERS = ["layer", "token 1", "p 1", "token 2", "p 2", "token 3", "p 3", "token 4", "p 4", "token 5", "p 5",
           "answer probability", "answer rank"]


def run(task, engine, warn, text, *settings):
    answer = engine.layers(text)
    rows = [[row["layer"], *[value for pair in row["top"] for value in pair], row["answer_probability"],
             row["answer_rank"]] for row in answer["layers"]]
    return html(answer, engine.lens_reads), {"headers": HEADERS, "data": rows}


def table_answer(table: dict) -> dict:
    """The engine's answer again from the API's table (the page draws from what the API sends)."""
    layers = [{"layer": row[0], "top": [[row[1 + 2 * k], row[2 + 2 * k]] for k in range(5)],
               "answer_probability": row[-2], "answer_rank": row[-1]} for row in table["data"]]
    return {"layers": layers, "answer": layers[-1]["top"][0][0] if layers else ""}


def chart(probabilities: list[float]) -> str:
    """The final answer's probability after each layer, as a small line chart in the accent colour,
    0% and 100% marked on the left, the first and last layers under it."""
    width, height, n = 300, 80, len(probabilities)
    step = width / max(n - 1, 1)
    points = " ".join(f"{i * step:.1f},{height - p * height:.1f}" for i, p in enumerate(probabilities))
    dots = "".join(f'<circle cx="{i * step:.1f}" cy="{height - p * height:.1f}" r="2.5"><title>'
                   f'{escape(say("layer {l}: {p}", l=i + 1, p=percent(p)))}</title></circle>'
                   for i, p in enumerate(probabilities))
    label = say("The answer's probability after each layer, from layer 1 (left) to {n} (right)", n=n)
    return (f'<figure class="lens-figure"><figcaption>{escape(label)}</figcaption>'
            f'<div class="lens-plot"><span class="lens-y"><span>100%</span><span>0%</span></span>'
            f'<svg class="lens-chart" viewBox="-4 -4 {width + 8} {height + 8}" role="img" aria-label="{escape(label)}">'
            f'<line x1="0" y1="{height}" x2="{width}" y2="{height}" class="axis"/>'
            f'<line x1="0" y1="0" x2="{width}" y2="0" class="axis"/>'
            f'<polyline points="{points}"/>{dots}</svg></div>'
            f'<div class="lens-scale"><span>{escape(say("layer 1"))}</span>'
            f'<span>{escape(say("layer {n}", n=n))}</span></div></figure>')


def html(answer: dict, read: str = "") -> str:
    layers = answer["layers"]
    final = layers[-1]["top"][0][0]
    first = next(row["layer"] for row in layers if row["answer_rank"] == 1)
    settled = len(layers) - next((k for k, row in enumerate(reversed(layers)) if row["answer_rank"] != 1), len(layers)) + 1
    lines = [say("Each row: {read}, as that layer would answer it.", read=say(read)) if read else "",
             say("The model answers “{token}”: it leads from layer {settled} of {n} on.", token=shown_token(final),
                 settled=settled, n=len(layers)) if first == settled else
             say("The model answers “{token}”: it first leads after layer {first}, and from layer {settled} of {n} on.",
                 token=shown_token(final), first=first, settled=settled, n=len(layers))]
    rows = []
    for row in layers:
        chips = "".join(f'<span class="lens-token{" lens-answer" if token == final else ""}">'
                        f'{escape(shown_token(token))} <small>{percent(p)}</small></span>' for token, p in row["top"])
        own = f' <b>{escape(say("(the model’s own answer)"))}</b>' if row is layers[-1] else ""
        rows.append(f'<tr><th scope="row">{row["layer"]}</th><td>{percent(row["answer_probability"])}</td>'
                    f'<td>{chips}{own}</td></tr>')
    head = (f'<tr><th scope="col">{escape(say("layer"))}</th><th scope="col">P(“{escape(shown_token(final))}”)</th>'
            f'<th scope="col">{escape(say("likeliest tokens if the model stopped here"))}</th></tr>')
    return (f'<style>{CSS}</style><div class="lens"><p>{escape(" ".join(line for line in lines if line))}</p>'
            f'{chart([row["answer_probability"] for row in layers])}'
            f'<div class="lens-table"><table><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table></div>'
            f'{how()}</div>')


def how() -> str:
    text = say("After layer l the model holds a vector h_l at the position it reads. Its answer is softmax(W_U · "
               "norm(h_l)) for the last layer: the final norm, then the output layer W_U (an encoder: its masked-LM "
               "head). The same reading of an earlier layer's vector is the logit lens: what the model would answer "
               "if it stopped there. Only the last layer is trained to be read this way, so early rows show the answer "
               "forming, not what those layers mean; the last row is the model's own output.")
    return f'<details class="lens-how"><summary>{escape(say("How it works"))}</summary><p>{escape(text)}</p></details>'


def present(task, checked, outputs, card) -> str:
    table = outputs[1]
    return html(table_answer(table), card.engine.lens_reads)


def build_outputs(task, outputs: list) -> list:
    return [gr.HTML(elem_id=f"{task.dom_id}-layers-html", visible=False),
            gr.Dataframe(headers=HEADERS, label=ui_text("Layer by layer"), elem_id=f"{task.dom_id}-layers",
                         visible=False)]


CSS = """
.lens-figure { margin: 0.4em 0 0.8em; width: min(100%, 28em); }
.lens-figure figcaption { font-size: 0.85em; color: var(--body-text-color-subdued); margin-bottom: 0.2em; }
.lens-plot { display: flex; gap: 0.3em; }
.lens-y { display: flex; flex-direction: column; justify-content: space-between; font-size: 0.7em;
          color: var(--body-text-color-subdued); text-align: right; }
.lens-chart { flex: 1; min-width: 0; height: auto; display: block; overflow: visible; }
.lens-chart polyline { fill: none; stroke: var(--color-accent); stroke-width: 2; }
.lens-chart circle { fill: var(--color-accent); }
.lens-chart .axis { stroke: var(--border-color-primary); stroke-dasharray: 3 3; }
.lens-scale { display: flex; justify-content: space-between; font-size: 0.75em; color: var(--body-text-color-subdued);
              padding-left: 2.2em; }
.lens-table { overflow-x: auto; max-width: 100%; }
.lens table { border-collapse: collapse; font-size: 0.9em; }
.lens th, .lens td { padding: 0.15em 0.5em; text-align: left; vertical-align: top; border-bottom: 1px solid var(--border-color-primary); }
.lens th[scope=row] { color: var(--body-text-color-subdued); font-weight: normal; }
.lens-token { display: inline-block; font-family: var(--font-mono); margin: 0 0.35em 0.1em 0; white-space: pre;
              unicode-bidi: isolate; }
.lens-token small { color: var(--body-text-color-subdued); }
.lens-answer { font-weight: bold; color: var(--color-accent); }
.lens-how summary { cursor: pointer; margin-top: 0.5em; }
"""

VIEW = View("layers", "Layer by layer: the answer forming", "lens", "layers_{task}", run, present, build_outputs,
            description="The {task} answer layer by layer (the logit lens): after each of the model's layers, the "
                        "likeliest tokens if the model stopped there; the last row is the model's own answer.",
            returns=("the view as HTML (English)",
                     "{headers, data}: one row per layer [layer, token 1, p 1, ... token 5, p 5, answer probability, "
                     "answer rank]; the last row is the model's own answer"))
