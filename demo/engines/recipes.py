"""The code that reproduces an answer: a self-contained transformers script per engine, with the
model (its pinned id and revision, or its folder), the user's input and the app's own method.

Each script prints one JSON line, {label: probability}, in the order the app shows them; the tests
run each one in a subprocess and compare it with the API's answer.
"""

from __future__ import annotations

from pathlib import Path

from demo.models import ModelRef


def where(model: str) -> str:
    """A hub id, or a folder as Python that finds it: under the home folder written from "~" (the code a
    visitor copies shows no server's home folder, and runs as is on the server's account)."""
    home = str(Path.home())
    if model.startswith(home + "/"):
        return f"os.path.expanduser({'~' + model[len(home):]!r})"
    return repr(model)


def _source(ref: ModelRef) -> str:
    """The model's id and, for a hub checkpoint, its pinned revision."""
    revision = f"{{'revision': {ref.revision!r}}}" if ref.revision else "{}"
    return f"model_id = {where(ref.id)}\nsource = {revision}"


def classifier(ref: ModelRef, text: str) -> str:
    return f'''import json
import os
import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer

{_source(ref)}
tokenizer = AutoTokenizer.from_pretrained(model_id, **source)
model = AutoModelForSequenceClassification.from_pretrained(model_id, **source).eval()

text = {text!r}
inputs = tokenizer(text, truncation=True, return_tensors="pt")  # 1. input processing: tokens and ids
with torch.no_grad():
    logits = model(**inputs).logits[0]  # 2. model inference: one logit per class
probabilities = logits.softmax(-1)  # 3. post-processing: softmax, then the argmax is the answer
print(json.dumps({{model.config.id2label[i]: p for i, p in enumerate(probabilities.tolist())}}))  # 4. presentation
'''


def next_sentence(ref: ModelRef, sentence_a: str, sentence_b: str) -> str:
    return f'''import json
import os
import torch
from transformers import AutoModelForPreTraining, AutoTokenizer

{_source(ref)}
tokenizer = AutoTokenizer.from_pretrained(model_id, **source)
model = AutoModelForPreTraining.from_pretrained(model_id, **source).eval()  # BERT with its NSP head

inputs = tokenizer({sentence_a!r}, {sentence_b!r}, truncation=True, return_tensors="pt")  # 1. [CLS] A [SEP] B [SEP]
with torch.no_grad():
    logits = model(**inputs).seq_relationship_logits[0]  # 2. inference: the NSP head on [CLS]
is_next, not_next = logits.softmax(-1).tolist()  # 3. post-processing: index 0 is "B follows A"
print(json.dumps({{"IsNext": is_next, "NotNext": not_next}}))  # 4. presentation
'''


def gemma_sentiment(folder: str, examples: str, text: str, content_free: list[str], pairs, weight: float) -> str:
    return f'''import json
import os
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

folder = {where(folder)}  # Gemma 3 270M, converted by the app from its pip package
tokenizer = AutoTokenizer.from_pretrained(folder)
model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32).eval()
tokens = lambda text: tokenizer(text, add_special_tokens=False)["input_ids"]  # noqa: E731
examples = {examples!r}  # eight example reviews written for the app, with their labels
pairs = {[list(pair) for pair in pairs]!r}  # (positive word, negative word)
words = torch.tensor([[tokens(word)[0] for word in pair] for pair in pairs])


def pair_probabilities(review):
    # 1. input processing: the few-shot prompt, then the review, then "Sentiment:"
    ids = [tokenizer.bos_token_id, *tokens(examples), *tokens("Review: "), *tokens(review), *tokens("\\nSentiment:")]
    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits[0, -1].float()  # 2. inference: the next-token logits
    return logits.log_softmax(-1)[words].softmax(-1)  # each pair's two words, renormalised: [pairs, 2]


# 3. post-processing: each pair divided by the same for content-free reviews (contextual
# calibration), the pairs multiplied (each to the power {weight!r}), renormalised
prior = torch.stack([pair_probabilities(free) for free in {content_free!r}]).mean(0)
calibrated = ((pair_probabilities({text!r}).log() - prior.log()) * {weight!r}).sum(0).softmax(-1)
print(json.dumps({{"POSITIVE": calibrated[0].item(), "NEGATIVE": calibrated[1].item()}}))  # 4. presentation
'''
