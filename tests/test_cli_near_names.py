"""A coder named on the command line by a near spelling ("ben", "ＢＥＮ", an invisible
character inside) is the project's coder, for every command that looks a coder up — a coder
package, a sample, its clearing, a status — as for segments and agreement (third hostile pass:
`export --format package --coders ben` said there was no such coder)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from annotator.cli.main import cli
from annotator.storage import Project

NEAR = ["ben", "BEN", "ＢＥＮ", "b\u00adEN", "b\u200bEN"]


def run(*args: str | Path | int) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "k.annotator"
    assert run("new", path, "--demo").exit_code == 0
    return path


@pytest.mark.parametrize("name", NEAR)
def test_a_package_for_a_near_name_is_bens(project: Path, tmp_path: Path, name: str) -> None:
    package = tmp_path / "b.annpkg"
    result = run("export", project, "--format", "package", "--coders", name, "-o", package)
    assert result.exit_code == 0, result.output
    assert json.loads(package.read_text(encoding="utf-8"))["coder_name"] == "Ben"


def test_sample_clear_and_status_find_a_coder_by_a_near_name(project: Path) -> None:
    with Project.open(project) as opened:
        every = opened.documents.count()
        article = opened.documents.all()[0].name
        coders = len(opened.coders.all())
    drawn = run("sample", project, "--size", every, "--coders", "ben,ANA", "--json")
    assert drawn.exit_code == 0, drawn.output
    assert json.loads(drawn.stdout)["assigned"] == {"Ben": every, "Ana": every}
    cleared = run("sample", project, "--clear", "--coders", "ＢＥＮ", "--json")
    assert cleared.exit_code == 0, cleared.output
    assert json.loads(cleared.stdout)["cleared"] == {"Ben": every}
    marked = run("status", project, "--coder", "ben", "--done", article)
    assert marked.exit_code == 0, marked.output
    with Project.open(project) as opened:
        assert len(opened.coders.all()) == coders  # no new coder "ben"
        ben = opened.coders.find("Ben")
        document = opened.documents.by_name(article)
        assert opened.statuses.get(document.id, ben.id) == "done"
