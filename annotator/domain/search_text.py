"""Words as search sees them: tokens of a folded text, and the pattern a query term becomes.

A token is a run of letters, digits and marks (an apostrophe or a hyphen ends it, as in
SQLite's ``unicode61`` tokenizer); in a script written without spaces (Chinese, Japanese,
Korean, Thai, …) every character is a token of its own, so that "大学" is found inside
"北京大学是" — a word there needs a dictionary, and a run of characters is a string of words.
A term (a word or a "phrase" of the query) matches a run of tokens in a row, whatever stands
between them (spaces, punctuation, a line break); a term ending in ``*`` matches any token
its last one begins. Patterns run on the text folded as :mod:`annotator.domain.folding` folds
it; the hits are mapped back to the stored code points there.
"""

from __future__ import annotations

import re
from functools import lru_cache

import regex

#: The scripts written without spaces between words, as code-point ranges: Thai, Lao,
#: Tibetan, Myanmar, Hangul jamo, Khmer, CJK radicals, ideographic marks, kana, Bopomofo,
#: CJK ideographs (and their extensions and compatibility forms), Yi, Hangul syllables,
#: half-width kana and Hangul. The same ranges as migration 0013's GLOB (a test compares).
UNSPACED_RANGES: tuple[tuple[int, int], ...] = (
    (0x0E00, 0x0EFF),
    (0x0F00, 0x0FFF),
    (0x1000, 0x109F),
    (0x1100, 0x11FF),
    (0x1780, 0x17FF),
    (0x2E80, 0x2FDF),
    (0x3005, 0x3007),
    (0x3021, 0x3029),
    (0x3031, 0x3035),
    (0x3038, 0x303C),
    (0x3040, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xA000, 0xA4CF),
    (0xA960, 0xA97F),
    (0xAC00, 0xD7FF),
    (0xF900, 0xFAFF),
    (0xFF66, 0xFFDC),
    (0x20000, 0x3134F),
)


def _ranges(ranges: tuple[tuple[int, int], ...]) -> str:
    return "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in ranges)


#: The ranges as the inside of a ``regex`` character class.
UNSPACED_CLASS = _ranges(UNSPACED_RANGES)
_UNSPACED = UNSPACED_CLASS
#: A character of a word in a spaced script (letters, digits, marks, private use).
SPACED = f"[[\\p{{L}}\\p{{N}}\\p{{M}}\\p{{Co}}]--[{_UNSPACED}]]"
#: A character that is no part of any word (space, punctuation, symbols).
NOT_WORD = "[^\\p{L}\\p{N}\\p{M}\\p{Co}]"
_UNSPACED_CHAR = regex.compile(f"[{_UNSPACED}]", regex.V1)
_TOKEN = regex.compile(f"[{_UNSPACED}]|{SPACED}+", regex.V1)


def is_unspaced(token: str) -> bool:
    """Whether a token is a character of a script written without spaces."""
    return bool(token) and _UNSPACED_CHAR.match(token) is not None


# The standard library's engine: for one class over a long text, fifteen times the speed.
_ANY_UNSPACED = re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in UNSPACED_RANGES) + "]")


def has_unspaced(text: str) -> bool:
    """Whether ``text`` holds a character of a script written without spaces."""
    return _ANY_UNSPACED.search(text) is not None


def tokens(text: str) -> list[str]:
    """The tokens of ``text`` (folded already, when compared with folded text)."""
    return [match.group() for match in _TOKEN.finditer(text)]


def token_spans(text: str) -> list[tuple[int, int]]:
    """Where each token of ``text`` lies, as ``[start, end)`` spans."""
    return [match.span() for match in _TOKEN.finditer(text)]


def term_pattern(words: tuple[str, ...], prefix: bool) -> str:
    """The pattern of a term made of ``words`` (tokens, folded): the tokens in a row with
    anything but a word between them (nothing between characters of an unspaced script), a
    token of a spaced script whole (``prefix``: the last one may go on)."""
    parts: list[str] = []
    for index, word in enumerate(words):
        unspaced = is_unspaced(word)
        if index == 0 and not unspaced:
            parts.append(f"(?<!{SPACED})")
        if index > 0:
            joined = unspaced or is_unspaced(words[index - 1])
            parts.append(f"{NOT_WORD}{'*' if joined else '+'}")
        parts.append(regex.escape(word))
    if words and not is_unspaced(words[-1]):
        parts.append(f"{SPACED}*" if prefix else f"(?!{SPACED})")
    return "".join(parts)


@lru_cache(maxsize=256)
def compiled(pattern: str) -> regex.Pattern[str]:
    """A term's pattern compiled (V1: the classes above use set difference)."""
    return regex.compile(pattern, regex.V1)
