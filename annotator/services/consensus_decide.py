"""Carrying out a review decision: the consensus coder's codings and the decision's record,
undone and redone exactly (see :mod:`annotator.services.consensus`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.domain.errors import NotFoundError, UserError
from annotator.domain.exclusive import refuse_exclusive_clashes
from annotator.domain.model import Choice, Coder, Coding, Decision
from annotator.services.agreement import CONSENSUS
from annotator.services.changes import Changes, coding_changes
from annotator.services.consensus_basis import Basis, ReplaceNeeded, clashing, held_around
from annotator.services.editing import (
    CHANGED_SINCE,
    ChangedSince,
    expect_absent,
    expect_codings,
    refuse_clashes_since,
)
from annotator.storage import Project

if TYPE_CHECKING:
    from annotator.services.consensus import Difference

__all__ = ["Decided", "ReplaceNeeded", "decide", "refuse_clashes", "reinstate", "withdraw"]

Span = tuple[int, int]
Taken = tuple[tuple[int | None, int | None], ...]


@dataclass(frozen=True)
class Decided:
    """What a decision wrote (the decision and the consensus codings) and what it took away
    (consensus codings it replaced, decisions it withdrew), for undo and redo."""

    decision: Decision
    codings: tuple[Coding, ...]
    changes: Changes
    removed: tuple[Coding, ...] = ()
    withdrawn: tuple[Decision, ...] = ()


def decide(
    project: Project,
    first: Coder,
    second: Coder,
    item: Difference,
    choice: Choice,
    *,
    reason: str = "",
    edited: Sequence[Span] = (),
    replace_clashing: bool = False,
    coders: Sequence[Coder] = (),
    took: int | None = None,
) -> Decided:
    """Carry out a decision in one transaction: the consensus coder's codings for the
    difference, and the record of the choice with what it was made on.

    ``coders`` are all the coders compared (default: ``first`` and ``second``); ``took``
    accepts the passages of the coder of that index among them (``choice`` is then ignored).
    A stale decision of the difference is replaced. Consensus codings of another code of an
    exclusive dimension that the new ones would clash with raise :class:`ReplaceNeeded`,
    unless ``replace_clashing``: then they go, with the decisions that made them (their
    differences open again)."""
    compared = tuple(coders) or (first, second)
    if item.decision is not None:
        raise UserError("this difference is decided already; undo that decision first")
    if took is not None:
        choice = (Choice.FIRST, Choice.SECOND)[took] if took < 2 else Choice.EDITED
        taken = _accepted(item, took)
    else:
        if choice is Choice.EDITED and not edited and not item.whole:
            raise UserError("select the passage the consensus should code")
        taken = _taken(item, choice, edited)
    memo = reason.strip()
    tree = project.codebook.tree()
    with project.transaction():
        consensus = project.coders.get_or_add(CONSENSUS)
        removed: list[Coding] = []
        withdrawn: list[Decision] = []
        if item.stale is not None:
            _withdraw_decision(project, item.stale, removed, withdrawn)
        held = project.codings.for_document(item.document_id, consensus.id)
        displaced = clashing(tree, item.code_id, taken, held)
        if displaced and not replace_clashing:
            named = ", ".join(
                f"'{tree.path(c.code_id)}' "
                + ("on the whole article" if c.start is None else f"at {c.start}–{c.end}")
                for c in displaced
            )
            raise ReplaceNeeded(
                f"the consensus has {named}; '{tree.dimension_of(item.code_id).name}' is "
                f"exclusive, so '{item.code_path}' would replace it",
                displaced,
            )
        for coding in displaced:
            for decision in project.decisions.for_document(item.document_id):
                if coding.guid in decision.made:
                    _withdraw_decision(project, decision, removed, withdrawn)
            if project.codings.by_guid(coding.guid) is not None:
                removed.append(project.codings.delete(coding.id))
        made = []
        for start, end in taken:
            if project.codings.find_same(item.document_id, consensus.id, item.code_id, start, end):
                continue
            made.append(
                project.codings.add(
                    item.document_id, consensus.id, item.code_id, start, end, memo=memo
                )
            )
        refuse_clashes(project, consensus, made)
        extent = item.extent
        decision = project.decisions.add(
            item.document_id,
            item.code_id,
            compared[0].id,
            compared[1].id,
            None if extent is None else extent[0],
            None if extent is None else extent[1],
            choice,
            memo,
            basis=_basis(project, compared, item, took).dumps(),
            made=[c.guid for c in made],
        )
    changes = coding_changes(before=tuple(removed), after=tuple(made)) | Changes(
        documents=frozenset({item.document_id}), coders=True
    )
    return Decided(decision, tuple(made), changes, tuple(removed), tuple(withdrawn))


def _accepted(item: Difference, took: int) -> Taken:
    """One coder's version: their passages, or the whole article if they coded it so."""
    if item.whole:
        return ((None, None),) if item.whole[took] else ()
    return item.sides[took]


def _taken(item: Difference, choice: Choice, edited: Sequence[Span]) -> Taken:
    """The passages the consensus takes for a choice (``(None, None)``: the whole article)."""
    whole: Taken = ((None, None),)
    if item.whole:
        if choice is Choice.EDITED:
            return tuple(edited) or whole
        if choice in (Choice.FIRST, Choice.SECOND):
            return _accepted(item, 0 if choice is Choice.FIRST else 1)
        return whole if choice is Choice.BOTH else ()
    if choice in (Choice.FIRST, Choice.SECOND):
        return _accepted(item, 0 if choice is Choice.FIRST else 1)
    if choice is Choice.BOTH:
        return tuple(dict.fromkeys(s for side in item.sides for s in side))
    if choice is Choice.EDITED:
        return tuple(edited)
    return ()


def _basis(project: Project, coders: Sequence[Coder], item: Difference, took: int | None) -> Basis:
    """What the coders have of the code around the difference, now."""
    extent = item.extent
    held = []
    for coder in coders:
        codings = project.codings.for_document(item.document_id, coder.id)
        mine = [c for c in codings if c.code_id == item.code_id]
        spans = [(c.start, c.end) for c in mine if c.start is not None and c.end is not None]
        whole = any(c.start is None for c in mine)
        held.append(held_around(spans, whole, extent))
    return Basis(
        tuple(c.id for c in coders),
        item.sides,
        item.whole_article_by,
        tuple(held),
        took,
    )


def _withdraw_decision(
    project: Project, decision: Decision, removed: list[Coding], withdrawn: list[Decision]
) -> None:
    """Take a decision back inside the caller's transaction: its consensus codings that are
    still there, and its record."""
    for guid in decision.made:
        coding = project.codings.by_guid(guid)
        if coding is not None:
            removed.append(project.codings.delete(coding.id))
    withdrawn.append(project.decisions.delete(decision.id))


def refuse_clashes(project: Project, consensus: Coder, made: Sequence[Coding]) -> None:
    """The consensus, like any coder, gives an article no other code of an exclusive
    dimension beside a whole-article code of it, and no two of its codes on overlapping
    passages (raises inside the caller's transaction, which is then rolled back)."""
    documents = sorted({c.document_id for c in made})
    if not documents:
        return
    refuse_exclusive_clashes(
        project.codebook.tree(),
        (
            (c.document_id, c.coder_id, c.code_id, c.start, c.end)
            for document in documents
            for c in project.codings.for_document(document, consensus.id)
        ),
        lambda d: project.documents.get(d).name,
        lambda _c: consensus.name,
    )


def _expect_decisions(project: Project, left: Sequence[Decision]) -> None:
    """Refuse (:class:`ChangedSince`) unless each decision is recorded exactly as given."""
    for decision in left:
        try:
            now = project.decisions.get(decision.id)
        except NotFoundError:
            now = None
        if now != decision:
            raise ChangedSince(f"a review decision was {CHANGED_SINCE}")


def _expect_no_decisions(project: Project, gone: Sequence[Decision]) -> None:
    """Refuse unless these decisions are still withdrawn: neither their id nor GUID in use."""
    for decision in gone:
        if project.decisions.taken(decision.id, decision.guid):
            raise ChangedSince(f"a withdrawn review decision was {CHANGED_SINCE}")


def withdraw(project: Project, decided: Decided) -> Changes:
    """Undo a decision: its consensus codings and its record go, and what it replaced comes
    back, in one transaction. Refused (:class:`ChangedSince`), nothing written, unless the
    project holds what the decision left: its codings and record as it made them (a memo
    merged or written since is not thrown away), what it took away still gone."""
    with project.transaction():
        expect_codings(project, decided.codings)
        _expect_decisions(project, [decided.decision])
        expect_absent(project, decided.removed)
        _expect_no_decisions(project, decided.withdrawn)
        removed = tuple(project.codings.delete(c.id) for c in decided.codings)
        project.decisions.delete(decided.decision.id)
        for coding in decided.removed:
            project.codings.restore(coding)
        for decision in decided.withdrawn:
            project.decisions.restore(decision)
        refuse_clashes_since(project, decided.removed)
    return coding_changes(before=removed, after=decided.removed) | Changes(
        documents=frozenset({decided.decision.document_id})
    )


def reinstate(project: Project, decided: Decided) -> Changes:
    """Redo a withdrawn decision exactly (same ids), taking away again what it replaced;
    refused like :func:`withdraw` unless the project is as the undo left it, and when the
    consensus codings put back would break an exclusive dimension's rule."""
    with project.transaction():
        expect_codings(project, decided.removed)
        _expect_decisions(project, decided.withdrawn)
        expect_absent(project, decided.codings)
        _expect_no_decisions(project, [decided.decision])
        for coding in decided.removed:
            project.codings.delete(coding.id)
        for decision in decided.withdrawn:
            project.decisions.delete(decision.id)
        for coding in decided.codings:
            project.codings.restore(coding)
        project.decisions.restore(decided.decision)
        refuse_clashes_since(project, decided.codings)
    return coding_changes(before=decided.removed, after=decided.codings) | Changes(
        documents=frozenset({decided.decision.document_id})
    )
