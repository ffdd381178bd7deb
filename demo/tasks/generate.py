"""Generate: continue a prompt, streamed token by token, stoppable at any moment."""

from __future__ import annotations

import threading
from contextlib import closing
from collections.abc import Iterator
from dataclasses import replace

import gradio as gr

from demo.engines import ZeroShot
from demo.engines.causal_lm import CausalLMEngine
from demo.engines.types import GenerationSettings, Piece
from demo.i18n import Text, say
from demo.models import ModelRef
from demo.tasks.base import INTEGER, MAX_TEXT_CHARS, NUMBER, Param, Task, Warn, cut_note
from demo.views.html import continuation, legend_tokens, percent, shown_token

DEFAULTS = GenerationSettings()
MAX_NEW_TOKENS = (1, 512)
TEMPERATURE = (0.0, 2.0)
TOP_P = (0.01, 1.0)
TOP_K = (0, 200)
REPETITION_PENALTY = (1.0, 2.0)
SEED = (0, 2**31 - 1)


def step_of(piece: Piece) -> dict:
    """One piece for the API's JSON: its text, probability, token count and the likeliest tokens."""
    return {"token": str(piece), "probability": piece.probability, "tokens": piece.tokens,
            "alternatives": [[token, p] for token, p in piece.alternatives]}


def alternatives_line(step: dict) -> str:
    """The tooltip of one generated piece: its probability and the likeliest tokens at that step."""
    if step["probability"] is None:
        return ""
    lines = [say("“{token}”: {p}", token=shown_token(step["token"]), p=percent(step["probability"])),
             say("The likeliest at this step:")]
    lines += [f"  {shown_token(token)}  {percent(p)}" for token, p in step["alternatives"]]
    return "\n".join(lines)


class GenerateTask(Task):
    key = "generate"
    title = "Generate"
    summary = "Give a prompt and GPT-2 continues it, streamed token by token."
    embedded_summary = "Give a prompt and Gemma 3 270M continues it, streamed token by token."
    how_it_works = r"""
A left-to-right language model was pretrained on one game only: predict the next token. It learns
the probability of a text as a product of next-token probabilities (**autoregressive decoding**):

$$p(x_1,\dots,x_T)=\prod_{t=1}^{T}p\left(x_t \mid x_{<t}\right),\qquad
p(x_t\mid x_{<t})=\mathrm{softmax}\!\left(\frac{z_t}{\tau}\right)$$

To write, it samples one token, appends it, and repeats. The temperature $\tau$ sharpens
($\tau<1$) or flattens ($\tau>1$) the distribution, `top_k` and `top_p` keep only the likeliest
tokens, the repetition penalty discourages loops, and a fixed seed makes sampling repeatable.
Temperature 0 always takes the likeliest token.
"""
    embedded_how_it_works = how_it_works
    streaming = True
    concurrency = 16  # decoded together, one batch (`demo.engines.decoding`)
    per_client = 4
    request_names = ("generation", "generations")
    classic = CausalLMEngine
    zero_shot = ZeroShot("", lambda language: CausalLMEngine, per_language=False)
    remote_ok = True
    presets = {"en": ModelRef("openai-community/gpt2", "607a30d783dfa663caf39e06633721c8d4cfcd7e"),
               "zh": ModelRef("Qwen/Qwen2.5-0.5B", "060db6499f32faf8b98477b0a26969ef7d8b9987")}
    preset_names = {"openai-community/gpt2": "GPT-2", "Qwen/Qwen2.5-0.5B": "Qwen2.5 0.5B"}
    warm_up_input = ("Once", 2)
    params = (
        Param("prompt", label="Prompt", placeholder="Once upon a time,", help="The text to continue",
              max_chars=MAX_TEXT_CHARS),
        Param("max_new_tokens", DEFAULTS.max_new_tokens, INTEGER, "Max new tokens", MAX_NEW_TOKENS, setting=True),
        Param("temperature", DEFAULTS.temperature, NUMBER, "Temperature (0 = greedy)", TEMPERATURE, 0.05,
              setting=True),
        Param("top_p", DEFAULTS.top_p, NUMBER, "Top p", TOP_P, 0.01, setting=True),
        Param("top_k", DEFAULTS.top_k, INTEGER, "Top k (0 = off)", TOP_K, setting=True),
        Param("repetition_penalty", DEFAULTS.repetition_penalty, NUMBER, "Repetition penalty", REPETITION_PENALTY,
              0.05, setting=True),
        Param("seed", DEFAULTS.seed, INTEGER, "Seed", SEED, setting=True, box=True),
    )
    api_description = ("Continue a prompt with a pretrained language model, streamed: one event per new piece of "
                       "text, each piece with its probability and the likeliest alternatives.")
    returns = ("the prompt and the text so far", "[{token, class_or_confidence}]: each generated piece with its "
               "probability", "[{token, probability, tokens, alternatives: [[token, p] x 5]}] for each piece")

    def build_outputs(self) -> list:
        return [
            gr.Textbox(label="Generated text", lines=8, interactive=False, elem_id="generate-output", visible=False),
            gr.HighlightedText(label="Token probabilities", elem_id="generate-probabilities", visible=False),
            gr.JSON(label="Token alternatives", elem_id="generate-alternatives", visible=False),
        ]

    def view(self, values, outputs, done, card) -> str:
        prompt, settings = values
        _, _, steps = outputs
        pieces = [(step["token"], step["probability"], alternatives_line(step)) for step in steps]
        generated = sum(step["tokens"] for step in steps)
        note = ""
        if done and generated >= settings.max_new_tokens:
            note = say("(limit reached: {count} new tokens; raise Max new tokens in Settings for more)",
                       count=generated)
        return continuation(prompt, pieces, note) + (legend_tokens() if steps else "")

    def batch_row(self, values, outputs) -> dict:
        prompt, settings = values
        text, _, steps = outputs
        return {"continuation": text[len(prompt):], "new tokens": sum(step["tokens"] for step in steps),
                "seed": settings.seed}

    def stream_size(self, outputs) -> str:
        tokens = sum(step["tokens"] for step in outputs[2])
        return f"{tokens} new token{'s' if tokens != 1 else ''}"

    def check(self, *values) -> tuple:
        """Check every control on the server: the UI sliders do not protect the API."""
        prompt, *settings = super().check(*values)
        return prompt, GenerationSettings(*settings)

    def solve(self, engine, warn: Warn, prompt, settings) -> Iterator[tuple[str, list, list]]:
        """Yields the text so far, each piece with its probability, and each step's alternatives."""
        prepared = engine.prepare(prompt, settings.max_new_tokens)
        if prepared.max_new_tokens < settings.max_new_tokens:
            warn(Text("max_new_tokens lowered to {tokens}: this model reads at most {context} tokens, prompt and "
                      "new tokens together.", tokens=prepared.max_new_tokens, context=f"{prepared.context:,}"))
            settings = replace(settings, max_new_tokens=prepared.max_new_tokens)
        if prepared.dropped_tokens:
            warn(cut_note("The prompt", prepared.dropped_tokens, prepared.limit, where="start"))
        text = prompt
        probabilities: list[tuple[str, float | None]] = []
        steps: list[dict] = []
        # closing() ends the stream, and so the generation thread, when the caller stops reading.
        with closing(engine.stream(prepared, settings, threading.Event())) as pieces:
            for piece in pieces:
                text += piece
                probabilities.append((str(piece), piece.probability))
                steps.append(step_of(piece))
                yield text, list(probabilities), list(steps)  # copies: Gradio diffs against the last value
        if text == prompt:
            yield text, probabilities, steps
        ignored = engine.ignored_settings(settings)
        if ignored:
            warn(Text("The generation engine takes no {settings}: left out of this request.",
                      settings=" or ".join(ignored)))
