"""The page-language switch, and what follows it: tab names and readiness lines in the language
chosen, the browser's language on load. Every locale with a catalog (`demo.i18n`) is offered."""

from __future__ import annotations

import json

import gradio as gr

from demo.i18n import ENGLISH, localize, locales
from demo.page import status
from demo.page.gradio_patches import CHANGE_LOCALE_JS

READINESS_POLL_S = 1.0


def language_switch(quiet: dict) -> tuple[gr.Textbox, gr.Radio]:
    """The switch at the top of the page, and the hidden field that tells each page event the page's
    language. The page starts in the browser's language (Gradio's i18n picks it); the switch changes
    Gradio's own locale, so every component text follows at once."""
    names = locales()
    switch = gr.Radio(list(names.values()), value=names[ENGLISH], show_label=False, container=False,
                      elem_id="language-switch", label="Language / 语言")
    locale = gr.Textbox(value=ENGLISH, visible=False, elem_id="ui-language")
    codes = json.dumps({name: code for code, name in names.items()})
    switch.input(fn=None, inputs=switch, outputs=locale, js=f"""async (choice) => {{
        const locale = {codes}[choice] || 'en';
        {CHANGE_LOCALE_JS}
        return locale;
    }}""", **quiet)
    return locale, switch


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
