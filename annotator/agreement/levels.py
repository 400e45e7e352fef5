"""Units of analysis: turning a study's codings into ratings at each level.

- Article level: per code, present (any span or an article-level coding) or absent in each
  article that counts for the coder; per dimension, the set of its codes the coder applied.
- Character level: per code, each character coded or not (the union of a coder's spans); per
  exclusive dimension, the code covering the character, or none. Runs of characters that every
  coder treats alike are one weighted unit.
- Unitizing: each code's spans on the continuum of the articles every coder counts.
- Segments: each code's spans per article, for matching.

At the three span levels a whole-article coding is the span of the whole article (see
:attr:`Study.spans`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from annotator.agreement.ratings import MISSING, IntArray, Ratings
from annotator.agreement.segments import matched_spans
from annotator.agreement.study import Dimension, Study
from annotator.agreement.unitizing import Unitizing, alpha_of, disagreements, merge_units

NONE = "(none)"


def _presence(study: Study) -> NDArray[np.bool_]:
    """``present[k, i, c]``: coder ``c`` applied code ``study.codes[k]`` in article ``i``."""
    codes = study.codes
    present = np.zeros((len(codes), len(study.documents), len(study.coders)), dtype=bool)
    located = study.located
    if len(located):
        ids = np.asarray(codes, dtype=np.int64)
        order = np.argsort(ids, kind="stable")
        where = np.searchsorted(ids[order], located[:, 2]).clip(0, max(len(ids) - 1, 0))
        ks = order[where]
        if len(located) and (not len(ids) or (ids[ks] != located[:, 2]).any()):
            raise KeyError("a coding of a code the study does not compare")
        present[ks, located[:, 0], located[:, 1]] = True
    return present


class ArticleLevel:
    """Presence of each code, and the set of each dimension's codes, per article and coder."""

    def __init__(self, study: Study) -> None:
        self.study = study
        self.present = _presence(study)
        self.index = {code: k for k, code in enumerate(study.codes)}

    def code(self, code: int) -> Ratings:
        values = np.where(self.study.counted_mask.T, self.present[self.index[code]], MISSING)
        return Ratings.of(values, 2)

    def dimension(self, dimension: Dimension) -> tuple[Ratings, list[str]]:
        """The dimension as one nominal variable. Its categories are all it can take — none
        of its codes, each one of them — and every combination of codes a coder gave in the
        articles compared; each is a category whether or not anyone chose it (as AC1's q
        must count them). An article that counts for one coder only is compared with nobody:
        its value is left out, so that a combination given there adds no category."""
        codes = dimension.codes
        masks = np.zeros(self.present.shape[1:], dtype=np.int64)
        for bit, code in enumerate(codes):
            masks |= self.present[self.index[code]].astype(np.int64) << bit
        compared = self.study.counted_mask.T & self.study.pairable[:, None]
        singles = [0] + [1 << bit for bit in range(len(codes))]
        seen = set(np.unique(masks[compared]).tolist()) if compared.any() else set()
        order = singles + sorted(seen - set(singles))
        category = {mask: k for k, mask in enumerate(order)}
        values = np.full(masks.shape, MISSING, dtype=np.int64)
        if masks.size and compared.any():
            values[compared] = [category[int(m)] for m in masks[compared].tolist()]
        labels = [
            " + ".join(self.study.name(c) for bit, c in enumerate(codes) if mask >> bit & 1) or NONE
            for mask in order
        ]
        return Ratings.of(values, len(order)), labels

    def overall(self, codes: list[int]) -> Ratings:
        """The presence of the given codes, pooled: units are (article, code) pairs."""
        return Ratings.pooled([self.code(code) for code in codes])


@dataclass(frozen=True)
class Conflicts:
    """Characters a coder gave two or more codes of one exclusive dimension (left out)."""

    dimension: str
    characters: tuple[int, ...]  # per coder


class CharacterLevel:
    """Runs of characters on the continuum of counted articles, per code or dimension."""

    def __init__(self, study: Study) -> None:
        self.study = study
        self.spans = study.spans
        # Each code's ratings, made once: the pooled row and the code's own row read them.
        self._codes: dict[int, Ratings] = {}

    def _coverage(self, codes: list[int]) -> tuple[IntArray, IntArray, list[IntArray]]:
        """Breakpoints, article of each run, and for each code ``cover[c, run]``: how many of
        coder c's spans of that code cover the run."""
        spans = self.spans
        rows = [spans.of_code(code) for code in codes]
        every = spans.of_codes(codes)
        points = np.unique(
            np.concatenate([self.study.offsets, spans.begins[every], spans.finishes[every]])
        )
        run_article = np.searchsorted(self.study.offsets, points[:-1], side="right") - 1
        runs = len(points) - 1
        coders = len(self.study.coders)
        covers = []
        for selection in rows:
            change = np.zeros((coders, runs + 1), dtype=np.int64)
            begin = np.searchsorted(points, spans.begins[selection])
            end = np.searchsorted(points, spans.finishes[selection])
            np.add.at(change, (spans.coders[selection], begin), 1)
            np.add.at(change, (spans.coders[selection], end), -1)
            covers.append(np.cumsum(change, axis=1)[:, :runs])
        return points, run_article, covers

    def code(self, code: int) -> Ratings:
        if code not in self._codes:
            points, article, (cover,) = self._coverage([code])
            values = np.where(self._counted(article), (cover > 0).T, MISSING)
            self._codes[code] = Ratings.of(values, 2, weights=np.diff(points), groups=article)
        return self._codes[code]

    def _counted(self, article: IntArray) -> NDArray[np.bool_]:
        """``counted[run, c]``: whether the run's article counts for coder c."""
        mask: NDArray[np.bool_] = self.study.counted_mask[:, article].T
        return mask

    def dimension(self, dimension: Dimension) -> tuple[Ratings, list[str], Conflicts]:
        """An exclusive dimension as one nominal variable per character: ``(none)`` or the
        code covering it. Characters a coder gave two of its codes are missing for that coder
        (and counted in the conflicts)."""
        codes = list(dimension.codes)
        points, article, covers = self._coverage(codes)
        lengths = np.diff(points)
        stacked = np.stack([cover > 0 for cover in covers])  # (codes, coders, runs)
        how_many = stacked.sum(axis=0)
        chosen = np.argmax(stacked, axis=0) + 1
        values = np.where(how_many == 0, 0, chosen)
        counted = self._counted(article).T
        clash = (how_many > 1) & counted
        values = np.where(counted & ~clash, values, MISSING)
        conflicts = Conflicts(dimension.name, tuple(int(lengths[row].sum()) for row in clash))
        labels = [NONE] + [self.study.name(c) for c in codes]
        ratings = Ratings.of(values.T, len(labels), weights=lengths, groups=article)
        return ratings, labels, conflicts

    def overall(self, codes: list[int]) -> Ratings:
        """The given codes per character, pooled: units are (character, code) pairs."""
        return Ratings.pooled([self.code(code) for code in codes])


@dataclass(frozen=True)
class Continuum:
    """The articles every coder counts, end to end: how long it is, where each of those
    articles starts on it, and each code's units by coder (merged, sorted)."""

    length: int
    starts: IntArray
    units: dict[int, list[tuple[IntArray, IntArray]]]

    @property
    def articles(self) -> int:
        return len(self.starts)


def shared_continuum(study: Study) -> Continuum:
    """Each code's units on the continuum of the articles that count for every coder."""
    every = np.asarray(study.counted_mask.all(axis=0))
    lengths = np.diff(study.offsets)
    continuum = int(lengths[every].sum())
    # Where each shared article starts once the others are left out.
    start_of = np.cumsum(np.where(every, lengths, 0)) - lengths
    spans = study.spans
    units = {}
    for code in study.codes:
        rows = spans.of_code(code)
        rows = rows[every[spans.articles[rows]]]
        base = start_of[spans.articles[rows]]
        begins, ends, coders = (
            base + spans.starts[rows],
            base + spans.ends[rows],
            spans.coders[rows],
        )
        units[code] = [
            merge_units(np.column_stack((begins[coders == c], ends[coders == c])))
            for c in range(len(study.coders))
        ]
    return Continuum(continuum, start_of[every], units)


def unitizing(study: Study) -> tuple[dict[int, Unitizing], Continuum]:
    """α_U per code on the continuum of the articles that count for every coder (returned
    too, for the overall figure and the interval)."""
    shared = shared_continuum(study)
    if not shared.length:
        empty = Unitizing(0.0, 0.0, None, "no article counts for every coder")
        return dict.fromkeys(study.codes, empty), shared
    results = {}
    for code, units in shared.units.items():
        result = alpha_of(*disagreements(units, shared.length))
        if result.alpha is None:
            result = Unitizing(
                result.observed,
                result.expected,
                None,
                f"no coder marked a unit of it in the {shared.articles:,} articles that count "
                "for every coder: α_U is undefined",
            )
        results[code] = result
    return results, shared


def matched_segments(
    study: Study, code: int, first: int, second: int, threshold: float
) -> tuple[int, int]:
    """Segments of a code by two coders, in articles that count for both: how many are
    matched by the other coder, and how many there are."""
    spans = study.spans
    rows = spans.of_code(code)
    both = study.counted_mask[first] & study.counted_mask[second]
    rows = rows[both[spans.articles[rows]]]
    a = rows[spans.coders[rows] == first]
    b = rows[spans.coders[rows] == second]
    begins, finishes = spans.begins, spans.finishes
    forward = matched_spans(begins[a], finishes[a], begins[b], finishes[b], threshold)
    backward = matched_spans(begins[b], finishes[b], begins[a], finishes[a], threshold)
    return int(forward.sum() + backward.sum()), len(a) + len(b)
