"""Hostile project files on the command line: a booby-trapped schema, a dropped table, a
corrupted page, a read-only folder — each named, with what to do, never a traceback."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from annotator.storage import access
from tests.helpers import run_sql
from tests.test_cli import assert_one_line_error, run

BOOBY = (
    "CREATE TRIGGER booby AFTER INSERT ON codings BEGIN DELETE FROM codings WHERE id < new.id; END"
)


@pytest.fixture
def demo_path(tmp_path: Path) -> Path:
    path = tmp_path / "p.annotator"
    assert run("new", path, "--demo").exit_code == 0
    return path


def _codings(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute("SELECT count(*) FROM codings").fetchone()[0])
    finally:
        connection.close()


def _one_coding(folder: Path) -> Path:
    csv = folder / "one.csv"
    csv.write_text(
        "document_name,coder,code_path,start,end\n"
        "01_restaurant-workers,Cy,Motive > Political,0,7\n",
        encoding="utf-8",
    )
    return csv


def _corrupt_codings(path: Path) -> None:
    connection = sqlite3.connect(path)
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    [root] = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = 'codings'")
    connection.close()
    with open(path, "r+b") as handle:
        handle.seek((root[0] - 1) * page_size)
        handle.write(b"\xde\xad\xbe\xef" * 64)


def test_the_booby_trapped_demo_is_refused_listed_and_repaired(
    demo_path: Path, tmp_path: Path
) -> None:
    run_sql(demo_path, BOOBY)
    check = run("check", demo_path)
    assert check.exit_code == 1
    assert "error: trigger 'booby' (on codings) was not made by annotator" in check.stdout
    assert "'annotator repair p.annotator' mends it" in check.stdout
    csv = _one_coding(tmp_path)
    refused = run("codings", "import", demo_path, csv)
    assert_one_line_error(refused, "p.annotator: the project was changed outside annotator")
    assert "'annotator repair p.annotator'" in refused.stderr
    assert _codings(demo_path) == 171
    for reading in (["documents", demo_path], ["export", demo_path, "--format", "documents"]):
        assert_one_line_error(run(*reading), "trigger 'booby' (on codings)")
    repaired = run("repair", demo_path)
    assert repaired.exit_code == 0, repaired.output
    assert "dropped trigger 'booby' (on codings)" in repaired.stdout
    assert "171 codings" in repaired.stdout
    assert run("codings", "import", demo_path, csv).exit_code == 0
    assert _codings(demo_path) == 172
    assert run("check", demo_path).stdout.strip().endswith("ok")
    assert "nothing to repair" in run("repair", demo_path).stdout


def test_a_dropped_table_is_reported_by_check(demo_path: Path) -> None:
    run_sql(demo_path, "DROP TABLE memos")
    check = run("check", demo_path, "--json")
    assert check.exit_code == 1
    report = json.loads(check.stdout)
    assert report["errors"] == ["table 'memos' is missing"]
    assert report["repairable"] is True
    assert run("repair", demo_path).exit_code == 0
    assert json.loads(run("check", demo_path, "--json").stdout)["ok"] is True


def test_a_corrupted_page_is_named_as_damage_with_what_to_do(demo_path: Path) -> None:
    assert run("backup", demo_path).exit_code == 0
    _corrupt_codings(demo_path)
    # Reading: opening checks the small tables only; the damage shows when codings are read.
    exported = run("export", demo_path, "--format", "segments")
    assert_one_line_error(exported, "p.annotator: the project is damaged")
    assert "internal error" not in exported.stderr
    assert "'annotator restore p.annotator latest'" in exported.stderr
    # Writing: every page is checked first, and nothing is written.
    before = demo_path.read_bytes()
    status = run("status", demo_path, "--coder", "Ana", "--done", "01_restaurant-workers")
    assert_one_line_error(status, "p.annotator: the project is damaged")
    assert demo_path.read_bytes() == before
    check = run("check", demo_path)
    assert check.exit_code == 1
    assert "the project is damaged; 'annotator restore p.annotator latest'" in check.stdout
    assert_one_line_error(run("repair", demo_path), "the project is damaged")
    restored = run("restore", demo_path, "latest")
    assert restored.exit_code == 0, restored.output
    assert "in place of the damaged project: 8 articles, 171 codings" in restored.stdout
    assert "the damaged project is kept as" in restored.stdout
    assert run("check", demo_path).stdout.strip().endswith("ok")


def test_a_project_in_a_read_only_folder_is_read_with_a_note(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = demo_path.parent.resolve()
    writable = access.can_write
    monkeypatch.setattr(access, "can_write", lambda p: Path(p).resolve() != folder and writable(p))
    listed = run("documents", demo_path)
    assert listed.exit_code == 0
    assert "01_restaurant-workers" in listed.stdout
    assert listed.stderr.strip() == (
        f"note: p.annotator is read-only here: its folder {folder} is read-only (a mounted "
        "share or a disc?); copy the project to a writable folder to change it"
    )
    assert run("check", demo_path).exit_code == 0
    refused = run("status", demo_path, "--coder", "Ana", "--done", "01_restaurant-workers")
    assert_one_line_error(refused, "p.annotator: its folder")
    assert sorted(p.name for p in folder.iterdir()) == ["p.annotator"]
