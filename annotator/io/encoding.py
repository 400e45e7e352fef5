"""Turn the bytes of a plain-text file into text: decoded right, or refused with a reason.

A byte-order mark decides; then strict UTF-8 (a last character cut off is left out, with a
warning; a short text whose few characters beyond ASCII are all rare is doubted, as legacy
bytes may be valid UTF-8 by chance; ASCII with ISO-2022 or HZ escapes is read in them); then
the legacy encodings news text really comes in, each tried and its reading judged: CJK readings by :mod:`annotator.io.scripts` (the common syllables and ideographs of the
language's own standard, kana only from a Japanese encoding…), readings in an alphabet by
:mod:`annotator.io.alphabetic` (no symbol inside a word, the letters of one language…).

Among the plausible readings, those that give the same text are one; if the readings left
give different text, the one whose frequent words and letters agree on a language is taken
when it is the only one; otherwise the file is refused with a reason naming the encodings
and how each reads: Windows-1252 reads a name as Molière, Windows-1250 the same bytes as
Moličre, and only a reader knows which. Code pages seldom used for news (Mac Roman, the DOS
code pages a Windows console writes, ISO-8859-16) are taken only when borne out. A garbled article would silently corrupt a corpus; a
refused one is fixed by choosing the encoding (``--encoding``, or in the import dialog).

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
from annotator.io.alphabetic import Judgement, judge, script_of
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


@dataclass(frozen=True)
class Legacy:
    """A legacy encoding: its Python codec, a name for people, and the scripts it carries."""

    codec: str
    label: str
    scripts: frozenset[str]
    # Taken when it is the one plausible reading. A code page seldom used for news is taken
    # only when the text's own words bear its reading out: its plausible readings are more
    # often another code page's mojibake than its own text.
    alone: bool = True
    # Of those seldom used, one that news so seldom comes in that its plausible reading is
    # only weighed against a reading in a code page often used (see _weighed).
    weighed: bool = False


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


@dataclass(frozen=True)
class Reading:
    """One way of decoding the bytes (their first :data:`_PREFIX`), and how it reads."""

    legacy: Legacy
    text: str
    problem: str | None  # None: plausible
    confirmed: bool = False  # its own evidence bears it out (see _decide)
    known: int = 0  # words of a language it gives that have letters beyond ASCII
    plain: bool = False  # its frequent words are those of a language written in ASCII
    score: float = 1.0  # of CJK readings: the share of common characters (see scripts.py)
    odd: int = 0  # odd characters tolerated in it (see alphabetic.py)
    script: str = ""  # of a plausible reading: "latin", "cyrillic", "chinese"… (see scripts.py)


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
    start = min(_common_start(text, r.text) for r in shown)
    start = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1
    run = text[start:].split(None, 1)[0][:20] if text[start:].strip() else ""
    named = " or as ".join(
        [f'UTF-8 ("{run}")']
        + [f"{r.legacy.label} ({_where_they_differ(r, [utf8, *shown])})" for r in shown]
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
        best = _decide(plausible, path)
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


def _decide(plausible: list[Reading], path: Path) -> Reading:
    """The reading to take among plausible ones, or :class:`BadFileError` naming them.

    Readings that give the same text are one. Of different ones, those borne out by their
    own evidence (the frequent words and letters of one language, the common characters of
    CJK text) are looked at, or all if none is (but see :func:`_weighed`). Of them, the one
    that gives the most known words with letters beyond ASCII (naïve, not naďve) is taken,
    or of those the one with the fewest odd characters (dueño, not dueńo, in a Spanish text);
    between equals in English, the one in a code page often used, if it is the only one;
    between equals that differ only where one reads as writing and the other as mojibake
    of it (Άλλοι, not ’λλοι), the first. A code page seldom used (see :attr:`Legacy.alone`)
    is taken only when its reading is borne out.
    """
    groups: dict[str, list[Reading]] = {}
    for reading in plausible:
        groups.setdefault(reading.text, []).append(reading)
    firsts = [next((r for r in group if r.legacy.alone), group[0]) for group in groups.values()]
    confirmed = [r for r in firsts if any(other.confirmed for other in groups[r.text])]
    pool = sorted(confirmed or _weighed(firsts), key=lambda r: (-r.known, r.odd, -r.score))
    top = [r for r in pool if (r.known, r.odd) == (pool[0].known, pool[0].odd)]
    if len(top) > 1 and sum(r.legacy.alone for r in top) == 1 and all(r.plain for r in top):
        # Between equals in a language written in ASCII (English), the code page often used:
        # Mac Roman reads the ’ and “ ” of such a text in Windows-1252 as í and ì î. In a
        # language with letters of its own they may be letters: nothing to prefer.
        top = [r for r in top if r.legacy.alone]
    top = [r for r in top if not any(_outread(r, other) for other in top)]
    if len(top) == 1 and (confirmed or top[0].legacy.alone):
        return top[0]
    if not confirmed and not any(r.legacy.alone for r in pool):
        shown = top[:4]
        readings = " or as ".join(
            f"{r.legacy.label} ({_where_they_differ(r, shown)})" for r in shown
        )
        which = "which is" if len(shown) == 1 else "which are"
        raise BadFileError(
            path,
            f"cannot tell its encoding: it reads as plausible text only as {readings}, {which}"
            " seldom used, and nothing bears that out; choose the encoding (--encoding, or in "
            "the import dialog) or save it as UTF-8",
        )
    shown = (pool + [r for r in firsts if r not in pool])[:4]
    readings = " or as ".join(f"{r.legacy.label} ({_where_they_differ(r, shown)})" for r in shown)
    raise BadFileError(
        path,
        f"cannot tell its encoding: it reads as {readings}; choose the encoding (--encoding, "
        "or in the import dialog) or save it as UTF-8",
    )


def _weighed(readings: list[Reading]) -> list[Reading]:
    """The readings, none borne out, that weigh in the choice: a code page news seldom
    comes in that is only weighed (:attr:`Legacy.weighed`) weighs against one often used
    that reads the text in the same script only where that one's reading is not clean
    (DOS 850 "café" against Windows-1252 "caf‚"), gives fewer known words, or differs from
    it only by letters that are one to a reader (ș and ş): else a plain Finnish text in
    Windows-1252 would be refused because DOS 850 reads its ä as õ."""

    def weighs(reading: Reading) -> bool:
        common = [r for r in readings if r.legacy.alone and r.script == reading.script]
        return (
            not common
            or min(r.odd for r in common) > 0
            or reading.known > max(r.known for r in common)
            or any(_twins(reading.text, r.text) for r in common)
        )

    return [r for r in readings if not r.legacy.weighed or weighs(r)]


# Letters that are one letter to a reader: Romanian written in Windows-1250, which lacks
# the comma below, has ş and ţ for ș and ț.
_TWINS = frozenset({("ș", "ş"), ("ț", "ţ"), ("Ș", "Ş"), ("Ț", "Ţ")})


def _twins(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ, and only by letters that are one to a reader."""
    if len(a) != len(b) or a == b:
        return False
    return all(x == y or (x, y) in _TWINS or (y, x) in _TWINS for x, y in zip(a, b, strict=True))


# Greek capitals with tonos, which Windows-1253 and ISO-8859-7 place differently: each reads
# the other's Ά as ’ or ¶.
_GREEK_CAPITAL_TONOS = frozenset("ΆΈΉΊΌΎΏ")
# What ends an elision before a vowel: l’any, d’una, qu’il, dell’anno, un’altra.
_ELIDED = frozenset(
    {"l", "d", "s", "n", "m", "t", "j", "c", "qu", "un", "jusqu", "lorsqu", "puisqu"}
    | {"dell", "nell", "all", "dall", "sull", "coll", "quell", "quest"}
)


def _outread(reading: Reading, other: Reading) -> bool:
    """Whether ``other`` reads right wherever the two differ and ``reading`` reads as mojibake
    of it: Windows-1253 Άλλοι against ISO-8859-7 ’λλοι, Windows-1252 l’any against Mac Roman
    líany."""
    a, b = reading.text, other.text
    if len(a) != len(b) or a == b:
        return False
    return all(x == y or _reads_right(b, a, i) for i, (x, y) in enumerate(zip(a, b, strict=True)))


def _reads_right(right: str, wrong: str, index: int) -> bool:
    ch, instead = right[index], wrong[index]
    following = wrong[index + 1 : index + 2]
    if ch in _GREEK_CAPITAL_TONOS:
        # A quote or pilcrow glued to the start of a Greek word.
        return instead in "’¶" and following.isalpha() and script_of(following) == "greek"
    if ch == "’" and instead.isalpha():
        start = end = index
        while start > 0 and right[start - 1].isalpha():
            start -= 1
        while end + 1 < len(right) and right[end + 1].isalpha():
            end += 1
        left, word = right[start:index].lower(), right[index + 1 : end + 1]
        return left in _ELIDED and len(word) >= 3 and word[0].lower() in "aeiouhàáâèéêíîóôúû"
    return False


def _where_they_differ(reading: Reading, others: list[Reading]) -> str:
    """The word of ``reading`` where the readings first differ, quoted: "Molière"; with no
    other reading, its first word with a character beyond ASCII."""
    first = min(
        (_common_start(reading.text, o.text) for o in others if o is not reading),
        default=next((i for i, ch in enumerate(reading.text) if ch >= "\x80"), 0),
    )
    text = reading.text
    start, end = first, first + 1
    while start > 0 and first - start < 20 and _in_word(text[start - 1]):
        start -= 1
    while end < len(text) and end - first < 20 and _in_word(text[end]):
        end += 1
    return '"' + text[start:end].strip() + '"'


def _common_start(a: str, b: str) -> int:
    """How many characters ``a`` and ``b`` begin with in common."""
    return next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )


def _in_word(ch: str) -> bool:
    return ch.isalnum() or ch in "'’-"


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
        return Decoded(text, codec)
    others = [r for r in _readings(data, LEGACY) if r.problem is None and r.text != reading.text]
    if not others:  # nothing reads better: the choice stands
        return Decoded(text, codec)
    better = next((r for r in others if r.confirmed), others[0])
    raise BadFileError(
        path,
        f"does not read as {label(codec)} text ({reading.problem}); it reads as "
        f"{better.legacy.label}: choose that encoding for it, or save it as UTF-8",
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
