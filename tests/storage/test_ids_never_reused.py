"""Migration 0009_ids_never_reused: codes, codings, memos and decisions get AUTOINCREMENT ids,
every row, index and trigger kept; a deleted newest id is never given again."""

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
TABLES = ("codes", "codings", "memos", "decisions")


def _contents(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as connection:
        present = {str(n) for (n,) in connection.execute("SELECT name FROM sqlite_master")}
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in (*TABLES, "documents", "coders", "document_status")
            if table in present
        }


def _objects(path: Path) -> set[tuple[str, str]]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite%'"
        ).fetchall()
    return {(str(kind), str(name)) for kind, name in rows}


@pytest.mark.parametrize("fixture", ["0008_imports", "0001_initial"])
def test_an_old_project_upgrades_keeps_every_row_and_never_reuses_an_id(
    tmp_path: Path, fixture: str
) -> None:
    path = tmp_path / "old.annotator"
    shutil.copy(FIXTURES / f"{fixture}.annotator", path)
    before, objects = _contents(path), _objects(path)
    with Project.open(path) as project:
        assert project.schema_version() == known_migrations()
        upgraded = _contents(path)
        for table, rows in before.items():  # every row with its id (and columns added since)
            width = len(rows[0]) if rows else 0
            assert [row[:width] for row in upgraded[table]] == rows
        coder = project.coders.all()[0]
        document = project.documents.all()[0]
        code = next(c for c in project.codebook.tree().walk(None) if not c.is_dimension)
        # The newest coding deleted: plain INTEGER PRIMARY KEY would hand its id out again.
        added = project.codings.add(document.id, coder.id, code.id, None, None)
        project.codings.delete(added.id)
        again = project.codings.add(document.id, coder.id, code.id, None, None)
        assert again.id > added.id
        project.codings.delete(again.id)
        dimension = project.codebook.add("Fresh", None)
        project.codebook.delete(dimension.id)
        assert project.codebook.add("Fresh", None).id > dimension.id
        assert schema_problems(project.db.conn) == []  # `annotator check`: sound
    assert objects <= _objects(path)  # every table, index and trigger is there still
    with sqlite3.connect(path) as connection:
        for table in TABLES:
            (sql,) = connection.execute(
                "SELECT sql FROM sqlite_master WHERE name = ?", [table]
            ).fetchone()
            assert "AUTOINCREMENT" in sql
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_new_project_has_ids_never_reused(tmp_path: Path) -> None:
    with Project.create(tmp_path / "new.annotator") as project:
        coder = project.coders.add("Ana")
        dimension = project.codebook.add("Topic", None)
        code = project.codebook.add("Economy", dimension.id)
        text = tmp_path / "one.txt"
        text.write_text("A short article about the economy.", encoding="utf-8")
        import_files(project, [text])
        document = project.documents.all()[0]
        first = project.codings.add(document.id, coder.id, code.id, 0, 5)
        project.codings.delete(first.id)
        second = project.codings.add(document.id, coder.id, code.id, 0, 5)
        assert second.id > first.id
