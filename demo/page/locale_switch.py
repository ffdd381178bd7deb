"""The page-language switch, and what follows it: every fixed text of the page, the tab names and
readiness lines in the language chosen; the browser's language on load. Every locale with a catalog
(`demo.i18n`) is offered.

Gradio translates component texts in the browser (`gr.I18n`) at first paint. A later switch is made
from the server with public event updates (a new label, placeholder or text for each component
that shows one), so it works the same with server-side rendering, which loads none of the modules
that hold Gradio's own locale store."""

from __future__ import annotations

import json

import gradio as gr

from demo.i18n import ENGLISH, PAGE_TEXTS, UI_LANGUAGE, Text, in_the_page_language, locales, localize
from demo.language import route
from demo.page import status
from demo.page.gradio_patches import serve_value
from demo.page.gradio_assets import gradio_locale_js
from demo.page.gradio_patches import translation_key, written_blocks
from demo.recent import Recent

TRANSLATED_PROPS = ("label", "placeholder", "info", "value")

READINESS_POLL_S = 1.0


class SessionLanguages:
    """The language each page session switched to last, so that a stream started before a switch
    says the rest in the new language. Bounded: past `size` sessions the oldest are forgotten."""

    def __init__(self, size: int = 10_000):
        self.chosen: Recent[str, str] = Recent(size)

    def remember(self, request: gr.Request | None, locale: str) -> None:
        session = getattr(request, "session_hash", None)
        if session:
            self.chosen.put(session, locale)

    def now(self, request, locale: str) -> str:
        """The session's language now (`locale`, the one its request was sent in, if it never switched)."""
        return self.chosen.get(getattr(request, "session_hash", None), locale)


SESSION_LANGUAGES = SessionLanguages()


def follow_switches(ui_language: gr.Textbox, quiet: dict) -> None:
    def remember(locale: str, request: gr.Request):
        SESSION_LANGUAGES.remember(request, locale)

    ui_language.change(remember, inputs=ui_language, **quiet)


def say_answer_again(ui_language: gr.Textbox, shown: gr.State, view_html: gr.HTML, status_line: gr.Markdown,
                     again, quiet: dict) -> None:
    """On a switch, the tab's answer is read again in the new language from what is kept of it
    (`again(shown, locale)` -> the view's HTML and the status line)."""
    ui_language.change(lambda locale, kept: again(kept, locale), inputs=[ui_language, shown],
                       outputs=[view_html, status_line], **quiet)


def choices_in_language(choices, locale: str) -> list[tuple[str, str]]:
    """Radio or dropdown choices shown in the page's language; the value sent stays the English
    name ("Built-in set: topics" is said as its two parts)."""
    def said(choice: str) -> str:
        source, _, name = choice.partition(": ")
        text = Text("{source}: {name}", source=Text(source), name=name) if name else Text(choice)
        return localize(text, locale)

    return [(said(choice), choice) for choice in choices]


def language_switch(quiet: dict) -> tuple[gr.Textbox, gr.Radio]:
    """The switch at the top of the page, and the hidden field that tells each page event the page's
    language. The page starts in the browser's language (Gradio's i18n picks it); the switch changes
    Gradio's own locale, so every component text follows at once."""
    names = locales()
    switch = gr.Radio(list(names.values()), value=names[ENGLISH], show_label=False, container=False,
                      elem_id="language-switch", label="Language / 语言")
    locale = gr.Textbox(value=ENGLISH, visible=False, elem_id="ui-language")
    codes = json.dumps({name: code for code, name in names.items()})
    switch.input(fn=None, inputs=switch, outputs=locale, js=f"""(choice) => {{
        const code = ({codes})[choice] || 'en';
        {gradio_locale_js("code")};
        return code;
    }}""", **quiet)
    return locale, switch


def say_fixed_texts_in_the_page_language(app: gr.Blocks, ui_language: gr.Textbox, tables: list,
                                         quiet: dict) -> None:
    """On a language switch, every component text that was built as a translation key is set again in
    the chosen language, except the values events write (answers and status lines keep what they say;
    a button's value is its text, which events never change)."""
    written = written_blocks(app)
    fixed = []
    for block in app.blocks.values():
        if isinstance(block, gr.Tab):  # the tab bar is named by `name_tabs_in_the_page_language`
            continue
        keys = {prop: key for prop in TRANSLATED_PROPS if (key := translation_key(getattr(block, prop, None)))
                and not (prop == "value" and id(block) in written and not isinstance(block, gr.Button))}
        if keys:
            fixed.append((block, keys))

    def texts(locale: str):
        token = UI_LANGUAGE.set(locale)
        try:
            # examples tables: Gradio shows their headers as written, so each is set in the page's language
            headers = [gr.update(headers=[in_the_page_language(label) for label in table.labels],
                                 samples=examples_in_the_page_language(table.rows, locale)) for table in tables]
        finally:
            UI_LANGUAGE.reset(token)
        return [gr.update(**{prop: PAGE_TEXTS.said(key, locale) for prop, key in keys.items()})
                for _, keys in fixed] + headers

    if fixed or tables:
        ui_language.change(texts, inputs=ui_language,
                           outputs=[block for block, _ in fixed] + [table.dataset for table in tables], **quiet)


def examples_in_the_page_language(rows: list[list], locale: str) -> list[list]:
    """The examples in the language of the page first, each language's rows in their own order (a
    click loads the row shown: Gradio reads the session's samples as they were last set)."""
    chinese_page = locale.split("-")[0] == "zh"
    return sorted(rows, key=lambda row: (route(*(str(cell) for cell in row)).language == "zh") != chinese_page)


def name_tabs_in_the_page_language(ui_language: gr.Textbox, built: list, quiet: dict) -> None:
    """Tab names follow a language switch: Gradio's tab bar translates only the selected tab's name
    when the locale changes, so the names are set again from the server in the chosen language."""
    def names(locale: str):
        return [gr.Tab(label=localize(b.task.title, locale)) for b in built]

    ui_language.change(names, inputs=ui_language, outputs=[b.tab for b in built], **quiet)


def follow_the_browser_language(app: gr.Blocks, locale: gr.Textbox, switch: gr.Radio, quiet: dict):
    """On load: the language Gradio picked from the browser, into the hidden field and the switch."""
    names = locales()
    prefixes = json.dumps({code.split("-")[0].lower(): [code, name] for code, name in names.items()})
    return app.load(fn=None, outputs=[locale, switch], js=f"""() => {{
        const lang = (document.documentElement.lang || 'en').toLowerCase();
        const found = {prefixes}[lang.split('-')[0]] || {prefixes}['en'];
        return [found[0], found[1]];
    }}""", **quiet)


def keep_readiness_current(app: gr.Blocks, runtime, built: list, ui_language: gr.Textbox, loaded,
                           tabs: gr.Tabs, quiet: dict) -> None:
    """Refresh every tab's readiness line, in the page's language, on page load (once the language
    is known), on a language switch, and each second while a model is not settled."""
    timer = gr.Timer(READINESS_POLL_S)
    lines = [b.readiness for b in built]

    def refresh(locale: str = ENGLISH):
        settled = all(state.phase in ("ready", "failed") for state in runtime.states.values())
        waiting_for_nobody = not runtime.loading_in_background and not any(
            state.phase == "loading" for state in runtime.states.values())
        texts = [localize(status.readiness(runtime, b.task), locale) for b in built]
        return (*texts, gr.Timer(active=not (settled or waiting_for_nobody)))

    # a tab's contents are drawn when it is first opened, with the line as it was built: refresh then too
    for trigger in (loaded.then, timer.tick, ui_language.change, tabs.select):
        trigger(refresh, inputs=ui_language, outputs=[*lines, timer], **quiet)

    def serve_the_lines_as_they_are_now():  # a page opened from now on paints them true from the start
        for line, b in zip(lines, built, strict=True):
            serve_value(app, line, localize(status.readiness(runtime, b.task), ENGLISH))

    runtime.when_ready.append(serve_the_lines_as_they_are_now)
