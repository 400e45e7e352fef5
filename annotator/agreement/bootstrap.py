"""A percentile bootstrap interval for Krippendorff's α, resampling whole articles.

Characters of one article are not independent of each other, so the articles are what is
drawn (with replacement); article-level units are articles anyway. α's ingredients add up over
units (:func:`~annotator.agreement.coefficients.alpha_statistics_by_group`), so one resample
is a weighted sum of per-article rows and a thousand resamples are one matrix product.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from annotator.agreement.coefficients import alpha_statistics_by_group, alpha_values
from annotator.agreement.ratings import Ratings

RESAMPLES = 1000
SEED = 20240601
LEVEL = 0.95


@lru_cache(maxsize=8)
def _draws(articles: int, resamples: int, seed: int) -> NDArray[np.float64]:
    """How often each article is drawn in each resample (the same for every measure of a
    report, so intervals are reproducible and comparable)."""
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(articles, np.full(articles, 1 / articles), size=resamples)
    draws: NDArray[np.float64] = counts.astype(np.float64)
    draws.setflags(write=False)
    return draws


def alpha_interval(
    ratings: Ratings, *, resamples: int = RESAMPLES, seed: int = SEED
) -> tuple[tuple[float, float] | None, str]:
    """The 95 % percentile interval of α over article resamples, or why there is none."""
    groups, rows = alpha_statistics_by_group(ratings)
    if len(groups) < 2:
        return None, "an interval needs two or more articles with comparable codings"
    totals = _draws(len(groups), resamples, seed) @ rows
    alpha, usable = alpha_values(totals)
    defined = alpha[usable]
    if len(defined) < resamples * 0.9:
        return None, "α is undefined in too many resamples for an interval"
    tail = (1 - LEVEL) / 2 * 100
    low, high = np.percentile(defined, [tail, 100 - tail])
    return (float(low), float(high)), ""
