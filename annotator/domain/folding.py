"""Text as find compares it: NFC-normalised and case-folded, with the way back to the stored
code points.

An article may hold "café" with a combining accent (e + U+0301, as text from macOS or a PDF
has it) while every keyboard types the one code point é; case-insensitive search also wants
"STRASSE" to find "Straße". Both change lengths, so a match in the folded copy is mapped back
to the span of whole grapheme clusters it came from: a match never cuts an accent, an emoji's
skin tone or a Hangul syllable off its letter.

Search (``services/search.py``) folds the same way and, unless asked to match them, also drops
the accents of Latin letters (``ignore_accents``: "Müller" finds "Muller", "İstanbul"
"istanbul"), as SQLite's full-text index does; accents of other scripts are letters there
(Greek tonos, Devanagari signs), so they are kept.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

import regex

_CLUSTER = regex.compile(r"\X")
# Code points that join a neighbour into one grapheme cluster: combining marks and other
# extenders, zero-width joiners, prepended and spacing marks, Hangul jamo, flag halves, CR.
# Around them the text is folded cluster by cluster; everywhere else each code point is a
# cluster of its own, and a stretch folds in one call.
_JOINING = regex.compile(
    r"[\p{GCB=Extend}\p{GCB=ZWJ}\p{GCB=SpacingMark}\p{GCB=Prepend}\p{GCB=L}\p{GCB=V}"
    r"\p{GCB=T}\p{GCB=Regional_Indicator}\p{GCB=CR}]+"
)


# A combining accent (U+0300–U+036F) on a Latin letter, once decomposed (NFD).
_LATIN_ACCENT = regex.compile(r"(?<=\p{Latin}\p{M}*)[\u0300-\u036f]")


def fold(text: str, *, match_case: bool = False, ignore_accents: bool = False) -> str:
    """``text`` as find compares it: NFC, and case-folded unless ``match_case``;
    ``ignore_accents``: without the combining accents of Latin letters too."""
    text = unicodedata.normalize("NFC", text)
    if not match_case:
        text = unicodedata.normalize("NFC", text.casefold())
    if ignore_accents and not text.isascii():
        decomposed = unicodedata.normalize("NFD", text)
        text = unicodedata.normalize("NFC", _LATIN_ACCENT.sub("", decomposed))
    return text


@dataclass(frozen=True)
class FoldedText:
    """The folded copy of a text and, per segment, where it starts in the copy and in the
    text; a linear segment maps code point to code point, any other is one cluster."""

    folded: str
    length: int  # of the original text
    fold_starts: list[int]
    text_starts: list[int]
    linear: list[bool]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The text's span (whole clusters) of the folded copy's ``[start, end)``."""
        first = bisect_right(self.fold_starts, start) - 1
        if self.linear[first]:
            low = self.text_starts[first] + start - self.fold_starts[first]
        else:
            low = self.text_starts[first]
        last = bisect_right(self.fold_starts, end - 1) - 1
        if self.linear[last]:
            high = self.text_starts[last] + end - self.fold_starts[last]
        else:
            high = self.text_starts[last + 1] if last + 1 < len(self.text_starts) else self.length
        return low, high

    def _cuts_cluster(self, position: int) -> bool:
        """Whether ``position`` of the folded copy falls inside a cluster of more than one
        stored code point (a ß or a ligature, one code point, may still match in part)."""
        if position >= len(self.folded):
            return False
        segment = bisect_right(self.fold_starts, position) - 1
        if segment < 0 or self.linear[segment] or self.fold_starts[segment] == position:
            return False
        following = segment + 1
        text_end = self.text_starts[following] if following < len(self.text_starts) else self.length
        return text_end - self.text_starts[segment] > 1

    def find_all(
        self, query: str, *, match_case: bool = False, ignore_accents: bool = False
    ) -> list[tuple[int, int]]:
        """Every non-overlapping match of ``query`` (folded the same way), as text spans."""
        needle = fold(query, match_case=match_case, ignore_accents=ignore_accents)
        spans: list[tuple[int, int]] = []
        if not needle:
            return spans
        if len(self.linear) == 1 and self.linear[0]:  # folding changed no length
            return [(m, m + len(needle)) for m in _positions(self.folded, needle)]
        # Matches come in order: walk the segments along with them rather than search each.
        starts, text_starts, linear = self.fold_starts, self.text_starts, self.linear
        count, size, segment = len(starts), len(needle), 0
        for position in _positions(self.folded, needle):
            while segment + 1 < count and starts[segment + 1] <= position:
                segment += 1
            end = position + size
            if linear[segment] and (segment + 1 == count or end <= starts[segment + 1]):
                low = text_starts[segment] + position - starts[segment]
                span = (low, low + size)
            else:
                if self._cuts_cluster(position) or self._cuts_cluster(end):
                    continue  # part of an emoji sequence or of two flags is no match
                span = self.span(position, end)
            if not spans or span[0] >= spans[-1][1]:  # two matches inside one ß are one
                spans.append(span)
        return spans


def _positions(haystack: str, needle: str) -> list[int]:
    found = []
    position = haystack.find(needle)
    while position >= 0:
        found.append(position)
        position = haystack.find(needle, position + len(needle))
    return found


@lru_cache(maxsize=4)  # find folds the open article once, not at every key typed
def folded_text(text: str, *, match_case: bool = False, ignore_accents: bool = False) -> FoldedText:
    """The :class:`FoldedText` of ``text``."""
    options = {"match_case": match_case, "ignore_accents": ignore_accents}
    pieces: list[str] = []
    fold_starts: list[int] = []
    text_starts: list[int] = []
    linear: list[bool] = []
    size = 0

    def add(piece: str, text_start: int, is_linear: bool) -> None:
        nonlocal size
        pieces.append(piece)
        fold_starts.append(size)
        text_starts.append(text_start)
        linear.append(is_linear)
        size += len(piece)

    def add_clusters(start: int, end: int) -> None:
        for match in _CLUSTER.finditer(text, start, end):
            add(fold(match.group(), **options), match.start(), False)

    def add_stretch(start: int, end: int) -> None:
        piece = fold(text[start:end], **options)
        if len(piece) == end - start:
            add(piece, start, True)
        elif end - start == 1:
            add(piece, start, False)
        else:  # somewhere a ß, a ligature, an İ folds to more: halve until found
            middle = (start + end) // 2
            add_stretch(start, middle)
            add_stretch(middle, end)

    done = 0
    window: tuple[int, int] | None = None
    for joining in _JOINING.finditer(text):
        low, high = max(0, joining.start() - 1), min(len(text), joining.end() + 1)
        if window is not None and low <= window[1]:  # overlapping windows are one: a family
            window = (window[0], max(window[1], high))  # emoji is one cluster, not two halves
            continue
        if window is not None:
            add_clusters(*window)
            done = window[1]
        if low > done:
            add_stretch(done, low)
        window = (low, high)
    if window is not None:
        add_clusters(*window)
        done = window[1]
    if done < len(text):
        add_stretch(done, len(text))
    return FoldedText("".join(pieces), len(text), fold_starts, text_starts, linear)


def find_all(
    text: str, query: str, *, match_case: bool = False, ignore_accents: bool = False
) -> list[tuple[int, int]]:
    """Every non-overlapping match of ``query`` in ``text`` as code-point spans of whole
    grapheme clusters, comparing NFC-normalised (and, unless ``match_case``, case-folded;
    with ``ignore_accents``, Latin letters without their accents)."""
    if not query or not text:
        return []
    folded = folded_text(text, match_case=match_case, ignore_accents=ignore_accents)
    return folded.find_all(query, match_case=match_case, ignore_accents=ignore_accents)
