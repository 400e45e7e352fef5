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
# Encodings that news text really comes in, most likely first. charset-normalizer often ranks
# a DOS or Mac code page that decodes the same bytes just as "cleanly" above the Windows code
# page the file was written in (cp775 for Windows-1252 English, mac_cyrillic for Windows-1251):
# among equally plausible candidates the earlier one here wins.
PREFERRED = (
    "cp1252",
    "cp1250",
    "cp1251",
    "cp1253",
    "cp1254",
    "cp1257",
    "cp949",
    "euc_kr",
    "gb18030",
    "gb2312",
    "big5",
    "cp932",
    "shift_jis",
    "euc_jp",
    "koi8_r",
    "koi8_u",
    "iso8859_15",
    "latin_1",
    "iso8859_2",
    "iso8859_5",
    "iso8859_7",
)
# Chaos scores closer than this count as a tie.
_TIE = 0.01
_ALLOWED_CONTROLS = {"\t", "\n", "\r", "\f", "\v"}


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """Return ``(text, encoding)`` for the bytes of a text file.

    A byte-order mark decides (UTF-8, UTF-16, UTF-32); otherwise strict UTF-8; otherwise the
    least chaotic of the :data:`PREFERRED` encodings that charset-normalizer finds plausible,
    ties going to the earlier one (Windows-1252 first); only when none fits, charset-normalizer's
    own best guess. The BOM is not part of the text returned. Binary data is refused.
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
            # The codec has already dropped the mark; a second U+FEFF would be text.
            return _checked(text, path), encoding.removesuffix("-sig")
    if b"\x00" in data:
        raise BadFileError(path, "is a binary file, not text")
    try:
        return _checked(data.decode("utf-8"), path), "utf-8"
    except UnicodeDecodeError:
        pass
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        raise BadFileError(path, "cannot tell the text encoding; save it as UTF-8 and try again")
    chaos: dict[str, float] = {}
    for match in matches:
        for encoding in match.could_be_from_charset:
            chaos[encoding] = min(match.chaos, chaos.get(encoding, 1.0))
    common = [encoding for encoding in PREFERRED if encoding in chaos]
    if common:
        least = min(chaos[encoding] for encoding in common)
        encoding = next(e for e in common if chaos[e] <= least + _TIE)
        try:
            return _checked(data.decode(encoding), path), encoding
        except UnicodeDecodeError:
            pass
    best = min(matches, key=lambda match: match.chaos)
    return _checked(str(best), path), best.encoding


def _checked(text: str, path: Path) -> str:
    """Refuse text with NUL or many other control characters: binary data decoded by accident."""
    if "\x00" in text:
        raise BadFileError(path, "is a binary file, not text (it contains NUL characters)")
    sample = text[:100_000]
    controls = sum(
        1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS
    )
    if sample and controls / len(sample) > 0.01:
        raise BadFileError(path, "is a binary file, not text")
    return text
