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

In Chinese one [MASK] stands for one character (BERT-Chinese's convention), and consecutive masks
make one word: a blank of k masks is filled with k-character words, proposed a character or a
token at a time (a small beam) and reranked as whole words; each mask then shows its character's
probability given the characters chosen before it. The sentence alone favours pieces that read on
from the left ("坐着车" for "坐[MASK][MASK]去机场"), so a word blank's judge adds a share
(`WORDNESS`) of each candidate's likelihood as the answer to the fill-in prompt about an empty
sentence: how much the candidate is a word at all. In a text written in simplified characters the
candidates are simplified too (characters of GB 2312).
"""

from __future__ import annotations

import itertools

import torch

from demo.errors import InputError
from demo.i18n import Text, add_translations
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
# the weight of log P(word | the fill-in prompt about an empty sentence) in a word blank's judge: at
# 0.25 the non-words the sentence liked best (着车, 的书) gave way to words on the two Chinese cloze sets
# (bench/data/cloze_zh_dev.tsv, cloze_zh_two.tsv); at 1 the prior outweighed the sentence
WORDNESS = 0.25


def simplified(char: str) -> bool:
    """A character of GB 2312, the simplified-Chinese set (繁體 forms such as 極 are not in it)."""
    try:
        char.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


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


SHOTS_ZH_WORDS = [
    ("他每天坐___上班。", "地铁"),
    ("她在___工作，每天给学生上课。", "学校"),
    ("我们去___买了一些水果。", "超市"),
    ("今天___很好，适合出去散步。", "天气"),
]


def _prompt(sentence: str, language: str = "en", characters: int = 1) -> str:
    if language == "zh" and characters > 1:
        shots = "\n\n".join(f"句子：{s}\n缺少的词：{w}" for s, w in SHOTS_ZH_WORDS)
        return f"用一个{characters}个字的词填空。\n\n{shots}\n\n句子：{sentence}\n缺少的词："
    if language == "zh":
        shots = "\n\n".join(f"句子：{s}\n缺少的字：{w}" for s, w in SHOTS_ZH)
        return f"用一个汉字填空。\n\n{shots}\n\n句子：{sentence}\n缺少的字："
    shots = "\n\n".join(f"Sentence: {s}\nMissing word: {w}" for s, w in SHOTS)
    return f"Fill in the blank with one word.\n\n{shots}\n\nSentence: {sentence}\nMissing word:"


class RerankedFillMask:
    """Fill-mask with Gemma 3 270M: blank prompt proposes, full-sentence likelihood reranks."""

    mask_token = MASK
    capabilities = frozenset({"fill_in_order", "attend"})
    meaning = ("The bars compare the candidates found for each blank (they sum to 100% over them), not the "
               "whole vocabulary: a 270M model's relative confidence, not a measured accuracy.")

    def __init__(self, loaded: LoadedModel, worker: InferenceWorker, language: str = "en"):
        self.loaded = loaded
        self.worker = worker
        self.language = language
        self.simplified_only = False  # set per request: candidates in the text's script
        self._by_first_char: dict[str, torch.Tensor] | None = None

    def _word(self, token_id: int, started: str = "") -> str:
        """The candidate a proposed token stands for: the token's word, or in Chinese the character
        after `started` (the characters of the word the mask sits in) when the token begins with
        them ("" when the token offers no candidate)."""
        word = self.loaded.tokenizer.decode([token_id]).strip()
        if self.language == "zh":
            rest = word[len(started):] if word.startswith(started) else ""
            return rest[0] if rest and is_han(rest[0]) and (simplified(rest[0]) or not self.simplified_only) else ""
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

    def _han_words(self, prompt_ids: list[int], count: int, pool: int, started: str = "") -> list[str]:
        """Up to `pool` words of `count` Chinese characters that the model writes after the prompt
        (after the characters `started`, when given: until they are written, only tokens that go on
        with them are followed), found by a beam over tokens."""
        tokenizer, simple = self.loaded.tokenizer, self.simplified_only
        beams, found = [(prompt_ids, "", 0.0)], {}
        for _ in range(count + len(started) + 1):
            if not beams:
                break
            logprobs = next_token_logprobs(self.loaded, [ids for ids, _, _ in beams])
            grown = []
            for (ids, text, score), row in zip(beams, logprobs, strict=True):
                allowed = self._tokens_starting_with(started[len(text)]) if len(text) < len(started) else None
                followed = row if allowed is None else row[allowed]
                top = torch.topk(followed, min(pool * 2, len(followed)))
                token_ids = top.indices if allowed is None else allowed[top.indices]
                for token_id, logprob in zip(token_ids.tolist(), top.values.tolist(), strict=True):
                    piece = tokenizer.decode([token_id]).strip()
                    joined = text + piece
                    if not piece or not all(is_han(ch) and (simplified(ch) or not simple) for ch in piece) or \
                            not (joined.startswith(started) or started.startswith(joined)):
                        continue
                    if len(joined) >= len(started) + count:
                        word = joined[len(started): len(started) + count]
                        found.setdefault(word, score + logprob)
                    else:
                        grown.append((ids + [token_id], joined, score + logprob))
            beams = sorted(grown, key=lambda beam: -beam[2])[:pool]
        return sorted(found, key=lambda word: -found[word])[:pool]

    def _tokens_starting_with(self, char: str) -> torch.Tensor:
        """The ids of the tokens whose text starts with `char` (an index of the vocabulary by first
        character, built once)."""
        if self._by_first_char is None:
            index: dict[str, list[int]] = {}
            for token_id, token in enumerate(self.loaded.tokenizer.convert_ids_to_tokens(
                    list(range(len(self.loaded.tokenizer))))):
                text = (token or "").replace("\u2581", "").strip()
                if text and is_han(text[0]):
                    index.setdefault(text[0], []).append(token_id)
            self._by_first_char = {c: torch.tensor(ids) for c, ids in index.items()}
        return self._by_first_char.get(char, torch.tensor([], dtype=torch.long))

    def _word_candidates(self, left: str, right: str, count: int, pool: int) -> list[str]:
        """Chinese words of `count` characters for a blank of `count` masks, the proposers' best
        first in turn (the pool is cut to its first words)."""
        prompt = _prompt(f"{left}{BLANK}{right}", self.language, count)
        proposed = [self._han_words(encode(self.loaded, prompt, bos=True), count, pool)]
        if left.strip():
            proposed.append(self._han_words(encode(self.loaded, left, bos=True), count, pool))
        for k in (1, 2):  # "北[MASK][MASK]": the word may start before the blank
            if len(left) >= k and all(is_han(ch) for ch in left[-k:]):
                proposed.append(self._han_words(encode(self.loaded, left[:-k], bos=True), count, pool, left[-k:]))
        return list(dict.fromkeys(word for turn in itertools.zip_longest(*proposed) for word in turn if word))

    def _candidates(self, left: str, right: str, pool: int) -> list[str]:
        """Words proposed with the whole sentence in view, then those that follow the left context."""
        words = self._top_words(encode(self.loaded, _prompt(f"{left}{BLANK}{right}", self.language), bos=True), pool)
        if left.strip():
            words += self._top_words(encode(self.loaded, left.rstrip(), bos=True), pool)
        if self.language == "zh":  # "北[MASK]": the tokenizer writes 北京 as one token, so ask before 北
            for k in (1, 2):
                if len(left) >= k and all(is_han(ch) for ch in left[-k:]):
                    words += self._top_words(encode(self.loaded, left[:-k], bos=True), pool, left[-k:])
        first_spelling: dict[str, str] = {}
        for word in words:
            first_spelling.setdefault(word.lower(), word)
        return list(first_spelling.values())

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
            scores += WORDNESS * self._wordness(words)
        return sorted(zip(words, scores.softmax(-1).tolist(), strict=True), key=lambda item: -item[1])

    def _wordness(self, words: list[str]) -> torch.Tensor:
        """How much each candidate is a word: its log-likelihood as the answer to the fill-in prompt
        about an empty sentence."""
        prompt = encode(self.loaded, _prompt(BLANK, self.language, len(words[0])), bos=True)
        scored = shared_prefix_logprobs(self.loaded, prompt, [encode(self.loaded, word) for word in words],
                                        between=self.worker.checkpoint)
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

    def _fill(self, text: str, top_k: int, mask_count: int, in_order: bool) -> Filled:
        pieces = text.split(MASK)
        self.simplified_only = all(simplified(ch) for ch in text if is_han(ch))
        chosen: list[str] = [BLANK] * mask_count  # each mask's character or word, once filled
        candidates: list[list[tuple[str, float]]] = []
        notes: list[str] = []
        for first, count in blanks(pieces, self.language):
            self.worker.checkpoint()
            before = chosen[:first] if in_order else [BLANK] * first
            left = "".join(p + w for p, w in zip(pieces[: first + 1], [*before, ""], strict=True))
            right = pieces[first + count] + "".join(BLANK + p for p in pieces[first + count + 1 :])
            size = max(POOL, top_k)
            pool = (self._word_candidates(left, right, count, size) if count > 1
                    else self._candidates(left, right, size))[: max(2 * POOL, top_k + EXTRA_CANDIDATES)]
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


TRANSLATIONS = {"zh-CN": {
    "fewer masks or fewer candidates (top_k)": "更少的遮盖或更少的候选（top_k）",
    "Mask {mask}: the embedded model proposed {count} distinct words, fewer than the {top_k} asked for.":
        "第 {mask} 个遮盖：嵌入式模型只给出了 {count} 个不同的词，少于要求的 {top_k} 个。",
}}

add_translations(TRANSLATIONS)
