"""Zero-shot fill-mask with a left-to-right model: propose with the whole sentence in view, then rerank.

A causal model alone only sees the words left of the mask ("The [MASK]" says nothing about dogs).
So candidates come from two proposers: a fill-in-the-blank prompt that shows the complete sentence,
and the plain next-word distribution after the left context. The judge is the likelihood of the
whole sentence with each candidate filled in; the shown probabilities are those likelihoods
normalised over the candidates.

The rerank scores only what differs between candidates: the tokens they share at the start run
once (their cache is reused), and each candidate is judged on its word and the 16 tokens after the
blank. Memory stays bounded (`scoring.shared_prefix_logprobs`), and the work, a long job on the
inference thread, answers waiting requests between its steps and stops after its time budget.

In Chinese one [MASK] stands for one character (BERT-Chinese's convention; consecutive masks make a
longer word), so the proposers' tokens give their first character and the candidates are single
characters.
"""

from __future__ import annotations

import torch

from demo.errors import InputError
from demo.inference import LONG_JOB_BUDGET_S, InferenceWorker
from demo.language import is_han
from demo.models import LoadedModel
from demo.engines.types import Filled
from demo.engines.gemma.scoring import encode, next_token_logprobs, shared_prefix_logprobs

MASK = "[MASK]"
BLANK = "___"
SHOTS = [
    ("She put the milk back in the ___.", "fridge"),
    ("He wrote the letter with a blue ___.", "pen"),
    ("We ___ to the beach every summer.", "go"),
    ("The opposite of hot is ___.", "cold"),
]
SHOTS_ZH = [
    ("他用筷___吃面条。", "子"),
    ("今天下___了，记得带伞。", "雨"),
    ("我们每年夏天都去海___玩。", "边"),
    ("热的反义词是___。", "冷"),
]
POOL = 16  # candidates drawn from each proposer before reranking
EXTRA_CANDIDATES = 10  # reranked beyond top_k when top_k is large
RIGHT_WINDOW = 16  # tokens after the blank that take part in the rerank
MAX_TEXT_TOKENS = 256


def _prompt(sentence: str, language: str = "en") -> str:
    if language == "zh":
        shots = "\n\n".join(f"句子：{s}\n缺少的字：{w}" for s, w in SHOTS_ZH)
        return f"用一个汉字填空。\n\n{shots}\n\n句子：{sentence}\n缺少的字："
    shots = "\n\n".join(f"Sentence: {s}\nMissing word: {w}" for s, w in SHOTS)
    return f"Fill in the blank with one word.\n\n{shots}\n\nSentence: {sentence}\nMissing word:"


class RerankedFillMask:
    """Fill-mask with Gemma 3 270M: blank prompt proposes, full-sentence likelihood reranks."""

    mask_token = MASK
    capabilities = frozenset({"fill_in_order"})
    meaning = ("The bars compare the candidates found for each blank (they sum to 100% over them), not the "
               "whole vocabulary: a 270M model's relative confidence, not a measured accuracy.")

    def __init__(self, loaded: LoadedModel, worker: InferenceWorker, language: str = "en"):
        self.loaded = loaded
        self.worker = worker
        self.language = language

    def _word(self, token_id: int, started: str = "") -> str:
        """The candidate a proposed token stands for: the token's word, or in Chinese the character
        after `started` (the characters of the word the mask sits in) when the token begins with
        them ("" when the token offers no candidate)."""
        word = self.loaded.tokenizer.decode([token_id]).strip()
        if self.language == "zh":
            rest = word[len(started):] if word.startswith(started) else ""
            return rest[0] if rest and is_han(rest[0]) else ""
        return word if any(ch.isalnum() for ch in word) else ""

    def _top_words(self, prompt_ids: list[int], pool: int, started: str = "") -> list[str]:
        logprobs = next_token_logprobs(self.loaded, [prompt_ids])[0]
        words: list[str] = []
        for token_id in torch.topk(logprobs, pool * 3).indices.tolist():
            word = self._word(token_id, started)
            if word and word.lower() not in {w.lower() for w in words}:
                words.append(word)
            if len(words) == pool:
                break
        return words

    def _candidates(self, left: str, right: str, pool: int) -> list[str]:
        """Words proposed with the whole sentence in view, then those that follow the left context."""
        words = self._top_words(encode(self.loaded, _prompt(f"{left}{BLANK}{right}", self.language), bos=True), pool)
        if left.strip():
            words += self._top_words(encode(self.loaded, left.rstrip(), bos=True), pool)
        if self.language == "zh":  # "北[MASK]": the tokenizer writes 北京 as one token, so ask before 北
            for k in (1, 2):
                if len(left) > k and all(is_han(ch) for ch in left[-k:]):
                    words += self._top_words(encode(self.loaded, left[:-k], bos=True), pool, left[-k:])
        first_spelling: dict[str, str] = {}
        for word in words:
            first_spelling.setdefault(word.lower(), word)
        return list(first_spelling.values())

    def _rerank(self, left: str, right: str, words: list[str]) -> list[tuple[str, float]]:
        """Words ranked by the likelihood of the sentence with each filled in, normalised over them.

        The tokens all filled sentences share at the start score the same for every word and cancel
        out, so they run once; the right context is cut after `RIGHT_WINDOW` tokens.
        """
        right_ids = encode(self.loaded, right)
        if len(right_ids) > RIGHT_WINDOW:
            right = self.loaded.tokenizer.decode(right_ids[:RIGHT_WINDOW])
        rows = [encode(self.loaded, f"{left}{word}{right}", bos=True) for word in words]
        shared = 0
        while shared < min(len(r) for r in rows) - 1 and len({r[shared] for r in rows}) == 1:
            shared += 1
        logprobs = shared_prefix_logprobs(self.loaded, rows[0][:shared], [r[shared:] for r in rows],
                                          between=self.worker.checkpoint)
        scores = torch.tensor([sum(lp) for lp in logprobs])
        return sorted(zip(words, scores.softmax(-1).tolist(), strict=True), key=lambda item: -item[1])

    def fill(self, text: str, top_k: int, mask_count: int, in_order: bool = True) -> Filled:
        """Candidates for every mask. `in_order` (the default here): the text to the left of each mask
        has the best words of the masks before it; otherwise they stay blanks."""
        total = len(encode(self.loaded, text))  # checked in the request's thread, not the inference thread
        if total > MAX_TEXT_TOKENS:
            raise InputError(
                f"The text is {total:,} tokens long; the embedded model fills masks in texts of up to "
                f"{MAX_TEXT_TOKENS} tokens. Please shorten it."
            )
        return self.worker.call(self._fill, text, top_k, mask_count, in_order, long=True, budget_s=LONG_JOB_BUDGET_S,
                                advice="fewer masks or fewer candidates (top_k)")

    def _fill(self, text: str, top_k: int, mask_count: int, in_order: bool) -> Filled:
        pieces = text.split(MASK)
        chosen: list[str] = []
        candidates: list[list[tuple[str, float]]] = []
        notes: list[str] = []
        for index in range(mask_count):
            self.worker.checkpoint()
            before = chosen if in_order else [BLANK] * index
            left = "".join(p + w for p, w in zip(pieces[: index + 1], [*before, ""], strict=True))
            right = pieces[index + 1] + "".join(BLANK + p for p in pieces[index + 2 :])
            pool = self._candidates(left, right, max(POOL, top_k))[: max(2 * POOL, top_k + EXTRA_CANDIDATES)]
            ranked = self._rerank(left, right, pool)[:top_k]
            if len(ranked) < top_k:
                notes.append(f"Mask {index + 1}: the embedded model proposed {len(ranked)} distinct words, "
                             f"fewer than the {top_k} asked for.")
            chosen.append(ranked[0][0])
            candidates.append(ranked)
        return Filled(candidates, notes=tuple(notes))
