"""Turn the bytes of a plain-text file into text, detecting the encoding."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import charset_normalizer

from annotator.domain.errors import BadFileError

# Longest first: the UTF-32 LE mark begins with the UTF-16 LE mark.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Candidates whose chaos score is this close to the best are treated as equally plausible.
_TIE = 0.01
_ALLOWED_CONTROLS = {"\t", "\n", "\r", "\f", "\v"}


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """Return ``(text, encoding)`` for the bytes of a text file.

    A byte-order mark decides (UTF-8, UTF-16, UTF-32); otherwise strict UTF-8; otherwise the most
    plausible legacy encoding by charset-normalizer, preferring Windows-1252 when it reads the
    bytes as well as any other candidate (the usual case for Western news text, where
    charset-normalizer alone often picks a Central European sibling). The BOM is not part of
    the text returned. Binary data is refused.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as error:
                raise BadFileError(
                    path,
                    f"starts with a {encoding.upper()} byte-order mark but is not valid "
                    f"{encoding.upper()} (byte {error.start})",
                ) from None
            return _checked(text.removeprefix("\ufeff"), path), encoding.removesuffix("-sig")
    if b"\x00" in data:
        raise BadFileError(path, "is a binary file, not text")
    try:
        return _checked(data.decode("utf-8"), path), "utf-8"
    except UnicodeDecodeError:
        pass
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        raise BadFileError(path, "cannot tell the text encoding; save it as UTF-8 and try again")
    best = min(match.chaos for match in matches)
    plausible = [match for match in matches if match.chaos <= best + _TIE]
    for match in plausible:
        if "cp1252" in match.could_be_from_charset:
            return _checked(data.decode("cp1252"), path), "cp1252"
    chosen = plausible[0]
    return _checked(str(chosen), path), chosen.encoding


def _checked(text: str, path: Path) -> str:
    """Refuse text that is mostly control characters: binary data decoded by accident."""
    sample = text[:100_000]
    controls = sum(
        1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS
    )
    if sample and controls / len(sample) > 0.01:
        raise BadFileError(path, "is a binary file, not text")
    return text
