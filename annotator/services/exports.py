"""Exports of the project's data as CSV for statistics packages and spreadsheets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from annotator.io.csvfiles import atomic_output, write_csv
from annotator.io.segments_csv import write_segments
from annotator.storage import Project

DOCUMENT_COLUMNS = ("document_id", "document_name", "source", "sha256", "characters", "imported_at")


def segment_rows(project: Project) -> Iterator[list[object]]:
    """Rows of the long CSV (see :mod:`annotator.io.segments_csv`), by document and position."""
    tree = project.codebook.tree()
    coders = {coder.id: coder.name for coder in project.coders.all()}
    documents = {document.id: document for document in project.documents.all()}
    current_id, text = -1, ""
    for coding in project.codings.all():
        if coding.document_id != current_id:
            current_id, text = coding.document_id, project.documents.text(coding.document_id)
        code = tree.get(coding.code_id)
        span = "" if coding.start is None else text[coding.start : coding.end]
        yield [
            coding.id,
            coding.document_id,
            documents[coding.document_id].name,
            coders[coding.coder_id],
            code.name,
            tree.path(code.id),
            tree.dimension_of(code.id).name,
            coding.start,
            coding.end,
            span,
            coding.memo,
            coding.created_at,
        ]


def export_segments(project: Project, path: Path | None) -> int:
    """Write the long CSV to ``path`` (standard output if ``None``); return the row count."""
    with atomic_output(path) as handle:
        return write_segments(handle, segment_rows(project))


def document_rows(project: Project) -> tuple[list[str], list[list[object]]]:
    """One row per document: identity, size, import time, then every variable."""
    variables = [variable.name for variable in project.documents.variables()]
    # A variable named like a fixed column (say "source") gets a prefix, so names stay unique.
    columns = [f"variable_{name}" if name in DOCUMENT_COLUMNS else name for name in variables]
    values = project.documents.all_values()
    rows: list[list[object]] = []
    for document in project.documents.all():
        own = values.get(document.id, {})
        rows.append(
            [
                document.id,
                document.name,
                document.source,
                document.sha256,
                document.length,
                document.imported_at,
                *(own.get(name, "") for name in variables),
            ]
        )
    return [*DOCUMENT_COLUMNS, *columns], rows


def export_documents(project: Project, path: Path | None) -> int:
    header, rows = document_rows(project)
    with atomic_output(path) as handle:
        return write_csv(handle, header, rows)
