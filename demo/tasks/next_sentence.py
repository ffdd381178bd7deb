"""Next sentence: does sentence B follow sentence A?"""

from __future__ import annotations

import gradio as gr

from demo.engines import ZeroShot
from demo.engines.bert import BERT, BERT_CHINESE, IS_NEXT, NOT_NEXT, NextSentenceEngine
from demo.engines.gemma.next_sentence import GainNextSentence
from demo.tasks.base import MAX_TEXT_CHARS, LabelTask, Param, Warn, cut_note


class NextSentenceTask(LabelTask):
    key = "next_sentence"
    title = "Next sentence"
    counterfactual_input = 1  # sentence B: which of its words make it follow A
    summary = "Does sentence B follow sentence A? BERT's own pretraining head answers."
    embedded_summary = ("Does sentence B follow sentence A? Gemma 3 270M measures how much more likely B is after A "
                        "than after unrelated sentences.")
    embedded_how_it_works = r"""
A language model gives every text a probability. If B really follows A, reading A first makes B
more expected than reading some other sentence first. The score measures by how much, against eight
built-in sentences $U_1,\dots,U_8$ on other everyday subjects, scaled by the square root of B's length:

$$\mathrm{score}(A,B)=\frac{\log p(B\mid A)-\frac{1}{8}\sum_{i=1}^{8}\log p(B\mid U_i)}{\sqrt{|B|}},\qquad
p(\text{IsNext})=\sigma\!\left(\frac{\mathrm{score}-\theta}{s}\right)$$

Against $\log p(B)$ alone this would be the pointwise mutual information, but at the start of a text
B's first words also pay for opening it; after the unrelated sentences that cost is gone, and what
is left is what A itself adds (on 100 pairs, each against a shuffled B, IsNext at 0.5 is right 89%
of the time in English and in Chinese; against $\log p(B)$: 85% and 87%). A sentence on the same kind
of subject still gains a little after any A, so the threshold $\theta$ and scale $s$ come from eight
built-in pairs, coherent and shuffled, measured at start.
The classic profile uses BERT's own next-sentence head, pretrained on exactly this question.
"""
    how_it_works = r"""
Besides filling masks, BERT was pretrained on a second game: given two sentences, was B the
sentence that really followed A in the book (**IsNext**), or a random one (**NotNext**)? A small
head on the `[CLS]` vector predicts it, trained with the **NSP loss**

$$\mathcal{L}_{\mathrm{NSP}}=-\log p\left(y \mid h_{[\mathrm{CLS}]}\right),\qquad y\in\{\text{IsNext},\text{NotNext}\}$$

The embedded profile measures the same thing with a language model: how much more likely B is
after A than after unrelated sentences $U_i$, $\log p(B\mid A)-\frac{1}{8}\sum_i\log p(B\mid U_i)$.
"""
    params = (Param("sentence_a", label="Sentence A", elem_id="next-sentence-a", help="The first sentence",
                    max_chars=MAX_TEXT_CHARS),
              Param("sentence_b", label="Sentence B", elem_id="next-sentence-b",
                    help="The sentence that may follow it", max_chars=MAX_TEXT_CHARS))
    api_description = "Does sentence B follow sentence A? The probabilities of IsNext and NotNext."
    returns = ("{label, confidences: [{label: IsNext | NotNext, confidence}]}",)
    request_names = ("next-sentence request", "next-sentence requests")
    classic = NextSentenceEngine
    zero_shot = ZeroShot("calibrated likelihood gain over unrelated sentences", lambda language: GainNextSentence, comparable=True)
    presets = {"en": BERT, "zh": BERT_CHINESE}
    preset_names = {BERT.id: "BERT base", BERT_CHINESE.id: "BERT Chinese"}
    warm_up_input = ("It rained.", "The streets were wet.")
    words = {IS_NEXT: "B follows A", NOT_NEXT: "B does not follow A"}
    poles = ("B follows A", "B does not follow A")
    heatmap_label = "Which words pushed the answer (A, then B)"
    classic_side = "BERT's own head"
    compare_meaning = ("The classic checkpoint is BERT's next-sentence head, trained on this exact question while "
                       "BERT was pretrained; the zero-shot LLM was only ever trained to predict the next token.")
    gold = {"isnext": IS_NEXT, "1": IS_NEXT, "notnext": NOT_NEXT, "0": NOT_NEXT}
    scorecard_columns = ("sentence_a", "sentence_b")

    def build_outputs(self) -> list:
        return [gr.Label(label="Does B follow A?", num_top_classes=2, elem_id="next-sentence-label", visible=False)]

    def more_columns(self, scores: dict[str, float]) -> dict:
        return {"IsNext probability": round(scores[IS_NEXT], 4)}

    def solve(self, engine, warn: Warn, sentence_a, sentence_b):
        result = engine.judge(sentence_a, sentence_b)
        if result.dropped_tokens:
            warn(cut_note("The two sentences together", result.dropped_tokens, result.limit))
        return (result.scores,)
