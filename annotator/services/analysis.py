"""Analysis use cases: the codings a crosstab or a co-occurrence table counts, read from the
project with SQL into the plain values :mod:`annotator.analysis` takes.

Which codings: those of the chosen codes (each with every code below it; all codes when none
are chosen) by the chosen coders (by name; the consensus coder is a coder like any other; all
coders when none are chosen). Rows are codes by path, or dimensions (a dimension's row counts
the codings of every code in it).

Groups of articles: by a document variable's value (articles without a value fall in
``(no value)``), by a date variable binned by year, quarter, month or ISO week (a value that is
not a date falls in ``(not a date)``), by coder, or all articles in one group. A variable
named ``coder`` or ``all`` is taken before those words.

A group's label is its key: a real value that reads as one of the reserved labels
(``(no value)``, ``(not a date)``, ``all articles``, also with quotes around it already) is
shown in double quotes, ``"(no value)"``, so that it stays its own group, apart from the
articles without a value, and is counted in the χ² test like any other value.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from annotator.analysis.cooccurrence import Cooccurrence, Within
from annotator.analysis.crosstab import Crosstab, FloatMatrix, Unit
from annotator.analysis.independence import Independence, chi_square
from annotator.analysis.regroup import IntArray, cooccurrence_of, crosstab_of
from annotator.domain.errors import UserError
from annotator.domain.model import VariableType
from annotator.domain.times import iso_date
from annotator.services.analysis_source import Source
from annotator.services.exports import Selection, choose
from annotator.storage import Project

NO_VALUE = "(no value)"
NOT_A_DATE = "(not a date)"
BY_CODER = "coder"
BY_ALL = "all"
ALL_ARTICLES = "all articles"


class Bin(StrEnum):
    """How dates are grouped."""

    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"
    WEEK = "week"


class Rows(StrEnum):
    """What a row is."""

    CODES = "codes"
    DIMENSIONS = "dimensions"


class Show(StrEnum):
    """What a table cell (or a chart's bar or point) shows: the count in the chosen unit, its
    share of the row's total, of the group's total, or the articles coded as a share of the
    group's articles (whatever the unit)."""

    COUNTS = "counts"
    ROW_PERCENT = "row-percent"
    COLUMN_PERCENT = "column-percent"
    ARTICLE_PERCENT = "article-percent"


@dataclass(frozen=True)
class Request:
    """What to count: ``by`` a variable name, ``coder`` or ``all``; ``bin`` for a date
    variable; coders by name and codes by path (empty: all)."""

    by: str = BY_ALL
    bin: Bin | None = None
    coders: Sequence[str] = ()
    codes: Sequence[str] = ()
    rows: Rows = Rows.CODES


@dataclass(frozen=True)
class Frequencies:
    """A crosstab and what it was made of: ``coders`` names the coders counted (for the
    table's caption), ``by`` the grouping; ``colors`` each row's colour (``#RRGGBB``: the
    code's, or the dimension's); ``binned`` whether the groups are periods of a date;
    ``by_coder`` whether they are coders."""

    table: Crosstab
    by: str
    coders: str
    colors: dict[str, str] = field(default_factory=dict)
    binned: bool = False
    by_coder: bool = False

    def value(self, row: str, group: str, unit: Unit, show: Show) -> float | None:
        """What a table cell shows: the count in ``unit``, or a percentage (``None`` where
        the share is of nothing)."""
        table = self.table
        if show is Show.COUNTS:
            return float(table.cell(row, group).count(unit))
        if show is Show.ROW_PERCENT:
            return table.row_percent(row, group, unit)
        if show is Show.COLUMN_PERCENT:
            return table.column_percent(row, group, unit)
        return table.article_percent(row, group)

    def records(self, unit: Unit = Unit.SEGMENTS) -> list[dict[str, Any]]:
        """One row per (code, group), zeros included: the ``--json`` and CSV rows. The
        percentages are of ``unit``: of the code's total (row), of the group's total
        (column), and the articles coded as a share of the group's articles. Built from
        whole arrays (a table can have a million cells)."""
        table = self.table
        width = len(table.groups)
        by_row, by_column, of_articles = table.percents(unit)
        in_group = [table.articles_in_group[g] for g in table.groups]
        columns = zip(
            (row for row in table.rows for _ in range(width)),
            table.groups * len(table.rows),
            in_group * len(table.rows),
            table.matrix(Unit.SEGMENTS).ravel().tolist(),
            table.matrix(Unit.ARTICLES).ravel().tolist(),
            table.matrix(Unit.CHARACTERS).ravel().tolist(),
            _rounded_all(by_row),
            _rounded_all(by_column),
            _rounded_all(of_articles),
            strict=True,
        )
        coders = self.coders
        with _no_collection():
            return [
                {
                    "code_path": row,
                    "group": group,
                    "segments": s,
                    "articles": a,
                    "characters": c,
                    "articles_in_group": n,
                    "row_percent": rp,
                    "column_percent": cp,
                    "article_percent": ap,
                    "coders": coders,
                }
                for row, group, n, s, a, c, rp, cp, ap in columns
            ]

    def independence(self, unit: Unit = Unit.SEGMENTS) -> Independence | None:
        """χ² over the real groups (not ``(no value)`` nor ``(not a date)``; every coder when
        the groups are coders), in ``unit``; characters are not independent units, so their
        test is the segments'."""
        counted = Unit.SEGMENTS if unit is Unit.CHARACTERS else unit
        left_out = () if self.by_coder else (NO_VALUE, NOT_A_DATE)
        groups = [g for g in self.table.groups if g not in left_out]
        at = {g: j for j, g in enumerate(self.table.groups)}
        return chi_square(self.table.matrix(counted)[:, [at[g] for g in groups]])


@contextmanager
def _no_collection() -> Iterator[None]:
    """Hold the cyclic garbage collector while a million plain dicts are made: it would scan
    them again and again (they hold no cycles), a third of the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _rounded_all(values: FloatMatrix) -> list[float | None]:
    """Each value of the array rounded as :func:`_rounded` does, ``None`` for NaN. A big
    table holds few distinct shares (most are 0): each is rounded once."""
    distinct, where = np.unique(values.ravel(), return_inverse=True)
    rounded = np.array(
        [None if v != v else round(v, 4) for v in distinct.tolist()],  # NaN ≠ NaN
        dtype=object,
    )
    found: list[float | None] = rounded[where.ravel()].tolist()
    return found


def frequencies(project: Project, request: Request, source: Source | None = None) -> Frequencies:
    """The code × group crosstab ``request`` asks for, regrouped from the project's tallies
    (``source``: a source that holds them already, as the Analysis window keeps one)."""
    source = source or Source(project)
    chosen = choose(project, Selection(coders=request.coders, codes=request.codes))
    row_of, rows = _rows(project, chosen.code_ids, request.rows)
    group_of, articles_in_group, by_coder = source.kept(
        ("groups", request.by, request.bin), lambda: _groups(project, request)
    )
    coders = {c.id: c.name for c in project.coders.all()}
    tallies = source.tallies()
    wanted = None if chosen.coder_ids is None else set(chosen.coder_ids)
    if by_coder:
        counts = tallies.articles_by_coder()
        articles_in_group = {
            name: counts.get(i, 0) for i, name in coders.items() if wanted is None or i in wanted
        }
    groups = list(articles_in_group)
    position = {group: index for index, group in enumerate(groups)}
    row_position = {row: index for index, row in enumerate(rows)}
    row_index = {code: row_position[row] for code, row in row_of.items()}
    rows_of = _looked_up(tallies.code, row_index)
    if wanted is not None:
        rows_of[~np.isin(tallies.coder, np.fromiter(wanted, np.int64))] = -1
    if by_coder:
        groups_of = _looked_up(tallies.coder, {i: position.get(n, -1) for i, n in coders.items()})
    else:
        groups_of = _looked_up(tallies.document, {d: position[g] for d, g in group_of.items()})
        strays = (groups_of < 0) & (rows_of >= 0) & (tallies.segments > 0)
        if strays.any():  # articles the groups do not know of (none, unless read apart)
            if NO_VALUE not in position:
                position[NO_VALUE] = len(groups)
                groups.append(NO_VALUE)
            groups_of[strays] = position[NO_VALUE]
    table = crosstab_of(
        rows_of,
        groups_of,
        tallies.document,
        tallies.segments,
        tallies.characters,
        rows,
        groups,
        articles_in_group,
    )
    return Frequencies(
        table,
        request.by,
        _coders_label(chosen.coder_ids, coders),
        colors=_row_colors(project, rows),
        binned=request.bin is not None and not by_coder,
        by_coder=by_coder,
    )


def _looked_up(keys: IntArray, index: dict[int, int]) -> IntArray:
    """``index[key]`` for each key (-1 for a key it does not hold)."""
    size = max(int(keys.max()) if keys.size else 0, max(index, default=0)) + 1
    table = np.full(size, -1, dtype=np.int64)
    if index:
        table[np.fromiter(index, np.int64)] = np.fromiter(index.values(), np.int64)
    found: IntArray = table[keys]
    return found


def cooccurrences(
    project: Project,
    within: Within,
    *,
    coders: Sequence[str] = (),
    codes: Sequence[str] = (),
    rows: Rows = Rows.CODES,
    source: Source | None = None,
) -> Cooccurrence:
    """The code × code co-occurrence of the chosen codings (``source``: one that holds the
    codings read already, as the Analysis window keeps one)."""
    source = source or Source(project)
    chosen = choose(project, Selection(coders=coders, codes=codes))
    row_of, names = _rows(project, chosen.code_ids, rows)
    placed = source.placements()
    position = {row: index for index, row in enumerate(names)}
    rows_of = _looked_up(placed.code, {code: position[row] for code, row in row_of.items()})
    if chosen.coder_ids is not None:
        rows_of[~np.isin(placed.coder, np.array(chosen.coder_ids, np.int64))] = -1
    units = placed.document * (int(placed.coder.max(initial=0)) + 1) + placed.coder
    return cooccurrence_of(rows_of, units, placed.start, placed.end, names, within)


def cooccurrence_records(result: Cooccurrence) -> list[dict[str, Any]]:
    """One row per pair of codes: the ``--json`` and CSV rows."""
    return [
        {
            "code_a": pair.code_a,
            "code_b": pair.code_b,
            "count": pair.count,
            "jaccard": _rounded(pair.jaccard),
            "within": result.within.value,
        }
        for pair in result.pairs
    ]


def _rows(
    project: Project, code_ids: list[int] | None, rows: Rows
) -> tuple[dict[int, str], list[str]]:
    """Each codable code's row (its path, or its dimension's name) and the rows in codebook
    order."""
    tree = project.codebook.tree()
    wanted = None if code_ids is None else set(code_ids)
    row_of: dict[int, str] = {}
    for code in tree.codes():
        if wanted is None or code.id in wanted:
            if rows is Rows.DIMENSIONS:
                row_of[code.id] = tree.path(tree.dimension_of(code.id).id)
            else:
                row_of[code.id] = tree.path(code.id)
    return row_of, list(dict.fromkeys(row_of.values()))


def _row_colors(project: Project, rows: Sequence[str]) -> dict[str, str]:
    """Each row's colour: its code's (a dimension row is its dimension, a code itself)."""
    tree = project.codebook.tree()
    wanted = set(rows)
    colors = {}
    for code in tree.walk():
        path = tree.path(code.id)
        if path in wanted:
            colors[path] = code.color.upper()
    return colors


def _groups(project: Project, request: Request) -> tuple[dict[int, str], dict[str, int], bool]:
    """Each article's group, the number of articles per group in display order, and whether
    the groups are coders (then counted by the caller)."""
    variable = project.documents.variable(request.by)
    if variable is None:
        if request.bin is not None:
            raise UserError(f"--bin needs a date variable, and there is no variable '{request.by}'")
        if request.by == BY_CODER:
            return {}, {}, True
        if request.by == BY_ALL:
            ids = [int(i) for (i,) in project.db.execute("SELECT id FROM documents")]
            return dict.fromkeys(ids, ALL_ARTICLES), {ALL_ARTICLES: len(ids)}, False
        known = ", ".join(v.name for v in project.documents.variables()) or "none"
        raise UserError(
            f"there is no article variable '{request.by}' (variables: {known}; or 'coder', 'all')"
        )
    if request.bin is not None and variable.type is not VariableType.DATE:
        raise UserError(
            f"--bin needs a date variable, and '{variable.name}' holds {variable.type.value} values"
        )
    values = dict(
        project.db.execute(
            "SELECT d.id, v.value FROM documents d LEFT JOIN document_values v "
            "ON v.document_id = d.id AND v.variable_id = ?",
            [variable.id],
        ).fetchall()
    )
    group_of: dict[int, str] = {}
    for document_id, value in values.items():
        if value is None or value == "":
            group_of[document_id] = NO_VALUE
        elif request.bin is not None:
            group_of[document_id] = date_bin(value, request.bin)
        else:
            group_of[document_id] = value_label(value)
    counts: dict[str, int] = {}
    for group in group_of.values():
        counts[group] = counts.get(group, 0) + 1
    ordered = sorted(
        (g for g in counts if g not in (NO_VALUE, NOT_A_DATE)),
        key=lambda g: (g.casefold(), g),
    )
    ordered += [g for g in (NOT_A_DATE, NO_VALUE) if g in counts]
    return group_of, {g: counts[g] for g in ordered}, False


RESERVED = (NO_VALUE, NOT_A_DATE, ALL_ARTICLES)


def value_label(value: str) -> str:
    """A variable's value as its group's label: itself, or in double quotes when it reads as
    a reserved label (with any quotes around it taken off), so that no value is taken for
    the articles without one and two values never share a label."""
    bare = value
    while len(bare) >= 2 and bare[0] == bare[-1] == '"':
        bare = bare[1:-1]
    return f'"{value}"' if bare in RESERVED else value


def date_bin(value: str, how: Bin) -> str:
    """The bin of an ISO date: ``2016``, ``2016-Q2``, ``2016-05`` or ``2016-W20`` (ISO week,
    whose year can differ from the date's at the turn of a year); ``(not a date)`` for a
    value that is not a date by :func:`annotator.domain.times.iso_date`, the rule the
    article list sorts by."""
    day = iso_date(value)
    if day is None:
        return NOT_A_DATE
    if how is Bin.YEAR:
        return f"{day.year:04d}"
    if how is Bin.QUARTER:
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    if how is Bin.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _coders_label(coder_ids: list[int] | None, names: dict[int, str]) -> str:
    if coder_ids is None:
        return "all coders"
    return ", ".join(names[i] for i in dict.fromkeys(coder_ids))
