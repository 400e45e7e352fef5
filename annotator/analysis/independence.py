"""Pearson's χ² test of independence for a code × group table, with Cramér's V.

No continuity (Yates) correction, also for a 2 × 2 table: the figures equal
``scipy.stats.chi2_contingency(table, correction=False)``. scipy is not a runtime dependency,
so the p value comes from the regularised upper incomplete gamma function computed here
(series below ``a + 1``, Lentz's continued fraction above, as in the standard references).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

#: Below this expected count the χ² approximation is doubtful (Cochran's rule).
SMALL_EXPECTED = 5.0


@dataclass(frozen=True)
class Independence:
    """The test's figures. ``rows``/``columns`` are the table's size after rows and columns
    with no counts are left out (they carry no information and would divide by zero);
    ``small_expected`` counts the cells whose expected count is below 5, and ``warning``
    says so in words ("" when none are)."""

    chi2: float
    df: int
    p: float
    cramers_v: float
    n: int
    rows: int
    columns: int
    small_expected: int
    cells: int
    warning: str


def chi_square(table: Sequence[Sequence[int]] | NDArray[np.int64]) -> Independence | None:
    """The test for a table of counts, or ``None`` when it is undefined (fewer than two rows
    or two columns with counts after empty ones are left out). Counted with whole arrays: a
    table of 2,000 codes by 500 groups is a million cells."""
    counts = np.asarray(table, dtype=np.int64)
    if counts.ndim != 2 or not counts.size:
        return None
    counts = counts[counts.sum(1) > 0]
    counts = counts[:, counts.sum(0) > 0]
    if counts.shape[0] < 2 or counts.shape[1] < 2:
        return None
    row_totals = counts.sum(1).astype(np.float64)
    column_totals = counts.sum(0).astype(np.float64)
    n = int(counts.sum())
    expected = row_totals[:, None] * column_totals[None, :] / n
    chi2 = float((((counts - expected) ** 2) / expected).sum())
    small = int((expected < SMALL_EXPECTED).sum())
    height, width = counts.shape
    df = (height - 1) * (width - 1)
    cells = height * width
    warning = ""
    if small:
        warning = (
            f"{small} of {cells} cells ({100 * small / cells:.0f}%) have an expected count "
            "below 5: the χ² p value is not reliable"
        )
    return Independence(
        chi2=chi2,
        df=df,
        p=chi2_survival(chi2, df),
        cramers_v=math.sqrt(chi2 / (n * (min(height, width) - 1))),
        n=n,
        rows=height,
        columns=width,
        small_expected=small,
        cells=cells,
        warning=warning,
    )


def chi2_survival(x: float, df: int) -> float:
    """P(X ≥ x) for X ~ χ²(df): the regularised upper incomplete gamma Q(df/2, x/2)."""
    if x <= 0:
        return 1.0
    return upper_gamma_regularised(df / 2, x / 2)


_EPSILON = 1e-15
_MAX_TERMS = 10_000
_TINY = 1e-300


def upper_gamma_regularised(a: float, x: float) -> float:
    """Q(a, x) = Γ(a, x) / Γ(a) for a > 0, x ≥ 0."""
    if x <= 0:
        return 1.0
    # log of x^a e^-x / Γ(a), the factor both expansions share.
    log_prefix = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1:
        # P(a, x) by its power series; Q = 1 - P.
        term = total = 1.0 / a
        denominator = a
        for _ in range(_MAX_TERMS):
            denominator += 1
            term *= x / denominator
            total += term
            if abs(term) < abs(total) * _EPSILON:
                break
        return max(0.0, 1.0 - total * math.exp(log_prefix))
    # Q(a, x) by its continued fraction (modified Lentz).
    b = x + 1 - a
    c = 1 / _TINY
    d = 1 / b
    fraction = d
    for i in range(1, _MAX_TERMS):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = _TINY if abs(d) < _TINY else d
        c = b + an / c
        c = _TINY if abs(c) < _TINY else c
        d = 1 / d
        step = d * c
        fraction *= step
        if abs(step - 1) < _EPSILON:
            break
    return min(1.0, math.exp(log_prefix) * fraction)
