"""Classify: which of your own labels fits a text? Zero-shot classification into any categories.

A plug-in on the task contract (it registers like any `--plugin` module): its engines, its Chinese
texts and its scorecard sets are declared here and nowhere else.
"""

from __future__ import annotations

import re
from html import escape

import gradio as gr

from demo.engines import ZeroShot
from demo.engines.gemma.classify import LabelLikelihood
from demo.engines.nli import NliClassifier
from demo.engines.types import DEFAULT_TEMPLATES, MAX_HYPOTHESIS_TOKENS
from demo.errors import InputError
from demo.i18n import Text, say
from demo.language import route
from demo.models import ModelRef
from demo.tasks.base import BOOLEAN, MAX_TEXT_CHARS, Param, Task, Warn, cut_note
from demo.views.html import bar, percent, verdict

MIN_LABELS, MAX_LABELS, MAX_LABEL_CHARS = 2, 20, 100
# each label's row is the text plus the template: a 200,000-character template made every row an
# uninterruptible pass of thousands of tokens (336 s, 8.85 GB); a sentence is all a template needs
MAX_TEMPLATE_CHARS = 300
# the labels box: 20 labels of 100 characters and their separators
MAX_LABELS_CHARS = MAX_LABELS * (MAX_LABEL_CHARS + 2)
TEMPLATE, TEMPLATE_ZH = DEFAULT_TEMPLATES["en"], DEFAULT_TEMPLATES["zh"]
APPLIES = 0.5  # several labels: a label applies from this probability on
NLI = ModelRef("MoritzLaurer/mDeBERTa-v3-base-xnli-multilingual-nli-2mil7",  # MIT; safetensors
               "c969b26cb3048e8089348e264b15c9f03eba5440")


def split_labels(text: str) -> list[str]:
    """The labels of a comma-separated list (Chinese commas and 、 too), each checked."""
    labels = [label.strip() for label in re.split(r"[,，、;；\n]", text)]
    empty = [i + 1 for i, label in enumerate(labels) if not label]
    if empty:
        raise InputError(Text("Label {n} is empty: write the labels separated by commas, e.g. 'sports, politics, "
                              "science'.", n=empty[0]))
    if not MIN_LABELS <= len(labels) <= MAX_LABELS:
        raise InputError(Text("{count} given; write {low} to {high} labels, separated by commas.",
                              count=Text("1 label" if len(labels) == 1 else "{n} labels", n=len(labels)),
                              low=MIN_LABELS, high=MAX_LABELS))
    long = next((label for label in labels if len(label) > MAX_LABEL_CHARS), None)
    if long:
        raise InputError(Text("The label '{label}…' is {count} characters long; at most {most} are allowed.",
                              label=long[:30], count=len(long), most=MAX_LABEL_CHARS))
    seen: dict[str, str] = {}
    for label in labels:
        if label.casefold() in seen:
            raise InputError(Text("The label '{label}' is given twice: each label once, please.", label=label))
        seen[label.casefold()] = label
    return labels


def check_template(template: str) -> None:
    """A template is a plain sentence with `{}` once where the label goes and no other brace: no
    format fields, widths or conversions (`{{}}{:㐀>3000}` padded each label to 3,000 characters)."""
    if template.count("{}") != 1 or "{" in template.replace("{}", "", 1) or "}" in template.replace("{}", "", 1):
        raise InputError(Text("The template must contain {{}} exactly once, where the label goes, and no other "
                              "braces, e.g. '{example}'.", example=TEMPLATE))


class ClassifyTask(Task):
    key = "classify"
    title = "Classify"
    summary = ("Sort a text into your own labels, with no training: a multilingual NLI model (mDeBERTa-v3) "
               "checks whether the text entails \"This text is about *label*.\"")
    embedded_summary = ("Sort a text into your own labels, with no training: Gemma 3 270M scores how likely each "
                        "label is as the text's category, calibrated on empty and ordinary texts.")
    how_it_works = r"""
Natural-language inference asks whether a premise **entails** a hypothesis. A model trained on it
(here mDeBERTa-v3, trained on 2.7 million NLI pairs in 27 languages, Chinese among them) can sort text into labels it never saw
(Yin et al. 2019): each label $y$ becomes a hypothesis, "This text is about $y$.", and

$$p(y\mid x)=\mathrm{softmax}_y\;\mathrm{logit}_{\mathrm{entail}}(x,\ h_y)$$

With **several labels may apply**, each label is judged on its own: entailment against contradiction.
The embedded profile asks a language model instead, with no NLI training at all.
"""
    embedded_how_it_works = r"""
A language model gives every continuation of a text a probability. The app shows your text as
"Text: …" and reads each of your labels as the next line, "Category: *label*" (in Chinese two
prompts, "类别：*label*" and "这条新闻的类别是*label*", their scores added), then subtracts the label's
mean log-likelihood after texts that say nothing about it: content-free ones such as "N/A"
(**contextual calibration**, Zhao et al. 2021) and sixteen ordinary sentences of many kinds (as
**batch calibration** uses the texts of a batch, Zhou et al. 2024):

$$s(y)=\log p\left(\text{prompt}(y)\mid x\right)-\tfrac{1}{2}\left(\overline{\log p\left(\text{prompt}(y)\mid c\right)}_{c\,\in\,\text{content-free}}+\overline{\log p\left(\text{prompt}(y)\mid b\right)}_{b\,\in\,\text{ordinary}}\right)$$

A short or common label is likely after any text; the calibration removes that. The bars are
$\mathrm{softmax}_y\,s(y)$. A template you type replaces the prompts and is read the same way.
With **several labels may apply**, each label is judged on its own against a reference label,
"other things": $p(y)=\sigma\left(s(y)-s(\text{other things})\right)$.

On texts written for measuring it and held out while the method was chosen (`bench/data/`, the test
halves: 100 news leads and 96 assistant requests per language), averaged over four ways of writing
the labels (as typed, short, long, in the other language): four-topic news 83.0% in English, 80.5%
in Chinese; eight assistant intents 85.8% and 81.9% (`python -m bench.zero_shot --split test`).
"""
    params = (Param("text", label="Text", placeholder="Type or paste the text to sort…",
                    help="The text to classify, in English or Chinese", max_chars=MAX_TEXT_CHARS),
              Param("labels", label="Labels (2 to 20, separated by commas)", named="Labels", max_chars=MAX_LABELS_CHARS,
                    placeholder="sports, politics, science, business",
                    help=f"{MIN_LABELS} to {MAX_LABELS} labels separated by commas, each up to {MAX_LABEL_CHARS} "
                         f"characters and {MAX_HYPOTHESIS_TOKENS} tokens once written into the template, in English "
                         "or Chinese"),
              Param("multi_label", False, BOOLEAN, "Several labels may apply", setting=True,
                    help="Whether several labels may apply (each judged on its own)"),
              Param("template", TEMPLATE, label="Hypothesis template ({} is the label)", setting=True,
                    max_chars=MAX_TEMPLATE_CHARS, named="Template",
                    help="The plain sentence each label is written into; {} once stands for the label, no other "
                         "braces (left as it is, the "
                         "Chinese default is used for Chinese text, and Gemma scores labels in its own prompts)"))
    api_description = ("Sort a text into the labels you give, with no training: each label's probability, from a "
                       "pretrained model.")
    returns = ("{label, confidences: [{label, confidence}]}: every label, best first",)
    request_names = ("classification", "classifications")
    classic = NliClassifier
    zero_shot = ZeroShot("calibrated label likelihood", lambda language: LabelLikelihood, comparable=True)
    presets = {"en": NLI, "zh": NLI}  # one multilingual checkpoint (MIT licence) for both languages
    preset_names = {NLI.id: "mDeBERTa-v3 NLI (27 languages)"}
    warm_up_input = ("A match report.", "sports, politics")
    poles = ("the top label", "the other labels")
    heatmap_label = "Which words pushed the top label"
    classic_side = "NLI model"
    compare_meaning = ("The classic side is a model trained on natural-language inference, never on your labels; "
                       "the zero-shot LLM was only trained to predict the next token. Neither saw your labels before.")
    any_labels = True  # a labelled CSV brings its own label set (the scorecard reads it from the file)
    scorecard_columns = ("text",)
    scorecard_sets = ("topics", "intents")

    def check(self, *values) -> tuple:
        text, labels, multi_label, template = super().check(*values)
        labels = split_labels(labels)
        check_template(template)
        if template == TEMPLATE and route(text, *labels).language == "zh":
            template = TEMPLATE_ZH
        return text, labels, multi_label, template

    def attention_texts(self, checked: tuple) -> tuple[str, ...]:
        return (checked[0],)  # the text, not the list of labels

    def scorecard_values(self, inputs: tuple, labels: list[str]) -> tuple:
        return (*inputs, ", ".join(labels))

    def build_outputs(self) -> list:
        return [gr.Label(label="Labels", elem_id="classify-label", visible=False)]

    def solve(self, engine, warn: Warn, text, labels, multi_label=False, template=TEMPLATE):
        result = engine.classify(text, labels, multi_label, template)
        if result.dropped_tokens:
            warn(cut_note("The text", result.dropped_tokens, result.limit))
        return (dict(sorted(result.scores.items(), key=lambda item: -item[1])),)

    def view(self, values, outputs, done, card) -> str:
        (scores,) = outputs
        if not values[2]:
            return verdict(scores, {}, card.meaning)
        applies = [label for label, p in scores.items() if p >= APPLIES]
        headline = (say("Applies: {labels}", labels=", ".join(applies)) if applies
                    else say("None of the labels applies"))
        bars = "".join(bar(label, p, strong=p >= APPLIES) for label, p in scores.items())
        return (f'<div class="answer"><div class="verdict">{escape(headline)}</div>{bars}'
                f'<p class="meaning">{escape(say("Each label on its own: it applies from 50%."))} '
                f'{escape(say(card.meaning))}</p></div>')

    def batch_row(self, values, outputs) -> dict:
        (scores,) = outputs
        label = next(iter(scores))
        return {"label": label, "confidence": round(scores[label], 4),
                "scores": "; ".join(f"{name}: {percent(p)}" for name, p in scores.items())}


TASK = ClassifyTask()

TRANSLATIONS = {"zh-CN": {
    "Template": "模板",
    "Classify": "自定义分类",
    ClassifyTask.summary: "用你自己的标签给文字分类，无需训练：多语言自然语言推理模型（mDeBERTa-v3）判断文字是否蕴含"
                          "“这段文字的主题是*标签*。”",
    ClassifyTask.embedded_summary: "用你自己的标签给文字分类，无需训练：Gemma 3 270M 比较每个标签接在文字后面的可能性，并用空文本校准。",
    ClassifyTask.how_it_works: r"""
自然语言推理（NLI）判断前提是否**蕴含**假设。在 27 种语言（包括中文）的 270 万对 NLI 数据上训练的 mDeBERTa-v3 可以把文字分到它从没见过的标签里
（Yin 等，2019）：每个标签 $y$ 写成一句假设“这段文字的主题是 $y$。”，然后

$$p(y\mid x)=\mathrm{softmax}_y\;\mathrm{logit}_{\mathrm{entail}}(x,\ h_y)$$

勾选**可以有多个标签**时，每个标签单独判断：蕴含对矛盾。嵌入式配置改问一个语言模型，它完全没有做过 NLI 训练。
""",
    ClassifyTask.embedded_how_it_works: r"""
语言模型给文字的每种续写一个概率。应用把你的文字写成“Text: …”（中文“文本：…”），把你的每个标签当作下一行来读：
“Category: *标签*”（中文两种说法，“类别：*标签*”和“这条新闻的类别是*标签*”，分数相加），再减去同一标签接在与它
无关的文字后面的平均对数似然：“N/A”等无内容文本（**上下文校准**，Zhao 等，2021），以及十六句各种各样的普通句子
（就像**批校准**用一批里的文字，Zhou 等，2024）：

$$s(y)=\log p\left(\text{提示}(y)\mid x\right)-\tfrac{1}{2}\left(\overline{\log p\left(\text{提示}(y)\mid c\right)}_{c\,\in\,\text{无内容}}+\overline{\log p\left(\text{提示}(y)\mid b\right)}_{b\,\in\,\text{普通句子}}\right)$$

短的或常见的标签接在任何文字后面都很可能，校准去掉了这一点。条形是 $\mathrm{softmax}_y\,s(y)$。你自己写的模板会代替这些
提示，用同样的方法读。勾选**可以有多个标签**时，每个标签单独和参照标签“其他事情”比较：
$p(y)=\sigma\left(s(y)-s(\text{其他事情})\right)$。

在专为衡量而写、选方法时没有用过的文字上（`bench/data/` 的测试一半：每种语言 100 条新闻导语、96 条助手请求），对四种
标签写法（照原样、简短、详细、另一种语言）取平均：四类新闻英文 83.0%、中文 80.5%；八种助手意图 85.8% 和 81.9%
（`python -m bench.zero_shot --split test`）。
""",
    "Labels (2 to 20, separated by commas)": "标签（2 到 20 个，用逗号分隔）",
    "Type or paste the text to sort…": "输入或粘贴要分类的文字……",
    "sports, politics, science, business": "体育, 政治, 科学, 商业",
    "Several labels may apply": "可以有多个标签",
    "Hypothesis template ({} is the label)": "假设模板（{} 代表标签）",
    "Label {n} is empty: write the labels separated by commas, e.g. 'sports, politics, science'.":
        "第 {n} 个标签是空的：请用逗号分隔标签，例如“体育, 政治, 科学”。",
    "{count} given; write {low} to {high} labels, separated by commas.": "给了 {count}；请写 {low} 到 {high} 个标签，用逗号分隔。",
    "1 label": "1 个标签",
    "{n} labels": "{n} 个标签",
    "The label '{label}…' is {count} characters long; at most {most} are allowed.":
        "标签“{label}……”有 {count} 个字符；最多 {most} 个。",
    "The label '{label}' is given twice: each label once, please.": "标签“{label}”写了两次：每个标签只写一次。",
    "The template must contain {{}} exactly once, where the label goes, and no other braces, e.g. '{example}'.":
        "模板里必须恰好有一个 {{}}，表示标签的位置，不能有别的花括号，例如“{example}”。",
    "Applies: {labels}": "适用：{labels}",
    "None of the labels applies": "没有适用的标签",
    "Each label on its own: it applies from 50%.": "每个标签单独判断：50% 起算适用。",
    NliClassifier.meaning: "一个在自然语言推理上训练过的模型认为你的文字蕴含“这段文字的主题是<标签>”的程度：是在你的标签之间的置信度，"
                           "不是测得的准确率。",
    LabelLikelihood.meaning: "条形比较一个从未为此训练过的 2.7 亿参数模型，认为每个标签接在文字后面有多可能（用空文本校准）：这是相对置信度，"
                             "不是测得的准确率。",
    "the log-probability of the top label": "得分最高的标签的对数概率",
    "the calibrated log-probability of the top label": "得分最高的标签校准后的对数概率",
    "the top label": "得分最高的标签",
    "the other labels": "其他标签",
    "Which words pushed the top label": "哪些词推动了得分最高的标签",
    "NLI model": "NLI 模型",
    "Compare: NLI model vs zero-shot LLM": "对比：NLI 模型 vs 零样本大模型",
    ClassifyTask.compare_meaning: "经典一方是在自然语言推理上训练过的模型，从没见过你的标签；零样本大模型只练过预测下一个词元。两者都没见过你的标签。",
}}
