"""Nexis Uni / Lexis Advance downloads as Word files: one .docx holding many documents, the
.docx of one document ("save as individual files"), and a ZIP of such files.

The XML of word/document.xml is read with lxml as it streams (a paragraph at a time, each
dropped once read), so a large download takes little memory; the ZIP bounds of
:mod:`annotator.io.archives` apply to the file and to every .docx inside a ZIP.
"""

from __future__ import annotations

import html
import lzma
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from annotator.domain.errors import BadFileError
from annotator.io.archives import MAX_UNPACKED_BYTES, open_zip
from annotator.io.news import NewsFile
from annotator.io.news.cutoff import cut_off
from annotator.io.news.nexis_fields import Articles
from annotator.io.news.nexis_uni import cover_count, documents, is_nexis_uni, parse, stopped

DATABASE = "Nexis Uni"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DOCUMENT = "word/document.xml"
# What unpacking a damaged or odd ZIP member raises (encrypted: RuntimeError; an unknown method:
# NotImplementedError; broken compressed data: zlib's and lzma's own errors).
_UNPACKING = (
    zipfile.BadZipFile,
    OSError,
    ValueError,
    EOFError,
    NotImplementedError,
    RuntimeError,
    zlib.error,
    lzma.LZMAError,
)
# Strings every Nexis Uni document.xml holds; a Word file without any is not read further.
_MARKERS = (b"End of Document", b"Load-Date", b"Ende des Dokuments", b"Fin du document")
MAX_MEMBERS = 20_000  # files in a ZIP of downloads; a download holds a few hundred at most


def recognises_docx(data: bytes, name: str) -> bool:
    """True for a Word file in the Nexis Uni layout (by its content, whatever its name)."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        xml = _document_xml(data, Path(name))
    except BadFileError:
        return False  # the ordinary Word reader says what is wrong with it
    if xml is None or not any(marker in xml for marker in _MARKERS):
        return False
    try:
        return is_nexis_uni(paragraphs(xml))
    except BadFileError:
        return False


def read_docx(data: bytes, name: str) -> NewsFile:
    """The documents of a Nexis Uni .docx; :class:`BadFileError` if it holds none."""
    path = Path(name)
    xml = _document_xml(data, path)
    if xml is None:
        raise BadFileError(path, "is not a Word document (no word/document.xml inside)")
    found = Articles(languages=())
    _add(paragraphs(xml, path), found, path)
    return _result(found, path, "Nexis Uni / Lexis Advance DOCX")


def recognises_zip(data: bytes, name: str) -> bool:
    """True for a ZIP of Nexis Uni .docx files (a "save as individual files" download)."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        archive = open_zip(data, Path(name), "ZIP")
        names = archive.namelist()
    except BadFileError:
        return False
    if _DOCUMENT in names:
        return False  # a Word file itself
    for member in _docx_members(archive)[:20]:
        try:
            if recognises_docx(_member(archive, member, Path(name)), member.filename):
                return True
        except BadFileError:
            continue
    return False


def read_zip(data: bytes, name: str) -> NewsFile:
    """The documents of every Nexis Uni .docx in a ZIP, in the order of the names; a member
    that is not one is left out with a problem line."""
    path = Path(name)
    archive = open_zip(data, path, "ZIP")
    members = _docx_members(archive)
    if len(members) > MAX_MEMBERS:
        raise BadFileError(path, f"holds {len(members)} files; at most {MAX_MEMBERS} are read")
    found = Articles(languages=())
    budget = MAX_UNPACKED_BYTES
    for member in sorted(members, key=lambda m: m.filename):
        inner = _member(archive, member, path)
        label = Path(path.name) / member.filename
        try:
            xml = _document_xml(inner, label)
            budget -= len(xml or b"")
            if budget < 0:
                raise BadFileError(path, "expands to too much text; refused as a possible zip bomb")
            if xml is None or not is_nexis_uni(lines := paragraphs(xml, label)):
                found.problems.append(f"{member.filename} is not a Nexis document; left out")
                continue
        except BadFileError as error:
            if budget < 0:
                raise
            found.problems.append(f"{member.filename}: {error.problem}; left out")
            continue
        _add(lines, found, label)
    others = sorted(
        info.filename
        for info in archive.infolist()
        if info not in members and not info.is_dir() and not _junk(info.filename)
    )
    found.problems.extend(f"{other} is not a Word document (.docx); left out" for other in others)
    return _result(found, path, "Nexis Uni / Lexis Advance DOCX files in a ZIP")


def _add(lines: list[str], found: Articles, path: Path) -> None:
    before = found.seen
    chunks = documents(lines)
    parse(chunks, found)
    if stopped(lines):
        found.seen += 1
        found.problems.append(cut_off(found.seen, path.name))
    announced = cover_count(lines)
    if announced is not None and announced != found.seen - before:
        found.problems.append(
            f"{path.name}: the cover page lists {announced} documents, {found.seen - before} found"
        )


def _result(found: Articles, path: Path, layout: str) -> NewsFile:
    if not found.found:
        why = "; ".join(found.problems[:3]) or "no document in it"
        raise BadFileError(path, f"is a Nexis download without any article ({why})")
    return NewsFile(DATABASE, layout, tuple(found.found), tuple(found.problems))


def _docx_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    return [
        info
        for info in archive.infolist()
        if info.filename.lower().endswith(".docx")
        and not info.is_dir()
        and not _junk(info.filename)
    ]


def _junk(name: str) -> bool:
    # Word's lock files ("~$name.docx") and macOS's resource forks are no one's documents:
    # left out without a word.
    return Path(name).name.startswith(("~$", "._")) or name.startswith("__MACOSX/")


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> bytes:
    try:
        return archive.read(info)
    except _UNPACKING as error:
        raise BadFileError(path, f"{info.filename} inside cannot be read ({error})") from None


def _document_xml(data: bytes, path: Path) -> bytes | None:
    archive = open_zip(data, path, ".docx")
    try:
        return archive.read(_DOCUMENT)
    except KeyError:
        return None
    except _UNPACKING:
        raise BadFileError(
            path, "is a damaged Word document (its text cannot be unpacked)"
        ) from None


def paragraphs(xml: bytes, path: Path | None = None) -> list[str]:
    """The text of each paragraph of word/document.xml in reading order (a table row as its
    cells joined by tabs).

    Word writes the main namespace as ``w:``; such XML is read by scanning its tags (a Nexis
    download's XML is ten times its text, and a full parse took most of the reading time).
    XML with another prefix goes through lxml; XML that lxml cannot read raises
    :class:`BadFileError`.
    """
    if b"<w:body" in xml[:65536]:
        return _scanned(xml)
    try:
        return list(_parsed(xml))
    except Exception as error:  # lxml raises several types for broken XML
        from lxml import etree

        if not isinstance(error, (etree.LxmlError, ValueError)):
            raise
        where = path or Path("document.xml")
        raise BadFileError(where, "is a damaged Word document (its XML is broken)") from None


# The tags that make the text: paragraphs, tables, text runs, tabs and breaks; text boxes are
# skipped (Word writes their text twice, once for old readers) and so are field codes and
# deleted text, which have tags of their own (w:instrText, w:delText).
_TAG = re.compile(rb"<(/?)w:(p|tbl|tr|tc|t|tab|br|cr|txbxContent)(?=[\s/>])([^>]*)>")


def _scanned(xml: bytes) -> list[str]:
    found: list[str] = []
    paragraph: list[str] = []
    cell: list[str] = []
    row: list[str] = []
    tables = 0  # depth of tables
    boxes = 0  # depth of text boxes
    text_from = -1  # where the text of an open w:t starts
    for match in _TAG.finditer(xml):
        closing, tag, rest = match.group(1), match.group(2), match.group(3)
        if tag == b"txbxContent":
            boxes = max(0, boxes + (-1 if closing else 1))
        elif boxes:
            continue
        elif tag == b"t":
            if closing:
                if text_from >= 0:
                    paragraph.append(_xml_text(xml[text_from : match.start()]))
                text_from = -1
            elif not rest.endswith(b"/"):
                text_from = match.end()
        elif tag in (b"tab", b"br", b"cr"):
            if not closing:
                paragraph.append("\t" if tag == b"tab" else "\n")
        elif tag == b"p":
            if closing or rest.endswith(b"/"):
                text = "".join(paragraph)
                paragraph.clear()
                if tables:
                    cell.append(text)
                else:
                    found.append(text)
        elif tag == b"tbl":
            tables = max(0, tables + (-1 if closing else 1))
        elif closing and tables == 1:
            if tag == b"tc":
                row.append(" ".join(part.strip() for part in cell if part.strip()))
                cell.clear()
            elif tag == b"tr":
                found.append("\t".join(row))
                row.clear()
    return found


def _xml_text(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace")
    return html.unescape(text) if "&" in text else text


def _parsed(xml: bytes) -> Iterator[str]:
    import io

    from lxml import etree

    top = {_W + "body", _W + "sdtContent"}
    events = etree.iterparse(
        io.BytesIO(xml),
        events=("end",),
        tag=(_W + "p", _W + "tbl"),
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
    )
    for _event, element in events:
        parent = element.getparent()
        if parent is None or parent.tag not in top:
            continue  # a paragraph in a table cell: its table gives it
        if element.tag == _W + "p":
            yield _text(element)
        else:
            for row in element.iter(_W + "tr"):
                cells = [
                    " ".join(_text(p) for p in cell.iter(_W + "p")) for cell in row.iter(_W + "tc")
                ]
                yield "\t".join(c.strip() for c in cells)
        # Drop what has been read: memory stays flat however long the download.
        element.clear()
        while element.getprevious() is not None:
            del parent[0]


def _text(paragraph: object) -> str:
    from lxml import etree

    assert isinstance(paragraph, etree._Element)
    parts: list[str] = []
    for node in paragraph.iter(_W + "t", _W + "tab", _W + "br", _W + "cr"):
        if node.tag == _W + "t":
            parts.append(node.text or "")
        elif node.tag == _W + "tab":
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)
