"""Sentiment: is a text positive or negative?"""

from __future__ import annotations

import gradio as gr
import torch

from demo.errors import InputError
from demo.explain import CLASSIC_STEPS, Attribution, integrated_gradients, require_short, tokens_of, words_of
from demo.i18n import say, ui_text
from demo.inference import LONG_JOB_BUDGET_S, InferenceWorker, length_groups
from demo.language import route
from demo.models import LoadedModel
from demo.tasks.base import (Explanation, LabelScores, Param, Sides, Task, Warn, cut_note, require_text,
                             side_by_side)
from demo.views import attribution_legend, comparison, verdict

# Padded tokens per forward pass. bench/perf.py: batching ~250-token texts on CPU gave no more
# throughput and a worse p95, so long texts run alone while short ones share a pass.
BATCH_TOKENS = 512


class ClassifierEngine:
    """A sequence classifier fine-tuned for sentiment (DistilBERT SST-2 by default).

    Requests that arrive together are classified in one batch on the inference thread, in groups
    of similar length, so short texts are not padded to a long one's length.
    """

    def __init__(self, loaded: LoadedModel, worker: InferenceWorker):
        self.loaded = loaded
        self.worker = worker
        id2label = loaded.model.config.id2label
        self.labels = [_label_name(id2label[i]) for i in range(len(id2label))]

    def classify(self, text: str) -> LabelScores:
        return self.worker.call_batched(self.classify_many, text)

    @torch.inference_mode()
    def classify_many(self, texts: list[str]) -> list[LabelScores]:
        limit = self.loaded.max_length
        rows, totals = self.loaded.ids_within_limit(texts)
        results: list[LabelScores] = [None] * len(texts)  # type: ignore[list-item]
        for group in length_groups([len(ids) for ids in rows], BATCH_TOKENS):
            logits = self.loaded.model(**self.loaded.padded([rows[i] for i in group])).logits.float()
            for i, probs in zip(group, logits.softmax(-1).tolist(), strict=True):
                scores = dict(zip(self.labels, probs, strict=True))
                results[i] = LabelScores(scores, max(0, totals[i] - limit), limit)
        return results


    def attribute(self, text: str) -> Attribution:
        """Which words pushed the classifier toward POSITIVE (above 0) or NEGATIVE (below 0)."""
        if not {"POSITIVE", "NEGATIVE"} <= set(self.labels):
            raise InputError(f"Explanations compare the POSITIVE and NEGATIVE classes; this checkpoint's classes "
                             f"are {', '.join(self.labels)}.")
        ids, spans = tokens_of(self.loaded.tokenizer, text)
        require_short(ids, "The text")
        if len(ids) + 2 > self.loaded.max_length:
            raise InputError(f"The text is {len(ids):,} tokens long; this model reads {self.loaded.max_length - 2:,} "
                             "at most. Please shorten it.")
        token_scores, delta = self.worker.call(self._attribute, ids, long=True, budget_s=LONG_JOB_BUDGET_S)
        return Attribution([words_of(text, spans, token_scores)], delta)

    def _attribute(self, ids: list[int]) -> tuple[list[float], float]:
        tokenizer, model = self.loaded.tokenizer, self.loaded.model
        embed = model.get_input_embeddings()
        positive, negative = self.labels.index("POSITIVE"), self.labels.index("NEGATIVE")
        device = model.device
        with torch.no_grad():
            user = embed(torch.tensor([ids], device=device))
            head = embed(torch.tensor([[tokenizer.cls_token_id]], device=device))
            tail = embed(torch.tensor([[tokenizer.sep_token_id]], device=device))

        def margin(user_rows: torch.Tensor) -> torch.Tensor:
            rows = len(user_rows)
            embeds = torch.cat([head.expand(rows, -1, -1), user_rows, tail.expand(rows, -1, -1)], 1)
            logits = model(inputs_embeds=embeds).logits.float()
            return logits[:, positive] - logits[:, negative]

        (scores,), delta = integrated_gradients(margin, (user,), CLASSIC_STEPS, model, self.worker.checkpoint)
        return scores, delta


def _label_name(raw: str) -> str:
    """Name the classes POSITIVE/NEGATIVE whatever case the checkpoint uses."""
    upper = str(raw).upper()
    return {"POS": "POSITIVE", "NEG": "NEGATIVE"}.get(upper, upper)


MEANING_CLASSIC = ("The bars are the classifier's confidence, not a measured accuracy: it was fine-tuned on movie "
                   "reviews and can be wrong, above all on other kinds of text.")
MEANING_EMBEDDED = ("The bars compare how strongly a 270M model, never trained for this task, prefers each word: "
                    "a relative confidence, not a measured accuracy. It makes mistakes.")


MEANING_COMPARE = ("The classic checkpoint is a classifier trained on labelled movie reviews; the zero-shot LLM was "
                   "never trained for the task and is asked through a prompt. Where they disagree, one of them is "
                   "wrong.")
MEANING_CLASSIC_ZH = "条形表示分类器的置信度，不是测得的准确率：它在评论上微调过，也会出错，尤其是在其他类型的文字上。"
MEANING_EMBEDDED_ZH = "条形比较一个从未为此任务训练过的 2.7 亿参数模型对两种说法的偏好强弱：这是相对置信度，不是测得的准确率。它会出错。"
MEANING_COMPARE_ZH = "经典模型是在带标注的评论上训练过的分类器；零样本大模型从未为此训练过，只是通过提示词来问。两者不一致时，必有一方错了。"
CHANNEL_TARGET = ("how much more likely your review is after <i>以下是一条好评</i> (here is a good review) than after "
                  "<i>以下是一条差评</i> (a bad review)")


class SentimentTask(Task):
    key = "sentiment"
    title = "Sentiment"
    summary = ("Is a text positive or negative? DistilBERT, fine-tuned on movie reviews (SST-2), returns both "
               "classes' probabilities.")
    embedded_summary = ("Is a text positive or negative? Gemma 3 270M, never trained for it, compares how likely "
                        "it finds the words *positive* and *negative* after the text.")
    embedded_how_it_works = r"""
A language model was pretrained on one game only: predict the next token. Shown four short
example reviews with their labels and then yours, followed by `Sentiment:`, it gives every
possible next word a probability. The app compares two of them, and divides each by its value
for content-free inputs such as "N/A" (**contextual calibration**, Zhao et al. 2021), which
removes the model's own preference for one of the two words:

$$p(y\mid x)\propto\frac{p\left(w_y \mid \mathrm{prompt}(x)\right)}{p\left(w_y \mid \mathrm{prompt}(\varnothing)\right)},\qquad w_y\in\{\text{positive},\text{negative}\}$$

The examples were written for this app, not taken from a benchmark. Chinese reviews are asked the
other way round (noisy-channel prompting, Min et al. 2022): is the review likelier after
"以下是一条好评：" (here is a good review) or after "以下是一条差评：" (a bad review), per token? The
classic profile uses DistilBERT fine-tuned on SST-2 movie reviews instead.
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
    auto_model = "AutoModelForSequenceClassification"
    engine_class = ClassifierEngine
    warm_up_input = ("A good start.",)
    int8_ok = True
    params = (Param("text"),)
    head_hint = "a checkpoint fine-tuned for sentiment classification, such as DistilBERT-SST2"

    def build_inputs(self) -> list:
        return [
            gr.Textbox(
                label=ui_text("Text"),
                lines=1,
                max_lines=8,
                placeholder=ui_text("Type a review, a tweet, a sentence…"),
                elem_id="sentiment-text",
            )
        ]

    def build_outputs(self) -> list:
        return [gr.Label(label="Sentiment", num_top_classes=2, elem_id="sentiment-label", visible=False)]

    def view(self, values, outputs, done, embedded) -> str:
        (scores,) = outputs
        return verdict(scores, {"POSITIVE": "Positive", "NEGATIVE": "Negative"},
                       say(MEANING_EMBEDDED, MEANING_EMBEDDED_ZH) if embedded else say(MEANING_CLASSIC, MEANING_CLASSIC_ZH))

    def check(self, text) -> tuple:
        return (require_text(text, "Text"),)

    def batch_row(self, values, outputs) -> dict:
        (scores,) = outputs
        label = max(scores, key=scores.get)
        return {"label": label, "confidence": round(scores[label], 4)}

    explanations = (
        Explanation("explain_sentiment", "Explain: which words mattered", (Param("text"),)),
        Explanation("compare_sentiment", "Compare: trained classifier vs zero-shot LLM", (Param("text"),),
                    outputs="build_comparison_outputs", answer="compare", view="comparison_view", both_sides=True),
    )

    def build_explanation_outputs(self, outputs: list) -> list:
        return [outputs[0], gr.HighlightedText(label=ui_text("Which words pushed the answer"), elem_id="sentiment-heatmap",
                                               show_legend=True, combine_adjacent=False)]

    def explain(self, engine, warn: Warn, text):
        (text,) = self.check(text)
        scores = self.run(engine, warn, text)[0]
        return scores, engine.attribute(text).scaled()[0]

    def build_comparison_outputs(self, outputs: list) -> list:
        return [gr.Label(label="Classic checkpoint", elem_id="sentiment-classic", visible=False),
                gr.Label(label="Zero-shot LLM", elem_id="sentiment-zero-shot", visible=False)]

    def compare(self, sides: Sides, warn: Warn, text):
        (text,) = self.check(text)
        return side_by_side(sides, lambda engine: self.run(engine, warn, text)[0])

    def comparison_view(self, values, outputs, embedded) -> str:
        return comparison(outputs, {"POSITIVE": "Positive", "NEGATIVE": "Negative"},
                          say(MEANING_COMPARE, MEANING_COMPARE_ZH), self.key)

    def explanation_view(self, values, outputs, embedded) -> str:
        answer = self.view(values, outputs[:1], True, embedded)
        if embedded and route(values[0]).language == "zh":  # Gemma's Chinese answer is a sum over the tokens
            return answer + attribution_legend("Positive", "Negative", say(CHANNEL_TARGET, "评论在“以下是一条好评：”之后比在"
                                                                          "“以下是一条差评：”之后更可能多少"),
                                               exact=True)
        target = "the score of the word <i>positive</i> over <i>negative</i>" if embedded else "POSITIVE over NEGATIVE"
        return answer + attribution_legend("Positive", "Negative", say(target, "“positive”一词相对“negative”的得分"
                                                                       if embedded else "正面相对负面的得分"))

    def run(self, engine, warn: Warn, text):
        (text,) = self.check(text)
        result = engine.classify(text)
        if result.dropped_tokens:
            warn(cut_note("The text", result.dropped_tokens, result.limit))
        return (result.scores,)
