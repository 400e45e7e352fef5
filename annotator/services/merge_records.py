"""The records of a package written into the master, one kind at a time: codings (added in
one batch, updated when the package's version is newer, kept when the master's is), article
statuses and memos. A coding or memo the master deleted after the package's version of it is
not brought back (the report counts it as kept deleted) — unless the package was exported
after that deletion: then the coder has it again (an undo), and it comes back. Called by
:func:`annotator.services.merge.merge_package` inside its transaction, after its plan has
matched articles, codes and the coder."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from annotator.domain.errors import UserError
from annotator.domain.model import Coder, Deletion, DocumentStatus
from annotator.domain.text import check_span
from annotator.io.packages import PackageCoding, PackageMemo, PackageStatus
from annotator.services.codebook_versions import keep_versions
from annotator.storage import Project

if TYPE_CHECKING:
    from annotator.services.merge import MergeReport


def stays_deleted(deletion: Deletion | None, updated_at: str, exported_at: str) -> bool:
    """Whether the project's deletion of an item outweighs a package's version of it: the
    deletion is newer than that version, and the package was exported no later than the
    deletion. A package exported after it that still holds the item shows the coder has it
    again (they undid the deletion, which keeps the item's times): it comes back."""
    return (
        deletion is not None
        and deletion.deleted_at >= updated_at
        and exported_at <= deletion.deleted_at
    )


def merge_codings(
    project: Project,
    coder: Coder,
    codings: Iterable[PackageCoding],
    documents: Mapping[str, int],
    codes: Mapping[str, int],
    exported_at: str,
    *,
    origins_known: bool = True,
) -> list[tuple[str, int]]:
    """Add, update or keep each coding: ``(outcome, article)`` per coding merged, the outcome a
    MergeReport field. New codings go in as one batch per origin (merges bring thousands),
    each with the package's origin; an updated one takes the package's origin too, unless
    ``origins_known`` is false (a package from before origins, a .qdpx): it keeps its own."""
    items = [
        (item, documents[item.document], codes[item.code])
        for item in codings
        if item.document in documents and item.code in codes
    ]
    existing = project.codings.by_guids(item.guid for item, _, _ in items)
    gone = project.deletions.by_guids(i.guid for i, _, _ in items if i.guid not in existing)
    mine = project.codings.for_coder(coder.id)
    same = {(c.document_id, c.code_id, c.start, c.end) for c in mine}
    kept_of = {(c.document_id, c.code_id, c.start, c.end): c for c in mine}
    lengths = project.documents.lengths()
    dimensions = {c.id for c in project.codebook.tree().children(None)}
    new: list[tuple[str, int, int, int, int | None, int | None, str, str, str]] = []
    origins: dict[str, str | None] = {}  # of the new codings, by GUID
    outcomes: list[tuple[str, int]] = []
    for item, document, code_id in items:
        found = existing.get(item.guid)
        deletion = gone.get(item.guid)
        key = (document, code_id, item.start, item.end)
        twin = kept_of.get(key)
        if found is None and deletion is not None and twin is not None:
            # Deleted here while this coder holds the same passage with the same code: a
            # coder merge folded it into that coding (``coders merge`` kept the twin once).
            outcomes.append((_fold(project, twin.id, item, deletion), document))
            continue
        if found is None and stays_deleted(deletion, item.updated_at, exported_at):
            outcomes.append(("kept_deleted", document))  # deleted here after this version
            continue
        if found is None:
            if key in same:
                outcomes.append(("unchanged", document))
                continue
            if code_id in dimensions:
                raise UserError(f"coding {item.guid} applies a dimension, which cannot be coded")
            check_span(item.start, item.end, lengths[document])
            same.add(key)
            origins[item.guid] = item.origin
            new.append(
                (
                    item.guid,
                    document,
                    coder.id,
                    code_id,
                    item.start,
                    item.end,
                    item.memo,
                    item.created_at,
                    item.updated_at,
                )
            )
            outcomes.append(("added", document))
            continue
        if found.coder_id != coder.id or found.document_id != document:
            raise UserError(
                f"coding {item.guid} belongs to another coder or article in the master; the "
                "file and the master disagree on who coded what"
            )
        origin = item.origin if origins_known else found.origin
        alike = (found.code_id, found.start, found.end, found.memo) == (
            code_id,
            item.start,
            item.end,
            item.memo,
        )
        if alike and found.origin == origin:
            outcomes.append(("unchanged", document))
        elif item.updated_at < found.updated_at or (
            not alike and item.updated_at == found.updated_at
        ):
            outcomes.append(("kept", document))
        else:
            # The sender's version, with its origin; the same version whose origin the master
            # lacked (it came in a package from before origins) just takes the origin.
            if not alike:
                project.codings.overwrite(
                    found.id, code_id, item.start, item.end, item.memo, item.updated_at
                )
            if found.origin != origin:
                project.codings.set_origin(found.id, origin)
            outcomes.append(("updated", document))
    # In reading order: the indexes of codings by article and position then grow at their end.
    new.sort(key=lambda row: (row[1], -1 if row[4] is None else row[4]))
    # One batch per origin (by hand; each search): a coding arrives saying where it came from.
    by_origin: dict[
        str | None, list[tuple[str, int, int, int, int | None, int | None, str, str, str]]
    ] = {}
    for row in new:
        by_origin.setdefault(origins[row[0]], []).append(row)
    for origin, rows in by_origin.items():
        project.codings.add_many(rows, origin=origin)
    # Each keeps the codebook version the package says it was made under, when known here.
    keep_versions(
        project,
        {
            i.guid: i.codebook_version
            for i, _, _ in items
            if i.guid in origins and i.codebook_version
        },
    )
    return outcomes


def _fold(project: Project, kept_id: int, item: PackageCoding, deletion: Deletion) -> str:
    """A package's version of a coding folded into ``kept_id``: a memo edited after the fold
    is joined to the kept coding's (as the coder merge joined them). Returns the outcome."""
    from annotator.storage.coders import join_texts

    kept = project.codings.get(kept_id)
    joined = join_texts(kept.memo, item.memo)
    if item.updated_at <= deletion.deleted_at or joined == kept.memo:
        return "folded"
    project.codings.overwrite(
        kept.id, kept.code_id, kept.start, kept.end, joined, max(kept.updated_at, item.updated_at)
    )
    return "folded_memos"


def merge_statuses(
    project: Project,
    coder: Coder,
    statuses: Iterable[PackageStatus],
    documents: Mapping[str, int],
    report: MergeReport,
) -> None:
    """The package's article statuses and assignments, read and written in one batch each."""
    wanted = {documents[s.document]: s for s in statuses if s.document in documents}
    if not wanted:
        return
    have = project.statuses.all()  # no limit on how many articles, unlike an IN (…)
    changed = {
        document: DocumentStatus(s.status)
        for document, s in wanted.items()
        if have.get((document, coder.id), DocumentStatus.NOT_STARTED).value != s.status
    }
    project.statuses.mark_many(coder.id, changed)
    report.statuses += len(changed)
    assigned = project.statuses.assigned()
    project.statuses.assign_many(
        coder.id,
        [d for d, s in wanted.items() if s.assigned and (d, coder.id) not in assigned],
    )


def merge_memo(
    project: Project,
    coder: Coder | None,
    memo: PackageMemo,
    documents: Mapping[str, int],
    codes: Mapping[str, int],
    exported_at: str,
) -> str:
    """Add the memo, or update it where the package's version is newer. Returns the
    MergeReport field to count it in: ``memos`` if it changed, ``memos_kept_deleted`` if the
    project deleted it after this version, ``""`` if nothing happened. A memo of no
    ``coder`` (a .qdpx's note without a user) is added as nobody's."""
    existing = project.memos.by_guid(memo.guid)
    if existing is not None:
        if existing.text != memo.text and memo.updated_at > existing.updated_at:
            project.memos.set_text(existing.id, memo.text, updated_at=memo.updated_at)
            return "memos"
        return ""
    deletion = project.deletions.by_guids([memo.guid]).get(memo.guid)
    if stays_deleted(deletion, memo.updated_at, exported_at):
        return "memos_kept_deleted"  # deleted here after this version of it
    document = documents.get(memo.document) if memo.document else None
    code = codes.get(memo.code) if memo.code else None
    if (memo.target == "document" and document is None) or (memo.target == "code" and code is None):
        return ""
    project.memos.add(
        memo.text,
        document_id=document,
        code_id=code,
        coder_id=None if coder is None else coder.id,
        guid=memo.guid,
        created_at=memo.created_at,
        updated_at=memo.updated_at,
    )
    return "memos"
