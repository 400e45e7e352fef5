"""Restructuring the codebook: usage counts, move, merge, delete."""

from __future__ import annotations

import pytest

from annotator.domain.errors import UserError
from annotator.services import codebook_editing as editing
from annotator.storage import Project


def _code(project: Project, path: str) -> int:
    code = project.codebook.tree().find(path)
    assert code is not None
    return code.id


def test_usage_counts_the_subtree(demo: Project) -> None:
    motive = _code(demo, "Motive")
    per_code = demo.codings.counts_by_code()
    expected = sum(per_code.get(c.id, 0) for c in demo.codebook.tree().walk(motive))
    assert editing.code_usage(demo, motive) == expected > 0


def test_delete_removes_codes_below_and_their_codings(demo: Project) -> None:
    motive = _code(demo, "Motive")
    before = demo.codings.count()
    usage = editing.code_usage(demo, motive)
    assert editing.delete_code(demo, motive) == usage
    assert demo.codings.count() == before - usage
    assert demo.codebook.tree().find("Motive") is None
    assert demo.codebook.tree().find("Motive > Political") is None


def test_merge_moves_codings_and_drops_exact_duplicates(demo: Project) -> None:
    political, other = _code(demo, "Motive > Political"), _code(demo, "Motive > Other / unclear")
    total = demo.codings.count()
    counts = demo.codings.counts_by_code()
    moved = editing.merge_code(demo, other, political)
    assert moved <= counts[other]
    assert demo.codings.counts_by_code()[political] == counts[political] + moved
    assert demo.codings.count() == total - (counts[other] - moved)
    assert demo.codebook.tree().find("Motive > Other / unclear") is None


def test_move_reorders_and_reparents(project: Project) -> None:
    political = _code(project, "Motive > Political")
    actor = _code(project, "Actor type")
    editing.move_code(project, political, None, 0)
    tree = project.codebook.tree()
    assert tree.dimensions()[0].name == "Political"
    editing.move_code(project, political, actor, 1)
    tree = project.codebook.tree()
    assert [c.name for c in tree.children(actor)][1] == "Political"
    assert tree.path(political) == "Actor type > Political"


def test_moves_that_break_the_tree_are_refused(demo: Project) -> None:
    motive, political = _code(demo, "Motive"), _code(demo, "Motive > Political")
    with pytest.raises(UserError, match="inside itself"):
        editing.move_code(demo, motive, political, 0)
    with pytest.raises(UserError, match="cannot become a dimension"):
        editing.move_code(demo, political, None, 0)
    with pytest.raises(UserError, match="dimensions"):
        editing.merge_code(demo, political, motive)


def test_merge_keeps_the_memos_of_what_it_folds_in(project: Project) -> None:
    # Merging Diplomat into Returnee drops Ana's Diplomat coding where she coded the same
    # passage Returnee too, and deletes the code Diplomat: her memo on that coding, and the
    # memos on the code, must not go with them.
    document = project.documents.add("d", "d.txt", "Some text about a defector who fled.")
    ana = project.coders.add("Ana")
    diplomat = _code(project, "Actor type > Diplomat")
    returnee = _code(project, "Actor type > Returnee")
    project.codings.add(document.id, ana.id, diplomat, 0, 9, memo="quoted by name")
    kept = project.codings.add(document.id, ana.id, returnee, 0, 9, memo="went back")
    folded = project.memos.add("use for embassy staff", code_id=diplomat, coder_id=ana.id)
    project.memos.add("those shown on TV", code_id=returnee, coder_id=ana.id)
    editing.merge_code(project, diplomat, returnee)
    # The memo folded into Returnee's leaves a tombstone, so a merge does not bring it back.
    assert project.deletions.by_guids([folded.guid])[folded.guid].kind == "memo"
    [coding] = project.codings.for_document(document.id)
    assert coding.id == kept.id
    assert coding.memo == "went back\n\nquoted by name"
    [memo] = project.memos.for_code(returnee)
    assert memo.text == "those shown on TV\n\nuse for embassy staff"
