"""SPSS and Stata limits, checked with pyreadstat reading the files back: what a format cannot
hold as it is — a number beyond its range, a category label longer than a value label may be —
is written as text and named in the notes, never cut, never lost, never an internal error
(issue: a number variable 1e308 made `export --format dta` end in "internal error
(ReadstatError)"). Text of any length comes back whole; variable labels are cut to what the
format keeps, with a note; a .dta with more variables than Stata opens is refused."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli.main import cli
from annotator.domain.errors import UserError
from annotator.domain.matrix import Column, Matrix
from annotator.domain.model import DocumentStatus, VariableType
from annotator.io.stats_files import STATA, write_stats_file
from annotator.services import create_project
from annotator.services.matrix import export_stats_file
from annotator.storage import Project

pyreadstat = pytest.importorskip("pyreadstat")
READ = {"sav": pyreadstat.read_sav, "dta": pyreadstat.read_dta}


def _project(tmp_path: Path, kind: VariableType, values: list[str]) -> Project:
    """Articles a0, a1… with ``values`` of the variable ``v``, each done by Ana."""
    tmp_path.mkdir(exist_ok=True)
    project = create_project(tmp_path / "p.annotator", with_default_codebook=False)
    variable = project.documents.define_variable("v", kind)
    ana = project.coders.add("Ana")
    for n, value in enumerate(values):
        document = project.documents.add(f"a{n}", f"a{n}.txt", f"Article {n} on the border.")
        project.documents.set_values(document.id, {variable.id: value})
        project.statuses.mark(document.id, ana.id, DocumentStatus.DONE)
    return project


def _export(project: Project, tmp_path: Path, kind: str) -> tuple[list[object], object, list[str]]:
    """The column ``v`` read back (in article order), the file's metadata and the notes."""
    target = tmp_path / f"m.{kind}"
    notes: list[str] = []
    export_stats_file(project, target, kind=kind, notes=notes)
    frame, meta = READ[kind](str(target))
    return list(frame.sort_values("document_name")["v"]), meta, notes


def test_a_number_beyond_statas_range_makes_a_text_column_with_a_note(tmp_path: Path) -> None:
    with _project(tmp_path, VariableType.NUMBER, ["1e308", "2", "-3.5"]) as project:
        values, meta, [note] = _export(project, tmp_path, "dta")
        assert meta.readstat_variable_types["v"] == "string"
        assert values == ["1e+308", "2", "-3.5"]
        assert note.startswith("'v' as numbers: 1e+308 lies beyond the largest number Stata")
        # SPSS holds 1e308 as a number: nothing to say.
        values, meta, notes = _export(project, tmp_path, "sav")
        assert meta.readstat_variable_types["v"] == "double"
        assert values == [1e308, 2, -3.5]
        assert notes == []


def test_statas_largest_number_itself_stays_a_number(tmp_path: Path) -> None:
    largest = repr(STATA.highest)
    with _project(tmp_path, VariableType.NUMBER, [largest, "-" + largest]) as project:
        values, meta, notes = _export(project, tmp_path, "dta")
        assert meta.readstat_variable_types["v"] == "double"
        assert values == [STATA.highest, -STATA.highest]
        assert notes == []


def test_the_numbers_spss_keeps_for_missing_values_make_a_text_column(tmp_path: Path) -> None:
    """-DBL_MAX is SPSS's system missing value, DBL_MAX its HIGHEST: written as numbers they
    used to come back as missing."""
    largest = repr(sys.float_info.max)
    with _project(tmp_path, VariableType.NUMBER, [largest, "1"]) as project:
        values, meta, [note] = _export(project, tmp_path, "sav")
        assert meta.readstat_variable_types["v"] == "string"
        assert values == [largest, "1"]
        assert "beyond the largest number SPSS keeps" in note
    highest = math.nextafter(sys.float_info.max, 0)  # SPSS's LOWEST is its negative
    lowest = -math.nextafter(highest, 0)
    with _project(tmp_path / "x", VariableType.NUMBER, [repr(highest), repr(lowest)]) as project:
        values, _, notes = _export(project, tmp_path, "sav")
        assert values == [highest, lowest]
        assert notes == []
    with _project(tmp_path / "y", VariableType.NUMBER, [repr(-highest), "1"]) as project:
        values, _, [note] = _export(project, tmp_path, "sav")
        assert values == [repr(-highest), "1"]


@pytest.mark.parametrize(("kind", "limit"), [("dta", 32_000), ("sav", 120)])
def test_a_category_label_longer_than_a_value_label_makes_a_text_column(
    tmp_path: Path, kind: str, limit: int
) -> None:
    long = "é" * (limit // 2 + 1)  # one character past the limit in bytes
    with _project(tmp_path, VariableType.CATEGORY, [long, "short", ""]) as project:
        values, meta, [note] = _export(project, tmp_path, kind)
        assert meta.readstat_variable_types["v"] == "string"
        assert values == [long, "short", ""]
        assert "v" not in meta.variable_value_labels
        assert note.startswith("'v' as value labels: ")
    fits = "é" * (limit // 2)
    with _project(tmp_path / "x", VariableType.CATEGORY, [fits, "short"]) as project:
        _, meta, notes = _export(project, tmp_path, kind)
        assert sorted(meta.variable_value_labels["v"].values()) == sorted([fits, "short"])
        assert notes == []


@pytest.mark.parametrize("kind", ["dta", "sav"])
def test_text_comes_back_whole(tmp_path: Path, kind: str) -> None:
    """Stata holds 2,045 bytes in a str column (longer text goes as strL), SPSS 32,767."""
    texts = ["a" * 2045, "é" * 1023, "ü" * 16_383, "short"]
    if kind == "dta":
        texts.append("ü" * 100_000)
    with _project(tmp_path, VariableType.TEXT, texts) as project:
        values, _, notes = _export(project, tmp_path, kind)
        assert values == texts
        assert notes == []


def test_a_text_longer_than_spss_holds_is_refused(tmp_path: Path) -> None:
    """Written, 100,000 bytes of ASCII used to come back empty, and of UTF-8 not at all."""
    with _project(tmp_path, VariableType.TEXT, ["a" * 32_768, "short"]) as project:
        target = tmp_path / "m.sav"
        with pytest.raises(UserError, match=r"^m\.sav: 'v' holds a text of 32,768 bytes, more"):
            export_stats_file(project, target)
        assert not target.exists()


@pytest.mark.parametrize(("kind", "characters"), [("dta", 80), ("sav", 9 + 123)])
def test_long_variable_labels_are_cut_to_whole_characters_with_a_note(
    tmp_path: Path, kind: str, characters: int
) -> None:
    with create_project(tmp_path / "p.annotator", with_default_codebook=False) as project:
        dimension = project.codebook.add("Motive")
        project.codebook.add("é" * 200, dimension.id)
        ana = project.coders.add("Ana")
        document = project.documents.add("a", "a.txt", "An article on the border.")
        project.statuses.mark(document.id, ana.id, DocumentStatus.DONE)
        target = tmp_path / f"m.{kind}"
        notes: list[str] = []
        export_stats_file(project, target, kind=kind, notes=notes)
    _, meta = READ[kind](str(target))
    assert meta.column_labels[-1] == ("Motive > " + "é" * 200)[:characters]
    assert len(meta.column_labels[-1].encode()) <= 256
    [note] = notes
    assert note.startswith("the whole label of 1 column")


def _wide(columns: int) -> Matrix:
    return Matrix(
        [Column(f"c{n}", "code", f"code {n}", "number") for n in range(columns)], [[0] * columns]
    )


def test_more_variables_than_stata_opens_is_refused_and_a_wide_file_noted(tmp_path: Path) -> None:
    target = tmp_path / "wide.dta"
    with pytest.raises(UserError, match=r"^wide\.dta: the matrix has 120,001 columns, more than"):
        write_stats_file(_wide(120_001), target)
    assert not target.exists()
    [note] = write_stats_file(_wide(2_049), target)
    assert note.startswith("a file for every Stata: its 2,049 variables are more than Stata/BE")
    assert pyreadstat.read_dta(str(target), metadataonly=True)[1].number_columns == 2_049
    assert write_stats_file(_wide(2_049), tmp_path / "wide.sav") == []


def test_the_testers_dta_export_writes_the_file_and_says_what_changed(tmp_path: Path) -> None:
    with _project(tmp_path, VariableType.NUMBER, ["1e308", "2"]):
        pass
    target = tmp_path / "out.dta"
    result = CliRunner().invoke(
        cli, ["export", str(tmp_path / "p.annotator"), "--format", "dta", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert "internal error" not in result.output
    assert "'v' as numbers: 1e+308 lies beyond" in result.stdout
    frame, _ = pyreadstat.read_dta(str(target))
    assert sorted(frame["v"]) == ["1e+308", "2"]
