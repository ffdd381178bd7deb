"""Which language a request is in, read from the script of its text, to route it to a model.

Chinese text goes to the Chinese models, everything else to the English ones. Only letters
count (digits, punctuation and spaces say nothing), and a Chinese character weighs as much as a
Latin-script word: a text is Chinese when it has at least as many Han characters as Latin words,
so "我用iPhone拍的" is Chinese and "the 北京 office" is English.
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("en", "zh")
PLACEHOLDERS = ("[MASK]", "[mask]", "<mask>", "<MASK>")  # a fill-mask blank is no word of either language


def is_han(char: str) -> bool:
    """A CJK ideograph (the unified block, its extension A and the compatibility block)."""
    code = ord(char)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF


@dataclass(frozen=True)
class Routing:
    """The language a request goes to, and the counts that decided it, for the status line."""

    language: str
    han: int  # Chinese characters
    words: int  # Latin-script words


def route(*texts: str) -> Routing:
    """The language of the request's texts together (both sentences of a pair count)."""
    han = words = 0
    for text in texts:
        for placeholder in PLACEHOLDERS:
            text = (text or "").replace(placeholder, " ")
        in_word = False
        for char in text:
            latin = char.isascii() and char.isalpha()
            han += is_han(char)
            words += latin and not in_word
            in_word = latin
    return Routing("zh" if han and han >= words else "en", han, words)
