"""Words a model would put in place of a word of the text: where "what flips it" finds its
substitutions (a model's own proposals, not a thesaurus).

A left-to-right model proposes, for each word, its opposites (a few-shot prompt) and the words it
expects after the words before it: one pass over the text gives the words' positions at once. A
masked model (BERT's MLM head) sees both sides: each word is hidden behind one [MASK] and its head
proposes the filler.
Only proposals that are whole words in the text's script are kept, never the word itself.
"""

from __future__ import annotations

import re

import torch

from demo.language import is_han

Proposals = list[tuple[tuple[int, int], list[str]]]  # per word: its span as the model reads it, the words proposed
LATIN_WORD = re.compile(r"[A-Za-z][a-z]*(?:'[a-z]+)?")
CANDIDATES = 64  # tokens looked at per position before the filters keep `k`
OPPOSITES = 2  # of a word's proposals, how many are its opposites (the rest: what fits its place)
MAX_TOKENS = 512  # of the text read for proposals: words past it get none (the search stays bounded)


def usable(piece: str, original: str) -> str:
    """The proposal as a word when it is one in the original's script, else ''."""
    word = piece.strip()
    if word.lower() == original.lower():
        return ""
    if all(is_han(ch) for ch in original):
        return word if word and all(is_han(ch) for ch in word) else ""
    # a first piece of a longer word ("un" of "unexpected") is no word: short ones only where the original is
    return word if LATIN_WORD.fullmatch(word) and (len(word) > 2 or len(original) <= 2) else ""


def first_words(pieces: list[str], original: str, k: int) -> list[str]:
    kept: list[str] = []
    for piece in pieces:
        word = usable(piece, original)
        if word and word not in kept:
            kept.append(word)
        if len(kept) == k:
            break
    return kept


def opposites_prompt(word: str) -> str:
    """A few-shot prompt whose next word is the opposite of `word`: the edits that flip an answer
    most often say the opposite (a left-to-right model guesses the rest from the left side only)."""
    if all(is_han(ch) for ch in word):
        return f"反义词：热→冷，喜欢→讨厌，干净→脏，早→晚，{word}→"
    return f"Opposites: hot → cold, love → hate, clean → dirty, early → late, {word} →"


def token_units(text: str, offsets: list[tuple[int, int]], spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Each span, widened in Chinese to the tokenizer's word that holds it (周 → 周到): a Chinese
    word is replaced whole, by words of any length."""
    units = []
    for start, end in spans:
        unit = (start, end)
        if all(is_han(ch) for ch in text[start:end]):
            for a, b in offsets:
                if a <= start < b and all(is_han(ch) for ch in text[a:b]):
                    unit = (a, b)
        if unit not in units:
            units.append(unit)
    return units


@torch.inference_mode()
def causal_substitutes(loaded, text: str, spans: list[tuple[int, int]], k: int) -> Proposals:
    """Per word (a Chinese one widened to its token), up to `k` words a causal LM proposes in its
    place: its opposites first, then the words it expects after the words before it (with `k` 0, the
    words only, and no pass of the model)."""
    from demo.engines.gemma.scoring import encode, next_token_logprobs, softcap

    tokenizer = loaded.tokenizer
    encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    offsets = encoded["offset_mapping"][:MAX_TOKENS]
    ids = [tokenizer.bos_token_id, *encoded["input_ids"][:MAX_TOKENS]]
    starts = {}
    for position, (start, end) in enumerate(offsets):
        starts.setdefault(start, position)
        if end > start and text[start] == " ":
            starts.setdefault(start + 1, position)  # "▁great" covers the space before the word
    units = token_units(text, offsets, spans)
    if not units or k == 0:  # the words as this model reads them, nothing proposed
        return [(unit, []) for unit in units]
    # the word's first token: the position before it predicts it (bos first); the vocabulary projection
    # only at those positions, not at every token of the text (512 x 262k logits would be 0.5 GB)
    positions = {unit: starts[unit[0]] for unit in units if unit[0] in starts}
    hidden = loaded.model.get_decoder()(input_ids=torch.tensor([ids], device=loaded.model.device)).last_hidden_state[0]
    rows = sorted(set(positions.values()))
    logits = softcap(loaded.model, loaded.model.get_output_embeddings()(hidden[rows]).float())
    expected_at = dict(zip(rows, logits))
    opposites = next_token_logprobs(loaded, [encode(loaded, opposites_prompt(text[a:b]), bos=True) for a, b in units])
    proposals = []
    for (start, end), opposite in zip(units, opposites):
        original = text[start:end]
        words = first_words([tokenizer.decode([t]) for t in opposite.topk(CANDIDATES).indices.tolist()], original,
                            OPPOSITES)
        if (start, end) in positions:
            row = expected_at[positions[(start, end)]]
            expected = [tokenizer.decode([t]) for t in row.topk(CANDIDATES).indices.tolist()]
            words += [word for word in first_words(expected, original, k) if word not in words]
        proposals.append(((start, end), words[:k]))
    return proposals


@torch.inference_mode()
def masked_substitutes(loaded, text: str, spans: list[tuple[int, int]], k: int) -> Proposals:
    """Per word span, up to `k` words BERT's masked-LM head puts behind a [MASK] in its place."""
    tokenizer, model = loaded.tokenizer, loaded.model
    masked = [text[:start] + tokenizer.mask_token + text[end:] for start, end in spans]
    if not masked or k == 0:
        return [(span, []) for span in spans]
    batch = tokenizer(masked, return_tensors="pt", padding=True, truncation=True, max_length=loaded.max_length)
    logits = model(**batch.to(model.device)).prediction_logits.float()
    proposals = []
    for row, (start, end) in enumerate(spans):
        where = (batch["input_ids"][row] == tokenizer.mask_token_id).nonzero()
        if not len(where):
            continue
        top = logits[row, where[0, 0]].topk(CANDIDATES).indices.tolist()
        pieces = [tokenizer.convert_ids_to_tokens(token) for token in top]  # None: an id the tokenizer lacks
        proposals.append(((start, end), first_words([p for p in pieces if p and not p.startswith("##")],
                                                    text[start:end], k)))
    return proposals
