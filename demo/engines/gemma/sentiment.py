"""Zero-shot sentiment: which label word does the language model expect after the review?

A few-shot prompt (examples written for this app, none taken from any benchmark) is followed by
the review and "Sentiment:". The next-token probabilities of " positive" and " negative" are
divided by their values for content-free inputs (contextual calibration, Zhao et al. 2021), which
removes the model's prior for one label word, then renormalised.

Chinese reviews are read the other way round (noisy-channel prompting, Min et al. 2022): how much
more likely is the review after "here is a good review:" than after "here is a bad review:"? The
same question in the direct form left Gemma 3 270M's Chinese answers near 50%; the channel form
uses every token of the review as evidence.
"""

from __future__ import annotations

import torch

from demo.explain import Attribution, occlusion, require_short, tokens_of, words_of
from demo.inference import LONG_JOB_BUDGET_S, InferenceWorker, length_groups
from demo.models import LoadedModel
from demo.engines import recipes
from demo.engines.types import LabelScores
from demo.engines.gemma.scoring import (Boundary, continuation_logprobs, encode, next_token_logprobs,
                                       shared_prefix_next_tokens, tokens_per_pass)

SHOTS = [
    ("The soup was cold and the waiter ignored us all night.", "negative"),
    ("A warm, funny story with a cast that clearly loved making it.", "positive"),
    ("I kept checking my watch; nothing on screen made me care.", "negative"),
    ("Every chapter surprised me, and the ending is simply perfect.", "positive"),
]
CONTENT_FREE = ["N/A", "", "[MASK]"]
MAX_REVIEW_TOKENS = 512
LABELS = ("POSITIVE", "NEGATIVE")


def _block(review: str, label: str = "") -> str:
    return f"Review: {review}\nSentiment:{' ' + label if label else ''}"

MEANING = ("The bars compare how strongly a 270M model, never trained for this task, prefers each word: "
           "a relative confidence, not a measured accuracy. It makes mistakes.")


class PromptSentiment:
    """Calibrated label-word scoring with Gemma 3 270M; reviews that arrive together share a batch."""

    capabilities = frozenset({"attribute", "attend", "steps"})
    meaning = MEANING
    attribution_target = "the score of the word <i>positive</i> over <i>negative</i>"
    attribution_method = "occlusion"

    def __init__(self, loaded: LoadedModel, worker: InferenceWorker, language: str = "en"):
        self.loaded = loaded
        self.worker = worker
        self.examples = "\n\n".join(_block(r, l) for r, l in SHOTS) + "\n\n"
        self.prefix = encode(loaded, self.examples, bos=True)
        self.label_ids = [encode(loaded, " positive")[0], encode(loaded, " negative")[0]]
        self.review_head, self.review_tail = encode(loaded, "Review: "), encode(loaded, "\nSentiment:")
        self.max_review = min(MAX_REVIEW_TOKENS, loaded.max_length - len(self.prefix) - 16)
        content_free = [encode(loaded, text) for text in CONTENT_FREE]
        self.prior = worker.call(self._uncalibrated, content_free).mean(0)

    def _prompt(self, review_ids: list[int]) -> list[int]:
        return self.prefix + self.review_head + review_ids + self.review_tail

    def _uncalibrated(self, reviews: list[list[int]]) -> torch.Tensor:
        """P(positive), P(negative) after each review's prompt, renormalised over the two words."""
        prompts = [self._prompt(ids[: self.max_review]) for ids in reviews]
        probs = torch.empty(len(prompts), 2)
        for group in length_groups([len(p) for p in prompts], tokens_per_pass(self.loaded)):
            logprobs = next_token_logprobs(self.loaded, [prompts[i] for i in group])
            probs[group] = logprobs[:, self.label_ids].softmax(-1)
        return probs

    def classify(self, text: str) -> LabelScores:
        # tokenized in the request's thread, so the inference thread never spends time on it
        return self.worker.call_batched(self._classify_ids, encode(self.loaded, text))

    def _label_probs(self, reviews: list[list[int]]) -> torch.Tensor:
        probs = self._uncalibrated(reviews) / self.prior
        return probs / probs.sum(-1, keepdim=True)

    def classify_many(self, texts: list[str]) -> list[LabelScores]:
        return self._classify_ids([encode(self.loaded, text) for text in texts])

    def _classify_ids(self, reviews: list[list[int]]) -> list[LabelScores]:
        probs = self._label_probs(reviews)
        return [
            LabelScores(dict(zip(LABELS, row, strict=True)), max(0, len(ids) - self.max_review), self.max_review)
            for ids, row in zip(reviews, probs.tolist(), strict=True)
        ]

    def attribute(self, text: str) -> Attribution:
        """Which words of the review raised the score of " positive" over " negative" (above 0) or
        lowered it (below 0): that score with the word minus without it. The few-shot examples and
        labels are held fixed."""
        ids, spans = tokens_of(self.loaded.tokenizer, text)
        require_short(ids, "The text")
        return Attribution([self.worker.call(occlusion, text, ids, spans, self._margins, long=True,
                                             budget_s=LONG_JOB_BUDGET_S)], 0.0)

    def steps(self, text: str) -> dict:
        """The answer's four steps on this review, and the script that reproduces it."""
        ids = encode(self.loaded, text)
        raw = self.worker.call(self._uncalibrated, [ids])[0]
        calibrated = raw / self.prior
        calibrated = calibrated / calibrated.sum()
        prompt = self._prompt(ids[: self.max_review])
        probabilities = dict(zip(LABELS, calibrated.tolist(), strict=True))
        return {"tokens": self.loaded.tokenizer.convert_ids_to_tokens(prompt), "ids": prompt,
                "shapes": {"input_ids": [1, len(prompt)], "logits (last position)": [1, len(self.loaded.tokenizer)]},
                "raw_name": "log P(label word), over the two words",
                "raw": dict(zip(LABELS, raw.log().tolist(), strict=True)),
                "calibration": dict(zip(LABELS, self.prior.log().tolist(), strict=True)),
                "probabilities": probabilities, "answer": max(probabilities, key=probabilities.get),
                "code": recipes.gemma_sentiment(self.loaded.ref.id, self.examples, text, CONTENT_FREE)}

    def _margins(self, reviews: list[list[int]]) -> list[float]:
        """log P(" positive") - log P(" negative") after each review's prompt; the few-shot examples
        run once, every review continues their cache (an explanation scores a review per word)."""
        rows = [self.review_head + ids[: self.max_review] + self.review_tail for ids in reviews]
        logprobs = shared_prefix_next_tokens(self.loaded, self.prefix, rows, self.label_ids, self.worker.checkpoint)
        return (logprobs[:, 0] - logprobs[:, 1]).tolist()


CHANNEL_PREFIXES = ("以下是一条好评：", "以下是一条差评：")  # "here is a good review:", "... a bad review:"
# Reviews written for this app (none from a benchmark) that fix where 50% lies and how fast the
# answer saturates, as the next-sentence calibration pairs do.
CHANNEL_CALIBRATION = (
    ("老板很热情，菜量足，环境也干净。", True), ("衣服质量太差，洗一次就起球了。", False),
    ("这本小说情节紧凑，一口气读完了。", True), ("酒店隔音很差，整晚都能听到走廊的声音。", False),
    ("耳机音质出色，戴着也舒服。", True), ("等了一个小时才上菜，而且是凉的。", False),
    ("物流很快，第二天就收到了，很满意。", True), ("说明书写得乱七八糟，根本装不起来。", False),
)


class ChannelSentiment:
    """Chinese sentiment with Gemma 3 270M: the mean per-token log-likelihood of the review after a
    "good review" prefix minus after a "bad review" prefix, calibrated on built-in reviews."""

    capabilities = frozenset({"attribute", "attend"})
    meaning = MEANING
    attribution_target = ("how much more likely your review is after <i>以下是一条好评</i> (here is a good review) "
                          "than after <i>以下是一条差评</i> (a bad review)")
    attribution_method = "exact"  # the score is a sum over the review's tokens: each word's share is exact

    def __init__(self, loaded: LoadedModel, worker: InferenceWorker, language: str = "zh"):
        self.loaded = loaded
        self.worker = worker
        self.prefixes = [encode(loaded, prefix, bos=True) for prefix in CHANNEL_PREFIXES]
        self.max_review = min(MAX_REVIEW_TOKENS, loaded.max_length - max(map(len, self.prefixes)) - 1)
        margins = worker.call(self._margins, [encode(loaded, text) for text, _ in CHANNEL_CALIBRATION])
        good = [m for m, (_, positive) in zip(margins, CHANNEL_CALIBRATION, strict=True) if positive]
        bad = [m for m, (_, positive) in zip(margins, CHANNEL_CALIBRATION, strict=True) if not positive]
        self.boundary = Boundary.between(good, bad)

    def _shares(self, reviews: list[list[int]]) -> list[list[float]]:
        """Per token of each review: log P(token | good prefix) - log P(token | bad prefix), / length."""
        jobs = [(prefix, ids[: self.max_review] or [self.loaded.tokenizer.eos_token_id])
                for ids in reviews for prefix in self.prefixes]
        scores: list[list[float]] = [None] * len(jobs)  # type: ignore[list-item]
        for group in length_groups([len(p) + len(r) for p, r in jobs], tokens_per_pass(self.loaded)):
            for i, row in zip(group, continuation_logprobs(self.loaded, [jobs[i] for i in group]), strict=True):
                scores[i] = row
        return [[(g - b) / len(good) for g, b in zip(good, bad, strict=True)]
                for good, bad in zip(scores[::2], scores[1::2], strict=True)]

    def _margins(self, reviews: list[list[int]]) -> list[float]:
        return [sum(shares) for shares in self._shares(reviews)]

    def classify(self, text: str) -> LabelScores:
        return self.worker.call_batched(self._classify_ids, encode(self.loaded, text))

    def classify_many(self, texts: list[str]) -> list[LabelScores]:
        return self._classify_ids([encode(self.loaded, text) for text in texts])

    def _classify_ids(self, reviews: list[list[int]]) -> list[LabelScores]:
        results = []
        for ids, margin in zip(reviews, self._margins(reviews), strict=True):
            positive = self.boundary.probability(margin)
            results.append(LabelScores({"POSITIVE": positive, "NEGATIVE": 1 - positive},
                                       max(0, len(ids) - self.max_review), self.max_review))
        return results

    def attribute(self, text: str) -> Attribution:
        """Each word's share of the margin: the score is exactly the sum, over the review's tokens, of
        how much more expected each token is after the good-review prefix, so every word gets its
        own share with no approximation (a convergence delta of 0)."""
        ids, spans = tokens_of(self.loaded.tokenizer, text)
        require_short(ids, "The text")
        (shares,) = self.worker.call(self._shares, [ids], long=True, budget_s=LONG_JOB_BUDGET_S)
        return Attribution([words_of(text, spans, shares)], 0.0)
