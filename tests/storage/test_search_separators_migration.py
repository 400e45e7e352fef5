"""Migration 0019: a project whose word index was made by 0013 is indexed again with the
symbols newer than ``unicode61``'s tables as separators, articles still waiting to be
indexed kept waiting (the index then holds what it held for them)."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

from annotator.services import search
from annotator.services.search import Request
from annotator.storage import Project
from annotator.storage import search_index as index
from annotator.storage.schema import known_migrations

FIXTURE = Path(__file__).parent / "schemas" / "0018_suggestion_spans.annotator"


def _add(connection: sqlite3.Connection, name: str, text: str) -> int:
    cursor = connection.execute(
        "INSERT INTO documents (guid, name, source, text, length, sha256, imported_at) "
        "VALUES (?, ?, 's', ?, ?, ?, '2026-01-01T00:00:00')",
        [f"g-{name}", name, text, len(text), hashlib.sha256(text.encode()).hexdigest()],
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def test_an_older_project_finds_a_word_glued_to_a_newer_symbol(tmp_path: Path) -> None:
    path = tmp_path / "old.annotator"
    shutil.copy(FIXTURE, path)
    connection = sqlite3.connect(path)
    with connection:  # two articles indexed by 0013's tokenizer, as annotator indexes them
        kept = _add(connection, "kept", "Цена 500₽ за литр.")
        gone = _add(connection, "gone", "Итого 700₽.")
        connection.execute(
            "INSERT INTO search_words (rowid, text) SELECT id, text FROM documents "
            "WHERE id IN (SELECT document_id FROM search_pending)"
        )
        connection.execute("DELETE FROM search_pending")
    with connection:  # then another program's writes, waiting in search_pending
        connection.execute("DELETE FROM documents WHERE id = ?", [gone])
        waiting = _add(connection, "waiting", "We closed the deal🤝 today.")
    pending = connection.execute("SELECT count(*) FROM search_pending").fetchone()[0]
    connection.close()
    assert pending == 2
    with Project.open(path) as project:
        assert project.schema_version() == known_migrations()
        for caught_up in (False, True):
            assert index.index_problems(project.db.conn) == [], caught_up
            assert [h.document_id for h in search.search(project, Request("500")).hits] == [kept]
            assert search.search(project, Request("700")).hits == []
            assert [h.document_id for h in search.search(project, Request("deal")).hits] == [
                waiting
            ]
            index.catch_up(project.db)
            assert index.pending_count(project.db) == 0
