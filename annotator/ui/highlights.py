"""Which codings cover which part of the text, for painting only what is on screen.

Spans are kept sorted by start, in UTF-16 units (the reader's unit), so that the codings
overlapping any visible range are found with a binary search. Nothing here draws or touches Qt
widgets; it computes colours and stripes lanes for the reader to paint.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from typing import NamedTuple


class Span(NamedTuple):
    """One visible coding, in UTF-16 units of the reader's text.

    A NamedTuple, not a dataclass: tens of thousands are made and sorted per article, and
    tuples are built and compared in C.
    """

    start: int
    end: int
    coding_id: int
    code_id: int
    coder_id: int


def blend(colors: Iterable[str]) -> str:
    """The average of ``#RRGGBB`` colours: overlapping pastels stay pastel (legible)."""
    values = list(colors)
    channels = [round(sum(int(c[i : i + 2], 16) for c in values) / len(values)) for i in (1, 3, 5)]
    return "#" + "".join(f"{v:02X}" for v in channels)


SpanRow = tuple[int, int, int, int, int]  # a Span's fields, as SQLite returns them


class SpanIndex:
    """Spans sorted by start, with the longest span's length bounding every search.

    Entries are kept as the plain tuples the database returns (building ten thousand objects
    would cost more than the rest of opening an article); queries hand back :class:`Span`s.
    """

    def __init__(self, spans: Iterable[SpanRow] = ()) -> None:
        self._spans: list[SpanRow] = sorted(spans)  # already in order: a linear check
        self._starts = [span[0] for span in self._spans]
        self._longest = max((span[1] - span[0] for span in self._spans), default=0)

    def __len__(self) -> int:
        return len(self._spans)

    def rows(self) -> set[SpanRow]:
        """Every span as its plain tuple (to tell what changed between two readings)."""
        return set(self._spans)

    def overlapping(self, start: int, end: int) -> list[Span]:
        """Spans that overlap ``[start, end)``."""
        first = bisect_left(self._starts, start - self._longest)
        last = bisect_left(self._starts, end)
        return [Span._make(s) for s in self._spans[first:last] if s[1] > start]

    def at(self, position: int) -> list[Span]:
        """Spans covering the character at ``position``."""
        return self.overlapping(position, position + 1)


def segments(spans: list[Span], start: int, end: int) -> list[tuple[int, int, frozenset[int]]]:
    """Cut ``[start, end)`` into pieces covered by one unchanging set of codes.

    Returns ``(piece start, piece end, code ids)`` for the covered pieces only. One sweep over
    the spans' edges, counting how many spans of each code are open at each point.
    """
    events: list[tuple[int, int, int]] = []  # (position, +1 opens / -1 closes, code id)
    for span in spans:
        a, b = max(span.start, start), min(span.end, end)
        if a < b:
            events.append((a, 1, span.code_id))
            events.append((b, -1, span.code_id))
    events.sort()
    pieces: list[tuple[int, int, frozenset[int]]] = []
    open_codes: dict[int, int] = {}
    position = start
    for point, step, code in events:
        if point > position and open_codes:
            pieces.append((position, point, frozenset(open_codes)))
        position = point
        count = open_codes.get(code, 0) + step
        if count:
            open_codes[code] = count
        else:
            open_codes.pop(code, None)
    return pieces
