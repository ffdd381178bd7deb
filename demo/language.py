"""Which language a request is in, read from the script of its text, to route it to a model.

Chinese text goes to the Chinese models, everything else to the English ones. Only letters
count (digits, punctuation and spaces say nothing): a text is Chinese when at least as many of
its letters are Han characters as Latin ones, so "我用iPhone拍的" is Chinese and "the 北京 office"
is English.
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("en", "zh")
LANGUAGE_NAMES = {"en": "English", "zh": "Chinese"}


def is_han(char: str) -> bool:
    """A CJK ideograph (the unified block, its extension A and the compatibility block)."""
    code = ord(char)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF


@dataclass(frozen=True)
class Routing:
    """The language a request goes to, and the counts that decided it, for the status line."""

    language: str
    han: int
    latin: int

    @property
    def reason(self) -> str:
        if self.language == "zh":
            return f"{self.han} of its {self.han + self.latin} letters are Chinese characters"
        if self.han:
            return f"only {self.han} of its {self.han + self.latin} letters are Chinese characters"
        return "no Chinese characters"


def route(*texts: str) -> Routing:
    """The language of the request's texts together (both sentences of a pair count)."""
    han = latin = 0
    for text in texts:
        for char in text or "":
            if is_han(char):
                han += 1
            elif char.isalpha() and char.isascii():
                latin += 1
    return Routing("zh" if han and han >= latin else "en", han, latin)
