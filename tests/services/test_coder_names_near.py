"""Coder names a researcher cannot tell apart: invisible format characters collide with the
visible name, the command line finds "ben" as Ben, and a merge keeps a decision's
whole-article coder (a place in the basis's coder list, not a coder id)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from annotator.domain.errors import ConflictError
from annotator.domain.model import Choice
from annotator.services import consensus, consensus_decide
from annotator.services.coders import add_coder, merge_coders, rename_coder
from annotator.storage import Project
from tests.test_cli import run

INVISIBLE = [
    "Ana\u200b",  # zero width space
    "\u200bAna",
    "Ana\u00ad",  # soft hyphen
    "A\u200dna",  # zero width joiner
    "A\u200cna",  # zero width non-joiner
    "Ana\u2060",  # word joiner
    "Ana\ufeff",  # byte order mark
]


@pytest.mark.parametrize("name", INVISIBLE)
def test_a_name_with_invisible_characters_is_anas(demo: Project, name: str) -> None:
    with pytest.raises(ConflictError, match=r"too like the coder 'Ana'.*invisible"):
        add_coder(demo, name)
    with pytest.raises(ConflictError, match="too like the coder 'Ana'"):
        rename_coder(demo, "Ben", name)
    assert [c.name for c in demo.coders.all()] == ["Ana", "Ben"]


def test_the_refusal_shows_the_invisible_character(demo: Project) -> None:
    with pytest.raises(ConflictError, match=r"'Ana\\u200b'"):
        add_coder(demo, "Ana\u200b")


def test_the_command_line_finds_a_coder_by_a_near_name(tmp_path: Path) -> None:
    project = tmp_path / "p.annotator"
    assert run("new", project, "--demo").exit_code == 0
    result = run("coders", project, "rename", "ana", "Anna")
    assert result.exit_code == 0, result.output
    assert run("coders", project, "add", "Cleo").exit_code == 0
    result = run("coders", project, "merge", "cleo", "ANNA")
    assert result.exit_code == 0, result.output
    with Project.open(project) as opened:
        assert [c.name for c in opened.coders.all()] == ["Anna", "Ben"]


def test_a_near_name_matching_two_coders_finds_neither(demo: Project) -> None:
    with demo.transaction():  # an older project may hold two such names
        demo.db.execute("INSERT INTO coders (guid, name) VALUES ('g-ana2', 'ANA')")
    assert demo.coders.lookup("ana") is None
    assert demo.coders.lookup("ANA") is not None  # the exact name still wins


def test_merge_keeps_the_whole_article_coders_place(demo: Project) -> None:
    ana = demo.coders.find("Ana")
    found = consensus.review(demo, "Ben", "Ana")
    ben = demo.coders.find("Ben")
    item = next(d for d in found.differences if d.whole_article_by == 1)  # Ana's, alone
    consensus_decide.decide(demo, ben, ana, item, Choice.FIRST)
    add_coder(demo, "Cleo")

    merge_coders(demo, "Ana", "Cleo")

    cleo = demo.coders.find("Cleo")
    ((text,),) = demo.db.execute("SELECT basis FROM decisions").fetchall()
    basis = json.loads(text)
    assert basis["coders"] == [ben.id, cleo.id]
    assert basis["whole_article_by"] == 1  # still Ana's (now Cleo's) place, not Cleo's id
    review = consensus.review(demo, "Ben", "Cleo")
    decided = [d for d in review.differences if d.decision is not None]
    assert len(decided) == 1
    assert not decided[0].stale


def _twins(demo: Project) -> tuple[int, int]:
    """Ana and Ben each with one coding of the same passage and code, each with a memo."""
    ana, ben = demo.coders.find("Ana"), demo.coders.find("Ben")
    with demo.transaction():
        demo.db.execute("DELETE FROM decisions")
        demo.db.execute("DELETE FROM codings")
    code = demo.codebook.tree().codes()[0].id
    mine = demo.codings.add(1, ana.id, code, 0, 20, memo="ana memo")
    theirs = demo.codings.add(1, ben.id, code, 0, 20, memo="ben memo")
    return mine.id, theirs.id


def test_a_folded_codings_later_memo_joins_the_kept_one(demo: Project, tmp_path: Path) -> None:
    from annotator.services.coder_packages import export_package
    from annotator.services.merge import merge_file

    kept_id, folded_id = _twins(demo)
    demo.close()
    laptop = tmp_path / "laptop.annotator"
    shutil.copy(demo.path, laptop)
    with Project.open(laptop) as copy:  # Ben edits the memo on the laptop, after the merge
        copy.codings.overwrite(
            folded_id,
            copy.codings.get(folded_id).code_id,
            0,
            20,
            "ben later",
            "2099-01-01T00:00:00Z",
        )
        export_package(copy, "Ben", tmp_path / "ben.annpkg")
        export_package(copy, "Ana", tmp_path / "ana.annpkg")  # Ana's own: nothing folded
    lead = Project.open(demo.path)
    try:
        merge_coders(lead, "Ben", "Ana")
        assert lead.codings.get(kept_id).memo == "ana memo\n\nben memo"

        (report,) = merge_file(lead, tmp_path / "ben.annpkg")

        assert (report.coder, report.added, report.unchanged) == ("Ana", 0, 0)
        assert report.folded_memos == 1
        assert report.kept_deleted == 0
        assert "folded into Ana's coding by a coder merge" in report.summary()
        assert "deleted at the lead" not in report.summary()
        assert lead.codings.get(kept_id).memo == "ana memo\n\nben memo\n\nben later"
        assert lead.codings.count() == 1
        # Merged again: the memo is there once, and the report says why nothing changed.
        (again,) = merge_file(lead, tmp_path / "ben.annpkg")
        assert (again.folded, again.folded_memos) == (1, 0)
        assert lead.codings.get(kept_id).memo == "ana memo\n\nben memo\n\nben later"
    finally:
        lead.close()
