"""Migration 0011_coder_and_document_ids: coders and documents get AUTOINCREMENT ids, every
row (theirs and every table pointing at them), index, trigger and foreign key kept; a deleted
newest coder's or article's id is never given again."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.services import import_files
from annotator.storage import Project
from annotator.storage.schema import known_migrations
from annotator.storage.verify import schema_problems

FIXTURES = Path(__file__).parent / "schemas"
KEPT = (
    "coders",
    "documents",
    "codings",
    "memos",
    "decisions",
    "document_status",
    "document_values",
    "deletions",
    "near_duplicate_signatures",
    "near_duplicate_bands",
)


def _contents(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as connection:
        present = {str(n) for (n,) in connection.execute("SELECT name FROM sqlite_master")}
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in KEPT
            if table in present
        }


def _objects(path: Path) -> set[tuple[str, str, str]]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite%'"
        ).fetchall()
    return {(str(kind), str(name), str(table)) for kind, name, table in rows}


def _keys(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as connection:
        names = [
            n for (n,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return {n: connection.execute(f"PRAGMA foreign_key_list({n})").fetchall() for n in names}


@pytest.mark.parametrize("fixture", ["0010_decision_basis", "0008_imports", "0001_initial"])
def test_an_old_project_upgrades_keeps_every_row_and_never_reuses_a_coder_or_article_id(
    tmp_path: Path, fixture: str
) -> None:
    path = tmp_path / "old.annotator"
    shutil.copy(FIXTURES / f"{fixture}.annotator", path)
    before, objects, keys = _contents(path), _objects(path), _keys(path)
    assert before["codings"]  # the fixture has codings pointing at coders and documents
    with Project.open(path) as project:
        assert project.schema_version() == known_migrations()
        upgraded = _contents(path)
        for table, rows in before.items():  # every row with its id (and columns added since)
            width = len(rows[0]) if rows else 0
            assert [row[:width] for row in upgraded[table]] == rows, table
        # The newest coder and article deleted: plain INTEGER PRIMARY KEY hands their ids out
        # again.
        zed = project.coders.add("Zed")
        project.db.execute("DELETE FROM coders WHERE id = ?", [zed.id])
        assert project.coders.add("Carl").id > zed.id
        text = tmp_path / "extra.txt"
        text.write_text("An extra article, soon deleted.", encoding="utf-8")
        import_files(project, [text])
        extra = project.documents.by_name("extra")
        assert extra is not None
        project.db.execute("DELETE FROM documents WHERE id = ?", [extra.id])
        text.write_text("Another article after it.", encoding="utf-8")
        import_files(project, [text])
        again = project.documents.by_name("extra")
        assert again is not None
        assert again.id > extra.id
        assert schema_problems(project.db.conn) == []  # `annotator check`: sound
    assert objects <= _objects(path)  # every table, index and trigger is there still
    after = _keys(path)
    for table, rows in keys.items():  # every foreign key as it was
        assert after[table] == rows, table
    with sqlite3.connect(path) as connection:
        for table in ("coders", "documents"):
            (sql,) = connection.execute(
                "SELECT sql FROM sqlite_master WHERE name = ?", [table]
            ).fetchone()
            assert "AUTOINCREMENT" in sql
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_new_project_never_reuses_a_coder_id(tmp_path: Path) -> None:
    with Project.create(tmp_path / "new.annotator") as project:
        first = project.coders.add("Zed")
        project.db.execute("DELETE FROM coders WHERE id = ?", [first.id])
        assert project.coders.add("Carl").id > first.id
