"""`annotator backup`, `backups` and `restore` as a script uses them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from annotator.services import backups
from annotator.storage import Project
from tests.test_cli import assert_one_line_error, run


def _codings(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute("SELECT count(*) FROM codings").fetchone()[0])
    finally:
        connection.close()


@pytest.fixture
def demo_path(tmp_path: Path) -> Path:
    path = tmp_path / "p.annotator"
    assert run("new", path, "--demo").exit_code == 0
    return path


def test_backup_list_and_restore_bring_back_the_counts(demo_path: Path) -> None:
    made = run("backup", demo_path, "--json")
    assert made.exit_code == 0, made.output
    snapshot = json.loads(made.stdout)
    assert (snapshot["articles"], snapshot["codings"], snapshot["coders"]) == (8, 171, 2)
    with Project.open(demo_path) as opened, opened.transaction():
        opened.db.execute("DELETE FROM codings WHERE id <= 100")
    assert _codings(demo_path) == 71
    listed = json.loads(run("backups", demo_path, "--json").stdout)
    assert [s["name"] for s in listed["snapshots"]] == [snapshot["name"]]
    restored = run("restore", demo_path, "1")
    assert restored.exit_code == 0, restored.output
    assert "8 articles, 171 codings, 2 coders" in restored.stdout
    assert _codings(demo_path) == 171
    listed = json.loads(run("backups", demo_path, "--json").stdout)
    assert [s["reason"] for s in listed["snapshots"]] == ["before restore", "on request"]
    assert listed["snapshots"][0]["codings"] == 71
    check = run("check", demo_path)
    assert check.exit_code == 0
    assert check.stdout.strip().endswith("ok")


def test_a_writing_command_takes_the_snapshot_of_the_opening(demo_path: Path) -> None:
    assert backups.list_snapshots(demo_path) == []
    assert run("status", demo_path, "--coder", "Ana", "--in-progress", "1").exit_code == 0
    (taken,) = backups.list_snapshots(demo_path)
    assert taken.reason == "opened"
    assert taken.counts.codings == 171
    # Reading commands never write a snapshot; a second writer within the hours does not either.
    assert run("documents", demo_path).exit_code == 0
    assert run("status", demo_path, "--coder", "Ana", "--done", "1").exit_code == 0
    assert len(backups.list_snapshots(demo_path)) == 1


def test_settings_from_the_command_line(demo_path: Path) -> None:
    result = run("backups", demo_path, "--off", "--keep-last", "3")
    assert result.exit_code == 0, result.output
    assert "automatic snapshots OFF" in result.stdout
    assert "keeping the last 3" in result.stdout
    assert run("status", demo_path, "--coder", "Ana", "--done", "1").exit_code == 0
    assert backups.list_snapshots(demo_path) == []
    assert run("backups", demo_path, "--on").exit_code == 0
    assert backups.load_settings().enabled
    assert backups.load_settings().keep_last == 3


def test_backup_to_a_file_writes_one_complete_copy(demo_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "mail-me.annotator"
    result = run("backup", demo_path, "--to", target)
    assert result.exit_code == 0, result.output
    assert _codings(target) == 171
    assert not Path(f"{target}-wal").exists()
    again = run("backup", demo_path, "--to", target)
    assert_one_line_error(again, "already exists")


def test_restore_of_an_unknown_snapshot_is_one_line(demo_path: Path) -> None:
    assert_one_line_error(run("restore", demo_path, "9"), "no snapshot '9'")
    assert _codings(demo_path) == 171


def test_restore_refuses_a_project_open_elsewhere(demo_path: Path) -> None:
    assert run("backup", demo_path).exit_code == 0
    with Project.open(demo_path):
        assert_one_line_error(run("restore", demo_path, "latest"), "open in another annotator")
    assert _codings(demo_path) == 171
