"""Turn the bytes of a plain-text file into text: decoded right, or refused with a reason.

A byte-order mark decides; then strict UTF-8; then the legacy encodings news text really comes
in are each tried and the result judged by :mod:`annotator.io.scripts` (is it plausible text in
one script, in a language that encoding is written in?). charset-normalizer's mess ratio ranks
the plausible readings. When two readings in different scripts are about as plausible, or none
is, the file is refused with a reason naming the likely encodings: a garbled article would
silently corrupt a corpus, a refused one is fixed by choosing the encoding (``--encoding``).
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer
from charset_normalizer.cd import coherence_ratio
from charset_normalizer.md import mess_ratio

from annotator.domain.errors import BadFileError, UserError
from annotator.io.scripts import ALLOWED_CONTROLS, CJK_SCRIPTS, assess

# Longest first: the UTF-32 LE mark begins with the UTF-16 LE mark.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class Legacy:
    """A legacy encoding: its Python codec, a name for people, and the scripts it carries."""

    codec: str
    label: str
    scripts: frozenset[str]


def _legacy(codec: str, label: str, *scripts: str) -> Legacy:
    # "" is a reading without letters outside ASCII (only symbols such as € differ).
    return Legacy(codec, label, frozenset({*scripts, ""}))


# The encodings tried, most likely first: among equally plausible readings in one script the
# earlier wins (Windows-1252 for Western text, as browsers do). Kana only count as Japanese
# from a Japanese encoding, Hangul as Korean from a Korean one: GB 2312 and KS X 1001 hold
# kana too, and that is exactly how EUC-JP is misread as GB18030.
LEGACY = (
    _legacy("cp1252", "Western (Windows-1252)", "latin"),
    _legacy("cp1250", "Central European (Windows-1250)", "latin"),
    _legacy("cp1251", "Cyrillic (Windows-1251)", "cyrillic"),
    _legacy("cp1253", "Greek (Windows-1253)", "greek", "latin"),
    _legacy("cp1254", "Turkish (Windows-1254)", "latin"),
    _legacy("cp1257", "Baltic (Windows-1257)", "latin"),
    _legacy("cp949", "Korean (EUC-KR/CP949)", "korean"),
    _legacy("gb18030", "Chinese simplified (GB18030/GBK/GB2312)", "chinese"),
    _legacy("big5", "Chinese traditional (Big5)", "chinese"),
    _legacy("cp950", "Chinese traditional (CP950)", "chinese"),
    _legacy("cp932", "Japanese (Shift-JIS/CP932)", "japanese", "chinese"),
    _legacy("euc_jp", "Japanese (EUC-JP)", "japanese", "chinese"),
    _legacy("koi8_r", "Cyrillic (KOI8-R)", "cyrillic"),
    _legacy("koi8_u", "Cyrillic (KOI8-U)", "cyrillic"),
    _legacy("iso8859_15", "Western (ISO-8859-15)", "latin"),
    _legacy("latin_1", "Western (ISO-8859-1)", "latin"),
    _legacy("iso8859_2", "Central European (ISO-8859-2)", "latin"),
    _legacy("iso8859_5", "Cyrillic (ISO-8859-5)", "cyrillic"),
    _legacy("cp866", "Cyrillic (DOS 866)", "cyrillic"),
    _legacy("mac_cyrillic", "Cyrillic (Mac)", "cyrillic"),
    _legacy("iso8859_7", "Greek (ISO-8859-7)", "greek", "latin"),
    _legacy("cp1255", "Hebrew (Windows-1255)", "hebrew"),
    _legacy("cp1256", "Arabic (Windows-1256)", "arabic"),
    _legacy("mac_roman", "Western (Mac Roman)", "latin"),
)
# Seven-bit encodings that pass as UTF-8 but for their escape sequences.
_ESCAPED = (
    _legacy("iso2022_jp", "Japanese (ISO-2022-JP)", "japanese", "chinese"),
    _legacy("iso2022_kr", "Korean (ISO-2022-KR)", "korean"),
)
# Offered to choose from but never guessed: Thai letters and vowel signs in any order are
# hard to tell from bytes of other code pages read as Thai.
CHOOSABLE = LEGACY + _ESCAPED + (_legacy("cp874", "Thai (Windows-874)", "thai"),)
# charset-normalizer's own default: a decoding messier than this is discarded.
MESS_THRESHOLD = 0.2
# Readings in different scripts closer than this are a guess: refused.
MARGIN = 0.15
# Bytes judged; the reading chosen is then checked over the whole file.
_PREFIX = 64 * 1024


@dataclass(frozen=True)
class Reading:
    """One way of decoding the bytes, and how plausible it is."""

    legacy: Legacy
    text: str
    script: str
    score: float


# Names for codecs that the lists above cover through a superset.
_LABELS = {
    "shift_jis": "Japanese (Shift-JIS)",
    "euc_kr": "Korean (EUC-KR)",
    "gbk": "Chinese simplified (GBK)",
    "gb2312": "Chinese simplified (GB2312)",
}


def label(codec: str) -> str:
    """A name for people: "Japanese (Shift-JIS/CP932)" for ``cp932``, else the codec's name."""
    name = codecs.lookup(codec).name
    for legacy in CHOOSABLE:
        if codecs.lookup(legacy.codec).name == name:
            return legacy.label
    return _LABELS.get(name, name.upper().replace("_", "-"))


def check_encoding(name: str) -> str:
    """The Python codec name for ``name`` (``Shift-JIS``, ``euc-kr``, ``cp1251``…), or a
    :class:`UserError` saying it is not a text encoding."""
    try:
        info = codecs.lookup(name.strip())
    except LookupError:
        raise UserError(f"'{name}' is not a text encoding annotator knows") from None
    if not getattr(info, "_is_text_encoding", True):  # base64, rot13, zlib…
        raise UserError(f"'{name}' is not a text encoding annotator knows")
    return info.name


def decode_text(data: bytes, path: Path, encoding: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding)`` for the bytes of a text file, or raise :class:`BadFileError`.

    A byte-order mark decides (UTF-8, UTF-16, UTF-32); otherwise strict UTF-8; otherwise
    ``encoding`` when given; otherwise the plausible legacy reading (see the module docstring).
    The BOM is not part of the text returned. Binary data is refused.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as error:
                raise BadFileError(
                    path,
                    f"starts with a {codec.upper()} byte-order mark but is not valid "
                    f"{codec.upper()} (byte {error.start})",
                ) from None
            # The codec has already dropped the mark; a second U+FEFF would be text.
            return _checked(text, path), codec.removesuffix("-sig")
    if b"\x00" in data:
        raise BadFileError(path, "is a binary file, not text (it contains NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        # ISO-2022 text is valid 7-bit ASCII, escape sequences and all.
        escaped = b"\x1b$" in data
        if escaped and encoding is None:
            found = _choose(data, path, _ESCAPED, only_plausible=True)
            if found is not None:
                return found
        if not (escaped and encoding is not None):
            return _checked(text, path), "utf-8"
    if encoding is not None:
        codec = check_encoding(encoding)
        try:
            return _checked(data.decode(codec), path), codec
        except UnicodeDecodeError as error:
            raise BadFileError(
                path, f"is not valid {label(codec)} text (byte {error.start})"
            ) from None
    result = _choose(data, path, LEGACY)
    assert result is not None
    return result


def _prefix_decode(data: bytes, codec: str) -> str | None:
    decoder = codecs.getincrementaldecoder(codec)("strict")
    try:
        return decoder.decode(data[:_PREFIX], final=len(data) <= _PREFIX)
    except UnicodeDecodeError:
        return None


def _readings(data: bytes, candidates: tuple[Legacy, ...]) -> tuple[list[Reading], list[str]]:
    """Plausible readings, and the labels of encodings that decode but read as garbled."""
    readings: list[Reading] = []
    garbled: list[str] = []
    # A multi-byte encoding that decodes the bytes at all is a strong hint (random bytes rarely
    # do), while a single-byte one decodes anything: the first are named first.
    candidates = tuple(sorted(candidates, key=lambda legacy: not legacy.scripts & CJK_SCRIPTS))
    for legacy in candidates:
        text = _prefix_decode(data, legacy.codec)
        if text is None:
            continue
        judged = assess(text)
        if judged.problem is not None or judged.script not in legacy.scripts:
            garbled.append(legacy.label)
            continue
        score = judged.score
        if judged.script not in CJK_SCRIPTS:
            # charset-normalizer's measures tell code pages of one alphabet apart (they count
            # the switches between kana and kanji of every Japanese text as mess): above its
            # own threshold a reading is garbled; letter frequencies of a language favour the
            # code page written for it (Turkish ı over ý).
            mess = mess_ratio(text[:8_000], maximum_threshold=1.0)
            if mess > MESS_THRESHOLD:
                garbled.append(legacy.label)
                continue
            languages = coherence_ratio(text[:8_000])
            score += 0.1 * (languages[0][1] if languages else 0.0) - mess
        readings.append(Reading(legacy, text, judged.script, score))
    return readings, garbled


def _choose(
    data: bytes, path: Path, candidates: tuple[Legacy, ...], *, only_plausible: bool = False
) -> tuple[str, str] | None:
    readings, garbled = _readings(data, candidates)
    if not readings and not only_plausible:
        readings = _suggested_by_charset_normalizer(data, candidates)
    while readings:
        # Best first; equal scores keep the order of the candidates.
        best = max(readings, key=lambda r: r.score)
        rivals = [
            r.legacy.label
            for r in readings
            if r.script != best.script and r.text != best.text and r.score >= best.score - MARGIN
        ]
        if rivals:
            raise BadFileError(
                path,
                f"cannot tell its encoding: it reads as {best.legacy.label} or as "
                f"{' or '.join(rivals[:2])}; choose the encoding (--encoding, or in the "
                "import dialog) or save it as UTF-8",
            )
        try:
            text = data.decode(best.legacy.codec)
        except UnicodeDecodeError:
            readings.remove(best)  # valid at the start only
            continue
        if len(data) > _PREFIX and assess(text[len(best.text) :]).problem is not None:
            readings.remove(best)
            continue
        return _checked(text, path), best.legacy.codec
    if only_plausible:
        return None
    likely = f" (it decodes as {', '.join(garbled[:3])}, but as garbled text)" if garbled else ""
    raise BadFileError(
        path,
        "cannot tell its encoding: it is not UTF-8 and reads as plausible text in none of the "
        f"encodings tried{likely}; choose the encoding (--encoding, or in the import dialog) "
        "or save it as UTF-8",
    )


def _suggested_by_charset_normalizer(data: bytes, tried: tuple[Legacy, ...]) -> list[Reading]:
    """Readings in encodings beyond ours that charset-normalizer proposes, held to the same
    test; only alphabetic scripts, as our list covers the CJK encodings in use."""
    names = {codecs.lookup(legacy.codec).name for legacy in tried}
    extra: list[Legacy] = []
    for match in charset_normalizer.from_bytes(data[:_PREFIX]):
        try:
            name = codecs.lookup(match.encoding).name
        except LookupError:
            continue
        if name not in names and not name.startswith("utf"):
            names.add(name)
            extra.append(_legacy(name, label(name), "latin", "cyrillic", "greek"))
    readings, _ = _readings(data, tuple(extra))
    return readings


def _checked(text: str, path: Path) -> str:
    """Refuse binary data decoded by accident: NUL, or control characters in numbers.

    A few stray controls (a C1 character from a bad conversion, a NEL) do not make a text
    binary; binary data decoded as text is full of them.
    """
    if "\x00" in text:
        raise BadFileError(path, "is a binary file, not text (it contains NUL characters)")
    sample = text[:100_000]
    controls = sum(
        1 for ch in sample if ch not in ALLOWED_CONTROLS and unicodedata.category(ch) == "Cc"
    )
    if controls >= 4 and controls / len(sample) > 0.01:
        raise BadFileError(path, "is a binary file, not text (it is full of control characters)")
    return text
