"""A fifth task from one file: how many tokens a checkpoint's tokenizer cuts a text into, and which.

It registers through `--plugin tests.plugins.token_count` (or DEMO_PLUGINS) with no edit anywhere
else; its classic engine loads a masked-LM checkpoint (the tests give it a tiny local one).
"""

from __future__ import annotations

import gradio as gr

from demo.engines.base import ClassicEngine
from demo.inference import InferenceWorker
from demo.models import LoadedModel, outside_base
from demo.tasks.base import MAX_TEXT_CHARS, Param, Task, Warn


class TokenCounter(ClassicEngine):
    """The checkpoint's own tokenizer, run on the inference thread like every other model call."""

    auto_model = "AutoModelForMaskedLM"
    int8_ok = False
    head_hint = "any checkpoint with a tokenizer"
    capabilities = frozenset()
    meaning = "Tokens are the pieces the model reads; a word it knows well is one piece."
    missing_head = staticmethod(outside_base)

    def __init__(self, loaded: LoadedModel, worker: InferenceWorker):
        self.loaded, self.worker = loaded, worker

    def pieces(self, text: str) -> list[str]:
        return self.worker.call(lambda: self.loaded.tokenizer.tokenize(text))


class TokenCountTask(Task):
    key = "token_count"
    title = "Token count"
    summary = "How many tokens does the model cut a text into?"
    embedded_summary = summary
    how_it_works = "A tokenizer splits text into the pieces of the model's vocabulary."
    embedded_how_it_works = how_it_works
    params = (Param("text", label="Text", max_chars=MAX_TEXT_CHARS),)
    classic = TokenCounter
    warm_up_input = ("A short text.",)

    def build_outputs(self) -> list:
        return [gr.Number(label="Tokens", elem_id="token-count-number", visible=False),
                gr.JSON(label="Pieces", elem_id="token-count-pieces", visible=False)]

    def solve(self, engine, warn: Warn, text):
        pieces = engine.pieces(text)
        return len(pieces), pieces

    def view(self, values, outputs, done, card) -> str:
        count, pieces = outputs
        return f'<p class="token-count">{count} tokens: {" · ".join(pieces)}</p>'

    def batch_row(self, values, outputs) -> dict:
        return {"tokens": outputs[0]}


TASK = TokenCountTask()
