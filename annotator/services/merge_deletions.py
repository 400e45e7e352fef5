"""Deletions in a merge: a coding or memo a coder withdrew goes from the lead's project too.

A deletion newer than the lead's version of the coding (or memo) deletes it, keeping the
coder's time in the lead's tombstone. One older than a change made at the lead is a conflict:
the lead chooses to ``delete`` it anyway or ``keep`` their version (named in the report). A
deletion of something the lead never had is remembered, so that an older package merged later
does not bring it back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from annotator.domain.errors import UserError
from annotator.domain.model import Coder, Coding, Memo
from annotator.io.packages import Package, PackageDeletion
from annotator.storage import Project

DELETION_CHOICES = ("fail", "delete", "keep")


@dataclass
class DeletionPlan:
    """What a package's deletions do to the project: checked before anything is written."""

    codings: list[tuple[Coding, str]] = field(default_factory=list)  # with the deletion time
    memos: list[tuple[Memo, str]] = field(default_factory=list)
    #: Deletions of what the project never had: ``(guid, kind, document id, time)``.
    unseen: list[tuple[str, str, int | None, str]] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)


def plan_deletions(
    project: Project,
    package: Package,
    coder: Coder | None,
    choice: str,
    documents: Mapping[str, int],
) -> DeletionPlan:
    """Match each deletion of ``package`` (by ``coder``, the lead's coder it merges into, None
    if new) with the project. ``documents`` maps SHA-256 to the project's articles found so
    far; others are looked up. A deletion in an article the project lacks touches nothing."""
    plan = DeletionPlan()
    if not package.deletions:
        return plan
    names = {d.sha256: d.name for d in package.documents}
    known = dict(documents)
    tree = project.codebook.tree()
    codings = project.codings.by_guids(d.guid for d in package.deletions if d.kind == "coding")
    who = package.coder_name
    for deletion in package.deletions:
        document = _article(project, deletion, known)
        if deletion.document is not None and document is None:
            continue  # the project has no such article, so nothing of it to delete
        if deletion.kind == "coding":
            found = codings.get(deletion.guid)
            if found is None:
                plan.unseen.append((deletion.guid, "coding", document, deletion.deleted_at))
                continue
            _same_owner(found.coder_id, found.document_id, coder, document, deletion.guid)
            if deletion.deleted_at >= found.updated_at:
                plan.codings.append((found, deletion.deleted_at))
                continue
            span = "the whole article" if found.start is None else f"{found.start}–{found.end}"
            what = (
                f"'{names.get(deletion.document or '', '?')}': the coding of "
                f"'{tree.path(found.code_id)}' ({span})"
            )
            if _clash(plan, choice, what, who, deletion, found.updated_at):
                plan.codings.append((found, deletion.deleted_at))
        else:
            memo = project.memos.by_guid(deletion.guid)
            if memo is None:
                plan.unseen.append((deletion.guid, "memo", document, deletion.deleted_at))
                continue
            _same_owner(memo.coder_id, memo.document_id, coder, document, deletion.guid)
            if deletion.deleted_at >= memo.updated_at:
                plan.memos.append((memo, deletion.deleted_at))
                continue
            what = f"the memo '{_short(memo.text)}'"
            if _clash(plan, choice, what, who, deletion, memo.updated_at):
                plan.memos.append((memo, deletion.deleted_at))
    return plan


def _clash(
    plan: DeletionPlan,
    choice: str,
    what: str,
    who: str,
    deletion: PackageDeletion,
    changed_at: str,
) -> bool:
    """A deletion older than the project's change: a conflict, or the choice made (whether to
    delete all the same)."""
    if choice == "delete":
        return True
    if choice == "keep":
        plan.left_out.append(
            f"the deletion of {what} ({who} deleted it at {deletion.deleted_at}; it was "
            f"changed here later, at {changed_at})"
        )
    else:
        plan.conflicts.append(
            f"{what} was deleted by {who} at {deletion.deleted_at} but changed here later, at "
            f"{changed_at}: choose 'delete' or 'keep'"
        )
    return False


def _article(project: Project, deletion: PackageDeletion, known: dict[str, int]) -> int | None:
    if deletion.document is None:
        return None
    if deletion.document not in known:
        found = project.documents.by_sha256(deletion.document)
        if found is None:
            return None
        known[deletion.document] = found.id
    return known[deletion.document]


def _same_owner(
    coder_id: int | None,
    document_id: int | None,
    coder: Coder | None,
    document: int | None,
    guid: str,
) -> None:
    if coder is None or coder_id != coder.id or document_id != document:
        raise UserError(
            f"deleted item {guid} belongs to another coder or article in the master; the file "
            "and the master disagree on who coded what"
        )


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def apply_deletions(project: Project, coder: Coder, plan: DeletionPlan) -> set[int]:
    """Carry out a plan inside the caller's transaction; returns the articles touched."""
    touched: set[int] = set()
    for coding, deleted_at in plan.codings:
        project.codings.delete(coding.id, deleted_at=deleted_at)
        touched.add(coding.document_id)
    for memo, deleted_at in plan.memos:
        project.memos.delete(memo.id, deleted_at=deleted_at)
        if memo.document_id is not None:
            touched.add(memo.document_id)
    for guid, kind, document, deleted_at in plan.unseen:
        project.deletions.record([(guid, coder.id, document)], kind, deleted_at)
    return touched
