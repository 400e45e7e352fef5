"""Which of the plausible readings of a legacy file to take, or a refusal naming them.

:mod:`annotator.io.encoding` tries each legacy encoding and judges its reading; what is
decided here is what to make of the readings that pass. Readings that give the same text are
one; a reading borne out by its own evidence (the words and letters of one language, the
common characters of CJK text) outweighs one that is not; known words with letters beyond
ASCII and fewer odd characters decide between those left; a code page seldom used is taken
only when borne out. Where readings differ and nothing decides, the file is refused showing
how each reads, so the researcher can choose.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from annotator.domain.errors import BadFileError
from annotator.io.alphabetic import script_of


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
    # only weighed against a reading in a code page often used (see :func:`_weighed`).
    weighed: bool = False


@dataclass(frozen=True)
class Reading:
    """One way of decoding the bytes (their first 64 KiB), and how it reads."""

    legacy: Legacy
    text: str
    problem: str | None  # None: plausible
    confirmed: bool = False  # its own evidence bears it out (see decide)
    known: int = 0  # words of a language it gives that have letters beyond ASCII
    plain: bool = False  # its frequent words are those of a language written in ASCII
    score: float = 1.0  # of CJK readings: the share of common characters (see scripts.py)
    odd: int = 0  # odd characters tolerated in it (see alphabetic.py)
    script: str = ""  # of a plausible reading: "latin", "cyrillic", "chinese"… (see scripts.py)


def decide(plausible: list[Reading], path: Path) -> Reading:
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
    top = [r for r in top if not any(outread(r, other) for other in top)]
    if len(top) == 1 and (confirmed or top[0].legacy.alone):
        return top[0]
    if not confirmed and not any(r.legacy.alone for r in pool):
        shown = top[:4]
        readings = " or as ".join(
            f"{r.legacy.label} ({where_they_differ(r, shown)})" for r in shown
        )
        which = "which is" if len(shown) == 1 else "which are"
        raise BadFileError(
            path,
            f"cannot tell its encoding: it reads as plausible text only as {readings}, {which}"
            " seldom used, and nothing bears that out; choose the encoding (--encoding, or in "
            "the import dialog) or save it as UTF-8",
        )
    shown = (pool + [r for r in firsts if r not in pool])[:4]
    readings = " or as ".join(f"{r.legacy.label} ({where_they_differ(r, shown)})" for r in shown)
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


def outread(reading: Reading, other: Reading) -> bool:
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


def where_they_differ(reading: Reading, others: list[Reading]) -> str:
    """The word of ``reading`` where the readings first differ, quoted: "Molière"; with no
    other reading, its first word with a character beyond ASCII."""
    first = min(
        (common_start(reading.text, o.text) for o in others if o is not reading),
        default=next((i for i, ch in enumerate(reading.text) if ch >= "\x80"), 0),
    )
    text = reading.text
    start, end = first, first + 1
    while start > 0 and first - start < 20 and _in_word(text[start - 1]):
        start -= 1
    while end < len(text) and end - first < 20 and _in_word(text[end]):
        end += 1
    return '"' + text[start:end].strip() + '"'


def common_start(a: str, b: str) -> int:
    """How many characters ``a`` and ``b`` begin with in common."""
    return next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )


def _in_word(ch: str) -> bool:
    return ch.isalnum() or ch in "'’-"
