"""Sentiment: is a text positive or negative?"""

from __future__ import annotations

import gradio as gr

from demo.engines import ZeroShot
from demo.engines.classifier import ClassifierEngine
from demo.engines.gemma.channel import ChannelSentiment
from demo.engines.gemma.sentiment import PromptSentiment
from demo.models import ModelRef
from demo.tasks.base import MAX_TEXT_CHARS, LabelTask, Param, Warn, cut_note


class SentimentTask(LabelTask):
    key = "sentiment"
    title = "Sentiment"
    summary = ("Is a text positive or negative? DistilBERT, fine-tuned on movie reviews (SST-2), returns both "
               "classes' probabilities.")
    embedded_summary = ("Is a text positive or negative? Gemma 3 270M, never trained for it, compares how likely "
                        "it finds the words *positive* and *negative* after the text.")
    embedded_how_it_works = r"""
A language model was pretrained on one game only: predict the next token. Shown eight short
example reviews with their labels and then yours, followed by `Sentiment:`, it gives every
possible next word a probability. The app reads four pairs of them (*positive*/*negative*,
*great*/*terrible*, *good*/*bad*, *happy*/*sad*), each renormalised over its pair, divides each by its
value for content-free inputs such as "N/A" (**contextual calibration**, Zhao et al. 2021), which removes the
model's own preference for one word of a pair, and multiplies the four pairs:

$$p(y\mid x)\propto\prod_{k=1}^{4}\frac{p\left(w_{k,y} \mid \mathrm{prompt}(x)\right)}{p\left(w_{k,y} \mid \mathrm{prompt}(\varnothing)\right)}$$

On SST-2 dev this is right 88.8% of the time (one pair: 88.5%). The examples were written for this
app, not taken from a benchmark. Chinese reviews are read two ways and their log-odds added: the
other way round (noisy-channel prompting, Min et al. 2022: is the review likelier after
"以下是一条好评：" (here is a good review) or after "以下是一条差评：" (a bad review), per token?) and as
above, after four Chinese examples, with the pairs 满意/失望, 好/差 and 喜欢/讨厌 (their geometric mean).
The classic profile uses DistilBERT fine-tuned on SST-2 movie reviews instead.
"""
    how_it_works = r"""
The encoder reads the whole text at once. Each layer mixes the words with **scaled dot-product
attention**, so every word's vector is updated from the words that matter to it:

$$\mathrm{Attention}(Q,K,V)=\mathrm{softmax}\!\left(\frac{QK^\top}{\sqrt{d_k}}\right)V$$

The vector of the first token, `[CLS]`, summarises the text, and a linear layer turns it into
class probabilities: $p(y\mid x)=\mathrm{softmax}(W\,h_{[\mathrm{CLS}]}+b)$. The classic checkpoint
is DistilBERT fine-tuned on SST-2 movie reviews; the embedded profile asks a language model which
word, *positive* or *negative*, best follows the review, with no training at all.
"""
    params = (Param("text", label="Text", placeholder="Type a review, a tweet, a sentence…",
                    help="The text to classify, in English or Chinese", max_chars=MAX_TEXT_CHARS),)
    api_description = "Is a text positive or negative? Both classes' probabilities, from a pretrained model."
    returns = ("{label, confidences: [{label: POSITIVE | NEGATIVE, confidence}]}",)
    concurrency = 16  # handlers only wait for the inference thread; more of them share batches
    queue_share = None  # short work: it shares the rest of the queue
    request_names = ("sentiment request", "sentiment requests")
    classic = ClassifierEngine
    zero_shot = ZeroShot("calibrated few-shot label scoring",
                         lambda language: ChannelSentiment if language == "zh" else PromptSentiment, comparable=True)
    presets = {
        "en": ModelRef("distilbert/distilbert-base-uncased-finetuned-sst-2-english",
                       "714eb0fa89d2f80546fda750413ed43d93601a13"),
        "zh": ModelRef("IDEA-CCNL/Erlangshen-Roberta-330M-Sentiment", "7005a53278f557cb27010fb08bb56a88b92173a9"),
    }
    preset_names = {"distilbert/distilbert-base-uncased-finetuned-sst-2-english": "DistilBERT (SST-2)",
                    "IDEA-CCNL/Erlangshen-Roberta-330M-Sentiment": "Erlangshen RoBERTa 330M (sentiment)"}
    warm_up_input = ("A good start.",)
    words = {"POSITIVE": "Positive", "NEGATIVE": "Negative"}
    poles = ("Positive", "Negative")
    classic_side = "trained classifier"
    compare_meaning = ("The classic checkpoint is a classifier trained on labelled movie reviews; the zero-shot LLM "
                       "was never trained for the task and is asked through a prompt. Where they disagree, one of "
                       "them is wrong.")
    gold = {"positive": "POSITIVE", "pos": "POSITIVE", "1": "POSITIVE", "negative": "NEGATIVE", "neg": "NEGATIVE",
            "0": "NEGATIVE"}
    scorecard_columns = ("text",)

    def build_outputs(self) -> list:
        return [gr.Label(label="Sentiment", num_top_classes=2, elem_id="sentiment-label", visible=False)]

    def solve(self, engine, warn: Warn, text):
        result = engine.classify(text)
        if result.dropped_tokens:
            warn(cut_note("The text", result.dropped_tokens, result.limit))
        return (result.scores,)
