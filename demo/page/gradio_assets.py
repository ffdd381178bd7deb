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
    }})()"""


GRADIO_CSS = """
.gradio-container { max-width: 1100px !important; width: 100% !important; margin-left: auto !important; margin-right: auto !important; }
@media (max-width: 640px) {
  .tab-like-container { height: auto !important; }  /* a slider's number box and reset button grow with them */
}
"""
