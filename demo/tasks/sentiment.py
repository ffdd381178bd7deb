"""Sentiment: is a text positive or negative?"""

from __future__ import annotations

import gradio as gr
import torch

from demo.models import LoadedModel
from demo.tasks.base import LabelScores, Param, Task, Warn, cut_note, require_text

LABELS = ("POSITIVE", "NEGATIVE")


class ClassifierEngine:
    """A sequence classifier fine-tuned for sentiment (DistilBERT SST-2 by default)."""

    def __init__(self, loaded: LoadedModel):
        self.loaded = loaded
        id2label = loaded.model.config.id2label
        self.labels = [_label_name(id2label[i]) for i in range(len(id2label))]

    @torch.inference_mode()
    def classify(self, text: str) -> LabelScores:
        model, limit = self.loaded.model, self.loaded.max_length
        encoded, total = self.loaded.encode_within_limit(text)
        logits = model(**encoded.to(model.device)).logits[0].float()
        probs = logits.softmax(-1).tolist()
        return LabelScores(dict(zip(self.labels, probs, strict=True)), max(0, total - limit), limit)


def _label_name(raw: str) -> str:
    """Name the classes POSITIVE/NEGATIVE whatever case the checkpoint uses."""
    upper = str(raw).upper()
    return {"POS": "POSITIVE", "NEG": "NEGATIVE"}.get(upper, upper)


class SentimentTask(Task):
    key = "sentiment"
    title = "Sentiment"
    summary = "Is a text positive or negative? A classifier returns both classes' probabilities."
    how_it_works = r"""
The encoder reads the whole text at once. Each layer mixes the words with **scaled dot-product
attention**, so every word's vector is updated from the words that matter to it:

$$\mathrm{Attention}(Q,K,V)=\mathrm{softmax}\!\left(\frac{QK^\top}{\sqrt{d_k}}\right)V$$

The vector of the first token, `[CLS]`, summarises the text, and a linear layer turns it into
class probabilities: $p(y\mid x)=\mathrm{softmax}(W\,h_{[\mathrm{CLS}]}+b)$. The classic checkpoint
is DistilBERT fine-tuned on SST-2 movie reviews; the embedded profile asks a language model which
word, *positive* or *negative*, best follows the review, with no training at all.
"""
    auto_model = "AutoModelForSequenceClassification"
    engine_class = ClassifierEngine
    params = (Param("text"),)

    def build_inputs(self) -> list:
        return [
            gr.Textbox(
                label="Text",
                lines=1,
                max_lines=8,
                placeholder="Type a review, a tweet, a sentence…",
                elem_id="sentiment-text",
            )
        ]

    def build_outputs(self) -> list:
        return [gr.Label(label="Sentiment", num_top_classes=2, elem_id="sentiment-label")]

    def run(self, engine, warn: Warn, text):
        text = require_text(text, "Text")
        result = engine.classify(text)
        if result.dropped_tokens:
            warn(cut_note("The text", result.dropped_tokens, result.limit))
        return (result.scores,)
