"""Two different values that are the same number (section 1.1 and section 1.10, case +7 and 7)
are never merged: inferred as text on import, written as text by every export."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from annotator.domain.model import DocumentStatus, VariableType
from annotator.domain.numbers import numeric_column
from annotator.io.variables_csv import read_variables_csv
from annotator.services import create_project, import_files
from annotator.services.exports import export_documents
from annotator.services.matrix import export_matrix, export_stats_file
from annotator.storage import Project


def _read(path: Path) -> dict[str, dict[str, str]]:
    rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
    return {row["document_name"]: row for row in rows}


@pytest.mark.parametrize(
    ("values", "numeric"),
    [
        (["1.1", "1.10", "1.2"], False),
        (["+7", "7"], False),
        (["7", "7.0"], False),
        (["0", "-0"], False),
        (["1e3", "1000"], False),
        (["1.1", "1.2", "1.1", ""], True),  # the same value twice is one value
        (["1.1", "1.25", "10"], True),
    ],
)
def test_a_column_is_numeric_only_if_no_two_values_are_one_number(
    values: list[str], numeric: bool
) -> None:
    assert numeric_column(values) is numeric


def test_inferred_as_text_when_two_values_are_one_number(tmp_path: Path) -> None:
    sheet = tmp_path / "vars.csv"
    sheet.write_text(
        "file,section,case_no,page\na1.txt,1.1,+7,3\na2.txt,1.10,7,12\na3.txt,1.2,8,3\n",
        encoding="utf-8",
    )
    table = read_variables_csv(sheet)
    assert table.types == {
        "section": VariableType.TEXT,
        "case_no": VariableType.TEXT,
        "page": VariableType.NUMBER,
    }
    assert table.values["a2.txt"] == {"section": "1.10", "case_no": "7", "page": "12"}


def _sections(tmp_path: Path) -> Project:
    """Three articles whose declared number column holds 1.1, 1.10 and 1.2."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for n in (1, 2, 3):
        (folder / f"a{n}.txt").write_text(f"Article {n} on the ministry report.", encoding="utf-8")
    sheet = tmp_path / "vars.csv"
    sheet.write_text(
        "file,section:number,words\na1.txt,1.1,120\na2.txt,1.10,95\na3.txt,1.2,7\n",
        encoding="utf-8",
    )
    project = create_project(tmp_path / "p.annotator")
    import_files(project, [folder], variables_csv=sheet)
    ana = project.coders.add("Ana")
    for document, _ in project.documents.names():
        project.statuses.mark(document, ana.id, DocumentStatus.DONE)
    return project


def test_a_declared_number_column_of_one_number_twice_is_exported_as_text(
    tmp_path: Path,
) -> None:
    with _sections(tmp_path) as project:
        types = {v.name: v.type for v in project.documents.variables()}
        assert types["section"] is VariableType.NUMBER  # as declared; stored as written
        export_documents(project, tmp_path / "documents.csv")
        export_matrix(project, tmp_path / "matrix.csv")
    for name in ("documents.csv", "matrix.csv"):
        rows = _read(tmp_path / name)
        assert [rows[a]["section"] for a in ("a1", "a2", "a3")] == ["1.1", "1.10", "1.2"], name
        assert [rows[a]["words"] for a in ("a1", "a2", "a3")] == ["120", "95", "7"], name
    codebook = csv.DictReader(io.StringIO((tmp_path / "matrix_codebook.csv").read_text("utf-8")))
    kinds = {row["column"]: row["type"] for row in codebook}
    assert (kinds["section"], kinds["words"]) == ("text", "number")


def test_a_declared_number_column_of_one_number_twice_is_a_string_in_sav(
    tmp_path: Path,
) -> None:
    pyreadstat = pytest.importorskip("pyreadstat")
    with _sections(tmp_path) as project:
        export_stats_file(project, tmp_path / "matrix.sav")
    frame, meta = pyreadstat.read_sav(str(tmp_path / "matrix.sav"))
    frame = frame.sort_values("document_name")
    assert meta.readstat_variable_types["section"] == "string"
    assert list(frame["section"]) == ["1.1", "1.10", "1.2"]
    assert meta.readstat_variable_types["words"] == "double"
