"""User-perceived characters (grapheme clusters, Unicode UAX #29) for snapping selections.

A letter written with a combining accent ("e" + U+0301), a Devanagari syllable with its vowel
sign, an emoji with a skin tone or joined by zero-width joiners: each is one character to a
reader but several code points. A selection never cuts one; it takes the whole cluster. The
clusters come from the ``regex`` module's ``\\X`` (extended grapheme clusters).
"""

from __future__ import annotations

import regex

_CLUSTER = regex.compile(r"\X")
#: A code point that makes a cluster part of a word (apostrophes and hyphens inside words).
_WORD = regex.compile(r"[\w'’-]")
#: Scripts written without spaces between words: there a word needs a dictionary, so a
#: selection snaps to whole characters only and never grows into its neighbours.
_UNSPACED = regex.compile(
    r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\p{Tibetan}]"
)


def _run(text: str, position: int) -> tuple[int, int]:
    """The run of non-space text around ``position`` (a character that is not white space)."""
    low = position
    while low > 0 and not text[low - 1].isspace():
        low -= 1
    high = position + 1
    while high < len(text) and not text[high].isspace():
        high += 1
    return low, high


def clusters_around(text: str, position: int) -> list[tuple[int, int]]:
    """The grapheme clusters (as code-point spans) of the run of non-space text holding
    ``position``, which must not be white space. Runs are cut at white space, so no cluster
    returned holds any."""
    low, high = _run(text, position)
    return [(low + m.start(), low + m.end()) for m in _CLUSTER.finditer(text[low:high])]


#: A code point that may belong to one cluster with the code point before or after it (marks,
#: joiners, Hangul jamo, flag halves, CR, prepended marks). Between two code points that are
#: neither, a cluster always ends, whatever comes before (UAX #29: only those rules look back).
_JOINING = regex.compile(
    r"[\p{GCB=Extend}\p{GCB=ZWJ}\p{GCB=SpacingMark}\p{GCB=Prepend}\p{GCB=L}\p{GCB=V}"
    r"\p{GCB=T}\p{GCB=Regional_Indicator}\p{GCB=CR}]"
)
#: How far around a position :func:`cluster_at` first looks (a cluster is short: a letter
#: with a few marks, an emoji sequence of a handful of code points).
_REACH = 32


def is_boundary(text: str, position: int) -> bool:
    """Whether a cluster surely ends at ``position`` (neither neighbour joins; False may
    still be a boundary, as between two letters each with its accent)."""
    if position <= 0 or position >= len(text):
        return True
    return _JOINING.search(text, position - 1, position + 1) is None


def cluster_at(text: str, position: int) -> tuple[int, int]:
    """The grapheme cluster holding ``text[position]``, as a code-point span; only a few
    dozen code points around it are read (grows only over a run of joining code points), so
    that snapping thousands of hits in one long text without spaces stays linear."""
    if _JOINING.search(text, max(position - 1, 0), position + 2) is None:
        return position, position + 1  # the common case: a code point on its own
    low = max(position - _REACH, 0)
    while not is_boundary(text, low):
        low -= 1
    high = min(position + 1 + _REACH, len(text))
    while not is_boundary(text, high):
        high += 1
    for match in _CLUSTER.finditer(text, low, high):
        start, end = match.start(), match.end()
        if start <= position < end:
            return int(start), int(end)
    return position, position + 1  # pragma: no cover - every code point is in a cluster


def _joins(cluster: str) -> bool:
    """Whether a cluster is part of a word that grows into its neighbours."""
    return bool(_WORD.search(cluster)) and not _UNSPACED.search(cluster)


def _index(clusters: list[tuple[int, int]], position: int) -> int:
    return next(i for i, (start, end) in enumerate(clusters) if start <= position < end)


def snap_to_clusters_and_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` to whole words, made of whole grapheme clusters, without the
    white space around it. A selection of only white space comes back empty."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        return start, end
    first = clusters_around(text, start)
    joins = [_joins(text[a:b]) for a, b in first]
    i = _index(first, start)
    while i > 0 and joins[i - 1] and joins[i]:
        i -= 1
    last = clusters_around(text, end - 1)
    joins = [_joins(text[a:b]) for a, b in last]
    j = _index(last, end - 1)
    while j + 1 < len(last) and joins[j] and joins[j + 1]:
        j += 1
    return first[i][0], last[j][1]
