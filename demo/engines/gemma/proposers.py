"""Where fill-mask candidates come from: what a left-to-right model would write in the blank.

Two proposers: a fill-in-the-blank prompt that shows the complete sentence, and the plain next-word
distribution after the left context. In Chinese a word may have started before the blank ("北[MASK]":
the tokenizer writes 北京 as one token), so each is also asked one and two characters earlier, keeping
only what goes on with those characters. A blank of several masks is filled with words of as many
characters, found by a small beam over tokens. In a text written in simplified characters the
candidates are simplified too (characters of GB 2312).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import torch

from demo.language import is_han
from demo.models import LoadedModel
from demo.engines.gemma.scoring import encode, next_token_logprobs, prefix_state, shared_prefix_next_tokens

BLANK = "___"
SHOTS = [
    ("He hung his coat on the ___.", "hook"),
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
SHOTS_ZH_WORDS = [
    ("他每天坐___上班。", "地铁"),
    ("她在___工作，每天给学生上课。", "学校"),
    ("我们去___买了一些水果。", "超市"),
    ("今天___很好，适合出去散步。", "天气"),
]


def simplified(char: str) -> bool:
    """A character of GB 2312, the simplified-Chinese set (繁體 forms such as 極 are not in it)."""
    try:
        char.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def started_before(left: str, language: str) -> list[str]:
    """The last one and two characters of the left context when they are Chinese: the word in the
    blank may have started there ("北[MASK][MASK]": 北京市)."""
    if language != "zh":
        return []
    return [left[-k:] for k in (1, 2) if len(left) >= k and all(is_han(ch) for ch in left[-k:])]


def fill_in_prompt(sentence: str, language: str = "en", characters: int = 1) -> str:
    """A few-shot "fill in the blank" prompt about `sentence` (its blank written `BLANK`)."""
    if language == "zh" and characters > 1:
        shots = "\n\n".join(f"句子：{s}\n缺少的词：{w}" for s, w in SHOTS_ZH_WORDS)
        return f"用一个{characters}个字的词填空。\n\n{shots}\n\n句子：{sentence}\n缺少的词："
    if language == "zh":
        shots = "\n\n".join(f"句子：{s}\n缺少的字：{w}" for s, w in SHOTS_ZH)
        return f"用一个汉字填空。\n\n{shots}\n\n句子：{sentence}\n缺少的字："
    shots = "\n\n".join(f"Sentence: {s}\nMissing word: {w}" for s, w in SHOTS)
    return f"Fill in the blank with one word.\n\n{shots}\n\nSentence: {sentence}\nMissing word:"


class Proposers:
    """Candidate words for one blank, from the prompt and from the left context, best first."""

    def __init__(self, loaded: LoadedModel, language: str = "en"):
        self.loaded = loaded
        self.language = language
        self.simplified_only = False  # set per request: candidates in the text's script
        self._by_first_char: dict[str, torch.Tensor] | None = None

    def words(self, left: str, right: str, pool: int) -> list[str]:
        """Words proposed with the whole sentence in view, then those that follow the left context."""
        words = self._top_words(encode(self.loaded, fill_in_prompt(f"{left}{BLANK}{right}", self.language), bos=True),
                                pool)
        if left.strip():
            words += self._top_words(encode(self.loaded, left.rstrip(), bos=True), pool)
        for earlier, started in self._started_before(left):
            words += self._top_words(earlier, pool, started)
        first_spelling: dict[str, str] = {}
        for word in words:
            first_spelling.setdefault(word.lower(), word)
        return list(first_spelling.values())

    def han_words(self, left: str, right: str, count: int, pool: int) -> list[str]:
        """Chinese words of `count` characters for a blank of `count` masks, the proposers' best
        first in turn (the pool is cut to its first words)."""
        prompt = fill_in_prompt(f"{left}{BLANK}{right}", self.language, count)
        proposed = [self._beam(encode(self.loaded, prompt, bos=True), count, pool)]
        if left.strip():
            proposed.append(self._beam(encode(self.loaded, left, bos=True), count, pool))
        for earlier, started in self._started_before(left):
            proposed.append(self._beam(earlier, count, pool, started))
        return list(dict.fromkeys(word for turn in itertools.zip_longest(*proposed) for word in turn if word))

    def _started_before(self, left: str) -> Iterator[tuple[list[int], str]]:
        """(the left context before the characters a word in the blank may have started with, those
        characters)."""
        for started in started_before(left, self.language):
            yield encode(self.loaded, left[: -len(started)], bos=True), started

    def _allowed(self, char: str) -> bool:
        return is_han(char) and (simplified(char) or not self.simplified_only)

    def _word(self, token_id: int, started: str = "") -> str:
        """The candidate a proposed token stands for: the token's word, or in Chinese the character
        after `started` when the token begins with it ("" when the token offers no candidate)."""
        word = self.loaded.tokenizer.decode([token_id]).strip()
        if self.language == "zh":
            rest = word[len(started):] if word.startswith(started) else ""
            return rest[0] if rest and self._allowed(rest[0]) else ""
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

    def _beam(self, prompt_ids: list[int], count: int, pool: int, started: str = "") -> list[str]:
        """Up to `pool` words of `count` Chinese characters that the model writes after the prompt
        (after the characters `started`, when given: until they are written, only tokens that go on
        with them are followed)."""
        tokenizer = self.loaded.tokenizer
        cache, first = prefix_state(self.loaded, prompt_ids)  # the prompt runs once; beams grow on its cache
        beams, found = [([], "", 0.0)], {}
        for _ in range(count + len(started) + 1):
            if not beams:
                break
            grown_ids = [ids for ids, _, _ in beams]
            logprobs = first.cpu()[None] if grown_ids == [[]] else \
                shared_prefix_next_tokens(self.loaded, prompt_ids, grown_ids, None, cache=cache)
            grown = []
            for (ids, text, score), row in zip(beams, logprobs, strict=True):
                allowed = self._tokens_starting_with(started[len(text)]) if len(text) < len(started) else None
                followed = row if allowed is None else row[allowed]
                top = torch.topk(followed, min(pool * 2, len(followed)))
                token_ids = top.indices if allowed is None else allowed[top.indices]
                for token_id, logprob in zip(token_ids.tolist(), top.values.tolist(), strict=True):
                    piece = tokenizer.decode([token_id]).strip()
                    joined = text + piece
                    if not piece or not all(self._allowed(ch) for ch in piece) or \
                            not (joined.startswith(started) or started.startswith(joined)):
                        continue
                    if len(joined) >= len(started) + count:
                        found.setdefault(joined[len(started): len(started) + count], score + logprob)
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
