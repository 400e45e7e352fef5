"""Crosstabs and co-occurrence from codings held in arrays: the same :class:`Crosstab` as
:func:`annotator.analysis.crosstab.crosstab` and the same :class:`Cooccurrence` as
:func:`annotator.analysis.cooccurrence.cooccurrence`, counted with numpy.

The Analysis window reads every coding once, tallied by (code, article, coder), and regroups
those tallies for each option the user changes (another grouping, other coders, other codes):
200,000 codings regroup in a few tens of milliseconds this way, where reading them again takes
a third of a second. Each tally arrives with its row and group already looked up (an index,
``-1`` for a tally the table does not count).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations

import numpy as np
from numpy.typing import NDArray

from annotator.analysis.cooccurrence import Cooccurrence, Pair, Within
from annotator.analysis.crosstab import Cell, Crosstab

IntArray = NDArray[np.int64]


def crosstab_of(
    rows_of: IntArray,
    groups_of: IntArray,
    articles: IntArray,
    segments: IntArray,
    characters: IntArray,
    rows: Sequence[str],
    groups: Sequence[str],
    articles_in_group: Mapping[str, int],
) -> Crosstab:
    """The crosstab of the tallies whose row and group indices are both at least 0 (and whose
    ``segments`` are above 0: a tally emptied by removed codings counts nothing), with
    ``rows`` and ``groups`` in these orders; ``articles_in_group`` gives each group's articles
    (0 for a group it does not name). Cells are those with a tally, as in ``crosstab``."""
    width, height = len(groups), len(rows)
    counted = (rows_of >= 0) & (groups_of >= 0) & (segments > 0)
    row = rows_of[counted]
    group = groups_of[counted]
    article = articles[counted]
    cell = row * width + group
    size = height * width
    cell_segments = np.bincount(cell, weights=segments[counted], minlength=size).astype(np.int64)
    cell_characters = np.bincount(cell, weights=characters[counted], minlength=size).astype(
        np.int64
    )
    cell_articles = _distinct(cell, article, size)
    has_tally = np.bincount(cell, minlength=size) > 0
    cells = tuple(
        Cell(
            rows[index // width],
            groups[index % width],
            int(cell_segments[index]),
            int(cell_articles[index]),
            int(cell_characters[index]),
        )
        for index in np.flatnonzero(has_tally).tolist()
    )
    by_row = cell_segments.reshape(height, width) if size else np.zeros((height, width), np.int64)
    by_row_characters = (
        cell_characters.reshape(height, width) if size else np.zeros((height, width), np.int64)
    )
    row_articles = _distinct(row, article, height)
    group_articles = _distinct(group, article, width)
    return Crosstab(
        rows=tuple(rows),
        groups=tuple(groups),
        cells=cells,
        articles_in_group={g: articles_in_group.get(g, 0) for g in groups},
        row_totals={
            name: Cell(
                name,
                "",
                int(by_row[index].sum()),
                int(row_articles[index]),
                int(by_row_characters[index].sum()),
            )
            for index, name in enumerate(rows)
        },
        group_totals={
            name: Cell(
                "",
                name,
                int(by_row[:, index].sum()),
                int(group_articles[index]),
                int(by_row_characters[:, index].sum()),
            )
            for index, name in enumerate(groups)
        },
        total=Cell(
            "",
            "",
            int(cell_segments.sum()),
            int(np.unique(article).size),
            int(cell_characters.sum()),
        ),
    )


def _distinct(key: IntArray, article: IntArray, size: int) -> IntArray:
    """Per key (0 to ``size`` - 1), the number of distinct articles among its tallies."""
    if not key.size:
        return np.zeros(size, np.int64)
    span = int(article.max()) + 1
    pairs = np.unique(key * span + article)
    return np.bincount(pairs // span, minlength=size).astype(np.int64)


def cooccurrence_of(
    rows_of: IntArray,
    units: IntArray,
    starts: IntArray,
    ends: IntArray,
    rows: Sequence[str],
    within: Within,
) -> Cooccurrence:
    """The same :class:`Cooccurrence` as :func:`annotator.analysis.cooccurrence.cooccurrence`
    of codings held in arrays: each coding's row index (``-1``: not counted), its unit (one
    number per article and coder) and its span (``-1``, ``-1`` for the whole article)."""
    size = len(rows)
    counted = rows_of >= 0
    row, unit = rows_of[counted], units[counted]
    start, end = starts[counted], ends[counted]
    counts = np.zeros(size * size, np.int64)
    if within is Within.ARTICLE:
        held = np.unique(unit * size + row)  # each (unit, row) once, by unit then row
        holding = np.bincount(held % size, minlength=size)
        _add_neighbours(counts, held // size, held % size, np.ones(held.size, np.int64), size)
    else:
        holding = np.bincount(row, minlength=size)
        whole = start < 0
        _add_spans(counts, row[~whole], unit[~whole], start[~whole], end[~whole], size)
        _add_wholes(counts, row[whole], unit[whole], row[~whole], unit[~whole], size)
    pairs = []
    for a, b in combinations(range(size), 2):
        count = int(counts[a * size + b] + counts[b * size + a])
        jaccard = None
        if within is Within.ARTICLE:
            either = int(holding[a] + holding[b]) - count
            jaccard = count / either if either else None
        pairs.append(Pair(rows[a], rows[b], count, jaccard))
    return Cooccurrence(
        within, tuple(rows), tuple(pairs), {n: int(holding[i]) for i, n in enumerate(rows)}
    )


def _add(counts: IntArray, a: IntArray, b: IntArray, weight: IntArray, size: int) -> None:
    """Count the pairs (a, b) of different rows, with their weights."""
    other = a != b
    counts += np.bincount(
        a[other] * size + b[other], weights=weight[other], minlength=size * size
    ).astype(np.int64)


def _add_neighbours(
    counts: IntArray, unit: IntArray, row: IntArray, weight: IntArray, size: int
) -> None:
    """Every pair of entries of one unit (entries sorted by unit), the second's weight."""
    step = 1
    while step < unit.size:
        same = unit[step:] == unit[:-step]
        if not same.any():
            break  # no unit has more than ``step`` entries
        _add(counts, row[:-step][same], row[step:][same], weight[step:][same], size)
        step += 1


def _add_spans(
    counts: IntArray, row: IntArray, unit: IntArray, start: IntArray, end: IntArray, size: int
) -> None:
    """Pairs of passages of one unit sharing a character. Sorted by unit and start, a passage
    overlaps exactly the passages after it that start before it ends: a run of neighbours."""
    if not row.size:
        return
    order = np.lexsort((start, unit))
    row, unit, start, end = row[order], unit[order], start[order], end[order]
    span = int(end.max()) + 1
    keys = unit * span + start
    last = np.searchsorted(keys, unit * span + end, side="left")  # first that starts after
    room = last - np.arange(row.size) - 1
    ones = np.ones(row.size, np.int64)
    step = 1
    active = np.flatnonzero(room >= step)
    while active.size:
        _add(counts, row[active], row[active + step], ones[active], size)
        step += 1
        active = active[room[active] >= step]


def _add_wholes(
    counts: IntArray,
    row: IntArray,
    unit: IntArray,
    span_row: IntArray,
    span_unit: IntArray,
    size: int,
) -> None:
    """A whole-article coding pairs with every other coding of its unit: each passage, each
    other whole-article coding."""
    if not row.size:
        return
    order = np.argsort(unit, kind="stable")
    row, unit = row[order], unit[order]
    _add_neighbours(counts, unit, row, np.ones(row.size, np.int64), size)
    # Passages by (unit, row) with their number, matched to each whole coding's unit.
    found, number = np.unique(span_unit * size + span_row, return_counts=True)
    held_unit, held_row = found // size, found % size
    first = np.searchsorted(held_unit, unit, side="left")
    room = np.searchsorted(held_unit, unit, side="right") - first
    step = 0
    active = np.flatnonzero(room > step)
    while active.size:
        at = first[active] + step
        _add(counts, row[active], held_row[at], number[at], size)
        step += 1
        active = active[room[active] > step]
