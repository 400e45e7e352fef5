"""Coding as the window does it: apply, replace, remove, move boundaries, memo, status.

Each function is one transaction and returns what it did in enough detail to undo it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from annotator.domain.errors import UserError
from annotator.domain.exclusive import exclusive_clashes, refuse_exclusive_clashes
from annotator.domain.model import Coding, DocumentStatus
from annotator.services.changes import Changes, coding_changes
from annotator.storage import Project

__all__ = [
    "Applied",
    "ChangedSince",
    "Edited",
    "apply_code",
    "change_span",
    "coding_changes",
    "dimension_codings",
    "exchange_codings",
    "exclusive_conflicts",
    "remove_codings",
    "restore_codings",
    "revert_coding",
    "revert_status",
    "set_document_status",
    "set_memo",
]


@dataclass(frozen=True)
class Applied:
    """A code applied: the new coding and the codings it replaced."""

    coding: Coding
    replaced: tuple[Coding, ...]
    changes: Changes


@dataclass(frozen=True)
class Edited:
    """A coding changed in place: as it was and as it is now."""

    before: Coding
    after: Coding

    @property
    def changes(self) -> Changes:
        return coding_changes((self.before,), (self.after,))


#: Why an undo or redo step is refused: what it would change is no longer what it left.
CHANGED_SINCE = "changed since (by a merge, an import, a restore or another window)"


class ChangedSince(UserError):
    """An undo or redo step found the project not as the step left it: it writes nothing."""


def expect_codings(project: Project, left: Iterable[Coding]) -> None:
    """Refuse (:class:`ChangedSince`) unless each coding is in the project exactly as given:
    same id and GUID, same code, span, memo and times."""
    for coding in left:
        if project.codings.by_guid(coding.guid) != coding:
            raise ChangedSince(f"a coding was {CHANGED_SINCE}")


def expect_absent(project: Project, gone: Iterable[Coding]) -> None:
    """Refuse unless these codings are still gone: neither their GUID nor their id is in use."""
    for coding in gone:
        if project.codings.taken(coding.id, coding.guid):
            raise ChangedSince(f"a removed coding was {CHANGED_SINCE}")


def overlaps(first: Coding, start: int | None, end: int | None) -> bool:
    """Whether a coding overlaps a span; article-level codings overlap each other only."""
    if first.start is None or start is None:
        return first.start is None and start is None
    assert first.end is not None
    assert end is not None
    return first.start < end and start < first.end


def exclusive_conflicts(
    project: Project,
    document_id: int,
    coder_id: int,
    code_id: int,
    start: int | None,
    end: int | None,
) -> list[Coding]:
    """The coder's codings of *other* codes of the same exclusive dimension that applying the
    code would contradict: passages overlapping the span; and, as a whole-article coding
    covers the article, their whole-article codings (applying a passage) or all their codings
    in the article (applying the whole article).

    Applying the code next to them breaks the dimension's rule; the window offers to replace them.
    """
    tree = project.codebook.tree()
    dimension = tree.dimension_of(code_id)
    if not dimension.exclusive:
        return []
    others = [code.id for code in tree.walk(dimension.id) if code.id != code_id]
    if start is None:
        return dimension_codings(project, document_id, coder_id, others)
    whole = [
        c for c in project.codings.article_level(document_id, [coder_id]) if c.code_id in others
    ]
    return whole + project.codings.overlapping(document_id, coder_id, others, start, end)


def dimension_codings(
    project: Project, document_id: int, coder_id: int, codes: Sequence[int]
) -> list[Coding]:
    """A coder's codings of the given codes in an article: whole-article ones, then passages
    (only these codes' rows are read: an article may hold thousands of codings)."""
    chosen = set(codes)
    whole = [
        c for c in project.codings.article_level(document_id, [coder_id]) if c.code_id in chosen
    ]
    length = project.documents.get(document_id).length
    return whole + project.codings.overlapping(document_id, coder_id, codes, 0, length)


def apply_code(
    project: Project,
    document_id: int,
    coder_id: int,
    code_id: int,
    start: int | None,
    end: int | None,
    *,
    replace: Sequence[int] = (),
    memo: str = "",
) -> Applied:
    """Apply a code to a span (or the article with ``None, None``), first removing the codings
    whose ids are in ``replace`` (they must be this coder's codings of this document)."""
    with project.transaction():
        replaced = []
        for coding_id in replace:
            old = project.codings.get(coding_id)
            if (old.document_id, old.coder_id) != (document_id, coder_id):
                raise UserError("only the same coder's codings of this article can be replaced")
            replaced.append(project.codings.delete(coding_id))
        same = project.codings.find_same(document_id, coder_id, code_id, start, end)
        coding = same or project.codings.add(document_id, coder_id, code_id, start, end, memo=memo)
        _keep_exclusive_rule(project, document_id, coder_id, code_id)
    changes = coding_changes(tuple(replaced), () if same else (coding,))
    return Applied(coding, tuple(replaced), changes | Changes(documents=frozenset({document_id})))


def _keep_exclusive_rule(project: Project, document_id: int, coder_id: int, code_id: int) -> None:
    """Inside the transaction that made or moved a coding of ``code_id``: raise (and so roll
    it back) when its exclusive dimension's rule no longer holds for this coder and article."""
    tree = project.codebook.tree()
    dimension = tree.dimension_of(code_id)
    if not dimension.exclusive:
        return
    codes = [code.id for code in tree.walk(dimension.id)]
    refuse_exclusive_clashes(
        tree,
        (
            (c.document_id, c.coder_id, c.code_id, c.start, c.end)
            for c in dimension_codings(project, document_id, coder_id, codes)
        ),
        lambda d: project.documents.get(d).name,
        lambda c: project.coders.get(c).name,
    )


def refuse_clashes_since(project: Project, put_back: Iterable[Coding]) -> None:
    """Inside the transaction of an undo or redo that put codings back: refuse
    (:class:`ChangedSince`, so it is rolled back) when one of them now clashes, under an
    exclusive dimension's rule, with a coding made since by the same coder (a second window,
    a merge). Only the dimensions of the codings put back are read."""
    tree = project.codebook.tree()
    wanted: dict[tuple[int, int], set[int]] = {}
    for coding in put_back:
        if coding.code_id not in tree:
            continue
        dimension = tree.dimension_of(coding.code_id)
        if dimension.exclusive:
            wanted.setdefault((coding.document_id, coding.coder_id), set()).add(dimension.id)
    for (document_id, coder_id), dimensions in sorted(wanted.items()):
        codes = [code.id for d in sorted(dimensions) for code in tree.walk(d)]
        held = dimension_codings(project, document_id, coder_id, codes)
        clashes = exclusive_clashes(
            tree, ((c.document_id, c.coder_id, c.code_id, c.start, c.end) for c in held)
        )
        if clashes:
            clash = clashes[0]
            what = clash.what(
                tree, project.documents.get(document_id).name, project.coders.get(coder_id).name
            )
            raise ChangedSince(
                f"the article was {CHANGED_SINCE}: now {what}, and "
                f"'{tree.get(clash.dimension_id).name}' is exclusive"
            )


def remove_codings(project: Project, coding_ids: Iterable[int]) -> list[Coding]:
    """Delete codings; returns them as they were, for undo."""
    with project.transaction():
        removed = [project.codings.delete(coding_id) for coding_id in coding_ids]
    return removed


def restore_codings(project: Project, codings: Iterable[Coding]) -> Changes:
    """Put deleted codings back exactly (same ids, GUIDs, times); refused
    (:class:`ChangedSince`) when one of their ids or GUIDs is in use again, or when one would
    now break an exclusive dimension's rule beside a coding made since."""
    restored = list(codings)
    with project.transaction():
        expect_absent(project, restored)
        for coding in restored:
            project.codings.restore(coding)
        refuse_clashes_since(project, restored)
    return coding_changes(after=tuple(restored))


def exchange_codings(
    project: Project,
    remove: Sequence[Coding],
    restore: Sequence[Coding],
    *,
    tombstones: bool = True,
) -> Changes:
    """Delete some codings and put others back exactly, in one transaction (undoing or redoing
    a replacement in an exclusive dimension). Refused, with nothing written, unless the codings
    to delete are exactly as given and those to put back are still gone. ``tombstones=False``
    deletes without recording the deletion (undo of a coding the step itself made)."""
    with project.transaction():
        expect_codings(project, remove)
        removed = tuple(project.codings.delete(c.id, tombstone=tombstones) for c in remove)
        changes = restore_codings(project, restore)
    return coding_changes(before=removed) | changes


def revert_coding(project: Project, left: Coding, wanted: Coding) -> Edited:
    """Give a coding back a version it had (undo or redo of a span or memo edit), times
    included, so that a later merge compares true times. Refused (:class:`ChangedSince`),
    nothing written, unless the coding is exactly as ``left``; and, as any move, when the
    exclusive rule would break."""
    with project.transaction():
        expect_codings(project, [left])
        after = project.codings.put_back(wanted)
        _keep_exclusive_rule(project, after.document_id, after.coder_id, after.code_id)
    return Edited(left, after)


def change_span(project: Project, coding_id: int, start: int | None, end: int | None) -> Edited:
    """Move a coding's boundaries; refused when the moved passage would overlap a passage of
    another code of its exclusive dimension by the same coder."""
    with project.transaction():
        before = project.codings.get(coding_id)
        after = project.codings.set_span(coding_id, start, end)
        _keep_exclusive_rule(project, before.document_id, before.coder_id, before.code_id)
    return Edited(before, after)


def set_memo(project: Project, coding_id: int, memo: str) -> Edited:
    """Change a coding's memo."""
    before = project.codings.get(coding_id)
    return Edited(before, project.codings.set_memo(coding_id, memo))


def set_document_status(
    project: Project, document_id: int, coder_id: int, status: DocumentStatus
) -> DocumentStatus:
    """Set one coder's status on one document; returns the previous status."""
    before = project.statuses.get(document_id, coder_id)
    project.statuses.mark(document_id, coder_id, status)
    return before


StatusRow = tuple[str, int, str] | None


def revert_status(
    project: Project, document_id: int, coder_id: int, left: StatusRow, wanted: StatusRow
) -> None:
    """Give a coder's status on an article back a state it had (undo or redo of marking it),
    its time included; refused (:class:`ChangedSince`) unless it is as ``left``."""
    with project.transaction():
        if project.statuses.row(document_id, coder_id) != left:
            raise ChangedSince(f"the article's status was {CHANGED_SINCE}")
        project.statuses.put_back(document_id, coder_id, wanted)
