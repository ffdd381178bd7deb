"""Zero-shot classification with an NLI checkpoint: does the text entail "This text is about <label>."?

The method of transformers' zero-shot-classification pipeline (Yin et al. 2019): each label becomes a
hypothesis, the text is the premise. One label: the entailment logits, softmaxed over the labels.
Several labels may apply: each label on its own, entailment against contradiction.
"""

from __future__ import annotations

import math

import torch

from demo.engines.types import LabelScores, bounded_hypotheses
from demo.errors import ModelLoadError
from demo.explain import MAX_EXPLAIN_TOKENS, Attribution, occlusion, require_short, tokens_of
from demo.inference import LONG_JOB_BUDGET_S, InferenceWorker
from demo.models import LoadedModel, outside_base
from demo.engines.base import ClassicEngine

TOKENS_PER_PASS = 1024  # padded tokens of the premise-hypothesis pairs in one forward pass (~0.5 s on a 2-core CPU)


def nli_labels(config) -> tuple[int, int]:
    """The indices of the entailment and contradiction classes, read from the checkpoint's config."""
    names = {name.lower(): int(index) for index, name in config.id2label.items()}
    entail = next((i for name, i in names.items() if name.startswith("entail")), None)
    contra = next((i for name, i in names.items() if name.startswith("contra")), None)
    if entail is None or contra is None:
        raise ModelLoadError(getattr(config, "name_or_path", "") or "this checkpoint",
                             f"its classes are {', '.join(config.id2label.values())}; zero-shot classification "
                             "needs an NLI checkpoint with entailment and contradiction classes",
                             "Choose an MNLI or XNLI checkpoint, such as MoritzLaurer/mDeBERTa-v3-base-xnli-multilingual-nli-2mil7.")
    return entail, contra


def pair_template(tokenizer) -> tuple[list[int], list[int], list[int], bool]:
    """The special tokens around a premise and a hypothesis ([CLS] a [SEP] b [SEP] for BERT, <s> a
    </s></s> b </s> for RoBERTa), read from how the tokenizer encodes a pair of one-token texts, and
    whether the pair has segment ids."""
    a = tokenizer("x", add_special_tokens=False)["input_ids"]
    b = tokenizer("y", add_special_tokens=False)["input_ids"]
    pair = tokenizer("x", "y")
    ids = pair["input_ids"]
    start = next(i for i in range(len(ids)) if ids[i : i + len(a)] == a)
    middle = next(i for i in range(start + len(a), len(ids)) if ids[i : i + len(b)] == b)
    segments = any(pair.get("token_type_ids") or [])
    return ids[:start], ids[start + len(a) : middle], ids[middle + len(b) :], segments


class NliClassifier(ClassicEngine):
    """Zero-shot labels from an NLI checkpoint (a multilingual XNLI model by default)."""

    auto_model = "AutoModelForSequenceClassification"
    int8_ok = True
    head_hint = "an NLI checkpoint with entailment and contradiction classes (an MNLI or XNLI model)"
    capabilities = frozenset({"attribute", "attend"})
    meaning = ("How strongly a model trained on natural-language inference finds that your text entails "
               "\"this text is about <label>\": a confidence over your labels, not a measured accuracy.")
    attribution_target = "the log-probability of the top label"
    attribution_method = "occlusion"
    missing_head = staticmethod(outside_base)

    def __init__(self, loaded: LoadedModel, worker: InferenceWorker):
        self.loaded, self.worker = loaded, worker
        self.entail, self.contra = nli_labels(loaded.model.config)
        self.head, self.middle, self.tail, self.segments = pair_template(loaded.tokenizer)

    def classify(self, text: str, labels: list[str], multi_label: bool, template: str) -> LabelScores:
        premise = self.loaded.tokenizer(text, add_special_tokens=False)["input_ids"]
        hypotheses = bounded_hypotheses(self._ids, template, labels)
        room = self.loaded.max_length - max(map(len, hypotheses)) - 4
        scores = self.worker.call(self._scores, [premise[:room]], hypotheses, multi_label)[0]
        return LabelScores(dict(zip(labels, scores, strict=True)), max(0, len(premise) - room), room)

    def _ids(self, text: str) -> list[int]:
        return self.loaded.tokenizer(text, add_special_tokens=False)["input_ids"]

    @torch.inference_mode()
    def _scores(self, premises: list[list[int]], hypotheses: list[list[int]], multi_label: bool) -> list[list[float]]:
        """Each premise's probability for each hypothesis."""
        model = self.loaded.model
        pairs = [(p, h) for p in premises for h in hypotheses]
        logits = []
        extra = len(self.head) + len(self.middle) + len(self.tail)
        per_pass = max(1, TOKENS_PER_PASS // (max(len(p) + len(h) for p, h in pairs) + extra))
        for start in range(0, len(pairs), per_pass):
            self.worker.checkpoint()
            chunk = pairs[start : start + per_pass]
            inputs = self.loaded.padded([[*self.head, *p, *self.middle, *h, *self.tail] for p, h in chunk])
            if self.segments:  # BERT-style: the hypothesis and what follows it are segment 1
                width = inputs["input_ids"].shape[1]
                first = [len(self.head) + len(p) + len(self.middle) for p, _ in chunk]
                inputs["token_type_ids"] = torch.tensor(
                    [[0] * n + [1] * (len(h) + len(self.tail)) + [0] * (width - n - len(h) - len(self.tail))
                     for n, (_, h) in zip(first, chunk, strict=True)], device=model.device)
            logits.append(model(**inputs).logits.float())
        grid = torch.cat(logits).view(len(premises), len(hypotheses), -1)
        if multi_label:
            return grid[..., [self.contra, self.entail]].softmax(-1)[..., 1].tolist()
        return grid[..., self.entail].softmax(-1).tolist()

    def attribute(self, text: str, labels: list[str], multi_label: bool, template: str) -> Attribution:
        """Each word's effect on the top label's log-probability: with the word, minus without it."""
        ids, spans = tokens_of(self.loaded.tokenizer, text)
        hypotheses = bounded_hypotheses(self._ids, template, labels)
        # the text and the longest label's hypothesis must fit the model together (a 128-position model
        # once failed with "could not process this input")
        require_short(ids, "The text", min(MAX_EXPLAIN_TOKENS, self.loaded.max_length - max(map(len, hypotheses)) - 4))

        def top_logprob(variants: list[list[int]]) -> list[float]:
            if not multi_label:  # one label: its probability is softmaxed over every label's pair
                grid = self._scores(variants, hypotheses, multi_label)  # the first variant is the whole text
                best = max(range(len(labels)), key=grid[0].__getitem__)
                return [math.log(max(row[best], 1e-9)) for row in grid]
            # several labels: each is judged on its own, so the variants need the top label's pair only
            whole = self._scores(variants[:1], hypotheses, multi_label)[0]
            best = max(range(len(labels)), key=whole.__getitem__)
            rest = self._scores(variants[1:], [hypotheses[best]], multi_label)
            return [math.log(max(p, 1e-9)) for p in (whole[best], *(row[0] for row in rest))]

        words = self.worker.call(occlusion, text, ids, spans, top_logprob, long=True, budget_s=LONG_JOB_BUDGET_S)
        return Attribution([words], 0.0)
