"""BERT's two pretraining heads as engines: the masked-language-model head (fill mask) and the
next-sentence head. transformers has no next-sentence pipeline, so `NextSentenceEngine` is one:
logit 0 means "B follows A" (IsNext), logit 1 "B is a random sentence" (NotNext)."""

from __future__ import annotations

import re

import torch

from demo.engines import lens, recipes
from demo.engines.substitutes import Proposals, masked_substitutes
from demo.engines.types import Filled, LabelScores
from demo.errors import InputError
from demo.i18n import Text
from demo.explain import CLASSIC_STEPS, Attribution, integrated_gradients, require_short, tokens_of, words_of
from demo.inference import LONG_JOB_BUDGET_S, InferenceWorker
from demo.language import is_han, route
from demo.models import LoadedModel, ModelRef, outside_base
from demo.engines.base import ClassicEngine

IS_NEXT, NOT_NEXT = "IsNext", "NotNext"
# the pinned checkpoints with both heads, English and Chinese
BERT = ModelRef("google-bert/bert-base-uncased", "86b5e0934494bd15c9632b12f734a8a67f723594")
BERT_CHINESE = ModelRef("google-bert/bert-base-chinese", "8f23c25b06e129b6c986331a13d8d025a92cf0ea")
MASK_SPELLINGS = ("[MASK]", "<mask>", "[mask]", "<MASK>")


def normalize_masks(text: str, mask_token: str) -> tuple[str, int]:
    """Rewrite every common mask spelling as the model's own mask token; return the count."""
    spellings = sorted({mask_token, *MASK_SPELLINGS}, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(s) for s in spellings))
    return pattern.subn(mask_token, text)


def fill_in(text: str, mask_token: str, words: list[str]) -> str:
    """The text with each mask replaced by its word; WordPiece '##' pieces join the word before."""
    pieces = text.split(mask_token)
    out = [pieces[0]]
    for word, piece in zip(words, pieces[1:], strict=True):
        if word.startswith("##"):
            out[-1] = out[-1].rstrip()
            word = word[2:]
        out.extend([word, piece])
    return "".join(out)


def is_nsp_head(weight_name: str) -> bool:
    """Whether a BertForPreTraining weight belongs to the next-sentence head (not the MLM head)."""
    return ".seq_relationship." in f".{weight_name}"


def fit_pair(tokenizer, first: str, second: str, budget: int) -> tuple[str, str, int]:
    """Cut the longer text first (BERT's longest-first rule) at token boundaries, in linear time.

    The tokenizer's own pair truncation removes one token at a time and takes minutes on huge
    inputs; here each text is tokenized once and cut at the character offset of its last kept token.
    """
    a = tokenizer(first, add_special_tokens=False, return_offsets_mapping=True)
    b = tokenizer(second, add_special_tokens=False, return_offsets_mapping=True)
    len_a, len_b = len(a["input_ids"]), len(b["input_ids"])
    if len_a + len_b <= budget:
        return first, second, 0
    keep_a = min(len_a, max(budget - len_b, (budget + 1) // 2))
    keep_b = min(len_b, budget - keep_a)
    cut_a = first[: a["offset_mapping"][keep_a - 1][1]] if keep_a else ""
    cut_b = second[: b["offset_mapping"][keep_b - 1][1]] if keep_b else ""
    return cut_a, cut_b, len_a + len_b - keep_a - keep_b


class MaskedLMEngine(ClassicEngine):
    """A masked language model (BERT by default): one forward pass scores every mask."""

    auto_model = "AutoModelForPreTraining"
    int8_ok = True
    head_hint = "a checkpoint pretrained with masked-language modelling, such as bert-base-uncased"
    capabilities = frozenset({"fill_in_order", "attend", "lens"})
    lens_reads = lens.FIRST_MASK
    meaning = ("Each blank's bars are BERT's probabilities over its whole vocabulary, each blank filled on its "
               "own: a model's confidence, not a measured accuracy.")

    @staticmethod
    def missing_head(missing_keys, base_prefix) -> list[str]:
        return [key for key in outside_base(missing_keys, base_prefix) if not is_nsp_head(key)]

    def __init__(self, loaded: LoadedModel, worker: InferenceWorker):
        self.loaded = loaded
        self.worker = worker
        self.mask_token = loaded.tokenizer.mask_token
        if self.mask_token is None:
            raise InputError(f"The model '{loaded.ref.label}' has no mask token, so it cannot fill masks.")

    def fill(self, text: str, top_k: int, mask_count: int, in_order: bool = False) -> Filled:
        """Candidates for every mask: each on its own, from one pass (BERT's way), or `in_order`,
        each mask filled with its best word before the next one is predicted."""
        return self.worker.call(self._fill_in_order if in_order else self._fill, text, top_k, mask_count)

    def layers(self, text: str) -> dict:
        """The first mask as each layer would fill it: the masked-LM head on each layer's state there
        (`demo.engines.lens`); the other masks stay masks. Any spelling of the mask, as the tab reads it."""
        (ids,), _ = self.loaded.ids_within_limit([normalize_masks(text, self.mask_token)[0]])
        positions = [i for i, token_id in enumerate(ids) if token_id == self.loaded.tokenizer.mask_token_id]
        if not positions:
            raise InputError(Text("The first mask comes after the first {limit} tokens, which is all the model can "
                                  "read. Move the mask earlier or shorten the text.", limit=f"{self.loaded.max_length:,}"))
        lens.require_short(ids, "texts")
        probabilities = self.worker.call(lens.masked_layers, self.loaded, ids, positions[0], self.worker.checkpoint,
                                         long=True, budget_s=LONG_JOB_BUDGET_S)
        return lens.table(self.loaded.tokenizer, lens.Layers(probabilities, self.lens_reads, len(ids)))

    def _fill_in_order(self, text: str, top_k: int, mask_count: int) -> Filled:
        candidates = []
        first = None
        for done in range(mask_count):
            filled = self._fill(text, top_k, mask_count - done)
            first = first or filled
            candidates.append(filled.candidates[0])
            best = filled.candidates[0][0][0] if filled.candidates[0] else self.mask_token
            before, after = text.split(self.mask_token, 1)
            text = fill_in(f"{before}{self.mask_token}", self.mask_token, [best]) + after
        return Filled(candidates, first.dropped_tokens, first.limit)

    @torch.inference_mode()
    def _fill(self, text: str, top_k: int, mask_count: int) -> Filled:
        tokenizer, model = self.loaded.tokenizer, self.loaded.model
        limit = self.loaded.max_length
        (ids,), (total,) = self.loaded.ids_within_limit([text])
        positions = [i for i, token_id in enumerate(ids) if token_id == tokenizer.mask_token_id]
        if len(positions) < mask_count:
            raise InputError(
                f"{mask_count - len(positions)} of the {mask_count} masks come after the first "
                f"{limit:,} tokens, which is all the model can read. Move the mask earlier or shorten the text."
            )
        output = model(**self.loaded.padded([ids]))
        logits = getattr(output, "prediction_logits", None)
        if logits is None:
            logits = output.logits
        special = set(tokenizer.all_special_ids)
        chinese = route(text).language == "zh"  # one [MASK] is one character: BERT-Chinese's convention
        candidates = []
        for position in positions:
            probs = logits[0, position].float().softmax(-1)
            top = torch.topk(probs, min(len(probs), (top_k + len(special)) * (8 if chinese else 1)))
            words: list[tuple[str, float]] = []
            for prob, token_id in zip(top.values.tolist(), top.indices.tolist(), strict=True):
                word = tokenizer.decode([token_id]).strip()
                if token_id in special or not word or (chinese and not (len(word) == 1 and is_han(word))):
                    continue
                words.append((word, prob))
                if len(words) == top_k:
                    break
            candidates.append(words)
        return Filled(candidates, max(0, total - limit), limit)


class NextSentenceEngine(ClassicEngine):
    """BERT's next-sentence-prediction head, as it was pretrained."""

    auto_model = "AutoModelForPreTraining"
    int8_ok = True
    head_hint = "a BERT checkpoint pretrained with next-sentence prediction, such as bert-base-uncased"
    capabilities = frozenset({"attribute", "attend", "steps"})
    meaning = ("BERT's confidence that B is the sentence that came next rather than a random one: not a "
               "measured accuracy. A sentence on the same topic often counts as a follow-up.")
    attribution_target = "IsNext over NotNext"
    attribution_method = "integrated gradients"

    @staticmethod
    def missing_head(missing_keys, base_prefix) -> list[str]:
        return [key for key in missing_keys if is_nsp_head(key)]

    def __init__(self, loaded: LoadedModel, worker: InferenceWorker):
        self.loaded = loaded
        self.worker = worker
        if not hasattr(loaded.model, "cls") or not hasattr(loaded.model.cls, "seq_relationship"):
            raise InputError(
                f"The model '{loaded.ref.label}' has no next-sentence head; use a BERT checkpoint "
                "pretrained with NSP, such as google-bert/bert-base-uncased."
            )

    def substitutes(self, text: str, spans: list[tuple[int, int]], k: int) -> Proposals:
        """Per word, the words BERT's masked-LM head puts in its place ("what flips it")."""
        return self.worker.call(masked_substitutes, self.loaded, text, spans, k)

    def judge(self, sentence_a: str, sentence_b: str) -> LabelScores:
        return self.worker.call(self._judge, sentence_a, sentence_b)

    @torch.inference_mode()
    def _judge(self, sentence_a: str, sentence_b: str) -> LabelScores:
        tokenizer, model = self.loaded.tokenizer, self.loaded.model
        limit = self.loaded.max_length
        sentence_a, sentence_b, dropped = fit_pair(
            tokenizer, sentence_a, sentence_b, limit - tokenizer.num_special_tokens_to_add(pair=True)
        )
        # the cut texts fit; truncation only guards a token that re-tokenizing may add at a cut
        encoded = tokenizer(sentence_a, sentence_b, truncation="longest_first", max_length=limit, return_tensors="pt")
        logits = model(**encoded.to(model.device)).seq_relationship_logits[0].float()
        is_next, not_next = logits.softmax(-1).tolist()
        return LabelScores({IS_NEXT: is_next, NOT_NEXT: not_next}, dropped, limit)


    def steps(self, sentence_a: str, sentence_b: str) -> dict:
        """The answer's four steps on this pair, and the script that reproduces it."""
        return self.worker.call(self._steps, sentence_a, sentence_b)

    @torch.inference_mode()
    def _steps(self, sentence_a: str, sentence_b: str) -> dict:
        tokenizer, model = self.loaded.tokenizer, self.loaded.model
        encoded = tokenizer(sentence_a, sentence_b, truncation=True, max_length=self.loaded.max_length,
                            return_tensors="pt")
        logits = model(**encoded.to(model.device)).seq_relationship_logits[0].float()
        labels = (IS_NEXT, NOT_NEXT)
        probabilities = dict(zip(labels, logits.softmax(-1).tolist(), strict=True))
        ids = encoded["input_ids"][0].tolist()
        return {"tokens": tokenizer.convert_ids_to_tokens(ids), "ids": ids,
                "shapes": {"input_ids": [1, len(ids)], "seq_relationship_logits": [1, 2]}, "raw_name": "logits",
                "raw": dict(zip(labels, logits.tolist(), strict=True)), "calibration": None,
                "probabilities": probabilities, "answer": max(probabilities, key=probabilities.get),
                "code": recipes.next_sentence(self.loaded.ref, sentence_a, sentence_b)}

    def attribute(self, sentence_a: str, sentence_b: str) -> Attribution:
        """Which words of A and B pushed BERT's head toward IsNext (above 0) or NotNext (below 0)."""
        tokenizer = self.loaded.tokenizer
        a_ids, a_spans = tokens_of(tokenizer, sentence_a)
        b_ids, b_spans = tokens_of(tokenizer, sentence_b)
        require_short(a_ids, "Sentence A")
        require_short(b_ids, "Sentence B")
        if len(a_ids) + len(b_ids) + 3 > self.loaded.max_length:
            raise InputError(f"Together the sentences are {len(a_ids) + len(b_ids):,} tokens long; this model reads "
                             f"{self.loaded.max_length - 3:,} at most. Please shorten them.")
        (a_scores, b_scores), delta = self.worker.call(self._attribute, a_ids, b_ids, long=True,
                                                       budget_s=LONG_JOB_BUDGET_S)
        return Attribution([words_of(sentence_a, a_spans, a_scores), words_of(sentence_b, b_spans, b_scores)], delta)

    def _attribute(self, a_ids: list[int], b_ids: list[int]) -> tuple[list[list[float]], float]:
        tokenizer, model = self.loaded.tokenizer, self.loaded.model
        embed, device = model.get_input_embeddings(), model.device
        with torch.no_grad():
            cls, sep = (embed(torch.tensor([[token]], device=device))
                        for token in (tokenizer.cls_token_id, tokenizer.sep_token_id))
            a, b = embed(torch.tensor([a_ids], device=device)), embed(torch.tensor([b_ids], device=device))
        types = torch.tensor([[0] * (len(a_ids) + 2) + [1] * (len(b_ids) + 1)], device=device)

        def margin(a_rows: torch.Tensor, b_rows: torch.Tensor) -> torch.Tensor:
            rows = len(a_rows)
            embeds = torch.cat([cls.expand(rows, -1, -1), a_rows, sep.expand(rows, -1, -1), b_rows,
                                sep.expand(rows, -1, -1)], 1)
            logits = model(inputs_embeds=embeds, token_type_ids=types.expand(rows, -1)).seq_relationship_logits
            return logits[:, 0].float() - logits[:, 1].float()  # index 0 is IsNext

        scores, delta = integrated_gradients(margin, (a, b), CLASSIC_STEPS, model, self.worker.checkpoint)
        return scores, delta
