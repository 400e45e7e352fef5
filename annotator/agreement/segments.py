"""Segment matching, as MAXQDA's segment-level check does it: a coded segment agrees when the
other coder gave the same code to a segment overlapping it by at least a share of their joint
extent (intersection over union, 90 % by default)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

THRESHOLD = 0.9
IntArray = NDArray[np.int64]

Span = tuple[int, int]


def overlap(first: Span, second: Span) -> float:
    """|first ∩ second| / |first ∪ second| (0 when they do not meet)."""
    meet = min(first[1], second[1]) - max(first[0], second[0])
    if meet <= 0:
        return 0.0
    return meet / (max(first[1], second[1]) - min(first[0], second[0]))


def matched(first: Sequence[Span], second: Sequence[Span], threshold: float) -> list[bool]:
    """For each span of ``first``: whether ``second`` has a span overlapping it enough."""
    a = np.asarray(first, dtype=np.int64).reshape(-1, 2)
    b = np.asarray(second, dtype=np.int64).reshape(-1, 2)
    found: list[bool] = matched_spans(a[:, 0], a[:, 1], b[:, 0], b[:, 1], threshold).tolist()
    return found


def matched_spans(
    begins: IntArray, ends: IntArray, other_begins: IntArray, other_ends: IntArray, threshold: float
) -> NDArray[np.bool_]:
    """:func:`matched` for many spans at once (positions on one continuum).

    A match needs intersection ≥ threshold × union, so the other span is at most
    ``length / threshold`` long and starts no earlier than that before this one: only the
    other coder's spans starting in that window are compared.
    """
    found = np.zeros(len(begins), dtype=bool)
    if not len(begins) or not len(other_begins):
        return found
    order = np.argsort(other_begins, kind="stable")
    starts, finishes = other_begins[order], other_ends[order]
    reach = np.floor((ends - begins) / threshold).astype(np.int64)
    low = np.searchsorted(starts, begins - reach, side="left")
    high = np.searchsorted(starts, ends, side="left")
    counts = np.maximum(high - low, 0)
    total = int(counts.sum())
    if not total:
        return found
    g = np.repeat(np.arange(len(begins)), counts)
    h = np.repeat(low, counts) + np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    meet = np.minimum(ends[g], finishes[h]) - np.maximum(begins[g], starts[h])
    union = np.maximum(ends[g], finishes[h]) - np.minimum(begins[g], starts[h])
    good = (meet > 0) & (meet >= threshold * union - 1e-9)
    found[g[good]] = True
    return found


@dataclass(frozen=True)
class Difference:
    """Where two coders' segments of one code in one article do not match: the spans of each
    that overlap one another (either side may be empty), as one thing to resolve."""

    first: tuple[Span, ...]
    second: tuple[Span, ...]

    @property
    def extent(self) -> Span:
        spans = self.first + self.second
        return min(s[0] for s in spans), max(s[1] for s in spans)

    @property
    def kind(self) -> str:
        if not self.second:
            return "only first"
        if not self.first:
            return "only second"
        return "boundaries differ"


def differences(
    first: Sequence[Span], second: Sequence[Span], threshold: float = THRESHOLD
) -> list[Difference]:
    """The unmatched segments of both coders, grouped: segments that overlap each other (or
    overlap through a chain) form one difference, in text order."""
    left = [s for s, ok in zip(first, matched(first, second, threshold), strict=True) if not ok]
    right = [s for s, ok in zip(second, matched(second, first, threshold), strict=True) if not ok]
    tagged = sorted([(s, 0) for s in left] + [(s, 1) for s in right])
    groups: list[tuple[list[Span], list[Span]]] = []
    reach = 0  # where the current group's spans end
    for span, side in tagged:
        if not groups or span[0] >= reach:
            groups.append(([], []))
            reach = span[1]
        else:
            reach = max(reach, span[1])
        groups[-1][side].append(span)
    return [Difference(tuple(a), tuple(b)) for a, b in groups]
