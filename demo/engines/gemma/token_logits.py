"""Label words' logits alone: when only a few words are compared (a label pair, renormalised over its
two words), their rows of the output layer are all a pass needs. Gemma's 262k-word output layer is
the costliest read of a short pass on a CPU (~0.2 s, memory-bound); its rows for eight words cost
nothing, and the log-probability's normaliser cancels in any comparison between them."""

from __future__ import annotations

import copy
from collections.abc import Callable

import torch

from demo.batching import length_groups
from demo.engines.gemma.scoring import (ROWS_PER_PASS, _continue_prefix, _left_padded, passes, prefix_cache, softcap,
                                        tokens_per_pass)
from demo.models import LoadedModel


def head_rows(model, tokens: list[int]) -> tuple[torch.Tensor, torch.Tensor | None]:
    """The output layer's rows (and bias) for `tokens` alone, in float (a dynamic-int8 layer's too)."""
    head = model.get_output_embeddings()
    weight = head.weight() if callable(head.weight) else head.weight
    weight = weight.dequantize() if weight.is_quantized else weight
    bias = head.bias() if callable(getattr(head, "bias", None)) else getattr(head, "bias", None)
    return weight[tokens], None if bias is None else bias[tokens]


@torch.inference_mode()
def shared_prefix_token_logits(loaded: LoadedModel, prefix: list[int], rows: list[list[int]], tokens: list[int],
                               between: Callable[[], None] = lambda: None, cache=None) -> torch.Tensor:
    """The output layer's logits of `tokens` alone right after prefix + row, [rows, tokens]: each a
    log-probability up to its row's normalizer, which cancels in any comparison between them (label
    words renormalised over their pair). The 262k-word output layer is the costliest read of a short
    pass on a CPU (~0.2 s, memory-bound); its rows for eight words cost nothing."""
    model, device = loaded.model, loaded.model.device
    cache = cache if cache is not None else prefix_cache(loaded, prefix)
    weight, bias = head_rows(model, tokens)
    out = torch.empty(len(rows), len(tokens))
    for group in passes(loaded, [len(row) for row in rows], ROWS_PER_PASS):
        between()
        chunk = [rows[i] for i in group]
        _, valid, hidden = _continue_prefix(model, cache, len(prefix), chunk)
        last = hidden[torch.arange(len(chunk), device=device), valid.sum(-1) - 1]
        out[group] = softcap(model, torch.nn.functional.linear(last, weight, bias).float()).cpu()
    return out


@torch.inference_mode()
def token_logits_after_each_prefix(loaded: LoadedModel, prefixes: list[list[int]], rows: list[list[int]],
                                   tokens: list[int], between: Callable[[], None] = lambda: None) -> torch.Tensor:
    """[prefixes, rows, tokens]: the output layer's logits of `tokens` alone right after prefix + row,
    for every prefix and every (non-empty) row. Prefixes of similar length run left-padded, as many a
    pass as fit in twice `tokens_per_pass` where their rows are short (a pass on a CPU first reads every
    weight, ~0.15 s on Gemma 3 270M: prompts that share a pass pay it once), then the rows after them on
    copies of their cache, rows of similar length together within `tokens_per_pass` (a long row alone)."""
    model, budget = loaded.model, tokens_per_pass(loaded)
    out = torch.empty(len(prefixes), len(rows), len(tokens))
    weight, bias = head_rows(model, tokens)
    width = max(len(row) for row in rows)
    for group in length_groups([len(prefix) for prefix in prefixes], 2 * budget, max(1, budget // (2 * width))):
        between()
        batch = _left_padded(loaded, [prefixes[i] for i in group])
        cache = model.get_decoder()(**batch, use_cache=True).past_key_values
        for chunk in length_groups([len(row) for row in rows], max(1, budget // len(group))):
            between()
            logits = _after_prefixes(model, cache, batch["attention_mask"], [rows[i] for i in chunk], weight, bias)
            out[torch.tensor(group)[:, None], torch.tensor(chunk)[None, :]] = logits
    return out


def _after_prefixes(model, cache, mask: torch.Tensor, rows: list[list[int]], weight, bias) -> torch.Tensor:
    """[prefixes, rows, tokens] for one pass: every row after every prefix of a left-padded cache (a copy)."""
    device, width = model.device, max(len(row) for row in rows)
    mask = mask.repeat_interleave(len(rows), 0)
    ids = torch.tensor([row + [0] * (width - len(row)) for row in rows] * (len(mask) // len(rows)), device=device)
    valid = torch.tensor([[1] * len(row) + [0] * (width - len(row)) for row in rows] * (len(mask) // len(rows)),
                         device=device)
    copied = copy.deepcopy(cache)
    copied.batch_repeat_interleave(len(rows))
    hidden = model.get_decoder()(input_ids=ids, attention_mask=torch.cat([mask, valid], 1),
                                 position_ids=mask.sum(-1, keepdim=True) + torch.arange(width, device=device),
                                 past_key_values=copied, use_cache=True).last_hidden_state
    last = hidden[torch.arange(len(ids), device=device), valid.sum(-1) - 1]
    logits = softcap(model, torch.nn.functional.linear(last, weight, bias).float()).cpu()
    return logits.view(len(mask) // len(rows), len(rows), -1)
