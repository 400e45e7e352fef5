"""What the Analysis window's table shows, as plain values (no Qt): the header, one line per
row with its figures, the totals and N, and the caption saying what is counted. The view
shows it, Ctrl+C copies it and "Export table…" writes it, so all three show the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from annotator.analysis.cooccurrence import Cooccurrence, Within
from annotator.analysis.crosstab import Unit
from annotator.services.analysis import (
    ALL_ARTICLES,
    BY_ALL,
    BY_CODER,
    NO_VALUE,
    NOT_A_DATE,
    Frequencies,
    Rows,
    Show,
)
from annotator.services.analysis_charts import coders_phrase

TOTAL = "Total"
N_ARTICLES = "N articles"

SHOW_LABELS = {
    Show.COUNTS: "counts",
    Show.ROW_PERCENT: "row %",
    Show.COLUMN_PERCENT: "column %",
    Show.ARTICLE_PERCENT: "% of articles",
}
UNIT_LABELS = {
    Unit.SEGMENTS: "segments",
    Unit.ARTICLES: "articles",
    Unit.CHARACTERS: "characters",
}
_UNIT_WORDS = {
    Unit.SEGMENTS: "coded segments",
    Unit.ARTICLES: "articles coded",
    Unit.CHARACTERS: "coded characters",
}
MEASURES = {"count": "count", "jaccard": "Jaccard"}


@dataclass(frozen=True)
class Line:
    """One row of the table: its label, its figures (one per column, ``None`` or NaN where a
    share is of nothing; a row of an array for a frequency table), what it is (``row``: a
    code or dimension; ``total``; ``articles``: N), the crosstab row it shows (``None`` for
    the totals) and its colour."""

    label: str
    values: Sequence[float | None]
    kind: str
    key: str | None = None
    color: str | None = None


@dataclass(frozen=True)
class Grid:
    """A table as the window shows it. ``columns`` are the headers after the label column
    (``corner``), ``keys`` the group (or co-occurring row) each column is of (``None``: the
    total); ``percent`` and ``decimals`` say how the figures read; ``diagonal``: a
    co-occurrence matrix, whose cell of a row with itself is blank."""

    corner: str
    columns: tuple[str, ...]
    keys: tuple[str | None, ...]
    lines: tuple[Line, ...]
    caption: str
    percent: bool = False
    decimals: int = 0
    diagonal: bool = False

    def _whole(self, line: Line, column: int) -> bool:
        """Whether a figure is a count whatever the table shows: N articles, and how often
        each row was coded (a co-occurrence table's last column)."""
        return line.kind == "articles" or (self.diagonal and column == len(self.columns) - 1)

    def text(self, line: Line, column: int) -> str:
        """The figure in a column of a line as the table shows it (and Ctrl+C copies it)."""
        value = line.values[column]
        if self.diagonal and line.key == self.keys[column]:
            return ""
        if value is None or value != value:  # None or NaN: a share of nothing
            return "—"
        if self._whole(line, column):
            return f"{value:.0f}"
        if self.percent:
            return f"{value:.1f}%"
        if self.decimals:
            return f"{value:.{self.decimals}f}"
        return f"{value:.0f}"

    def number(self, line: Line, column: int) -> float | int | None:
        """The figure as an export writes it: a whole number for counts, a percentage to
        two decimals, a coefficient to its decimals, ``None`` where there is none."""
        value = line.values[column]
        if value is None or value != value:
            return None
        value = float(value)
        if self._whole(line, column) or not (self.percent or self.decimals):
            return round(value)
        return round(value, 2 if self.percent else self.decimals)

    def widest(self) -> list[str]:
        """For each figure column, the longest text it shows: of its largest and smallest
        figure, and of the totals (counted over whole arrays, not cell by cell)."""
        rows = [line.values for line in self.lines if line.kind == "row"]
        extremes = []
        if rows:
            figures = np.array(rows, dtype=np.float64)  # None becomes NaN
            extremes = [
                Line("", np.fmax.reduce(figures, axis=0), "row"),
                Line("", np.fmin.reduce(figures, axis=0), "row"),
            ]
        others = [line for line in self.lines if line.kind != "row"]
        return [
            max(("—", *(self.text(line, column) for line in (*extremes, *others))), key=len)
            for column in range(len(self.columns))
        ]

    def header(self) -> list[str]:
        return [self.corner, *self.columns]

    def records(self) -> list[list[object]]:
        """The rows an export writes: each line's label and figures, then an empty row and
        the caption (what is counted, by which coders, in which unit)."""
        rows: list[list[object]] = [
            [line.label, *(self.number(line, c) for c in range(len(self.columns)))]
            for line in self.lines
        ]
        rows.append([])
        rows.append([self.caption])
        return rows


def group_name(group: str) -> str:
    """A group's column header."""
    return "All articles" if group == ALL_ARTICLES else group


def total_header(headers: list[str]) -> str:
    """The totals column's header: "Total", unless a group is called so (an outlet named
    "Total"); then "Total (all groups)", so that the view and an export tell them apart."""
    if TOTAL not in headers:
        return TOTAL
    header, count = f"{TOTAL} (all groups)", 2
    while header in headers:
        header, count = f"{TOTAL} (all groups, {count})", count + 1
    return header


def frequency_grid(
    result: Frequencies, unit: Unit, show: Show, n_total: int, rows: Rows = Rows.CODES
) -> Grid:
    """The crosstab in ``unit`` shown as ``show``: a line per row, Total and N articles, a
    Total column. ``n_total`` is the number of articles all groups hold together (articles
    coded by any chosen coder when the groups are coders: one article is in several)."""
    table = result.table
    groups = table.groups
    total = table.total
    grand = total.count(unit)

    def share(part: float, whole: float) -> float | None:
        return 100 * part / whole if whole else None

    # The figures as one array (NaN: a share of nothing), each line a view of its row: a
    # table of 2,000 codes by 500 groups is shown without a million Python values.
    if show is Show.COUNTS:
        figures = table.matrix(unit).astype(np.float64)
    else:
        by_row, by_column, of_articles = table.percents(unit)
        figures = {Show.ROW_PERCENT: by_row, Show.COLUMN_PERCENT: by_column}.get(show, of_articles)
    row_sums: list[float | None] = []
    for row in table.rows:
        row_total = table.row_totals[row]
        if show is Show.COUNTS:
            row_sums.append(row_total.count(unit))
        elif show is Show.ROW_PERCENT:
            row_sums.append(100.0 if row_total.count(unit) else None)
        elif show is Show.COLUMN_PERCENT:
            row_sums.append(share(row_total.count(unit), grand))
        else:
            row_sums.append(share(row_total.articles, n_total))
    figures = np.column_stack(
        [
            figures.reshape(len(table.rows), len(groups)),
            np.array([np.nan if v is None else v for v in row_sums]),
        ]
    )
    lines = [
        Line(row, figures[index], "row", row, result.colors.get(row))
        for index, row in enumerate(table.rows)
    ]
    sums: list[float | None] = []
    for group in [*groups, None]:
        cell = total if group is None else table.group_totals[group]
        if show is Show.COUNTS:
            sums.append(cell.count(unit))
        elif show is Show.ROW_PERCENT:
            sums.append(share(cell.count(unit), grand))
        elif show is Show.COLUMN_PERCENT:
            sums.append(100.0 if cell.count(unit) else None)
        else:
            articles = n_total if group is None else table.articles_in_group[group]
            sums.append(share(cell.articles, articles))
    lines.append(Line(TOTAL, tuple(sums), "total"))
    counts = [float(table.articles_in_group[g]) for g in groups]
    lines.append(Line(N_ARTICLES, (*counts, float(n_total)), "articles"))
    headers = [group_name(g) for g in groups]
    return Grid(
        corner="Dimension" if rows is Rows.DIMENSIONS else "Code",
        columns=(*headers, total_header(headers)),
        keys=(*groups, None),
        lines=tuple(lines),
        caption=frequency_caption(result, unit, show, rows),
        percent=show is not Show.COUNTS,
    )


def frequency_caption(result: Frequencies, unit: Unit, show: Show, rows: Rows) -> str:
    """What the table counts, in which unit, by whom, in one sentence."""
    by = result.by
    if by == BY_ALL:
        groups = "in all articles"
    elif by == BY_CODER:
        groups = "by coder"
    elif result.binned:
        period = _period(result.table.groups)
        groups = f"by {by}, per {period}" if period else f"by {by}"
    else:
        groups = f"by {by}"
    noun = "dimension" if rows is Rows.DIMENSIONS else "code"
    if show is Show.ARTICLE_PERCENT:
        what = f"Articles coded with each {noun} {groups}, as % of the group's articles"
    else:
        what = f"{_UNIT_WORDS[unit].capitalize()} per {noun} {groups}"
        if show is Show.ROW_PERCENT:
            what += f", as % of the {noun}'s total"
        elif show is Show.COLUMN_PERCENT:
            what += ", as % of the group's total"
    return f"{what}; {coders_phrase(result.coders)}."


def _period(groups: tuple[str, ...]) -> str:
    for group in groups:
        if group in (NO_VALUE, NOT_A_DATE):
            continue
        if "-Q" in group:
            return "quarter"
        if "-W" in group:
            return "week"
        return "month" if "-" in group else "year"
    return ""


def independence_text(result: Frequencies, unit: Unit) -> tuple[str, str]:
    """The χ² line under the table and its warning ("" when none), or why it is not
    defined."""
    test = result.independence(unit)
    if test is None:
        return (
            "χ² not defined: it needs at least two codes and two groups with codings"
            + (" (one group: all articles)" if result.by == BY_ALL else "")
            + ".",
            "",
        )
    counted = "segments" if unit is Unit.CHARACTERS else UNIT_LABELS[unit]
    left_out = [
        g for g in (NO_VALUE, NOT_A_DATE) if g in result.table.groups and not result.by_coder
    ]
    line = (
        f"χ² = {test.chi2:.3f}, df = {test.df}, p = {test.p:.4g}, Cramér's V = "
        f"{test.cramers_v:.3f}, n = {test.n} (on {counted}"
        + (f"; {' and '.join(left_out)} left out" if left_out else "")
        + ")"
    )
    return line, test.warning


def cooccurrence_grid(result: Cooccurrence, measure: str, coders: str, rows: Rows) -> Grid:
    """The code × code matrix of ``measure`` (count or jaccard), a last column giving how
    often each row was coded (codings within a passage; (article, coder) pairs within an
    article); the cell of a row with itself is blank."""
    jaccard = measure == "jaccard"
    value: dict[tuple[str, str], float | None] = {}
    for pair in result.pairs:
        figure = pair.jaccard if jaccard else float(pair.count)
        value[(pair.code_a, pair.code_b)] = value[(pair.code_b, pair.code_a)] = figure
    lines = tuple(
        Line(
            row,
            (
                *(None if row == other else value.get((row, other)) for other in result.rows),
                float(result.holding.get(row, 0)),
            ),
            "row",
            row,
        )
        for row in result.rows
    )
    passage = result.within is Within.PASSAGE
    held = "Codings" if passage else "Articles × coders"
    if jaccard:
        what = "Jaccard coefficient (both over either) of (article, coder) pairs holding codes"
    elif passage:
        what = "Pairs of overlapping codings by one coder (within a passage)"
    else:
        what = "(Article, coder) pairs holding both codes (within an article)"
    noun = "Dimension" if rows is Rows.DIMENSIONS else "Code"
    return Grid(
        corner=noun,
        columns=(*result.rows, held),
        keys=(*result.rows, None),
        lines=lines,
        caption=f"{what}; {coders_phrase(coders)}. {held}: how often each "
        f"{noun.lower()} was coded.",
        decimals=3 if jaccard else 0,
        diagonal=True,
    )
