"""Zero-shot classification into the user's labels with Gemma 3 270M: which label does the model
find likeliest in the template after the text?

One label: each label's log-likelihood as the continuation "<text>\\nThis text is about <label>.",
minus its log-likelihood after content-free texts ("N/A", "", "[MASK]"): contextual calibration
(Zhao et al. 2021), which removes the model's prior for short or common labels (uncalibrated, four
news topics were sorted at 27%; calibrated, 66%). A softmax over the labels gives the bars.
Several labels may apply: each label on its own against a reference label, "other things", scored
the same way: it applies when the text raises it more than the reference (a yes/no question,
" Yes" against " No", left every label near 50% on this model).

The text runs once; every label is a continuation of its cached prefix (`shared_prefix_logprobs`).
An explanation's occluded texts (the text less one word, each) run together: their prefixes in
left-padded batches, then all labels after all of them (`prefixes_state`): a few passes for all
labels and all variants, instead of two per variant (a 14-word text, four labels: 30 passes).
"""

from __future__ import annotations

from functools import lru_cache

import torch

from demo.engines.gemma.scoring import (encode, passes, prefixes_state, rows_after_each_prefix_logprobs,
                                        shared_prefix_logprobs)
from demo.engines.substitutes import causal_substitutes
from demo.engines.types import LabelScores
from demo.explain import Attribution, occlusion, require_short, tokens_of
from demo.i18n import add_translations
from demo.inference import LONG_JOB_BUDGET_S, InferenceWorker
from demo.models import LoadedModel

CONTENT_FREE = ("N/A", "", "[MASK]")
MAX_TEXT_TOKENS = 512
REFERENCE = {"en": "other things", "zh": "其他事情"}  # what a label must beat to apply, with several labels


class LabelLikelihood:
    """Calibrated label scoring with Gemma 3 270M, for any labels."""

    capabilities = frozenset({"attribute", "attend"})
    meaning = ("The bars compare how likely a 270M model, never trained for this, finds each of your labels after "
               "the text, calibrated on empty texts: a relative confidence, not a measured accuracy.")
    attribution_target = "the calibrated log-probability of the top label"
    attribution_method = "occlusion"

    def __init__(self, loaded: LoadedModel, worker: InferenceWorker, language: str = "en"):
        self.loaded, self.worker, self.language = loaded, worker, language
        self.prior = lru_cache(maxsize=64)(self._prior)  # per (labels, multi_label, template)

    def _raw(self, text_ids: list[int], labels: tuple[str, ...], multi_label: bool, template: str) -> torch.Tensor:
        """Uncalibrated scores: each label's log-likelihood in the template after the text (and, with
        several labels, the reference label's last)."""
        before, _, after = template.partition("{}")
        named = (*labels, REFERENCE[self.language]) if multi_label else labels
        rows = [encode(self.loaded, f"\n{before}{label}{after}") for label in named]
        prefix = [self.loaded.tokenizer.bos_token_id, *text_ids]
        scored = shared_prefix_logprobs(self.loaded, prefix, rows, between=self.worker.checkpoint)
        return torch.tensor([sum(row) for row in scored])

    def _raw_after_each(self, variants: list[list[int]], labels: tuple[str, ...], multi_label: bool,
                        template: str) -> torch.Tensor:
        """`_raw` for several texts at once, [texts, labels]: the texts' prefixes share left-padded
        passes (at most `tokens_per_pass` tokens each), every label runs once after each pass's texts."""
        before, _, after = template.partition("{}")
        named = (*labels, REFERENCE[self.language]) if multi_label else labels
        rows = [encode(self.loaded, f"\n{before}{label}{after}") for label in named]
        prefixes = [[self.loaded.tokenizer.bos_token_id, *ids] for ids in variants]
        raw = torch.empty(len(prefixes), len(rows))
        for group in passes(self.loaded, [len(prefix) for prefix in prefixes]):
            self.worker.checkpoint()
            state = prefixes_state(self.loaded, [prefixes[i] for i in group])
            scores = rows_after_each_prefix_logprobs(self.loaded, state, rows, between=self.worker.checkpoint)
            raw[group] = torch.tensor([sum(row) for row in scores]).view(len(group), len(rows))
        return raw

    def _prior(self, labels: tuple[str, ...], multi_label: bool, template: str) -> torch.Tensor:
        free = [self._raw(encode(self.loaded, text), labels, multi_label, template) for text in CONTENT_FREE]
        return torch.stack(free).mean(0)

    def _probabilities(self, text_ids: list[int], labels: tuple[str, ...], multi_label: bool,
                       template: str) -> list[float]:
        calibrated = self._raw(text_ids, labels, multi_label, template) - self.prior(labels, multi_label, template)
        if multi_label:
            return (calibrated[:-1] - calibrated[-1]).sigmoid().tolist()
        return calibrated.softmax(-1).tolist()

    def substitutes(self, text: str, spans: list[tuple[int, int]], k: int) -> list[list[str]]:
        """Words Gemma expects in place of each word (the "what flips it" view's substitutions)."""
        return self.worker.call(causal_substitutes, self.loaded, text, spans, k)

    def classify(self, text: str, labels: list[str], multi_label: bool, template: str) -> LabelScores:
        ids = encode(self.loaded, text)
        # budgeted like a long job: a long text with many labels is many passes (it still serves others between them)
        probs = self.worker.call(self._probabilities, ids[:MAX_TEXT_TOKENS], tuple(labels), multi_label, template,
                                 budget_s=LONG_JOB_BUDGET_S, advice="fewer labels or a shorter text")
        return LabelScores(dict(zip(labels, probs, strict=True)), max(0, len(ids) - MAX_TEXT_TOKENS),
                           MAX_TEXT_TOKENS)

    def attribute(self, text: str, labels: list[str], multi_label: bool, template: str) -> Attribution:
        """Each word's effect on the top label's calibrated log-probability: with it, minus without it."""
        ids, spans = tokens_of(self.loaded.tokenizer, text)
        require_short(ids, "The text")
        key = (tuple(labels), multi_label, template)

        def top_logprob(variants: list[list[int]]) -> list[float]:
            calibrated = self._raw_after_each(variants, *key) - self.prior(*key)  # the first row: the whole text
            probabilities = ((calibrated[:, :-1] - calibrated[:, -1:]).sigmoid() if multi_label
                             else calibrated.softmax(-1))
            best = int(probabilities[0].argmax())
            return probabilities[:, best].clamp_min(1e-9).log().tolist()

        words = self.worker.call(occlusion, text, ids, spans, top_logprob, long=True, budget_s=LONG_JOB_BUDGET_S)
        return Attribution([words], 0.0)


TRANSLATIONS = {"zh-CN": {"fewer labels or a shorter text": "更少的标签或更短的文本"}}

add_translations(TRANSLATIONS)
