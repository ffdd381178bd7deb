"""The whole page: the header, a tab per registered task, the jobs section, the language switch
and share links, built from the registry's declarations alone (no model is loaded here)."""

from __future__ import annotations

import gradio as gr

from demo.i18n import Text, listed, ui_text
from demo.page import links, locale_switch
from demo.i18n import CATALOGS
from demo.page.gradio_assets import GRADIO_CSS, toast_titles_css
from demo.page.gradio_patches import ShowcaseBlocks, use_fair_queue
from demo.page.scorecard_section import build_scorecard
from demo.page.tab import QUIET, build_tab
from demo.registry import TASKS
from demo.views.html import CSS as VIEW_CSS

HEADER = """
# Zero-training NLP showcase
Pretrained language models, used **as they are**: no extra training, no fine-tuning on your data.
Pick a task, try an example or type your own text, in English or Chinese. Each tab says which model
answers, on which hardware, and how long it took; open **How it works** to see why a pretrained model
can do this.
"""
CSS = GRADIO_CSS + """
textarea:focus-visible, input:focus-visible, button:focus-visible {
  outline: 2px solid var(--color-accent) !important; outline-offset: 1px;
}
.model-status { font-size: 0.9em; opacity: 0.85; }
.model-status details summary { cursor: pointer; }
/* Gradio's own SourceSansPro-SemiBold.woff2 is a 5 KB subset: most bold letters fell back to another
   font and looked larger. Its complete bold file serves every weight from 600 up. */
@font-face { font-family: "Source Sans Pro"; font-weight: 600 900; font-style: normal;
             src: url("static/fonts/SourceSansPro/SourceSansPro-Bold.woff2") format("woff2"); }
/* the views: one compact row under Run, clearly second to it */
.secondary-views { gap: 0.4em !important; flex-wrap: wrap !important; }
.secondary-views > button { flex: 0 1 auto !important; min-width: 0 !important; }
/* presenter mode (the page script sets the class): larger type, the examples first, no API footer,
   settings or share panels; the "New visitor" button shows only there */
body:not(.presenter) #new-visitor { display: none !important; }  /* (Gradio copies each rule under its container: a
   rule on the body matches only as written) */
body.presenter .gradio-container { zoom: 1.2; }
body.presenter #new-visitor { max-width: 12em; margin-left: auto; }
body.presenter footer, body.presenter [id$="-settings"], body.presenter [id$="-share"] { display: none !important; }
body.presenter .tabitem > .column, body.presenter .tabitem > div { display: flex; flex-direction: column; }
body.presenter [id$="-examples"] { order: -1; }
@media (max-width: 640px) {
  /* touch targets of at least 44 px on phones */
  button, [role=tab], textarea, input[type=number] { min-height: 44px !important; }
  button { min-width: 44px !important; }
}
""" + VIEW_CSS + toast_titles_css({locale: texts for locale, texts in CATALOGS.texts.items() if texts})


def page_script(presenter: bool = False) -> str:
    """The page's own script, run once on load:
    - arrow keys move between tabs, as in the WAI-ARIA tabs pattern (Gradio's tab bar does not);
    - on a phone, a press on Run or a view's button brings the tab's answer into view (the buttons sit
      above it, and the answer would come off-screen);
    - presenter mode (`?presenter=1` on any address, or `--presenter` as the default; `?presenter=0`
      turns it off): larger type, examples first, no API footer or settings, a "New visitor" button
      that starts the page afresh."""
    return """() => {
  document.addEventListener('keydown', (event) => {
    const tab = event.target.closest && event.target.closest('[role=tab]');
    if (!tab || !['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(event.key)) return;
    const tabs = [...tab.closest('[role=tablist]').querySelectorAll('[role=tab]')].filter((t) => t.offsetParent);
    const at = tabs.indexOf(tab), last = tabs.length - 1;
    const next = {ArrowLeft: at - 1, ArrowRight: at + 1, Home: 0, End: last}[event.key];
    const chosen = tabs[(next + tabs.length) % tabs.length];
    event.preventDefault();
    chosen.click();
    chosen.focus();
  });
  document.addEventListener('click', (event) => {
    const button = event.target.closest && event.target.closest('button');
    const action = button && button.closest('.task-actions');
    if (!action || window.innerWidth > PHONE_WIDTH) return;
    const answer = document.getElementById(action.dataset.answer || action.id.replace(/-actions$/, '-view'));
    if (answer) setTimeout(() => answer.scrollIntoView({behavior: 'smooth', block: 'start'}), 150);
  });
  const asked = new URLSearchParams(window.location.search).get('presenter');
  if (asked === null ? PRESENTER : asked !== '0') document.body.classList.add('presenter');
}""".replace("PRESENTER", "true" if presenter else "false").replace("PHONE_WIDTH", str(PHONE_WIDTH))


PHONE_WIDTH = 640  # px: the widths the page treats as a phone (the CSS's media query too)


def profile_summary(runtime) -> Text:
    """One line under the header: which profile serves the page, and why."""
    embedded = [task for task, assignment in runtime.plan.items() if assignment.embedded]
    if not embedded:
        return Text("Serving the classic pretrained checkpoints (Chinese text goes to Chinese ones).")
    reasons = sorted({runtime.plan[task].reason.removeprefix("embedded: ") for task in embedded} -
                     {"embedded profile chosen"})
    why = Text(" ({reasons})", reasons=listed([Text(reason) for reason in reasons], "; ")) if reasons else Text("")
    if len(embedded) == len(runtime.plan):
        return Text("**Embedded profile**{why}: every tab runs on Gemma 3 270M, installed with pip, in English "
                    "and Chinese. No network needed, no training, zero-shot.", why=why)
    titles = listed([Text(TASKS[task].title) for task in embedded], ", ")
    return Text("**Embedded models** serve {titles}{why}; the other tabs use the classic checkpoints.",
                titles=titles, why=why)


def build_app(runtime) -> gr.Blocks:
    """Build the whole page; no model is loaded here."""
    # files Gradio keeps (uploads never run, scored CSVs served for download) go after 10 minutes
    with ShowcaseBlocks(title="Zero-training NLP showcase", analytics_enabled=False, delete_cache=(600, 600)) as app:
        app.runtime = runtime
        ui_language, switch = locale_switch.language_switch(QUIET)
        gr.Markdown(ui_text(HEADER), elem_id="header")
        gr.Markdown(ui_text(profile_summary(runtime)), elem_id="profile")
        # presenter mode: the page afresh for the next visitor, every input and answer empty
        gr.Button(ui_text("New visitor"), size="sm", elem_id="new-visitor").click(
            fn=None, js="() => { window.location.assign(window.location.pathname + '?presenter=1'); }")
        with gr.Tabs(overflow_behavior="wrap") as tabs:  # on a phone every tab stays one tap away
            built = [build_tab(task, runtime, ui_language) for task in TASKS.values()]
        build_scorecard(runtime, QUIET, ui_language)
        locale_switch.name_tabs_in_the_page_language(ui_language, built, QUIET)
        locale_switch.follow_switches(ui_language, QUIET)
        loaded = locale_switch.follow_the_browser_language(app, ui_language, switch, QUIET)
        locale_switch.keep_readiness_current(app, runtime, built, ui_language, loaded, tabs, QUIET)
        links.open_share_links(loaded, ui_language, tabs, built, QUIET)
        locale_switch.say_fixed_texts_in_the_page_language(
            app, ui_language, [b.examples for b in built if b.examples], QUIET)
    use_fair_queue(app)
    return app
