"""The near-duplicate index kept in the project: rows follow their document, an older project
is indexed on first use in one transaction with progress, a read-only one is still checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database

from annotator.domain import minhash
from annotator.services import duplicates
from annotator.services.duplicates import (
    NearDuplicate,
    find_near_duplicates,
    index_documents,
    index_missing,
    missing_from_index,
)
from annotator.storage import Project
from annotator.storage.schema import APPLICATION_ID, migrations
from tests.services.invented_news import NEW_LEDE, STORY_A, STORY_B, story

REPORT_A = story(STORY_A[:19])
REPORT_B = story(STORY_B[:19])
REWRITTEN = story([NEW_LEDE, *STORY_A[1:19]])


def _rows(project: Project, document_id: int) -> tuple[int, int]:
    """(signatures, band keys) the index holds for one document."""
    signatures = project.db.execute(
        "SELECT count(*) FROM near_duplicate_signatures WHERE document_id = ?", [document_id]
    ).fetchone()[0]
    bands = project.db.execute(
        "SELECT count(*) FROM near_duplicate_bands WHERE document_id = ?", [document_id]
    ).fetchone()[0]
    return int(signatures), int(bands)


def _add(project: Project, name: str, text: str) -> int:
    with project.transaction():
        document = project.documents.add(name, f"{name}.txt", text)
        index_documents(project, [(document.id, text)])
    return document.id


def test_a_document_is_indexed_with_its_signature_and_band_keys(memory: Project) -> None:
    document = _add(memory, "flood barrier", REPORT_A)
    assert _rows(memory, document) == (1, minhash.BANDS)
    assert missing_from_index(memory) == 0


def test_indexing_a_document_again_replaces_its_rows(memory: Project) -> None:
    document = _add(memory, "flood barrier", REPORT_A)
    with memory.transaction():
        index_documents(memory, [(document, REPORT_A), (document, REPORT_A)])
    assert _rows(memory, document) == (1, minhash.BANDS)


def test_a_text_without_words_is_indexed_but_has_no_band_keys(memory: Project) -> None:
    document = _add(memory, "dots", "… — …")
    assert _rows(memory, document) == (1, 0)
    assert missing_from_index(memory) == 0
    assert find_near_duplicates(memory, ["… — …"]) == []


def test_deleting_a_document_removes_it_from_the_index(memory: Project) -> None:
    kept = _add(memory, "report b", REPORT_B)
    deleted = _add(memory, "flood barrier", REPORT_A)
    assert [f.existing_id for f in find_near_duplicates(memory, [REWRITTEN])] == [deleted]
    with memory.transaction():
        memory.db.execute("DELETE FROM documents WHERE id = ?", [deleted])
    assert _rows(memory, deleted) == (0, 0)
    assert _rows(memory, kept) == (1, minhash.BANDS)
    assert find_near_duplicates(memory, [REWRITTEN]) == []


def _old_project(path: Path, texts: list[str]) -> None:
    """A project as the version before the index made it (schema 0006), holding ``texts``."""
    db = Database(path)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    migrations.apply(db, stop_before="0007_near_duplicates")
    db.close()
    # An older annotator opens it without knowing 0007; its documents store is the same.
    with Project.open(path) as project, project.transaction():
        for number, text in enumerate(texts):
            project.documents.add(f"article {number}", f"{number}.txt", text)


def _old_texts() -> list[str]:
    return [story(STORY_A[n : n + 6]) for n in range(0, 18, 3)] + [REPORT_A, REPORT_B]


def test_an_older_project_gets_its_index_on_first_use(tmp_path: Path) -> None:
    path = tmp_path / "old.annotator"
    texts = _old_texts()
    _old_project(path, texts)
    calls: list[tuple[int, int]] = []
    with Project.open(path) as project:
        assert "0007_near_duplicates" in project.schema_version()
        assert missing_from_index(project) == len(texts)
        before = find_near_duplicates(project, [REWRITTEN, REPORT_B])  # from memory
        assert index_missing(project, progress=lambda done, total: calls.append((done, total)))
        assert missing_from_index(project) == 0
        assert index_missing(project) == 0
        after = find_near_duplicates(project, [REWRITTEN, REPORT_B])
    ids = {text: number + 1 for number, text in enumerate(texts)}
    assert before == after
    assert [(f.index, f.existing_id) for f in after] == [(0, ids[REPORT_A]), (1, ids[REPORT_B])]
    assert calls == [(len(texts), len(texts))]


def test_indexing_an_older_project_is_one_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.annotator"
    texts = _old_texts()
    _old_project(path, texts)
    monkeypatch.setattr(duplicates, "_CHUNK", 3)  # several chunks, each with its progress
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        calls.append((done, total))
        if len(calls) == 2:
            raise KeyboardInterrupt  # the user stops it half-way

    with Project.open(path) as project:
        with pytest.raises(KeyboardInterrupt):
            index_missing(project, progress=progress)
        assert missing_from_index(project) == len(texts)  # nothing of it was kept
        assert project.db.execute("SELECT count(*) FROM near_duplicate_bands").fetchone()[0] == 0
        calls.clear()
        index_missing(project, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(3, 8), (6, 8), (8, 8)]


def test_a_read_only_project_without_index_is_checked_from_memory(tmp_path: Path) -> None:
    path = tmp_path / "old.annotator"
    texts = _old_texts()
    _old_project(path, texts)
    Project.open(path).close()  # brought up to date, not indexed
    with Project.open(path, read_only=True) as project:
        found = find_near_duplicates(project, [REWRITTEN])
        assert missing_from_index(project) == len(texts)
    assert found == [NearDuplicate(0, texts.index(REPORT_A) + 1, None, found[0].similarity)]
    assert found[0].similarity >= 0.9
