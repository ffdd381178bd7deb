"""Next sentence: does sentence B follow sentence A?"""

from __future__ import annotations

import gradio as gr

from demo.engines import ZeroShot
from demo.engines.bert import BERT, BERT_CHINESE, IS_NEXT, NOT_NEXT, NextSentenceEngine
from demo.engines.gemma.next_sentence import PmiNextSentence
from demo.i18n import add_translations
from demo.tasks.base import Param, Task, Warn, cut_note
from demo.views.html import verdict


class NextSentenceTask(Task):
    key = "next_sentence"
    title = "Next sentence"
    summary = "Does sentence B follow sentence A? BERT's own pretraining head answers."
    embedded_summary = ("Does sentence B follow sentence A? Gemma 3 270M measures how much more likely B becomes "
                        "once A has been read.")
    embedded_how_it_works = r"""
A language model gives every text a probability. If B really follows A, reading A first makes B
more expected. The **pointwise mutual information**, scaled by the square root of B's length, measures by how much:

$$\mathrm{PMI}(A,B)=\frac{\log p(B\mid A)-\log p(B)}{\sqrt{|B|}},\qquad
p(\text{IsNext})=\sigma\!\left(\frac{\mathrm{PMI}-\theta}{s}\right)$$

A fluent model finds most sentences a little more likely after any text, so the threshold
$\theta$ and scale $s$ come from eight built-in pairs, coherent and shuffled, measured at start.
The classic profile uses BERT's own next-sentence head, pretrained on exactly this question.
"""
    how_it_works = r"""
Besides filling masks, BERT was pretrained on a second game: given two sentences, was B the
sentence that really followed A in the book (**IsNext**), or a random one (**NotNext**)? A small
head on the `[CLS]` vector predicts it, trained with the **NSP loss**

$$\mathcal{L}_{\mathrm{NSP}}=-\log p\left(y \mid h_{[\mathrm{CLS}]}\right),\qquad y\in\{\text{IsNext},\text{NotNext}\}$$

The embedded profile measures the same thing with a language model, by pointwise mutual
information: how much more likely B becomes once A is read,
$\mathrm{PMI}=\log p(B\mid A)-\log p(B)$.
"""
    params = (Param("sentence_a", label="Sentence A", elem_id="next-sentence-a", help="The first sentence"),
              Param("sentence_b", label="Sentence B", elem_id="next-sentence-b",
                    help="The sentence that may follow it"))
    api_description = "Does sentence B follow sentence A? The probabilities of IsNext and NotNext."
    returns = ("{label, confidences: [{label: IsNext | NotNext, confidence}]}",)
    request_names = ("next-sentence request", "next-sentence requests")
    classic = NextSentenceEngine
    zero_shot = ZeroShot("calibrated pointwise mutual information", lambda language: PmiNextSentence, comparable=True)
    presets = {"en": BERT, "zh": BERT_CHINESE}
    preset_names = {BERT.id: "BERT base", BERT_CHINESE.id: "BERT Chinese"}
    warm_up_input = ("It rained.", "The streets were wet.")
    words = {IS_NEXT: "B follows A", NOT_NEXT: "B does not follow A"}
    poles = ("IsNext", "NotNext")
    heatmap_label = "Which words pushed the answer (A, then B)"
    classic_side = "BERT's own head"
    compare_meaning = ("The classic checkpoint is BERT's next-sentence head, trained on this exact question while "
                       "BERT was pretrained; the zero-shot LLM was only ever trained to predict the next token.")
    gold = {"isnext": IS_NEXT, "1": IS_NEXT, "notnext": NOT_NEXT, "0": NOT_NEXT}
    scorecard_columns = ("sentence_a", "sentence_b")

    def build_outputs(self) -> list:
        return [gr.Label(label="Does B follow A?", num_top_classes=2, elem_id="next-sentence-label", visible=False)]

    def view(self, values, outputs, done, card) -> str:
        (scores,) = outputs
        return verdict(scores, self.words, card.meaning)

    def batch_row(self, values, outputs) -> dict:
        (scores,) = outputs
        return {"label": max(scores, key=scores.get), "IsNext probability": round(scores[IS_NEXT], 4)}

    def solve(self, engine, warn: Warn, sentence_a, sentence_b):
        result = engine.judge(sentence_a, sentence_b)
        if result.dropped_tokens:
            warn(cut_note("The two sentences together", result.dropped_tokens, result.limit))
        return (result.scores,)


TRANSLATIONS = {"zh-CN": {
    NextSentenceTask.how_it_works:
        "\n除了填空，BERT 预训练时还玩第二个游戏：给两句话，B 是书中真正接在 A 后面的那句（**IsNext**），还是随机的一句\n（**NotNext**）？`[CLS]` 向量上的一个小预测头回答这个问题，"
        "用 **NSP 损失**训练：\n\n$$\\mathcal{L}_{\\mathrm{NSP}}=-\\log p\\left(y \\mid "
        "h_{[\\mathrm{CLS}]}\\right),\\qquad y\\in\\{\\text{IsNext},\\text{NotNext}\\}$$\n\n中文 BERT 同样带有这个预测头。"
        "嵌入式配置用语言模型的点互信息衡量同一件事：$\\mathrm{PMI}=\\log p(B\\mid A)-\\log p(B)$。\n",
    NextSentenceTask.embedded_how_it_works:
        "\n语言模型给每段文字一个概率。如果 B 真的接在 A 后面，先读 A 会让 B 更可预期。**点互信息**（除以 B 的词元数的平方根）\n衡量了预期增加了多少：\n\n"
        "$$\\mathrm{PMI}(A,B)=\\frac{\\log p(B\\mid A)-\\log p(B)}{\\sqrt{|B|}},\\qquad\n"
        "p(\\text{IsNext})=\\sigma\\!\\left(\\frac{\\mathrm{PMI}-\\theta}{s}\\right)$$\n\n"
        "中文句子的 $p(B)$ 是把 B 当作正文中的一句来读（接在一个“。”之后）：放在整段文字的开头时，它开头的几个词还要为"
        "“文章从这里开始”付出代价，而接在 A 后面的 B 不用。\n"
        "流畅的模型会觉得大多数句子接在任何文字后面都更可能一点，所以阈值 $\\theta$ 和尺度 $s$ 在启动时由八对内置句子\n（连贯的和打乱的）测出；中文句子用中文的八对。\n",
}}

add_translations(TRANSLATIONS)
