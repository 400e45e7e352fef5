"""Lists of names on the command line (--coders, --documents): a comma inside a name is written
``\\,``, as in --codes, so a coder "Smith, J." (whom `codings import` creates) can be named —
for a coder package, segments, agreement and a sample (issue: they could never be named)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from annotator.cli.main import cli
from annotator.cli.support import names
from annotator.storage import Project

SMITH = "Smith, J."


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Ana,Ben", ["Ana", "Ben"]),
        (" Ana , Ben ,", ["Ana", "Ben"]),
        ("Smith\\, J.", [SMITH]),
        ("Smith\\, J.,Ana", [SMITH, "Ana"]),
        ("A\\\\,B", ["A\\", "B"]),  # a name ending in a backslash
        ("C:\\data", ["C:\\data"]),  # any other backslash stands for itself
        ("x\\", ["x\\"]),
        ("", []),
        (None, []),
    ],
)
def test_a_comma_inside_a_name_is_escaped(value: str | None, expected: list[str]) -> None:
    assert names(value) == expected


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The demo, with a coding by "Smith, J." (through `codings import`, as the tester did)
    on an article Ana coded too, both done."""
    path = tmp_path / "k.annotator"
    assert run("new", path, "--demo").exit_code == 0
    rows = tmp_path / "sj.csv"
    with rows.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["document_name", "coder", "code_path", "start", "end"])
        writer.writerow(["01_restaurant-workers", SMITH, "Motive > Political", 0, 5])
    assert run("codings", "import", path, rows, "--mark-done").exit_code == 0
    return path


def test_a_coder_with_a_comma_exports_a_package_segments_and_agreement(
    project: Path, tmp_path: Path
) -> None:
    package = tmp_path / "sj.annpkg"
    result = run("export", project, "--format", "package", "--coders", "Smith\\, J.", "-o", package)
    assert result.exit_code == 0, result.output
    assert json.loads(package.read_text(encoding="utf-8"))["coder_name"] == SMITH
    segments = tmp_path / "seg.csv"
    result = run(
        "export", project, "--format", "segments", "--coders", "Smith\\, J.", "-o", segments
    )
    assert result.exit_code == 0, result.output
    with segments.open(encoding="utf-8") as handle:
        assert {row["coder"] for row in csv.DictReader(handle)} == {SMITH}
    result = run(
        "agreement", project, "--level", "document", "--coders", "Smith\\, J.,Ana", "--json"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["coders"] == [SMITH, "Ana"]


def test_a_package_for_a_comma_split_name_says_how_to_write_it(
    project: Path, tmp_path: Path
) -> None:
    result = run("export", project, "--format", "package", "--coders", SMITH, "-o", tmp_path / "x")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: a coder package holds one coder's work, and --coders names 2 ('Smith', 'J.'); "
        "a comma inside a name is written \\,"
    )


def test_a_sample_for_a_coder_and_an_article_with_commas(project: Path) -> None:
    with Project.open(project) as opened:
        opened.documents.add("Border, north", "north.txt", "An article on the northern border.")
        every = opened.documents.count()
    drawn = run("sample", project, "--size", every, "--coders", "Smith\\, J.,Ana", "--json")
    assert drawn.exit_code == 0, drawn.output
    assert json.loads(drawn.stdout)["assigned"] == {SMITH: every, "Ana": every}
    cleared = run(
        "sample", project, "--clear", "--coders", "Smith\\, J.", "--documents", "Border\\, north",
        "--json",
    )  # fmt: skip
    assert cleared.exit_code == 0, cleared.output
    assert json.loads(cleared.stdout)["cleared"] == {SMITH: 1}
    listed = json.loads(run("sample", project, "--list", "--json").stdout)
    assert "Border, north" not in listed[SMITH]
    assert "Border, north" in listed["Ana"]
