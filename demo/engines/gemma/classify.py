"""Zero-shot classification into the user's labels with Gemma 3 270M: which label does the model
find likeliest on the line after the text?

One label: the text is shown as "Text: <text>" and each label's log-likelihood read as the next
line, "Category: <label>" (in Chinese two prompts added, "类别：<label>" and "这条新闻的类别是<label>"),
minus the label's mean log-likelihood after content-free texts ("N/A", "", "[MASK]") and after
sixteen ordinary texts of many kinds, averaged: calibration (Zhao et al. 2021; the ordinary texts
stand in for the texts of a batch, as batch calibration uses them, Zhou et al. 2024), which removes the model's
prior for short or common labels. A softmax over the labels gives the bars. A template typed by
the user replaces the prompts, read the same way. Chosen on the dev half of `bench/data/
zero_shot_*.tsv` (`bench.zero_shot`): four-topic news and eight assistant intents, with label
wordings as typed, short, long and in the other language.
Several labels may apply: each label on its own against a reference label, "other things", scored
the same way: it applies when the text raises it more than the reference (a yes/no question,
" Yes" against " No", left every label near 50% on this model).

The text runs once; every label is a continuation of its cached prefix (`shared_prefix_logprobs`).
An explanation's occluded texts (the text less one word, each) run together: their prefixes in
left-padded batches, then all labels after all of them (`prefixes_state`): a few passes for all
labels and all variants, instead of two per variant.
"""

from __future__ import annotations

import torch

from demo.engines.gemma.scoring import (SEARCH_BUDGET_S, continued_prefixes_state, continued_state, encode,
                                        passes, prefix_state, prefixes_state, rows_after_each_prefix_logprobs,
                                        shared_prefix_logprobs)
from demo.engines.substitutes import Proposals, causal_substitutes
from demo.engines.types import DEFAULT_TEMPLATES, LabelScores, bounded_hypotheses, hypothesis
from demo.explain import Attribution, occlusion, require_short, tokens_of
from demo.inference import LONG_JOB_BUDGET_S, InferenceWorker
from demo.models import LoadedModel
from demo.engines.base import Engine

CONTENT_FREE = ("N/A", "", "[MASK]")
PROBES = ("x", "中")  # two labels with nothing in common: where a prompt's own start ends
MAX_LABEL_PRIORS = 4096  # labels kept calibrated (a float each)
# a new label set's calibration, within the labels' declared bounds: 20 new Chinese labels, two prompts,
# 19 texts, with other work on the cores; past it the set is refused with the true reason
CALIBRATION_BUDGET_S = 120.0
CALIBRATION_ADVICE = "fewer new labels at once (each new label is calibrated once, on 19 texts)"
MAX_TEXT_TOKENS = 512
REFERENCE = {"en": "other things", "zh": "其他事情"}  # what a label must beat to apply, with several labels
# the text is shown as "Text: <text>" (Chinese "文本：<text>"): a text that starts the prompt bare reads
# as the start of a document, and the label after it as its next line
FRAMING = {"en": ("Text:", " "), "zh": ("文本：", "")}  # the head, and what joins it to the text
# with the task's default template, each label is scored in these prompts, their calibrated scores
# added (chosen on bench/data/zero_shot_*.tsv, dev half): see `bench.zero_shot`
OWN_PROMPTS = {"en": ("Category: {}",), "zh": ("类别：{}", "这条新闻的类别是{}")}
# ordinary texts of many kinds, written for this app: a label's mean score after them is its prior
# (a label likely after any text is discounted), beside its score after content-free texts
BACKGROUND = {
    "en": ("The meeting has been moved to Thursday afternoon.", "Can you send me the file when you get a chance?",
           "We stayed at a small hotel near the old town for three nights.",
           "The council will vote on the new parking rules next month.",
           "I think the second chapter is the best part of the book.", "The bus company added two late-night routes.",
           "She finished the race in just under four hours.", "The update adds a dark mode and fixes several bugs.",
           "Thanks for dinner last night, it was lovely.",
           "Researchers collected samples from forty lakes over two summers.", "Where did I leave my keys?",
           "The company plans to open two new offices next year.",
           "Our flight was delayed, so we missed the first day of the conference.",
           "Remember to water the plants while I'm away.", "The minister declined to comment on the report.",
           "Slice the onions thinly and fry them until golden."),
    "zh": ("会议改到周四下午了。", "有空的时候把文件发给我吧。", "我们在老城区附近的一家小酒店住了三晚。",
           "市议会下个月将就新的停车规定进行表决。", "那部纪录片的第三集讲的是深海。", "这周菜市场的价格又涨了。",
           "她用了不到四个小时跑完了全程。", "这次更新增加了深色模式，还修复了几个问题。", "谢谢你昨晚的晚餐，很愉快。",
           "研究人员在两个夏天里从四十个湖泊采集了样本。", "我的钥匙放哪儿了？", "公司计划明年再开两个办公室。",
           "航班延误了，我们错过了会议的第一天。", "我不在的时候记得给花浇水。", "部长拒绝对这份报告发表评论。",
           "这道菜需要两个鸡蛋、面粉和一杯牛奶。"),
}


def common_start(rows: list[list[int]]) -> int:
    """How many tokens every row starts with, leaving each row one token at least."""
    shortest, n = min(len(row) for row in rows), 0
    while n < shortest - 1 and all(row[n] == rows[0][n] for row in rows):
        n += 1
    return n


class LabelLikelihood(Engine):
    """Calibrated label scoring with Gemma 3 270M, for any labels."""

    capabilities = frozenset({"attribute", "attend"})
    search_budget_s = SEARCH_BUDGET_S
    meaning = ("The bars compare how likely a 270M model, never trained for this, finds each of your labels after "
               "the text, calibrated on ordinary and empty texts: a relative confidence, not a measured accuracy.")
    attribution_target = "the calibrated log-probability of the top label"
    attribution_method = "occlusion"
    # its first answer to a label set calibrates that set (seconds): the warm-up answers the bundled examples
    warm_up_examples = True

    def __init__(self, loaded: LoadedModel, worker: InferenceWorker, language: str = "en"):
        self.loaded, self.worker, self.language = loaded, worker, language
        head, self.joiner = FRAMING[language]
        self.head = [loaded.tokenizer.bos_token_id, *encode(loaded, head)]
        # each label's prior, per (label, template): a label's score after a text does not depend on the
        # other labels, so a new set of known labels costs nothing, and visitors' labels share their work
        self.label_priors: dict[tuple[str, str], torch.Tensor] = {}

    def prompts(self, template: str) -> tuple[str, ...]:
        """The prompts a label is scored in: this engine's own for the task's default template (in
        either language), else the template as written."""
        return OWN_PROMPTS[self.language] if template in DEFAULT_TEMPLATES.values() else (template,)

    def text_ids(self, text: str) -> list[int]:
        return encode(self.loaded, self.joiner + text)[:MAX_TEXT_TOKENS]

    def _rows(self, labels: tuple[str, ...], multi_label: bool, template: str) -> list[tuple[list[int], list[list[int]]]]:
        """Per prompt, each label in it on the line after the text (the reference label's last), as the
        tokens every label's row starts with ("\nCategory:") and each label's rest. The shared start
        scores the same for every label, so it is read once after the text and left out of the scores:
        every label's score moves alike and the probabilities are the same, with a third of the
        positions through the 262k-word output layer."""
        named = (*labels, REFERENCE[self.language]) if multi_label else labels
        out = []
        for prompt in self.prompts(template):
            rows = bounded_hypotheses(lambda row: encode(self.loaded, row), prompt, named, "\n")
            # the prompt's own start, whatever the labels ("类别0", "类别1" share more than the prompt)
            probes = [encode(self.loaded, "\n" + hypothesis(prompt, probe)) for probe in PROBES]
            shared = common_start(rows + probes)
            out.append((rows[0][:shared], [row[shared:] for row in rows]))
        return out

    def _raw(self, text_ids: list[int], labels: tuple[str, ...], multi_label: bool, template: str) -> torch.Tensor:
        """Uncalibrated scores of one text: each label's log-likelihood in the prompts after it (less
        each prompt's shared start, the same for every label)."""
        prefix = self.head + text_ids
        state, total = prefix_state(self.loaded, prefix), 0
        for shared, rows in self._rows(labels, multi_label, template):
            after = continued_state(self.loaded, state, len(prefix), shared) if shared else state
            scored = shared_prefix_logprobs(self.loaded, prefix + shared, rows, between=self.worker.checkpoint,
                                            state=after)
            total = total + torch.tensor([sum(row) for row in scored])
        return total

    def _raw_after_each(self, variants: list[list[int]], prompts: list[tuple[list[int], list[list[int]]]]) -> torch.Tensor:
        """`_raw` for several texts at once, [texts, labels], the labels' `_rows` given: the texts'
        prefixes share left-padded passes (at most `tokens_per_pass` tokens each), every row runs once
        after each pass's texts."""
        count = len(prompts[0][1])
        prefixes = [self.head + ids for ids in variants]
        raw = torch.zeros(len(prefixes), count)
        for group in passes(self.loaded, [len(prefix) for prefix in prefixes]):
            self.worker.checkpoint()
            state = prefixes_state(self.loaded, [prefixes[i] for i in group])
            for shared, rows in prompts:
                after = continued_prefixes_state(self.loaded, state, shared) if shared else state
                scores = rows_after_each_prefix_logprobs(self.loaded, after, rows, between=self.worker.checkpoint)
                raw[group] += torch.tensor([sum(row) for row in scores]).view(len(group), count)
        return raw

    def prior(self, labels: tuple[str, ...], multi_label: bool, template: str) -> torch.Tensor:
        """Each label's mean score after content-free texts and after ordinary ones, averaged: what it
        scores whatever the text. Computed once per label (the labels not seen yet, in the same passes)."""
        named = (*labels, REFERENCE[self.language]) if multi_label else labels
        # a prior is kept with the prompts' shared starts it left out (the same for every label but in
        # rare label sets whose rows share more, or tokenize the prompt's end otherwise)
        prompts = self._rows(tuple(named), False, template)
        starts = (template, tuple(tuple(start) for start, _ in prompts))
        new = [i for i, label in enumerate(named) if (label, starts) not in self.label_priors]
        new = [i for i in new if named.index(named[i]) == i]  # each label once
        if new:
            texts = (*CONTENT_FREE, *BACKGROUND[self.language])
            subset = [(start, [rows[i] for i in new]) for start, rows in prompts]
            raw = self._raw_after_each([self.text_ids(text) for text in texts], subset)
            new = [named[i] for i in new]
            for label, prior in zip(new, (raw[: len(CONTENT_FREE)].mean(0) + raw[len(CONTENT_FREE):].mean(0)) / 2,
                                    strict=True):
                if len(self.label_priors) >= MAX_LABEL_PRIORS:
                    del self.label_priors[next(iter(self.label_priors))]  # the oldest
                self.label_priors[label, starts] = prior
        return torch.stack([self.label_priors[label, starts] for label in named])

    def calibrate(self, labels: list[str], multi_label: bool, template: str) -> None:
        """A new label's one-time calibration, as a job of its own: bounded by the labels' declared bounds
        (at most 20, each `MAX_HYPOTHESIS_TOKENS` in its template), never charged to the answer's budget."""
        self._rows(tuple(labels), multi_label, template)  # a label over its bound is refused before any pass
        self.worker.call(self.prior, tuple(labels), multi_label, template, budget_s=CALIBRATION_BUDGET_S,
                         advice=CALIBRATION_ADVICE)

    def _probabilities(self, raw: torch.Tensor, labels: tuple[str, ...], multi_label: bool,
                       template: str) -> torch.Tensor:
        calibrated = raw - self.prior(labels, multi_label, template)
        if multi_label:
            return (calibrated[..., :-1] - calibrated[..., -1:]).sigmoid()
        return calibrated.softmax(-1)

    def substitutes(self, text: str, spans: list[tuple[int, int]], k: int) -> Proposals:
        """Per word, the word as Gemma reads it and the words it proposes in its place ("what flips it")."""
        return self.worker.call(causal_substitutes, self.loaded, text, spans, k)

    def classify(self, text: str, labels: list[str], multi_label: bool, template: str) -> LabelScores:
        ids = encode(self.loaded, self.joiner + text)
        # budgeted like a long job: a long text with many labels is many passes (it still serves others between them)
        key = (tuple(labels), multi_label, template)
        self.calibrate(labels, multi_label, template)
        probs = self.worker.call(lambda: self._probabilities(self._raw(ids[:MAX_TEXT_TOKENS], *key), *key),
                                 budget_s=LONG_JOB_BUDGET_S, advice="a shorter text")
        return LabelScores(dict(zip(labels, probs.tolist(), strict=True)), max(0, len(ids) - MAX_TEXT_TOKENS),
                           MAX_TEXT_TOKENS)

    def classify_many(self, texts: list[str], labels: list[str], multi_label: bool, template: str) -> list[LabelScores]:
        """`classify` for several texts, their prefixes batched (the scorecard and `bench.zero_shot`)."""
        key = (tuple(labels), multi_label, template)
        ids = [encode(self.loaded, self.joiner + text) for text in texts]
        probs = self._probabilities(self._raw_after_each([row[:MAX_TEXT_TOKENS] for row in ids], self._rows(*key)),
                                    *key)
        return [LabelScores(dict(zip(labels, row, strict=True)), max(0, len(whole) - MAX_TEXT_TOKENS), MAX_TEXT_TOKENS)
                for whole, row in zip(ids, probs.tolist(), strict=True)]

    def attribute(self, text: str, labels: list[str], multi_label: bool, template: str) -> Attribution:
        """Each word's effect on the top label's calibrated log-probability: with it, minus without it."""
        ids, spans = tokens_of(self.loaded.tokenizer, text, prefix=self.joiner)
        require_short(ids, "The text")
        key = (tuple(labels), multi_label, template)
        self.calibrate(labels, multi_label, template)
        prompts = self._rows(*key)

        def top_logprob(variants: list[list[int]]) -> list[float]:
            probabilities = self._probabilities(self._raw_after_each(variants, prompts), *key)  # row 0: the whole text
            best = int(probabilities[0].argmax())
            return probabilities[:, best].clamp_min(1e-9).log().tolist()

        words = self.worker.call(occlusion, text, ids, spans, top_logprob, long=True, budget_s=LONG_JOB_BUDGET_S)
        return Attribution([words], 0.0)
