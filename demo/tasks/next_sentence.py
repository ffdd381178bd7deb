"""Next sentence: does sentence B follow sentence A?

transformers has no next-sentence pipeline, so this module is one: BERT's pretraining NSP head,
whose logit 0 means "B follows A" (IsNext) and logit 1 means "B is a random sentence" (NotNext).
"""

from __future__ import annotations

import gradio as gr
import torch

from demo.errors import InputError
from demo.explain import CLASSIC_STEPS, Attribution, integrated_gradients, require_short, tokens_of, words_of
from demo.i18n import say, ui_text
from demo.inference import LONG_JOB_BUDGET_S, InferenceWorker
from demo.models import LoadedModel
from demo.tasks.base import (Explanation, LabelScores, Param, Sides, Task, Warn, cut_note, require_text,
                             side_by_side)
from demo.views import attribution_legend, comparison, verdict

IS_NEXT, NOT_NEXT = "IsNext", "NotNext"
MEANING_CLASSIC = ("BERT's confidence that B is the sentence that came next rather than a random one: not a "
                   "measured accuracy. A sentence on the same topic often counts as a follow-up.")
MEANING_EMBEDDED = ("How much more likely a 270M model finds B once it has read A, turned into a confidence: not a "
                    "measured accuracy. A sentence on the same topic, or A repeated, often counts as a follow-up.")
MEANING_CLASSIC_ZH = "BERT 认为 B 是真正的下一句、而不是随机一句的置信度：不是测得的准确率。同一话题的句子常被当作下一句。"
MEANING_EMBEDDED_ZH = ("一个 2.7 亿参数的模型读过 A 之后觉得 B 更可能了多少，换算成的置信度：不是测得的准确率。"
                       "同一话题的句子或重复 A，常被当作下一句。")


class NextSentenceEngine:
    """BERT's next-sentence-prediction head, as it was pretrained."""

    def __init__(self, loaded: LoadedModel, worker: InferenceWorker):
        self.loaded = loaded
        self.worker = worker
        if not hasattr(loaded.model, "cls") or not hasattr(loaded.model.cls, "seq_relationship"):
            raise InputError(
                f"The model '{loaded.ref.label}' has no next-sentence head; use a BERT checkpoint "
                "pretrained with NSP, such as google-bert/bert-base-uncased."
            )

    def judge(self, sentence_a: str, sentence_b: str) -> LabelScores:
        return self.worker.call(self._judge, sentence_a, sentence_b)

    @torch.inference_mode()
    def _judge(self, sentence_a: str, sentence_b: str) -> LabelScores:
        tokenizer, model = self.loaded.tokenizer, self.loaded.model
        limit = self.loaded.max_length
        sentence_a, sentence_b, dropped = fit_pair(
            tokenizer, sentence_a, sentence_b, limit - tokenizer.num_special_tokens_to_add(pair=True)
        )
        # the cut texts fit; truncation only guards a token that re-tokenizing may add at a cut
        encoded = tokenizer(sentence_a, sentence_b, truncation="longest_first", max_length=limit, return_tensors="pt")
        logits = model(**encoded.to(model.device)).seq_relationship_logits[0].float()
        is_next, not_next = logits.softmax(-1).tolist()
        return LabelScores({IS_NEXT: is_next, NOT_NEXT: not_next}, dropped, limit)


    def attribute(self, sentence_a: str, sentence_b: str) -> Attribution:
        """Which words of A and B pushed BERT's head toward IsNext (above 0) or NotNext (below 0)."""
        tokenizer = self.loaded.tokenizer
        a_ids, a_spans = tokens_of(tokenizer, sentence_a)
        b_ids, b_spans = tokens_of(tokenizer, sentence_b)
        require_short(a_ids, "Sentence A")
        require_short(b_ids, "Sentence B")
        if len(a_ids) + len(b_ids) + 3 > self.loaded.max_length:
            raise InputError(f"Together the sentences are {len(a_ids) + len(b_ids):,} tokens long; this model reads "
                             f"{self.loaded.max_length - 3:,} at most. Please shorten them.")
        (a_scores, b_scores), delta = self.worker.call(self._attribute, a_ids, b_ids, long=True,
                                                       budget_s=LONG_JOB_BUDGET_S)
        return Attribution([words_of(sentence_a, a_spans, a_scores), words_of(sentence_b, b_spans, b_scores)], delta)

    def _attribute(self, a_ids: list[int], b_ids: list[int]) -> tuple[list[list[float]], float]:
        tokenizer, model = self.loaded.tokenizer, self.loaded.model
        embed, device = model.get_input_embeddings(), model.device
        with torch.no_grad():
            cls, sep = (embed(torch.tensor([[token]], device=device))
                        for token in (tokenizer.cls_token_id, tokenizer.sep_token_id))
            a, b = embed(torch.tensor([a_ids], device=device)), embed(torch.tensor([b_ids], device=device))
        types = torch.tensor([[0] * (len(a_ids) + 2) + [1] * (len(b_ids) + 1)], device=device)

        def margin(a_rows: torch.Tensor, b_rows: torch.Tensor) -> torch.Tensor:
            rows = len(a_rows)
            embeds = torch.cat([cls.expand(rows, -1, -1), a_rows, sep.expand(rows, -1, -1), b_rows,
                                sep.expand(rows, -1, -1)], 1)
            logits = model(inputs_embeds=embeds, token_type_ids=types.expand(rows, -1)).seq_relationship_logits
            return logits[:, 0].float() - logits[:, 1].float()  # index 0 is IsNext

        scores, delta = integrated_gradients(margin, (a, b), CLASSIC_STEPS, model, self.worker.checkpoint)
        return scores, delta


MEANING_COMPARE = ("The classic checkpoint is BERT's next-sentence head, trained on this exact question while BERT "
                   "was pretrained; the zero-shot LLM was only ever trained to predict the next token.")
MEANING_COMPARE_ZH = "经典模型是 BERT 的下一句预测头，BERT 预训练时就在练这个问题；零样本大模型只练过预测下一个词元。"


def is_nsp_head(weight_name: str) -> bool:
    """Whether a BertForPreTraining weight belongs to the next-sentence head (not the MLM head)."""
    return ".seq_relationship." in f".{weight_name}"


def fit_pair(tokenizer, first: str, second: str, budget: int) -> tuple[str, str, int]:
    """Cut the longer text first (BERT's longest-first rule) at token boundaries, in linear time.

    The tokenizer's own pair truncation removes one token at a time and takes minutes on huge
    inputs; here each text is tokenized once and cut at the character offset of its last kept token.
    """
    a = tokenizer(first, add_special_tokens=False, return_offsets_mapping=True)
    b = tokenizer(second, add_special_tokens=False, return_offsets_mapping=True)
    len_a, len_b = len(a["input_ids"]), len(b["input_ids"])
    if len_a + len_b <= budget:
        return first, second, 0
    keep_a = min(len_a, max(budget - len_b, (budget + 1) // 2))
    keep_b = min(len_b, budget - keep_a)
    cut_a = first[: a["offset_mapping"][keep_a - 1][1]] if keep_a else ""
    cut_b = second[: b["offset_mapping"][keep_b - 1][1]] if keep_b else ""
    return cut_a, cut_b, len_a + len_b - keep_a - keep_b


class NextSentenceTask(Task):
    key = "next_sentence"
    title = "Next sentence"
    summary = "Does sentence B follow sentence A? BERT's own pretraining head answers."
    embedded_summary = ("Does sentence B follow sentence A? Gemma 3 270M measures how much more likely B becomes "
                        "once A has been read.")
    embedded_how_it_works = r"""
A language model gives every text a probability. If B really follows A, reading A first makes B
more expected. The **pointwise mutual information**, averaged over B's tokens, measures by how much:

$$\mathrm{PMI}(A,B)=\frac{1}{|B|}\left(\log p(B\mid A)-\log p(B)\right),\qquad
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
    auto_model = "AutoModelForPreTraining"
    engine_class = NextSentenceEngine
    warm_up_input = ("It rained.", "The streets were wet.")
    int8_ok = True
    params = (Param("sentence_a"), Param("sentence_b"))
    head_hint = "a BERT checkpoint pretrained with next-sentence prediction, such as bert-base-uncased"

    def build_inputs(self) -> list:
        return [
            gr.Textbox(label=ui_text("Sentence A"), lines=1, max_lines=8, elem_id="next-sentence-a"),
            gr.Textbox(label=ui_text("Sentence B"), lines=1, max_lines=8, elem_id="next-sentence-b"),
        ]

    def build_outputs(self) -> list:
        return [gr.Label(label="Does B follow A?", num_top_classes=2, elem_id="next-sentence-label", visible=False)]

    def view(self, values, outputs, done, embedded) -> str:
        (scores,) = outputs
        meaning = (say(MEANING_EMBEDDED, MEANING_EMBEDDED_ZH) if embedded
                   else say(MEANING_CLASSIC, MEANING_CLASSIC_ZH))
        return verdict(scores, {IS_NEXT: "B follows A", NOT_NEXT: "B does not follow A"}, meaning)

    def check(self, sentence_a, sentence_b) -> tuple:
        return require_text(sentence_a, "Sentence A"), require_text(sentence_b, "Sentence B")

    def batch_row(self, values, outputs) -> dict:
        (scores,) = outputs
        return {"label": max(scores, key=scores.get), "IsNext probability": round(scores[IS_NEXT], 4)}

    explanations = (
        Explanation("explain_next_sentence", "Explain: which words mattered", (Param("sentence_a"), Param("sentence_b"))),
        Explanation("compare_next_sentence", "Compare: BERT's own head vs zero-shot LLM",
                    (Param("sentence_a"), Param("sentence_b")), outputs="build_comparison_outputs", answer="compare",
                    view="comparison_view", both_sides=True),
    )

    def build_comparison_outputs(self, outputs: list) -> list:
        return [gr.Label(label="Classic checkpoint", elem_id="next-sentence-classic", visible=False),
                gr.Label(label="Zero-shot LLM", elem_id="next-sentence-zero-shot", visible=False)]

    def compare(self, sides: Sides, warn: Warn, sentence_a, sentence_b):
        sentence_a, sentence_b = self.check(sentence_a, sentence_b)
        return side_by_side(sides, lambda engine: self.run(engine, warn, sentence_a, sentence_b)[0])

    def comparison_view(self, values, outputs, embedded) -> str:
        return comparison(outputs, {IS_NEXT: "B follows A", NOT_NEXT: "B does not follow A"},
                          say(MEANING_COMPARE, MEANING_COMPARE_ZH), self.key)

    def build_explanation_outputs(self, outputs: list) -> list:
        return [outputs[0], gr.HighlightedText(label=ui_text("Which words pushed the answer (A, then B)"),
                                               elem_id="next-sentence-heatmap", show_legend=True,
                                               combine_adjacent=False)]

    def explain(self, engine, warn: Warn, sentence_a, sentence_b):
        sentence_a, sentence_b = self.check(sentence_a, sentence_b)
        scores = self.run(engine, warn, sentence_a, sentence_b)[0]
        words_a, words_b = engine.attribute(sentence_a, sentence_b).scaled()
        if words_a:  # B starts on a line of its own
            words_a[-1] = (words_a[-1][0].rstrip() + "\n", words_a[-1][1])
        return scores, words_a + words_b

    def explanation_view(self, values, outputs, embedded) -> str:
        target = (say("the PMI: A's words by integrated gradients, B's by how much more expected each became after A",
                      "点互信息（A 的词用积分梯度，B 的词看读过 A 后各自变得多可预期）") if embedded
                  else say("IsNext over NotNext", "IsNext 相对 NotNext 的得分"))
        return self.view(values, outputs[:1], True, embedded) + attribution_legend("IsNext", "NotNext", target)
    def missing_head(self, missing_keys, base_prefix) -> list[str]:
        return [key for key in missing_keys if is_nsp_head(key)]

    def run(self, engine, warn: Warn, sentence_a, sentence_b):
        sentence_a, sentence_b = self.check(sentence_a, sentence_b)
        result = engine.judge(sentence_a, sentence_b)
        if result.dropped_tokens:
            warn(cut_note("The two sentences together", result.dropped_tokens, result.limit))
        return (result.scores,)
