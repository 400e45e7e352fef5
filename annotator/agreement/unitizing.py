"""Krippendorff's α_U for unitizing (1995; 2004, pp. 251–256), as DKPro Statistics computes it.

Each coder's units of one category split a continuum of ``length`` characters into units and
gaps. Observed disagreement compares every coder's segments with every other coder's:

- two units that intersect: (b_g − b_h)² + (e_g − e_h)²;
- a unit lying inside the other coder's gap: ℓ_g² (nothing of it was seen);
- anything else: 0;

D_O = 2 Σ_{i<j} Σ δ² / (m (m − 1) L²). Expected disagreement pools every coder's gaps:

D_E = (2/L) Σ_g [(N − 1)(2ℓ_g³ − 3ℓ_g² + ℓ_g)/3 + ℓ_g² Σ_{gaps h, ℓ_h ≥ ℓ_g} (ℓ_h − ℓ_g + 1)]
      / [mL(mL − 1) − Σ_g ℓ_g(ℓ_g − 1)]

with g running over the units of all coders (N of them). α_U = 1 − D_O / D_E; over several
categories, 1 − mean D_O / mean D_E. A coder's overlapping units of one category are merged
first; touching units stay separate. For more than two coders this is the 1995 definition,
which Krippendorff et al. (2016) found to behave unexpectedly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
Spans = Sequence[tuple[int, int]]


@dataclass(frozen=True)
class Unitizing:
    """α_U of one category (or overall), with its two disagreements; ``alpha`` is None when
    no coder marked any unit (``note`` says so)."""

    observed: float
    expected: float
    alpha: float | None
    note: str = ""


def merge_units(spans: Spans | IntArray) -> tuple[IntArray, IntArray]:
    """One coder's spans (pairs, or an array of shape (n, 2)) as non-overlapping units
    ``(begins, ends)``, sorted; overlapping spans are joined, touching ones kept apart."""
    array = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
    if not len(array):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    array = array[np.lexsort((array[:, 1], array[:, 0]))]
    begins, ends = array[:, 0], array[:, 1]
    reach = np.maximum.accumulate(ends)
    # A span starts a new unit unless it begins before everything so far has ended.
    starts = np.ones(len(begins), dtype=bool)
    starts[1:] = begins[1:] >= reach[:-1]
    first = np.flatnonzero(starts)
    merged: IntArray = np.maximum.reduceat(ends, first)
    return begins[first], merged


def pair_terms(
    first: tuple[IntArray, IntArray], second: tuple[IntArray, IntArray]
) -> tuple[FloatArray, FloatArray]:
    """Σ δ² over one pair of coders' segments, as the share of each unit: a pair of
    intersecting units is the first coder's unit's, a unit inside the other coder's gap its
    own. Summed, it is the pair's observed disagreement (each pair of segments once)."""
    (b1, e1), (b2, e2) = first, second
    mine = np.zeros(len(b1))
    theirs = np.zeros(len(b2))
    # Units of the second coder that intersect each unit of the first: a contiguous run,
    # as both coders' units are sorted and do not overlap.
    low = np.searchsorted(e2, b1, side="right")
    high = np.searchsorted(b2, e1, side="left")
    counts = np.maximum(high - low, 0)
    met = np.zeros(len(b2), dtype=np.int64)
    if counts.sum():
        g = np.repeat(np.arange(len(b1)), counts)
        offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        h = np.repeat(low, counts) + offsets
        np.add.at(mine, g, ((b1[g] - b2[h]) ** 2 + (e1[g] - e2[h]) ** 2).astype(np.float64))
        np.add.at(met, h, 1)
    # A unit intersecting none of the other coder's units lies inside one of their gaps.
    alone = counts == 0
    mine[alone] += ((e1 - b1)[alone] ** 2).astype(np.float64)
    theirs[met == 0] += ((e2 - b2)[met == 0] ** 2).astype(np.float64)
    return mine, theirs


def _pair_disagreement(
    first: tuple[IntArray, IntArray], second: tuple[IntArray, IntArray]
) -> float:
    """Σ δ² over one pair of coders' segments (each pair of segments counted once)."""
    mine, theirs = pair_terms(first, second)
    return float(mine.sum() + theirs.sum())


def gaps_of(begins: IntArray, ends: IntArray, length: int) -> tuple[IntArray, IntArray]:
    """Where the stretches between one coder's units begin, and how long they are
    (zero-length ones left out)."""
    edges_start = np.concatenate([[0], ends]).astype(np.int64)
    edges_end = np.concatenate([begins, [length]]).astype(np.int64)
    lengths = edges_end - edges_start
    positive = lengths > 0
    return edges_start[positive], lengths[positive]


def disagreements(units: Sequence[tuple[IntArray, IntArray]], length: int) -> tuple[float, float]:
    """``(D_O, D_E)`` of one category: ``units[i]`` are coder i's merged units."""
    m = len(units)
    if m < 2 or length <= 0:
        raise ValueError("α_U needs two or more coders and a continuum")
    observed = sum(
        _pair_disagreement(units[i], units[j]) for i in range(m) for j in range(i + 1, m)
    )
    observed = 2 * observed / (m * (m - 1) * float(length) ** 2)
    lengths = np.concatenate([e - b for b, e in units]).astype(np.float64)
    if not len(lengths):
        return observed, 0.0
    gaps = np.sort(np.concatenate([gaps_of(b, e, length)[1] for b, e in units]))
    gaps = gaps.astype(np.float64)
    # Σ over gaps at least as long as each unit of (ℓ_h − ℓ_g + 1), from suffix sums.
    position = np.searchsorted(gaps, lengths, side="left")
    suffix = np.concatenate([np.cumsum(gaps[::-1])[::-1], [0.0]])
    longer = len(gaps) - position
    gap_terms = suffix[position] - (lengths - 1) * longer
    n = len(lengths)
    numerator = (
        (n - 1) * (2 * lengths**3 - 3 * lengths**2 + lengths) / 3 + lengths**2 * gap_terms
    ).sum()
    denominator = m * length * (m * length - 1) - (lengths * (lengths - 1)).sum()
    expected = 2 / length * numerator / denominator
    return observed, float(expected)


def alpha_u(coders_spans: Sequence[Spans | IntArray], length: int) -> Unitizing:
    """α_U of one category from each coder's spans on a continuum ``[0, length)``."""
    observed, expected = disagreements([merge_units(s) for s in coders_spans], length)
    return alpha_of(observed, expected)


def overall(results: Sequence[Unitizing]) -> Unitizing:
    """Over categories: 1 − mean D_O / mean D_E (DKPro's joint α_U)."""
    if not results:
        return Unitizing(0.0, 0.0, None, "there are no categories")
    observed = float(np.mean([r.observed for r in results]))
    expected = float(np.mean([r.expected for r in results]))
    return alpha_of(observed, expected)


def alpha_of(observed: float, expected: float) -> Unitizing:
    """α_U from the two disagreements (undefined when nothing was marked)."""
    if expected <= 0:
        return Unitizing(observed, expected, None, "no coder marked any unit: α_U is undefined")
    return Unitizing(observed, expected, 1 - observed / expected)
