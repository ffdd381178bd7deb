"""Zero-shot sentiment: which label word does the language model expect after the review?

A few-shot prompt (eight examples written for this app, none taken from any benchmark) is followed
by the review and "Sentiment:". Four pairs of label words are read from the same next-token
distribution (" positive"/" negative", " great"/" terrible", " good"/" bad", " happy"/" sad"); each
pair's two probabilities, renormalised, are divided by their values for content-free inputs (contextual
calibration, Zhao et al. 2021), which removes the model's prior for one word of the pair, and the
calibrated pairs are multiplied (their log-odds added), then renormalised. On SST-2 dev
(`bench.quality`): four examples and one pair 86.5%, eight examples and one pair 88.5%, eight and
three pairs 89.4%, and with happy/sad, words for how a person feels rather than for a product,
88.8%, with no extra forward pass. The fourth pair reads statements that are not reviews ("I've
been waiting for a HuggingFace course my whole life.": 53% -> 72% positive) with more confidence
(bench/data/sentiment_en_own.tsv, 20 everyday sentences: 19 right either way, the mean probability
of the right label 0.83 -> 0.90; SST-2 answers within 7.5 points of 50%: 56 -> 38), and the
product's confidence matches its accuracy (expected calibration error 0.044 -> 0.024; the three
pairs' geometric mean: 0.21, under-confident).

Chinese reviews are also read the other way round (`demo.engines.gemma.channel`).

The label words' logits alone are read (`token_logits`): each pair is renormalised over its two
words, so the rest of the 262k-word output layer is never needed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import torch

from demo.explain import Attribution, occlusion, require_short, tokens_of
from demo.inference import LONG_JOB_BUDGET_S, InferenceWorker
from demo.models import LoadedModel
from demo.engines import recipes
from demo.engines.gemma.scoring import SEARCH_BUDGET_S
from demo.engines.substitutes import Proposals, causal_substitutes
from demo.engines.types import LabelScores
from demo.engines.base import Engine
from demo.engines.gemma.kept import kept
from demo.engines.gemma.scoring import encode, prefix_cache
from demo.engines.gemma.token_logits import shared_prefix_token_logits, token_logits_after_each_prefix


@dataclass(frozen=True)
class FewShot:
    """A few-shot prompt: examples written for this app (none from a benchmark), how a review and its
    label are written, and the (positive, negative) word pairs read after it."""

    shots: tuple[tuple[str, str], ...]  # (review, label word)
    head: str
    tail: str
    pairs: tuple[tuple[str, str], ...]
    pair_weight: float  # each pair's calibrated log-odds count this much: 1 multiplies them, 1/3 averages three

    def examples(self) -> str:
        return "".join(f"{self.head}{review}{self.tail}{label}\n\n" for review, label in self.shots)

    def without(self, index: int) -> FewShot:
        """The same prompt less one worked example."""
        return replace(self, shots=self.shots[:index] + self.shots[index + 1 :])


ENGLISH = FewShot((
    ("Cold food, and a waiter who ignored us all night.", " negative"),
    ("A warm, funny story with a cast that clearly loved making it.", " positive"),
    ("I kept checking my watch; nothing on screen made me care.", " negative"),
    ("Every chapter surprised me, and the ending is simply perfect.", " positive"),
    ("a tedious, joyless slog that never finds its footing", " negative"),
    ("sharp writing and two terrific lead performances", " positive"),
    ("wooden acting in a plot going nowhere", " negative"),
    ("a moving, beautifully shot film about growing up", " positive"),
), "Review: ", "\nSentiment:",
   ((" positive", " negative"), (" great", " terrible"), (" good", " bad"), (" happy", " sad")), 1.0)
# "评论" review, "评价" verdict; 满意 satisfied / 失望 disappointed, 好 good / 差 bad, 喜欢 like / 讨厌 dislike
CHINESE = FewShot((
    ("老板很热情，菜量足，环境也干净。", "满意"), ("衣服质量太差，洗一次就起球了。", "失望"),
    ("这本小说情节紧凑，一口气读完了。", "满意"), ("酒店隔音很差，整晚都能听到走廊的声音。", "失望"),
), "评论：", "\n评价：", (("满意", "失望"), ("好", "差"), ("喜欢", "讨厌")), 1 / 3)
PROMPTS = {"en": ENGLISH, "zh": CHINESE}
CONTENT_FREE = ["N/A", "", "[MASK]"]
MAX_REVIEW_TOKENS = 512
LABELS = ("POSITIVE", "NEGATIVE")

RAW_NAME = "log P(label word) over its pair, added over the pairs"  # the four-steps view's raw scores
MEANING = ("The bars compare how strongly a 270M model, never trained for this task, prefers each word: "
           "a relative confidence, not a measured accuracy. It makes mistakes.")


class PromptSentiment(Engine):
    """Calibrated label-word scoring with Gemma 3 270M; reviews that arrive together share a batch."""

    capabilities = frozenset({"attribute", "attend", "steps", "demonstrations"})
    answers_together = True  # concurrent requests share one pass (`call_batched`)
    search_budget_s = SEARCH_BUDGET_S
    meaning = MEANING
    attribution_target = ("the score of the words <i>positive</i>, <i>great</i>, <i>good</i>, <i>happy</i> over "
                          "<i>negative</i>, <i>terrible</i>, <i>bad</i>, <i>sad</i>")
    attribution_method = "occlusion"

    def __init__(self, loaded: LoadedModel, worker: InferenceWorker, language: str = "en"):
        self.loaded = loaded
        self.worker = worker
        self.prompt = PROMPTS[language]
        self.examples = self.prompt.examples()
        self.prefix = encode(loaded, self.examples, bos=True)
        # flat: the positive and the negative word of each pair in turn
        self.label_ids = [encode(loaded, word)[0] for pair in self.prompt.pairs for word in pair]
        self.review_head, self.review_tail = encode(loaded, self.prompt.head), encode(loaded, self.prompt.tail)
        self.max_review = min(MAX_REVIEW_TOKENS, loaded.max_length - len(self.prefix) - 16)
        self._cache = None
        content_free = [encode(loaded, text) for text in CONTENT_FREE]
        self.prior = torch.tensor(kept(loaded, "sentiment prior", [[self._prompt(ids) for ids in content_free],
                                                                   self.label_ids],
                                       lambda: worker.call(self._uncalibrated, content_free).mean(0).tolist()))

    def _prompt(self, review_ids: list[int]) -> list[int]:
        return self.prefix + self.review_head + review_ids + self.review_tail

    def _uncalibrated(self, reviews: list[list[int]]) -> torch.Tensor:
        """[reviews, pairs, 2]: each pair's P(positive word), P(negative word) after each review's
        prompt, renormalised over the pair. The few-shot examples run once (their cache is kept):
        a review costs only its own tokens, however many examples the prompt has."""
        rows = [self.review_head + ids[: self.max_review] + self.review_tail for ids in reviews]
        logits = shared_prefix_token_logits(self.loaded, self.prefix, rows, self.label_ids, cache=self._examples())
        return logits.view(len(rows), len(self.prompt.pairs), 2).softmax(-1)

    def _examples(self):
        """The few-shot examples' key/value cache, computed once per device (on the inference thread,
        like all model work; under ZeroGPU the model changes device between calls)."""
        device = self.loaded.model.device
        if self._cache is None or self._cache[0] != device:
            self._cache = (device, prefix_cache(self.loaded, self.prefix))
        return self._cache[1]

    def _calibrated(self, uncalibrated: torch.Tensor) -> torch.Tensor:
        """[reviews, 2]: each pair divided by its content-free prior, the pairs multiplied (each to the
        power `pair_weight`), renormalised."""
        return ((uncalibrated.log() - self.prior.log()) * self.prompt.pair_weight).sum(-2).softmax(-1)

    def substitutes(self, text: str, spans: list[tuple[int, int]], k: int) -> Proposals:
        """Per word, the word as Gemma reads it and the words it proposes in its place ("what flips it")."""
        return self.worker.call(causal_substitutes, self.loaded, text, spans, k)

    def classify(self, text: str) -> LabelScores:
        # tokenized in the request's thread, so the inference thread never spends time on it
        return self.worker.call_batched(self._classify_ids, encode(self.loaded, text))

    def _label_probs(self, reviews: list[list[int]]) -> torch.Tensor:
        return self._calibrated(self._uncalibrated(reviews))

    def classify_many(self, texts: list[str]) -> list[LabelScores]:
        return self._classify_ids([encode(self.loaded, text) for text in texts])

    def _classify_ids(self, reviews: list[list[int]]) -> list[LabelScores]:
        probs = self._label_probs(reviews)
        return [
            LabelScores(dict(zip(LABELS, row, strict=True)), max(0, len(ids) - self.max_review), self.max_review)
            for ids, row in zip(reviews, probs.tolist(), strict=True)
        ]

    def attribute(self, text: str) -> Attribution:
        """Which words of the review raised the score of the positive words over the negative ones
        (above 0) or lowered it (below 0): that score with the word minus without it. The few-shot
        examples and labels are held fixed."""
        ids, spans = tokens_of(self.loaded.tokenizer, text)
        require_short(ids, "The text")
        return Attribution([self.worker.call(occlusion, text, ids, spans, self._margins, long=True,
                                             budget_s=LONG_JOB_BUDGET_S)], 0.0)

    def steps(self, text: str) -> dict:
        """The answer's four steps on this review, and the script that reproduces it."""
        ids = encode(self.loaded, text)
        raw = self.worker.call(self._uncalibrated, [ids])
        prompt = self._prompt(ids[: self.max_review])
        probabilities = dict(zip(LABELS, self._calibrated(raw)[0].tolist(), strict=True))
        start = len(self.prefix) + len(self.review_head)  # where the visitor's text begins in the prompt
        return {"tokens": self.loaded.tokenizer.convert_ids_to_tokens(prompt), "ids": prompt,
                "text_span": [start, start + len(ids[: self.max_review])],
                "shapes": {"input_ids": [1, len(prompt)], "logits (last position)": [1, len(self.loaded.tokenizer)]},
                "raw_name": RAW_NAME,
                "raw": dict(zip(LABELS, (raw[0].log() * self.prompt.pair_weight).sum(0).tolist(), strict=True)),
                "calibration": dict(zip(LABELS, (self.prior.log() * self.prompt.pair_weight).sum(0).tolist(),
                                        strict=True)),
                "probabilities": probabilities, "answer": max(probabilities, key=probabilities.get),
                "code": recipes.gemma_sentiment(self.loaded.ref.id, self.examples, text, CONTENT_FREE, self.prompt.pairs,
                                                  self.prompt.pair_weight)}

    def demonstrations(self, text: str) -> dict:
        """The answer with every worked example, and without each one in turn (each prompt calibrated
        on its own content-free inputs, as the answer is): which example moved it, and how far."""
        ids = encode(self.loaded, text)
        require_short(ids, "The text")  # an explanation's bound: each worked example asks the review again
        probabilities = self.worker.call(self.without_each, ids, long=True,
                                         budget_s=LONG_JOB_BUDGET_S)
        return worked_examples(self.prompt, probabilities)

    def without_each(self, ids: list[int]) -> torch.Tensor:
        """[1 + examples, 2]: P(POSITIVE), P(NEGATIVE) with every example, then without each (each
        shorter prompt calibrated on its own content-free inputs)."""
        free = [encode(self.loaded, text) for text in CONTENT_FREE]
        rows = [self.review_head + review[: self.max_review] + self.review_tail for review in [*free, ids]]
        prompts = [encode(self.loaded, self.prompt.without(index).examples(), bos=True)
                   for index in range(len(self.prompt.shots))]
        logits = token_logits_after_each_prefix(self.loaded, prompts, rows, self.label_ids, self.worker.checkpoint)
        pairs = logits.view(len(prompts), len(rows), len(self.prompt.pairs), 2).softmax(-1)
        prior = pairs[:, :-1].mean(1)
        without = ((pairs[:, -1].log() - prior.log()) * self.prompt.pair_weight).sum(-2).softmax(-1)
        return torch.cat([self._label_probs([ids]), without])

    def _margins(self, reviews: list[list[int]]) -> list[float]:
        """log P(positive word) - log P(negative word) after each review's prompt, added over the
        pairs as the answer adds them (its log-odds up to the prior, a constant); the few-shot examples run once,
        every review continues their cache (an explanation scores a review per word)."""
        rows = [self.review_head + ids[: self.max_review] + self.review_tail for ids in reviews]
        logits = shared_prefix_token_logits(self.loaded, self.prefix, rows, self.label_ids, self.worker.checkpoint,
                                            self._examples())
        return ((logits[:, 0::2] - logits[:, 1::2]).sum(-1) * self.prompt.pair_weight).tolist()


def worked_examples(prompt: FewShot, probabilities: torch.Tensor) -> dict:
    """The API's answer: the label and its confidence with every example, then per example its text,
    its label word, the confidence in that same answer without it and the signed change."""
    index = int(probabilities[0].argmax())
    confidence = float(probabilities[0, index])
    rows = [{"example": review, "label": word.strip(), "confidence_without": round(float(row[index]), 5),
             "change": round(float(row[index]) - confidence, 5)}
            for (review, word), row in zip(prompt.shots, probabilities[1:], strict=True)]
    return {"label": LABELS[index], "confidence": round(confidence, 5), "examples": rows}
