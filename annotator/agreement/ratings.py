"""Ratings: what each coder said about each unit, in the form every coefficient reads.

A unit is an article (article level) or a run of characters that every coder treated alike
(character level: a run of equal characters is one row with a weight, so a megabyte of text
costs as many rows as there are coding boundaries, not a million). Values are category numbers
``0 … categories-1``; ``MISSING`` marks a coder who did not code the unit (the article did not
count for them), which is not the same as coding it "absent".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

MISSING = -1

IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class Ratings:
    """``values[u, c]``: coder ``c``'s category for unit ``u`` (or ``MISSING``).

    ``weights[u]`` counts the identical units the row stands for (characters of a run; 1 for
    an article); ``groups[u]`` is the article the unit belongs to, which the bootstrap
    resamples as a whole. ``categories`` is the number of possible categories (2 for a code's
    presence), whether or not each was used.
    """

    values: IntArray
    weights: IntArray
    groups: IntArray
    categories: int

    @classmethod
    def of(
        cls,
        values: object,
        categories: int,
        weights: object | None = None,
        groups: object | None = None,
    ) -> Ratings:
        """Ratings from array-likes (weights default to 1, each unit its own group)."""
        array = np.asarray(values, dtype=np.int64)
        if array.ndim != 2:
            raise ValueError("values must be a units × coders table")
        units = array.shape[0]
        weight = np.ones(units, np.int64) if weights is None else np.asarray(weights, np.int64)
        group = np.arange(units, dtype=np.int64) if groups is None else np.asarray(groups, np.int64)
        if weight.shape != (units,) or group.shape != (units,):
            raise ValueError("weights and groups need one entry per unit")
        if array.size and (array.max() >= categories or array.min() < MISSING):
            raise ValueError("a value lies outside the categories")
        return cls(array, weight, group, categories)

    @property
    def coders(self) -> int:
        return int(self.values.shape[1])

    def counts(self) -> IntArray:
        """``counts[u, k]``: how many coders gave unit ``u`` category ``k``."""
        units, q = self.values.shape[0], self.categories
        cells = (np.arange(units, dtype=np.int64)[:, None] * q + self.values)[self.values >= 0]
        table: IntArray = np.bincount(cells, minlength=units * q).reshape(units, q)
        return table

    @classmethod
    def pooled(cls, many: list[Ratings]) -> Ratings:
        """The units of several ratings of the same coders and categories, one after another
        (each unit keeps its article)."""
        if not many:
            raise ValueError("nothing to pool")
        if any(r.coders != many[0].coders or r.categories != many[0].categories for r in many):
            raise ValueError("only ratings of the same coders and categories pool")
        return cls(
            np.vstack([r.values for r in many]),
            np.concatenate([r.weights for r in many]),
            np.concatenate([r.groups for r in many]),
            many[0].categories,
        )

    def pair(self, first: int, second: int) -> Ratings:
        """The ratings of two of the coders (by column)."""
        return Ratings(self.values[:, [first, second]], self.weights, self.groups, self.categories)

    def expanded(self) -> IntArray:
        """Every unit repeated by its weight (for checks against other packages)."""
        return np.repeat(self.values, self.weights, axis=0)
