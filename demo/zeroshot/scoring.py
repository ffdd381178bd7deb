"""Log-probabilities from a causal language model: the one primitive every zero-shot solver uses.

Batches are left-padded (with matching position ids) so every row ends at the same index; the
model then computes vocabulary logits only for the last positions that are needed, which matters
for Gemma, whose 262k-word output layer costs more than the rest of the network.
"""

from __future__ import annotations

import torch

from demo.models import LoadedModel


def _left_padded_logits(loaded: LoadedModel, rows: list[list[int]], keep: int) -> torch.Tensor:
    """Logits of the last `keep` positions of each left-padded row, shape [batch, keep, vocab]."""
    pad = loaded.tokenizer.pad_token_id or 0
    width = max(len(r) for r in rows)
    ids = torch.tensor([[pad] * (width - len(r)) + r for r in rows])
    mask = torch.tensor([[0] * (width - len(r)) + [1] * len(r) for r in rows])
    positions = (mask.cumsum(-1) - 1).clamp(min=0)  # left padding must not shift the positions
    model = loaded.model
    output = model(input_ids=ids.to(model.device), attention_mask=mask.to(model.device),
                   position_ids=positions.to(model.device), logits_to_keep=keep)
    return output.logits[:, -keep:].float()


@torch.inference_mode()
def next_token_logprobs(loaded: LoadedModel, prompts: list[list[int]]) -> torch.Tensor:
    """Log-distribution of the token after each prompt, shape [batch, vocab]."""
    return _left_padded_logits(loaded, prompts, keep=1)[:, -1].log_softmax(-1).cpu()


@torch.inference_mode()
def continuation_logprobs(loaded: LoadedModel, pairs: list[tuple[list[int], list[int]]]) -> list[list[float]]:
    """Per-token log P(continuation | context) for each (context, continuation) pair, in one batch."""
    keep = max(len(continuation) for _, continuation in pairs) + 1
    logits = _left_padded_logits(loaded, [context + continuation for context, continuation in pairs], keep)
    out = []
    for row, (_, continuation) in enumerate(pairs):
        start = keep - 1 - len(continuation)
        predicting = logits[row, start : start + len(continuation)]
        targets = torch.tensor(continuation, device=predicting.device)
        picked = predicting.gather(-1, targets[:, None]).squeeze(-1) - predicting.logsumexp(-1)
        out.append(picked.tolist())
    return out


def encode(loaded: LoadedModel, text: str, bos: bool = False) -> list[int]:
    """Token ids of `text`, with the BOS token in front when `bos`."""
    ids = loaded.tokenizer(text, add_special_tokens=False)["input_ids"]
    return [loaded.tokenizer.bos_token_id, *ids] if bos else ids
