"""Tables for spreadsheets (io/tables.py): .xlsx read back with python-calamine, cell by cell
and type by type (numbers as numbers, None as empty, text always text — a hostile cell
included); .csv through the CSV writer's formula guard; unknown suffixes and projects
refused with nothing written."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from annotator.domain.errors import BadFileError
from annotator.io.csvfiles import read_csv
from annotator.io.tables import MAX_CELL, sheet_name, write_table
from annotator.services import create_project

HEADER = ["code_path", "group", "segments", "row_percent", "coders"]
HOSTILE = '=HYPERLINK("http://evil.invalid","click")'
ROWS = [
    ["Motive > Economy", "Pacific Wire", 12, 37.5, "Ana"],
    [HOSTILE, "+1", 0, None, "-2"],
    ["Motive > Political", "2016-05", 3, float("nan"), "@SUM(A1:A2)"],
]


def _sheet(path: Path) -> tuple[str, list[list[object]]]:
    workbook = CalamineWorkbook.from_path(str(path))
    name = workbook.sheet_names[0]
    return name, workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)


def test_xlsx_keeps_numbers_as_numbers_and_text_as_text(tmp_path: Path) -> None:
    target = tmp_path / "table.xlsx"
    write_table(target, HEADER, ROWS, sheet="frequencies")
    name, cells = _sheet(target)
    assert name == "frequencies"
    assert cells[0] == HEADER
    first = cells[1]
    assert first[:2] == ["Motive > Economy", "Pacific Wire"]
    assert isinstance(first[2], int | float)
    assert first[2] == 12
    assert isinstance(first[3], float)
    assert first[3] == 37.5
    # Text that looks like a formula or a number stays the text it was, not neutralised.
    assert cells[2][0] == HOSTILE
    assert cells[2][1] == "+1"
    assert cells[2][4] == "-2"
    assert cells[3][4] == "@SUM(A1:A2)"
    # None and NaN are empty cells, not zeros nor the text "None".
    assert cells[2][3] == ""
    assert cells[3][3] == ""
    with zipfile.ZipFile(target) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
        strings = archive.read("xl/sharedStrings.xml").decode("utf-8")
    assert "<f>" not in sheet_xml  # no formula anywhere
    assert "HYPERLINK" not in sheet_xml  # the hostile text is a shared string …
    assert "HYPERLINK" in strings  # … stored as text
    assert "hyperlink" not in sheet_xml.lower()  # and no link was made of a URL


def test_xlsx_header_is_bold_and_frozen_with_widths_that_fit(tmp_path: Path) -> None:
    target = tmp_path / "table.xlsx"
    write_table(target, HEADER, ROWS)
    with zipfile.ZipFile(target) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
        styles = archive.read("xl/styles.xml").decode("utf-8")
    assert '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' in sheet_xml
    assert "<b/>" in styles
    assert '<c r="A1" s="1" t="s">' in sheet_xml  # the header cells carry the bold format
    assert '<c r="A2" t="s">' in sheet_xml  # the rows do not
    widths = _widths(sheet_xml)
    assert len(widths) == len(HEADER)
    # The first column holds the long hostile text; the number columns are narrow.
    assert widths[0] > widths[2]
    assert all(6 <= w <= 63 for w in widths)


def _widths(xml: str) -> list[float]:
    """Each column's width, from the <col min max width> ranges."""
    widths: list[float] = []
    for low, high, width in re.findall(r'<col min="(\d+)" max="(\d+)" width="([0-9.]+)"', xml):
        widths += [float(width)] * (int(high) - int(low) + 1)
    return widths


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("frequencies", "frequencies"),
        ("a/b:c*d?e[f]g\\h", "a_b_c_d_e_f_g_h"),
        ("x" * 40, "x" * 31),
        ("'quoted'", "quoted"),
        ("", "table"),
        ("   ", "table"),
        ("History", "History_"),
    ],
)
def test_sheet_names_are_what_excel_accepts(given: str, expected: str, tmp_path: Path) -> None:
    assert sheet_name(given) == expected
    target = tmp_path / "named.xlsx"
    write_table(target, ["a"], [[1]], sheet=given)
    assert _sheet(target)[0] == expected


def test_csv_goes_through_the_formula_guard(tmp_path: Path) -> None:
    target = tmp_path / "table.csv"
    write_table(target, HEADER, ROWS)
    text = target.read_bytes().decode("utf-8")
    assert text.startswith("code_path,group,segments,row_percent,coders\r\n")
    assert "nan" not in text
    assert "'=HYPERLINK" in text  # neutralised for spreadsheets …
    header, rows = read_csv(target)
    assert header == HEADER
    assert rows[1][1]["code_path"] == HOSTILE  # … and read back as it was
    assert rows[1][1]["row_percent"] == ""
    assert rows[2][1]["row_percent"] == ""  # NaN is an empty field, as in a workbook


def test_an_unknown_suffix_is_refused_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(
        BadFileError, match=r"table\.ods: is not a table file: name it \.csv or \.xlsx"
    ):
        write_table(tmp_path / "table.ods", HEADER, ROWS)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_never_onto_a_project_and_all_or_nothing(suffix: str, tmp_path: Path) -> None:
    project = tmp_path / "study.annotator"
    with create_project(project):
        pass
    before = project.read_bytes()
    disguised = tmp_path / f"study{suffix}"
    disguised.write_bytes(before)
    with pytest.raises(BadFileError, match="is an annotator project"):
        write_table(disguised, HEADER, ROWS)
    assert disguised.read_bytes() == before
    # The project the table was made from, known by its inode even without our header.
    linked = tmp_path / f"linked{suffix}"
    linked.hardlink_to(project)
    with pytest.raises(BadFileError, match="is the project being exported"):
        write_table(linked, HEADER, ROWS, protect=[project])
    assert project.read_bytes() == before
    # A table that fails half way leaves the old file as it was, and no temporary file.
    old = tmp_path / f"old{suffix}"
    old.write_bytes(b"old")

    def failing() -> list[object]:
        yield ["fine", "g", 1, 1.0, "Ana"]
        raise RuntimeError("the source failed")

    with pytest.raises(RuntimeError):
        write_table(old, HEADER, failing())
    assert old.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"linked{suffix}",
        f"old{suffix}",
        "study.annotator",
        f"study{suffix}",
    ]


def test_a_cell_longer_than_excel_allows_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "long.xlsx"
    with pytest.raises(BadFileError, match=r"long\.xlsx: a cell holds 32,768 characters"):
        write_table(target, ["text"], [["x" * (MAX_CELL + 1)]])
    assert not target.exists()
    write_table(target, ["text"], [["x" * MAX_CELL]])
    assert _sheet(target)[1][1] == ["x" * MAX_CELL]
