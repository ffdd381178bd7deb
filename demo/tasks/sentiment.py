"""Sentiment: is a text positive or negative?"""

from __future__ import annotations

import gradio as gr

from demo.engines import ZeroShot
from demo.engines.classifier import ClassifierEngine
from demo.engines.gemma.sentiment import ChannelSentiment, PromptSentiment
from demo.i18n import add_translations
from demo.models import ModelRef
from demo.tasks.base import MAX_TEXT_CHARS, Param, Task, Warn, cut_note
from demo.views.html import verdict


class SentimentTask(Task):
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

    def view(self, values, outputs, done, card) -> str:
        (scores,) = outputs
        return verdict(scores, self.words, card.meaning)

    def batch_row(self, values, outputs) -> dict:
        (scores,) = outputs
        label = max(scores, key=scores.get)
        return {"label": label, "confidence": round(scores[label], 4)}

    def solve(self, engine, warn: Warn, text):
        result = engine.classify(text)
        if result.dropped_tokens:
            warn(cut_note("The text", result.dropped_tokens, result.limit))
        return (result.scores,)


TRANSLATIONS = {"zh-CN": {
    SentimentTask.how_it_works:
        "\n编码器一次读入整段文字。每一层用**缩放点积注意力**混合各个词，让每个词的向量从与它相关的词中更新：\n\n"
        "$$\\mathrm{Attention}(Q,K,V)=\\mathrm{softmax}\\!\\left(\\frac{QK^\\top}{\\sqrt{d_k}}\\right)V$$\n\n第一个词元 "
        "`[CLS]` 的向量概括整段文字，一个线性层把它变成类别概率：\n$p(y\\mid x)=\\mathrm{softmax}(W\\,h_{[\\mathrm{CLS}]}+b)$。英文用在 SST-2 "
        "影评上微调的 DistilBERT，中文用在中文评论上\n微调的二郎神 RoBERTa；嵌入式配置则不做任何训练，直接问语言模型评论后面更可能接哪个词。\n",
    SentimentTask.embedded_how_it_works:
        "\n语言模型在预训练时只玩一个游戏：预测下一个词元。中文评论用两种读法，把两者的对数几率相加。第一种反过来问：你的评论接在\n“以下是一条好评：”之后更可能，还是接在“以下是一条差评："
        "”之后更可能？（**噪声信道提示**，Min et al. 2022）\n评论的每个词元都是证据，按词元平均：\n\n$$m(x)=\\frac{1}{|x|}\\left(\\log p\\l"
        "eft(x \\mid \\text{好评}\\right)-\\log p\\left(x \\mid \\text{差评}\\right)\\right),\\qquad\n\\mathrm{logi"
        "t}_1=\\frac{m(x)-\\theta}{s}$$\n\n阈值 $\\theta$ 和尺度 $s$ 在启动时由本应用自己写的八条校准评论测出（正面和负面各四条）。第二种直接问：在四"
        "条中文示例评论之后，\n“评价：”后面的下一个词是“满意”还是“失望”、“好”还是“差”、“喜欢”还是“讨厌”？每对词按内容为空的输入做上下文校准（Zhao et al. 2021）"
        "，\n三对取几何平均。在 300 条 ChnSentiCorp 开发集评论上：第一种 71.3%，第二种 74.7%，两者相加 81.3%。\n英文评论用八条示例加 `Sentimen"
        "t:` 的提示，读出四对词（*positive*/*negative*、*great*/*terrible*、*good*/*bad*、*happy*/*sad*），\n每对校准后相乘（在 SST-2 开发集上"
        " 88.8%）。示例和校准评论都是为本应用写的，没有取自任何评测集。\n",
}}

add_translations(TRANSLATIONS)
