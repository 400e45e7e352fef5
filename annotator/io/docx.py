"""Word documents: paragraph and table text in reading order, and core properties (title,
author, and the file's own dates, which are not publication dates)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.domain.errors import BadFileError
from annotator.domain.model import VariableType
from annotator.io.archives import open_zip
from annotator.io.articles import Metadata, clean_heading, file_date

if TYPE_CHECKING:
    from docx.opc.coreprops import CoreProperties


def read_docx(data: bytes, path: Path) -> tuple[str, Metadata]:
    """Paragraphs separated by blank lines; a table row's cells separated by tabs."""
    import docx

    archive = open_zip(data, path, ".docx")
    if "word/document.xml" not in archive.namelist():
        raise BadFileError(path, "is not a Word document (no word/document.xml inside)")
    try:
        document = docx.Document(io.BytesIO(data))
        # python-docx reads the XML lazily: a part missing or odd (no body) fails here.
        text = "\n\n".join(_blocks(document))
        metadata = _properties(document.core_properties)
        if "title" not in metadata.values:
            heading = _styled_heading(document)
            if heading:
                metadata.values["title"], metadata.types["title"] = heading, VariableType.TEXT
    except Exception as error:  # python-docx raises many types for damaged files
        raise BadFileError(path, f"is a damaged Word document ({type(error).__name__})") from None
    return text, metadata


def _styled_heading(document: Any) -> str:
    """The text of the first paragraph styled Title, else of the first Heading 1, else of the
    first heading of any level ("" if none is styled so)."""
    found: dict[int, str] = {}  # rank (0 Title, 1 Heading 1, 2 any heading) -> heading
    for paragraph in document.paragraphs:
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        rank = 0 if style == "Title" else 1 if style == "Heading 1" else 2
        if rank == 2 and not style.startswith("Heading"):
            continue
        heading = clean_heading(paragraph.text)
        if heading and rank not in found:
            found[rank] = heading
            if rank == 0:
                break
    return found[min(found)] if found else ""


def _blocks(document: Any) -> list[str]:
    """Paragraphs and table rows (cells joined by tabs) in reading order, the empty left out."""
    from docx.table import Table

    blocks: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = [cell.text.strip() for cell in row.cells]
                if any(cells):
                    blocks.append("\t".join(cells))
        elif block.text.strip():
            blocks.append(block.text.strip())
    return blocks


# python-docx's template carries these; a file made from it without setting them is not by
# "python-docx", nor written on the day the template was.
_TEMPLATE_AUTHOR = "python-docx"
_TEMPLATE_TIME = dt.datetime(2013, 12, 23, 23, 15, tzinfo=dt.UTC)


def _properties(properties: CoreProperties) -> Metadata:
    """Title and author, and the file's own dates as ``file_created`` and ``file_modified``.

    A Word file's dates say when the file was made or saved (a copy, a template, a
    conversion), not when the article was published: they never fill ``date``.
    """
    values: dict[str, str] = {}
    types: dict[str, VariableType] = {}
    if properties.title and properties.title.strip():
        values["title"], types["title"] = properties.title.strip(), VariableType.TEXT
    author = (properties.author or "").strip()
    if author and author != _TEMPLATE_AUTHOR:
        values["author"], types["author"] = author, VariableType.TEXT
    for variable, stamp in (
        ("file_created", properties.created),
        ("file_modified", properties.modified),
    ):
        day = file_date(stamp) if stamp is not None and _utc(stamp) != _TEMPLATE_TIME else None
        if day is not None:
            values[variable], types[variable] = day, VariableType.DATE
    return Metadata(values, types)


def _utc(stamp: dt.datetime) -> dt.datetime:
    return stamp.replace(tzinfo=dt.UTC) if stamp.tzinfo is None else stamp
