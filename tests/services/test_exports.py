"""Every export read back: the long CSV with its filters, the wide matrix (every cell against
the codings table, on the demo and on a random project), SPSS and Stata files with their labels,
the agreement table, the codebook appendix, spreadsheet safety and Excel's byte-order mark."""

from __future__ import annotations

import builtins
import csv
import html
import io
import random
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.domain.errors import UserError
from annotator.domain.model import DocumentStatus, VariableType
from annotator.domain.numbers import exact_number
from annotator.services import create_project, export_codebook, import_files
from annotator.services.exports import Format, Selection, export_documents, export_segments
from annotator.services.matrix import (
    MAX_NAME,
    RESERVED,
    MatrixOptions,
    companion_path,
    export_matrix,
    export_stats_file,
    safe_name,
)
from annotator.storage import Project


@pytest.fixture
def demo(tmp_path: Path) -> Project:
    project = create_project(tmp_path / "demo.annotator", demo=True)
    yield project  # type: ignore[misc]
    project.close()


def _read(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _codings_by_pair(project: Project) -> dict[tuple[int, int], dict[int, int]]:
    """From the codings table itself: how many codings each (article, coder) has per code."""
    counts: dict[tuple[int, int], dict[int, int]] = {}
    for document, coder, code, _, _ in project.codings.rows():
        own = counts.setdefault((document, coder), {})
        own[code] = own.get(code, 0) + 1
    return counts


def _check_matrix_against_codings(project: Project, path: Path, *, counted: bool) -> None:
    rows = _read(path)
    columns = {r["column"]: r for r in _read(companion_path(path))}
    tree = project.codebook.tree()
    coders = {c.name: c.id for c in project.coders.all()}
    truth = _codings_by_pair(project)
    code_columns = {
        name: tree.find(meta["label"]) for name, meta in columns.items() if meta["kind"] == "code"
    }
    assert len(code_columns) == len(tree.codes())
    seen = set()
    for row in rows:
        pair = (int(row["document_id"]), coders[row["coder"]])
        seen.add(pair)
        own = truth.get(pair, {})
        for name, code in code_columns.items():
            assert code is not None
            expected = own.get(code.id, 0)
            assert int(row[name]) == (expected if counted else int(expected > 0)), (pair, name)
    assert set(truth) <= seen  # every pair with codings has its row


def test_matrix_cells_agree_with_the_codings_table_on_the_demo(
    demo: Project, tmp_path: Path
) -> None:
    target = tmp_path / "matrix.csv"
    assert export_matrix(demo, target) == 16
    _check_matrix_against_codings(demo, target, counted=False)
    export_matrix(demo, target, MatrixOptions(counts=True, dimensions=True))
    _check_matrix_against_codings(demo, target, counted=True)
    rows = _read(target)
    first = rows[0]
    assert list(first)[:4] == ["document_id", "document_name", "coder", "status"]
    assert first["outlet"] == "Northeast Asia Dispatch"
    assert first["date"] == "2016-05-21"
    assert {r["motive"] for r in rows} <= {
        "none",
        "Subsistence",
        "Political",
        "Family / personal",
        "Other / unclear",
        "several codes",
    }
    columns = _read(companion_path(target))
    motive = next(c for c in columns if c["column"] == "motive_subsistence")
    assert (motive["label"], motive["kind"]) == ("Motive > Subsistence", "code")


def test_matrix_cells_agree_with_a_random_project(tmp_path: Path) -> None:
    with create_project(tmp_path / "random.annotator") as project:
        _random_project_check(project, tmp_path)


def _random_project_check(project: Project, tmp_path: Path) -> None:
    rng = random.Random(4)
    codes = [c.id for c in project.codebook.tree().codes()]
    coders = [project.coders.add(name).id for name in ("Ana", "Ben", "Chul-soo")]
    documents = [
        project.documents.add(
            f"article {n}", f"{n}.txt", f"{n} " + "word " * rng.randint(20, 80)
        ).id
        for n in range(12)
    ]
    for _ in range(300):
        document = rng.choice(documents)
        length = len(project.documents.text(document))
        start = rng.randrange(0, length - 5)
        span = (None, None) if rng.random() < 0.1 else (start, rng.randint(start + 1, length))
        project.codings.add(document, rng.choice(coders), rng.choice(codes), *span)
    for document in documents[:5]:
        project.statuses.mark(document, coders[0], DocumentStatus.DONE)
    target = tmp_path / "matrix.csv"
    export_matrix(project, target, MatrixOptions(counts=True))
    _check_matrix_against_codings(project, target, counted=True)
    export_matrix(project, target)
    _check_matrix_against_codings(project, target, counted=False)


@given(st.lists(st.text(max_size=60), min_size=1, max_size=30))
def test_column_names_are_safe_for_r_spss_and_stata(labels: list[str]) -> None:
    taken: set[str] = set()
    found = [safe_name(label, taken, "code") for label in labels]
    assert len(set(found)) == len(found)
    for name in found:
        assert name.isascii()
        assert name.replace("_", "a").isalnum()
        assert len(name) <= MAX_NAME <= 32
        assert name[0].isalpha()
        assert name not in RESERVED


def test_sav_and_dta_read_back_with_their_labels(demo: Project, tmp_path: Path) -> None:
    pyreadstat = pytest.importorskip("pyreadstat")
    options = MatrixOptions(dimensions=True)
    for suffix, read in ((".sav", pyreadstat.read_sav), (".dta", pyreadstat.read_dta)):
        target = tmp_path / f"matrix{suffix}"
        assert export_stats_file(demo, target, options) == 16
        frame, meta = read(str(target))
        assert len(frame) == 16
        labels = meta.column_names_to_labels
        assert labels["motive_subsistence"] == "Motive > Subsistence"
        assert labels["outlet"] == "outlet"
        values = meta.variable_value_labels
        assert values["motive_subsistence"] == {0: "absent", 1: "present"}
        assert values["outlet"][2] == "Northeast Asia Dispatch"
        assert values["motive"][1] == "Subsistence"
        assert values["motive"][99] == "several codes"
        assert frame["date"][0] == date(2016, 5, 21)
        assert set(frame["motive_political"]) <= {0, 1}
        assert frame["coder"][0] == "Ana"


def test_missing_pyreadstat_is_one_clear_message(
    demo: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def without(name: str, *args: object, **kwargs: object) -> object:
        if name == "pyreadstat":
            raise ImportError("No module named 'pyreadstat'")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", without)
    with pytest.raises(UserError, match=r"pip install 'annotator\[stats\]'"):
        export_stats_file(demo, tmp_path / "matrix.sav")
    assert not (tmp_path / "matrix.sav").exists()


def test_segments_filters(demo: Project, tmp_path: Path) -> None:
    target = tmp_path / "segments.csv"
    everything = export_segments(demo, target)
    ana = export_segments(demo, target, Selection(coders=["Ana"]))
    assert {r["coder"] for r in _read(target)} == {"Ana"}
    assert 0 < ana < everything
    export_segments(demo, target, Selection(codes=["Motive"]))
    assert {r["dimension"] for r in _read(target)} == {"Motive"}
    export_segments(demo, target, Selection(documents=["03_construction-crew", "1"]))
    assert {r["document_name"] for r in _read(target)} == {
        "03_construction-crew",
        "01_restaurant-workers",
    }
    days = sorted({r["created_at"][:10] for r in _read(tmp_path / "segments.csv")})
    export_segments(demo, target, Selection(since=date.fromisoformat(days[-1])))
    assert {r["created_at"][:10] for r in _read(target)} == {days[-1]}
    export_segments(demo, target, Selection(until=date(2000, 1, 1)))
    assert _read(target) == []
    with pytest.raises(UserError, match="no coder 'Zed'"):
        export_segments(demo, target, Selection(coders=["Zed"]))
    with pytest.raises(UserError, match="comes after"):
        export_segments(demo, target, Selection(since=date(2026, 2, 1), until=date(2026, 1, 1)))


def test_formulas_are_neutralised_unless_allowed(demo: Project, tmp_path: Path) -> None:
    coding = next(c for c in demo.codings.all() if c.start is not None)
    demo.codings.set_memo(coding.id, '=HYPERLINK("http://x")')
    dimension = demo.codebook.add("=cmd|' /C calc'!A0")
    code = demo.codebook.add("-2+3", dimension.id)
    demo.codings.add(coding.document_id, coding.coder_id, code.id, None, None)
    target = tmp_path / "segments.csv"
    export_segments(demo, target)
    rows = _read(target)
    memo = next(r for r in rows if r["coding_id"] == str(coding.id))["memo"]
    assert memo == '\'=HYPERLINK("http://x")'
    odd = next(r for r in rows if r["code"] == "'-2+3")
    assert odd["dimension"] == "'=cmd|' /C calc'!A0"
    assert odd["start"] == ""  # numbers and empty cells are untouched
    export_segments(demo, target, style=Format(safe=False))
    assert any(r["memo"] == '=HYPERLINK("http://x")' for r in _read(target))


def test_excel_gets_a_byte_order_mark_and_numbers_stay_numbers(
    demo: Project, tmp_path: Path
) -> None:
    words = demo.documents.define_variable("words", VariableType.NUMBER)
    first = demo.documents.names()[0][0]
    demo.documents.set_values(first, {words.id: "-3"})
    target = tmp_path / "documents.csv"
    export_documents(demo, target, Format(excel=True))
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0]["words"] == "-3"  # a number, not neutralised text


def test_codebook_appendix(demo: Project, tmp_path: Path) -> None:
    for suffix in (".html", ".md"):
        target = tmp_path / f"appendix{suffix}"
        assert export_codebook(demo, target) == 17
        text = html.unescape(target.read_text(encoding="utf-8"))
        assert "Motive > Subsistence" in text
        assert "Used 17 times in 6 articles." in text
        for part in ("Definition", "Include", "Exclude", "Example"):
            assert part in text
    assert "<dt>Exclude</dt>" in (tmp_path / "appendix.html").read_text(encoding="utf-8")


def _identifiers(tmp_path: Path) -> Project:
    """Three articles imported with a variables CSV that declares its tweet ids and zip codes
    numbers (inferred, they would be text), beside a true number column."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for n in (1, 2, 3):
        (folder / f"a{n}.txt").write_text(f"Article {n} on defectors.", encoding="utf-8")
    sheet = tmp_path / "variables.csv"
    sheet.write_text(
        "file,tweet_id:number,zip:number,words,share\n"
        "a1.txt,1234567890123456789,02134,120,0.1\n"
        "a2.txt,1234567890123456768,10001,-3,2.5\n"
        "a3.txt,,00501,7,\n",
        encoding="utf-8",
    )
    project = create_project(tmp_path / "ids.annotator")
    import_files(project, [folder], variables_csv=sheet)
    ana = project.coders.add("Ana")
    for document, _ in project.documents.names():  # a matrix row per (article, coder)
        project.statuses.mark(document, ana.id, DocumentStatus.DONE)
    assert {v.name: v.type for v in project.documents.variables()}["tweet_id"] == (
        VariableType.NUMBER
    )
    return project


STORED = {
    "tweet_id": ["1234567890123456789", "1234567890123456768", ""],
    "zip": ["02134", "10001", "00501"],
}


def test_identifiers_and_leading_zeros_stay_as_stored_in_csv(tmp_path: Path) -> None:
    with _identifiers(tmp_path) as project:
        export_documents(project, tmp_path / "documents.csv")
        export_matrix(project, tmp_path / "matrix.csv")
    for name in ("documents.csv", "matrix.csv"):
        rows = _read(tmp_path / name)
        by_name = sorted(rows, key=lambda r: r["document_name"])
        for column, expected in STORED.items():
            assert [r[column] for r in by_name] == expected, (name, column)
        assert [r["words"] for r in by_name] == ["120", "-3", "7"]  # numbers, not "'-3"
        assert [r["share"] for r in by_name] == ["0.1", "2.5", ""]
    types = {r["column"]: r["type"] for r in _read(tmp_path / "matrix_codebook.csv")}
    assert (types["tweet_id"], types["zip"], types["words"], types["share"]) == (
        "text",
        "text",
        "number",
        "number",
    )


def test_identifiers_are_string_columns_in_sav_and_dta(tmp_path: Path) -> None:
    pyreadstat = pytest.importorskip("pyreadstat")
    with _identifiers(tmp_path) as project:
        for kind, read in (("sav", pyreadstat.read_sav), ("dta", pyreadstat.read_dta)):
            target = tmp_path / f"matrix.{kind}"
            export_stats_file(project, target)
            frame, meta = read(str(target))
            frame = frame.sort_values("document_name")
            for column, expected in STORED.items():
                assert meta.readstat_variable_types[column] == "string", (kind, column)
                assert list(frame[column]) == expected, (kind, column)
            assert meta.readstat_variable_types["words"] == "double"
            assert list(frame["words"]) == [120, -3, 7]
            assert list(frame["share"])[:2] == [0.1, 2.5]


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_double_written_shortest_is_that_number(value: float) -> None:
    numpy = pytest.importorskip("numpy")
    for text in (repr(value), numpy.format_float_positional(value, unique=True, trim="-")):
        found = exact_number(text)
        assert found is not None
        assert float(found) == value  # read as a double, it is that double again
        assert isinstance(found, int) == (value.is_integer() and abs(value) < 2**63)


@given(st.integers(-(10**30), 10**30))
def test_an_integer_is_a_number_only_if_its_double_shows_it(value: int) -> None:
    # numpy's shortest formatting (its own Dragon4), as a statistics package would show it
    numpy = pytest.importorskip("numpy")
    shown = numpy.format_float_positional(numpy.float64(value), unique=True, trim="-")
    found = exact_number(str(value))
    assert (found is not None) == (shown == str(value))
    if found is not None:  # and what goes out shows the same digits
        assert numpy.format_float_positional(float(found), unique=True, trim="-") == str(value)
        assert isinstance(found, int) == (abs(value) < 2**63)
        if isinstance(found, int):
            assert found == value


def test_what_is_not_a_number() -> None:
    for text in (
        *("02134", "-007", "00", "1234567890123456789", "0.1000000000000000055511151231257827"),
        *("1e400", "nan", "inf", "1_000", "0x1F", " 5", "", "12,5"),
    ):
        assert exact_number(text) is None, text
    assert exact_number("0") == 0
    assert exact_number("-3") == -3
    assert exact_number("3.10") == 3.1
    assert exact_number(".5") == 0.5
    assert exact_number("1e3") == 1000
    assert exact_number("9007199254740993") is None  # 2**53 + 1: a double cannot hold it
    assert exact_number("1234567890123456800") == 1234567890123456800  # its double shows so
