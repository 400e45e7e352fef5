"""``annotator coders`` (list, add, rename, merge) and the plain listing of ``documents``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.services import backups
from annotator.storage import Project
from tests.test_cli import assert_one_line_error, run


@pytest.fixture
def demo_path(tmp_path: Path) -> Path:
    path = tmp_path / "p.annotator"
    assert run("new", path, "--demo").exit_code == 0
    return path


def test_documents_plain_output_shows_variables_and_statuses(demo_path: Path) -> None:
    result = run("documents", demo_path)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["id", "name", "characters", "codings", "status"]
    first = lines[1]
    assert "01_restaurant-workers" in first
    assert first.endswith("done: Ana, Ben")
    # The variables on the line below, as the demo's variables.csv and first line give them.
    with Project.open(demo_path, read_only=True) as project:
        values = project.documents.values(1)
    assert set(values) == {"title", "outlet", "date", "author"}
    assert lines[2].strip() == " · ".join(f"{n}: {v}" for n, v in values.items())
    assert "outlet: Northeast Asia Dispatch" in lines[2]
    assert "date: 2016-05-21" in lines[2]


def test_coders_lists_progress(demo_path: Path) -> None:
    run("status", demo_path, "--coder", "Cleo", "--in-progress", "1", "2")
    result = run("coders", demo_path)
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines()[1:]}
    assert result.stdout.splitlines()[0].split() == [
        "coder",
        "done",
        "in",
        "progress",
        "not",
        "started",
        "codings",
    ]
    assert rows["Cleo"] == ["0", "2", "6", "0"]
    assert rows["Ana"][:3] == ["8", "0", "0"]
    listing = json.loads(run("coders", demo_path, "--json").stdout)
    assert [c["name"] for c in listing] == ["Ana", "Ben", "Cleo"]
    cleo = listing[2]
    assert (cleo["done"], cleo["in_progress"], cleo["not_started"], cleo["codings"]) == (
        0,
        2,
        6,
        0,
    )
    with Project.open(demo_path, read_only=True) as project:
        ana = project.coders.find("Ana")
        assert listing[0]["codings"] == len(project.codings.for_coder(ana.id))


def test_add_rename_merge(demo_path: Path) -> None:
    assert run("coders", demo_path, "add", "A. Kim").stdout.strip() == "added coder A. Kim"
    result = run("coders", demo_path, "rename", "A. Kim", "Kim")
    assert result.stdout.strip() == "renamed coder A. Kim to Kim"
    with Project.open(demo_path) as project:
        kim, ana = project.coders.find("Kim"), project.coders.find("Ana")
        shared = next(c for c in project.codings.for_coder(ana.id) if c.start is not None)
        project.codings.add(shared.document_id, kim.id, shared.code_id, shared.start, shared.end)
        project.codings.add(2, kim.id, 7, 0, 5)
        ana_count = len(project.codings.for_coder(ana.id))
    snapshots = len(backups.list_snapshots(demo_path))
    result = run("coders", demo_path, "merge", "Kim", "Ana")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("merged Kim into Ana: 1 codings")
    assert "1 passages both had coded with the same code kept once (Ana's)" in lines[0]
    assert lines[1].startswith("  kept once: '0")
    assert len(backups.list_snapshots(demo_path)) == snapshots + 1
    with Project.open(demo_path, read_only=True) as project:
        assert project.coders.by_name("Kim") is None
        assert len(project.codings.for_coder(project.coders.find("Ana").id)) == ana_count + 1
    assert [c["name"] for c in json.loads(run("coders", demo_path, "--json").stdout)] == [
        "Ana",
        "Ben",
    ]


def test_merge_as_json(demo_path: Path) -> None:
    run("coders", demo_path, "add", "Kim")
    report = json.loads(run("coders", demo_path, "merge", "Kim", "Ben", "--json").stdout)
    assert report["source"] == "Kim"
    assert report["target"] == "Ben"
    assert report["codings"] == 0
    assert report["conflicts"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "Ana"), "already a coder named 'Ana'"),
        (("add", " "), "a name cannot be empty"),
        (("rename", "Nobody", "X"), "no coder named 'Nobody'"),
        (("rename", "Ana", "Ben"), "already a coder named 'Ben'"),
        (("merge", "Ana", "Ana"), "same coder"),
        (("merge", "Ben", "Ana"), "exclusive dimension's rule"),
    ],
)
def test_refusals_are_one_line_and_change_nothing(
    demo_path: Path, args: tuple[str, ...], message: str
) -> None:
    before = run("coders", demo_path, "--json").stdout
    assert_one_line_error(run("coders", demo_path, *args), message)
    assert run("coders", demo_path, "--json").stdout == before


def _columns(text: str) -> int:
    """Terminal columns, counted independently of the code under test: wide characters two,
    combining marks none."""
    import unicodedata

    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def test_coders_table_aligns_wide_and_combining_names(demo_path: Path) -> None:
    import re

    for name in ("李小龍", "Zoe\u0308"):
        assert run("coders", demo_path, "add", name).exit_code == 0
    lines = run("coders", demo_path).stdout.splitlines()
    done_end = lines[0].index("done") + len("done")
    assert len(lines) == 5
    for line in lines[1:]:
        name = line.split()[0]
        number = re.compile(r"\d+").search(line, len(name))
        assert number is not None
        # The "done" figure ends under its heading, counted in terminal columns.
        assert _columns(line[: number.end()]) == done_end, line


def test_coders_add_refuses_a_name_too_like_anothers(demo_path: Path) -> None:
    result = run("coders", demo_path, "add", "ＡＮＡ")
    assert_one_line_error(result, "too like the coder 'Ana'")
    with Project.open(demo_path, read_only=True) as project:
        assert [c.name for c in project.coders.all()] == ["Ana", "Ben"]


def test_coders_merge_names_consensus_codings_left_without_a_decision(demo_path: Path) -> None:
    from annotator.domain.model import Choice
    from annotator.services import consensus, consensus_decide

    with Project.open(demo_path) as project:
        ana, ben = project.coders.find("Ana"), project.coders.find("Ben")
        with project.transaction():
            project.db.execute(
                "DELETE FROM codings WHERE coder_id = ? AND document_id > 1", [ana.id]
            )
            project.db.execute(
                "DELETE FROM codings WHERE coder_id = ? AND document_id <= 1", [ben.id]
            )
        item = consensus.review(project, "Ana", "Ben").differences[0]
        consensus_decide.decide(project, ana, ben, item, Choice.FIRST, replace_clashing=True)
        path = project.codebook.tree().path(item.code_id)
    result = run("coders", demo_path, "merge", "Ben", "Ana")
    assert result.exit_code == 0, result.output
    assert "1 consensus codings stay without a decision" in result.stdout
    assert f"consensus coding without a decision: '01_restaurant-workers', {path}" in result.stdout
