"""Agreement coefficients for nominal ratings, with missing data and weighted units.

Formulas follow ../shared/docs/agreement.md §2 (and Gwet's handling of missing ratings, as
his irrCAC package does). Each function returns ``(value, note)``: the value is ``None`` when
the coefficient is undefined for these data, and the note says why. Nothing here returns NaN.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import combinations
from typing import Any

import numpy as np
from numpy.typing import NDArray

from annotator.agreement.ratings import Ratings

Value = tuple[float | None, str]
FloatArray = NDArray[np.float64]

# A chance agreement this close to 1 leaves nothing to correct for.
_TINY = 1e-12

NO_PAIRS = "no unit was coded by two or more of the coders"
ONE_VALUE = "every value is the same: there is no variation to agree on"
NOBODY_CODED = "no coder applied the code"
SAME_CATEGORY = (
    "undefined: every coder used one and the same category throughout (chance agreement is 1)"
)


@dataclass(frozen=True)
class Coefficients:
    """Every coefficient of one set of ratings, ``None`` where undefined (see ``notes``)."""

    units: int
    percent_agreement: float | None
    cohen_kappa: float | None
    fleiss_kappa: float | None
    krippendorff_alpha: float | None
    gwet_ac1: float | None
    positive_agreement: float | None
    notes: tuple[str, ...] = field(default=())
    # Light's κ: the pairs whose κ is undefined, leaving it undefined (flat: first, second, …)
    undefined_pairs: tuple[int, ...] = ()


class Tally:
    """Per-unit counts of the units compared — those two or more coders rated — computed
    once. Every coefficient reads only these: a unit one coder rated alone (an article that
    counts for one coder) is compared with nobody, so it moves no figure, chance shares
    included. Made once per set of ratings and handed to every coefficient and to the
    bootstrap (:func:`alpha_statistics_by_group`), which read the same shares and rows."""

    def __init__(self, ratings: Ratings) -> None:
        counts = ratings.counts()
        raters = _across(counts)
        self.pairable = raters >= 2
        self.counts = counts[self.pairable].astype(np.float64)
        self.raters = raters[self.pairable].astype(np.float64)
        self.weights = ratings.weights[self.pairable].astype(np.float64)
        self.units = int(ratings.weights[self.pairable].sum())
        # Chance category shares over the units compared (Gwet's π_k).
        shares = self.counts / self.raters[:, None]
        total = self.weights.sum()
        self.shares: FloatArray = (
            (shares * self.weights[:, None]).sum(axis=0) / total
            if total
            else np.zeros(ratings.categories)
        )

    @cached_property
    def observed(self) -> float:
        """Mean over pairable units of the share of agreeing coder pairs."""
        agreeing = _across(self.counts * (self.counts - 1))  # whole numbers: exact
        per_unit = agreeing / (self.raters * (self.raters - 1))
        return float((per_unit * self.weights).sum() / self.weights.sum())

    @cached_property
    def alpha_rows(self) -> FloatArray:
        """What α is made of, per unit compared: ``[o_cc summed over c, n_0, …, n_{q-1}]``."""
        counts, weights = self.counts, self.weights[:, None]
        pairs = self.raters[:, None] - 1
        terms = counts * (counts - 1) / pairs * weights
        # Two terms add up alike in any order; more are left to numpy's own order.
        within = (_across(terms) if terms.shape[1] <= 2 else terms.sum(axis=1))[:, None]
        rows: FloatArray = np.hstack([within, counts * weights])
        return rows


def _across(table: NDArray[Any]) -> NDArray[Any]:
    """Each row's sum, column by column: many times faster than ``sum(axis=1)`` on the
    narrow tables here, and the same figure when the values are whole numbers (or two)."""
    total = np.zeros(table.shape[0], dtype=table.dtype)
    for column in table.T:
        total += column
    return total


def percent_agreement(ratings: Ratings, tally: Tally | None = None) -> Value:
    """The share of agreeing coder pairs per unit, averaged over units (two coders: the share
    of units on which they agree)."""
    tally = tally or Tally(ratings)
    if not tally.units:
        return None, NO_PAIRS
    return tally.observed, ""


def fleiss_kappa(ratings: Ratings, tally: Tally | None = None) -> Value:
    """Fleiss' κ; for units some coders did not code, Gwet's generalisation (agreement and
    chance from the category shares of the units with two or more values)."""
    tally = tally or Tally(ratings)
    if not tally.units:
        return None, NO_PAIRS
    chance = float((tally.shares**2).sum())
    return _corrected(tally.observed, chance)


def gwet_ac1(ratings: Ratings, tally: Tally | None = None) -> Value:
    """Gwet's AC1: chance agreement Σ π_k (1 − π_k) / (q − 1) over the q possible categories."""
    tally = tally or Tally(ratings)
    if not tally.units:
        return None, NO_PAIRS
    if ratings.categories < 2:
        return None, "AC1 needs two or more possible categories"
    chance = float((tally.shares * (1 - tally.shares)).sum() / (ratings.categories - 1))
    return _corrected(tally.observed, chance)


def krippendorff_alpha(ratings: Ratings, tally: Tally | None = None) -> Value:
    """Krippendorff's α for nominal data; units with fewer than two values drop out."""
    return alpha_from_statistics(alpha_statistics(ratings, tally))


def alpha_statistics(ratings: Ratings, tally: Tally | None = None) -> FloatArray:
    """What α is made of, summed over units: ``[Σ_c o_cc, n_0, …, n_{q-1}]`` — additive over
    units, so that a bootstrap can resample them by summing rows."""
    tally = tally or Tally(ratings)
    return tally.alpha_rows.sum(axis=0) if tally.units else np.zeros(1 + ratings.categories)


def alpha_statistics_by_group(
    ratings: Ratings, tally: Tally | None = None
) -> tuple[NDArray[np.int64], FloatArray]:
    """:func:`alpha_statistics` per group (article): the groups and one row each."""
    tally = tally or Tally(ratings)
    groups = ratings.groups[tally.pairable]
    names, inverse = np.unique(groups, return_inverse=True)
    rows = tally.alpha_rows
    # Column by column, each group's sum adds its units in order (as ``np.add.at`` would).
    sums = np.empty((len(names), rows.shape[1]))
    for column in range(rows.shape[1]):
        sums[:, column] = np.bincount(inverse, weights=rows[:, column], minlength=len(names))
    return names, sums


def alpha_values(statistics: FloatArray) -> tuple[FloatArray, NDArray[np.bool_]]:
    """α = 1 − (n − 1) · (n − Σ o_cc) / (n² − Σ n_c²) for each row of
    :func:`alpha_statistics`, and which rows define it (two values or more, not all one)."""
    agreeing, values = statistics[:, 0], statistics[:, 1:]
    n = values.sum(axis=1)
    expected = n * n - (values**2).sum(axis=1)
    defined = (n >= 2) & (expected > _TINY)
    alpha = np.zeros(len(statistics))
    alpha[defined] = 1 - (n[defined] - 1) * (n[defined] - agreeing[defined]) / expected[defined]
    return alpha, defined


def alpha_from_statistics(statistics: FloatArray) -> Value:
    """α from one row of :func:`alpha_statistics`, or why it is undefined."""
    alpha, defined = alpha_values(statistics[None, :])
    if defined[0]:
        return float(alpha[0]), ""
    values = statistics[1:]
    if values.sum() < 2:
        return None, NO_PAIRS
    return None, ONE_VALUE


def cohen_kappa(ratings: Ratings, coders: Sequence[str] = ()) -> Value:
    """Cohen's κ for two coders; for more, the mean of every pair's κ (Light's κ), undefined
    if any pair's is — the note then names that pair (``coders``: the coders' names, by
    column; numbers otherwise)."""
    value, note, _ = _kappa(ratings, coders)
    return value, note


def _kappa(ratings: Ratings, coders: Sequence[str]) -> tuple[float | None, str, tuple[int, ...]]:
    """:func:`cohen_kappa`, and the pairs whose κ is undefined (flat: first, second, …)."""
    if ratings.coders < 2:
        return None, "κ needs two coders", ()
    if ratings.coders == 2:
        value, note = _cohen_pair(ratings)
        return value, note, ()
    values, undefined, reasons = [], [], []
    for first, second in combinations(range(ratings.coders), 2):
        value, note = _cohen_pair(ratings.pair(first, second))
        if value is None:
            pair = (
                f"{coders[first]} and {coders[second]}"
                if len(coders) == ratings.coders
                else f"coders {first + 1} and {second + 1}"
            )
            undefined += [first, second]
            reasons.append((pair, PAIR_REASONS.get(note, note)))
        else:
            values.append(value)
    if not undefined:
        return float(np.mean(values)), "", ()
    if len({why for _, why in reasons}) == 1:
        pairs = " and of ".join(pair for pair, _ in reasons)
        return None, f"undefined, as the κ of {pairs} is ({reasons[0][1]})", tuple(undefined)
    pairs = " and of ".join(f"{pair} ({why})" for pair, why in reasons)
    return None, f"undefined, as the κ of {pairs} is", tuple(undefined)


def _cohen_pair(ratings: Ratings) -> Value:
    first, second = ratings.values[:, 0], ratings.values[:, 1]
    both = (first >= 0) & (second >= 0)
    q = ratings.categories
    table = np.bincount(
        first[both] * q + second[both], weights=ratings.weights[both], minlength=q * q
    ).reshape(q, q)
    total = table.sum()
    if not total:
        return None, NO_PAIRS
    observed = float(np.trace(table) / total)
    chance = float((table.sum(axis=1) * table.sum(axis=0)).sum() / total**2)
    return _corrected(observed, chance)


def positive_agreement(ratings: Ratings, category: int = 1, tally: Tally | None = None) -> Value:
    """Specific agreement on ``category`` (presence): 2a / (2a + b + c) for two coders;
    for more, agreeing pairs on the category over all pairs involving it."""
    tally = tally or Tally(ratings)
    if not tally.units:
        return None, NO_PAIRS
    given = tally.counts[:, category]
    together = float((given * (given - 1) * tally.weights).sum())
    involved = float((given * (tally.raters - 1) * tally.weights).sum())
    if not involved:
        return None, NOBODY_CODED
    return together / involved, ""


def _corrected(observed: float, chance: float) -> Value:
    if 1 - chance <= _TINY:
        return None, SAME_CATEGORY
    return (observed - chance) / (1 - chance), ""


# Why one pair's κ is undefined, said of the pair (in Light's κ's note).
PAIR_REASONS = {
    NO_PAIRS: "they rated no unit both",
    SAME_CATEGORY: "both used one and the same category throughout: chance agreement is 1",
}


NOT_PRESENCE = "it is specific agreement on one code's presence, and these values are categories"


def coefficients(
    ratings: Ratings, *, binary: bool, coders: Sequence[str] = (), tally: Tally | None = None
) -> Coefficients:
    """Every coefficient at once; positive agreement only for presence/absence ratings.
    ``coders`` (names, by column) name the pair that leaves Light's κ undefined; ``tally``
    is the ratings' :class:`Tally` when the caller made it already."""
    tally = tally or Tally(ratings)
    kappa = "Cohen's κ" if ratings.coders <= 2 else "Light's κ"
    kappa_value, kappa_note, pair = _kappa(ratings, coders)
    results: dict[str, Value] = {
        "percent agreement": percent_agreement(ratings, tally),
        kappa: (kappa_value, kappa_note),
        "Fleiss' κ": fleiss_kappa(ratings, tally),
        "α": krippendorff_alpha(ratings, tally),
        "AC1": gwet_ac1(ratings, tally),
        "positive agreement": positive_agreement(ratings, 1, tally)
        if binary
        else (None, NOT_PRESENCE),
    }
    # One note per reason, naming the coefficients it holds for.
    reasons: dict[str, list[str]] = {}
    for name, (_, note) in results.items():
        if note:
            reasons.setdefault(note, []).append(name)
    notes = tuple(
        note if note == NO_PAIRS or len(names) == len(results) else f"{', '.join(names)}: {note}"
        for note, names in reasons.items()
    )
    return Coefficients(
        units=tally.units,
        percent_agreement=results["percent agreement"][0],
        cohen_kappa=results[kappa][0],
        fleiss_kappa=results["Fleiss' κ"][0],
        krippendorff_alpha=results["α"][0],
        gwet_ac1=results["AC1"][0],
        positive_agreement=results["positive agreement"][0],
        notes=notes,
        undefined_pairs=pair,
    )
