"""Log-probabilities from a causal language model: the one primitive every zero-shot solver uses."""

from __future__ import annotations

import torch

from demo.models import LoadedModel


@torch.inference_mode()
def next_token_logprobs(loaded: LoadedModel, prompts: list[list[int]]) -> torch.Tensor:
    """Log-distribution of the token after each prompt (left-padded batch), shape [batch, vocab]."""
    pad = loaded.tokenizer.pad_token_id or 0
    width = max(len(p) for p in prompts)
    ids = torch.tensor([[pad] * (width - len(p)) + p for p in prompts])
    mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in prompts])
    model = loaded.model
    logits = model(input_ids=ids.to(model.device), attention_mask=mask.to(model.device)).logits[:, -1]
    return logits.float().log_softmax(-1).cpu()


@torch.inference_mode()
def continuation_logprobs(loaded: LoadedModel, pairs: list[tuple[list[int], list[int]]]) -> list[list[float]]:
    """Per-token log P(continuation | context) for each (context, continuation) pair, in one batch."""
    pad = loaded.tokenizer.pad_token_id or 0
    rows = [context + continuation for context, continuation in pairs]
    width = max(len(r) for r in rows)
    ids = torch.tensor([r + [pad] * (width - len(r)) for r in rows])
    mask = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows])
    model = loaded.model
    logprobs = model(input_ids=ids.to(model.device), attention_mask=mask.to(model.device)).logits.float().log_softmax(-1)
    out = []
    for row, (context, continuation) in enumerate(pairs):
        start = len(context)
        targets = torch.tensor(continuation, device=logprobs.device)
        picked = logprobs[row, start - 1 : start - 1 + len(continuation)].gather(-1, targets[:, None])
        out.append(picked.squeeze(-1).tolist())
    return out


def encode(loaded: LoadedModel, text: str, bos: bool = False) -> list[int]:
    """Token ids of `text`, with the BOS token in front when `bos`."""
    ids = loaded.tokenizer(text, add_special_tokens=False)["input_ids"]
    return [loaded.tokenizer.bos_token_id, *ids] if bos else ids
