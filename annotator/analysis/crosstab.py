"""Code × group crosstabs: how often each code was applied in each group of articles.

The input is one :class:`Tally` per (row, group, article): the codings of that row's code (or
codes) in that article, and the characters they cover. A whole-article coding covers the
article's length. Characters are summed over codings, not merged: two overlapping codings of
one code count their shared characters twice, as two codings count twice in ``segments``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple


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

    def table(self, unit: Unit) -> list[list[int]]:
        """The counts in ``unit``, one list per row, in group order."""
        return [[self.cell(r, g).count(unit) for g in self.groups] for r in self.rows]

    def row_percent(self, row: str, group: str, unit: Unit) -> float | None:
        """The cell as a share of its row's total (``None`` for an empty row)."""
        total = sum(self.cell(row, g).count(unit) for g in self.groups)
        return 100 * self.cell(row, group).count(unit) / total if total else None

    def column_percent(self, row: str, group: str, unit: Unit) -> float | None:
        """The cell as a share of its group's column total (``None`` for an empty column)."""
        total = sum(self.cell(r, group).count(unit) for r in self.rows)
        return 100 * self.cell(row, group).count(unit) / total if total else None

    def article_percent(self, row: str, group: str) -> float | None:
        """The articles coded with ``row`` as a share of all the group's articles."""
        articles = self.articles_in_group.get(group, 0)
        return 100 * self.cell(row, group).articles / articles if articles else None


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

    row_totals = {r: summed(r, "", [k for k in segments if k[0] == r]) for r in known_rows}
    group_totals = {g: summed("", g, [k for k in segments if k[1] == g]) for g in groups}
    return Crosstab(
        rows=tuple(known_rows),
        groups=tuple(groups),
        cells=cells,
        articles_in_group={g: articles_in_group.get(g, 0) for g in groups},
        row_totals=row_totals,
        group_totals=group_totals,
        total=summed("", "", list(segments)),
    )
