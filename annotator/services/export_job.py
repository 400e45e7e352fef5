"""One export, whatever its format: what the command line and the Export dialog both run."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from annotator.domain.errors import UserError
from annotator.io.output import check_output
from annotator.services.codebook import export_codebook
from annotator.services.exports import (
    PLAIN,
    Format,
    Progress,
    Selection,
    export_documents,
    export_segments,
)
from annotator.services.matrix import (
    MatrixOptions,
    export_matrix,
    export_stats_file,
    matrix_companion,
)
from annotator.storage import Project

KINDS = (
    "segments",
    "matrix",
    "sav",
    "dta",
    "codebook",
    "documents",
    "agreement",
    "package",
    "qdpx",
    "memos",
)
#: The formats that take a selection of coders, codes, articles and days.
SELECTABLE = ("segments", "matrix", "sav", "dta")


@dataclass(frozen=True)
class ExportJob:
    """What to export (one of :data:`KINDS`), where (``None``: standard output, for the
    text formats), which codings, how CSV is written, and the matrix's options."""

    kind: str
    path: Path | None
    selection: Selection = field(default_factory=Selection)
    style: Format = PLAIN
    counts: bool = False
    dimensions: bool = False
    #: Filled by :func:`run_export`: what the format could not carry (REFI-QDA's data loss,
    #: a number beyond Stata's range written as text…).
    notes: list[str] = field(default_factory=list)
    #: Filled by :func:`run_export`: files written beside ``path`` (the matrix's codebook).
    companions: list[Path] = field(default_factory=list)


def run_export(project: Project, job: ExportJob, progress: Progress | None = None) -> int:
    """Write the export; return how many rows (codings, measures, codebook entries) it has."""
    if job.kind not in KINDS:
        raise UserError(f"there is no export format '{job.kind}'")
    matrix = MatrixOptions(counts=job.counts, dimensions=job.dimensions, selection=job.selection)
    if job.selection.codebook_version and job.kind not in (*SELECTABLE, "agreement"):
        raise UserError(
            f"a codebook version limits codings: segments, matrix, sav, dta or agreement, "
            f"not {job.kind}"
        )
    if job.path is not None:  # refused before any work: onto a project, a folder, a disk
        check_output(job.path, [project.path])
    if job.kind == "segments":
        return export_segments(project, job.path, job.selection, job.style, progress)
    if job.kind == "matrix":
        companion = matrix_companion(job.path, project)
        count = export_matrix(project, job.path, matrix, job.style, progress)
        job.companions.extend([companion] if companion is not None else [])
        return count
    if job.kind in ("sav", "dta"):
        if job.path is None:
            raise UserError(f"a .{job.kind} file needs a file name (-o FILE.{job.kind})")
        return export_stats_file(project, job.path, matrix, progress, job.kind, job.notes)
    if job.kind == "documents":
        return export_documents(project, job.path, job.style)
    if job.kind == "memos":
        from annotator.services.memos import export_memos

        return export_memos(project, job.path, job.style)
    if job.kind == "qdpx":
        from annotator.services.refi import export_qdpx

        if job.path is None:
            raise UserError("a .qdpx project needs a file name (-o FILE.qdpx)")
        exported = export_qdpx(project, job.path)
        job.notes.extend(exported.losses)
        return exported.counts["codings"]
    if job.kind == "package":
        from annotator.services.merge import export_package

        if len(job.selection.coders) > 1:
            named = ", ".join(f"'{name}'" for name in job.selection.coders)
            raise UserError(
                f"a coder package holds one coder's work, and --coders names "
                f"{len(job.selection.coders)} ({named}); a comma inside a name is written \\,"
            )
        if job.path is None or not job.selection.coders:
            raise UserError("a coder package needs one coder (--coders NAME) and a file (-o)")
        return len(export_package(project, job.selection.coders[0], job.path).codings)
    if job.kind == "agreement":
        from annotator.io.agreement_files import write_report_csv
        from annotator.io.csvfiles import atomic_output
        from annotator.services.agreement import Request, measure

        report = measure(project, Request(codebook_version=job.selection.codebook_version))
        with atomic_output(job.path, encoding=job.style.encoding, protect=[project.path]) as handle:
            return write_report_csv(handle, report, safe=job.style.safe)
    return export_codebook(project, job.path, suffix=None if job.path else ".json")
