"""A sequence classifier fine-tuned for sentiment, the classic checkpoint of the sentiment task."""

from __future__ import annotations

import torch

from demo.engines import recipes
from demo.engines.types import LabelScores
from demo.errors import InputError
from demo.explain import CLASSIC_STEPS, Attribution, integrated_gradients, require_short, tokens_of, words_of
from demo.batching import length_groups
from demo.inference import LONG_JOB_BUDGET_S, InferenceWorker
from demo.models import LoadedModel, outside_base
from demo.engines.base import ClassicEngine

# Padded tokens per forward pass. bench/perf.py: batching ~250-token texts on CPU gave no more
# throughput and a worse p95, so long texts run alone while short ones share a pass.
BATCH_TOKENS = 512


class ClassifierEngine(ClassicEngine):
    """A sequence classifier fine-tuned for sentiment (DistilBERT SST-2 by default).

    Requests that arrive together are classified in one batch on the inference thread, in groups
    of similar length, so short texts are not padded to a long one's length.
    """

    auto_model = "AutoModelForSequenceClassification"
    int8_ok = True
    head_hint = "a checkpoint fine-tuned for sentiment classification, such as DistilBERT-SST2"
    capabilities = frozenset({"attribute", "attend", "steps"})
    answers_together = True  # concurrent requests share one pass (`call_batched`)
    meaning = ("The bars are the classifier's confidence, not a measured accuracy: it was fine-tuned on movie "
               "reviews and can be wrong, above all on other kinds of text.")
    attribution_target = "POSITIVE over NEGATIVE"
    attribution_method = "integrated gradients"
    missing_head = staticmethod(outside_base)

    def __init__(self, loaded: LoadedModel, worker: InferenceWorker):
        self.loaded = loaded
        self.worker = worker
        id2label = loaded.model.config.id2label
        self.labels = [_label_name(id2label[i]) for i in range(len(id2label))]

    def classify(self, text: str) -> LabelScores:
        return self.worker.call_batched(self.classify_many, text)

    @torch.inference_mode()
    def classify_many(self, texts: list[str]) -> list[LabelScores]:
        limit = self.loaded.max_length
        rows, totals = self.loaded.ids_within_limit(texts)
        results: list[LabelScores] = [None] * len(texts)  # type: ignore[list-item]
        for group in length_groups([len(ids) for ids in rows], BATCH_TOKENS):
            logits = self.loaded.model(**self.loaded.padded([rows[i] for i in group])).logits.float()
            for i, probs in zip(group, logits.softmax(-1).tolist(), strict=True):
                scores = dict(zip(self.labels, probs, strict=True))
                results[i] = LabelScores(scores, max(0, totals[i] - limit), limit)
        return results


    def steps(self, text: str) -> dict:
        """The answer's four steps on this text, and the script that reproduces it."""
        return self.worker.call(self._steps, text)

    @torch.inference_mode()
    def _steps(self, text: str) -> dict:
        (ids,), _ = self.loaded.ids_within_limit([text])
        logits = self.loaded.model(**self.loaded.padded([ids])).logits[0].float()
        probabilities = dict(zip(self.labels, logits.softmax(-1).tolist(), strict=True))
        return {"tokens": self.loaded.tokenizer.convert_ids_to_tokens(ids), "ids": ids,
                "shapes": {"input_ids": [1, len(ids)], "logits": [1, len(self.labels)]}, "raw_name": "logits",
                "raw": dict(zip(self.labels, logits.tolist(), strict=True)), "calibration": None,
                "probabilities": probabilities, "answer": max(probabilities, key=probabilities.get),
                "code": recipes.classifier(self.loaded.ref, text)}

    def attribute(self, text: str) -> Attribution:
        """Which words pushed the classifier toward POSITIVE (above 0) or NEGATIVE (below 0)."""
        if not {"POSITIVE", "NEGATIVE"} <= set(self.labels):
            raise InputError(f"Explanations compare the POSITIVE and NEGATIVE classes; this checkpoint's classes "
                             f"are {', '.join(self.labels)}.")
        ids, spans = tokens_of(self.loaded.tokenizer, text)
        require_short(ids, "The text")
        if len(ids) + 2 > self.loaded.max_length:
            raise InputError(f"The text is {len(ids):,} tokens long; this model reads {self.loaded.max_length - 2:,} "
                             "at most. Please shorten it.")
        token_scores, delta = self.worker.call(self._attribute, ids, long=True, budget_s=LONG_JOB_BUDGET_S)
        return Attribution([words_of(text, spans, token_scores)], delta)

    def _attribute(self, ids: list[int]) -> tuple[list[float], float]:
        tokenizer, model = self.loaded.tokenizer, self.loaded.model
        embed = model.get_input_embeddings()
        positive, negative = self.labels.index("POSITIVE"), self.labels.index("NEGATIVE")
        device = model.device
        with torch.no_grad():
            user = embed(torch.tensor([ids], device=device))
            head = embed(torch.tensor([[tokenizer.cls_token_id]], device=device))
            tail = embed(torch.tensor([[tokenizer.sep_token_id]], device=device))

        def margin(user_rows: torch.Tensor) -> torch.Tensor:
            rows = len(user_rows)
            embeds = torch.cat([head.expand(rows, -1, -1), user_rows, tail.expand(rows, -1, -1)], 1)
            logits = model(inputs_embeds=embeds).logits.float()
            return logits[:, positive] - logits[:, negative]

        (scores,), delta = integrated_gradients(margin, (user,), CLASSIC_STEPS, model, self.worker.checkpoint)
        return scores, delta


def _label_name(raw: str) -> str:
    """Name the classes POSITIVE/NEGATIVE whatever case the checkpoint uses."""
    upper = str(raw).upper()
    return {"POS": "POSITIVE", "NEG": "NEGATIVE"}.get(upper, upper)
