"""Code × group crosstabs: how often each code was applied in each group of articles.

The input is one :class:`Tally` per (row, group, article): the codings of that row's code (or
codes) in that article, and the characters they cover. A whole-article coding covers the
article's length. Characters are summed over codings, not merged: two overlapping codings of
one code count their shared characters twice, as two codings count twice in ``segments``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]
IntMatrix = NDArray[np.int64]
FloatMatrix = NDArray[np.float64]


class Unit(StrEnum):
    """What a cell counts."""

    SEGMENTS = "segments"  # codings (span and whole-article)
    ARTICLES = "articles"  # distinct articles with at least one such coding
    CHARACTERS = "characters"  # characters the codings cover


class Tally(NamedTuple):
    """The codings of one row in one article of one group (a tuple: made 200,000 at a time)."""

    row: str
    group: str
    article: int
    segments: int
    characters: int


@dataclass(frozen=True)
class Cell:
    """One (row, group) cell in every unit."""

    row: str
    group: str
    segments: int
    articles: int
    characters: int

    def count(self, unit: Unit) -> int:
        """The cell's figure in ``unit``."""
        return int(getattr(self, unit.value))


@dataclass(frozen=True)
class Crosstab:
    """Rows (codes) × groups. ``articles_in_group`` counts every article of a group, coded or
    not; ``row_totals``/``group_totals`` sum a unit across groups/rows, except ``articles``,
    which counts each article once (an article with two codes is one article)."""

    rows: tuple[str, ...]
    groups: tuple[str, ...]
    cells: tuple[Cell, ...]
    articles_in_group: Mapping[str, int]
    row_totals: Mapping[str, Cell]
    group_totals: Mapping[str, Cell]
    total: Cell

    def cell(self, row: str, group: str) -> Cell:
        """The cell at ``row``, ``group`` (zeros when nothing was coded there)."""
        return self._index().get((row, group)) or Cell(row, group, 0, 0, 0)

    def _index(self) -> dict[tuple[str, str], Cell]:
        cached: dict[tuple[str, str], Cell] | None = self.__dict__.get("_cells")
        if cached is None:
            cached = {(c.row, c.group): c for c in self.cells}
            object.__setattr__(self, "_cells", cached)
        return cached

    def _kept(self, key: str, make: Callable[[], Any]) -> Any:
        """A figure computed once per table (the table is frozen: it cannot change)."""
        cached = self.__dict__.get(key)
        if cached is None:
            cached = make()
            object.__setattr__(self, key, cached)
        return cached

    def matrix(self, unit: Unit) -> IntMatrix:
        """The counts in ``unit`` as a rows × groups array (read only, computed once)."""

        def make() -> IntMatrix:
            row_at, group_at = self._positions()
            counts = np.zeros((len(self.rows), len(self.groups)), np.int64)
            for c in self.cells:
                counts[row_at[c.row], group_at[c.group]] = c.count(unit)
            counts.setflags(write=False)
            return counts

        found: IntMatrix = self._kept(f"_matrix_{unit.value}", make)
        return found

    def row_sums(self, unit: Unit) -> IntArray:
        """Each row's cells in ``unit`` added across the groups (the denominators of
        :meth:`row_percent`; for articles, an article in two groups counts twice)."""
        found: IntArray = self._kept(f"_rows_{unit.value}", lambda: self.matrix(unit).sum(1))
        return found

    def column_sums(self, unit: Unit) -> IntArray:
        """Each group's cells in ``unit`` added across the rows (the denominators of
        :meth:`column_percent`; for articles, an article with two codes counts twice)."""
        found: IntArray = self._kept(f"_columns_{unit.value}", lambda: self.matrix(unit).sum(0))
        return found

    def _positions(self) -> tuple[dict[str, int], dict[str, int]]:
        found: tuple[dict[str, int], dict[str, int]] = self._kept(
            "_position_of",
            lambda: (
                {r: i for i, r in enumerate(self.rows)},
                {g: j for j, g in enumerate(self.groups)},
            ),
        )
        return found

    def table(self, unit: Unit) -> list[list[int]]:
        """The counts in ``unit``, one list per row, in group order."""
        counts: list[list[int]] = self.matrix(unit).tolist()
        return counts

    def row_percent(self, row: str, group: str, unit: Unit) -> float | None:
        """The cell as a share of its row's total (``None`` for an empty or unknown row)."""
        at = self._positions()[0].get(row)
        total = 0 if at is None else int(self.row_sums(unit)[at])
        return 100 * self.cell(row, group).count(unit) / total if total else None

    def column_percent(self, row: str, group: str, unit: Unit) -> float | None:
        """The cell as a share of its group's column total (``None`` for an empty or unknown
        column)."""
        at = self._positions()[1].get(group)
        total = 0 if at is None else int(self.column_sums(unit)[at])
        return 100 * self.cell(row, group).count(unit) / total if total else None

    def article_percent(self, row: str, group: str) -> float | None:
        """The articles coded with ``row`` as a share of all the group's articles."""
        articles = self.articles_in_group.get(group, 0)
        return 100 * self.cell(row, group).articles / articles if articles else None

    def percents(self, unit: Unit) -> tuple[FloatMatrix, FloatMatrix, FloatMatrix]:
        """Every cell's :meth:`row_percent`, :meth:`column_percent` (in ``unit``) and
        :meth:`article_percent` at once, as rows × groups arrays (NaN where ``None``)."""
        counts = self.matrix(unit).astype(np.float64)
        in_group = np.array([self.articles_in_group.get(g, 0) for g in self.groups], np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            by_row = 100 * counts / self.row_sums(unit)[:, None]
            by_column = 100 * counts / self.column_sums(unit)[None, :]
            of_articles = 100 * self.matrix(Unit.ARTICLES) / in_group[None, :]
        by_row[self.row_sums(unit) == 0, :] = np.nan
        by_column[:, self.column_sums(unit) == 0] = np.nan
        of_articles[:, in_group == 0] = np.nan
        return by_row, by_column, of_articles


def crosstab(
    tallies: Iterable[Tally | tuple[str, str, int, int, int]],
    rows: Sequence[str],
    articles_in_group: Mapping[str, int],
) -> Crosstab:
    """The crosstab of ``tallies`` (:class:`Tally` or plain tuples of its fields) with ``rows``
    in this order (rows with no tally stay, as zeros) and the groups of ``articles_in_group``
    in its order (a tally's group that is not there is appended)."""
    groups: dict[str, None] = dict.fromkeys(articles_in_group)
    known_rows: dict[str, None] = dict.fromkeys(rows)
    segments: dict[tuple[str, str], int] = {}
    characters: dict[tuple[str, str], int] = {}
    articles: dict[tuple[str, str], set[int]] = {}
    for row, group, article, count, covered in tallies:
        key = (row, group)
        if key in segments:
            segments[key] += count
            characters[key] += covered
            articles[key].add(article)
        else:
            groups.setdefault(group, None)
            known_rows.setdefault(row, None)
            segments[key] = count
            characters[key] = covered
            articles[key] = {article}
    cells = tuple(
        Cell(row, group, segments[key], len(articles[key]), characters[key])
        for row in known_rows
        for group in groups
        if (key := (row, group)) in segments
    )

    def summed(label_row: str, label_group: str, keys: list[tuple[str, str]]) -> Cell:
        distinct: set[int] = set()
        for key in keys:
            distinct.update(articles[key])
        return Cell(
            label_row,
            label_group,
            sum(segments[k] for k in keys),
            len(distinct),
            sum(characters[k] for k in keys),
        )

    # Keys by row and by group, gathered once: scanning every key per row is quadratic.
    keys_of_row: dict[str, list[tuple[str, str]]] = {r: [] for r in known_rows}
    keys_of_group: dict[str, list[tuple[str, str]]] = {g: [] for g in groups}
    for key in segments:
        keys_of_row[key[0]].append(key)
        keys_of_group[key[1]].append(key)
    row_totals = {r: summed(r, "", keys_of_row[r]) for r in known_rows}
    group_totals = {g: summed("", g, keys_of_group[g]) for g in groups}
    return Crosstab(
        rows=tuple(known_rows),
        groups=tuple(groups),
        cells=cells,
        articles_in_group={g: articles_in_group.get(g, 0) for g in groups},
        row_totals=row_totals,
        group_totals=group_totals,
        total=summed("", "", list(segments)),
    )
