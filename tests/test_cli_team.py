"""The command line of a team: merge (all files or nothing, deletions), status, sample and
codings import, through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from annotator.cli.main import cli
from annotator.storage import Project


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.annotator"
    assert run("new", path, "--demo").exit_code == 0
    return path


@pytest.fixture
def lead(tmp_path: Path, demo: Path) -> Path:
    """The demo's articles, without codings, and a coder Ana of the lead's own."""
    path = tmp_path / "lead.annotator"
    assert run("new", path).exit_code == 0
    with Project.open(demo, read_only=True) as source, Project.open(path) as project:
        for document in source.documents.all():
            project.documents.add(
                document.name, document.source, source.documents.text(document.id)
            )
        project.coders.add("Ana")
    return path


def _counts(path: Path) -> tuple[int, list[str]]:
    with Project.open(path, read_only=True) as project:
        return project.codings.count(), [c.name for c in project.coders.all()]


def test_merge_with_a_broken_file_writes_nothing_and_says_so(
    tmp_path: Path, demo: Path, lead: Path
) -> None:
    package = tmp_path / "ana.annpkg"
    assert (
        run("export", demo, "--format", "package", "--coders", "Ana", "-o", package).exit_code == 0
    )
    broken = tmp_path / "broken.annpkg"
    broken.write_text("{not json", encoding="utf-8")
    result = run("merge", lead, package, broken, "--coder-clash", "rename")
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: broken.annpkg, line 1: is not valid JSON")
    assert line.endswith("; nothing was merged")
    assert _counts(lead) == (0, ["Ana"])
    # Without the broken file, the package merges under the name it is filed under.
    result = run("merge", lead, package, "--coder-clash", "rename", "--json")
    [report] = json.loads(result.stdout)
    assert (report["coder"], report["added"], report["deleted"]) == ("Ana (2)", 85, 0)
    result = run("merge", lead, package)
    assert result.stdout.startswith("ana.annpkg: Ana (2): 0 codings added, 85 already there")


def test_merge_deletion_clash_choices(tmp_path: Path, demo: Path, lead: Path) -> None:
    package = tmp_path / "ana.annpkg"
    run("export", demo, "--format", "package", "--coders", "Ana", "-o", package)
    assert run("merge", lead, package, "--coder-clash", "rename").exit_code == 0
    with Project.open(demo) as project:
        coding = project.codings.for_coder(project.coders.find("Ana").id)[0]
        project.codings.delete(coding.id)
    run("export", demo, "--format", "package", "--coders", "Ana", "-o", package)
    with Project.open(lead) as project:  # the lead changes it after Ana deleted it
        mine = project.codings.by_guid(coding.guid)
        assert mine is not None
        project.codings.overwrite(
            mine.id, mine.code_id, mine.start, mine.end, "keep this", "2999-01-01T00:00:00Z"
        )
    result = run("merge", lead, package)
    assert result.exit_code == 1
    assert "changed here later, at 2999-01-01T00:00:00Z: choose 'delete' or 'keep'" in result.stderr
    assert _counts(lead)[0] == 85
    result = run("merge", lead, package, "--deletion-clash", "keep")
    assert "  left out: the deletion of '" in result.stdout
    assert _counts(lead)[0] == 85
    result = run("merge", lead, package, "--deletion-clash", "delete")
    assert "0 codings added, 84 already there, 1 deleted" in result.stdout
    assert _counts(lead)[0] == 84


def test_status_refuses_two_statuses_at_once(demo: Path) -> None:
    result = run("status", demo, "--coder", "Ana", "--done", "--not-started", "1")
    assert result.exit_code == 2
    assert "say one of --done, --in-progress or --not-started" in result.stderr
    with Project.open(demo, read_only=True) as project:
        ana = project.coders.find("Ana")
        assert project.statuses.done_count(ana.id) == 8
    assert run("status", demo, "--coder", "Ana", "--not-started", "1").exit_code == 0
    with Project.open(demo, read_only=True) as project:
        assert project.statuses.done_count(ana.id) == 7


def _assigned(path: Path) -> dict[str, int]:
    with Project.open(path, read_only=True) as project:
        names = {c.id: c.name for c in project.coders.all()}
        counts: dict[str, int] = {}
        for _, coder in project.statuses.assigned():
            counts[names[coder]] = counts.get(names[coder], 0) + 1
        return counts


def test_a_second_sample_says_it_added_up_and_replace_list_clear(demo: Path) -> None:
    first = run("sample", demo, "--size", "2", "--coders", "Ana,Ben", "--seed", "3")
    assert first.stdout.splitlines()[-1] == "now assigned: Ana 2 articles, Ben 2 articles"
    # Three: at least one not drawn first (the draw ranks the articles' random GUIDs, so two
    # could be the same two).
    second = run("sample", demo, "--size", "3", "--coders", "Ana,Ben", "--seed", "5")
    lines = second.stdout.splitlines()
    assert lines[0] == "drew 3 articles for Ana, Ben (seed 5):"
    assert lines[-2].startswith("added to the earlier assignments (--replace takes those back")
    total = _assigned(demo)
    assert lines[-1] == f"now assigned: Ana {total['Ana']} articles, Ben {total['Ben']} articles"
    assert total["Ana"] > 2
    listed = json.loads(run("sample", demo, "--list", "--json").stdout)
    assert {coder: len(names) for coder, names in listed.items()} == total
    replaced = run("sample", demo, "--size", "2", "--coders", "Ana", "--seed", "5", "--replace")
    assert replaced.stdout.splitlines()[-1] == "now assigned: Ana 2 articles"
    assert _assigned(demo) == {"Ana": 2, "Ben": total["Ben"]}
    text = run("sample", demo, "--list", "--coders", "Ana").stdout.splitlines()
    assert text[0] == "Ana: 2 articles assigned"
    assert len(text) == 3
    cleared = run("sample", demo, "--clear", "--coders", "Ben")
    assert cleared.stdout.strip() == f"took back {total['Ben']} assignments (Ben {total['Ben']})"
    assert _assigned(demo) == {"Ana": 2}
    assert run("sample", demo, "--list", "--size", "2").exit_code == 2
    assert run("sample", demo, "--size", "2").exit_code == 2  # to draw: --coders too


def test_codings_import_names_the_file_and_line_of_a_bad_coder_name(
    tmp_path: Path, demo: Path
) -> None:
    source = tmp_path / "codings.csv"
    source.write_text(
        "document_name,coder,code_path,start,end\n"
        "01_restaurant-workers,Cleo,Motive > Political,0,5\n"
        '01_restaurant-workers,"Cleo\tB",Motive > Political,0,5\n',
        encoding="utf-8",
    )
    result = run("codings", "import", demo, source)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: codings.csv, line 3: coder name 'Cleo\\tB' must be on one line; nothing was "
        "imported"
    )
