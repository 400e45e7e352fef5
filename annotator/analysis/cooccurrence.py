"""Code co-occurrence: how often two codes are applied together by one coder.

- **Within a passage**: two codings by one coder in one article that share at least one
  character (a whole-article coding shares a character with every coding of its article).
  ``count`` is the number of such pairs of codings.
- **Within an article**: ``count`` is the number of (article, coder) pairs holding both
  codes anywhere; ``jaccard`` is that over the pairs holding either (ATLAS.ti's
  c-coefficient), defined when some pair holds either.

Pairs are of two different rows; a coding pairs with no other coding of its own row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import combinations


class Within(StrEnum):
    """Where two codings must meet to co-occur."""

    PASSAGE = "passage"
    ARTICLE = "article"


@dataclass(frozen=True)
class Placed:
    """One coding as co-occurrence needs it: its row, article, coder and span (``None`` for
    a coding of the whole article)."""

    row: str
    article: int
    coder: int
    start: int | None
    end: int | None


@dataclass(frozen=True)
class Pair:
    """Two rows (in the order the rows were given) and how often they co-occur."""

    code_a: str
    code_b: str
    count: int
    jaccard: float | None


@dataclass(frozen=True)
class Cooccurrence:
    """Every pair of different rows, zeros included. ``holding`` counts, per row, the
    (article, coder) pairs holding that row at article level, or its codings at passage level."""

    within: Within
    rows: tuple[str, ...]
    pairs: tuple[Pair, ...]
    holding: dict[str, int]


def cooccurrence(codings: Iterable[Placed], rows: Sequence[str], within: Within) -> Cooccurrence:
    """The co-occurrence of ``rows`` (codings of other rows are ignored)."""
    order = {row: index for index, row in enumerate(dict.fromkeys(rows))}
    by_unit: dict[tuple[int, int], list[Placed]] = {}
    for coding in codings:
        if coding.row in order:
            by_unit.setdefault((coding.article, coding.coder), []).append(coding)
    counts: dict[tuple[int, int], int] = {}
    holding = [0] * len(order)
    for placed in by_unit.values():
        if within is Within.ARTICLE:
            held = sorted({order[p.row] for p in placed})
            for index in held:
                holding[index] += 1
            for key in combinations(held, 2):
                counts[key] = counts.get(key, 0) + 1
        else:
            for p in placed:
                holding[order[p.row]] += 1
            _count_overlaps(placed, order, counts)
    names = list(order)
    pairs = []
    for a, b in combinations(range(len(names)), 2):
        count = counts.get((a, b), 0)
        jaccard = None
        if within is Within.ARTICLE:
            either = holding[a] + holding[b] - count
            jaccard = count / either if either else None
        pairs.append(Pair(names[a], names[b], count, jaccard))
    return Cooccurrence(
        within, tuple(names), tuple(pairs), {n: holding[i] for i, n in enumerate(names)}
    )


def _count_overlaps(
    placed: list[Placed], order: dict[str, int], counts: dict[tuple[int, int], int]
) -> None:
    """Add the overlapping pairs of one coder's codings in one article: whole-article codings
    pair with every other coding; spans by a sweep over their starts."""
    whole = [p for p in placed if p.start is None]
    spans = sorted((p for p in placed if p.start is not None), key=lambda p: p.start or 0)

    def add(x: Placed, y: Placed) -> None:
        a, b = order[x.row], order[y.row]
        if a != b:
            key = (a, b) if a < b else (b, a)
            counts[key] = counts.get(key, 0) + 1

    for index, w in enumerate(whole):
        for other in whole[index + 1 :]:
            add(w, other)
        for span in spans:
            add(w, span)
    open_spans: list[Placed] = []
    for span in spans:
        start = span.start or 0
        open_spans = [o for o in open_spans if (o.end or 0) > start]
        for other in open_spans:
            add(other, span)
        open_spans.append(span)
