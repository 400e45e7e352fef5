"""Merging two names of one person loses nothing: review decisions stay decided, every memo
text is kept, the merged-away name's packages still merge, and near-identical names are one."""

from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path

import pytest

from annotator.domain.errors import ConflictError, UserError
from annotator.domain.model import Choice, DocumentStatus
from annotator.services import consensus, consensus_decide, import_codings
from annotator.services.coder_packages import export_package
from annotator.services.coders import add_coder, merge_coders, rename_coder
from annotator.services.merge import merge_file
from annotator.storage import Project

WORKER = 7  # demo code: Actor type > Overseas worker


def _split_ben(demo: Project) -> tuple[int, int, int]:
    """Ben's work on articles 1–4 filed under a second name, 'B. Lee'."""
    ana, ben = demo.coders.find("Ana"), demo.coders.find("Ben")
    with demo.transaction():
        lee = demo.coders.add("B. Lee")
        for table in ("codings", "document_status"):
            demo.db.execute(
                f"UPDATE {table} SET coder_id = ? WHERE coder_id = ? AND document_id <= 4",
                [lee.id, ben.id],
            )
    return ana.id, ben.id, lee.id


def test_decisions_of_the_merged_name_stay_decided(demo: Project) -> None:
    ana_id, ben_id, lee_id = _split_ben(demo)
    ana, lee = demo.coders.get(ana_id), demo.coders.get(lee_id)
    reasons = []
    for k in (0, 2, 3):
        item = consensus.review(demo, "Ana", "B. Lee").differences[k]
        consensus_decide.decide(
            demo, ana, lee, item, Choice.SECOND, reason=f"r{k}", replace_clashing=True
        )
        reasons.append(f"r{k}")

    merge_coders(demo, "B. Lee", "Ben")

    review = consensus.review(demo, "Ana", "Ben")
    decided = sorted(d.decision.reason for d in review.differences if d.decision is not None)
    assert decided == reasons
    assert not any(d.stale for d in review.differences)
    for (basis,) in demo.db.execute("SELECT basis FROM decisions").fetchall():
        assert lee_id not in json.loads(basis)["coders"]
        assert ben_id in json.loads(basis)["coders"]
    # Deciding one again is refused as decided, not added as another row.
    item = next(d for d in review.differences if d.decision is not None)
    with pytest.raises(UserError, match="decided already"):
        consensus_decide.decide(demo, ana, demo.coders.get(ben_id), item, Choice.FIRST)
    assert demo.decisions.count() == 3


def test_a_decision_both_names_made_on_one_difference_is_kept_once(demo: Project) -> None:
    ana, ben = demo.coders.find("Ana"), demo.coders.find("Ben")
    kim = add_coder(demo, "Kim")
    for c in demo.codings.for_coder(ben.id):
        demo.codings.add(c.document_id, kim.id, c.code_id, c.start, c.end)
    for document in range(1, 9):  # Kim, like Ben, is done everywhere
        demo.statuses.mark(document, kim.id, DocumentStatus.DONE)
    item = consensus.review(demo, "Ana", "Ben").differences[1]
    consensus_decide.decide(demo, ana, ben, item, Choice.FIRST, replace_clashing=True)
    twin = consensus.review(demo, "Ana", "Kim").differences[1]
    assert (twin.document_id, twin.code_id, twin.extent) == (
        item.document_id,
        item.code_id,
        item.extent,
    )
    consensus_decide.decide(demo, ana, kim, twin, Choice.FIRST, replace_clashing=True)

    report = merge_coders(demo, "Kim", "Ben")

    assert report.decisions_duplicate == 1
    assert demo.decisions.count() == 1
    review = consensus.review(demo, "Ana", "Ben")
    assert sum(1 for d in review.differences if d.decision is not None) == 1


def test_consensus_codings_of_decisions_between_the_two_are_named(demo: Project) -> None:
    ana, ben = demo.coders.find("Ana"), demo.coders.find("Ben")
    with demo.transaction():
        demo.db.execute("DELETE FROM codings WHERE coder_id = ? AND document_id <= 4", [ben.id])
        demo.db.execute("DELETE FROM codings WHERE coder_id = ? AND document_id > 4", [ana.id])
    for _ in range(3):
        item = next(
            d for d in consensus.review(demo, "Ana", "Ben").differences if d.decision is None
        )
        choice = Choice.SECOND if item.sides and item.sides[1] else Choice.FIRST
        consensus_decide.decide(demo, ana, ben, item, choice, replace_clashing=True)
    consensus_coder = demo.coders.find("consensus")
    before = demo.codings.for_coder(consensus_coder.id)
    assert len(before) == 3

    report = merge_coders(demo, "Ben", "Ana")

    assert demo.codings.for_coder(consensus_coder.id) == before
    assert report.decisions_dropped == 3
    assert len(report.undecided_consensus) == 3
    code_paths = {demo.codebook.tree().path(c.code_id) for c in before}
    assert {p for p in code_paths if any(p in line for line in report.undecided_consensus)} == (
        code_paths
    )
    assert "3 consensus codings stay without a decision" in report.summary()


def test_every_memo_of_codings_kept_once_is_joined(demo: Project) -> None:
    ben = demo.coders.find("Ben")
    coding = next(c for c in demo.codings.for_coder(ben.id) if c.start is not None)
    kim = add_coder(demo, "Kim")
    demo.codings.add(
        coding.document_id, kim.id, coding.code_id, coding.start, coding.end, memo="one"
    )
    demo.codings.add(
        coding.document_id, kim.id, coding.code_id, coding.start, coding.end, memo="two"
    )
    demo.codings.add(
        coding.document_id, kim.id, coding.code_id, coding.start, coding.end, memo="one"
    )
    demo.codings.set_memo(coding.id, "ben")

    merge_coders(demo, "Kim", "Ben")

    assert demo.codings.get(coding.id).memo == "ben\n\none\n\ntwo"


def test_article_and_code_memos_of_both_become_one(demo: Project) -> None:
    ben = demo.coders.find("Ben")
    kim = add_coder(demo, "Kim")
    mine = demo.memos.add("BEN doc", document_id=1, coder_id=ben.id)
    demo.memos.add("KIM doc", document_id=1, coder_id=kim.id)
    demo.memos.add("BEN code", code_id=WORKER, coder_id=ben.id)
    demo.memos.add("BEN code", code_id=WORKER, coder_id=kim.id)  # the same text: once
    demo.db.execute("UPDATE memos SET updated_at = '2030-01-01T00:00:00Z' WHERE text = 'KIM doc'")
    demo.memos.add("log entry", coder_id=kim.id)

    report = merge_coders(demo, "Kim", "Ben")

    own = [m for m in demo.memos.all() if m.coder_id == ben.id]
    by_target = sorted((m.target, m.text) for m in own)
    assert by_target == [
        ("code", "BEN code"),
        ("document", "BEN doc\n\nKIM doc"),
        ("project", "log entry"),
    ]
    assert demo.memos.get(mine.id).updated_at == "2030-01-01T00:00:00Z"
    assert report.memos_joined == 2


def test_a_package_of_the_merged_away_name_still_merges(demo: Project, tmp_path: Path) -> None:
    _split_ben(demo)
    laptop = tmp_path / "laptop.annotator"
    demo.close()
    shutil.copy(demo.path, laptop)
    lead = Project.open(demo.path)
    try:
        merge_coders(lead, "B. Lee", "Ben")
        ben = lead.coders.find("Ben")
        with Project.open(laptop) as copy:
            lee = copy.coders.find("B. Lee")
            sent = len(copy.codings.for_coder(lee.id))
            copy.codings.add(2, lee.id, WORKER, 10, 40, memo="after the merge")
            export_package(copy, "B. Lee", tmp_path / "lee.annpkg")

        (report,) = merge_file(lead, tmp_path / "lee.annpkg")

        assert report.coder == "Ben"
        assert (report.added, report.unchanged) == (1, sent)
        assert [c.name for c in lead.coders.all()] == ["Ana", "Ben"]
        assert any(c.memo == "after the merge" for c in lead.codings.for_coder(ben.id))
        # Merged again (say into a third name), the alias follows.
        lead.coders.add("Benjamin")
        merge_coders(lead, "Ben", "Benjamin")
        (again,) = merge_file(lead, tmp_path / "lee.annpkg")
        assert (again.coder, again.added) == ("Benjamin", 0)
    finally:
        lead.close()


@pytest.mark.parametrize("name", ["ana", "ＡＮＡ", " ANA ", "Consensus", "CONSENSUS"])
def test_a_name_too_like_another_is_refused(demo: Project, name: str) -> None:
    with pytest.raises(UserError, match=r"'Ana'|'consensus'"):
        add_coder(demo, name)
    with pytest.raises(UserError, match=r"'Ana'|'consensus'"):
        rename_coder(demo, "Ben", name)
    assert [c.name for c in demo.coders.all()] == ["Ana", "Ben"]


def test_composed_and_decomposed_twins_are_one_name(demo: Project) -> None:
    add_coder(demo, unicodedata.normalize("NFC", "José"))
    with pytest.raises(ConflictError, match="José"):
        add_coder(demo, unicodedata.normalize("NFD", "José"))
    # Renaming a coder to another spelling of its own name is fine.
    assert rename_coder(demo, "Ana", "ANA").name == "ANA"


def test_codings_import_refuses_a_coder_name_too_like_anothers(
    demo: Project, tmp_path: Path
) -> None:
    from annotator.services.exports import export_segments

    exported = tmp_path / "segments.csv"
    export_segments(demo, exported)
    text = exported.read_text(encoding="utf-8")
    exported.write_text(text.replace(",Ana,", ",ANA,"), encoding="utf-8")
    before = demo.codings.count()
    with pytest.raises(UserError, match="'ANA' is too like the project's coder 'Ana'"):
        import_codings(demo, exported)
    assert [c.name for c in demo.coders.all()] == ["Ana", "Ben"]
    assert demo.codings.count() == before
