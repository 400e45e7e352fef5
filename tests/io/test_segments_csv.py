"""The long segments CSV: reading rows with their lines, refusing bad ones, and round trips."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from annotator.domain.errors import BadFileError
from annotator.io.segments_csv import COLUMNS, SegmentRow, read_segments, write_segments

HEADER = ",".join(COLUMNS) + "\n"


def write(tmp_path: Path, text: str, name: str = "codings.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def bad(path: Path, line: int) -> BadFileError:
    with pytest.raises(BadFileError) as caught:
        read_segments(path)
    error = caught.value
    assert error.path == path
    assert error.line == line
    assert str(error).startswith(f"{path.name}, line {line}: ")
    return error


def test_full_rows(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER + ",,01_restaurant-workers,Ana,Overseas worker,Actor type > Overseas worker,"
        "Actor type,72,225,A group of women,,2026-03-14T09:13:52Z\n"
        "7,3,,Ben,Political,,Motive,0,5,,a memo,2026-03-14T09:15:06+09:00\n",
    )
    rows = read_segments(path)
    assert rows == [
        SegmentRow(
            line=2,
            document_name="01_restaurant-workers",
            document_id=None,
            coder="Ana",
            code_path="Actor type > Overseas worker",
            start=72,
            end=225,
            text="A group of women",
            memo="",
            created_at="2026-03-14T09:13:52Z",
        ),
        SegmentRow(
            line=3,
            document_name=None,
            document_id=3,
            coder="Ben",
            code_path="Motive > Political",  # from dimension and code
            start=0,
            end=5,
            text=None,
            memo="a memo",
            created_at="2026-03-14T00:15:06Z",  # kept in UTC
        ),
    ]


def test_minimal_columns(tmp_path: Path) -> None:
    path = write(
        tmp_path, "document_name,coder,code_path,start,end\nart,Ana,Motive > Political,1,4\n"
    )
    (row,) = read_segments(path)
    assert (row.document_name, row.coder, row.code_path, row.start, row.end) == (
        "art",
        "Ana",
        "Motive > Political",
        1,
        4,
    )
    assert row.text is None
    assert row.created_at is None
    assert row.memo == ""


def test_code_path_is_taken_before_dimension_and_code(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "document_name,coder,code_path,dimension,code,start,end\n"
        "art,Ana,Motive > Political,Actor type,Diplomat,1,4\n",
    )
    assert read_segments(path)[0].code_path == "Motive > Political"


def test_bundled_codings_file_is_read() -> None:
    path = Path(__file__).resolve().parents[2] / "corpus" / "codings.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        expected = [r for r in csv.DictReader(handle) if any(v.strip() for v in r.values())]
    rows = read_segments(path)
    assert len(rows) == len(expected)
    for row, record in zip(rows, expected, strict=True):
        assert row.coder == record["coder"].strip()
        assert row.code_path == record["code_path"].strip()
        assert row.start == (int(record["start"]) if record["start"].strip() else None)
        assert row.end == (int(record["end"]) if record["end"].strip() else None)


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("document_name,code_path,start,end", "coder"),
        ("document_name,coder,code_path,end", "start"),
        ("document_name,coder,code_path,start", "end"),
        ("coder,code_path,start,end", "document_name"),
        ("document_name,coder,dimension,start,end", "code_path"),
        ("document_name,coder,code,start,end", "code_path"),
    ],
)
def test_required_columns(tmp_path: Path, header: str, missing: str) -> None:
    path = write(tmp_path, header + "\n" + ",".join(["x"] * header.count(",")) + ",1\n")
    assert missing in bad(path, 1).problem


def test_article_level_rows(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER + ",,art,Ana,Political,Motive > Political,Motive,,,,,\n"
        ",,art,Ana,Political,Motive > Political,Motive, , ,,,\n",
    )
    rows = read_segments(path)
    assert [(r.start, r.end) for r in rows] == [(None, None), (None, None)]
    assert [r.line for r in rows] == [2, 3]


def test_crlf_inside_a_quoted_text_cell(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(
        (
            HEADER.replace("\n", "\r\n")
            + ',,art,Ana,,Motive > Political,,0,12,"one\r\ntwo\r\nthree",,\r\n'
            + ",,art,Ana,,Motive > Political,,3,4,x,,\r\n"
            + ',,art,Ana,,Motive > Political,,3,4,"old\rmac",,\r\n'
        ).encode("utf-8")
    )
    rows = read_segments(path)
    assert rows[0].text == "one\ntwo\nthree"
    assert rows[1].text == "x"
    assert rows[2].text == "old\nmac"
    assert [r.line for r in rows[:2]] == [2, 5]


def test_multiline_cells_give_the_right_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER + ',,a,Ana,,M > P,,0,9,"first\nsecond\nthird",,\n'
        "\n"
        ',,b,Ana,,M > P,,0,9,plain,"memo\non two lines",\n'
        ",,c,Ana,,M > P,,0,9,plain,,\n",
    )
    rows = read_segments(path)
    assert [(r.document_name, r.line) for r in rows] == [("a", 2), ("b", 6), ("c", 8)]
    assert rows[1].memo == "memo\non two lines"


def test_error_after_multiline_cells_names_the_right_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER + ',,a,Ana,,M > P,,0,9,"first\nsecond\nthird",,\n,,b,Ana,,M > P,,zero,9,plain,,\n',
    )
    assert "zero" in bad(path, 5).problem


@pytest.mark.parametrize("value", ["1.5", "-3", "ten", "1e3", "0x10"])
def test_non_integer_start(tmp_path: Path, value: str) -> None:
    path = write(
        tmp_path,
        HEADER + ",,a,Ana,,M > P,,0,9,,,\n" + f",,a,Ana,,M > P,,{value},20,,,\n",
    )
    error = bad(path, 3)
    assert "start" in error.problem
    assert value in error.problem


def test_non_integer_end(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + ",,a,Ana,,M > P,,0,nine,,,\n")
    assert "end" in bad(path, 2).problem


def test_unicode_digits_in_start_are_refused_with_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + ",,a,Ana,,M > P,,²,9,,,\n")
    bad(path, 2)


def test_unicode_digits_in_document_id_are_refused_with_the_line(tmp_path: Path) -> None:
    # "²".isdigit() is true, but it is not a number int() accepts.
    path = write(tmp_path, HEADER + ",²,,Ana,,M > P,,0,9,,,\n")
    assert "document_id" in bad(path, 2).problem


def test_non_numeric_document_id(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + ",abc,,Ana,,M > P,,0,9,,,\n")
    assert "abc" in bad(path, 2).problem


@pytest.mark.parametrize(("start", "end"), [("5", ""), ("", "9")])
def test_only_one_of_start_and_end(tmp_path: Path, start: str, end: str) -> None:
    path = write(tmp_path, HEADER + f",,a,Ana,,M > P,,{start},{end},,,\n")
    assert "both" in bad(path, 2).problem


@pytest.mark.parametrize("value", ["14/03/2026", "yesterday", "2026-13-01T00:00:00Z"])
def test_bad_created_at(tmp_path: Path, value: str) -> None:
    path = write(tmp_path, HEADER + f",,a,Ana,,M > P,,0,9,,,{value}\n")
    error = bad(path, 2)
    assert "created_at" in error.problem
    assert value in error.problem


def test_missing_coder(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + ",,a,Ana,,M > P,,0,9,,,\n,,a,  ,,M > P,,0,9,,,\n")
    assert "coder" in bad(path, 3).problem


def test_missing_document(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + ",,,Ana,,M > P,,0,9,,,\n")
    assert "document" in bad(path, 2).problem


def test_missing_code(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + ",,a,Ana,Political,,,0,9,,,\n")
    assert "code_path" in bad(path, 2).problem


# -- round trip ----------------------------------------------------------------------------

ROUND_TRIP = [
    (
        "",
        "",
        "01_restaurant-workers",
        "Ana",
        "Overseas worker",
        "Actor type > Overseas worker",
        "Actor type",
        72,
        225,
        'She said, "we left at night" — then,\nafter a pause: “never again” 😀',
        'memo, with "quotes"\nand a newline',
        "2026-03-14T09:13:52Z",
    ),
    (
        17,
        4,
        "북한 기사",
        "Ben",
        "Political",
        "Motive > Political",
        "Motive",
        None,
        None,
        None,
        "",
        "2026-03-15T10:00:00Z",
    ),
    (
        "",
        "",
        "03_construction-crew",
        "Chloé",
        "Subsistence",
        "Motive > Subsistence",
        "Motive",
        0,
        3,
        '  leading and trailing spaces, ",", and a lone " quote  ',
        "",
        None,
    ),
]


def test_write_then_read(tmp_path: Path) -> None:
    buffer = io.StringIO(newline="")
    assert write_segments(buffer, ROUND_TRIP) == len(ROUND_TRIP)
    path = write(tmp_path, buffer.getvalue())
    rows = read_segments(path)
    assert len(rows) == len(ROUND_TRIP)
    for row, original in zip(rows, ROUND_TRIP, strict=True):
        values = dict(zip(COLUMNS, original, strict=True))
        assert row.document_name == values["document_name"]
        assert row.document_id == (values["document_id"] or None)
        assert row.coder == values["coder"]
        assert row.code_path == values["code_path"]
        assert row.start == values["start"]
        assert row.end == values["end"]
        assert row.text == values["text"]
        assert row.memo == values["memo"]
        assert row.created_at == values["created_at"]
    # The first row spans three physical lines (newlines in text and memo).
    assert [row.line for row in rows] == [2, 5, 6]


def test_written_file_is_standard_csv(tmp_path: Path) -> None:
    buffer = io.StringIO(newline="")
    write_segments(buffer, ROUND_TRIP)
    records = list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    assert records[0] == list(COLUMNS)
    expected = [["" if v is None else str(v) for v in row] for row in ROUND_TRIP]
    assert records[1:] == expected
    assert buffer.getvalue().endswith("\r\n")  # RFC 4180 record ends


def test_a_bare_carriage_return_in_a_memo_survives(tmp_path: Path) -> None:
    row = [
        7,
        3,
        "doc",
        "Ana",
        "Political",
        "Motive > Political",
        "Motive",
        0,
        4,
        "They",
        "a\rb",
        "",
    ]
    path = tmp_path / "segments.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        write_segments(handle, [row])
    [read] = read_segments(path)
    assert read.memo == "a\rb"
    assert read.document_id == 3
