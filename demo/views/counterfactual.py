"""What flips the answer: the smallest edits found that change a label, each one checked by asking
the model again (never a guess from word scores).

Deletions only, smallest first: each word left out on its own, then, when none flips the answer,
pairs of the words whose absence lowered the answer's confidence most. A search is bounded: at
most `MAX_CHECKS` questions to the model and `BUDGET_S` seconds; when nothing flips within them,
"no edit of up to two words changes it" is the answer, with how much was tried.
"""

from __future__ import annotations

import itertools
import re
import time
from html import escape

import gradio as gr

from demo.i18n import Text, add_translations, say
from demo.inference import RequestCancelled, current_scope
from demo.views import View
from demo.views.compare import Answer
from demo.views.html import percent

MAX_CHECKS = 48  # questions to the model per search
BUDGET_S = 4.5  # seconds per search (a view answers within 5 s): a loaded machine gets fewer questions
PAIRS_FROM = 6  # pairs are drawn from the words whose absence lowered the answer's confidence most
MAX_SHOWN = 5
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|[\u3400-\u9fff]", re.UNICODE)
COLUMNS = ["edit", "edited text", "label", "confidence", "label before", "confidence before"]


def word_spans(text: str) -> list[tuple[int, int]]:
    """Where the words are: Latin-script words whole, each Chinese character on its own."""
    spans = []
    for match in WORD.finditer(text):
        word = match.group()
        if re.fullmatch(r"[\u3400-\u9fff]", word) or not re.search(r"[\u3400-\u9fff]", word):
            spans.append(match.span())
        else:  # Latin and Chinese run together: split the Chinese characters off
            spans += [(match.start() + i, match.start() + i + 1) for i in range(len(word))]
    return spans


def without(text: str, spans: list[tuple[int, int]]) -> str:
    """The text less the given words, with the space after each left word collapsed."""
    out, end = [], 0
    for start, stop in sorted(spans):
        out.append(text[end:start])
        end = stop
        if text[end : end + 1] == " " and (not out[-1] or out[-1].endswith(" ")):
            end += 1
    return ("".join(out) + text[end:]).strip()


def top(scores: dict[str, float]) -> tuple[str, float]:
    label = max(scores, key=scores.get)
    return label, scores[label]


def run(task, engine, warn, *checked):
    index = task.counterfactual_input
    text, started = checked[index], time.monotonic()
    spans, scope = word_spans(text), current_scope()

    def ask(edited: str) -> dict[str, float]:
        if scope is not None and scope.cancelled.is_set():
            raise RequestCancelled()
        return task.solve(engine, lambda message: None, *checked[:index], edited, *checked[index + 1:])[0]

    before, confidence = top(ask(text))
    checks, flips, lowered = 1, [], []
    within = lambda: checks < MAX_CHECKS and time.monotonic() - started < BUDGET_S  # noqa: E731
    for span in spans:
        if not within():
            break
        edited = without(text, [span])
        scores, checks = ask(edited), checks + 1
        lowered.append((scores.get(before, 0.0), span))
        if top(scores)[0] != before:
            flips.append(([span], edited, *top(scores)))
    if not flips:
        likeliest = [span for _, span in sorted(lowered)[:PAIRS_FROM]]
        for pair in itertools.combinations(sorted(likeliest), 2):
            if not within():
                break
            edited = without(text, list(pair))
            scores, checks = ask(edited), checks + 1
            if top(scores)[0] != before:
                flips.append((list(pair), edited, *top(scores)))
    flips.sort(key=lambda flip: (len(flip[0]), -flip[3]))
    rows = [[" + ".join(f"−{text[a:b]}" for a, b in removed), edited, label, round(p, 4), before, round(confidence, 4)]
            for removed, edited, label, p in flips[:MAX_SHOWN]]
    if not rows:  # the answer before, so the page can say what held
        rows = [["", text, before, round(confidence, 4), before, round(confidence, 4)]]
    seconds = time.monotonic() - started
    exhausted = not within()
    note = Text("asked the model {checks} times in {seconds} s{cut}", checks=str(checks), seconds=f"{seconds:.1f}",
                cut=Text(" (its limit)") if exhausted else "")
    return Answer((rows[0][1] if flips else "", {"headers": COLUMNS, "data": rows}), note)


def present(task, checked, outputs, card) -> str:
    best, table = outputs
    rows = table["data"] if isinstance(table, dict) else table.values.tolist()
    if not best:
        _, _, label, p, *_ = rows[0]
        return (f'<div class="answer"><p class="perplexity">{escape(say(NO_FLIP, label=label, p=percent(p)))}</p>'
                f'<p class="meaning">{escape(say(WHAT))}</p></div>')
    items = []
    for edit, edited, label, p, before, p_before in rows:
        items.append(f'<li><span class="edit">{escape(edit)}</span>: <q>{escape(edited)}</q> '
                     f'<span class="flip">{escape(before)} {percent(p_before)} → <b>{escape(label)}</b> {percent(p)}</span></li>')
    return (f'<div class="answer"><p class="perplexity">{escape(say("Smallest edits found that change the answer:"))}'
            f'</p><ol class="flips">{"".join(items)}</ol><p class="meaning">{escape(say(WHAT))}</p></div>')


NO_FLIP = "No edit of up to two words changes the answer ({label}, {p}): it holds."
WHAT = ("Each edit was checked by asking the model again. Words are left out one at a time, then in pairs; "
        "an edit that changes the answer shows which words the answer rests on.")


def build_outputs(task, outputs: list) -> list:
    return [gr.Textbox(label="Best edit", elem_id=f"{task.dom_id}-flip", visible=False),
            gr.Dataframe(headers=COLUMNS, label="Edits that change the answer", elem_id=f"{task.dom_id}-flips",
                         visible=False)]


VIEW = View("counterfactual", "What flips it: the smallest edit that changes the answer", "attribute",
            "counterfactual_{task}", run, present, build_outputs, takes=lambda task: task.params,
            description="The smallest edits found that change the {task} answer (words left out, one, then two), "
                        "each checked by asking the model again.",
            returns=("the edited text of the best edit found (empty when none changes the answer)",
                     "{headers, data}: rows [edit, edited text, label, confidence, label before, confidence before], "
                     "smallest first; when no edit changes the answer, one row with no edit: the text and its answer"))

TRANSLATIONS = {"zh-CN": {
    "What flips it: the smallest edit that changes the answer": "什么会改变答案：最小的改动",
    "Smallest edits found that change the answer:": "找到的能改变答案的最小改动：",
    NO_FLIP: "删去最多两个词都改变不了答案（{label}，{p}）：它站得住。",
    WHAT: "每个改动都重新问过模型。先逐个删去一个词，再删去两个词；能改变答案的改动说明答案依赖哪些词。",
    "asked the model {checks} times in {seconds} s{cut}": "{seconds} 秒内问了模型 {checks} 次{cut}",
    " (its limit)": "（达到上限）",
    "Best edit": "最佳改动",
    "Edits that change the answer": "改变答案的改动",
}}

add_translations(TRANSLATIONS)
