"""Log-probabilities from a causal language model: the one primitive every zero-shot solver uses.

Batches are left-padded (with matching position ids) so every row ends at the same index. The
output layer is applied only to the positions that are needed, a few at a time: Gemma's 262k-word
output layer costs more than the rest of the network, and its logits for a few hundred positions
would take gigabytes.

`shared_prefix_logprobs` scores many continuations of one prefix: the prefix runs once and its
key/value cache is reused, continuations run a few rows at a time, and the output layer is applied
to a few positions at a time, so memory stays bounded whatever the number of candidates.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import torch

from demo.batching import length_groups
from demo.models import LoadedModel

ROWS_PER_PASS = 16  # continuations per forward pass at most (each carries a copy of the prefix cache)
POSITIONS_PER_PROJECTION = 64  # positions sent through the 262k-word output layer at once (~67 MB)
# "What flips it" on Gemma: a 270M language model asks slower than a classic checkpoint; the budget counts
# from the request's start, and 8 s let the search reach its substitutions and pairs (the bundled English
# reviews: 3 of 3 flipped in 4.4-6.3 s; at 4.5 s, 1 of 3: 18-26 questions)
SEARCH_BUDGET_S = 8.0


def tokens_per_pass(loaded: LoadedModel) -> int:
    """Padded tokens one forward pass may carry. On a CPU a pass costs the same per token however
    many rows it holds (Gemma 3 270M: ~7 ms a token on 2 cores, 1 row or 40), so small passes lose
    nothing and let the inference thread answer others and check the budget every few seconds; a
    GPU gains from wide passes."""
    return 8192 if loaded.model.device.type == "cuda" else 256


def passes(loaded: LoadedModel, lengths: list[int], max_rows: int | None = None) -> list[list[int]]:
    """Indices of the rows that share a forward pass: similar lengths together, at most
    `tokens_per_pass` once padded to the longest (and `max_rows`)."""
    return length_groups(lengths, tokens_per_pass(loaded), max_rows)


def _left_padded(loaded: LoadedModel, rows: list[list[int]]) -> dict[str, torch.Tensor]:
    """`rows` as one left-padded batch on the model's device: the decoder's ids, mask and positions."""
    pad, width = loaded.tokenizer.pad_token_id or 0, max(len(r) for r in rows)
    ids = torch.tensor([[pad] * (width - len(r)) + r for r in rows], device=loaded.model.device)
    mask = torch.tensor([[0] * (width - len(r)) + [1] * len(r) for r in rows], device=loaded.model.device)
    positions = (mask.cumsum(-1) - 1).clamp(min=0)  # left padding must not shift the positions
    return {"input_ids": ids, "attention_mask": mask, "position_ids": positions}


def _left_padded_hidden(loaded: LoadedModel, rows: list[list[int]], keep: int) -> torch.Tensor:
    """Final hidden states of the last `keep` positions of each left-padded row, [batch, keep, hidden]."""
    return loaded.model.get_decoder()(**_left_padded(loaded, rows)).last_hidden_state[:, -keep:]


@torch.inference_mode()
def next_token_logprobs(loaded: LoadedModel, prompts: list[list[int]]) -> torch.Tensor:
    """Log-distribution of the token after each prompt, shape [batch, vocab]."""
    hidden = _left_padded_hidden(loaded, prompts, keep=1)[:, -1]
    logits = softcap(loaded.model, loaded.model.get_output_embeddings()(hidden).float())
    return logits.log_softmax(-1).cpu()


@torch.inference_mode()
def continuation_logprobs(loaded: LoadedModel, pairs: list[tuple[list[int], list[int]]],
                          between: Callable[[], None] = lambda: None) -> list[list[float]]:
    """Per-token log P(continuation | context) for each (context, continuation) pair, a few pairs of
    similar length per forward pass (`between` is called before each)."""
    out: list[list[float]] = [None] * len(pairs)  # type: ignore[list-item]
    for group in passes(loaded, [len(context) + len(continuation) for context, continuation in pairs]):
        between()
        for i, row in zip(group, _continuation_pass(loaded, [pairs[i] for i in group]), strict=True):
            out[i] = row
    return out


def _continuation_pass(loaded: LoadedModel, pairs: list[tuple[list[int], list[int]]]) -> list[list[float]]:
    keep = max(len(continuation) for _, continuation in pairs) + 1
    hidden = _left_padded_hidden(loaded, [context + continuation for context, continuation in pairs], keep)
    out = []
    for row, (_, continuation) in enumerate(pairs):
        start = keep - 1 - len(continuation)
        targets = torch.tensor(continuation, device=hidden.device)
        out.append(picked_logprobs(loaded.model, hidden[row, start : start + len(continuation)], targets).tolist())
    return out


def _continue_prefix(model, cache, prefix_length: int, rows: list[list[int]]):
    """Right-padded `rows` run on a copy of the prefix's cache per row: (ids, valid, hidden states)."""
    device = model.device
    width = max(len(r) for r in rows)
    ids = torch.tensor([r + [0] * (width - len(r)) for r in rows], device=device)
    valid = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows], device=device)
    mask = torch.cat([torch.ones(len(rows), prefix_length, dtype=torch.long, device=device), valid], 1)
    positions = (prefix_length + torch.arange(width, device=device)).expand(len(rows), width)
    rows_cache = copy.deepcopy(cache)
    rows_cache.batch_repeat_interleave(len(rows))
    hidden = model.get_decoder()(input_ids=ids, attention_mask=mask, position_ids=positions,
                                 past_key_values=rows_cache, use_cache=True).last_hidden_state
    return ids, valid, hidden


@torch.inference_mode()
def prefix_state(loaded: LoadedModel, prefix: list[int]):
    """The prefix's key/value cache and the log-distribution of the token after it: rows continue
    copies of the cache, so the pair can be kept and reused."""
    model = loaded.model
    out = model.get_decoder()(input_ids=torch.tensor([prefix], device=model.device), use_cache=True)
    # the last position kept as a row of one: a dynamic-int8 output layer takes matrices only
    first = softcap(model, model.get_output_embeddings()(out.last_hidden_state[0, -1:]).float())[0].log_softmax(-1)
    return out.past_key_values, first


@torch.inference_mode()
def shared_prefix_logprobs(loaded: LoadedModel, prefix: list[int], continuations: list[list[int]],
                           between: Callable[[], None] = lambda: None, state=None) -> list[list[float]]:
    """Per-token log P(continuation | prefix) for each non-empty continuation.

    `between` is called between two forward passes (the inference thread answers waiting requests
    there, and stops the work when its request went away). The prefix runs once, or not at all
    given its kept `prefix_state`.
    """
    model = loaded.model
    # the prefix's last position predicts every continuation's first token
    cache, first = state if state is not None else prefix_state(loaded, prefix)
    scores: list[list[float]] = [None] * len(continuations)  # type: ignore[list-item]
    for group in passes(loaded, [len(row) for row in continuations], ROWS_PER_PASS):
        between()
        rows = [continuations[i] for i in group]
        ids, valid, hidden = _continue_prefix(model, cache, len(prefix), rows)
        # position j predicts token j + 1 of its row; the prefix's last position predicted token 0
        predicting = valid[:, 1:].bool()
        picked = iter(picked_logprobs(model, hidden[:, :-1][predicting], ids[:, 1:][predicting]).tolist())
        for i, row in zip(group, rows, strict=True):
            scores[i] = [first[row[0]].item(), *(next(picked) for _ in row[1:])]
    return scores


@torch.inference_mode()
def prefixes_state(loaded: LoadedModel, prefixes: list[list[int]]):
    """Several prefixes' key/value cache as one left-padded batch, its padding mask and the
    log-distribution of the token after each prefix: one continuation is then scored after all of
    them in a single pass (`after_each_prefix_logprobs`), and the state can be kept and reused."""
    model, batch = loaded.model, _left_padded(loaded, prefixes)
    out = model.get_decoder()(**batch, use_cache=True)
    first = softcap(model, model.get_output_embeddings()(out.last_hidden_state[:, -1]).float()).log_softmax(-1)
    return out.past_key_values, batch["attention_mask"], first


def _same_tokens_after_each(loaded: LoadedModel, cache, mask: torch.Tensor, tokens: list[int]):
    """`tokens` run after every prefix of a kept left-padded cache, on a copy of it: (the decoder's output,
    the ids, the mask with the tokens added)."""
    rows, length = len(mask), len(tokens)
    ids = torch.tensor([tokens], device=mask.device).expand(rows, length)
    positions = mask.sum(-1, keepdim=True) + torch.arange(length, device=mask.device)
    full_mask = torch.cat([mask, torch.ones(rows, length, dtype=mask.dtype, device=mask.device)], 1)
    out = loaded.model.get_decoder()(input_ids=ids, attention_mask=full_mask, position_ids=positions,
                                     past_key_values=copy.deepcopy(cache), use_cache=True)
    return out, ids, full_mask


@torch.inference_mode()
def after_each_prefix_logprobs(loaded: LoadedModel, state, continuation: list[int]) -> list[list[float]]:
    """Per-token log P(continuation | prefix) after each prefix of a kept `prefixes_state`, in one
    pass over the continuation's tokens alone."""
    cache, mask, first = state
    model, rows, length = loaded.model, len(mask), len(continuation)
    out, ids, _ = _same_tokens_after_each(loaded, cache, mask, continuation)
    hidden = out.last_hidden_state
    # position j predicts token j + 1; each prefix's last position predicted token 0
    rest = picked_logprobs(model, hidden[:, :-1].reshape(-1, hidden.shape[-1]), ids[:, 1:].reshape(-1))
    return torch.cat([first[:, continuation[0]][:, None], rest.view(rows, length - 1)], 1).tolist()


@torch.inference_mode()
def rows_after_each_prefix_logprobs(loaded: LoadedModel, state, rows: list[list[int]],
                                    between: Callable[[], None] = lambda: None) -> list[list[float]]:
    """Per-token log P(row | prefix) for every row after every prefix of a kept `prefixes_state`,
    [prefix][row] flattened prefix-major. A pass keeps its cache copies within `tokens_per_pass` x
    `ROWS_PER_PASS` tokens and its positions through the 262k-word output layer within half of
    `tokens_per_pass` (20 labels after 19 texts in one pass held the thread 13 s on a busy CPU)."""
    cache, mask, first = state
    model, prefixes = loaded.model, len(mask)
    predicted = prefixes * max(1, max(len(row) for row in rows) - 1)  # positions a row adds to the projection
    per_pass = max(1, min(tokens_per_pass(loaded) * ROWS_PER_PASS // (prefixes * mask.shape[1]),
                          tokens_per_pass(loaded) // 2 // predicted))
    scores: list[list[float]] = [None] * (prefixes * len(rows))  # type: ignore[list-item]
    for start in range(0, len(rows), per_pass):
        between()
        chunk = rows[start : start + per_pass]
        width = max(len(r) for r in chunk)
        ids = torch.tensor([r + [0] * (width - len(r)) for r in chunk] * prefixes, device=mask.device)
        valid = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in chunk] * prefixes, device=mask.device)
        row_mask = mask.repeat_interleave(len(chunk), 0)
        positions = row_mask.sum(-1, keepdim=True) + torch.arange(width, device=mask.device)
        rows_cache = copy.deepcopy(cache)
        rows_cache.batch_repeat_interleave(len(chunk))
        hidden = model.get_decoder()(input_ids=ids, attention_mask=torch.cat([row_mask, valid], 1),
                                     position_ids=positions, past_key_values=rows_cache,
                                     use_cache=True).last_hidden_state
        predicting = valid[:, 1:].bool()
        picked = iter(picked_logprobs(model, hidden[:, :-1][predicting], ids[:, 1:][predicting]).tolist())
        for prefix in range(prefixes):
            for offset, row in enumerate(chunk):
                scores[prefix * len(rows) + start + offset] = [first[prefix, row[0]].item(),
                                                              *(next(picked) for _ in row[1:])]
    return scores


@torch.inference_mode()
def continued_state(loaded: LoadedModel, state, length: int, tokens: list[int]):
    """A kept `prefix_state` of `length` tokens continued by `tokens`: the state of prefix + tokens,
    the prefix not read again."""
    model, device = loaded.model, loaded.model.device
    out = model.get_decoder()(input_ids=torch.tensor([tokens], device=device),
                              position_ids=torch.arange(length, length + len(tokens), device=device)[None],
                              past_key_values=copy.deepcopy(state[0]), use_cache=True)
    first = softcap(model, model.get_output_embeddings()(out.last_hidden_state[0, -1:]).float())[0].log_softmax(-1)
    return out.past_key_values, first


@torch.inference_mode()
def continued_prefixes_state(loaded: LoadedModel, state, tokens: list[int]):
    """A kept `prefixes_state` with the same `tokens` after every prefix, in one pass over them."""
    cache, mask, _ = state
    model = loaded.model
    out, _, full_mask = _same_tokens_after_each(loaded, cache, mask, tokens)
    first = softcap(model, model.get_output_embeddings()(out.last_hidden_state[:, -1]).float()).log_softmax(-1)
    return out.past_key_values, full_mask, first


def prefix_cache(loaded: LoadedModel, prefix: list[int]):
    """The key/value cache of `prefix`: rows continue copies of it, so it can be kept and reused."""
    return prefix_state(loaded, prefix)[0]


@torch.inference_mode()
def shared_prefix_next_tokens(loaded: LoadedModel, prefix: list[int], rows: list[list[int]],
                              tokens: list[int] | None, between: Callable[[], None] = lambda: None,
                              cache=None) -> torch.Tensor:
    """log P(each of `tokens`, or of every token when None) right after prefix + row, for each
    non-empty row, [rows, tokens]: the prefix runs once (or not at all, given its kept `cache`) and
    its cache is reused, rows run a few of similar length at a time (right-padded, `passes`)."""
    model, device = loaded.model, loaded.model.device
    cache = cache if cache is not None else prefix_cache(loaded, prefix)
    out = torch.empty(len(rows), len(tokens) if tokens is not None else model.get_output_embeddings().out_features)
    for group in passes(loaded, [len(row) for row in rows], ROWS_PER_PASS):
        between()
        chunk = [rows[i] for i in group]
        _, valid, hidden = _continue_prefix(model, cache, len(prefix), chunk)
        last = hidden[torch.arange(len(chunk), device=device), valid.sum(-1) - 1]
        logprobs = softcap(model, model.get_output_embeddings()(last).float()).log_softmax(-1)
        out[group] = (logprobs if tokens is None else logprobs[:, tokens]).cpu()
    return out


def picked_logprobs(model, hidden: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """log P(target) at each position, projecting a few positions at a time onto the vocabulary (the
    262k-word logits of a few hundred positions would take gigabytes)."""
    head = model.get_output_embeddings()
    out = []
    for start in range(0, len(targets), POSITIONS_PER_PROJECTION):
        logits = softcap(model, head(hidden[start : start + POSITIONS_PER_PROJECTION]).float())
        chunk = targets[start : start + POSITIONS_PER_PROJECTION]
        out.append(logits.gather(-1, chunk[:, None]).squeeze(-1) - logits.logsumexp(-1))
    return torch.cat(out) if out else torch.empty(0)


def softcap(model, logits: torch.Tensor) -> torch.Tensor:
    """Gemma-style final logit soft-capping, where the config asks for it."""
    cap = getattr(model.config, "final_logit_softcapping", None)
    return torch.tanh(logits / cap) * cap if cap else logits


def encode(loaded: LoadedModel, text: str, bos: bool = False) -> list[int]:
    """Token ids of `text`, with the BOS token in front when `bos`."""
    ids = loaded.tokenizer(text, add_special_tokens=False)["input_ids"]
    return [loaded.tokenizer.bos_token_id, *ids] if bos else ids
