"""A percentile bootstrap interval for Krippendorff's α, resampling whole articles.

Characters of one article are not independent of each other, so the articles are what is
drawn (with replacement); article-level units are articles anyway. α's ingredients add up over
units (:func:`~annotator.agreement.coefficients.alpha_statistics_by_group`), so one resample
is a weighted sum of per-article rows and a thousand resamples are one matrix product.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from annotator.agreement.coefficients import alpha_statistics_by_group, alpha_values
from annotator.agreement.ratings import Ratings

RESAMPLES = 1000
SEED = 20240601
LEVEL = 0.95
# An interval from fewer articles than this is reported with a caution.
FEW_ARTICLES = 10


@dataclass(frozen=True)
class Interval:
    """A 95 % interval (``bounds``) and how many articles it resamples, or why there is none."""

    bounds: tuple[float, float] | None
    articles: int
    why: str = ""

    @property
    def caution(self) -> str:
        """A note when the interval rests on few articles ("" otherwise)."""
        if self.bounds is None or self.articles >= FEW_ARTICLES:
            return ""
        return (
            f"the interval rests on {self.articles} articles (fewer than {FEW_ARTICLES}): "
            "resampling so few says little about the uncertainty"
        )


@lru_cache(maxsize=8)
def draws(articles: int, resamples: int = RESAMPLES, seed: int = SEED) -> NDArray[np.float64]:
    """How often each article is drawn in each resample (the same for every measure of a
    report, so intervals are reproducible and comparable)."""
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(articles, np.full(articles, 1 / articles), size=resamples)
    drawn: NDArray[np.float64] = counts.astype(np.float64)
    drawn.setflags(write=False)
    return drawn


def percentile_interval(
    values: NDArray[np.float64], articles: int, resamples: int, *, what: str = "α"
) -> Interval:
    """The 95 % percentile interval of the values a coefficient took in the resamples where
    it is defined, or why there is none (undefined in more than a tenth of them)."""
    if len(values) < resamples * 0.9:
        return Interval(None, articles, f"{what} is undefined in too many resamples")
    tail = (1 - LEVEL) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return Interval((float(low), float(high)), articles)


def alpha_interval(ratings: Ratings, *, resamples: int = RESAMPLES, seed: int = SEED) -> Interval:
    """The 95 % percentile interval of α over article resamples, or why there is none."""
    return alpha_intervals([ratings], resamples=resamples, seed=seed)[0]


def alpha_intervals(
    many: Sequence[Ratings], *, resamples: int = RESAMPLES, seed: int = SEED
) -> list[Interval]:
    """:func:`alpha_interval` of each ratings, those over the same articles in one product
    (the resamples are the same for them, so the figures are too)."""
    prepared = [alpha_statistics_by_group(ratings) for ratings in many]
    return intervals_of(prepared, resamples=resamples, seed=seed)


def intervals_of(
    prepared: Sequence[tuple[NDArray[np.int64], NDArray[np.float64]]],
    *,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> list[Interval]:
    """:func:`alpha_intervals` from each ratings' :func:`alpha_statistics_by_group`."""
    found: list[Interval | None] = [None] * len(prepared)
    together: dict[bytes, list[int]] = {}
    for k, (groups, _) in enumerate(prepared):
        if len(groups) < 2:
            found[k] = Interval(
                None, len(groups), "an interval needs two or more articles with comparable codings"
            )
        else:
            together.setdefault(groups.tobytes(), []).append(k)
    for members in together.values():
        articles = len(prepared[members[0]][0])
        totals = draws(articles, resamples, seed) @ np.hstack([prepared[k][1] for k in members])
        column = 0
        for k in members:
            width = prepared[k][1].shape[1]
            alpha, usable = alpha_values(totals[:, column : column + width])
            found[k] = percentile_interval(alpha[usable], articles, resamples)
            column += width
    return [interval for interval in found if interval is not None]
