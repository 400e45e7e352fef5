"""Does a decoded text read as text? Script statistics that tell a right decoding from mojibake.

Decoding a legacy-encoded file with the wrong code page rarely fails: Shift-JIS bytes read as
CP949 give valid, but rare, Hangul syllables; EUC-JP read as GB18030 gives kana among random
hanzi; Windows-1251 read as KOI8-R gives Cyrillic with the case inverted. What gives mojibake
away is what real writing never does: unassigned or private-use code points, control
characters, letters of two alphabets in one word, case flipping inside words, syllables and
ideographs outside the common sets of the language's own national standard, Korean spacing
between ideographs, kana in a Korean or Chinese code page. :func:`assess` measures these.
"""

from __future__ import annotations

import bisect
import re
import string
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Letters by script, as (first, last, script). Everything CJK is told apart further below.
_RANGES = sorted(
    [
        (0x00C0, 0x024F, "latin"),
        (0x1E00, 0x1EFF, "latin"),
        (0x0370, 0x03FF, "greek"),
        (0x1F00, 0x1FFF, "greek"),
        (0x0400, 0x052F, "cyrillic"),
        (0x0530, 0x058F, "armenian"),
        (0x0590, 0x05FF, "hebrew"),
        (0x0600, 0x06FF, "arabic"),
        (0x0750, 0x077F, "arabic"),
        (0x0900, 0x097F, "devanagari"),
        (0x0E00, 0x0E7F, "thai"),
        (0x10A0, 0x10FF, "georgian"),
        (0x1100, 0x11FF, "jamo"),
        (0x3005, 0x3007, "han"),  # 々 〆 〇
        (0x303B, 0x303C, "han"),
        (0x3040, 0x30FF, "kana"),
        (0x3100, 0x312F, "bopomofo"),
        (0x3130, 0x318F, "jamo"),
        (0x31F0, 0x31FF, "kana"),
        (0x3400, 0x4DBF, "han"),
        (0x4E00, 0x9FFF, "han"),
        (0xA960, 0xA97F, "jamo"),
        (0xAC00, 0xD7A3, "hangul"),
        (0xD7B0, 0xD7FF, "jamo"),
        (0xF900, 0xFAFF, "han"),
        (0xFF21, 0xFF5A, "fullwidth latin"),
        (0xFF66, 0xFF9F, "halfwidth kana"),
        (0xFFA0, 0xFFDC, "jamo"),
        (0x20000, 0x3FFFF, "han"),
    ]
)
_STARTS = [first for first, _, _ in _RANGES]
# Full-width Latin letters (ＡＢＣ) occur only in CJK writing: they count with it.
_CJK = frozenset({"han", "kana", "halfwidth kana", "hangul", "jamo", "bopomofo", "fullwidth latin"})
# Control characters that plain text holds: tab, line and page breaks, NEL.
ALLOWED_CONTROLS = frozenset("\t\n\r\f\v\x85")

# The readings :func:`assess` names for text in CJK writing.
CJK_SCRIPTS = frozenset({"japanese", "korean", "chinese"})
# What is measured on; the rest of a long file adds nothing.
SAMPLE = 20_000


@dataclass(frozen=True)
class Assessment:
    """How plausible a decoded text is: ``problem`` is None when it reads as real text."""

    script: str  # "latin", "cyrillic", "japanese", "korean", "chinese", … ("" if no letters)
    score: float  # higher is more plausible; comparable between readings of the same bytes
    problem: str | None = None


@lru_cache(maxsize=65_536)
def _kind(ch: str) -> str:
    """One of: "ascii" (letter), a script name (letter), "mark", "symbol", "bad", "control",
    "other" (digits, punctuation, spaces)."""
    code = ord(ch)
    if code < 0x80:
        if ch.isalpha():
            return "ascii"
        if code < 0x20 or code == 0x7F:
            return "other" if ch in ALLOWED_CONTROLS else "control"
        return "other"
    category = unicodedata.category(ch)
    if category in ("Cn", "Co", "Cs"):
        return "bad"
    if category == "Cc":
        return "other" if ch in ALLOWED_CONTROLS else "control"
    if category[0] == "L" and ch not in "ªº":  # ordinal signs: 1ª, nº
        index = bisect.bisect_right(_STARTS, code) - 1
        if index >= 0 and code <= _RANGES[index][1]:
            return _RANGES[index][2]
        return "letter"
    if category[0] == "M":
        return "mark"
    if category[0] == "S" or category == "No":  # ³ ½ count as symbols: mojibake is full of them
        return "symbol"
    return "other"


def _encodes_within(ch: str, codec: str, first: int, last: int) -> bool:
    try:
        data = ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return len(data) == 2 and first <= int.from_bytes(data, "big") <= last


@lru_cache(maxsize=65_536)
def common_hangul(ch: str) -> bool:
    """One of the 2,350 syllables of KS X 1001, which modern Korean writing hardly leaves."""
    return _encodes_within(ch, "euc_kr", 0xB0A1, 0xC8FE)


@lru_cache(maxsize=65_536)
def common_kanji(ch: str) -> bool:
    """A JIS X 0208 level-1 kanji (rows 16–47): the ones Japanese news text is made of."""
    return ch in "々〆〇" or _encodes_within(ch, "euc_jp", 0xB0A1, 0xCFFE)


@lru_cache(maxsize=65_536)
def common_simplified(ch: str) -> bool:
    """A GB 2312 level-1 hanzi (rows 16–55, the 3,755 most frequent)."""
    return _encodes_within(ch, "gb2312", 0xB0A1, 0xD7FE)


@lru_cache(maxsize=65_536)
def common_traditional(ch: str) -> bool:
    """A Big5 level-1 hanzi (the 5,401 frequent ones)."""
    return _encodes_within(ch, "big5", 0xA440, 0xC67E)


@dataclass
class _Counts:
    letters: dict[str, int]
    symbols: int = 0
    bad: int = 0
    controls: int = 0
    words: int = 0  # runs of letters holding a letter that is not ASCII
    mixed_words: int = 0  # two alphabets in one run, or an alphabet other than Latin with CJK
    flipped_words: int = 0  # a capital right after a small letter inside a run
    glued_symbols: int = 0  # a symbol touching a letter
    isolated_cjk: int = 0  # a CJK character between two ASCII letters
    spaced_ideographs: int = 0  # ideograph, space, ideograph: Korean spacing
    odd_forms: int = 0  # small and vertical presentation forms (﹐﹜︰): for layout, not text
    hangul_runs: int = 0
    stray_marks: int = 0  # a combining mark (a Thai vowel, an accent) on no letter
    cjk_runs: int = 0  # runs of CJK characters
    glued_cjk_runs: int = 0  # of them, runs touching an ASCII letter (Kim’s read as Shift-JIS)
    glossed_han: int = 0  # ideographs in brackets, as Korean glosses a word with its hanja


class _Scan:
    """One pass over a text, character by character (see :func:`_count`)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.counts = _Counts(letters={})
        self.run_scripts: set[str] = set()
        self.run_flipped = False
        self.run_nonascii = False
        self.previous_lower = False

    def kind(self, index: int) -> str:
        return _kind(self.text[index]) if 0 <= index < len(self.text) else "other"

    def end_run(self) -> None:
        counts = self.counts
        if self.run_nonascii:
            counts.words += 1
            alphabets = {"latin" if s == "ascii" else s for s in self.run_scripts - _CJK}
            if len(alphabets) > 1 or (self.run_scripts & _CJK and alphabets - {"latin"}):
                counts.mixed_words += 1
            if self.run_flipped:
                counts.flipped_words += 1
        if "hangul" in self.run_scripts:
            counts.hangul_runs += 1
        self.run_scripts, self.run_flipped = set(), False
        self.run_nonascii, self.previous_lower = False, False

    def step(self, index: int) -> None:
        counts, ch = self.counts, self.text[index]
        kind = _kind(ch)
        if kind == "mark":
            if not index or self.kind(index - 1) in ("other", "symbol", "control"):
                counts.stray_marks += 1
            return
        if kind in ("other", "symbol", "bad", "control"):
            if self.run_scripts:
                self.end_run()
            if kind == "symbol":
                counts.symbols += 1
                before, after = self.kind(index - 1), self.kind(index + 1)
                if before not in ("other", "symbol") or after not in ("other", "symbol"):
                    counts.glued_symbols += 1
            elif kind == "bad":
                counts.bad += 1
            elif kind == "control":
                counts.controls += 1
            if 0xFE10 <= ord(ch) <= 0xFE6F:
                counts.odd_forms += 1
            elif ch == " " and 0 < index < len(self.text) - 1:
                before, after = self.kind(index - 1), self.kind(index + 1)
                counts.spaced_ideographs += before == after == "han"
            return
        counts.letters[kind] = counts.letters.get(kind, 0) + 1
        self.run_scripts.add(kind)
        if kind != "ascii":
            self.run_nonascii = True
        if kind in _CJK and 0 < index < len(self.text) - 1 and self.kind(index - 1) == "ascii":
            counts.isolated_cjk += self.kind(index + 1) == "ascii"
        if ch.isupper() and self.previous_lower:
            self.run_flipped = True
        self.previous_lower = ch.islower()

    def bulk(self, part: str) -> None:
        """ASCII between two characters that are not letters: its letters make runs of
        ASCII alone, which count for nothing but their letters."""
        counts = self.counts
        letters = len(part) - len(part.translate(_DROP_ASCII_LETTERS))
        if letters:
            counts.letters["ascii"] = counts.letters.get("ascii", 0) + letters
        counts.controls += len(_BAD_ASCII_CONTROLS.findall(part))


_ASCII_STRETCH = re.compile(r"[\x00-\x7f]+")
_DROP_ASCII_LETTERS = str.maketrans("", "", string.ascii_letters)
_BAD_ASCII_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _is_ascii_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _count(text: str) -> _Counts:
    """What :func:`assess` measures. Character by character where letters beyond ASCII may
    be near; a stretch of ASCII in bulk but for the letters at either end of it, which may
    belong to a word with letters beyond ASCII (most of a Western text is ASCII)."""
    scan = _Scan(text)
    index = 0
    while index < len(text):
        if text[index] >= "\x80":
            scan.step(index)
            index += 1
            continue
        stretch = _ASCII_STRETCH.match(text, index)
        assert stretch is not None
        end = stretch.end()
        while index < end and _is_ascii_letter(text[index]):
            scan.step(index)
            index += 1
        if index < end:
            last = end - 1  # the last character that is not a letter
            while _is_ascii_letter(text[last]):
                last -= 1
            scan.step(index)
            if last > index:
                scan.bulk(text[index + 1 : last])
                scan.step(last)
            for trailing in range(last + 1, end):
                scan.step(trailing)
        index = end
    if scan.run_scripts:
        scan.end_run()
    counts = scan.counts
    for run in _CJK_RUN.finditer(text):
        counts.cjk_runs += 1
        start, stop = run.span()
        glued = scan.kind(start - 1) == "ascii" if start else False
        counts.glued_cjk_runs += bool(glued or scan.kind(stop) == "ascii")
    counts.glossed_han = sum(len(gloss) for gloss in _GLOSS.findall(text))
    return counts


# Runs of CJK letters; ideographs alone in brackets.
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff]+")
_GLOSS = re.compile(r"(?<=[(（])[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+(?=[)）])")


def cjk_letters(text: str) -> int:
    """How many kana, Hangul syllables and ideographs the first :data:`SAMPLE` characters
    hold."""
    return sum(len(run) for run in _CJK_RUN.findall(text[:SAMPLE]))


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def assess(text: str) -> Assessment:
    """Measure how plausible ``text`` is as writing in one script (see the module docstring)."""
    # Most wrong readings hold a character no text does: found at once among the distinct ones.
    kinds = {_kind(ch) for ch in set(text[:SAMPLE]) if ch >= "\x80"}
    if "bad" in kinds:
        return Assessment("", 0.0, "it would hold unassigned or private-use characters")
    if "control" in kinds:
        return Assessment("", 0.0, "it would hold control characters")
    counts = _count(text[:SAMPLE])
    letters = counts.letters
    if counts.bad:
        return Assessment("", 0.0, "it would hold unassigned or private-use characters")
    if counts.controls:
        return Assessment("", 0.0, "it would hold control characters")
    if counts.stray_marks > max(1, 0.01 * sum(letters.values())):
        return Assessment("", 0.0, "it would have accents and vowel signs on no letter")
    cjk = sum(letters.get(s, 0) for s in _CJK)
    groups: dict[str, int] = {"cjk": cjk} if cjk else {}
    for script, number in letters.items():
        if script not in _CJK and script != "ascii":
            groups[script] = number
    nonascii = sum(groups.values())
    if not nonascii:
        return Assessment("latin" if letters.get("ascii") else "", 1.0)
    main = max(groups, key=lambda s: groups[s])
    if _share(groups[main], nonascii) < 0.9:
        mix = " and ".join(sorted(groups, key=lambda s: -groups[s])[:2])
        return Assessment("", 0.0, f"it would mix letters of {mix.replace('cjk', 'CJK')}")
    if _share(counts.mixed_words, counts.words) > 0.05:
        return Assessment("", 0.0, "it would mix alphabets inside words")
    flipped = _share(counts.flipped_words, counts.words)
    if flipped > 0.1:
        return Assessment("", 0.0, "it would have capitals inside small-letter words")
    glued = _share(counts.glued_symbols, counts.words + letters.get("ascii", 0) // 5)
    if glued > 0.1:
        return Assessment("", 0.0, "it would have symbols inside words")
    penalty = flipped + glued
    if main == "latin":
        accented = _share(letters["latin"], letters["latin"] + letters.get("ascii", 0))
        # A short text may well be one word of many accents (Łódź).
        if accented > 0.4 and letters["latin"] + letters.get("ascii", 0) >= 20:
            return Assessment("", 0.0, "it would be Latin text with most letters accented")
        return Assessment("latin", 1.0 - penalty)
    if main == "greek" and _misspelt_greek(text[:SAMPLE]):
        return Assessment("", 0.0, "it would be Greek spelt as no Greek is")
    if main != "cjk":
        return Assessment(main, 1.0 - penalty)
    return _assess_cjk(text[:SAMPLE], counts, penalty)


_GREEK_WORD = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]+")
_TONOS = frozenset("άέήίόύώΐΰΆΈΉΊΌΎΏ")


def _misspelt_greek(sample: str) -> bool:
    """Over a tenth of the words break Greek spelling: a final sigma inside a word, ΐ or ΰ
    (Cyrillic а read as Greek), two accents in one word. Cyrillic bytes read as Greek do."""
    words = _GREEK_WORD.findall(sample)
    wrong = sum(
        1
        for word in words
        if "ς" in word[:-1] or "ΐ" in word or "ΰ" in word or sum(c in _TONOS for c in word) > 1
    )
    return wrong > 0.1 * len(words)


def _assess_cjk(sample: str, counts: _Counts, penalty: float) -> Assessment:
    letters = counts.letters
    cjk = sum(letters.get(s, 0) for s in _CJK)
    if _share(counts.isolated_cjk, cjk) > 0.2:
        return Assessment("", 0.0, "it would have single CJK characters inside Latin words")
    if cjk < letters.get("ascii", 0) and counts.glued_cjk_runs * 2 > counts.cjk_runs:
        return Assessment("", 0.0, "it would be Latin text with CJK characters glued to words")
    if cjk == counts.cjk_runs and 10 * cjk < letters.get("ascii", 0):
        return Assessment("", 0.0, "it would be Latin text with stray CJK characters")
    if counts.odd_forms:
        return Assessment("", 0.0, "it would have punctuation in small or vertical forms")
    hangul, jamo = letters.get("hangul", 0), letters.get("jamo", 0)
    kana = letters.get("kana", 0) + letters.get("halfwidth kana", 0)
    han = letters.get("han", 0)
    ideographs = [ch for ch in sample if _kind(ch) == "han"]
    if hangul + jamo >= 0.5 * cjk:
        if _share(jamo, hangul + jamo) > 0.1:
            return Assessment("", 0.0, "it would be Korean made of loose jamo")
        syllables = [ch for ch in sample if _kind(ch) == "hangul"]
        common = _share(sum(1 for ch in syllables if common_hangul(ch)), len(syllables))
        if common < 0.9:
            return Assessment("", 0.0, "it would be Korean of rare syllables")
        if hangul >= 20 and hangul / counts.hangul_runs > 8:
            return Assessment("", 0.0, "it would be Korean without spaces between words")
        # Hanja in brackets after a word (국가정보원(國家情報院)) gloss it: they do not count.
        if _share(han - counts.glossed_han, cjk - counts.glossed_han) > 0.3:
            return Assessment("", 0.0, "it would be Korean with more hanja than news uses")
        return Assessment("korean", common - penalty)
    if counts.spaced_ideographs >= 2 and counts.spaced_ideographs > 0.05 * han:
        return Assessment("", 0.0, "it would have spaces between ideographs, as Korean has")
    if kana > 0.05 * cjk:
        if _share(letters.get("halfwidth kana", 0), kana) > 0.3:
            return Assessment("", 0.0, "it would be Japanese of half-width katakana")
        if _share(jamo + hangul, cjk) > 0.02:
            return Assessment("", 0.0, "it would mix kana and Hangul")
        common = _share(sum(1 for ch in ideographs if common_kanji(ch)), len(ideographs))
        if len(ideographs) >= 4 and common < 0.75:
            return Assessment("", 0.0, "it would be Japanese of rare kanji")
        return Assessment("japanese", (common if ideographs else 1.0) - penalty)
    if _share(kana + jamo + hangul, cjk) > 0.02:
        return Assessment("", 0.0, "it would mix hanzi with kana or Hangul")
    simplified = _share(sum(1 for ch in ideographs if common_simplified(ch)), len(ideographs))
    traditional = _share(sum(1 for ch in ideographs if common_traditional(ch)), len(ideographs))
    common = max(simplified, traditional)
    if len(ideographs) >= 4 and common < 0.8:
        return Assessment("", 0.0, "it would be Chinese of rare hanzi")
    return Assessment("chinese", common - penalty)
