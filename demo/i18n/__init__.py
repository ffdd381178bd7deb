"""The page in every language it has a catalog for: one module per locale in this package.

A catalog (`zh_cn`, a module or a package of them) holds `LOCALE` (the browser's code, "zh-CN"), `NAME` (what the
switch shows, "中文"), `ALIASES` (other codes that pick it) and `TEXTS`, every page string in that
language keyed by its English text. A third language is one more module here, or one registered
by a plug-in (`add_plugin_texts`).

Three kinds of text, one lookup:
- what the components show (labels, buttons, tab names, summaries): `ui_text`, translated in the
  browser by Gradio's own `gr.I18n`;
- what the page's answers say (verdicts, legends): `say`, written for the request's page language
  (`UI_LANGUAGE`);
- messages and status lines with numbers and names: `Text`, an English string that keeps its
  template and fields, so the page renders it again in its language (`localize`). Nothing is
  translated back from English text.
The API speaks English whatever the page's language; only the page is translated.
"""

from __future__ import annotations

import hashlib
import importlib
import pkgutil
from contextvars import ContextVar
from types import ModuleType
from typing import Any

UI_LANGUAGE: ContextVar[str] = ContextVar("ui_language", default="en")  # the page's language, per request
ENGLISH = "en"


class Text(str):
    """An English message that remembers its template and fields, to be said in another language.
    Fields may be `Text` themselves (a fragment of the sentence, translated on its own)."""

    template: str
    fields: dict[str, Any]

    def __new__(cls, template: str, **fields):
        text = super().__new__(cls, template.format(**fields) if fields else template)
        text.template, text.fields = template, fields
        return text

    def __add__(self, other):
        return Joined(self, other)


class Joined(Text):
    """Two messages one after the other, each said in the page's language."""

    def __new__(cls, *parts):
        text = str.__new__(cls, "".join(str(part) for part in parts))
        text.template, text.fields, text.parts = "", {}, parts
        return text

    def __add__(self, other):
        return Joined(*self.parts, other)


def listed(parts: list, separator: str) -> Joined:
    """Parts one after another, each and the separator said in the page's language."""
    joined: list = []
    for part in parts:
        joined += [Text(separator), part] if joined else [part]
    return Joined(*joined)


class Catalogs:
    """Every page language: English (the source) and one catalog per other locale."""

    def __init__(self):
        self.names: dict[str, str] = {ENGLISH: "English"}
        self.texts: dict[str, dict[str, str]] = {ENGLISH: {}}
        self.aliases: dict[str, str] = {}  # lower-case code -> locale
        self.spellings: dict[str, str] = {}  # every code as written -> locale, for the browser

    def add(self, module: ModuleType) -> None:
        self.names[module.LOCALE] = module.NAME
        self.texts[module.LOCALE] = self.texts.get(module.LOCALE, {}) | dict(module.TEXTS)
        for alias in (module.LOCALE, *getattr(module, "ALIASES", ())):
            self.aliases[alias.lower()] = module.LOCALE
            self.spellings[alias] = module.LOCALE

    def locale_of(self, code: str | None) -> str:
        """The catalog a browser's language code picks ("zh-TW" -> "zh-CN" when only that exists)."""
        code = str(code or ENGLISH).lower()
        return self.aliases.get(code) or self.aliases.get(code.split("-")[0]) or ENGLISH

    def lookup(self, english: str, locale: str) -> str:
        return self.texts.get(self.locale_of(locale), {}).get(english, english)


CATALOGS = Catalogs()
for _found in pkgutil.iter_modules(__path__):
    CATALOGS.add(importlib.import_module(f"{__name__}.{_found.name}"))


def add_plugin_texts(module: ModuleType) -> None:
    """What a plug-in module from outside the app says in other page languages: a whole catalog
    (`LOCALE`, `NAME`, `TEXTS`), or its own texts (`TRANSLATIONS`: locale -> English -> translation).
    The app's own modules write English only; their translations are this package's catalogs."""
    if hasattr(module, "LOCALE"):
        CATALOGS.add(module)
    for locale, texts in getattr(module, "TRANSLATIONS", {}).items():
        CATALOGS.texts.setdefault(locale, {}).update(texts)


def locales() -> dict[str, str]:
    """Locale code -> the name the switch shows, English first."""
    return dict(CATALOGS.names)


def say(english: str, **fields) -> str:
    """A phrase of an answer in the page's language (`UI_LANGUAGE`); `fields` fill its "{name}"
    places after translation."""
    text = CATALOGS.lookup(english, UI_LANGUAGE.get())
    return text.format(**fields) if fields else text


def localize(message: Any, locale: str | None = None) -> Any:
    """A message in the page's language: a `Text` is rendered from its template and fields; a plain
    string is looked up whole (a fixed message) and otherwise stays English; anything else (an
    update that leaves a component as it is) passes through."""
    locale = locale or UI_LANGUAGE.get()
    if not isinstance(message, str) or CATALOGS.locale_of(locale) == ENGLISH:
        return message
    if isinstance(message, Joined):
        return "".join(localize(part, locale) for part in message.parts)
    if isinstance(message, Text):
        template = CATALOGS.lookup(message.template, locale)
        fields = {name: localize(value, locale) for name, value in message.fields.items()}
        return template.format(**fields) if fields else template
    texts = CATALOGS.texts.get(CATALOGS.locale_of(locale), {})
    if message in texts:
        return texts[message]
    return "\n".join(texts.get(line, line) for line in message.split("\n"))


def _key(text: str) -> str:
    """A translation key without dots or spaces (Gradio's i18n reads dots as nesting)."""
    return "t" + hashlib.sha1(text.encode()).hexdigest()[:12]


class PageTexts:
    """The component texts of the page, handed to Gradio's `gr.I18n` at launch: each key keeps its
    English source (a `Text` keeps its fields), said in every locale known at launch."""

    def __init__(self):
        self.by_key: dict[str, str] = {}

    def key_for(self, english: str) -> str:
        key = _key(english)
        self.by_key.setdefault(key, english)
        return key

    def english(self, key: str) -> str:
        return str(self.by_key.get(key, key))

    def said(self, key: str, locale: str) -> str:
        return localize(self.by_key.get(key, key), locale)

    def translations(self) -> dict[str, dict[str, str]]:
        """{locale: {key: text}}, every alias of a locale included."""
        out = {locale: {key: self.said(key, locale) for key in self.by_key} for locale in CATALOGS.names}
        for alias, locale in CATALOGS.spellings.items():
            out.setdefault(alias, out[locale])
        return out

    def gradio_i18n(self):
        """The `gr.I18n` for `launch`: every component text built so far, in every locale."""
        import gradio as gr

        return gr.I18n(**self.translations())


PAGE_TEXTS = PageTexts()


def ui_text(english: str):
    """A component's text, shown in the browser's (or the switch's) language: a Gradio i18n key
    whose texts are read from the catalogs when the page is served."""
    import gradio as gr

    if not english or all(localize(english, locale) == english for locale in CATALOGS.names):
        return str(english)
    return gr.I18n()(PAGE_TEXTS.key_for(english))


def is_key(value) -> bool:
    """Whether a value is a Gradio translation key (the type `gr.I18n` hands out)."""
    global _KEY_TYPE
    if _KEY_TYPE is None:
        import gradio as gr

        _KEY_TYPE = type(gr.I18n()("key"))
    return isinstance(value, _KEY_TYPE)


_KEY_TYPE: type | None = None


def english_labels(info):
    """`info` (Gradio's API description) with each translation key replaced by its English text."""
    if is_key(info):
        return PAGE_TEXTS.english(info.key)
    if isinstance(info, dict):
        return {name: english_labels(value) for name, value in info.items()}
    if isinstance(info, list):
        return [english_labels(item) for item in info]
    return info


def in_the_page_language(label) -> str:
    """A component's label as plain text in the page's language, for the places Gradio does not
    translate (the header of an examples table)."""
    if is_key(label):
        return PAGE_TEXTS.said(label.key, UI_LANGUAGE.get())
    return str(label or "")
