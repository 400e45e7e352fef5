"""Which codings cover which part of the text, for painting only what is on screen.

Spans are kept sorted by start, in UTF-16 units (the reader's unit), so that the codings
overlapping any visible range are found with a binary search. Nothing here draws or touches Qt
widgets; it computes colours and stripes lanes for the reader to paint.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """One visible coding, in UTF-16 units of the reader's text."""

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


class SpanIndex:
    """Spans sorted by start, with the longest span's length bounding every search."""

    def __init__(self, spans: Iterable[Span] = ()) -> None:
        self._spans = sorted(spans)
        self._starts = [span.start for span in self._spans]
        self._longest = max((s.end - s.start for s in self._spans), default=0)

    def __len__(self) -> int:
        return len(self._spans)

    def add(self, span: Span) -> None:
        index = bisect_left(self._spans, span)
        self._spans.insert(index, span)
        self._starts.insert(index, span.start)
        self._longest = max(self._longest, span.end - span.start)

    def remove(self, coding_id: int) -> None:
        for index, span in enumerate(self._spans):
            if span.coding_id == coding_id:
                del self._spans[index]
                del self._starts[index]
                return

    def overlapping(self, start: int, end: int) -> list[Span]:
        """Spans that overlap ``[start, end)``."""
        first = bisect_left(self._starts, start - self._longest)
        last = bisect_left(self._starts, end)
        return [s for s in self._spans[first:last] if s.end > start]

    def at(self, position: int) -> list[Span]:
        """Spans covering the character at ``position``."""
        return self.overlapping(position, position + 1)


def segments(spans: list[Span], start: int, end: int) -> list[tuple[int, int, frozenset[int]]]:
    """Cut ``[start, end)`` into pieces covered by one unchanging set of codes.

    Returns ``(piece start, piece end, code ids)`` for the covered pieces only.
    """
    edges = {start, end}
    for span in spans:
        edges.add(min(max(span.start, start), end))
        edges.add(min(max(span.end, start), end))
    ordered = sorted(edges)
    pieces = []
    for a, b in itertools.pairwise(ordered):
        codes = frozenset(s.code_id for s in spans if s.start <= a and s.end >= b)
        if codes:
            pieces.append((a, b, codes))
    return pieces
