"""The codings behind a cell are the ones it counts: recomputed here by brute force from
every coding of the demo project, and their number equal to the table's figure."""

from __future__ import annotations

from itertools import combinations

import pytest

from annotator.analysis.cooccurrence import Within
from annotator.domain.model import Coding
from annotator.services.analysis import NO_VALUE, Bin, Request, Rows, date_bin, frequencies
from annotator.services.analysis import cooccurrences as cooccurrence_table
from annotator.services.analysis_cells import (
    cooccurrence_cell,
    counted_behind,
    frequency_cell,
)
from annotator.storage import Project


def values(project: Project, name: str) -> dict[int, str]:
    variable = project.documents.variable(name)
    assert variable is not None
    found = {d.id: "" for d in project.documents.all()}
    for document_id, variable_id, value in project.db.execute(
        "SELECT document_id, variable_id, value FROM document_values"
    ):
        if variable_id == variable.id:
            found[document_id] = value
    return found


@pytest.fixture
def no_outlet(demo: Project) -> Project:
    """The demo with one article's outlet taken away: a (no value) group."""
    outlet = demo.documents.variable("outlet")
    assert outlet is not None
    demo.documents.set_values(demo.documents.all()[0].id, {outlet.id: None})
    return demo


def test_frequency_cells(no_outlet: Project) -> None:
    project = no_outlet
    tree = project.codebook.tree()
    coders = {c.name: c.id for c in project.coders.all()}
    codings = list(project.codings.all())
    outlets = values(project, "outlet")
    dates = values(project, "date")
    code = tree.find("Actor type > Overseas worker")
    assert code is not None

    def path(c: Coding) -> str:
        return tree.path(c.code_id)

    cases = [
        # (request, row, group, which codings a user would count)
        (
            Request(by="outlet"),
            "Actor type > Overseas worker",
            NO_VALUE,
            lambda c: c.code_id == code.id and outlets[c.document_id] == "",
        ),
        (
            Request(by="date", bin=Bin.YEAR, coders=("Ana",)),
            "Actor type > Overseas worker",
            date_bin(dates[codings[0].document_id], Bin.YEAR),
            lambda c: (
                c.code_id == code.id
                and c.coder_id == coders["Ana"]
                and date_bin(dates[c.document_id], Bin.YEAR)
                == date_bin(dates[codings[0].document_id], Bin.YEAR)
            ),
        ),
        (
            Request(by="coder", rows=Rows.DIMENSIONS),
            "Source reliability",
            "Ben",
            lambda c: path(c).startswith("Source reliability >") and c.coder_id == coders["Ben"],
        ),
        (
            Request(by="outlet", codes=("Motive",)),
            None,
            None,
            lambda c: path(c).startswith("Motive >"),
        ),
        (
            Request(by="outlet", coders=("Ben",)),
            "Actor type > Overseas worker",
            None,
            lambda c: c.code_id == code.id and c.coder_id == coders["Ben"],
        ),
    ]
    for request, row, group, counted in cases:
        behind = frequency_cell(project, request, row, group)
        expected = {c.id for c in codings if counted(c)}
        assert expected  # every case has codings behind it
        assert set(behind.codings) == expected
        table = frequencies(project, request).table
        if row is None and group is None:
            figure = table.total.segments
        elif group is None:
            figure = table.row_totals[row].segments
        else:
            assert row is not None
            figure = table.cell(row, group).segments
        assert behind.count == len(behind.codings) == figure


def overlapping(a: Coding, b: Coding) -> bool:
    if a.start is None or b.start is None:
        return True
    assert a.end is not None
    assert b.end is not None
    return a.start < b.end and b.start < a.end


@pytest.mark.parametrize("within", list(Within))
def test_cooccurrence_cells(demo: Project, within: Within) -> None:
    tree = demo.codebook.tree()
    codings = list(demo.codings.all())
    table = cooccurrence_table(demo, within, rows=Rows.DIMENSIONS)
    seen = 0
    for pair in table.pairs:
        behind = cooccurrence_cell(demo, within, pair.code_a, pair.code_b, rows=Rows.DIMENSIONS)
        assert behind.count == pair.count
        a = [c for c in codings if tree.dimension_of(c.code_id).name == pair.code_a]
        b = [c for c in codings if tree.dimension_of(c.code_id).name == pair.code_b]
        if within is Within.PASSAGE:
            pairs = [
                (x.id, y.id)
                for x in a
                for y in b
                if (x.document_id, x.coder_id) == (y.document_id, y.coder_id) and overlapping(x, y)
            ]
            assert len(pairs) == pair.count
            expected = {i for p in pairs for i in p}
        else:
            units = {(c.document_id, c.coder_id) for c in a} & {
                (c.document_id, c.coder_id) for c in b
            }
            assert len(units) == pair.count
            expected = {c.id for c in a + b if (c.document_id, c.coder_id) in units}
        assert set(behind.codings) == expected
        seen += bool(expected)
    assert seen == len(list(combinations(table.rows, 2)))  # every pair co-occurs in the demo


@pytest.mark.parametrize("by", ["outlet", "coder"])
def test_a_table_counted_before_another_program_wrote_differs_from_its_cells(
    no_outlet: Project, by: str
) -> None:
    """Every cell, totals included, matches the codings behind it (the window raises no
    false alarm); once codings are gone, the cells that held them differ."""
    project = no_outlet
    request = Request(by=by)
    result = frequencies(project, request)
    table = result.table
    cells = [(r, g) for r in (*table.rows, None) for g in (*table.groups, None)]
    for row, group in cells:
        behind = frequency_cell(project, request, row, group)
        assert counted_behind(result, row, group, behind.count) == behind.count
    gone = next(iter(project.codings.all()))
    project.codings.delete(gone.id)
    behind = frequency_cell(project, request, None, None)
    assert counted_behind(result, None, None, behind.count) == behind.count + 1


@pytest.mark.parametrize("within", list(Within))
def test_a_cooccurrence_table_matches_its_cells_until_codings_go(
    demo: Project, within: Within
) -> None:
    table = cooccurrence_table(demo, within, rows=Rows.DIMENSIONS)
    for a in table.rows:
        for b in (*table.rows, None):
            behind = cooccurrence_cell(demo, within, a, b or a, rows=Rows.DIMENSIONS)
            assert counted_behind(table, a, b, behind.count) == behind.count
    pair = max(table.pairs, key=lambda p: p.count)
    tree = demo.codebook.tree()
    for coding in list(demo.codings.all()):
        if tree.dimension_of(coding.code_id).name == pair.code_a:
            demo.codings.delete(coding.id)
    behind = cooccurrence_cell(demo, within, pair.code_a, pair.code_b, rows=Rows.DIMENSIONS)
    assert behind.count == 0
    assert counted_behind(table, pair.code_a, pair.code_b, behind.count) == pair.count > 0
