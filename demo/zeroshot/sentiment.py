"""Zero-shot sentiment: which label word does the language model expect after the review?

A few-shot prompt (examples written for this app, none taken from any benchmark) is followed by
the review and "Sentiment:". The next-token probabilities of " positive" and " negative" are
divided by their values for content-free inputs (contextual calibration, Zhao et al. 2021), which
removes the model's prior for one label word, then renormalised.
"""

from __future__ import annotations

import copy

import torch

from demo.explain import LLM_STEPS, Attribution, integrated_gradients, require_short, tokens_of, words_of
from demo.inference import LONG_JOB_BUDGET_S, InferenceWorker, length_groups
from demo.models import LoadedModel
from demo.tasks.base import LabelScores
from demo.zeroshot.scoring import encode, label_margin, next_token_logprobs

SHOTS = [
    ("The soup was cold and the waiter ignored us all night.", "negative"),
    ("A warm, funny story with a cast that clearly loved making it.", "positive"),
    ("I kept checking my watch; nothing on screen made me care.", "negative"),
    ("Every chapter surprised me, and the ending is simply perfect.", "positive"),
]
CONTENT_FREE = ["N/A", "", "[MASK]"]
MAX_REVIEW_TOKENS = 512
LABELS = ("POSITIVE", "NEGATIVE")
BATCH_TOKENS = 4096  # padded tokens per forward pass (each prompt carries ~100 tokens of examples)


def _block(review: str, label: str = "") -> str:
    return f"Review: {review}\nSentiment:{' ' + label if label else ''}"


class PromptSentiment:
    """Calibrated label-word scoring with Gemma 3 270M; reviews that arrive together share a batch."""

    def __init__(self, loaded: LoadedModel, worker: InferenceWorker):
        self.loaded = loaded
        self.worker = worker
        self.prefix = encode(loaded, "\n\n".join(_block(r, l) for r, l in SHOTS) + "\n\n", bos=True)
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
        for group in length_groups([len(p) for p in prompts], BATCH_TOKENS):
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
        lowered it (below 0); the few-shot examples and labels are held fixed."""
        ids, spans = tokens_of(self.loaded.tokenizer, text)
        require_short(ids, "The text")
        token_scores, delta = self.worker.call(self._attribute, ids, long=True, budget_s=LONG_JOB_BUDGET_S)
        return Attribution([words_of(text, spans, token_scores)], delta)

    def _attribute(self, ids: list[int]) -> tuple[list[float], float]:
        model = self.loaded.model
        embed, decoder, device = model.get_input_embeddings(), model.get_decoder(), model.device
        before = self.prefix + self.review_head
        with torch.no_grad():  # the examples run once; every integration step reuses their cache
            cache = decoder(input_ids=torch.tensor([before], device=device), use_cache=True).past_key_values
            user = embed(torch.tensor([ids], device=device))
            tail = embed(torch.tensor([self.review_tail], device=device))

        def margin(user_rows: torch.Tensor) -> torch.Tensor:
            self.worker.checkpoint()
            rows = len(user_rows)
            embeds = torch.cat([user_rows, tail.expand(rows, -1, -1)], 1)
            rows_cache = copy.deepcopy(cache)
            rows_cache.batch_repeat_interleave(rows)
            width = embeds.shape[1]
            hidden = decoder(inputs_embeds=embeds, past_key_values=rows_cache, use_cache=True,
                             attention_mask=torch.ones(rows, len(before) + width, dtype=torch.long, device=device),
                             position_ids=(len(before) + torch.arange(width, device=device)).expand(rows, width),
                             ).last_hidden_state[:, -1]
            return label_margin(model, hidden, *self.label_ids)

        (scores,), delta = integrated_gradients(margin, (user,), LLM_STEPS)
        return scores, delta
