"""Word documents: paragraph and table text in reading order, and core properties."""

from __future__ import annotations

import io
from pathlib import Path

from annotator.domain.errors import BadFileError
from annotator.domain.model import VariableType
from annotator.io.archives import open_zip
from annotator.io.articles import Metadata


def read_docx(data: bytes, path: Path) -> tuple[str, Metadata]:
    """Paragraphs separated by blank lines; a table row's cells separated by tabs."""
    import docx
    from docx.table import Table

    archive = open_zip(data, path, ".docx")
    if "word/document.xml" not in archive.namelist():
        raise BadFileError(path, "is not a Word document (no word/document.xml inside)")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises many types for damaged files
        raise BadFileError(path, f"is a damaged Word document ({type(error).__name__})") from None
    blocks: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = [cell.text.strip() for cell in row.cells]
                if any(cells):
                    blocks.append("\t".join(cells))
        elif block.text.strip():
            blocks.append(block.text.strip())
    properties = document.core_properties
    values: dict[str, str] = {}
    types: dict[str, VariableType] = {}
    if properties.title and properties.title.strip():
        values["title"], types["title"] = properties.title.strip(), VariableType.TEXT
    if properties.author and properties.author.strip():
        values["author"], types["author"] = properties.author.strip(), VariableType.TEXT
    if properties.created is not None:
        values["date"], types["date"] = properties.created.date().isoformat(), VariableType.DATE
    return "\n\n".join(blocks), Metadata(values, types)
