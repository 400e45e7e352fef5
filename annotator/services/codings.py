"""Codings from a long CSV, and per-coder document status."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.domain.codebook import check_name
from annotator.domain.errors import BadFileError, UserError
from annotator.domain.exclusive import ExclusiveClashError, refuse_exclusive_clashes
from annotator.domain.model import Coder, Document, DocumentStatus
from annotator.domain.text import check_span
from annotator.io.segments_csv import SegmentRow, read_segments
from annotator.services.changes import Changes
from annotator.storage import Project
from annotator.storage.coders import consensus_spelling

MAX_PROBLEMS_SHOWN = 20


class CodingsFileError(BadFileError):
    """A codings CSV with rows that do not fit the project; nothing was imported."""

    def __init__(self, path: Path, problems: list[BadFileError]) -> None:
        self.problems = problems
        first = problems[0]
        more = f" (and {len(problems) - 1} more rows)" if len(problems) > 1 else ""
        super().__init__(path, f"{first.problem}{more}; nothing was imported", line=first.line)


@dataclass
class CodingsImportReport:
    added: int = 0
    unchanged: int = 0
    memos_updated: int = 0
    coders_added: list[str] = field(default_factory=list)
    marked_done: int = 0
    changes: Changes = field(default_factory=Changes)


@dataclass(frozen=True)
class _Resolved:
    row: SegmentRow
    document: Document
    code_id: int


def import_codings(
    project: Project, path: str | Path, *, mark_done: bool = False
) -> CodingsImportReport:
    """Add the codings of a long CSV (the segments export) to the project.

    Every row is checked first: its document and code must exist, its span must lie inside the
    text, and its ``text``, when given, must equal the document's text at that span. If any row
    fails, nothing is written and every failing row is reported. Rows identical to a coding the
    project already holds (document, coder, code, span) are skipped, so importing a file twice
    changes nothing. ``mark_done`` marks every (coder, document) pair of the file done.
    """
    path = Path(path)
    rows = read_segments(path)
    resolved = _resolve(project, path, rows)
    report = CodingsImportReport()
    coding_ids: set[int] = set()
    pairs: set[tuple[int, int]] = set()
    with project.transaction():
        for item in resolved:
            row = item.row
            coder = project.coders.by_name(row.coder)
            if coder is None:
                coder = project.coders.add(row.coder)
                report.coders_added.append(coder.name)
            pairs.add((item.document.id, coder.id))
            same = project.codings.find_same(
                item.document.id, coder.id, item.code_id, row.start, row.end
            )
            if same is None:
                coding = project.codings.add(
                    item.document.id,
                    coder.id,
                    item.code_id,
                    row.start,
                    row.end,
                    memo=row.memo,
                    created_at=row.created_at,
                )
                coding_ids.add(coding.id)
                report.added += 1
            elif row.memo and same.memo != row.memo:
                project.codings.set_memo(same.id, row.memo)
                coding_ids.add(same.id)
                report.memos_updated += 1
            else:
                report.unchanged += 1
        _refuse_clashes(project, path, pairs)
        if mark_done:
            for document_id, coder_id in sorted(pairs):
                project.statuses.mark(document_id, coder_id, DocumentStatus.DONE)
            report.marked_done = len(pairs)
    report.changes = Changes(
        documents=frozenset(d for d, _ in pairs),
        codings=frozenset(coding_ids),
        statuses=frozenset(pairs) if mark_done else frozenset(),
        coders=bool(report.coders_added),
    )
    return report


def _refuse_clashes(project: Project, path: Path, pairs: set[tuple[int, int]]) -> None:
    """A whole-article code of an exclusive dimension beside another code of it (whole or on
    a passage), or two of its codes on overlapping passages, in one article by one coder,
    with what the project holds: refused (the transaction is rolled back)."""
    tree = project.codebook.tree()
    if not any(d.exclusive for d in tree.dimensions()):
        return
    held = []
    for document, coder in sorted(pairs):
        held += project.codings.for_document(document, coder)
    try:
        refuse_exclusive_clashes(
            tree,
            ((c.document_id, c.coder_id, c.code_id, c.start, c.end) for c in held),
            lambda d: project.documents.get(d).name,
            lambda c: project.coders.get(c).name,
        )
    except ExclusiveClashError as error:
        raise CodingsFileError(path, [BadFileError(path, p) for p in error.problems]) from None


def _resolve(project: Project, path: Path, rows: list[SegmentRow]) -> list[_Resolved]:
    tree = project.codebook.tree()
    documents: dict[str, Document | None] = {}
    texts: dict[int, str] = {}
    problems: list[BadFileError] = []
    resolved: list[_Resolved] = []
    twins: dict[str, Coder | None] = {}
    for row in rows:
        try:
            # The coder is added inside the transaction: a name the project refuses must be
            # found here, where the row's line is known.
            try:
                check_name(row.coder)
            except UserError as error:
                raise UserError(f"coder {error}") from None
            if row.coder not in twins:  # once per name: a file may have 100k rows
                exact = project.coders.by_name(row.coder)
                twins[row.coder] = None if exact else project.coders.similar(row.coder)
            twin = twins[row.coder]
            spelling = consensus_spelling(row.coder)
            if spelling is not None:  # "Consensus": agreement would count it as a coder
                raise UserError(f"coder {spelling}")
            if twin is not None:  # "ANA" beside Ana: one name, and not a new coder
                raise UserError(
                    f"coder '{row.coder}' is too like the project's coder '{twin.name}' "
                    "(names differing only in case, width or accents' encoding are one "
                    "name): write it as the project does"
                )
            key = row.document_name if row.document_name is not None else f"#{row.document_id}"
            if key not in documents:
                documents[key] = _find_document(project, row)
            document = documents[key]
            if document is None:
                raise UserError(f"the project has no document '{key.lstrip('#')}'")
            code = tree.find(row.code_path)
            if code is None:
                raise UserError(
                    f"code '{row.code_path}' is not in the project's codebook "
                    "(import the codebook first: annotator codebook import)"
                )
            if code.is_dimension:
                raise UserError(f"'{row.code_path}' is a dimension; codings need one of its codes")
            check_span(row.start, row.end, document.length)
            if row.text is not None and row.start is not None:
                if document.id not in texts:
                    texts[document.id] = project.documents.text(document.id)
                actual = texts[document.id][row.start : row.end]
                if actual != row.text:
                    raise UserError(
                        f"text does not match document '{document.name}' at {row.start}–{row.end} "
                        f"(the file has {_quote(row.text)}, the document {_quote(actual)})"
                    )
            resolved.append(_Resolved(row, document, code.id))
        except UserError as error:
            problems.append(BadFileError(path, str(error), line=row.line))
    if problems:
        raise CodingsFileError(path, problems)
    return resolved


def _find_document(project: Project, row: SegmentRow) -> Document | None:
    if row.document_name is not None:
        return project.documents.by_name(row.document_name)
    assert row.document_id is not None
    try:
        return project.documents.get(row.document_id)
    except UserError:
        return None


def _quote(text: str, limit: int = 40) -> str:
    text = text.replace("\n", "⏎")
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def set_status(
    project: Project,
    coder_name: str,
    status: DocumentStatus,
    documents: Iterable[str],
) -> tuple[Changes, bool]:
    """Set a coder's status on documents named (or numbered) in ``documents``.

    Returns the changes and whether the coder was new. Unknown documents are refused before
    anything is written.
    """
    targets = [project.documents.find(name) for name in documents]
    if not targets:
        raise UserError("name at least one document")
    with project.transaction():
        coder = project.coders.lookup(coder_name.strip())
        new_coder = coder is None
        if coder is None:
            coder = project.coders.add(coder_name)
        for document in targets:
            project.statuses.mark(document.id, coder.id, status)
    pairs = frozenset((d.id, coder.id) for d in targets)
    return Changes(statuses=pairs, coders=new_coder), new_coder
