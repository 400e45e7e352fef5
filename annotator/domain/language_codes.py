"""An article's language as an ISO 639-1 code, from its ``language`` variable.

News databases write it in many ways: ``en``, ``EN``, ``en-GB`` (Factiva's language code),
``English`` or ``ENGLISH`` (Factiva's and LexisNexis's language field), ``Korean; 한국어``.
The names are those of the languages news comes in (see ``io/languages.py``) and of the
stop-word lists search offers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: Variables an import fills with the article's language, in order of preference.
LANGUAGE_VARIABLES = ("language", "language_code", "lang")

_NAMES = {
    "afrikaans": "af",
    "arabic": "ar",
    "armenian": "hy",
    "basque": "eu",
    "bengali": "bn",
    "breton": "br",
    "bulgarian": "bg",
    "catalan": "ca",
    "chinese": "zh",
    "croatian": "hr",
    "czech": "cs",
    "danish": "da",
    "dutch": "nl",
    "english": "en",
    "esperanto": "eo",
    "estonian": "et",
    "finnish": "fi",
    "french": "fr",
    "galician": "gl",
    "german": "de",
    "greek": "el",
    "gujarati": "gu",
    "hausa": "ha",
    "hebrew": "he",
    "hindi": "hi",
    "hungarian": "hu",
    "indonesian": "id",
    "irish": "ga",
    "italian": "it",
    "japanese": "ja",
    "korean": "ko",
    "kurdish": "ku",
    "latin": "la",
    "latvian": "lv",
    "lithuanian": "lt",
    "malay": "ms",
    "marathi": "mr",
    "norwegian": "no",
    "persian": "fa",
    "farsi": "fa",
    "polish": "pl",
    "portuguese": "pt",
    "romanian": "ro",
    "russian": "ru",
    "serbian": "sr",
    "slovak": "sk",
    "slovenian": "sl",
    "somali": "so",
    "spanish": "es",
    "swahili": "sw",
    "swedish": "sv",
    "tagalog": "tl",
    "thai": "th",
    "turkish": "tr",
    "ukrainian": "uk",
    "urdu": "ur",
    "vietnamese": "vi",
    "yoruba": "yo",
    "zulu": "zu",
}
_CODE = re.compile(r"^([a-z]{2})(?:[-_][a-z0-9]+)*$")
_WORD = re.compile(r"[^\W\d_]+")


def code_of(value: str) -> str | None:
    """The ISO 639-1 code a language value names (``en-GB`` → ``en``, ``German`` → ``de``),
    or None."""
    text = value.strip().lower()
    if not text:
        return None
    match = _CODE.match(text)
    if match:
        return match.group(1)
    for word in _WORD.findall(text):
        if word in _NAMES:
            return _NAMES[word]
    return None


def language_code(values: Mapping[str, str]) -> str | None:
    """The language of an article with these variable values (by variable name), or None."""
    lowered = {name.lower(): value for name, value in values.items()}
    for name in LANGUAGE_VARIABLES:
        if name in lowered:
            code = code_of(lowered[name])
            if code is not None:
                return code
    return None
