"""Fill mask: which words fit where the text has a mask?"""

from __future__ import annotations

import re
from dataclasses import dataclass

import gradio as gr
import torch

from demo.errors import InputError
from demo.i18n import say, ui_text
from demo.inference import InferenceWorker
from demo.language import is_han, route
from demo.models import LoadedModel
from demo.tasks.base import CheckedSlider, Explanation, Param, Task, Warn, cut_note, require_number, require_text
from demo.tasks.next_sentence import is_nsp_head
from demo.views import candidate_list, filled_sentence

MASK_SPELLINGS = ("[MASK]", "<mask>", "[mask]", "<MASK>")
MAX_MASKS = 10
FULL_WIDTH_MASKS = ("［MASK］", "【MASK】", "［mask］", "【mask】")  # what a Chinese keyboard types for [MASK]
TOP_K_RANGE = (1, 50)
TABLE_HEADERS = ["mask", "rank", "word", "probability"]


@dataclass(frozen=True)
class Filled:
    """Candidate (word, probability) lists, one per mask, best first."""

    candidates: list[list[tuple[str, float]]]
    dropped_tokens: int = 0
    limit: int = 0
    notes: tuple[str, ...] = ()  # limits the engine met, said to the user


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


class MaskedLMEngine:
    """A masked language model (BERT by default): one forward pass scores every mask."""

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


MEANING_CLASSIC = ("Each blank's bars are BERT's probabilities over its whole vocabulary, each blank filled on its "
                   "own: a model's confidence, not a measured accuracy.")
MEANING_EMBEDDED = ("The bars compare the candidates found for each blank (they sum to 100% over them), not the "
                    "whole vocabulary: a 270M model's relative confidence, not a measured accuracy.")
MEANING_CLASSIC_ZH = "每个空的条形是 BERT 在整个词表上的概率，各空单独填：这是模型的置信度，不是测得的准确率。"
MEANING_EMBEDDED_ZH = ("条形比较的是为每个空找到的候选（它们加起来是 100%），不是整个词表：这是一个 2.7 亿参数模型的相对置信度，"
                       "不是测得的准确率。")


class FillMaskTask(Task):
    key = "fill_mask"
    title = "Fill mask"
    summary = "Hide a word behind [MASK] and BERT proposes the words that fit, with probabilities."
    embedded_summary = ("Hide a word behind [MASK]: Gemma 3 270M proposes words for the blank and ranks them by "
                        "how likely the whole sentence becomes with each.")
    embedded_how_it_works = r"""
A left-to-right model only sees the words before a blank. So the app first asks it, in a
fill-in-the-blank prompt that shows the whole sentence, which words fit, and adds the words it
expects right after the left context. Then it scores each candidate $w$ by the log-likelihood of
the sentence with $w$ filled in, the sum of its next-token log-probabilities:

$$\mathrm{score}(w)=\sum_{t}\log p\left(x_t \mid x_{<t}\right)\quad\text{over the sentence with } w \text{ in the blank}$$

The scores are shown normalised over the candidates (a softmax), so they compare the candidates
found; they are not probabilities over the whole vocabulary. Each candidate is judged on its word
and up to 16 tokens after the blank. The classic profile uses BERT, which was pretrained to fill
masks from both sides of the sentence.
"""
    how_it_works = r"""
BERT was pretrained by hiding 15% of the words of its training text and guessing them back from
**both sides** of the sentence. The **masked-LM loss** it minimised is the negative log-likelihood
of each hidden word $x_i$ given the visible words $x_{\setminus M}$:

$$\mathcal{L}_{\mathrm{MLM}}=-\sum_{i\in M}\log p\left(x_i \mid x_{\setminus M}\right)$$

So filling a mask is exactly what it learned: the output is $p(x_i\mid x_{\setminus M})$ over its
vocabulary. The embedded profile uses a left-to-right model instead: it proposes words with the
whole sentence in view, then ranks them by the likelihood of the complete sentence.
"""
    auto_model = "AutoModelForPreTraining"
    engine_class = MaskedLMEngine
    warm_up_input = ("A good [MASK].", 1)
    int8_ok = True
    params = (Param("text"), Param("top_k", 5))
    head_hint = "a checkpoint pretrained with masked-language modelling, such as bert-base-uncased"

    def build_inputs(self) -> list:
        return [
            gr.Textbox(
                label=ui_text("Text with [MASK]"),
                lines=1,
                max_lines=8,
                placeholder=ui_text("The capital of France is [MASK]."),
                elem_id="fill-mask-text",
            ),
            CheckedSlider(*TOP_K_RANGE, value=5, step=1, label=ui_text("Candidates per mask (top k)"), elem_id="fill-mask-top-k"),
        ]

    def build_outputs(self) -> list:
        return [
            gr.Label(label="Top candidates (first mask)", elem_id="fill-mask-label", visible=False),
            gr.Textbox(label="Best guess filled in", interactive=False, elem_id="fill-mask-filled", visible=False),
            gr.Dataframe(headers=TABLE_HEADERS, label="All masks", interactive=False, elem_id="fill-mask-table",
                         visible=False),
        ]

    def view(self, values, outputs, done, embedded) -> str:
        text, _ = values
        meaning = say(MEANING_EMBEDDED, MEANING_EMBEDDED_ZH) if embedded else say(MEANING_CLASSIC, MEANING_CLASSIC_ZH)
        return f'<div class="answer">{self._filled_html(text, outputs[2])}<p class="meaning">{meaning}</p></div>'

    @staticmethod
    def _filled_html(text: str, table: list) -> str:
        """The sentence with each blank's best word, then each blank's candidates."""
        per_mask: dict[int, list[tuple[str, float]]] = {}
        for mask, _rank, word, prob in table:
            per_mask.setdefault(int(mask), []).append((str(word), float(prob)))
        normalized, count = normalize_masks(text, MASK_SPELLINGS[0])
        pieces = normalized.split(MASK_SPELLINGS[0])
        fills = [per_mask[m][0][0].removeprefix("##") if per_mask.get(m) else "?" for m in range(1, count + 1)]
        blanks = "".join(
            f'<div class="blank-head">{say("Blank {m}", "第 {m} 空", m=m)}</div>{candidate_list(per_mask.get(m, []))}'
            for m in range(1, count + 1)
        )
        return filled_sentence(pieces, fills) + blanks

    def check(self, text, top_k=5) -> tuple:
        text = require_text(text, "Text")
        top_k = require_number(top_k, "top_k", *TOP_K_RANGE, integer=True)
        _, count = normalize_masks(text, MASK_SPELLINGS[0])
        wide = [spelling for spelling in FULL_WIDTH_MASKS if spelling in text]
        if wide:
            raise InputError(f"The mask is written with full-width brackets ({wide[0]}). "
                             "Write it with ASCII brackets: [MASK].")
        if count == 0:
            raise InputError("No mask found. Write [MASK] where the missing word goes, "
                             "e.g. 'The capital of France is [MASK].'")
        if count > MAX_MASKS:
            raise InputError(f"The text has {count} masks; at most {MAX_MASKS} can be filled at once.")
        return text, top_k

    def batch_row(self, values, outputs) -> dict:
        _, filled, table = outputs
        candidates = "; ".join(f"{mask}: {word} ({prob:.0%})" for mask, _rank, word, prob in table)
        return {"filled": filled, "candidates": candidates}

    explanations = (Explanation("fill_mask_two_ways", "Compare: each blank on its own vs one after another",
                              (Param("text"), Param("top_k", 5))),)

    def build_explanation_outputs(self, outputs: list) -> list:
        return [gr.Textbox(label="Each blank on its own", elem_id="fill-mask-apart", visible=False),
                gr.Textbox(label="One after another", elem_id="fill-mask-in-order", visible=False),
                gr.Dataframe(headers=["way", *TABLE_HEADERS], label="Both ways", elem_id="fill-mask-both",
                             visible=False)]

    def explain(self, engine, warn: Warn, text, top_k=5):
        text, top_k = self.check(text, top_k)
        mask = engine.mask_token
        normalized, count = normalize_masks(text, mask)
        ways = {"apart": engine.fill(normalized, top_k, count, in_order=False),
                "in order": engine.fill(normalized, top_k, count, in_order=True)}
        filled = [fill_in(normalized, mask, [words[0][0] if words else mask for words in result.candidates])
                  for result in ways.values()]
        table = [[way, m + 1, rank + 1, word, round(prob, 4)]
                 for way, result in ways.items()
                 for m, words in enumerate(result.candidates)
                 for rank, (word, prob) in enumerate(words)]
        return (*filled, table)

    def explanation_view(self, values, outputs, embedded) -> str:
        text, _ = values
        _, _, table = outputs
        columns = []
        for way, title, note in (("apart", say("Each blank on its own", "各空单独填"),
                                  say("every other blank stays a blank", "其他空保持空白")),
                                 ("in order", say("One after another", "依次填"),
                                  say("each blank sees the best words before it", "每个空都能看到前面各空的最佳答案"))):
            rows = [[m, r, w, p] for way_, m, r, w, p in table if way_ == way]
            columns.append(f'<div class="way"><div class="blank-head">{title}</div><p class="legend">{note}</p>'
                           f'{self._filled_html(text, rows)}</div>')
        return f'<div class="answer ways">{"".join(columns)}</div>'

    def missing_head(self, missing_keys, base_prefix) -> list[str]:
        return [key for key in super().missing_head(missing_keys, base_prefix) if not is_nsp_head(key)]

    def run(self, engine, warn: Warn, text, top_k=5):
        text, top_k = self.check(text, top_k)
        mask = engine.mask_token
        normalized, count = normalize_masks(text, mask)
        result = engine.fill(normalized, top_k, count)
        if result.dropped_tokens:
            warn(cut_note("The text", result.dropped_tokens, result.limit))
        for note in result.notes:
            warn(note)
        first = {}
        for word, prob in result.candidates[0]:
            first.setdefault(word, prob)
        filled = fill_in(normalized, mask, [words[0][0] if words else mask for words in result.candidates])
        table = [
            [m + 1, rank + 1, word, round(prob, 4)]
            for m, words in enumerate(result.candidates)
            for rank, (word, prob) in enumerate(words)
        ]
        return first, filled, table
