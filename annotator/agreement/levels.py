"""Units of analysis: turning a study's codings into ratings at each level.

- Article level: per code, present (any span or an article-level coding) or absent in each
  article that counts for the coder; per dimension, the set of its codes the coder applied.
- Character level: per code, each character coded or not (the union of a coder's spans); per
  exclusive dimension, the code covering the character, or none. Runs of characters that every
  coder treats alike are one weighted unit.
- Unitizing: each code's spans on the continuum of the articles every coder counts.
- Segments: each code's spans per article, for matching.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from annotator.agreement.ratings import MISSING, IntArray, Ratings
from annotator.agreement.study import WHOLE_ARTICLE, Dimension, Study
from annotator.agreement.unitizing import Unitizing, alpha_u
from annotator.agreement.unitizing import overall as overall_unitizing

NONE = "(none)"


def _presence(study: Study) -> NDArray[np.bool_]:
    """``present[k, i, c]``: coder ``c`` applied code ``study.codes[k]`` in article ``i``."""
    codes = study.codes
    present = np.zeros((len(codes), len(study.documents), len(study.coders)), dtype=bool)
    located = study.located
    if len(located):
        code_index = {code: k for k, code in enumerate(codes)}
        ks = np.array([code_index[int(k)] for k in located[:, 2]], dtype=np.int64)
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
        """The dimension as one nominal variable: each distinct set of its codes a category
        (labelled by the codes' names, ``(none)`` for the empty set)."""
        masks = np.zeros(self.present.shape[1:], dtype=np.int64)
        for bit, code in enumerate(dimension.codes):
            masks |= self.present[self.index[code]].astype(np.int64) << bit
        counted = self.study.counted_mask.T
        seen = sorted(set(np.unique(masks[counted]).tolist())) if counted.any() else []
        category = {mask: k for k, mask in enumerate(seen)}
        values = np.full(masks.shape, MISSING, dtype=np.int64)
        lookup = np.vectorize(lambda m: category.get(int(m), MISSING), otypes=[np.int64])
        if masks.size:
            values[counted] = lookup(masks[counted])
        labels = [
            " + ".join(
                self.study.paths[c].split(" > ")[-1]
                for bit, c in enumerate(dimension.codes)
                if mask >> bit & 1
            )
            or NONE
            for mask in seen
        ]
        return Ratings.of(values, max(len(seen), 1)), labels

    def overall(self) -> Ratings:
        """Every code's presence, pooled: units are (article, code) pairs."""
        return Ratings.pooled([self.code(code) for code in self.study.codes])


@dataclass(frozen=True)
class Conflicts:
    """Characters a coder gave two or more codes of one exclusive dimension (left out)."""

    dimension: str
    characters: tuple[int, ...]  # per coder


class CharacterLevel:
    """Runs of characters on the continuum of counted articles, per code or dimension."""

    def __init__(self, study: Study) -> None:
        self.study = study
        located = study.located
        spans = located[located[:, 3] != WHOLE_ARTICLE]
        offsets = study.offsets
        self.starts = offsets[spans[:, 0]] + spans[:, 3]
        self.ends = offsets[spans[:, 0]] + spans[:, 4]
        self.coders = spans[:, 1]
        self.codes = spans[:, 2]
        self._by_code: dict[int, NDArray[np.int64]] = {}
        order = np.argsort(self.codes, kind="stable")
        codes_sorted = self.codes[order]
        for code in np.unique(codes_sorted):
            lo, hi = np.searchsorted(codes_sorted, [code, code + 1])
            self._by_code[int(code)] = order[lo:hi]

    def _coverage(self, codes: list[int]) -> tuple[IntArray, IntArray, list[IntArray]]:
        """Breakpoints, article of each run, and for each code ``cover[c, run]``: how many of
        coder c's spans of that code cover the run."""
        rows = [self._by_code.get(code, np.zeros(0, np.int64)) for code in codes]
        every = np.concatenate(rows) if rows else np.zeros(0, np.int64)
        points = np.unique(
            np.concatenate([self.study.offsets, self.starts[every], self.ends[every]])
        )
        run_article = np.searchsorted(self.study.offsets, points[:-1], side="right") - 1
        runs = len(points) - 1
        coders = len(self.study.coders)
        covers = []
        for selection in rows:
            change = np.zeros((coders, runs + 1), dtype=np.int64)
            begin = np.searchsorted(points, self.starts[selection])
            end = np.searchsorted(points, self.ends[selection])
            np.add.at(change, (self.coders[selection], begin), 1)
            np.add.at(change, (self.coders[selection], end), -1)
            covers.append(np.cumsum(change, axis=1)[:, :runs])
        return points, run_article, covers

    def code(self, code: int) -> Ratings:
        points, article, (cover,) = self._coverage([code])
        values = np.where(self._counted(article), (cover > 0).T, MISSING)
        return Ratings.of(values, 2, weights=np.diff(points), groups=article)

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
        labels = [NONE] + [self.study.paths[c].split(" > ")[-1] for c in codes]
        ratings = Ratings.of(values.T, len(labels), weights=lengths, groups=article)
        return ratings, labels, conflicts

    def overall(self) -> Ratings:
        return Ratings.pooled([self.code(code) for code in self.study.codes])


def unitizing(study: Study) -> tuple[dict[int, Unitizing], Unitizing, int]:
    """α_U per code and over all codes on the continuum of the articles that count for every
    coder (their length is returned too)."""
    every = study.counted_mask.all(axis=0)
    lengths = np.diff(study.offsets)
    shared = np.flatnonzero(every)
    continuum = int(lengths[shared].sum())
    if not continuum:
        empty = Unitizing(0.0, 0.0, None, "no article counts for every coder")
        return dict.fromkeys(study.codes, empty), empty, 0
    start_of = np.full(len(lengths), -1, dtype=np.int64)
    start_of[shared] = np.concatenate([[0], np.cumsum(lengths[shared])[:-1]])
    located = study.located
    spans = located[(located[:, 3] != WHOLE_ARTICLE) & every[located[:, 0]]]
    by_code: dict[int, list[list[tuple[int, int]]]] = defaultdict(
        lambda: [[] for _ in study.coders]
    )
    base = start_of[spans[:, 0]]
    for (_, coder, code, start, end), offset in zip(spans.tolist(), base.tolist(), strict=True):
        by_code[code][coder].append((offset + start, offset + end))
    results = {
        code: alpha_u(by_code.get(code) or [[] for _ in study.coders], continuum)
        for code in study.codes
    }
    return results, overall_unitizing(list(results.values())), continuum


def segments_by_article(study: Study, code: int) -> dict[int, list[list[tuple[int, int]]]]:
    """Each coder's spans of a code, per article index (articles counted by two or more)."""
    located = study.located
    rows = located[(located[:, 2] == code) & (located[:, 3] != WHOLE_ARTICLE)]
    spans: dict[int, list[list[tuple[int, int]]]] = {}
    for article, coder, _, start, end in rows.tolist():
        spans.setdefault(article, [[] for _ in study.coders])[coder].append((start, end))
    return spans
