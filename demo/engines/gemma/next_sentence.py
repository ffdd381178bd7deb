"""Zero-shot next-sentence prediction by pointwise mutual information.

PMI = log P(B | A) - log P(B), divided by the square root of B's length in tokens: how much more
expected B becomes once A has been read. The mean per token dilutes what a few words of B owe to A
over a long B; the plain sum grows with the length of any B, coherent or not. On this project's 100
pairs each, a coherent B beats a shuffled one 97% of the time in English with the square root (the
mean: 93%; the sum: 97%, but short pairs turn unsure, since the calibration pairs are longer), and
IsNext at 0.5 is right 85% of the time (mean: 83%).

In Chinese, P(B) is B's likelihood as a sentence in running text, after a bare 。: at the very
start of a text B's first words also pay for starting a document, which B after A does not
(pairwise 88% -> 92%, IsNext at 0.5 right 84% -> 87%; chosen on 30 other Chinese pairs,
bench/data/nsp_pairs_zh_dev.tsv, 21 -> 23 of 30, before the 100 were measured). In English a bare
"." made an off-topic B look like a follow-up ("Penguins live in the southern hemisphere." after
"I left my umbrella at home." 83% IsNext), so English reads B alone at the start of a text.

PMI > 0 is too lenient (a fluent model finds most sentences a little more likely after any text),
so the threshold and scale come from built-in calibration pairs written for this app: their
coherent and shuffled PMIs fix where IsNext = 0.5 lies and how fast it saturates. Chinese pairs
are calibrated on Chinese pairs, and B follows A without a space.
"""

from __future__ import annotations

import math

from demo.explain import Attribution, occlusion, require_short, tokens_of, words_of
from demo.inference import LONG_JOB_BUDGET_S, InferenceWorker
from demo.models import LoadedModel
from demo.engines.types import LabelScores
from demo.engines.bert import IS_NEXT, NOT_NEXT
from demo.engines.gemma.kept import kept
from demo.engines.gemma.scoring import Boundary, continuation_logprobs, encode

CALIBRATION_PAIRS_ZH = [
    ("水壶开始鸣叫了。", "她把它从炉子上拿下来，泡了一壶茶。"),
    ("我们的航班延误了三个小时。", "我们只好在机场的咖啡馆里看书打发时间。"),
    ("他每天早上都为马拉松做训练。", "比赛那天，他用不到四个小时跑完了全程。"),
    ("打印机又卡纸了。", "我打开纸盒，把皱成一团的纸抽了出来。"),
    ("下了一整夜的雪。", "到了早上，道路都封闭了。"),
    ("博物馆九点开门。", "我们提早到了，好避开人群。"),
    ("我的手机没电了。", "只好向同事借了一个充电器。"),
    ("球队输掉了决赛。", "球迷们默默地走出了体育场。"),
]
CALIBRATION_PAIRS = [
    ("The kettle started to whistle.", "She took it off the stove and made tea."),
    ("Our flight was delayed by three hours.", "We spent the time reading in the airport cafe."),
    ("He trained every morning for the marathon.", "On race day he finished in under four hours."),
    ("The printer jammed again.", "I opened the tray and pulled out the crumpled paper."),
    ("It snowed all night.", "By morning the roads were closed."),
    ("The museum opens at nine.", "We arrived early to avoid the crowds."),
    ("My phone battery died.", "I had to borrow a charger from a colleague."),
    ("The team lost the final.", "The fans walked out of the stadium in silence."),
]
MAX_SENTENCE_TOKENS = 128  # per sentence: a pair of 256 each held the inference thread for 10 s on a CPU


def pmi(with_a: float, alone: float, length: int) -> float:
    """log P(B | A) - log P(B) (or a part of it: one token's share), over the square root of B's length."""
    return (with_a - alone) / math.sqrt(length)


class PmiNextSentence:
    """IsNext probability from calibrated PMI under Gemma 3 270M."""

    capabilities = frozenset({"attribute", "attend"})
    meaning = ("How much more likely a 270M model finds B once it has read A, turned into a confidence: not a "
               "measured accuracy. A sentence on the same topic, or A repeated, often counts as a follow-up.")
    attribution_target = "the PMI: A's words by how it changes without each, B's by how much more expected each became after A"
    attribution_method = "occlusion"

    def __init__(self, loaded: LoadedModel, worker: InferenceWorker, language: str = "en"):
        self.loaded = loaded
        self.worker = worker
        self.joiner = "" if language == "zh" else " "  # what stands between A and B in running text
        # what B alone follows (see the module's docstring)
        self.before_b = [loaded.tokenizer.bos_token_id, *(encode(loaded, "。") if language == "zh" else [])]
        pairs = CALIBRATION_PAIRS_ZH if language == "zh" else CALIBRATION_PAIRS
        # each B after its own A, and after the A before it: the Bs alone are scored once for both
        firsts = [self._ids(a, "")[0][0] for a, _ in pairs]
        seconds = [self._ids("", b)[0][1] for _, b in pairs]
        shuffled = firsts[-1:] + firsts[:-1]
        coherent, random = kept(loaded, "next-sentence PMIs", [firsts, seconds],
                                lambda: worker.call(self._pmis_after, [firsts, shuffled], seconds))
        self.boundary = Boundary.between(coherent, random)

    def _pmis_after(self, contexts: list[list[list[int]]], seconds: list[list[int]]) -> list[list[float]]:
        """For each list of As, the PMI of each B after its A; log P(B) alone is computed once."""
        bos = [self.loaded.tokenizer.bos_token_id]
        alone = [sum(row) for row in continuation_logprobs(self.loaded, [(self.before_b, b) for b in seconds])]
        out = []
        for firsts in contexts:
            rows = continuation_logprobs(self.loaded, [(bos + a, b) for a, b in zip(firsts, seconds, strict=True)])
            out.append([pmi(sum(row), prior, len(row)) for row, prior in zip(rows, alone, strict=True)])
        return out

    def pmi_many(self, pairs: list[tuple[str, str]]) -> list[float]:
        """The PMI of B given A, for each (A, B) pair, in one batch."""
        return self._pmi_of_ids([self._ids(a, b)[0] for a, b in pairs])

    def _ids(self, a: str, b: str) -> tuple[tuple[list[int], list[int]], int]:
        """A's last and B's first `MAX_SENTENCE_TOKENS` tokens, and how many tokens were left out."""
        a_ids, b_ids = encode(self.loaded, a), encode(self.loaded, self.joiner + b)
        dropped = max(0, len(a_ids) - MAX_SENTENCE_TOKENS) + max(0, len(b_ids) - MAX_SENTENCE_TOKENS)
        return (a_ids[-MAX_SENTENCE_TOKENS:], b_ids[:MAX_SENTENCE_TOKENS]), dropped

    def _pmi_of_ids(self, pairs: list[tuple[list[int], list[int]]], between=lambda: None) -> list[float]:
        bos = [self.loaded.tokenizer.bos_token_id]
        jobs = []
        for a_ids, b_ids in pairs:
            jobs += [(bos + a_ids, b_ids), (self.before_b, b_ids)]
        scores = continuation_logprobs(self.loaded, jobs, between)
        return [pmi(sum(with_a), sum(alone), len(with_a))
                for with_a, alone in zip(scores[::2], scores[1::2], strict=True)]

    def judge(self, sentence_a: str, sentence_b: str) -> LabelScores:
        # tokenized in the request's thread: a 200,000-character text takes a second, which the
        # inference thread spends on other requests meanwhile
        pair, dropped = self._ids(sentence_a, sentence_b)
        # requests that arrive meanwhile are answered between its passes (B after A, then B alone)
        pmi = self.worker.call(self._pmi_of_ids, [pair], self.worker.checkpoint)[0]
        is_next = self.boundary.probability(pmi)
        return LabelScores({IS_NEXT: is_next, NOT_NEXT: 1 - is_next}, dropped, MAX_SENTENCE_TOKENS)

    def attribute(self, sentence_a: str, sentence_b: str) -> Attribution:
        """How each word raised the PMI (toward IsNext, above 0) or lowered it (below 0).

        A's words: the PMI with the word minus without it. B's words: the PMI is exactly the sum
        over B's tokens of how much more expected each became once A was read, so each word of B
        gets its own share, in the same units, with no approximation."""
        a_ids, a_spans = tokens_of(self.loaded.tokenizer, sentence_a)
        b_ids, b_spans = tokens_of(self.loaded.tokenizer, sentence_b, prefix=self.joiner)
        # no longer than the answer reads them: the map explains that answer, not another
        require_short(a_ids, "Sentence A", MAX_SENTENCE_TOKENS)
        require_short(b_ids, "Sentence B", MAX_SENTENCE_TOKENS)
        a_words, b_shares = self.worker.call(self._attribute, sentence_a, a_ids, a_spans, b_ids, long=True,
                                             budget_s=LONG_JOB_BUDGET_S)
        return Attribution([a_words, words_of(sentence_b, b_spans, b_shares)], 0.0)

    def _attribute(self, sentence_a: str, a_ids: list[int], a_spans, b_ids: list[int]):
        bos = [self.loaded.tokenizer.bos_token_id]
        with_a, alone = continuation_logprobs(self.loaded, [(bos + a_ids, b_ids), (self.before_b, b_ids)])
        b_shares = [pmi(x, y, len(b_ids)) for x, y in zip(with_a, alone, strict=True)]

        def pmis(a_variants: list[list[int]]) -> list[float]:
            rows = continuation_logprobs(self.loaded, [(bos + a, b_ids) for a in a_variants], self.worker.checkpoint)
            return [pmi(sum(row), sum(alone), len(b_ids)) for row in rows]

        return occlusion(sentence_a, a_ids, a_spans, pmis), b_shares
