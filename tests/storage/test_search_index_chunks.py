"""Catching the search index up with many pending articles (an import of thousands, in one
transaction) reads their texts a chunk at a time, and indexes them as reading them all did:
removals, changes and new articles across the chunks' edges."""

from __future__ import annotations

import tracemalloc

import pytest

from annotator.services import search
from annotator.storage import Project
from annotator.storage import search_index as index


def _text(number: int) -> str:
    return f"harbour report {number} " + " ".join(f"w{number}x{k}" for k in range(300))


def test_many_pending_articles_are_read_a_chunk_at_a_time(
    memory: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index, "_CATCH_UP_CHUNK", 200)
    with memory.transaction():  # the index catches up when the transaction ends
        for number in range(3000):
            memory.documents.add(f"r{number}", "s", _text(number))
        assert index.pending_count(memory.db) == 3000
        tracemalloc.start()
        try:
            assert index.catch_up(memory.db) == 3000
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    total = sum(len(_text(number)) for number in range(3000))
    assert peak < total / 4  # the texts of all 3,000 (8 MB) were fetched at once
    assert index.index_problems(memory.db.conn) == []


def test_removals_changes_and_new_articles_across_chunks_are_indexed(
    memory: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index, "_CATCH_UP_CHUNK", 7)
    ids = [memory.documents.add(f"r{n}", "s", _text(n)).id for n in range(30)]
    with memory.transaction():
        memory.db.execute("DROP TRIGGER documents_text_is_immutable")
        for document in ids[3:20:4]:
            memory.db.execute("DELETE FROM documents WHERE id = ?", [document])
        for document in ids[5:25:6]:
            memory.db.execute(
                "UPDATE documents SET text = 'changed tide', length = 12 WHERE id = ?",
                [document],
            )
        for n in range(30, 45):
            memory.documents.add(f"r{n}", "s", _text(n) + " 港口")
    assert index.pending_count(memory.db) == 0
    assert index.index_problems(memory.db.conn) == []
    changed = {h.document_id for h in search.search(memory, search.Request("changed")).hits}
    assert changed == set(ids[5:25:6]) - set(ids[3:20:4])
    assert search.search(memory, search.Request("w3x7")).hits == []  # removed
    assert len(search.search(memory, search.Request("港口")).hits) == 15
