"""The logit lens: what a model would answer if it stopped after each of its layers.

After layer l the model holds a state h_l at the position it reads (the next token after a prompt,
or a blank). The model's own reading of its last state is its answer; the same reading applied to
an earlier state, softmax(W_U · norm(h_l)) for a left-to-right model (its final norm, then its
output layer) or the masked-LM head on h_l for an encoder, says what that layer would answer
(nostalgebraist 2020). Only the last layer is trained to be read this way: early rows show the
answer forming, not what those layers "think".

The last row is always the model's own output (its logits, not a reconstruction), so it equals the
answer the task gives. The output layer is applied to one position per layer, never to the whole
sequence (Gemma's 262k-word layer on 512 positions would take half a gigabyte).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from demo.engines.gemma.scoring import softcap
from demo.errors import InputError
from demo.i18n import Text
from demo.models import LoadedModel

MAX_TOKENS = 512  # tokens the lens reads: one pass, and the output layer once per layer
TOP = 5  # likeliest tokens shown per layer
# what the position read is, for the page (its Chinese in the catalog)
NEXT_TOKEN = "the next token after the prompt"
FIRST_MASK = "the first [MASK], as the masked-LM head fills it (any other [MASK] stays a blank)"
FILL_IN_PROMPT = ("the first blank's first token as the fill-in-the-blank prompt proposes it (the tab's answer then "
                  "ranks the proposed words by how likely the whole sentence becomes with each)")


@dataclass(frozen=True)
class Layers:
    """Each layer's distribution at the position read, [layers, vocabulary], the last the model's own."""

    probabilities: torch.Tensor
    read: str  # what the position is (the engine's `lens_reads`)
    tokens: int  # how many tokens the model read


def require_short(ids: list[int], what: str) -> None:
    """`what`: "prompts", "texts" or "texts in their prompt" (each has its Chinese in the catalog)."""
    if len(ids) > MAX_TOKENS:
        raise InputError(Text("The layer view reads {what} of up to {limit} tokens; this one is {count} tokens. "
                              "Please shorten it.", what=Text(what), limit=MAX_TOKENS, count=f"{len(ids):,}"))


def final_norm(model) -> Callable[[torch.Tensor], torch.Tensor]:
    """A left-to-right model's norm before its output layer (Gemma, Qwen, Llama: `norm`; GPT-2: `ln_f`)."""
    decoder = model.get_decoder()
    for name in ("norm", "ln_f", "final_layer_norm"):
        if isinstance(getattr(decoder, name, None), torch.nn.Module):
            return getattr(decoder, name)
    raise InputError(Text("The layer view cannot find the final norm of {model}.", model=type(model).__name__))


def masked_lm_head(model) -> Callable[[torch.Tensor], torch.Tensor]:
    """An encoder's masked-LM head, read on any layer's state (BERT: `cls.predictions`, with or without
    its next-sentence head beside it; RoBERTa: `lm_head`)."""
    for head in (getattr(getattr(model, "cls", None), "predictions", None), getattr(model, "lm_head", None)):
        if isinstance(head, torch.nn.Module):
            return head
    raise InputError(Text("The layer view reads BERT- and RoBERTa-style masked-LM heads; {model} has another.",
                          model=type(model).__name__))


@torch.inference_mode()
def causal_layers(loaded: LoadedModel, ids: list[int], checkpoint: Callable[[], None]) -> torch.Tensor:
    """[layers, vocabulary]: the next token after `ids` as each layer would answer it."""
    model = loaded.model
    out = model(input_ids=torch.tensor([ids], device=model.device), output_hidden_states=True, logits_to_keep=1)
    norm, head = final_norm(model), model.get_output_embeddings()
    rows = []
    for state in out.hidden_states[1:-1]:  # after each layer but the last: the embeddings are no layer's
        checkpoint()
        rows.append(softcap(model, head(norm(state[0, -1])).float()).softmax(-1))
    rows.append(out.logits[0, -1].float().softmax(-1))  # the model's own answer
    return torch.stack(rows).cpu()


@torch.inference_mode()
def masked_layers(loaded: LoadedModel, ids: list[int], position: int, checkpoint: Callable[[], None]) -> torch.Tensor:
    """[layers, vocabulary]: the token at `position` (a mask) as each layer would fill it."""
    model = loaded.model
    out = model(**loaded.padded([ids]), output_hidden_states=True)
    head = masked_lm_head(model)
    rows = []
    for state in out.hidden_states[1:-1]:
        checkpoint()
        rows.append(head(state[:, position : position + 1])[0, 0].float().softmax(-1))
    logits = out.logits if getattr(out, "prediction_logits", None) is None else out.prediction_logits
    rows.append(logits[0, position].float().softmax(-1))
    return torch.stack(rows).cpu()


def table(tokenizer, layers: Layers) -> dict:
    """The API's answer: per layer the likeliest tokens and the final answer's probability and rank."""
    probabilities = layers.probabilities
    answer = int(probabilities[-1].argmax())
    rows = []
    for index, row in enumerate(probabilities):
        top = row.topk(TOP)
        rank = int((row > row[answer]).sum()) + 1
        rows.append({"layer": index + 1,
                     "top": [[tokenizer.decode([i]), round(p, 5)] for p, i in zip(top.values.tolist(),
                                                                                  top.indices.tolist(), strict=True)],
                     "answer_probability": round(float(row[answer]), 5), "answer_rank": rank})
    return {"read": layers.read, "tokens": layers.tokens, "answer": tokenizer.decode([answer]), "layers": rows}
