"""What a hostile tester found on the command line in project safety: restoring the oldest
snapshot, restoring with snapshots off, settings changed behind an error, a copy onto a side
file's name, a never-ending view, a damaged merge source, links where side files or the lock
should be, side files left by readers, copies cut off halfway."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotator.services import backups
from annotator.storage import Project
from annotator.storage.snapshots import partial_name
from tests.test_cli import assert_one_line_error, run

NEVER_ENDING = (
    "ALTER TABLE documents RENAME TO docs_hidden",
    "CREATE VIEW documents AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
    "SELECT x AS id FROM c",
)


@pytest.fixture
def demo_path(tmp_path: Path) -> Path:
    path = tmp_path / "p.annotator"
    assert run("new", path, "--demo").exit_code == 0
    return path


def _sql(path: Path, *statements: str) -> None:
    connection = sqlite3.connect(path)
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.close()


def _codings(path: Path) -> int:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(connection.execute("SELECT count(*) FROM codings").fetchone()[0])
    finally:
        connection.close()


def _side_files(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name + "-"))


def test_restoring_the_tenth_snapshot_reads_it_before_pruning(demo_path: Path) -> None:
    for number in range(1, 11):
        assert run("backup", demo_path, "--reason", f"n{number}").exit_code == 0
    listed = json.loads(run("backups", demo_path, "--json").stdout)["snapshots"]
    assert listed[9]["reason"] == "n1"
    _sql(demo_path, "DELETE FROM codings WHERE id <= 100")
    restored = run("restore", demo_path, "10")
    assert restored.exit_code == 0, restored.output
    assert restored.stdout.startswith(f"restored {listed[9]['name']}: 8 articles, 171 codings")
    assert _codings(demo_path) == 171


def test_a_restore_keeps_the_current_state_even_with_snapshots_off(demo_path: Path) -> None:
    assert run("backup", demo_path).exit_code == 0
    _sql(demo_path, "DELETE FROM codings WHERE id <= 100")
    assert run("backups", demo_path, "--off").exit_code == 0
    restored = run("restore", demo_path, "latest")
    assert restored.exit_code == 0, restored.output
    (kept,) = [s for s in backups.list_snapshots(demo_path) if s.reason == "before restore"]
    assert f"the state before the restore is kept as {kept.path}" in restored.stdout
    assert kept.counts is not None
    assert kept.counts.codings == 71
    assert _codings(demo_path) == 171


def test_a_mistyped_project_changes_no_setting(demo_path: Path) -> None:
    typo = demo_path.with_name("q.annotator")
    result = run("backups", typo, "--off", "--keep-last", "1", "--keep-daily", "0")
    assert_one_line_error(result, "q.annotator: no such project")
    settings = backups.load_settings()
    assert (settings.enabled, settings.keep_last, settings.keep_daily) == (True, 10, 14)


@pytest.mark.parametrize("suffix", ["-journal", "-wal", "-shm", ".lock"])
def test_a_copy_is_never_written_under_a_side_files_name(demo_path: Path, suffix: str) -> None:
    target = demo_path.with_name(demo_path.name + suffix)
    result = run("backup", demo_path, "--to", target)
    assert_one_line_error(result, f"{target.name}: is the ")
    assert f"of the project {demo_path.name}" in result.stderr
    assert not target.exists()
    assert run("documents", demo_path).exit_code == 0
    assert run("status", demo_path, "--coder", "Ana", "--done", "1").exit_code == 0


def _annotator(*args: str | Path, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "annotator", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, "ANNOTATOR_HOME": str(home)},
        timeout=90,  # before the fix, repair and restore never finished
        check=False,
    )


@pytest.mark.parametrize("command", ["repair", "restore"])
def test_a_never_ending_view_neither_hangs_repair_nor_restore(
    demo_path: Path, tmp_path: Path, command: str
) -> None:
    home = tmp_path / "home"
    if command == "restore":
        assert _annotator("backup", demo_path, home=home).returncode == 0
    _sql(demo_path, *NEVER_ENDING)
    args = [command, demo_path] + (["latest"] if command == "restore" else [])
    done = _annotator(*args, home=home)
    assert done.returncode == 0, done.stderr
    assert _codings(demo_path) == 171
    listed = _annotator("backups", demo_path, home=home)
    assert "counts unknown" in listed.stdout  # the trapped file was kept, never counted
    assert _annotator("check", demo_path, home=home).returncode == 0


def test_a_damaged_merge_source_is_named_and_the_lead_is_not_blamed(
    demo_path: Path, tmp_path: Path
) -> None:
    source = tmp_path / "source.annotator"
    assert run("new", source, "--demo").exit_code == 0
    connection = sqlite3.connect(source)
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    [[root]] = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = 'codings'")
    connection.close()
    with open(source, "r+b") as handle:  # a page opening does not check (codings)
        handle.seek((root - 1) * page_size)
        handle.write(b"\xde\xad\xbe\xef" * 64)
    lead = tmp_path / "lead.annotator"
    assert run("new", lead).exit_code == 0
    result = run("merge", lead, source)
    assert_one_line_error(result, "source.annotator: ")
    assert "damaged" in result.stderr
    assert "nothing was merged" in result.stderr
    assert "lead.annotator" not in result.stderr
    assert run("check", lead).exit_code == 0


def test_a_copy_of_a_damaged_project_fails_in_one_line(demo_path: Path, tmp_path: Path) -> None:
    connection = sqlite3.connect(demo_path)
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    [[root]] = connection.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'codings_by_position'"
    )
    connection.close()
    with open(demo_path, "r+b") as handle:
        handle.seek((root - 1) * page_size + 8)
        handle.write(b"\xff" * 64)
    result = run("backup", demo_path, "--to", tmp_path / "copy.annotator")
    assert_one_line_error(result, "p.annotator: the copy does not check out")
    assert not (tmp_path / "copy.annotator").exists()


@pytest.mark.parametrize("suffix", ["-wal", "-shm"])
def test_a_side_file_that_is_a_link_is_named_not_called_damage(
    demo_path: Path, tmp_path: Path, suffix: str
) -> None:
    other = tmp_path / "study.annotator"
    assert run("new", other, "--demo").exit_code == 0
    before = other.read_bytes()
    link = demo_path.with_name(demo_path.name + suffix)
    link.symlink_to(other.name)
    for command in (["status", demo_path, "--coder", "X", "--done", "1"], ["documents", demo_path]):
        result = run(*command)
        assert_one_line_error(result, f"p.annotator: {link.name} beside it is a symbolic link")
        assert "restore" not in result.stderr
    assert other.read_bytes() == before


def test_a_file_saved_as_a_projects_journal_is_not_deleted(demo_path: Path, tmp_path: Path) -> None:
    journal = demo_path.with_name(demo_path.name + "-journal")
    journal.write_bytes(demo_path.read_bytes())  # a copy saved under that name by hand
    for command in (["documents", demo_path], ["status", demo_path, "--coder", "X", "--done", "1"]):
        assert_one_line_error(run(*command), "is not a journal of SQLite's")
    assert journal.read_bytes() == demo_path.read_bytes()


@pytest.mark.parametrize("kind", ["symbolic link", "fifo", "dev-null"])
def test_a_lock_that_is_not_a_plain_file_of_ours_is_one_line(
    demo_path: Path, tmp_path: Path, kind: str
) -> None:
    other = tmp_path / "study.annotator"
    assert run("new", other, "--demo").exit_code == 0
    before = other.read_bytes()
    lock = demo_path.with_name("p.annotator.lock")
    if kind == "symbolic link":
        lock.symlink_to(other.name)
    elif kind == "fifo":
        os.mkfifo(lock)
    else:
        lock.symlink_to("/dev/null")
    result = run("status", demo_path, "--coder", "Ana", "--done", "1")
    assert_one_line_error(result, f"p.annotator: its lock file {lock.parent.resolve() / lock.name}")
    assert other.read_bytes() == before


def test_reading_commands_leave_no_side_files(demo_path: Path, tmp_path: Path) -> None:
    assert _side_files(demo_path) == []
    for command in (
        ["check", demo_path],
        ["documents", demo_path],
        ["export", demo_path, "--format", "segments", "-o", tmp_path / "s.csv"],
        ["backup", demo_path],
        ["backup", demo_path, "--to", tmp_path / "copy.annotator"],
        ["status", demo_path, "--coder", "Ana", "--done", "1"],
    ):
        result = run(*command)
        assert result.exit_code == 0, result.output
        assert _side_files(demo_path) == [], command
    assert not list(demo_path.parent.glob(".*"))  # no hidden temporary files either


def test_reading_alongside_a_writer_leaves_its_log_alone(demo_path: Path) -> None:
    with Project.open(demo_path) as writer:
        writer.coders.add("Cy")
        assert run("documents", demo_path).exit_code == 0
        assert _side_files(demo_path) == ["p.annotator-shm", "p.annotator-wal"]
        writer.coders.add("Dee")
    assert _side_files(demo_path) == []
    with Project.open(demo_path, read_only=True) as reader:
        assert {c.name for c in reader.coders.all()} >= {"Cy", "Dee"}
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            reader.db.execute("DELETE FROM codings")


def test_copies_cut_off_halfway_are_removed_when_pruning(demo_path: Path) -> None:
    assert run("backup", demo_path).exit_code == 0
    (first,) = backups.list_snapshots(demo_path)
    folder = first.path.parent
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    gone = folder / partial_name(folder / "x.annotator").name.replace(
        f".{os.getpid()}@", f".{dead.stdout.strip()}@"
    )
    gone.write_bytes(b"half a copy")
    old = folder / ".y.annotator.123.partial"  # an older annotator's name for them
    old.write_bytes(b"half a copy")
    day_and_more = time.time() - 25 * 3600
    os.utime(old, (day_and_more, day_and_more))
    running = partial_name(folder / "z.annotator")  # this process: a copy under way
    running.write_bytes(b"being written")
    assert run("backup", demo_path).exit_code == 0
    assert not gone.exists()
    assert not old.exists()
    assert running.exists()
    assert len(backups.list_snapshots(demo_path)) == 2
