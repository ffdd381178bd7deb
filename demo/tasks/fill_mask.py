"""Fill mask: which words fit where the text has a mask?"""

from __future__ import annotations

import gradio as gr

from demo.engines import ZeroShot
from demo.engines.bert import BERT, BERT_CHINESE, MASK_SPELLINGS, MaskedLMEngine, fill_in, normalize_masks
from demo.engines.gemma.fill_mask import RerankedFillMask
from demo.errors import InputError
from demo.i18n import Text, say
from demo.tasks.base import INTEGER, MAX_TEXT_CHARS, Param, Task, Warn, cut_note
from demo.views.html import TABLE_HEADERS, filled_html, percent

MAX_MASKS = 10
FULL_WIDTH_MASKS = ("［MASK］", "【MASK】", "［mask］", "【mask】")  # what a Chinese keyboard types for [MASK]
TOP_K_RANGE = (1, 50)


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
and up to 16 tokens after the blank. In Chinese, consecutive masks are one word: a blank of two
masks is filled with two-character words, and since the sentence alone favours pieces that read on
from the left (坐**着车**去机场), each word's score adds a quarter of its log-likelihood as the answer
to the same prompt about an empty sentence, $0.25\log p(w\mid\text{prompt}(\_\_\_))$: how much
$w$ is a word at all. The classic profile uses BERT, which was pretrained to fill
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
    params = (Param("text", label="Text with [MASK]", named="Text", placeholder="The capital of France is [MASK].",
                    help=f"A text with 1 to {MAX_MASKS} [MASK] blanks (in Chinese one [MASK] is one character)",
                    max_chars=MAX_TEXT_CHARS),
              Param("top_k", 5, INTEGER, "Candidates per mask (top k)", TOP_K_RANGE, help="Candidates per mask"))
    quicker = "Fewer masks or a lower top_k answer sooner."
    api_description = "Which words fit where a text has [MASK]: each blank's likeliest words, with probabilities."
    returns = ("{label, confidences}: the first mask's candidates", "the text with each mask's best word",
               "{headers, data}: rows [mask, rank, word, probability] for every mask")
    request_names = ("fill-mask request", "fill-mask requests")
    classic = MaskedLMEngine
    zero_shot = ZeroShot("fill-in-the-blank prompt + sentence-likelihood rerank", lambda language: RerankedFillMask)
    presets = {"en": BERT, "zh": BERT_CHINESE}  # one checkpoint with both the MLM and the NSP heads
    preset_names = {BERT.id: "BERT base", BERT_CHINESE.id: "BERT Chinese"}
    warm_up_input = ("A good [MASK].", 1)

    def build_outputs(self) -> list:
        return [
            gr.Label(label="Top candidates (first mask)", elem_id="fill-mask-label", visible=False),
            gr.Textbox(label="Best guess filled in", interactive=False, elem_id="fill-mask-filled", visible=False),
            gr.Dataframe(headers=TABLE_HEADERS, label="All masks", interactive=False, elem_id="fill-mask-table",
                         visible=False),
        ]

    def view(self, values, outputs, done, card) -> str:
        text, _ = values
        return (f'<div class="answer">{filled_html(text, outputs[2])}'
                f'<p class="meaning">{say(card.meaning)}</p></div>')

    def check(self, *values) -> tuple:
        text, top_k = super().check(*values)
        _, count = normalize_masks(text, MASK_SPELLINGS[0])
        wide = [spelling for spelling in FULL_WIDTH_MASKS if spelling in text]
        if wide:
            raise InputError(Text("The mask is written with full-width brackets ({mask}). Write it with ASCII "
                                  "brackets: [MASK].", mask=wide[0]))
        if count == 0:
            raise InputError(Text("No mask found. Write [MASK] where the missing word goes, "
                                  "e.g. 'The capital of France is [MASK].'"))
        if count > MAX_MASKS:
            raise InputError(Text("The text has {count} masks; at most {most} can be filled at once.",
                                  count=count, most=MAX_MASKS))
        return text, top_k

    def batch_row(self, values, outputs) -> dict:
        _, filled, table = outputs
        candidates = "; ".join(f"{mask}: {word} ({percent(prob)})" for mask, _rank, word, prob in table)
        return {"filled": filled, "candidates": candidates}

    def solve(self, engine, warn: Warn, text, top_k=5):
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
