"""The word shingles of texts, as sets of 64-bit hashes: what near-duplicate search compares.

A text's *words* are its normalised words (:func:`words`); its *shingles* are the runs of
:data:`SHINGLE_WORDS` consecutive words, each hashed to 64 bits. Two texts are as similar as
the Jaccard index of their shingle sets (:func:`exact_jaccard`).

Every hash here is fixed by this module (constants from SplitMix64, arithmetic modulo 2**64 on
Unicode code points): the same text gives the same set on every run and platform, as the index
kept in a project requires; Python's ``hash()`` (salted per process) is never used. Changing
any of it changes what a stored signature means: it then takes a migration that empties the
near-duplicate index (which is rebuilt on first use).

The work is done in NumPy over many texts at once — code points classified through a table,
words hashed by a polynomial over their code points, shingles combined from word hashes — ten
times faster than hashing word by word in Python (measured on 500-word articles).
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

#: Words per shingle. Five: in news prose a run of five words shared by two different stories
#: is rare (three-word runs such as "the prime minister" or "said on Tuesday" are everywhere, so
#: two reports of one event would look alike), while one changed sentence of 25 words spoils
#: only about 29 shingles — a 600-word story with its lede rewritten keeps a Jaccard index above
#: 0.9. Longer shingles would let every small edit cost more of the index. A text of fewer
#: words is one shingle of all of them (so that two short texts are alike only when equal).
SHINGLE_WORDS = 5

MASK64 = (1 << 64) - 1


def splitmix64(state: int) -> tuple[int, int]:
    """The next state and output of SplitMix64 (Steele, Lea & Flood 2014), in Python integers,
    so that the constants derived from it never depend on a library's random generator."""
    state = (state + 0x9E3779B97F4A7C15) & MASK64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return state, z ^ (z >> 31)


def odd_constants(seed: int, count: int) -> list[int]:
    """``count`` odd 64-bit constants from SplitMix64 started at ``seed`` (odd: multiplying by
    one permutes the 64-bit integers)."""
    values, state = [], seed
    for _ in range(count):
        state, value = splitmix64(state)
        values.append(value | 1)
    return values


def mix(values: U64) -> U64:
    """SplitMix64's finaliser on an array, in place: every input bit moves every output bit."""
    values ^= values >> np.uint64(30)
    values *= np.uint64(0xBF58476D1CE4E5B9)
    values ^= values >> np.uint64(27)
    values *= np.uint64(0x94D049BB133111EB)
    values ^= values >> np.uint64(31)
    return values


# -- words -----------------------------------------------------------------------------------

#: What a character is to the word splitter.
SEPARATOR, LETTER, ALONE, DROPPED = 0, 1, 2, 3
_APOSTROPHES = frozenset(map(ord, "'\u2019\u02bc\u2018`\u00b4"))


def character_class(code: int) -> int:
    """How the code point ``code`` of a case-folded NFKC text counts: apostrophes and invisible
    format characters are DROPPED ("don't" is one word); punctuation, symbols, spaces and
    controls are SEPARATORs; kana and Han ideographs (scripts written without spaces, where a
    character is the nearest thing to a word) each stand ALONE; the rest are LETTERs."""
    category = unicodedata.category(chr(code))
    if code in _APOSTROPHES or category == "Cf":
        return DROPPED
    if category[0] in "PSZ" or category in ("Cc", "Cs"):
        return SEPARATOR
    if (
        0x3040 <= code <= 0x30FF
        or 0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3FFFF
    ) and category[0] == "L":
        return ALONE
    return LETTER


def normalised(text: str) -> str:
    """``text`` with compatibility forms unified (NFKC: full-width letters, ligatures) and case
    folded: the form whose characters :func:`character_class` sorts."""
    return unicodedata.normalize("NFKC", text).casefold()


def words(text: str) -> list[str]:
    """The normalised words of ``text``, one character at a time (the definition that the
    vectorised hashing below follows; tests hold them together)."""
    found: list[str] = []
    current: list[str] = []
    for character in normalised(text):
        kind = character_class(ord(character))
        if kind == DROPPED:
            continue
        if kind == LETTER:
            current.append(character)
            continue
        if current:
            found.append("".join(current))
            current = []
        if kind == ALONE:
            found.append(character)
    if current:
        found.append("".join(current))
    return found


# character_class of the code points below U+10000, filled a block of 256 at a time as texts
# bring them (a Latin text needs two or three blocks; all 256 would take a third of a second).
_BASIC_CLASSES = np.zeros(0x10000, dtype=np.uint8)
_BASIC_BLOCKS_READY = np.zeros(0x100, dtype=bool)
_BASIC_LOCK = threading.Lock()


def _classes(codes: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint8]:
    classes = np.empty(codes.size, dtype=np.uint8)
    basic = codes < 0x10000
    basic_codes = codes[basic] if not basic.all() else codes
    blocks = np.flatnonzero(np.bincount(basic_codes >> 8, minlength=0x100))
    missing = blocks[~_BASIC_BLOCKS_READY[blocks]]
    if missing.size:
        with _BASIC_LOCK:
            for block in missing.tolist():
                start = block << 8
                _BASIC_CLASSES[start : start + 0x100] = [
                    character_class(code) for code in range(start, start + 0x100)
                ]
                _BASIC_BLOCKS_READY[block] = True
    classes[basic] = _BASIC_CLASSES[basic_codes]
    if not basic.all():  # emoji, rare scripts, Han extensions: few distinct ones, asked one by one
        distinct, inverse = np.unique(codes[~basic], return_inverse=True)
        table = np.array([character_class(int(code)) for code in distinct], dtype=np.uint8)
        classes[~basic] = table[inverse]
    return classes


# A word of code points c_0 … c_m-1 hashes to mix(c_0·P^0 + … + c_m-1·P^(m-1) + m·Q) modulo
# 2**64 (exponents modulo 4096, for the rare token longer than that).
_P, _Q = odd_constants(0x574F5244, 2)
_POWER_SPAN = 4096
_POWERS = np.ones(_POWER_SPAN, dtype=np.uint64)
_POWERS[1:] = np.cumprod(np.full(_POWER_SPAN - 1, _P, dtype=np.uint64), dtype=np.uint64)
#: Code points hashed in one go: bounds the working arrays (about 50 bytes per code point).
CHUNK_CODE_POINTS = 1 << 20


def word_hash(word: str) -> int:
    """The 64-bit hash of one normalised word, in plain Python (for tests and as the
    definition: :func:`_chunk_word_hashes` computes the same for many words at once)."""
    total = len(word) * _Q
    for position, character in enumerate(word):
        total += ord(character) * int(_POWERS[position % _POWER_SPAN])
    return int(mix(np.array([total & MASK64], dtype=np.uint64))[0])


def _chunk_word_hashes(text: str, owners: I64) -> tuple[U64, I64]:
    """The hashes of the words of a normalised ``text`` and, for each, the entry of ``owners``
    (one per code point: which text it belongs to) at its first character. A word never runs
    from one owner into the next."""
    # surrogatepass: a lone surrogate (from a file decoded leniently) is a separator, not a crash
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    classes = _classes(codes)
    kept = classes != DROPPED
    if not kept.all():
        codes, classes, owners = codes[kept], classes[kept], owners[kept]
    in_word = classes != SEPARATOR
    begins = in_word.copy()
    # A word begins at a word character after a separator, a character standing alone, or the
    # first character of another text.
    begins[1:] &= ~in_word[:-1] | (classes[1:] == ALONE) | (classes[:-1] == ALONE)
    begins[1:] |= in_word[1:] & (owners[1:] != owners[:-1])
    starts = np.flatnonzero(begins)
    if starts.size == 0:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
    position = np.cumsum(in_word) - 1  # each character's place among the word characters
    first = position[starts]
    letters = codes[in_word].astype(np.uint64)
    lengths = np.diff(np.append(first, letters.size))
    offset = np.arange(letters.size) - np.repeat(first, lengths)
    sums = np.add.reduceat(letters * _POWERS[offset & (_POWER_SPAN - 1)], first)
    return mix(sums + lengths.astype(np.uint64) * np.uint64(_Q)), owners[starts]


def _word_hashes(texts: Sequence[str]) -> tuple[U64, I64]:
    """The hashes of the words of ``texts`` in order, with the index of the text of each."""
    hashes: list[U64] = []
    owners: list[I64] = []
    pieces: list[str] = []
    piece_owners: list[int] = []
    size = 0

    def flush() -> None:
        nonlocal size
        if pieces:
            owner = np.repeat(
                np.array(piece_owners, dtype=np.int64),
                np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces)),
            )
            found, found_owners = _chunk_word_hashes("".join(pieces), owner)
            hashes.append(found)
            owners.append(found_owners)
        pieces.clear()
        piece_owners.clear()
        size = 0

    for index, text in enumerate(texts):
        form = normalised(text)
        while form:
            # A long text goes in parts cut after a space (a word cut apart only when a
            # whole part holds no space): bounded memory whatever its length.
            room = CHUNK_CODE_POINTS - size
            if len(form) <= room:
                part, form = form, ""
            else:
                cut = form.rfind(" ", 0, room) + 1
                if cut == 0:
                    if size:  # no space within the room left: start the next chunk
                        flush()
                        continue
                    cut = room
                part, form = form[:cut], form[cut:]
            pieces.append(part)
            piece_owners.append(index)
            size += len(part)
            if size >= CHUNK_CODE_POINTS:
                flush()
    flush()
    if not hashes:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
    return np.concatenate(hashes), np.concatenate(owners)


# -- shingles --------------------------------------------------------------------------------

_SHINGLE_MULTIPLIERS = [np.uint64(c) for c in odd_constants(0x5348494E474C45, SHINGLE_WORDS + 1)]
# What a shingle's sum starts from: its width (five, or fewer for a short text's one shingle)
# times the last multiplier, in Python integers (NumPy warns when a product of scalars wraps).
_WIDTH_TAGS = [
    np.uint64((width * int(_SHINGLE_MULTIPLIERS[-1])) & MASK64)
    for width in range(SHINGLE_WORDS + 1)
]


def _combine(values: U64, width: int) -> U64:
    """The hash of each run of ``width`` consecutive word hashes in ``values``."""
    length = values.size - width + 1
    combined = np.full(length, _WIDTH_TAGS[width], dtype=np.uint64)
    for position in range(width):
        combined += values[position : position + length] * _SHINGLE_MULTIPLIERS[position]
    return mix(combined)


@dataclass(frozen=True)
class ShingleSets:
    """The shingle sets of a batch of texts, flat: ``hashes[starts[i]:starts[i + 1]]`` are the
    distinct shingle hashes of text ``i``, sorted."""

    hashes: U64
    starts: I64

    def __len__(self) -> int:
        return self.starts.size - 1

    def __getitem__(self, index: int) -> U64:
        return self.hashes[self.starts[index] : self.starts[index + 1]]

    @property
    def owners(self) -> I64:
        """The index of the text of each hash."""
        return np.repeat(np.arange(len(self), dtype=np.int64), np.diff(self.starts))

    def sizes(self) -> I64:
        """How many distinct shingles each text has (0: a text without words)."""
        return np.diff(self.starts)


#: Texts are fingerprinted in groups of about this many characters: the word hashes and
#: shingles of a group take some 30 bytes a character, so a batch of 200 MB of text (an
#: article sheet) would otherwise hold gigabytes of them at once. Only the sets are kept.
GROUP_CHARACTERS = 4 * CHUNK_CODE_POINTS


def shingle_sets(texts: Sequence[str]) -> ShingleSets:
    """The shingle sets of ``texts``."""
    groups: list[ShingleSets] = []
    start, size = 0, 0
    for end, text in enumerate(texts, start=1):
        size += len(text)
        if size >= GROUP_CHARACTERS or end == len(texts):
            groups.append(_group_sets(texts[start:end]))
            start, size = end, 0
    if len(groups) == 1:
        return groups[0]
    if not groups:
        return _group_sets(texts)
    offsets = np.cumsum([0] + [group.hashes.size for group in groups[:-1]])
    starts = np.concatenate(
        [groups[0].starts[:1]]
        + [group.starts[1:] + offset for group, offset in zip(groups, offsets, strict=True)]
    ).astype(np.int64)
    # Copied into place a group at a time, each let go once copied: concatenated, every
    # group's hashes were held twice at once (100 MB more for 100,000 texts).
    hashes = np.empty(int(starts[-1]), dtype=np.uint64)
    groups.reverse()
    at = 0
    while groups:
        group = groups.pop().hashes
        hashes[at : at + group.size] = group
        at += group.size
    return ShingleSets(hashes, starts)


def _group_sets(texts: Sequence[str]) -> ShingleSets:
    values, owners = _word_hashes(texts)
    count = len(texts)
    first = np.searchsorted(owners, np.arange(count + 1)).astype(np.int64)  # each text's words
    combined = _combine(values, SHINGLE_WORDS) if values.size >= SHINGLE_WORDS else values[:0]
    sets: list[U64] = []
    for index in range(count):
        begin, end = int(first[index]), int(first[index + 1])
        if end - begin >= SHINGLE_WORDS:
            sets.append(np.unique(combined[begin : end - SHINGLE_WORDS + 1]))
        elif end > begin:
            sets.append(_combine(values[begin:end], end - begin))
        else:
            sets.append(values[:0])
    sizes = np.fromiter(map(len, sets), dtype=np.int64, count=count)
    starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    hashes = np.concatenate(sets) if sets else np.empty(0, dtype=np.uint64)
    return ShingleSets(hashes, starts)


def shingle_set(text: str) -> U64:
    """The sorted, distinct hashes of the word shingles of ``text``."""
    return shingle_sets([text])[0]


def exact_jaccard(first: U64, second: U64) -> float:
    """The Jaccard index of two shingle sets (as :func:`shingle_set` gives them); two empty
    sets are not alike (0.0): texts without words are left to the exact-duplicate check."""
    if first.size == 0 or second.size == 0:
        return 0.0
    common = np.intersect1d(first, second, assume_unique=True).size
    return common / (first.size + second.size - common)
