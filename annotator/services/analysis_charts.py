"""The charts of an analysis result, as the command line saves them and the window shows
them: bars of a frequency table, its codes' shares over time, the heat map of a
co-occurrence table. Titles and axes say what is counted, by what, and whose codings.

Built on :mod:`annotator.analysis.charts` (matplotlib figures, no display); save one with
:func:`annotator.io.chart_files.save_chart`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING

from annotator.analysis import charts
from annotator.analysis.cooccurrence import Cooccurrence, Within
from annotator.analysis.crosstab import Unit
from annotator.domain.colors import PALETTE, normalise_color
from annotator.domain.errors import UserError
from annotator.services.analysis import (
    ALL_ARTICLES,
    BY_ALL,
    BY_CODER,
    NO_VALUE,
    NOT_A_DATE,
    Frequencies,
    Show,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure


class ChartKind(StrEnum):
    """How a frequency table is drawn."""

    BARS = "bars"  # one cluster of bars per group, one bar per code
    STACKED = "stacked"  # one bar per group, the codes stacked
    LINES = "lines"  # one line per code across the groups (periods)


MEASURES = ("count", "jaccard")
#: A chart draws at most this many codes (bars, lines or a heat map's side) and this many
#: groups of bars; beyond, it would be unreadable and slow to draw, and is refused.
CHART_LIMIT = 60


class ChartTooLargeError(UserError):
    """A chart would hold more codes or groups than :data:`CHART_LIMIT`."""


UNIT_NOUNS = {
    Unit.SEGMENTS: "Coded segments",
    Unit.ARTICLES: "Articles coded",
    Unit.CHARACTERS: "Coded characters",
}
NOT_PERIODS = (NO_VALUE, NOT_A_DATE)
_PERIOD_FORMS = {
    "year": re.compile(r"^(\d{4})$"),
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$"),
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
    "week": re.compile(r"^(\d{4})-W(\d{2})$"),
}


def frequencies_chart(
    result: Frequencies,
    unit: Unit = Unit.SEGMENTS,
    show: Show | None = None,
    kind: ChartKind | None = None,
) -> Figure:
    """The chart of a frequency table in ``unit``: bars (grouped or stacked) or lines.
    ``kind`` ``None`` draws lines when the groups are periods of a date, bars otherwise;
    ``show`` ``None`` plots counts in bars and, in lines, each code's share of the period's
    codings (column percent). Lines leave out ``(no value)`` and ``(not a date)`` (not
    periods) and mark a period without articles as a gap."""
    kind = kind or (ChartKind.LINES if result.binned else ChartKind.BARS)
    _check_size(result, kind)
    if show is None:
        show = Show.COLUMN_PERCENT if kind is ChartKind.LINES else Show.COUNTS
    table = result.table
    rows = list(table.rows)
    colors = row_colors(result)
    period = _period_kind(table.groups) if result.binned else None
    title = f"{_plotted(result.by, unit, show, period)} — {coders_phrase(result.coders)}"
    value_label = _value_label(result, unit, show, period)
    group_label = _group_label(result.by, period)
    if kind is ChartKind.LINES:
        groups = [g for g in table.groups if g not in NOT_PERIODS]
        if period is not None:
            groups = fill_periods(groups, period)
        # A period without articles is a gap whatever is shown (its count is not a zero
        # observed); a period with articles but none of a code's codings is a 0.
        held = {g for g in groups if table.articles_in_group.get(g, 0) > 0}
        series = {
            row: [
                _number(result.value(row, group, unit, show)) if group in held else math.nan
                for group in groups
            ]
            for row in rows
        }
        return charts.line_chart(
            groups,
            series,
            colors=colors,
            title=title,
            value_label=value_label,
            period_label=group_label or "Period",
        )
    groups = list(table.groups)
    values = [
        [_number(result.value(row, group, unit, show), missing=0.0) for group in groups]
        for row in rows
    ]
    return charts.bar_chart(
        rows,
        [_group_name(group) for group in groups],
        values,
        colors=colors,
        stacked=kind is ChartKind.STACKED,
        title=title,
        value_label=value_label,
        group_label=group_label,
    )


def cooccurrence_chart(
    result: Cooccurrence, measure: str = "count", *, coders: str | None = None
) -> Figure:
    """The heat map of a co-occurrence table: ``count`` (pairs of overlapping codings within
    a passage; (article, coder) pairs holding both within an article) or ``jaccard`` (article
    level only). The diagonal (a code with itself) is left blank. ``coders`` names whose
    codings were counted, for the title (as :attr:`Frequencies.coders` does)."""
    if measure not in MEASURES:
        raise UserError(f"'{measure}' is not a co-occurrence measure (count or jaccard)")
    if measure == "jaccard" and result.within is Within.PASSAGE:
        raise UserError(
            "the Jaccard coefficient is defined within articles: use --within article, "
            "or --measure count"
        )
    if len(result.rows) > CHART_LIMIT:
        raise ChartTooLargeError(
            f"the heat map would hold {len(result.rows):,} × {len(result.rows):,} codes, more "
            f"than {CHART_LIMIT} a side: choose fewer codes (--codes) or rows = dimensions"
        )
    index = {row: i for i, row in enumerate(result.rows)}
    size = len(result.rows)
    matrix = [[math.nan] * size for _ in range(size)]
    for pair in result.pairs:
        a, b = index[pair.code_a], index[pair.code_b]
        value = float(pair.count) if measure == "count" else _number(pair.jaccard)
        matrix[a][b] = matrix[b][a] = value
    where = "a passage" if result.within is Within.PASSAGE else "an article"
    title = f"Codes applied together within {where}"
    if measure == "jaccard":
        title += " (Jaccard)"
    if coders:
        title += f" — {coders_phrase(coders)}"
    if measure == "jaccard":
        value_label = "Jaccard coefficient"
    elif result.within is Within.PASSAGE:
        value_label = "Pairs of overlapping codings"
    else:
        value_label = "Articles holding both (per coder)"
    return charts.heatmap(list(result.rows), matrix, title=title, value_label=value_label)


def _check_size(result: Frequencies, kind: ChartKind) -> None:
    """Refuse a chart of more than :data:`CHART_LIMIT` codes, or groups of bars, in one line
    saying how many and what to choose instead."""
    rows, groups = len(result.table.rows), len(result.table.groups)
    if rows <= CHART_LIMIT and (kind is ChartKind.LINES or groups <= CHART_LIMIT):
        return
    raise ChartTooLargeError(
        f"the chart would draw {rows:,} codes × {groups:,} groups, more than {CHART_LIMIT} "
        "of either: choose fewer codes (--codes), rows = dimensions, or fewer groups"
    )


def row_colors(result: Frequencies) -> list[str]:
    """Each row's colour in table order: the code's, else (a colour not of the form
    ``#RRGGBB``, a row without a code) one from the palette."""
    colors = []
    for index, row in enumerate(result.table.rows):
        try:
            colors.append(normalise_color(result.colors[row]))
        except (KeyError, UserError):
            colors.append(PALETTE[index % len(PALETTE)])
    return colors


def coders_phrase(coders: str) -> str:
    """``all coders``, ``coder Ana`` or ``coders Ana, Ben``, from a result's ``coders``."""
    if coders == "all coders":
        return coders
    return f"coders {coders}" if ", " in coders else f"coder {coders}"


def fill_periods(periods: Sequence[str], kind: str) -> list[str]:
    """``periods`` (labels of one kind, e.g. ``2016-Q2``) with the periods missing between
    the first and the last put in, in order; labels of another form are kept at the end."""
    form = _PERIOD_FORMS[kind]
    keys = []
    others = []
    for label in periods:
        match = form.match(label)
        if match is None:
            others.append(label)
        else:
            keys.append(tuple(int(part) for part in match.groups()))
    if not keys:
        return list(periods)
    keys.sort()
    first, last = keys[0], keys[-1]
    filled = []
    current = first
    while current <= last:
        filled.append(_period_label(current, kind))
        current = _next_period(current, kind)
    return filled + others


def _next_period(key: tuple[int, ...], kind: str) -> tuple[int, ...]:
    if kind == "year":
        return (key[0] + 1,)
    year, part = key
    if kind == "week":
        from datetime import date

        last_week = date(year, 12, 28).isocalendar()[1]  # 28 December is always in the last
        return (year + 1, 1) if part >= last_week else (year, part + 1)
    top = 4 if kind == "quarter" else 12
    return (year + 1, 1) if part >= top else (year, part + 1)


def _period_label(key: tuple[int, ...], kind: str) -> str:
    if kind == "year":
        return f"{key[0]:04d}"
    year, part = key
    if kind == "quarter":
        return f"{year:04d}-Q{part}"
    if kind == "week":
        return f"{year:04d}-W{part:02d}"
    return f"{year:04d}-{part:02d}"


def _period_kind(groups: Sequence[str]) -> str | None:
    """Which bins the groups are (year, quarter, month, week), from their labels."""
    for group in groups:
        for kind, form in _PERIOD_FORMS.items():
            if form.match(group):
                return kind
    return None


def _by_phrase(by: str, period: str | None) -> str:
    if period is not None:
        return f"by {by}, per {period}"
    if by == BY_ALL:
        return "in all articles"
    return f"by {by}"


def _plotted(by: str, unit: Unit, show: Show, period: str | None) -> str:
    """The chart's title before its coders: what is plotted, by what. A share of the
    group's articles counts articles coded whatever the unit."""
    if show is not Show.ARTICLE_PERCENT:
        return f"{UNIT_NOUNS[unit]} {_by_phrase(by, period)}"
    if period is not None:
        return f"Articles coded, % of each {period}'s articles, by {by}"
    if by == BY_ALL:
        return "Articles coded, % of all articles"
    return f"Articles coded, % of each {by}'s articles"


def _group_label(by: str, period: str | None) -> str:
    if period is not None:
        return f"{by} ({period})"
    return "" if by == BY_ALL else by


def _group_name(group: str) -> str:
    return "All articles" if group == ALL_ARTICLES else group


def _value_label(result: Frequencies, unit: Unit, show: Show, period: str | None) -> str:
    noun = UNIT_NOUNS[unit].lower()
    if period is not None:
        group = "the period's"
    elif result.by == BY_CODER:
        group = "the coder's"
    elif result.by == BY_ALL:
        group = "all"
    else:
        group = f"the {result.by}'s"
    if show is Show.COUNTS:
        return UNIT_NOUNS[unit]
    if show is Show.ROW_PERCENT:
        return f"% of the code's {noun}"
    if show is Show.COLUMN_PERCENT:
        return f"% of {group} {noun}"
    return f"Articles coded, % of {group} articles"


def _number(value: float | None, missing: float = math.nan) -> float:
    return missing if value is None else float(value)
