"""The lines that say who answered, how fast, and whether a tab's model is ready: built once per
request from the answering engine's card, as `Text` the page says in its own language."""

from __future__ import annotations

import time

from demo.engines import Card
from demo.i18n import Text, listed
from demo.language import Routing

EMPTY = Text("")


def _details(details: Text | str) -> Text:
    return Text("\n\n<details><summary>Details</summary>\n\n{details}\n\n</details>", details=_parts(details))


def _parts(details: Text | str) -> Text | str:
    """A card's details ("model@rev · CPU · hub profile chosen") with each part said in the page's
    language where it is a phrase the catalogs know (a model id stays as it is)."""
    if isinstance(details, Text) or not isinstance(details, str):  # (a Text is a str too)
        return details
    parts = [f"`{part}`" if "--" in part else part for part in details.split(" · ")]  # a flag reads as code
    return Text(" · ".join(f"{{p{i}}}" for i in range(len(parts))),
                **{f"p{i}": listed([Text(piece) for piece in part.split(", ")], ", ") for i, part in enumerate(parts)})


def _where(card: Card) -> Text:
    return Text(" on {device}", device=card.device) if card.device else EMPTY


def routing_reason(routing: Routing) -> Text:
    """Why a text went to a language's model: its counts of Chinese characters and Latin words."""
    if not routing.han:
        return Text("no Chinese characters")
    return Text("{han} Chinese characters, {words} Latin-script words" if routing.han != 1 or routing.words != 1
                else "{han} Chinese character, {words} Latin-script word", han=routing.han, words=routing.words)


def idle(english: Card, chinese: Card) -> Text:
    """The line a tab shows before its first answer: which model answers English and Chinese text."""
    if chinese.name == english.name:
        line = Text("Answers come from **{model}**{where}.", model=english.name, where=_where(english))
        return line + _details(english.details)
    line = Text("English text is answered by **{english}**, Chinese text by **{chinese}**{where}.",
                english=english.name, chinese=chinese.name, where=_where(english))
    return line + _details(Text("{english}  \nChinese: {chinese}", english=_parts(english.details),
                                chinese=_parts(chinese.details)))


def answered(card: Card, routing: Routing, started: float, load_s: float, first: float | None = None,
             note: str = "") -> Text:
    """The status of a finished request: seconds taken, a one-time load, the first text of a stream,
    and why Chinese text went to the Chinese model."""
    took = time.perf_counter() - started
    load = Text(" (including {seconds} s of one-time model loading)", seconds=f"{load_s:.1f}") \
        if load_s >= 0.05 else EMPTY
    first_text = Text("; first text after {seconds} s", seconds=f"{first - started:.2f}") \
        if first is not None else EMPTY
    why = Text(" Chinese text: {reason}.", reason=routing_reason(routing)) if routing.language == "zh" else EMPTY
    line = Text("Answered by **{model}**{where} in {seconds} s{load}{first}.{why}", model=card.name,
                where=_where(card), seconds=f"{took:.2f}", load=load, first=first_text, why=why)
    if note:
        line = line + Text("  \n{note}", note=note)
    return line + routed_details(card, routing)


def routed_details(card: Card, routing: Routing) -> Text:
    routed = Text(" · routed to the {language} model: {reason}",
                  language=Text("Chinese" if routing.language == "zh" else "English"), reason=routing_reason(routing))
    return _details(Text("{details}{routed}", details=_parts(card.details), routed=routed))


def generating(card: Card, routing: Routing) -> Text:
    return Text("Generating…") + routed_details(card, routing)


def stopped(card: Card, routing: Routing, started: float, size: str) -> Text:
    said = Text("**Stopped** after {size}{seconds} s; the text so far is kept.",
                size=Text("{size} and ", size=size) if size else EMPTY,
                seconds=f"{time.perf_counter() - started:.2f}")
    return said + routed_details(card, routing)


def readiness(runtime, task) -> Text:
    """Whether the tab's model is ready, loading (with its progress) or failed, in one line."""
    state = runtime.states[task.key]
    if state.phase == "ready":
        return Text("**Model ready.**")
    if state.phase == "loading":
        return Text("**Loading the model** (once, {fraction}): {message}", fraction=f"{state.fraction:.0%}",
                    message=state.message)
    if state.phase == "failed":
        return Text("**The model could not be loaded:** {message}", message=state.message)
    if runtime.loading_in_background:
        return Text("**Waiting to load** (models load one at a time, in tab order).")
    return Text("The model loads on this tab's first request.")
