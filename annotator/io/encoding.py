"""Turn the bytes of a plain-text file into text: decoded right, or refused with a reason.

A byte-order mark decides; then strict UTF-8 (a last character cut off is left out, with a
warning; a short text whose few characters beyond ASCII are all rare is doubted, as legacy
bytes may be valid UTF-8 by chance; ASCII with ISO-2022 or HZ escapes is read in them); then
the legacy encodings news text really comes in, each tried and its reading judged: CJK
readings by :mod:`annotator.io.scripts` (the common syllables and ideographs of the
language's own standard, kana only from a Japanese encoding…), readings in an alphabet by
:mod:`annotator.io.alphabetic` (no symbol inside a word, the letters of one language…).

Among the plausible readings, those that give the same text are one; if the readings left
give different text, the one whose frequent words and letters agree on a language is taken
when it is the only one; otherwise the file is refused with a reason naming the encodings
and how each reads: Windows-1252 reads a name as Molière, Windows-1250 the same bytes as
Moličre, and only a reader knows which. Code pages seldom used for news (Mac Roman, the DOS
code pages a Windows console writes, ISO-8859-16) are taken only when borne out. A garbled
article would silently corrupt a corpus; a refused one is fixed by choosing the encoding
(``--encoding``, or in the import dialog).

A chosen encoding is held to the same test: a file that reads as garbled text in it, and as
plausible text in another encoding, is refused naming that one.
"""

from __future__ import annotations

import codecs
import itertools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from annotator.domain.errors import BadFileError, UserError
from annotator.io.alphabetic import Judgement, judge
from annotator.io.legacy_choice import (
    Legacy,
    Reading,
    common_start,
    decide,
    outread,
    where_they_differ,
)
from annotator.io.scripts import (
    ALLOWED_CONTROLS,
    CJK_SCRIPTS,
    Assessment,
    assess,
    cjk_letters,
)

# Longest first: the UTF-32 LE mark begins with the UTF-16 LE mark.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _legacy(
    codec: str, label: str, *scripts: str, alone: bool = True, weighed: bool = False
) -> Legacy:
    # "" is a reading without letters outside ASCII (only symbols such as € differ).
    return Legacy(codec, label, frozenset({*scripts, ""}), alone and not weighed, weighed)


# The encodings tried; of those that read the bytes as the same text, the first names it
# (Windows-1252 for Western text, as browsers do). Kana only count as Japanese
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
    _legacy("koi8_u", "Cyrillic (KOI8-U)", "cyrillic", alone=False),
    _legacy("iso8859_15", "Western (ISO-8859-15)", "latin"),
    _legacy("latin_1", "Western (ISO-8859-1)", "latin"),
    _legacy("iso8859_2", "Central European (ISO-8859-2)", "latin"),
    _legacy("iso8859_5", "Cyrillic (ISO-8859-5)", "cyrillic", alone=False),
    _legacy("cp866", "Cyrillic (DOS 866)", "cyrillic", alone=False),
    _legacy("mac_cyrillic", "Cyrillic (Mac)", "cyrillic", alone=False),
    _legacy("iso8859_7", "Greek (ISO-8859-7)", "greek", "latin"),
    _legacy("cp1255", "Hebrew (Windows-1255)", "hebrew"),
    _legacy("cp1256", "Arabic (Windows-1256)", "arabic"),
    _legacy("mac_roman", "Western (Mac Roman)", "latin", alone=False),
    # What a Windows console writes (DOS code pages), and Romanian's own ISO code page:
    # seldom news, but a text in them reads as another code page's plausible text ("café"
    # in DOS 850 is "caf‚" in Windows-1252), so they must be there to be weighed.
    _legacy("cp850", "Western (DOS 850)", "latin", weighed=True),
    _legacy("cp437", "Western (DOS 437)", "latin", weighed=True),
    _legacy("cp852", "Central European (DOS 852)", "latin", weighed=True),
    _legacy("iso8859_16", "Romanian (ISO-8859-16)", "latin", weighed=True),
)
# Seven-bit encodings that pass as UTF-8 but for their escape sequences: ESC $ for
# ISO-2022, "~{" … "~}" for HZ (Chinese of Usenet and early e-mail).
_ESCAPED = (
    _legacy("iso2022_jp", "Japanese (ISO-2022-JP)", "japanese", "chinese"),
    _legacy("iso2022_kr", "Korean (ISO-2022-KR)", "korean"),
    _legacy("hz", "Chinese simplified (HZ)", "chinese"),
)
_ESCAPES = {"iso2022_jp": (b"\x1b$",), "iso2022_kr": (b"\x1b$",), "hz": (b"~{", b"~}")}
# A text that is valid UTF-8 is doubted when it has at most this many characters beyond
# ASCII and each is rare (see _rare).
_FEW = 8
_BEYOND_ASCII = re.compile(r"[^\x00-\x7f]")
# Every script a Unicode encoding carries.
_ANY = ("latin", "cyrillic", "greek", "hebrew", "arabic", "thai", *CJK_SCRIPTS)
# Offered to choose from but never guessed: Thai letters and vowel signs in any order are
# hard to tell from bytes of other code pages read as Thai; UTF-16 without a byte-order mark
# is full of NUL bytes, as binary files are.
CHOOSABLE = (
    LEGACY
    + _ESCAPED
    + (
        _legacy("cp874", "Thai (Windows-874)", "thai"),
        _legacy("utf_16_le", "Unicode (UTF-16 LE, no byte-order mark)", *_ANY),
        _legacy("utf_16_be", "Unicode (UTF-16 BE, no byte-order mark)", *_ANY),
    )
)
# Bytes judged; the reading chosen is then checked over the whole file.
_PREFIX = 64 * 1024
# A CJK reading is borne out by its own evidence with this many characters, this plausible.
_CJK_EVIDENCE = 10
_CJK_SCORE = 0.9
# The scripts annotator.io.alphabetic judges ("" is a reading with no letters beyond ASCII).
_ALPHABETIC = frozenset({"", "latin", "cyrillic", "greek", "hebrew", "arabic"})


@dataclass(frozen=True)
class Decoded:
    """A decoded text, the codec that decoded it, and a warning for the import's report."""

    text: str
    encoding: str
    warning: str | None = None


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
    """``(text, encoding)`` of :func:`decode`."""
    decoded = decode(data, path, encoding)
    return decoded.text, decoded.encoding


def decode(data: bytes, path: Path, encoding: str | None = None) -> Decoded:
    """Decode the bytes of a text file, or raise :class:`BadFileError` saying why not.

    A byte-order mark decides (UTF-8, UTF-16, UTF-32); otherwise strict UTF-8 (UTF-8 cut off
    inside its last character loses that character, with a warning); otherwise ``encoding``
    when given, if the text reads plausibly in it or in nothing else; otherwise the plausible
    legacy reading (see the module docstring). UTF-16 without a byte-order mark is read only
    when ``encoding`` names it. The BOM is not part of the text returned. Binary data is
    refused.
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
            return Decoded(_checked(text, path), codec.removesuffix("-sig"))
    chosen = check_encoding(encoding) if encoding is not None else None
    if chosen is not None and chosen.startswith(("utf-16", "utf-32")):
        return _chosen(data, path, chosen)
    if b"\x00" in data:
        raise BadFileError(
            path, "is a binary file, not text (it contains NUL bytes)" + _wide_hint(data)
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        cut = _cut_utf8(data, error, path)
        if cut is not None:
            return cut
    else:
        # ISO-2022 and HZ text is valid 7-bit ASCII, escape sequences and all.
        escaped = tuple(c for c in _ESCAPED if all(escape in data for escape in _ESCAPES[c.codec]))
        iso2022 = tuple(c for c in escaped if c.codec != "hz")
        if iso2022 and chosen is None:
            found = _detect(data, path, iso2022, only_plausible=True)
            if found is not None:
                return found
        if len(escaped) > len(iso2022) and chosen is None:
            found = _hz(data, text, path)
            if found is not None:
                return found
        doubted = _doubted(text)
        if chosen is None and doubted:
            _refuse_utf8(data, text, path, LEGACY)
        if not ((escaped or doubted) and chosen not in (None, "utf-8")):
            return Decoded(_checked(text, path), "utf-8")
    if chosen is not None:
        return _chosen(data, path, chosen)
    found = _detect(data, path, LEGACY)
    assert found is not None
    return found


def _hz(data: bytes, text: str, path: Path) -> Decoded | None:
    """ASCII with HZ's "~{" and "~}": the HZ text if it reads as Chinese that bears HZ out
    (see _CJK_EVIDENCE); refused if it reads as a few plausible hanzi, which ASCII such as
    "~{home~}" also does; else None, for the ASCII."""
    hz = tuple(c for c in _ESCAPED if c.codec == "hz")
    readings = _readings(data, hz)
    if readings and readings[0].problem is None and readings[0].confirmed:
        found = _detect(data, path, hz, only_plausible=True)
        if found is not None:
            return found
    _refuse_utf8(data, text, path, hz)
    return None


def _doubted(text: str) -> bool:
    """Whether a text that is valid UTF-8 may well be legacy bytes that are valid UTF-8 by
    chance: a short one whose few characters beyond ASCII are all rare. "Ёлка" in DOS 866
    is UTF-8 for one ideograph of CJK Extension B."""
    beyond = [m.group() for m in itertools.islice(_BEYOND_ASCII.finditer(text), _FEW + 1)]
    if not beyond or len(beyond) > _FEW:
        return False
    scripts = Counter(_script(ch) for ch in text[:_PREFIX] if ch.isalpha())
    return all(_rare(ch, scripts) for ch in beyond)


def _script(ch: str) -> str:
    # Unicode names letters by script: LATIN SMALL LETTER A, SAMARITAN LETTER BIT…
    return unicodedata.name(ch, "?").split()[0]


def _rare(ch: str, scripts: Counter[str]) -> bool:
    """Unassigned or private-use, a letter beyond the Basic Multilingual Plane or of CJK
    Extension A, or a letter whose script has no other letter in the text (Greek letters
    are also symbols: 5 Ω)."""
    category = unicodedata.category(ch)
    if category in ("Cn", "Co"):
        return True
    if not category.startswith("L"):
        return False
    if ord(ch) >= 0x10000 or 0x3400 <= ord(ch) <= 0x4DBF:
        return True
    script = _script(ch)
    return script not in ("LATIN", "GREEK") and scripts[script] == 1


def _refuse_utf8(data: bytes, text: str, path: Path, candidates: tuple[Legacy, ...]) -> None:
    """Refuse a text valid as UTF-8 that reads as plausible text in one of ``candidates``
    too, naming the readings: a doubted one (see _doubted), or ASCII with "~{" and "~}" that
    reads as a few hanzi in HZ but not as Chinese that bears HZ out."""
    readings: dict[str, Reading] = {}
    for reading in _readings(data, candidates):
        if reading.problem is None and reading.text != text:
            readings.setdefault(reading.text, reading)
    if not readings:
        return
    shown = list(readings.values())[:3]
    utf8 = Reading(_legacy("utf-8", "UTF-8"), text, None)
    # The UTF-8 reading quoted up to a space: "~{VP~}", not "~".
    start = min(common_start(text, r.text) for r in shown)
    start = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1
    run = text[start:].split(None, 1)[0][:20] if text[start:].strip() else ""
    named = " or as ".join(
        [f'UTF-8 ("{run}")']
        + [f"{r.legacy.label} ({where_they_differ(r, [utf8, *shown])})" for r in shown]
    )
    raise BadFileError(
        path,
        f"cannot tell its encoding: it reads as {named}; choose the encoding (--encoding, or "
        "in the import dialog)",
    )


def _cut_utf8(data: bytes, error: UnicodeDecodeError, path: Path) -> Decoded | None:
    """UTF-8 cut off inside its last character (a download stopped, a tool that cuts at N
    bytes): the text without that character, and a warning. Only when the rest holds valid
    UTF-8 beyond ASCII, which text in a legacy encoding practically never does; "café" in
    Windows-1252 also ends in what would begin a UTF-8 character."""
    if error.reason != "unexpected end of data" or error.end != len(data):
        return None
    head = data[: error.start]
    if head.isascii():
        return None
    return Decoded(
        _checked(head.decode("utf-8"), path),
        "utf-8",
        "ends inside a character, so it looks cut off: its incomplete last character was left out",
    )


def _prefix_decode(data: bytes, codec: str) -> str | None:
    decoder = codecs.getincrementaldecoder(codec)("strict")
    try:
        return decoder.decode(data[:_PREFIX], final=len(data) <= _PREFIX)
    except UnicodeDecodeError:
        return None


@dataclass
class _Memo:
    """What was found of texts already judged: code pages of one alphabet often read the
    same bytes the same way."""

    assessed: dict[str, Assessment] = field(default_factory=dict)
    judged: dict[str, Judgement] = field(default_factory=dict)


def _judge(text: str, legacy: Legacy, memo: _Memo | None = None) -> Reading:
    """How ``text``, decoded with ``legacy``, reads."""
    memo = _Memo() if memo is None else memo
    judged = memo.assessed.get(text)
    if judged is None:
        judged = memo.assessed[text] = assess(text)
    if judged.problem is not None:
        return Reading(legacy, text, judged.problem)
    if judged.script not in legacy.scripts:
        return Reading(legacy, text, f"it would be {judged.script} text, which it is not for")
    if judged.script in CJK_SCRIPTS:
        evidence = cjk_letters(text) >= _CJK_EVIDENCE and judged.score >= _CJK_SCORE
        return Reading(legacy, text, None, evidence, score=judged.score, script=judged.script)
    if judged.script not in _ALPHABETIC:
        return Reading(legacy, text, None, script=judged.script)
    verdict = memo.judged.get(text)
    if verdict is None:
        verdict = memo.judged[text] = judge(text)
    # A reading without letters beyond ASCII fits every language: it bears out no code page
    # seldom used (Mac Roman reads the Ò of a Western text as “).
    confirmed = verdict.confirmed and (legacy.alone or verdict.letters > 0)
    return Reading(
        legacy,
        text,
        verdict.problem,
        confirmed,
        verdict.known,
        verdict.plain,
        odd=verdict.odd,
        script=judged.script,
    )


def _readings(data: bytes, candidates: tuple[Legacy, ...]) -> list[Reading]:
    """How the bytes read in each candidate that decodes them, in the candidates' order."""
    readings = []
    memo = _Memo()
    for legacy in candidates:
        text = _prefix_decode(data, legacy.codec)
        if text is not None:
            readings.append(_judge(text, legacy, memo))
    return readings


def _detect(
    data: bytes, path: Path, candidates: tuple[Legacy, ...], *, only_plausible: bool = False
) -> Decoded | None:
    readings = _readings(data, candidates)
    plausible = [r for r in readings if r.problem is None]
    while plausible:
        best = decide(plausible, path)
        try:
            text = data.decode(best.legacy.codec)
        except UnicodeDecodeError:
            text = None  # valid at the start only
        if text is not None and len(data) > _PREFIX:
            rest = _judge(text[len(best.text) :], best.legacy)
            text = text if rest.problem is None else None
        if text is not None:
            return Decoded(_checked(text, path), best.legacy.codec)
        plausible = [r for r in plausible if r.text != best.text]
    if only_plausible:
        return None
    # A multi-byte encoding that decodes the bytes at all is a strong hint (random bytes
    # rarely do), while a single-byte one decodes anything: the first are named first.
    garbled = sorted(readings, key=lambda r: not r.legacy.scripts & CJK_SCRIPTS)
    names = ", ".join(r.legacy.label for r in garbled[:3])
    likely = f" (it decodes as {names}, but as garbled text)" if garbled else ""
    raise BadFileError(
        path,
        "cannot tell its encoding: it is not UTF-8 and reads as plausible text in none of the "
        f"encodings tried{likely}; choose the encoding (--encoding, or in the import dialog) "
        "or save it as UTF-8",
    )


def _chosen(data: bytes, path: Path, codec: str) -> Decoded:
    """The text in the encoding the user chose, unless it reads as garbled text in it and as
    plausible text in another encoding: then refused, naming that one."""
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as error:
        raise BadFileError(path, f"is not valid {label(codec)} text (byte {error.start})") from None
    text = _checked(text, path)
    known = [c for c in CHOOSABLE if codecs.lookup(c.codec).name == codecs.lookup(codec).name]
    legacy = known[0] if known else _legacy(codec, label(codec), *_ANY)
    reading = _judge(_prefix_decode(data, codec) or text, legacy)
    if reading.problem is None:
        better = _outreading(data, reading)
        if better is None:
            return Decoded(text, codec)
        raise BadFileError(
            path,
            f"does not read as {label(codec)} text ({where_they_differ(reading, [better])} where"
            f" {better.legacy.label} reads {where_they_differ(better, [reading])}); choose that "
            "encoding for it, or save it as UTF-8",
        )
    others = [r for r in _readings(data, LEGACY) if r.problem is None and r.text != reading.text]
    if not others:  # nothing reads better: the choice stands
        return Decoded(text, codec)
    better = next((r for r in others if r.confirmed), others[0])
    raise BadFileError(
        path,
        f"does not read as {label(codec)} text ({reading.problem}); it reads as "
        f"{better.legacy.label}: choose that encoding for it, or save it as UTF-8",
    )


def _outreading(data: bytes, reading: Reading) -> Reading | None:
    """A reading in another code page of the same alphabet that reads right wherever the two
    differ and ``reading`` reads as mojibake of it (ISO-8859-7 ’λλοι for Windows-1253
    Άλλοι), if there is one."""
    if reading.script not in _ALPHABETIC - {""}:
        return None
    rivals = tuple(
        c for c in LEGACY if reading.script in c.scripts and c.codec != reading.legacy.codec
    )
    return next(
        (r for r in _readings(data, rivals) if r.problem is None and outread(reading, r)), None
    )


def _wide_hint(data: bytes) -> str:
    """For bytes with NULs: a hint naming UTF-16 when they read as plausible UTF-16 text."""
    if len(data) % 2:
        return ""
    for codec in ("utf-16-le", "utf-16-be"):
        text = _prefix_decode(data, codec)
        if text is not None and "\x00" not in text and assess(text).problem is None:
            return (
                f"; if it is UTF-16 without a byte-order mark, choose {label(codec)} "
                f"(--encoding {codec})"
            )
    return ""


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
