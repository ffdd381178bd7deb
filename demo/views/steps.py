"""The four steps, on your input: input processing, model inference, post-processing, presentation
(the seed article's section 3.2), each with what this answer went through, and the code that
reproduces it. A view plug-in, offered where the engine has "steps"."""

from __future__ import annotations

from html import escape

import gradio as gr

from demo.i18n import say, ui_text
from demo.views import View
from demo.views.html import percent


def run(task, engine, warn, *checked):
    steps = engine.steps(*task.attention_texts(checked))
    return steps, steps["code"]


def _numbers(values: dict[str, float], digits: int = 4) -> str:
    return ", ".join(f"{escape(name)} {value:.{digits}f}" for name, value in values.items())


SHOWN_AT_EACH_END = 10  # a prompt of 165 tokens is a wall: its two ends, and the whole a click away


def token_chips(pairs: list[tuple[str, int]]) -> str:
    """The tokens and their ids as chips: all of a short input; of a long one its start and end, then
    every token in a closed <details>."""
    def chips(part):
        return "".join(f'<span class="step-token">{escape(token)}<sub>{token_id}</sub></span>' for token, token_id in part)

    if len(pairs) <= 3 * SHOWN_AT_EACH_END:
        return chips(pairs)
    hidden = len(pairs) - 2 * SHOWN_AT_EACH_END
    gap = escape(say("… {count} more …", count=hidden))
    return (f'{chips(pairs[:SHOWN_AT_EACH_END])}<span class="step-gap">{gap}</span>{chips(pairs[-SHOWN_AT_EACH_END:])}'
            f'<details class="step-all"><summary>{escape(say("every token"))}</summary>{chips(pairs)}</details>')


def input_chips(pairs: list[tuple[str, int]], text_span: list[int] | None) -> str:
    """The input's tokens; where the text sits inside a few-shot prompt, the visitor's own tokens first
    and the whole prompt a click away."""
    if not text_span:
        return token_chips(pairs)
    start, end = text_span
    whole = escape(say("the whole prompt: {count} tokens, worked examples first", count=len(pairs)))
    return (token_chips(pairs[start:end]) +
            f'<details class="step-all"><summary>{whole}</summary>{token_chips(pairs)}</details>')


def present(task, checked, outputs, card) -> str:
    steps = outputs[0]
    chips = input_chips(list(zip(steps["tokens"], steps["ids"], strict=True)), steps.get("text_span"))
    shapes = "; ".join(f"<code>{escape(name)}</code> {escape(' × '.join(map(str, shape)))}"
                       for name, shape in steps["shapes"].items())
    post = [f'{escape(say(steps["raw_name"]))}: {_numbers(steps["raw"])}']
    if steps.get("calibration"):
        post.append(f'{escape(say("minus the content-free prior (log)"))}: {_numbers(steps["calibration"])}')
    post.append(f'softmax: {_numbers(steps["probabilities"])}')
    post.append(f'argmax: <b>{escape(steps["answer"])}</b>')
    shown = ", ".join(f"{escape(say(task.words.get(name, name)))} {percent(p)}"
                      for name, p in steps["probabilities"].items())
    items = [
        (say("Input processing"), (say("Your text's {count} tokens and their ids, inside a prompt of {total}:",
                                       count=steps["text_span"][1] - steps["text_span"][0], total=len(steps["ids"]))
                                   if steps.get("text_span") else say("{count} tokens and their ids:",
                                                                      count=len(steps["ids"]))) + f"<br>{chips}"),
        (say("Model inference"), say("tensor shapes: ") + shapes),
        (say("Output post-processing"), "<br>".join(post)),
        (say("Presentation"), say("the page says: ") + shown),
    ]
    body = "".join(f'<li><div class="blank-head">{escape(title)}</div><p>{text}</p></li>' for title, text in items)
    return (f'<style>{CSS}</style><ol class="steps">{body}</ol><p class="meaning">'
            f'{escape(say("The code below reproduces these probabilities with transformers alone."))}</p>')


def build_outputs(task, outputs: list) -> list:
    return [gr.JSON(label=ui_text("The four steps"), elem_id=f"{task.dom_id}-steps", visible=False),
            gr.Code(label=ui_text("Code for this answer"), language="python", interactive=False,
                    elem_id=f"{task.dom_id}-code")]


CSS = """
.steps { padding-left: 1.4em; } .steps li { margin-bottom: 0.6em; } .steps p { overflow-wrap: anywhere; }
.step-token { display: inline-block; font-family: var(--font-mono); font-size: 0.85em; padding: 0 0.3em;
              margin: 0.1em; border: 1px solid var(--border-color-primary); border-radius: 0.3em; }
.step-token sub { color: var(--body-text-color-subdued); margin-left: 0.2em; }
.step-gap { margin: 0 0.4em; color: var(--body-text-color-subdued); }
.step-all summary { cursor: pointer; margin-top: 0.3em; }
"""

VIEW = View("steps", "The four steps, and the code", "steps", "steps_{task}", run, present, build_outputs,
            description="The {task} answer step by step (tokens and ids, tensor shapes, raw scores, softmax, "
                        "argmax) and a self-contained Python script with transformers that reproduces it.",
            returns=("{tokens, ids, shapes, raw_name, raw, calibration, probabilities, answer, code}",
                     "the Python script (prints the probabilities as one JSON line)"))
