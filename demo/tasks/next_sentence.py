"""Next sentence: does sentence B follow sentence A?"""

from __future__ import annotations

import gradio as gr

from demo.engines import ZeroShot
from demo.engines.bert import BERT, BERT_CHINESE, IS_NEXT, NOT_NEXT, NextSentenceEngine
from demo.engines.gemma.next_sentence import PmiNextSentence
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
