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
from demo.tasks.base import BOOLEAN, MAX_TEXT_CHARS, LabelTask, Param, Warn, cut_note
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


class ClassifyTask(LabelTask):
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
    most_labels = MAX_LABELS
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

    def more_columns(self, scores: dict[str, float]) -> dict:
        return {"scores": "; ".join(f"{name}: {percent(p)}" for name, p in scores.items())}


TASK = ClassifyTask()
