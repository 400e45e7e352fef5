"""Crosstab totals and percentages on tallies counted by hand."""

from __future__ import annotations

import pytest

from annotator.analysis.crosstab import Tally, Unit, crosstab


def test_cells_totals_and_percentages() -> None:
    tallies = [
        Tally("A", "x", 1, 2, 30),
        Tally("B", "x", 1, 1, 5),
        Tally("A", "y", 2, 1, 10),
        Tally("A", "y", 3, 3, 12),
    ]
    table = crosstab(tallies, ["A", "B", "C"], {"x": 4, "y": 2, "z": 7})
    assert table.rows == ("A", "B", "C")
    assert table.groups == ("x", "y", "z")
    assert table.table(Unit.SEGMENTS) == [[2, 4, 0], [1, 0, 0], [0, 0, 0]]
    assert table.table(Unit.ARTICLES) == [[1, 2, 0], [1, 0, 0], [0, 0, 0]]
    assert table.table(Unit.CHARACTERS) == [[30, 22, 0], [5, 0, 0], [0, 0, 0]]
    # article 1 holds A and B: one article in x's total
    assert table.group_totals["x"].articles == 1
    assert table.row_totals["A"].articles == 3
    assert table.total.segments == 7
    assert table.total.articles == 3
    assert table.row_percent("A", "y", Unit.SEGMENTS) == pytest.approx(100 * 4 / 6)
    assert table.column_percent("B", "x", Unit.SEGMENTS) == pytest.approx(100 / 3)
    assert table.article_percent("A", "y") == 100.0
    assert table.article_percent("A", "z") == 0.0
    assert table.row_percent("C", "x", Unit.SEGMENTS) is None
    assert table.column_percent("A", "z", Unit.SEGMENTS) is None
