"""Tombstones: every way a coding or memo goes leaves one (with its coder, article and time),
and a GUID that comes back clears it. Migration 0005 also brings times an earlier version kept
as a file gave them to UTC."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from annotator.domain.model import Coding
from annotator.storage import Project
from annotator.storage.schema import APPLICATION_ID, migrations


def _setup(project: Project) -> tuple[int, int, int, int]:
    document = project.documents.add("a", "a.txt", "Some words of an article to code.")
    coder = project.coders.add("Ana")
    dimension = project.codebook.add("Motive")
    first = project.codebook.add("Political", dimension.id)
    second = project.codebook.add("Family", dimension.id)
    return document.id, coder.id, first.id, second.id


def test_deleting_a_coding_leaves_a_tombstone_and_restoring_it_clears_it(
    memory: Project,
) -> None:
    document, coder, code, _ = _setup(memory)
    coding = memory.codings.add(document, coder, code, 0, 4)
    gone = memory.codings.delete(coding.id)
    [tombstone] = memory.deletions.for_coder(coder)
    assert (tombstone.guid, tombstone.kind, tombstone.document_id) == (
        coding.guid,
        "coding",
        document,
    )
    assert tombstone.deleted_at >= coding.updated_at
    assert memory.codings.restore(gone) == coding  # exactly as it was, times included
    assert memory.deletions.count() == 0


def test_a_deletion_merged_keeps_its_time(memory: Project) -> None:
    document, coder, code, _ = _setup(memory)
    coding = memory.codings.add(document, coder, code, 0, 4, created_at="2025-01-01T00:00:00Z")
    memory.codings.delete(coding.id, deleted_at="2025-02-01T10:00:00Z")
    assert [d.deleted_at for d in memory.deletions.for_coder(coder)] == ["2025-02-01T10:00:00Z"]


def test_codings_deleted_with_their_code_or_dropped_by_a_code_merge_leave_tombstones(
    memory: Project,
) -> None:
    document, coder, first, second = _setup(memory)
    kept = memory.codings.add(document, coder, second, 0, 4)
    duplicate = memory.codings.add(document, coder, first, 0, 4)
    moved = memory.codings.add(document, coder, first, 5, 10)
    assert memory.codings.reassign(first, second) == 1
    assert {d.guid for d in memory.deletions.for_coder(coder)} == {duplicate.guid}
    assert memory.codings.delete_for_codes([second]) == 2
    assert {d.guid for d in memory.deletions.for_coder(coder)} == {
        duplicate.guid,
        kept.guid,
        moved.guid,
    }


def test_a_guid_added_again_clears_its_tombstone(memory: Project) -> None:
    document, coder, code, _ = _setup(memory)
    one = memory.codings.add(document, coder, code, 0, 4)
    two = memory.codings.add(document, coder, code, 5, 9)
    memory.codings.delete(one.id)
    memory.codings.delete(two.id)
    memory.codings.add(document, coder, code, 0, 4, guid=one.guid)
    memory.codings.add_many(
        [(two.guid, document, coder, code, 5, 9, "", two.created_at, two.updated_at)]
    )
    assert memory.deletions.count() == 0


def test_deleting_a_memo_leaves_a_tombstone(memory: Project) -> None:
    document, coder, _, _ = _setup(memory)
    memo = memory.memos.add("check this", document_id=document, coder_id=coder)
    memory.memos.delete(memo.id)
    [tombstone] = memory.deletions.for_coder(coder)
    assert (tombstone.guid, tombstone.kind, tombstone.document_id) == (memo.guid, "memo", document)
    memory.memos.add("check this", document_id=document, coder_id=coder, guid=memo.guid)
    assert memory.deletions.count() == 0


def test_times_an_earlier_version_kept_as_given_are_brought_to_utc(tmp_path: Path) -> None:
    """Issue 20.9: ``codings import`` stored ``created_at`` as the file had it."""
    path = tmp_path / "old.annotator"
    db = Database(path)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    migrations.apply(db, stop_before="0005_deletions")
    db.execute("INSERT INTO documents VALUES (1, 'g1', 'a', 'a.txt', 'text', 4, 'h', 'now')")
    db.execute("INSERT INTO coders VALUES (1, 'g2', 'Ana')")
    db.execute("INSERT INTO codes VALUES (1, 'g3', NULL, 'M', '#AABBCC', '', NULL, 0, 0)")
    db.execute("INSERT INTO codes VALUES (2, 'g4', 1, 'P', '#AABBCC', '', NULL, 0, 0)")
    given = [
        ("2025-03-01T23:30:00-05:00", "2025-03-02T04:30:00Z"),
        ("20250301T120000Z", "2025-03-01T12:00:00Z"),
        ("2025-03-01 08:00", "2025-03-01T08:00:00Z"),  # no zone: UTC, as on import
        ("2025-03-01T12:00:00Z", "2025-03-01T12:00:00Z"),
        ("not a time", "not a time"),  # left for a person to judge
    ]
    for number, (created, _) in enumerate(given, start=1):
        db.execute(
            "INSERT INTO codings VALUES (?, ?, 1, 1, 2, 0, 1, '', ?, ?)",
            [number, f"c{number}", created, created],
        )
    db.execute(
        "INSERT INTO memos VALUES (1, 'm1', 'project', NULL, NULL, 1, 'x', ?, ?)",
        ["2025-03-01T23:30:00-05:00", "2025-03-01T23:30:00-05:00"],
    )
    db.close()
    with Project.open(path) as project:
        codings: list[Coding] = sorted(project.codings.all(), key=lambda c: c.id)
        assert [(c.created_at, c.updated_at) for c in codings] == [(w, w) for _, w in given]
        [memo] = project.memos.all()
        assert (memo.created_at, memo.updated_at) == ("2025-03-02T04:30:00Z",) * 2
        assert project.deletions.count() == 0
