"""Our CSV writer: what the csv module (and so R, Python, spreadsheets) reads back, and
spreadsheet safety that a round trip through annotator undoes exactly."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from annotator.io.csvfiles import neutralise, restore, write_csv

cells = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12),
    st.integers(-(10**6), 10**6),
    st.sampled_from(["=SUM(A1)", "+1", "-2", "@cmd", "\tx", "\rx", "'=x", "'", "''", 'a"b', "a,b"]),
)


def _written(rows: list[list[object]], *, safe: bool) -> str:
    handle = io.StringIO(newline="")
    write_csv(handle, ["a", "b", "c"], rows, safe=safe)
    return handle.getvalue()


@given(st.lists(st.lists(cells, min_size=3, max_size=3), max_size=8))
def test_the_csv_module_reads_back_every_cell(rows: list[list[object]]) -> None:
    text = _written(rows, safe=False)
    read = list(csv.reader(io.StringIO(text, newline="")))
    assert read[0] == ["a", "b", "c"]
    assert read[1:] == [[str(v) for v in row] for row in rows]
    assert text.endswith("\r\n")


@given(st.lists(st.lists(cells, min_size=3, max_size=3), max_size=8))
def test_safe_cells_never_start_a_formula_and_restore_exactly(rows: list[list[object]]) -> None:
    read = list(csv.reader(io.StringIO(_written(rows, safe=True), newline="")))[1:]
    for written, original in zip(read, rows, strict=True):
        for cell, value in zip(written, original, strict=True):
            if isinstance(value, str):
                assert not cell or cell[0] not in "=+-@\t\r"
                assert restore(cell) == value
            else:
                assert cell == str(value)  # numbers, negative ones included, stay numbers


def test_examples() -> None:
    assert neutralise("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert neutralise("plain") == "plain"
    assert restore("'plain") == "'plain"  # somebody's own apostrophe is kept
