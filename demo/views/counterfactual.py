"""What flips the answer: the smallest edits found that change a label, each one checked by asking
the model again (never a guess from word scores).

Smallest first: each word left out on its own; then the words whose absence lowered the answer's
confidence most, each replaced by the words the task's own model proposes in its place (Gemma's
opposites and next-word guesses, BERT's masked-LM head; `demo.engines.substitutes`); when nothing
flips the answer, two of the one-word edits that lowered its confidence most, together. A search
is bounded: at most `MAX_CHECKS` questions to the model and a budget of seconds (the engine's
`search_budget_s`, `demo.engines.base.Engine`); when nothing flips within them, "no edit tried changes it" is
the answer, with how much was tried. A search's time is its budget whatever else runs, so searches
are a kind of work of their own, several at once (`SEARCH_KIND`): each gets fewer questions on a
busy machine instead of waiting for the others' whole budgets.
"""

from __future__ import annotations

import contextvars
import dataclasses
import itertools
import re
import time
from concurrent.futures import ThreadPoolExecutor
from html import escape

import gradio as gr

from demo.admission import declare
from demo.errors import UserFacingError
from demo.i18n import Text, say
from demo.scope import RequestCancelled, current_scope
from demo.views import View
from demo.views.compare import Answer
from demo.views.html import percent

MAX_CHECKS = 64  # questions to the model per search
SEARCH_KIND = "search"  # searches run side by side: each is bounded by its budget, not by its questions
SEARCHES_AT_ONCE = 8
PAIRS_FROM = 5  # substitutions and pairs are tried on the words whose absence lowered the confidence most
MAX_PAIRS = 24  # two-word edits tried when no one-word edit flips the answer
PROPOSALS = 5  # replacement words proposed per word, by the task's own model
ASKED_AT_ONCE = 16  # edited texts asked at once (engines that batch answer them in one pass)
SLOW_FIRST_S = 1.0  # a first answer slower than this is timed again for the pace
PLANNED = 0.75  # of the budget planned for at the pace so far: a group of questions may run slower than one
MAX_SHOWN = 5
# the text a search edits, in characters: each question re-reads it (a 200,000-character review once made a
# search of two questions take 13-74 s and its client's slot held for minutes)
MAX_SEARCH_CHARS = 2_000
# a short text's one-word deletions are all tried whatever the pace (a busy machine asked 3 questions of a
# 4.5 s budget and said the answer holds), within this many budgets from the request's start
DELETIONS_ALWAYS, HARD_LIMIT_BUDGETS = 24, 3
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


def edited(text: str, changes: tuple[tuple[tuple[int, int], str], ...]) -> str:
    """The text with each (span, new word) change made; a word changed to "" is left out, with the
    space after it collapsed."""
    out, end = [], 0
    for (start, stop), word in sorted(changes):
        out.append(text[end:start] + word)
        end = stop
        if not word and text[end : end + 1] == " " and (not out[-1] or out[-1].endswith(" ")):
            end += 1
    return ("".join(out) + text[end:]).strip()


def without(text: str, spans: list[tuple[int, int]]) -> str:
    """The text less the given words."""
    return edited(text, tuple((span, "") for span in spans))


def described(text: str, changes) -> str:
    """How the page names an edit: "−word" for a word left out, "word → new" for one replaced."""
    return " ".join(f"{text[a:b]} → {word}" if word else f"−{text[a:b]}" for (a, b), word in sorted(changes))


def top(scores: dict[str, float]) -> tuple[str, float]:
    label = max(scores, key=scores.get)
    return label, scores[label]


class Search:
    """One bounded search: the questions asked so far, the clock, and the flips found."""

    def __init__(self, task, checked: tuple, index: int, one_s: float, budget_s: float, started: float):
        self.task, self.checked, self.index, self.one_s, self.budget_s = task, checked, index, one_s, budget_s
        self.started, self.checks, self.scope = started, 0, current_scope()  # the budget counts from the request
        self.asked_at = started + one_s  # when the questions began (set again when they do): their pace
        self.floor = 0  # questions owed whatever the budget says (a short text's deletions), within the hard limit
        self.context = contextvars.copy_context()

    def left(self) -> int:
        """How many more questions the limits allow now: the time left at the pace measured so far, and
        at least the owed ones until the hard limit."""
        now = time.monotonic()
        spent = now - self.started
        if spent >= HARD_LIMIT_BUDGETS * self.budget_s:
            return 0
        owed = max(0, self.floor - self.checks)
        if spent >= self.budget_s:
            return min(owed, MAX_CHECKS - self.checks)
        pace = (now - self.asked_at) / self.checks if self.checks else self.one_s  # before any: the answer's own
        fit = int((PLANNED * self.budget_s - spent) / pace) if pace else MAX_CHECKS
        return max(0, min(MAX_CHECKS - self.checks, max(fit, owed)))

    def ask(self, engine, texts: list[str]) -> list[dict[str, float]]:
        """The answers to the edited texts, as many as the limits allow: `ASKED_AT_ONCE` at a time to
        an engine that answers requests together (`answers_together`: sentiment, one pass a group),
        one at a time to the others, which answer in turn anyway: the budget is then looked at before
        each question (eight searches' groups, committed at once, once ran three budgets long)."""

        def one(edited: str) -> dict[str, float]:
            values = (*self.checked[: self.index], edited, *self.checked[self.index + 1:])
            return self.context.copy().run(self.task.solve, engine, lambda message: None, *values)[0]

        answers: list[dict[str, float]] = []
        while len(answers) < len(texts) and self.left() > 0:
            if self.scope is not None and self.scope.cancelled.is_set():
                raise RequestCancelled()
            at_once = ASKED_AT_ONCE if engine.answers_together else 1
            group = texts[len(answers): len(answers) + min(at_once, self.left())]
            self.checks += len(group)
            with ThreadPoolExecutor(len(group)) as pool:
                answers += pool.map(one, group)
        return answers


def run(task, engine, warn, *checked):
    index = task.counterfactual_input
    text = checked[index]
    started, spans = time.monotonic(), word_spans(text)
    # the answer as it stands first, outside the edits' budget (a classify label set's first request
    # also calibrates its labels: seconds the edits would otherwise lose)
    before, confidence = top(task.solve(engine, lambda message: None, *checked)[0])
    one_s, asked_first = time.monotonic() - started, 1
    if one_s > SLOW_FIRST_S:  # a first answer that calibrated too says nothing of a question's pace: ask again
        again = time.monotonic()
        task.solve(engine, lambda message: None, *checked)
        one_s, asked_first = time.monotonic() - again, 2
    search = Search(task, checked, index, one_s, engine.search_budget_s, started)
    search.asked_at = time.monotonic()
    flips, kept = [], []  # kept: (confidence left in the answer, changes) of every one-word edit tried

    def tried(edits: list[tuple]) -> list[dict[str, float]]:
        """Each edit's answer (as many as the limits allowed); the ones that change the label kept."""
        answers = search.ask(engine, [edited(text, changes) for changes in edits])
        for changes, scores in zip(edits, answers):
            if top(scores)[0] != before:
                flips.append((changes, *top(scores)))
            elif len(changes) == 1:
                kept.append((scores.get(before, 0.0), changes))
        return answers

    proposer = engine.substitutes
    # the words as the model reads them (a Chinese word whole rather than its characters); no more
    # than the search can ask about
    units = [unit for unit, _ in proposer(text, spans[:MAX_CHECKS], 0)] if proposer else spans[:MAX_CHECKS]
    search.floor = len(units) if len(units) <= DELETIONS_ALWAYS else 0
    deletions = len(tried([((unit, ""),) for unit in units]))
    if not flips and deletions < min(len(units), DELETIONS_ALWAYS):  # never "it holds" on edits not tried
        raise UserFacingError(Text(
            "No edit found that changes the answer ({label}, {p}), but only {tried} of the text's {words} one-word "
            "edits could be asked within {seconds} s: the models are busy. Please try again in a moment.",
            label=Text(task.words.get(before, before)), p=percent(confidence), tried=deletions, words=len(units),
            seconds=f"{time.monotonic() - started:.1f}"))
    weakest = [changes[0][0] for _, changes in sorted(kept)[:PAIRS_FROM]]
    if proposer is not None and weakest and search.left() > 0:  # the model's own words for the weakest
        tried([((unit, word),) for unit, words in proposer(text, weakest, PROPOSALS) for word in words])
    if not flips:  # two words: the single edits that shook the answer most, together
        best = [changes[0] for _, changes in sorted(kept)]
        pairs = [(a, b) for a, b in itertools.combinations(best[:PAIRS_FROM * 2], 2) if a[0][1] <= b[0][0] or
                 b[0][1] <= a[0][0]]
        tried(pairs[:MAX_PAIRS])
    flips.sort(key=lambda flip: (len(flip[0]), -flip[2]))
    rows = [[described(text, changes), edited(text, changes), label, round(p, 4), before, round(confidence, 4)]
            for changes, label, p in flips[:MAX_SHOWN]]
    if not rows:  # the answer before, so the page can say what held
        rows = [["", text, before, round(confidence, 4), before, round(confidence, 4)]]
    seconds = time.monotonic() - started
    note = Text("asked the model {checks} times in {seconds} s{cut}{how}", checks=str(search.checks + asked_first),
                seconds=f"{seconds:.1f}", cut=Text(" (its limit)") if search.left() <= 0 else "",
                how=Text("; words left out only: this model proposes no replacements") if proposer is None else "")
    return Answer((rows[0][1] if flips else "", {"headers": COLUMNS, "data": rows}), note)


def searched_params(task) -> tuple:
    """The task's inputs, the edited one bounded for a search (every question re-reads it)."""
    return tuple(dataclasses.replace(param, max_chars=min(param.max_chars, MAX_SEARCH_CHARS))
                 if i == task.counterfactual_input else param for i, param in enumerate(task.params))


def present(task, checked, outputs, card) -> str:
    best, table = outputs
    rows = table["data"] if isinstance(table, dict) else table.values.tolist()
    word = lambda label: say(task.words.get(label, label))  # noqa: E731 (POSITIVE is said 正面 on the Chinese page)
    if not best:
        _, _, label, p, *_ = rows[0]
        return (f'<div class="answer"><p class="perplexity">{escape(say(NO_FLIP, label=word(label), p=percent(p)))}</p>'
                f'<p class="meaning">{escape(say(WHAT))}</p></div>')
    items = []
    for edit, edited, label, p, before, p_before in rows:
        items.append(f'<li><span class="edit">{escape(edit)}</span>: <q>{escape(edited)}</q> '
                     f'<span class="flip">{escape(word(before))} {percent(p_before)} → <b>{escape(word(label))}</b> '
                     f'{percent(p)}</span></li>')
    return (f'<div class="answer"><p class="perplexity">{escape(say("Smallest edits found that change the answer:"))}'
            f'</p><ol class="flips">{"".join(items)}</ol><p class="meaning">{escape(say(WHAT))}</p></div>')


NO_FLIP = "No edit tried changes the answer ({label}, {p}): it holds."
WHAT = ("Each edit was checked by asking the model again. Words are left out one at a time, then the words the "
        "answer leaned on most are replaced by words the model itself proposes, then two such edits are made "
        "together; an edit "
        "that changes the answer shows which words the answer rests on.")


def build_outputs(task, outputs: list) -> list:
    return [gr.Textbox(label="Best edit", elem_id=f"{task.dom_id}-flip", visible=False),
            gr.Dataframe(headers=COLUMNS, label="Edits that change the answer", elem_id=f"{task.dom_id}-flips",
                         visible=False)]


VIEW = View("counterfactual", "What flips it: the smallest edit that changes the answer", "attribute",
            "counterfactual_{task}", run, present, build_outputs, takes=searched_params,
            description="The smallest edits found that change the {task} answer (a word left out or replaced by "
                        "one the model proposes, then two words left out), each checked by asking the model again.",
            returns=("the edited text of the best edit found (empty when none changes the answer)",
                     "{headers, data}: rows [edit, edited text, label, confidence, label before, confidence before], "
                     "smallest first; when no edit changes the answer, one row with no edit: the text and its answer"),
            timed=False, kind=SEARCH_KIND, concurrency=SEARCHES_AT_ONCE)

declare(SEARCH_KIND, share=32, per_client=1, names=("search for what flips the answer", "searches for what flips the answer"))
