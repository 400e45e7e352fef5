"""A coder's package out of a project: their codings (each with its origin: by hand, or which
search made it), statuses, memos and deletions, keyed by GUIDs and text hashes for another
copy of the project (see :mod:`annotator.services.merge`)."""

from __future__ import annotations

from pathlib import Path

from annotator.domain.errors import UserError
from annotator.domain.model import DocumentStatus, utc_now
from annotator.io.packages import (
    Package,
    PackageCode,
    PackageCoding,
    PackageDeletion,
    PackageDocument,
    PackageMemo,
    PackageStatus,
    write_package,
)
from annotator.services.codebook_versions import change_guids
from annotator.storage import Project


def package_of(project: Project, coder_name: str) -> Package:
    """Everything of one coder's work in the project, keyed for another copy of it: with the
    codings and memos they deleted (and when), for every article the package covers."""
    coder = project.coders.lookup(coder_name)
    if coder is None:
        raise UserError(f"there is no coder '{coder_name}'")
    tree = project.codebook.tree()
    documents = {d.id: d for d in project.documents.all()}
    codings = project.codings.for_coder(coder.id)
    made_under = change_guids(project, coder.id)
    used = {c.code_id for c in codings}
    memos = [m for m in project.memos.all() if m.coder_id == coder.id]
    used |= {m.code_id for m in memos if m.code_id is not None}
    # Each code with its ancestors, parents first, so that a project lacking them can add them.
    wanted: dict[int, None] = {}
    for code_id in sorted(used):
        chain = [code_id]
        while (parent := tree.get(chain[-1]).parent_id) is not None:
            chain.append(parent)
        for node in reversed(chain):
            wanted[node] = None
    codes = [
        PackageCode(
            tree.get(c).guid,
            tree.path(c),
            tree.get(c).color,
            tree.get(c).description,
            tree.get(c).exclusive,
        )
        for c in wanted
    ]
    recorded = {d: s for (d, c), s in project.statuses.all().items() if c == coder.id}
    assigned = {d for d, c in project.statuses.assigned() if c == coder.id}
    statuses = [
        PackageStatus(
            documents[d].sha256,
            recorded.get(d, DocumentStatus.NOT_STARTED).value,
            d in assigned,
        )
        for d in sorted(set(recorded) | assigned)
    ]
    deletions = project.deletions.for_coder(coder.id)
    touched = {c.document_id for c in codings} | {
        m.document_id for m in memos if m.document_id is not None
    }
    touched |= set(recorded) | assigned
    # An article whose codings were all withdrawn is still covered: its deletions must travel.
    touched |= {d.document_id for d in deletions if d.document_id is not None}
    return Package(
        project_guid=project.guid,
        coder_guid=coder.guid,
        coder_name=coder.name,
        created_at=utc_now(),
        codes=tuple(codes),
        documents=tuple(
            PackageDocument(documents[d].sha256, documents[d].name) for d in sorted(touched)
        ),
        codings=tuple(
            PackageCoding(
                c.guid,
                documents[c.document_id].sha256,
                tree.get(c.code_id).guid,
                c.start,
                c.end,
                c.memo,
                c.created_at,
                c.updated_at,
                c.origin,
                made_under.get(c.guid),
            )
            for c in codings
        ),
        statuses=tuple(statuses),
        memos=tuple(
            PackageMemo(
                m.guid,
                m.target,
                documents[m.document_id].sha256 if m.document_id is not None else None,
                tree.get(m.code_id).guid if m.code_id is not None else None,
                m.text,
                m.created_at,
                m.updated_at,
            )
            for m in memos
        ),
        deletions=tuple(
            PackageDeletion(
                d.guid,
                d.kind,
                documents[d.document_id].sha256 if d.document_id is not None else None,
                d.deleted_at,
            )
            for d in deletions
        ),
        origins_known=True,
    )


def export_package(project: Project, coder_name: str, path: Path) -> Package:
    """Write one coder's package to ``path``; returns it."""
    from annotator.io.csvfiles import atomic_output

    package = package_of(project, coder_name)
    with atomic_output(path) as handle:
        write_package(handle, package)
    return package
