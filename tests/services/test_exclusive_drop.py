"""Merging or moving a code into an exclusive dimension with ``dropped=``: the brought-in
codings that clash with the codings already there are deleted (and listed), the others move;
brought-in codings that clash among themselves are still refused with nothing changed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.domain.exclusive import ExclusiveRuleError, exclusive_clashes
from annotator.domain.model import Coding
from annotator.services import create_project
from annotator.services.codebook_editing import merge_code, move_code
from annotator.storage import Project


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    """The default codebook (Motive exclusive, Actor type not), one article, Ana and Ben."""
    opened = create_project(tmp_path / "p.annotator")
    opened.documents.add("one", "one.txt", "Workers left because wages stopped coming home.")
    opened.coders.add("Ana")
    opened.coders.add("Ben")
    yield opened
    opened.close()


def _add(project: Project, coder: str, path: str, start: int, end: int) -> Coding:
    document = project.documents.by_name("one")
    who = project.coders.by_name(coder)
    code = project.codebook.tree().find(path)
    assert document is not None
    assert who is not None
    assert code is not None
    return project.codings.add(document.id, who.id, code.id, start, end)


def _clashes(project: Project) -> list[object]:
    rows = [(c.document_id, c.coder_id, c.code_id, c.start, c.end) for c in project.codings.all()]
    return list(exclusive_clashes(project.codebook.tree(), rows))


def _id(project: Project, path: str) -> int:
    code = project.codebook.tree().find(path)
    assert code is not None
    return code.id


def test_merge_drops_only_the_brought_codings_that_clash(project: Project) -> None:
    political = _add(project, "Ana", "Motive > Political", 0, 10)
    clashing = _add(project, "Ana", "Actor type > Diplomat", 5, 15)  # over Ana's Political
    apart = _add(project, "Ana", "Actor type > Diplomat", 20, 30)  # clashes with nothing
    bens = _add(project, "Ben", "Actor type > Diplomat", 5, 15)  # Ben has no Motive
    with pytest.raises(ExclusiveRuleError):
        merge_code(project, clashing.code_id, _id(project, "Motive > Subsistence"))
    dropped: list[Coding] = []
    moved = merge_code(
        project, clashing.code_id, _id(project, "Motive > Subsistence"), dropped=dropped
    )
    assert moved == 3
    assert [c.id for c in dropped] == [clashing.id]
    assert {c.id for c in project.codings.all()} == {political.id, apart.id, bens.id}
    assert _clashes(project) == []


def test_move_still_refuses_brought_codings_that_clash_among_themselves(
    project: Project,
) -> None:
    """Two Actor type codes on overlapping passages: moved under Motive together (their
    dimension moved under it), dropping cannot keep the rule without choosing between them."""
    _add(project, "Ana", "Actor type > Diplomat", 0, 10)
    _add(project, "Ana", "Actor type > Returnee", 5, 15)
    before = sorted((c.id, c.code_id) for c in project.codings.all())
    actor = _id(project, "Actor type")
    returnee = _id(project, "Actor type > Returnee")
    move_code(project, returnee, _id(project, "Actor type > Diplomat"), 0)  # Returnee under it
    with pytest.raises(ExclusiveRuleError):
        move_code(
            project, _id(project, "Actor type > Diplomat"), _id(project, "Motive"), 0, dropped=[]
        )
    assert sorted((c.id, c.code_id) for c in project.codings.all()) == before
    assert project.codebook.tree().dimension_of(returnee).id == actor
