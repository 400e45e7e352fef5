"""Coders: progress, add, rename, and merging two names of one person."""

from __future__ import annotations

import pytest

from annotator.domain.errors import ConflictError, NotFoundError, UserError
from annotator.domain.model import Choice, DocumentStatus
from annotator.services import backups
from annotator.services.coders import add_coder, coder_progress, merge_coders, rename_coder
from annotator.services.codings import set_status
from annotator.storage import Project

# Demo code ids: 2 Motive > Subsistence, 3 Motive > Political (Motive is exclusive);
# 7 Actor type > Overseas worker, 8 Official or elite (Actor type is not).
SUBSISTENCE, POLITICAL, WORKER, OFFICIAL = 2, 3, 7, 8


def codings_of(project: Project, name: str) -> list[tuple[int, int, int | None, int | None]]:
    coder = project.coders.find(name)
    return sorted(
        ((c.document_id, c.code_id, c.start, c.end) for c in project.codings.for_coder(coder.id)),
        key=lambda row: tuple(-1 if value is None else value for value in row),
    )


def test_progress_counts_articles_and_codings(demo: Project) -> None:
    kim = add_coder(demo, "Kim")
    demo.statuses.mark(1, kim.id, DocumentStatus.IN_PROGRESS)
    demo.codings.add(1, kim.id, WORKER, 0, 10)
    listing = {p.coder.name: p for p in coder_progress(demo)}
    ana_codings = len(demo.codings.for_coder(demo.coders.find("Ana").id))
    assert (listing["Ana"].done, listing["Ana"].in_progress, listing["Ana"].not_started) == (
        8,
        0,
        0,
    )
    assert listing["Ana"].codings == ana_codings
    assert (listing["Kim"].done, listing["Kim"].in_progress, listing["Kim"].not_started) == (
        0,
        1,
        7,
    )
    assert listing["Kim"].codings == 1


def test_add_and_rename(demo: Project) -> None:
    ana = demo.coders.find("Ana")
    before = codings_of(demo, "Ana")
    add_coder(demo, "Kim")
    with pytest.raises(ConflictError, match="already a coder named 'Kim'"):
        add_coder(demo, "Kim")
    renamed = rename_coder(demo, "Ana", "Ana Lee")
    assert renamed.id == ana.id
    assert codings_of(demo, "Ana Lee") == before
    with pytest.raises(NotFoundError):
        demo.coders.find("Ana")
    with pytest.raises(ConflictError):
        rename_coder(demo, "Ana Lee", "Kim")
    with pytest.raises(UserError):
        rename_coder(demo, "Kim", "  ")


def test_merge_moves_everything_and_keeps_a_shared_passage_once(demo: Project) -> None:
    ana = demo.coders.find("Ana")
    ben = demo.coders.find("Ben")
    kim = add_coder(demo, "A. Kim")
    # One of Ana's codings Kim made too (same article, code, span): a conflict, kept once.
    shared = next(c for c in demo.codings.for_coder(ana.id) if c.start is not None)
    demo.codings.add(
        shared.document_id, kim.id, shared.code_id, shared.start, shared.end, memo="Kim's note"
    )
    # Codings Ana does not have: they move.
    demo.codings.add(2, kim.id, WORKER, 0, 5)
    demo.codings.add(3, kim.id, OFFICIAL, 10, 20)
    memo = demo.memos.add("an op-ed", document_id=2, coder_id=kim.id)
    # Kim's statuses: one further than Ana's nowhere (Ana is done everywhere) -> Ana keeps done.
    demo.statuses.mark(2, kim.id, DocumentStatus.IN_PROGRESS)
    demo.decisions.add(2, WORKER, kim.id, ben.id, 0, 5, Choice.FIRST)
    demo.decisions.add(2, WORKER, ana.id, kim.id, 0, 5, Choice.SECOND)  # one person: dropped
    ana_before = codings_of(demo, "Ana")
    shared_memo = demo.codings.get(shared.id).memo

    report = merge_coders(demo, "A. Kim", "Ana")

    assert demo.coders.by_name("A. Kim") is None
    assert sorted(map(str, codings_of(demo, "Ana"))) == sorted(
        map(str, [*ana_before, (2, WORKER, 0, 5), (3, OFFICIAL, 10, 20)])
    )
    assert report.codings == 2
    assert len(report.conflicts) == 1
    assert demo.codebook.tree().path(shared.code_id) in report.conflicts[0]
    assert f"characters {shared.start}–{shared.end}" in report.conflicts[0]
    kept = demo.codings.get(shared.id)  # Ana's coding, with Kim's memo added
    assert kept.coder_id == ana.id
    assert kept.memo.endswith("Kim's note")
    assert kept.memo.startswith(shared_memo) if shared_memo else kept.memo == "Kim's note"
    assert demo.memos.get(memo.id).coder_id == ana.id
    assert demo.statuses.get(2, ana.id) is DocumentStatus.DONE
    decisions = demo.db.execute("SELECT first_coder_id, second_coder_id FROM decisions").fetchall()
    assert decisions == [(ana.id, ben.id)]
    assert (report.memos, report.decisions, report.decisions_dropped) == (1, 1, 1)
    assert "1 passages both had coded" in report.summary()
    # A snapshot was taken first, as before every bulk change.
    assert any("A. Kim" in s.reason for s in backups.list_snapshots(demo.path))


def test_merge_takes_the_further_status(demo: Project) -> None:
    kim, lee = add_coder(demo, "Kim"), add_coder(demo, "Lee")
    demo.statuses.mark(1, kim.id, DocumentStatus.DONE)
    demo.statuses.mark(1, lee.id, DocumentStatus.IN_PROGRESS)
    demo.statuses.mark(2, kim.id, DocumentStatus.IN_PROGRESS)
    demo.statuses.mark(3, lee.id, DocumentStatus.DONE)
    report = merge_coders(demo, "Kim", "Lee")
    assert demo.statuses.get(1, lee.id) is DocumentStatus.DONE
    assert demo.statuses.get(2, lee.id) is DocumentStatus.IN_PROGRESS
    assert demo.statuses.get(3, lee.id) is DocumentStatus.DONE
    assert report.statuses == 2  # articles 1 and 2 moved on for Lee


def test_merge_that_would_break_an_exclusive_dimension_changes_nothing(demo: Project) -> None:
    kim, lee = add_coder(demo, "Kim"), add_coder(demo, "Lee")
    demo.codings.add(1, kim.id, SUBSISTENCE, 0, 50)
    demo.codings.add(1, lee.id, POLITICAL, 20, 80)  # overlaps: Motive is exclusive
    demo.codings.add(2, kim.id, WORKER, 0, 5)
    before = (codings_of(demo, "Kim"), codings_of(demo, "Lee"))
    snapshots = len(backups.list_snapshots(demo.path))
    with pytest.raises(ConflictError, match="exclusive") as error:
        merge_coders(demo, "Kim", "Lee")
    assert "'Motive' is exclusive" in str(error.value)
    assert "nothing was changed" in str(error.value)
    assert (codings_of(demo, "Kim"), codings_of(demo, "Lee")) == before
    assert len(backups.list_snapshots(demo.path)) == snapshots


def test_merge_refuses_the_same_or_an_unknown_coder(demo: Project) -> None:
    with pytest.raises(UserError, match="same coder"):
        merge_coders(demo, "Ana", "Ana")
    with pytest.raises(NotFoundError, match="no coder named 'Nobody'"):
        merge_coders(demo, "Nobody", "Ana")


def test_the_consensus_coder_stays_apart(demo: Project) -> None:
    for attempt in (
        lambda: add_coder(demo, "consensus"),
        lambda: rename_coder(demo, "Ana", "consensus"),
        lambda: merge_coders(demo, "Ben", "consensus"),
    ):
        with pytest.raises(UserError, match="'consensus' is the coder the disagreement review"):
            attempt()
    assert [c.name for c in demo.coders.all()] == ["Ana", "Ben"]


@pytest.mark.parametrize("name", ["Consensus", "CONSENSUS"])
def test_a_status_cannot_make_a_second_spelling_of_the_consensus_coder(
    demo: Project, name: str
) -> None:
    # Agreement leaves out the coder named 'consensus' only: a "Consensus" made here would be
    # counted as one more coder, and the review would write its decisions into it.
    with pytest.raises(UserError, match="'consensus'"):
        set_status(demo, name, DocumentStatus.DONE, ["1"])
    assert [c.name for c in demo.coders.all()] == ["Ana", "Ben"]


def test_a_consensus_spelling_from_an_earlier_version_is_warned_of(project: Project) -> None:
    # Refused now; a project file from before may hold one (written here past the store).
    from annotator.services.agreement import Request, measure
    from annotator.services.checks import check_project

    document = project.documents.add("d", "d.txt", "Some text here.")
    code = next(c.id for c in project.codebook.tree().codes() if not c.is_dimension)
    ana = project.coders.add("Ana")
    project.db.execute("INSERT INTO coders (guid, name) VALUES ('g-cons', 'Consensus')")
    spelled = project.coders.by_name("Consensus")
    assert spelled is not None
    for coder in (ana, spelled):
        project.codings.add(document.id, coder.id, code, 0, 4)
        project.statuses.mark(document.id, coder.id, DocumentStatus.DONE)
    report = measure(project, Request(coders=("Ana", "Consensus"), levels=("document",)))
    assert any(
        "coder 'Consensus' is compared as an independent coder" in w for w in report.warnings
    )
    assert any("coder 'Consensus'" in w for w in check_project(project).warnings)
