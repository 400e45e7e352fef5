"""Does a reading of a single-byte code page read as a language's writing? Word by word.

Code pages of one alphabet decode the same bytes to different letters (Windows-1252 reads
Hungarian ő as õ, Windows-1250 reads French è as č, DOS 866 reads a no-break space as а), and
each reading is valid text to Unicode. What real writing never does is what :func:`judge`
counts as odd: a symbol or punctuation mark between two letters (p‰‰sseens‰, B„rbatul), a
currency sign against a letter (Ł300 is a letter, £300 a price), an opening mark after a word
(DOS 850 café read as caf‚), a sign such as ¶ or ¼ against a letter (¶λλοι, ¼uvre), a
spacing accent, a line drawing or a control character, a capital inside a small-letter word,
two scripts in one word, a lone letter no language writes as a word, a lone letter of another
script amid Latin words (governo ٹ pronto), a Cyrillic word that starts with ь, ъ or ы.
Then the letters beyond ASCII must be those of one language (:mod:`annotator.io.languages`):
Windows-1252 reads Hungarian as á é í ó ö õ ú ü û, and no language has õ with û and ö.

A long text may hold a few odd characters (a name from another language, a stray symbol): a
reading is plausible while they are at most one in fifty of its words with letters beyond
ASCII and its other characters beyond ASCII, and none in a short text.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from annotator.io.languages import LANGUAGES, LOANS

# What is judged; the rest of a long file adds nothing.
SAMPLE = 20_000
# Odd characters allowed: one in this many words with letters beyond ASCII and other
# characters beyond ASCII.
TOLERANCE = 50
# Frequent words a language needs to be the one a text is written in.
MIN_EVIDENCE = 2

# Letters and the marks on them; digits, "_" and ª º (ordinal signs, for numbers) are not.
_WORD = re.compile(r"(?:(?![\d_ªº])[\w\u0300-\u036f\u0591-\u05c7\u0610-\u061a\u064b-\u065f])+")
# Marks that may stand between two letters: apostrophes, dashes, the Catalan middle dot, an
# ellipsis, a soft hyphen, Hebrew's maqaf, geresh and gershayim.
_JOINERS = frozenset("'’ʼ`·‐‑–—…\u00ad\u05be\u05f3\u05f4")
# Characters that news text does not hold but mojibake does: spacing accents, symbols of
# Mac Roman's mathematics, daggers, the generic currency sign, the broken bar, the drachma
# sign of ISO-8859-7 (gone with the drachma in 2002), the integral halves of DOS 437.
_ODD = frozenset("¤¦¨¯´¸ˆˇ˘˙˛˜˝¬†‡ƒ◊∂∆∏∑∫√≈≠≤≥∞Ω\u2126πﬁﬂ₯⌠⌡")
# A currency sign goes with an amount: £300, 5 €.
_DIGIT_NEAR = re.compile(r"\d")
# Opening marks that are never followed by a space (“ closes a quote in Czech, German,
# Serbian…; French « is followed by one).
_OPENERS = frozenset("¿¡„")
# Opening marks that never follow a letter: DOS 850 "café" read as Windows-1252 is "caf‚".
_NOT_AFTER_LETTER = frozenset("‚„¿¡")
# Signs that never touch a letter in writing, which mojibake glues to them: "¶λλοι" (Greek Ά
# in ISO-8859-7 read as Windows-1253), "¼uvre" (Œ of ISO-8859-15 as Windows-1252).
_NOT_AGAINST_LETTER = frozenset("‰¶§±×÷¼½¾")
# Ordinal signs follow a number or n (1º, nº, 2ª), never begin a word ("ºuvre").
_ORDINALS = frozenset("ªº")
# Hebrew letters written only at the end of a word, and their forms inside one.
_FINAL = frozenset("ךםןףץ")
_SCRIPTS = {language.script for language in LANGUAGES}
# Scripts with capitals, whose one-letter words are few and known.
_CASED = frozenset({"latin", "cyrillic", "greek"})


@dataclass(frozen=True)
class Judgement:
    """How a reading reads: ``problem`` is None when it is plausible."""

    script: str
    problem: str | None
    # The languages whose letters fit the reading (within the tolerance).
    fitting: frozenset[str] = frozenset()
    # Frequent words found, by language, each weighed by how many languages have it.
    evidence: dict[str, float] = field(default_factory=dict)
    # Words with letters beyond ASCII that are known words of a language (été, naïve).
    known: int = 0
    letters: int = 0  # letters beyond ASCII
    # Odd characters, and letters the language of its words (else the best fitting one)
    # does not write: how far from clean a plausible reading is.
    odd: int = 0

    @property
    def written_in(self) -> frozenset[str]:
        """The languages the text is written in, by its frequent words (see _written_in)."""
        return _written_in(self.evidence)

    @property
    def plain(self) -> bool:
        """Written in a language that has no letters beyond ASCII (English)."""
        return any(not _LETTERS[name] for name in self.written_in)

    @property
    def confirmed(self) -> bool:
        """Plausible, and in letters of the language its frequent words say it is in."""
        return self.problem is None and bool(self.written_in & self.fitting)


def _written_in(evidence: dict[str, float]) -> frozenset[str]:
    """The language with the most frequent words and any close to it (Czech and Slovak share
    most), if the most is enough to say."""
    most = max(evidence.values(), default=0)
    if most < MIN_EVIDENCE:
        return frozenset()
    return frozenset(name for name, hits in evidence.items() if hits >= 0.8 * most)


@lru_cache(maxsize=8192)
def script_of(ch: str) -> str:
    """The script of a letter: "latin" (ASCII included), "cyrillic", "greek", "hebrew",
    "arabic", or "other"."""
    code = ord(ch)
    if code < 0x250 or 0x1E00 <= code <= 0x1EFF:
        return "latin"
    if 0x370 <= code <= 0x3FF or 0x1F00 <= code <= 0x1FFF:
        return "greek"
    if 0x400 <= code <= 0x52F:
        return "cyrillic"
    if 0x590 <= code <= 0x5FF:
        return "hebrew"
    if 0x600 <= code <= 0x6FF or 0x750 <= code <= 0x77F:
        return "arabic"
    return "other"


def _small(ch: str) -> str:
    small = ch.lower()
    return small if len(small) == 1 else ch  # İ lowers to two characters: keep it


# A frequent word says as much for each language that has it as one over their number: "a"
# is English, Hungarian, Czech and more; "že" Czech or Slovak; "the" English alone.
_WEIGHT = {
    word: 1 / count
    for word, count in Counter(w for language in LANGUAGES for w in language.words).items()
}
_LETTERS = {language.name: language.letters for language in LANGUAGES}
_SINGLE = {
    script: frozenset().union(*(lang.single for lang in LANGUAGES if lang.script == script))
    for script in _SCRIPTS
}
# Words with letters beyond ASCII that a reading may be recognised by.
_KNOWN = {
    script: frozenset(
        word
        for lang in LANGUAGES
        if lang.script == script
        for word in lang.words | (LOANS if script == "latin" else frozenset())
        if not word.isascii()
    )
    for script in _SCRIPTS
}


@dataclass
class _Tally:
    """What one pass over a sample finds."""

    sites: int = 0  # words with letters beyond ASCII, and other characters beyond ASCII
    reasons: Counter[str] = field(default_factory=Counter)
    letters: Counter[str] = field(default_factory=Counter)  # beyond ASCII, small
    scripts: Counter[str] = field(default_factory=Counter)
    words: Counter[str] = field(default_factory=Counter)  # every word, small
    ascii_letters: int = 0


def judge(text: str) -> Judgement:
    """Judge a decoded text whose letters beyond ASCII are in an alphabet (see the module
    docstring)."""
    sample = text[:SAMPLE]
    tally = _Tally()
    _tally_signs(sample, tally)
    _tally_words(sample, tally, cut=len(text) > len(sample))
    odd = sum(tally.reasons.values())
    script = tally.scripts.most_common(1)[0][0] if tally.scripts else "latin"
    allowed = tally.sites // TOLERANCE
    # Every language's words count: a Cyrillic reading of an English text is in English.
    evidence = {
        language.name: sum(tally.words[word] * _WEIGHT[word] for word in language.words)
        for language in LANGUAGES
    }
    written_in = _written_in(evidence)
    outside: dict[str, int] = {}
    for language in LANGUAGES:
        if language.script != script:
            continue
        if language.letters:
            outside[language.name] = sum(
                count for letter, count in tally.letters.items() if letter not in language.letters
            )
        elif language.name in written_in:
            # English: its letters beyond ASCII are in names and borrowed words.
            outside[language.name] = _loans_outside(tally, script)
    fitting = frozenset(name for name, count in outside.items() if odd + count <= allowed)
    # Words of one letter are too easily made by chance (DOS 866 reads a no-break space as а).
    known = sum(
        count
        for word, count in tally.words.items()
        if len(word) > 1 and word in _KNOWN.get(script, ())
    )
    problem = _case_problem(script, sample)
    if problem is None and odd > allowed:
        problem = f"it would have {tally.reasons.most_common(1)[0][0]}"
    if problem is None and not fitting:
        problem = "its letters would be those of no one language"
    if problem is None and tally.letters and written_in and not written_in & fitting:
        # Its words say which language it is in, and that language does not write these
        # letters: Croatian whose č reads as è, English read as Cyrillic.
        spoken = " or ".join(sorted(written_in))
        problem = f"its letters would not be those of {spoken}, the language of its words"
    letters = sum(tally.letters.values())
    own = [count for name, count in outside.items() if name in written_in] or list(outside.values())
    odd += min(own, default=0)
    return Judgement(script, problem, fitting, evidence, known, letters, odd)


def _loans_outside(tally: _Tally, script: str) -> int:
    """For a language with no letters beyond ASCII: the words with such letters that are in
    the letters of no one language (Müller, Peña and Molière are each in some language's,
    but Vuèiæ too: the evidence of names is weak); all of them if those letters are more
    than one in ten letters, which names in a text are not."""
    beyond = sum(tally.letters.values())
    if beyond > (beyond + tally.ascii_letters) / 10:
        return beyond
    alphabets = [lang.letters for lang in LANGUAGES if lang.script == script and lang.letters]
    return sum(
        count
        for word, count in tally.words.items()
        if not word.isascii()
        and not any({ch for ch in word if ch >= "\x80"} <= letters for letters in alphabets)
    )


def _tally_signs(sample: str, tally: _Tally) -> None:
    """Characters beyond ASCII other than letters: odd ones, and signs inside words."""
    reasons = tally.reasons
    # Where quotes open low („…“, ‚…‘: German, Czech, Polish…), “ and ‘ close them.
    low_quotes = "„" in sample or "‚" in sample
    for index, ch in enumerate(sample):
        if ch < "\x80" or _is_letter(ch):
            continue
        category = unicodedata.category(ch)
        if category in ("Mn", "Mc", "Me"):
            continue
        tally.sites += 1
        if category in ("Zs", "Cf"):
            continue
        if category in ("Cc", "Sk") or ch in _ODD or "\u2500" <= ch <= "\u259f":
            reasons["characters no news text holds"] += 1
            continue
        before = index > 0 and _is_letter(sample[index - 1])
        after = index + 1 < len(sample) and _is_letter(sample[index + 1])
        if before and after and (ch not in _JOINERS or not _joins(sample, index)):
            reasons["symbols inside words"] += 1
        elif ch in _NOT_AGAINST_LETTER and (before or after):
            reasons["signs against letters"] += 1
        elif (ch in _NOT_AFTER_LETTER and before) or (ch in _ORDINALS and after):
            reasons["opening marks or ordinal signs glued to words"] += 1
        elif category == "Sc" and (before or after):
            reasons["currency signs against letters"] += 1
        elif category == "Sc" and not _DIGIT_NEAR.search(sample, max(0, index - 2), index + 3):
            reasons["currency signs without a number"] += 1
        elif ch in "‘“" and before and not after and not low_quotes:
            reasons["opening quotes after words"] += 1
        elif ch == "•" and not _bullet_in_place(sample, index):
            reasons["bullets inside lines"] += 1
        elif ch in _OPENERS and sample[index + 1 : index + 2].isspace():
            reasons["opening quotes before a space"] += 1


def _tally_words(sample: str, tally: _Tally, *, cut: bool = False) -> None:
    """Words with letters beyond ASCII: their shape, their letters, their script."""
    reasons = tally.reasons
    previous = ""
    for match in _WORD.finditer(sample):
        word, before, previous = match.group(), previous, match.group()
        tally.words[word.lower()] += 1
        tally.ascii_letters += sum(ch.isascii() for ch in word)
        if word.isascii():
            continue
        kinds = {script_of(ch) for ch in word if ch.isalpha()}
        if not kinds:  # marks alone: assess() counts them
            continue
        tally.sites += 1
        if len(kinds) > 1:
            reasons["two scripts in one word"] += 1
            continue
        [script] = kinds
        if not (word.islower() or word.isupper() or word[1:].islower() or _caseless(word)):
            reasons["capitals inside small-letter words"] += 1
        # An initial (Á. Orbán) is a letter alone too.
        initial = word.isupper() and sample.startswith(".", match.end())
        # The last word of a sample cut from a longer text may be cut off.
        alone = len(word) == 1 and not (cut and match.end() == len(sample))
        if alone and script in _CASED and _small(word) not in _SINGLE[script]:
            reasons["letters standing alone"] += not initial
        if alone and script != "latin" and _latin(before) and _latin(_next_word(sample, match)):
            # DOS 850 "governo è pronto" read as Windows-1256 is "governo ٹ pronto".
            reasons["letters of another script alone amid Latin words"] += 1
        if script == "hebrew" and any(ch in _FINAL for ch in word[:-1]):
            reasons["Hebrew final letters inside words"] += 1
        if script == "cyrillic" and word[0] in "ьъыЬЪЫ":
            reasons["Cyrillic words starting with ь, ъ or ы"] += 1
        for ch in word:
            if ch >= "\x80" and ch.isalpha():
                tally.letters[_small(ch)] += 1
                tally.scripts[script] += 1


def _latin(word: str) -> bool:
    return bool(word) and all(script_of(ch) == "latin" for ch in word if ch.isalpha())


def _next_word(sample: str, match: re.Match[str]) -> str:
    following = _WORD.search(sample, match.end())
    return following.group() if following else ""


def _joins(sample: str, index: int) -> bool:
    """Whether the apostrophe or dash at ``index``, between two letters, is where one is
    written: an elision or a clitic (l’homme, dell’anno, jusqu’à, Kim’s, we’ll), a dash
    between words (broker—a). Mac Roman's í, ó and ñ read as Windows-1252 are ’, — and –
    inside a word (Imposs’vel, exclusi—n)."""
    ch = sample[index]
    if ch not in "’–—":
        return True
    start, end = index, index + 1
    while start > 0 and _is_letter(sample[start - 1]):
        start -= 1
    while end < len(sample) and _is_letter(sample[end]):
        end += 1
    left, right = sample[start:index].lower(), sample[index + 1 : end].lower()
    if ch == "’":
        return len(left) <= 2 or len(right) <= 2 or left.endswith(("qu", "ll")) or left == "aujourd"
    return all(len(part) > 1 or part in "aioeyu" for part in (left, right))


def _bullet_in_place(sample: str, index: int) -> bool:
    """A bullet begins a line (spaces may come first) or stands between spaces (a • b)."""
    line_start = sample.rfind("\n", 0, index) + 1
    if not sample[line_start:index].strip():
        return True
    after = sample[index + 1 : index + 2]
    return sample[index - 1].isspace() and (not after or after.isspace())


def _caseless(word: str) -> bool:
    return word.lower() == word.upper()


def _is_letter(ch: str) -> bool:
    return ch.isalpha() and ch not in "ªº"


def _case_problem(script: str, sample: str) -> str | None:
    """Cyrillic and Greek text of some length has capitals (sentences, names) among mostly
    small letters: Hebrew read as Windows-1251 has only small ones, Russian read as KOI8-R
    (which swaps the cases) mostly capitals."""
    if script not in ("cyrillic", "greek"):
        return None
    capitals = smalls = 0
    for ch in sample:
        if ch >= "\x80" and script_of(ch) == script:
            capitals += ch.isupper()
            smalls += ch.islower()
    if capitals + smalls < 200:
        return None
    if not capitals:
        return "it would be a long text without a capital letter"
    if capitals > smalls:
        return "it would be a long text mostly in capitals"
    return None
