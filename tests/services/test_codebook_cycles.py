"""A codebook edited into a cycle (a dimension made a child of its own code, with another
SQLite tool): opening the project refuses with the reason — the window and every command —
``check`` names the codes, and nothing walks the tree forever."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from annotator.domain.errors import ProjectError
from annotator.services.checks import check_project
from annotator.storage import Project
from tests.test_cli import assert_one_line_error, demo_path, run

__all__ = ["demo_path"]

# The window refusing the same project: tests/gui/test_damaged_codebook.py.
REASON = "'Motive' and 'Political' are each inside the other"


def make_cycle(connection: sqlite3.Connection) -> None:
    """'Motive' (a dimension) becomes a child of its own code 'Political'."""
    connection.execute(
        "UPDATE codes SET parent_id = (SELECT id FROM codes WHERE name = 'Political') "
        "WHERE name = 'Motive'"
    )


@pytest.fixture
def cyclic(demo_path: Path) -> Path:
    connection = sqlite3.connect(demo_path)
    make_cycle(connection)
    connection.commit()
    connection.close()
    return demo_path


@pytest.mark.timeout(60)
@pytest.mark.parametrize("read_only", [False, True])
def test_opening_refuses_with_the_reason(cyclic: Path, read_only: bool) -> None:
    before = cyclic.read_bytes()
    with pytest.raises(ProjectError, match=REASON) as caught:
        Project.open(cyclic, read_only=read_only)
    assert str(caught.value).startswith(f"{cyclic.name}: the project is damaged: the codebook")
    assert cyclic.read_bytes() == before


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "command",
    [
        ["export", "--format", "segments"],
        ["codebook", "export", "{dir}/codebook.json"],
        ["documents"],
        ["agreement"],
    ],
)
def test_every_command_refuses_in_one_line_naming_the_codes(
    cyclic: Path, tmp_path: Path, command: list[str]
) -> None:
    name, *rest = command
    arguments = [a.replace("{dir}", str(tmp_path)) for a in rest]
    if name == "codebook":
        result = run("codebook", arguments[0], cyclic, *arguments[1:])
    else:
        result = run(name, cyclic, *arguments)
    assert result.exit_code == 1
    assert_one_line_error(result, REASON)
    assert not (tmp_path / "codebook.json").exists()


@pytest.mark.timeout(60)
def test_check_names_the_codes_and_exits_1(cyclic: Path) -> None:
    result = run("check", cyclic)
    assert result.exit_code == 1
    assert f"error: the codebook has a cycle: {REASON}" in result.stdout
    assert "restore" in result.stdout
    report = json.loads(run("check", cyclic, "--json").stdout)
    assert report["ok"] is False
    assert [e for e in report["errors"] if REASON in e]


@pytest.mark.timeout(60)
def test_check_names_a_cycle_made_while_the_project_is_open(demo: Project) -> None:
    make_cycle(demo.db.conn)
    report = check_project(demo)
    assert not report.ok
    assert any(REASON in error for error in report.errors)
    assert report.counts["codings"] == demo.codings.count()  # the rest was still checked
    tree = demo.codebook.tree()
    assert "Motive" not in {c.name for c in tree.walk()}  # no dimension holds it
    motive = next(c for c in tree.cycles()[0] if c.name == "Motive")
    assert set(demo.codebook.subtree(motive.id)) >= {c.id for c in tree.cycles()[0]}
