"""Codings: create, change boundaries, delete, list; spans are checked in Python and in SQL."""

from __future__ import annotations

import sqlite3

import pytest

from annotator.domain.errors import InvalidSpanError, UserError
from annotator.domain.model import Code, Coder, Document
from annotator.storage import Project

TEXT = "Before 😀 after: 북한 defectors\nnew line."


@pytest.fixture
def setup(memory: Project) -> tuple[Project, Document, Coder, Code, Code]:
    dimension = memory.codebook.add("Motive", exclusive=True)
    political = memory.codebook.add("Political", dimension.id)
    subsistence = memory.codebook.add("Subsistence", dimension.id)
    document = memory.documents.add("doc", "doc.txt", TEXT)
    coder = memory.coders.add("Ana")
    return memory, document, coder, political, subsistence


def test_span_after_emoji_is_in_code_points(
    setup: tuple[Project, Document, Coder, Code, Code],
) -> None:
    project, document, coder, political, _ = setup
    start = TEXT.index("북한")
    coding = project.codings.add(document.id, coder.id, political.id, start, start + 2)
    stored = project.db.execute(
        'SELECT start, "end" FROM codings WHERE id = ?', [coding.id]
    ).fetchone()
    assert TEXT[stored[0] : stored[1]] == "북한"
    assert stored == (9 + 7, 9 + 9)  # "Before 😀 after: " is 16 code points (17 UTF-16 units)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (3, 3, "empty"),
        (5, 2, "empty"),
        (-1, 4, "outside"),
        (0, len(TEXT) + 1, "outside"),
        (None, 4, "both"),
        (2, None, "both"),
    ],
)
def test_bad_spans_are_refused(
    setup: tuple[Project, Document, Coder, Code, Code],
    start: int | None,
    end: int | None,
    message: str,
) -> None:
    project, document, coder, political, _ = setup
    with pytest.raises(InvalidSpanError, match=message):
        project.codings.add(document.id, coder.id, political.id, start, end)
    assert project.codings.count() == 0


def test_database_itself_refuses_bad_spans_and_dimensions(
    setup: tuple[Project, Document, Coder, Code, Code],
) -> None:
    """Triggers and CHECKs hold even for writes that bypass the Python API."""
    project, document, coder, political, _ = setup
    insert = (
        'INSERT INTO codings (guid, document_id, coder_id, code_id, start, "end", created_at, '
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, 'now', 'now')"
    )
    for guid, code_id, start, end in [
        ("a", political.id, 0, len(TEXT) + 5),
        ("b", political.id, 4, 4),
        ("c", political.parent_id, 0, 3),
        ("d", 999, 0, 3),
    ]:
        with pytest.raises(sqlite3.IntegrityError):
            project.db.execute(insert, [guid, document.id, coder.id, code_id, start, end])
    assert project.codings.count() == 0


def test_article_level_coding_has_no_span(
    setup: tuple[Project, Document, Coder, Code, Code],
) -> None:
    project, document, coder, political, _ = setup
    coding = project.codings.add(document.id, coder.id, political.id, None, None)
    assert coding.is_article_level
    assert (coding.start, coding.end) == (None, None)


def test_dimension_cannot_be_applied(setup: tuple[Project, Document, Coder, Code, Code]) -> None:
    project, document, coder, political, _ = setup
    assert political.parent_id is not None
    with pytest.raises(UserError, match="is a dimension"):
        project.codings.add(document.id, coder.id, political.parent_id, 0, 3)


def test_change_boundaries_memo_code_and_delete_restore(
    setup: tuple[Project, Document, Coder, Code, Code],
) -> None:
    project, document, coder, political, subsistence = setup
    coding = project.codings.add(document.id, coder.id, political.id, 0, 6)
    moved = project.codings.set_span(coding.id, 7, 8)
    assert TEXT[moved.start : moved.end] == "😀"
    with pytest.raises(InvalidSpanError):
        project.codings.set_span(coding.id, 7, 7)
    assert project.codings.get(coding.id).start == 7
    assert project.codings.set_memo(coding.id, "why").memo == "why"
    assert project.codings.set_code(coding.id, subsistence.id).code_id == subsistence.id
    removed = project.codings.delete(coding.id)
    assert project.codings.count() == 0
    assert project.codings.restore(removed) == removed


def test_listing_by_document_code_and_coder(
    setup: tuple[Project, Document, Coder, Code, Code],
) -> None:
    project, document, ana, political, subsistence = setup
    ben = project.coders.add("Ben")
    other = project.documents.add("other", "other.txt", "Another text entirely")
    made = [
        project.codings.add(document.id, ana.id, political.id, 10, 14),
        project.codings.add(document.id, ana.id, subsistence.id, None, None),
        project.codings.add(document.id, ben.id, political.id, 0, 6),
        project.codings.add(other.id, ben.id, subsistence.id, 0, 7),
    ]
    assert [c.id for c in project.codings.for_document(document.id)] == [
        made[1].id,
        made[2].id,
        made[0].id,
    ]
    assert {c.id for c in project.codings.for_document(document.id, ana.id)} == {
        made[0].id,
        made[1].id,
    }
    assert {c.id for c in project.codings.for_code(subsistence.id)} == {made[1].id, made[3].id}
    assert {c.id for c in project.codings.for_coder(ben.id)} == {made[2].id, made[3].id}
    assert project.codings.counts_by_code(document.id) == {political.id: 2, subsistence.id: 1}
    assert project.codings.find_same(document.id, ben.id, political.id, 0, 6) == made[2]
    assert project.codings.find_same(document.id, ben.id, political.id, 0, 7) is None


def test_indexes_serve_every_lookup_path(memory: Project) -> None:
    for where in ("document_id = 1", "code_id = 1", "coder_id = 1"):
        plan = " ".join(
            str(row[3])
            for row in memory.db.execute(f"EXPLAIN QUERY PLAN SELECT * FROM codings WHERE {where}")
        )
        assert "USING INDEX" in plan, (where, plan)


def test_a_failed_multi_step_write_leaves_nothing(
    setup: tuple[Project, Document, Coder, Code, Code],
) -> None:
    project, document, coder, political, _ = setup

    def three_writes_the_last_one_bad() -> None:
        with project.transaction():
            project.codings.add(document.id, coder.id, political.id, 0, 3)
            project.coders.add("Ben")
            project.codings.add(document.id, coder.id, political.id, 0, 0)

    with pytest.raises(InvalidSpanError):
        three_writes_the_last_one_bad()
    assert project.codings.count() == 0
    assert [c.name for c in project.coders.all()] == ["Ana"]


def test_memo_with_nul_is_refused(setup: tuple[Project, Document, Coder, Code, Code]) -> None:
    project, document, coder, political, _ = setup
    with pytest.raises(UserError, match="NUL"):
        project.codings.add(document.id, coder.id, political.id, 0, 3, memo="a\x00b")
    coding = project.codings.add(document.id, coder.id, political.id, 0, 3, memo="fine")
    with pytest.raises(UserError, match="NUL"):
        project.codings.set_memo(coding.id, "\x00")
    assert project.codings.get(coding.id).memo == "fine"


def test_memo_with_a_lone_surrogate_is_refused_not_crashed_on(
    setup: tuple[Project, Document, Coder, Code, Code],
) -> None:
    project, document, coder, political, _ = setup
    with pytest.raises(UserError, match="U\\+D800"):
        project.codings.add(document.id, coder.id, political.id, 0, 3, memo="ok \ud800")
    coding = project.codings.add(document.id, coder.id, political.id, 0, 3, memo="北 😀")
    with pytest.raises(UserError, match="surrogate"):
        project.codings.set_memo(coding.id, "\udfff")
    assert project.codings.get(coding.id).memo == "北 😀"
