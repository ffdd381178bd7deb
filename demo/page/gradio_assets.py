"""The CSS and browser code that reach Gradio's own classes and modules (gradio 6.31.0): kept apart from
the Python patches of `demo.page.gradio_patches`, tested with them (tests/test_gradio_patches.py and the
browser tests)."""

from __future__ import annotations

# Rules on Gradio's own classes. Gradio keeps a top-level rule as written but scopes rules inside
# @media to the page's content, so the container itself is styled here, outside any media query.
def gradio_locale_js(code: str) -> str:
    """Browser-side: set Gradio's own locale to the JS expression `code` (its upload box, its footer,
    its table texts follow, in the languages Gradio ships). Gradio exports `changeLocale` from its
    core module but puts it nowhere global: the module is imported again by its URL, which gives the
    same instance."""
    return f"""(() => {{
        const core = performance.getEntriesByType('resource').map((e) => e.name)
            .find((name) => /\/assets\/core-[\w-]+\.js$/.test(name));
        if (core) import(core).then((m) => m.changeLocale && m.changeLocale({code})).catch(() => {{}});
        document.documentElement.lang = {code};  // the page's language: screen readers and the CSS follow it
    }})()"""


GRADIO_CSS = """
.gradio-container { max-width: 1100px !important; width: 100% !important; margin-left: auto !important; margin-right: auto !important; }
@media (max-width: 640px) {
  .tab-like-container { height: auto !important; }  /* a slider's number box and reset button grow with them */
}
"""


TOAST_LEVELS = ("Warning", "Error", "Info", "Success")  # Gradio titles a toast with its level, in English


def toast_titles_css(locales: dict[str, dict[str, str]]) -> str:
    """Gradio 6 titles each pop-up with its level's English name ("Warning"), whatever title it was
    given: on a page in another language (the `lang` of <html>, which the language switch sets) the
    name is hidden and said from that language's catalog instead."""
    rules = []
    for locale, texts in locales.items():
        prefix = locale.split("-")[0]
        for level in TOAST_LEVELS:
            if level in texts:
                said = texts[level].replace("\\", "").replace('"', "")
                rules.append(f'html:lang({prefix}) .toast-title.{level.lower()} {{ font-size: 0; }} '
                             f'html:lang({prefix}) .toast-title.{level.lower()}::before {{ content: "{said}"; '
                             f'font-size: var(--text-md); }}')
    return "\n".join(rules)
