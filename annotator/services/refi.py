"""REFI-QDA in and out of a project.

Export (here) writes a .qdpx (or a .qdc codebook) valid against the bundled schemas. Import
(:mod:`annotator.services.refi_import`) reads a .qdpx from any producer into the open project
as one coder package per user, merged like any package (one transaction; GUIDs and text hashes
as keys; conflicts listed), after turning the producer's offsets into ours
(:mod:`annotator.services.refi_convert`); what could not be carried is reported.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from annotator.io.output import check_output, open_output
from annotator.io.refi.writer import Exported, ProjectContent, build_codebook, build_project
from annotator.services.refi_convert import FLAT_DIMENSION
from annotator.services.refi_import import (
    RefiImport,
    merge_qdpx,
    merge_read_qdpx,
    read_qdc,
    read_qdpx,
)
from annotator.storage import Project


def project_content(project: Project) -> ProjectContent:
    """What a .qdpx export holds, read from the project as plain values."""
    return ProjectContent(
        name=project.info("name") or Path(project.name).stem,
        guid=project.guid,
        codebook=project.codebook.tree(),
        coders=project.coders.all(),
        documents=project.documents.all(),
        text_of=project.documents.text,
        codings=list(project.codings.all()),
        memos=project.memos.all(),
        variables=project.documents.variables(),
        values=project.documents.all_values(),
        statuses=project.statuses.all(),
        assigned=project.statuses.assigned(),
    )


def export_qdpx(project: Project, path: Path) -> Exported:
    """Write the project as a .qdpx archive; returns what was written and what was lost."""
    check_output(path, [project.path])  # refused before the archive is built
    exported = build_project(project_content(project))
    with (
        open_output(path, binary=True, protect=[project.path]) as handle,
        zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        archive.writestr("project.qde", exported.qde)
        for name, data in exported.sources.items():
            archive.writestr(f"sources/{name}", data)
    return exported


def export_qdc(project: Project, path: Path) -> int:
    """Write the codebook as a .qdc file; returns the number of codes."""
    tree = project.codebook.tree()
    used = {code for code, _, _ in project.codings.usage_by_code()}
    data = build_codebook(tree, project.guid, used)
    with open_output(path, binary=True, protect=[project.path]) as handle:
        handle.write(data)
    return len(list(tree.walk()))


__all__ = [
    "FLAT_DIMENSION",
    "RefiImport",
    "export_qdc",
    "export_qdpx",
    "merge_qdpx",
    "merge_read_qdpx",
    "project_content",
    "read_qdc",
    "read_qdpx",
]
