"""Nexis Uni Word files built for the tests from the paragraphs of a text fixture (invented
articles in the real layout), and helpers to pack them."""

from __future__ import annotations

import io
import zipfile

import docx

from tests.io.news.fixture_files import FIXTURES


def uni_paragraphs() -> list[str]:
    """The paragraphs of fixtures/nexis_uni_docx.txt: one a line; a field's label is followed
    by a no-break space, as Nexis writes it; "TABLE: a | b" is a table row."""
    return (FIXTURES / "nexis_uni_docx.txt").read_text(encoding="utf-8").splitlines()


def word_file(paragraphs: list[str]) -> bytes:
    """A .docx with these paragraphs (and table rows), as Word would store them."""
    document = docx.Document()
    table = None
    for paragraph in paragraphs:
        if paragraph.startswith("TABLE: "):
            cells = paragraph.removeprefix("TABLE: ").split(" | ")
            if table is None:
                table = document.add_table(rows=0, cols=len(cells))
            row = table.add_row()
            for cell, text in zip(row.cells, cells, strict=True):
                cell.text = text
            continue
        table = None
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def documents_of(paragraphs: list[str]) -> list[list[str]]:
    """The fixture's documents, each with its closing "End of Document" (cover left out)."""
    first = paragraphs.index("Harbour cranes stand still in Port Velmar", 10)
    found: list[list[str]] = [[]]
    for paragraph in paragraphs[first:]:
        found[-1].append(paragraph)
        if paragraph == "End of Document":
            found.append([])
    return [doc for doc in found if doc]


def zipped(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A ZIP archive of these files."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()
