"""Zero-shot next-sentence prediction: how much more expected B becomes after A than after an
unrelated sentence.

score = (log P(B | A) - mean over U of log P(B | U)) / sqrt(B's length in tokens), U eight built-in
sentences on other everyday topics. A fluent model finds any sentence likelier after some sentence
than at the start of a text, where its first word also pays for opening a document; the sentences
that B does not follow take that away and leave what A itself adds. Against log P(B) read alone (the
PMI this replaced), on this project's pairs each against a shuffled B, pairwise / IsNext at 0.5
right: English 30 dev pairs 90.0% / 85.0% -> 96.7% / 91.7%, the 100 test pairs 97% / 85.0% -> 96% /
89.0%; Chinese dev 76.7% / 75.0% -> 83.3% / 86.7%, test 92% / 87.0% -> 97% / 89.0% (chosen on the
dev pairs; dev IsNext, English and Chinese, with log-mean-exp over U: 80.0%, 86.7%; U as one
paragraph read once: 81.7%, 75.0%). The mean of log-probabilities splits exactly over B's tokens, so
the heat map's shares of B add up to the score. U's key/value caches are kept, so B after them costs
B's tokens alone: a short pair takes 1.45 s on a 2-core CPU (0.48 s against B alone).

The square root: the mean per token dilutes what a few words of B owe to A over a long B; the plain
sum grows with the length of any B, coherent or not (PMI: pairwise 93% with the mean, IsNext 83%).

The score > 0 is too lenient (a sentence on the same kind of everyday subject gains a little after any
A), so the threshold and scale come from built-in calibration pairs written for this app: their
coherent and shuffled scores fix where IsNext = 0.5 lies and how fast it saturates. Chinese pairs are
calibrated on Chinese pairs and compared with Chinese unrelated sentences, and B follows A without a
space.
"""

from __future__ import annotations

import math

from demo.explain import Attribution, occlusion, require_short, tokens_of, words_of
from demo.inference import LONG_JOB_BUDGET_S, InferenceWorker
from demo.models import LoadedModel
from demo.recent import Recent
from demo.engines.gemma.scoring import SEARCH_BUDGET_S
from demo.engines.substitutes import Proposals, causal_substitutes
from demo.engines.types import LabelScores
from demo.engines.bert import IS_NEXT, NOT_NEXT
from demo.engines.base import Engine
from demo.engines.gemma.kept import kept
from demo.engines.gemma.boundary import Boundary
from demo.engines.gemma.scoring import (after_each_prefix_logprobs, continuation_logprobs, encode,
                                        prefixes_state)

CALIBRATION_PAIRS_ZH = [
    ("水壶开始鸣叫了。", "她把它从炉子上拿下来，泡了一壶茶。"),
    ("航班推迟了整整三个小时。", "大家只好在机场的咖啡馆里看书打发时间。"),
    ("为了准备马拉松，他天天清晨练跑。", "比赛那天，他用不到四个小时跑完了全程。"),
    ("打印机又卡纸了。", "我打开纸盒，把皱成一团的纸抽了出来。"),
    ("大雪从傍晚一直下到天亮。", "到了早上，道路都封闭了。"),
    ("博物馆九点开门。", "我们提早到了，好避开人群。"),
    ("手机的电用光了。", "只好向同事借了一个充电器。"),
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
# what B is compared after: sentences no calibration, test or bundled pair is about
UNRELATED = [
    "The library closes early on Sundays.", "My brother bought a new bicycle.",
    "The meeting was moved to Thursday.", "A cat was sleeping on the windowsill.",
    "The river froze early this year.", "I have never been to Japan.",
    "The train was packed this morning.", "Our neighbours are painting their fence.",
]
UNRELATED_ZH = ["图书馆周日提前关门。", "我哥哥买了一辆新自行车。", "会议改到了星期四。", "一只猫在窗台上睡觉。",
                "街角的面包店卖新鲜的面包。", "我从来没学过下棋。", "他把旧报纸卖给了回收站。", "邻居们在刷他们家的篱笆。"]
MAX_SENTENCE_TOKENS = 128  # per sentence: a pair of 256 each held the inference thread for 10 s on a CPU
UNRELATED_PER_PASS = 4  # B after this many unrelated sentences per forward pass: 4 x 128 tokens at most
KEPT_SECONDS = 64  # Bs whose scores after the unrelated sentences are kept: an explanation judges, then attributes


def gain(with_a: float, unrelated: float, length: int) -> float:
    """log P(B | A) - log P(B | an unrelated sentence) (or one token's share), over sqrt(B's length)."""
    return (with_a - unrelated) / math.sqrt(length)


class GainNextSentence(Engine):
    """IsNext probability under Gemma 3 270M: how much more B gains from A than from unrelated sentences."""

    capabilities = frozenset({"attribute", "attend"})
    search_budget_s = SEARCH_BUDGET_S
    meaning = ("How much more likely a 270M model finds B after A than after unrelated sentences, turned into "
               "a confidence: not a measured accuracy. A sentence on the same topic, or A repeated, often "
               "counts as a follow-up.")
    attribution_target = ("the score: A's words by how it changes without each, B's by how much more expected "
                          "each became after A than after unrelated sentences")
    attribution_method = "occlusion"

    def __init__(self, loaded: LoadedModel, worker: InferenceWorker, language: str = "en"):
        self.loaded = loaded
        self.worker = worker
        self.joiner = "" if language == "zh" else " "  # what stands between A and B in running text
        bos = [loaded.tokenizer.bos_token_id]
        self.unrelated = [bos + encode(loaded, u) for u in (UNRELATED_ZH if language == "zh" else UNRELATED)]
        self._states = None  # (device, their prefix states)
        self._after_unrelated_kept: Recent[tuple[int, ...], list[float]] = Recent(KEPT_SECONDS)  # B's ids -> its row
        pairs = CALIBRATION_PAIRS_ZH if language == "zh" else CALIBRATION_PAIRS
        # each B after its own A, and after the A before it: the Bs alone are scored once for both
        firsts = [self._ids(a, "")[0][0] for a, _ in pairs]
        seconds = [self._ids("", b)[0][1] for _, b in pairs]
        shuffled = firsts[-1:] + firsts[:-1]
        coherent, random = kept(loaded, "next-sentence gains", [firsts, seconds, self.unrelated],
                                lambda: worker.call(self._gains_after, [firsts, shuffled], seconds))
        self.boundary = Boundary.between(coherent, random)

    def _gains_after(self, contexts: list[list[list[int]]], seconds: list[list[int]]) -> list[list[float]]:
        """For each list of As, the score of each B after its A; B after the unrelated is computed once."""
        bos = [self.loaded.tokenizer.bos_token_id]
        alone = [sum(row) for row in self._after_unrelated(seconds)]
        out = []
        for firsts in contexts:
            rows = continuation_logprobs(self.loaded, [(bos + a, b) for a, b in zip(firsts, seconds, strict=True)])
            out.append([gain(sum(row), prior, len(row)) for row, prior in zip(rows, alone, strict=True)])
        return out

    def _after_unrelated(self, seconds: list[list[int]], between=lambda: None) -> list[list[float]]:
        """Per token of each B, its mean log-probability after the unrelated sentences, whose key/value
        caches are kept: a judgement pays for B's tokens alone after each, and a B judged lately (the
        explanation's judgement, then its attribution) not at all. Runs on the inference thread only."""
        out = []
        for b in seconds:
            key = tuple(b)
            if key not in self._after_unrelated_kept:
                rows = []
                for state in self._unrelated_states():
                    between()
                    rows += after_each_prefix_logprobs(self.loaded, state, b)
                self._after_unrelated_kept.put(key, [sum(column) / len(rows) for column in zip(*rows, strict=True)])
            out.append(self._after_unrelated_kept.get(key))
        return out

    def _unrelated_states(self) -> list:
        """The unrelated sentences' kept prefix states, a few per forward pass (the longest B after
        each fills a pass), computed once per device (on the inference thread, like all model work;
        under ZeroGPU the model changes device between calls)."""
        device = self.loaded.model.device
        if self._states is None or self._states[0] != device:
            groups = [self.unrelated[i:i + UNRELATED_PER_PASS] for i in range(0, len(self.unrelated), UNRELATED_PER_PASS)]
            self._states = (device, [prefixes_state(self.loaded, group) for group in groups])
        return self._states[1]

    def gains_many(self, pairs: list[tuple[str, str]]) -> list[float]:
        """The score of B after A, for each (A, B) pair, in one batch."""
        return self._gains_of_ids([self._ids(a, b)[0] for a, b in pairs])

    def _ids(self, a: str, b: str) -> tuple[tuple[list[int], list[int]], int]:
        """A's last and B's first `MAX_SENTENCE_TOKENS` tokens, and how many tokens were left out."""
        a_ids, b_ids = encode(self.loaded, a), encode(self.loaded, self.joiner + b)
        dropped = max(0, len(a_ids) - MAX_SENTENCE_TOKENS) + max(0, len(b_ids) - MAX_SENTENCE_TOKENS)
        return (a_ids[-MAX_SENTENCE_TOKENS:], b_ids[:MAX_SENTENCE_TOKENS]), dropped

    def _gains_of_ids(self, pairs: list[tuple[list[int], list[int]]], between=lambda: None) -> list[float]:
        bos = [self.loaded.tokenizer.bos_token_id]
        with_a = continuation_logprobs(self.loaded, [(bos + a_ids, b_ids) for a_ids, b_ids in pairs], between)
        unrelated = self._after_unrelated([b_ids for _, b_ids in pairs], between)
        return [gain(sum(x), sum(y), len(x)) for x, y in zip(with_a, unrelated, strict=True)]

    def substitutes(self, text: str, spans: list[tuple[int, int]], k: int) -> Proposals:
        """Per word, the word as Gemma reads it and the words it proposes in its place ("what flips it")."""
        return self.worker.call(causal_substitutes, self.loaded, text, spans, k)

    def judge(self, sentence_a: str, sentence_b: str) -> LabelScores:
        # tokenized in the request's thread: a 200,000-character text takes a second, which the
        # inference thread spends on other requests meanwhile
        pair, dropped = self._ids(sentence_a, sentence_b)
        # requests that arrive meanwhile are answered between its passes (B after A, after the unrelated)
        score = self.worker.call(self._gains_of_ids, [pair], self.worker.checkpoint)[0]
        is_next = self.boundary.probability(score)
        return LabelScores({IS_NEXT: is_next, NOT_NEXT: 1 - is_next}, dropped, MAX_SENTENCE_TOKENS)

    def attribute(self, sentence_a: str, sentence_b: str) -> Attribution:
        """How each word raised the score (toward IsNext, above 0) or lowered it (below 0).

        A's words: the score with the word minus without it. B's words: the score is exactly the sum
        over B's tokens of how much more expected each became after A than after the unrelated
        sentences, so each word of B gets its own share, in the same units, with no approximation."""
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
        (with_a,) = continuation_logprobs(self.loaded, [(bos + a_ids, b_ids)], self.worker.checkpoint)
        (alone,) = self._after_unrelated([b_ids], self.worker.checkpoint)
        b_shares = [gain(x, y, len(b_ids)) for x, y in zip(with_a, alone, strict=True)]

        def gains(a_variants: list[list[int]]) -> list[float]:
            rows = continuation_logprobs(self.loaded, [(bos + a, b_ids) for a in a_variants], self.worker.checkpoint)
            return [gain(sum(row), sum(alone), len(b_ids)) for row in rows]

        return occlusion(sentence_a, a_ids, a_spans, gains), b_shares
