"""Segment matching, as MAXQDA's segment-level check does it: a coded segment agrees when the
other coder gave the same code to a segment overlapping it by at least a share of their joint
extent (intersection over union, 90 % by default)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

THRESHOLD = 0.9

Span = tuple[int, int]


def overlap(first: Span, second: Span) -> float:
    """|first ∩ second| / |first ∪ second| (0 when they do not meet)."""
    meet = min(first[1], second[1]) - max(first[0], second[0])
    if meet <= 0:
        return 0.0
    return meet / (max(first[1], second[1]) - min(first[0], second[0]))


def matched(first: Sequence[Span], second: Sequence[Span], threshold: float) -> list[bool]:
    """For each span of ``first``: whether ``second`` has a span overlapping it enough."""
    return [any(overlap(span, other) >= threshold for other in second) for span in first]


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
