"""Zero-shot fill-mask with a left-to-right model: propose with the whole sentence in view, then rerank.

A causal model alone only sees the words left of the mask ("The [MASK]" says nothing about dogs).
So candidates come from two proposers: a fill-in-the-blank prompt that shows the complete sentence,
and the plain next-word distribution after the left context. The judge is the likelihood of the
whole sentence with each candidate filled in; the shown probabilities are those likelihoods
normalised over the candidates.
"""

from __future__ import annotations

import torch

from demo.errors import InputError
from demo.inference import InferenceWorker
from demo.models import LoadedModel
from demo.tasks.fill_mask import Filled
from demo.zeroshot.scoring import continuation_logprobs, encode, next_token_logprobs

MASK = "[MASK]"
BLANK = "___"
SHOTS = [
    ("She put the milk back in the ___.", "fridge"),
    ("He wrote the letter with a blue ___.", "pen"),
    ("We ___ to the beach every summer.", "go"),
    ("The opposite of hot is ___.", "cold"),
]
POOL = 16  # candidates drawn from each proposer before reranking
MAX_TEXT_TOKENS = 256


def _prompt(sentence: str) -> str:
    shots = "\n\n".join(f"Sentence: {s}\nMissing word: {w}" for s, w in SHOTS)
    return f"Fill in the blank with one word.\n\n{shots}\n\nSentence: {sentence}\nMissing word:"


class RerankedFillMask:
    """Fill-mask with Gemma 3 270M: blank prompt proposes, full-sentence likelihood reranks."""

    mask_token = MASK

    def __init__(self, loaded: LoadedModel, worker: InferenceWorker):
        self.loaded = loaded
        self.worker = worker

    def _top_words(self, prompt_ids: list[int], pool: int) -> list[str]:
        logprobs = next_token_logprobs(self.loaded, [prompt_ids])[0]
        words: list[str] = []
        for token_id in torch.topk(logprobs, pool * 3).indices.tolist():
            word = self.loaded.tokenizer.decode([token_id]).strip()
            if word and any(ch.isalnum() for ch in word) and word.lower() not in {w.lower() for w in words}:
                words.append(word)
            if len(words) == pool:
                break
        return words

    def _candidates(self, left: str, right: str, pool: int) -> list[str]:
        """Words proposed with the whole sentence in view, then those that follow the left context."""
        words = self._top_words(encode(self.loaded, _prompt(f"{left}{BLANK}{right}"), bos=True), pool)
        if left.strip():
            words += self._top_words(encode(self.loaded, left.rstrip(), bos=True), pool)
        first_spelling: dict[str, str] = {}
        for word in words:
            first_spelling.setdefault(word.lower(), word)
        return list(first_spelling.values())

    def _rerank(self, left: str, right: str, words: list[str]) -> list[tuple[str, float]]:
        bos = [self.loaded.tokenizer.bos_token_id]
        pairs = [(bos, encode(self.loaded, f"{left}{word}{right}")) for word in words]
        scores = torch.tensor([sum(lp) for lp in continuation_logprobs(self.loaded, pairs)])
        return sorted(zip(words, scores.softmax(-1).tolist(), strict=True), key=lambda item: -item[1])

    def fill(self, text: str, top_k: int, mask_count: int) -> Filled:
        return self.worker.call(self._fill, text, top_k, mask_count)

    def _fill(self, text: str, top_k: int, mask_count: int) -> Filled:
        total = len(encode(self.loaded, text))
        if total > MAX_TEXT_TOKENS:
            raise InputError(
                f"The text is {total:,} tokens long; the embedded model fills masks in texts of up to "
                f"{MAX_TEXT_TOKENS} tokens. Please shorten it."
            )
        pieces = text.split(MASK)
        chosen: list[str] = []
        candidates: list[list[tuple[str, float]]] = []
        for index in range(mask_count):
            left = "".join(p + w for p, w in zip(pieces[: index + 1], [*chosen, ""], strict=True))
            right = pieces[index + 1] + "".join(BLANK + p for p in pieces[index + 2 :])
            pool = self._candidates(left, right, max(POOL, top_k))
            ranked = self._rerank(left, right, pool)[:top_k]
            chosen.append(ranked[0][0])
            candidates.append(ranked)
        return Filled(candidates)
