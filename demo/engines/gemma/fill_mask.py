"""Zero-shot fill-mask with a left-to-right model: propose with the whole sentence in view, then rerank.

A causal model alone only sees the words left of the mask ("The [MASK]" says nothing about dogs).
So candidates come from two proposers (`proposers`): a fill-in-the-blank prompt that shows the
complete sentence, and the plain next-word distribution after the left context. The judge is the
likelihood of the whole sentence with each candidate filled in; the shown probabilities are those
likelihoods normalised over the candidates.

The rerank scores only what differs between candidates: the tokens they share at the start run
once (their cache is reused), and each candidate is judged on its word and the 16 tokens after the
blank. Memory stays bounded (`scoring.shared_prefix_logprobs`), and the work, a long job on the
inference thread, answers waiting requests between its steps and stops after its time budget.

In Chinese one [MASK] stands for one character (BERT-Chinese's convention), and consecutive masks
make one word: a blank of k masks is filled with k-character words, proposed a character or a
token at a time (a small beam) and reranked as whole words; each mask then shows its character's
probability given the characters chosen before it. The sentence alone favours pieces that read on
from the left ("坐着车" for "坐[MASK][MASK]去机场"), so a word blank's judge adds a share
(`WORDNESS`) of each candidate's likelihood as the answer to the fill-in prompt about an empty
sentence: how much the candidate is a word at all (or, with the characters before the blank, the
rest of one: 北[MASK][MASK] may be 北京市).
"""

from __future__ import annotations

import torch

from demo.errors import InputError
from demo.i18n import Text
from demo.inference import LONG_JOB_BUDGET_S, InferenceWorker
from demo.language import is_han
from demo.models import LoadedModel
from demo.engines import lens
from demo.engines.bert import normalize_masks
from demo.engines.types import Filled
from demo.engines.gemma.proposers import BLANK, Proposers, fill_in_prompt, simplified, started_before
from demo.engines.gemma.scoring import encode, prefix_state, shared_prefix_logprobs
from demo.engines.base import Engine

MASK = "[MASK]"
POOL = 16  # candidates drawn from each proposer before reranking
EXTRA_CANDIDATES = 10  # reranked beyond top_k when top_k is large
RIGHT_WINDOW = 16  # tokens after the blank that take part in the rerank
MAX_TEXT_TOKENS = 256
# the weight of log P(word | the fill-in prompt about an empty sentence) in a word blank's judge: at
# 0.25 the non-words the sentence liked best (着车, 的书) gave way to words on the two Chinese cloze sets
# (bench/data/cloze_zh_dev.tsv, cloze_zh_two.tsv); at 1 the prior outweighed the sentence
WORDNESS = 0.25


def blanks(pieces: list[str], language: str) -> list[tuple[int, int]]:
    """(first mask, how many) for each blank: in Chinese, consecutive masks are one blank."""
    groups: list[tuple[int, int]] = []
    for index in range(len(pieces) - 1):
        if language == "zh" and groups and pieces[index] == "" and sum(groups[-1]) == index:
            groups[-1] = (groups[-1][0], groups[-1][1] + 1)
        else:
            groups.append((index, 1))
    return groups


def per_character(ranked: list[tuple[str, float]], count: int) -> tuple[str, list[list[tuple[str, float]]]]:
    """A blank of `count` characters: the word chosen a character at a time (each the likeliest given
    those before it, summed over the ranked words), and each character's candidates so computed."""
    chosen, columns = "", []
    for position in range(count):
        mass: dict[str, float] = {}
        for word, probability in ranked:
            if word.startswith(chosen):
                mass[word[position]] = mass.get(word[position], 0.0) + probability
        total = sum(mass.values()) or 1.0
        column = sorted(((char, p / total) for char, p in mass.items()), key=lambda item: -item[1])
        columns.append(column)
        chosen += column[0][0]
    return chosen, columns


class RerankedFillMask(Engine):
    """Fill-mask with Gemma 3 270M: blank prompt proposes, full-sentence likelihood reranks."""

    mask_token = MASK
    capabilities = frozenset({"fill_in_order", "attend", "lens"})
    lens_reads = lens.FILL_IN_PROMPT
    meaning = ("The bars compare the candidates found for each blank (they sum to 100% over them), not the "
               "whole vocabulary: a 270M model's relative confidence, not a measured accuracy.")

    def __init__(self, loaded: LoadedModel, worker: InferenceWorker, language: str = "en"):
        self.loaded = loaded
        self.worker = worker
        self.language = language
        self.proposers = Proposers(loaded, language)
        self._wordness_prompts: dict[tuple, tuple] = {}  # (characters, device) -> the prompt and its kept state

    def _rerank(self, left: str, right: str, words: list[str], characters: int = 1) -> list[tuple[str, float]]:
        """Words ranked by the likelihood of the sentence with each filled in, normalised over them
        (for a Chinese word blank of several `characters`, times its wordness to the `WORDNESS`).

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
        if characters > 1:
            scores += WORDNESS * self._wordness(left, words)
        return sorted(zip(words, scores.softmax(-1).tolist(), strict=True), key=lambda item: -item[1])

    def _wordness(self, left: str, words: list[str]) -> torch.Tensor:
        """How much each candidate is a word: its log-likelihood as the answer to the fill-in prompt
        about an empty sentence, alone or with the characters before the blank it may go on from
        (北[MASK][MASK]: 京市 is no word, 北京市 is), whichever is more of a word. Only the one character
        before: two gave the same answers on the cloze sets, at 0.45 s more a blank."""
        whole = [self._answer_likelihood(words)]
        for started in started_before(left, self.language)[:1]:
            whole.append(self._answer_likelihood([started + word for word in words]))
        return torch.stack(whole).max(0).values

    def _answer_likelihood(self, words: list[str]) -> torch.Tensor:
        """log P(word) as the answer to the fill-in prompt about an empty sentence, for words of one length."""
        count = len(words[0])
        key = (count, self.loaded.model.device)  # under ZeroGPU the model changes device between calls
        if key not in self._wordness_prompts:  # the same prompt for every blank of this size: run once
            prompt = encode(self.loaded, fill_in_prompt(BLANK, self.language, count), bos=True)
            self._wordness_prompts[key] = (prompt, prefix_state(self.loaded, prompt))
        prompt, state = self._wordness_prompts[key]
        scored = shared_prefix_logprobs(self.loaded, prompt, [encode(self.loaded, word) for word in words],
                                        between=self.worker.checkpoint, state=state)
        return torch.tensor([sum(row) for row in scored])

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

    def layers(self, text: str) -> dict:
        """The first blank as each layer would propose it: the next token of the fill-in-the-blank prompt
        about the sentence (the proposer that sees the whole sentence), other blanks left blank. Any
        spelling of the mask, as the tab reads it."""
        pieces = normalize_masks(text, MASK)[0].split(MASK)
        _, count = blanks(pieces, self.language)[0]
        right = pieces[count] + "".join(BLANK + piece for piece in pieces[count + 1 :])
        ids = encode(self.loaded, fill_in_prompt(f"{pieces[0]}{BLANK}{right}", self.language, count), bos=True)
        lens.require_short(ids, "texts in their prompt")
        probabilities = self.worker.call(lens.causal_layers, self.loaded, ids, self.worker.checkpoint, long=True,
                                         budget_s=LONG_JOB_BUDGET_S)
        return lens.table(self.loaded.tokenizer, lens.Layers(probabilities, self.lens_reads, len(ids)))

    def _fill(self, text: str, top_k: int, mask_count: int, in_order: bool) -> Filled:
        pieces = text.split(MASK)
        self.proposers.simplified_only = all(simplified(ch) for ch in text if is_han(ch))
        chosen: list[str] = [BLANK] * mask_count  # each mask's character or word, once filled
        candidates: list[list[tuple[str, float]]] = []
        notes: list[str] = []
        for first, count in blanks(pieces, self.language):
            self.worker.checkpoint()
            before = chosen[:first] if in_order else [BLANK] * first
            left = "".join(p + w for p, w in zip(pieces[: first + 1], [*before, ""], strict=True))
            right = pieces[first + count] + "".join(BLANK + p for p in pieces[first + count + 1 :])
            size = max(POOL, top_k)
            pool = (self.proposers.han_words(left, right, count, size) if count > 1
                    else self.proposers.words(left, right, size))[: max(2 * POOL, top_k + EXTRA_CANDIDATES)]
            if not pool:
                raise InputError(f"The embedded model found no candidates for mask {first + 1}. Please try "
                                 "another text.")
            ranked = self._rerank(left, right, pool, count)
            if count > 1:
                word, columns = per_character(ranked, count)
                chosen[first : first + count] = list(word)
                candidates += [column[:top_k] for column in columns]
            else:
                ranked = ranked[:top_k]
                chosen[first] = ranked[0][0]
                candidates.append(ranked)
            if len(ranked) < top_k and count == 1:
                notes.append(Text("Mask {mask}: the embedded model proposed {count} distinct words, fewer than "
                                  "the {top_k} asked for.", mask=first + 1, count=len(ranked), top_k=top_k))
        return Filled(candidates, notes=tuple(notes))
