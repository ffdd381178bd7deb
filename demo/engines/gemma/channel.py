"""Chinese sentiment read two ways with Gemma 3 270M (noisy-channel prompting, Min et al. 2022): how
much more likely is the review after "here is a good review:" than after "here is a bad review:"?
That reading's log-odds are added to the direct one's (`PromptSentiment` on Chinese examples and
label words): on ChnSentiCorp dev, channel 71.3%, direct 74.7%, both 81.3% on the 300 reviews used
to choose, 82.3% on the other 900.
"""

from __future__ import annotations

import math

import torch

from demo.engines.base import Engine
from demo.engines.gemma.boundary import Boundary
from demo.engines.gemma.kept import kept
from demo.engines.gemma.scoring import SEARCH_BUDGET_S, continuation_logprobs, encode
from demo.engines.gemma.sentiment import MAX_REVIEW_TOKENS, MEANING, PromptSentiment, worked_examples
from demo.engines.substitutes import Proposals, causal_substitutes
from demo.engines.types import LabelScores
from demo.explain import Attribution, require_short, tokens_of, words_of
from demo.inference import LONG_JOB_BUDGET_S, InferenceWorker
from demo.models import LoadedModel

CHANNEL_PREFIXES = ("以下是一条好评：", "以下是一条差评：")  # "here is a good review:", "... a bad review:"
# Reviews written for this app (none from a benchmark) that fix where 50% lies and how fast the
# answer saturates, as the next-sentence calibration pairs do.
CHANNEL_CALIBRATION = (
    ("老板很热情，菜量足，环境也干净。", True), ("衣服质量太差，洗一次就起球了。", False),
    ("这本小说情节紧凑，一口气读完了。", True), ("酒店隔音很差，整晚都能听到走廊的声音。", False),
    ("耳机音质出色，戴着也舒服。", True), ("外卖送到时汤洒了一半，饭也凉透了。", False),
    ("物流很快，第二天就收到了，很满意。", True), ("说明书写得乱七八糟，根本装不起来。", False),
)


class ChannelSentiment(Engine):
    """Chinese sentiment with Gemma 3 270M, two readings added as log-odds: the channel one (the mean
    per-token log-likelihood of the review after a "good review" prefix minus after a "bad review"
    prefix, calibrated on built-in reviews) and the direct one (`PromptSentiment` on Chinese examples
    and label words). On 300 ChnSentiCorp dev reviews: channel 71.3%, direct 74.7%, both 81.3%."""

    capabilities = frozenset({"attribute", "attend", "demonstrations"})
    answers_together = True  # concurrent requests share one pass (`call_batched`)
    search_budget_s = SEARCH_BUDGET_S
    meaning = MEANING
    attribution_target = ("how much more likely your review is after <i>以下是一条好评</i> (here is a good review) "
                          "than after <i>以下是一条差评</i> (a bad review), the first of the answer's two readings")
    attribution_method = "exact"  # the score is a sum over the review's tokens: each word's share is exact

    def __init__(self, loaded: LoadedModel, worker: InferenceWorker, language: str = "zh"):
        self.loaded = loaded
        self.worker = worker
        self.prefixes = [encode(loaded, prefix, bos=True) for prefix in CHANNEL_PREFIXES]
        self.max_review = min(MAX_REVIEW_TOKENS, loaded.max_length - max(map(len, self.prefixes)) - 1)
        calibration = [encode(loaded, text) for text, _ in CHANNEL_CALIBRATION]
        margins = kept(loaded, "channel margins", [self.prefixes, calibration],
                       lambda: worker.call(self._margins, calibration))
        good = [m for m, (_, positive) in zip(margins, CHANNEL_CALIBRATION, strict=True) if positive]
        bad = [m for m, (_, positive) in zip(margins, CHANNEL_CALIBRATION, strict=True) if not positive]
        self.boundary = Boundary.between(good, bad)
        self.direct = PromptSentiment(loaded, worker, "zh")

    def _shares(self, reviews: list[list[int]]) -> list[list[float]]:
        """Per token of each review: log P(token | good prefix) - log P(token | bad prefix), / length."""
        jobs = [(prefix, ids[: self.max_review] or [self.loaded.tokenizer.eos_token_id])
                for ids in reviews for prefix in self.prefixes]
        scores = continuation_logprobs(self.loaded, jobs)
        return [[(g - b) / len(good) for g, b in zip(good, bad, strict=True)]
                for good, bad in zip(scores[::2], scores[1::2], strict=True)]

    def _margins(self, reviews: list[list[int]]) -> list[float]:
        return [sum(shares) for shares in self._shares(reviews)]

    def substitutes(self, text: str, spans: list[tuple[int, int]], k: int) -> Proposals:
        """Per word, the word as Gemma reads it and the words it proposes in its place ("what flips it")."""
        return self.worker.call(causal_substitutes, self.loaded, text, spans, k)

    def classify(self, text: str) -> LabelScores:
        return self.worker.call_batched(self._classify_ids, encode(self.loaded, text))

    def classify_many(self, texts: list[str]) -> list[LabelScores]:
        return self._classify_ids([encode(self.loaded, text) for text in texts])

    def _classify_ids(self, reviews: list[list[int]]) -> list[LabelScores]:
        results = []
        direct = self.direct._label_probs(reviews)
        for ids, margin, probabilities in zip(reviews, self._margins(reviews), direct, strict=True):
            positive = self._combined(margin, probabilities)
            results.append(LabelScores({"POSITIVE": positive, "NEGATIVE": 1 - positive},
                                       max(0, len(ids) - self.max_review), self.max_review))
        return results

    def _combined(self, margin: float, direct: torch.Tensor) -> float:
        """P(POSITIVE): the channel reading's calibrated log-odds plus the direct reading's."""
        good, bad = direct.log().tolist()
        return 1 / (1 + math.exp(-((margin - self.boundary.threshold) / self.boundary.scale + good - bad)))

    def demonstrations(self, text: str) -> dict:
        """The answer with every worked example of its direct reading, and without each one in turn (the
        channel reading has no worked examples: it stays as it is)."""
        ids = encode(self.loaded, text)
        require_short(ids, "The text")  # an explanation's bound: each worked example asks the review again
        probabilities = self.worker.call(self._without_each, ids, long=True,
                                         budget_s=LONG_JOB_BUDGET_S)
        return worked_examples(self.direct.prompt, probabilities)

    def _without_each(self, ids: list[int]) -> torch.Tensor:
        (margin,) = self._margins([ids])
        positive = torch.tensor([self._combined(margin, direct) for direct in self.direct.without_each(ids)])
        return torch.stack([positive, 1 - positive], -1)

    def attribute(self, text: str) -> Attribution:
        """Each word's share of the margin: the score is exactly the sum, over the review's tokens, of
        how much more expected each token is after the good-review prefix, so every word gets its
        own share with no approximation (a convergence delta of 0)."""
        ids, spans = tokens_of(self.loaded.tokenizer, text)
        require_short(ids, "The text")
        (shares,) = self.worker.call(self._shares, [ids], long=True, budget_s=LONG_JOB_BUDGET_S)
        return Attribution([words_of(text, spans, shares)], 0.0)
