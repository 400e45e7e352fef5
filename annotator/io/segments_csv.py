"""The long CSV: one row per coding. Written by ``export --format segments``, read by
``codings import``.

Columns: ``coding_id, document_id, document_name, coder, code, code_path, dimension, start,
end, text, memo, created_at``; the export adds ``from_search`` (1 if a search made the coding,
else 0) and ``run_id``, ``confidence``, ``assisted`` (a machine run's GUID, the machine's
confidence, 1 for a coding accepted from a machine suggestion), which import does not read.
On import ``coding_id`` and ``text`` are optional, a document is found by ``document_name``
(or ``document_id`` when there is no name column), and a code by ``code_path`` (or
``dimension`` and ``code``). ``created_at`` may be any ISO 8601 time (with ``Z`` or an offset;
without a zone it is taken as UTC) and is kept in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from annotator.domain.codebook import join_path
from annotator.domain.errors import BadFileError
from annotator.domain.times import utc_text
from annotator.io.csvfiles import read_csv, write_csv

COLUMNS = (
    "coding_id",
    "document_id",
    "document_name",
    "coder",
    "code",
    "code_path",
    "dimension",
    "start",
    "end",
    "text",
    "memo",
    "created_at",
)
#: The columns ``export --format segments`` writes: those above, then whether a search made
#: the coding, then its provenance from a machine run: the run's GUID, the machine's
#: confidence and whether a coder accepted it from a machine suggestion (each added last, so
#: that scripts reading columns by position still work).
EXPORT_COLUMNS = (*COLUMNS, "from_search", "run_id", "confidence", "assisted")


@dataclass(frozen=True)
class SegmentRow:
    """One row of the long CSV, as read (``line`` is where it starts in the file)."""

    line: int
    document_name: str | None
    document_id: int | None
    coder: str
    code_path: str
    start: int | None
    end: int | None
    text: str | None  # None when the file has no text column or the cell is empty
    memo: str
    created_at: str | None


def write_segments(handle: IO[str], rows: Iterable[Iterable[object]]) -> int:
    """Write the header and rows (each in :data:`COLUMNS` order); return the row count."""
    return write_csv(handle, COLUMNS, (list(row) for row in rows))


def read_segments(path: Path) -> list[SegmentRow]:
    """Read and check the shape of every row; resolving names is the caller's job."""
    header, rows = read_csv(path, required=["coder", "start", "end"])
    if "document_name" not in header and "document_id" not in header:
        raise BadFileError(
            path, "the header needs a 'document_name' or 'document_id' column", line=1
        )
    if "code_path" not in header and not {"dimension", "code"} <= set(header):
        raise BadFileError(
            path, "the header needs a 'code_path' column (or 'dimension' and 'code')", line=1
        )
    return [_row(path, line, row) for line, row in rows]


def _row(path: Path, line: int, row: dict[str, str]) -> SegmentRow:
    def fail(problem: str) -> BadFileError:
        return BadFileError(path, problem, line=line)

    document_name = row.get("document_name", "").strip() or None
    document_id_text = row.get("document_id", "").strip()
    if document_name is None and not document_id_text:
        raise fail("no document_name (or document_id)")
    document_id = None
    if document_id_text:
        if not (document_id_text.isascii() and document_id_text.isdigit()):
            raise fail(f"document_id '{document_id_text}' is not a number")
        document_id = int(document_id_text)
    coder = row["coder"].strip()
    if not coder:
        raise fail("no coder")
    code_path = row.get("code_path", "").strip()
    if not code_path:
        dimension, code = row.get("dimension", "").strip(), row.get("code", "").strip()
        if not (dimension and code):
            raise fail("no code_path (or dimension and code)")
        code_path = join_path([dimension, code])
    try:
        start, end = _offset(row["start"], "start"), _offset(row["end"], "end")
    except ValueError as error:
        raise fail(str(error)) from None
    if (start is None) != (end is None):
        raise fail("start and end must both be given, or both be empty for an article-level coding")
    text = row.get("text")
    # Spreadsheet programs save line ends as CRLF; document text uses LF.
    text = text.replace("\r\n", "\n").replace("\r", "\n") if text else None
    created_at = row.get("created_at", "").strip() or None
    if created_at is not None:
        # Stored in UTC whatever the file's zone, so that times compare as text.
        try:
            created_at = utc_text(created_at)
        except ValueError:
            raise fail(f"created_at '{created_at}' is not an ISO 8601 time") from None
    return SegmentRow(
        line=line,
        document_name=document_name,
        document_id=document_id,
        coder=coder,
        code_path=code_path,
        start=start,
        end=end,
        text=text,
        memo=row.get("memo", ""),
        created_at=created_at,
    )


def _offset(value: str, column: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise ValueError(f"{column} '{value}' is not a whole number ≥ 0")
    return int(value)
