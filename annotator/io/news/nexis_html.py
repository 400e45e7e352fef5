"""Nexis UK / Nexis Advance HTML downloads: one page holding many documents, each behind a
hidden "<DOC NUMBER=1><DOCFULL>" comment and opening with "3 of 49 DOCUMENTS".

The page is parsed once with lxml; each top-level DIV is a block, centred or not by its CSS
class (the page's own stylesheet says which classes are centred), and the classic layout
(:mod:`annotator.io.news.nexis_classic`) makes the articles of the blocks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.domain.errors import BadFileError
from annotator.io.news import NewsFile
from annotator.io.news.cutoff import cut_off, html_complete
from annotator.io.news.nexis_classic import (
    COUNT_LINE,
    Block,
    closed,
    documents,
    languages,
    parse,
)
from annotator.io.news.nexis_fields import Articles

DATABASE = "Nexis UK"
# The hidden markers every document of these pages carries, and the count line.
_MARKER = re.compile(rb"<DOCFULL>\s*-->", re.IGNORECASE)
_COUNT = re.compile(COUNT_LINE.pattern.encode(), re.IGNORECASE)
_CENTRED_CLASS = re.compile(r"\.([\w-]+)\s*\{[^}]*text-align:\s*center", re.IGNORECASE)


def recognises(data: bytes, name: str) -> bool:
    """True for a Nexis HTML download: the hidden DOCFULL markers and a count line."""
    head = data[:1_000_000]
    return bool(_MARKER.search(head)) and bool(_COUNT.search(head)) and b"<" in data[:1024]


def read(data: bytes, name: str) -> NewsFile:
    """The documents of a Nexis HTML download; :class:`BadFileError` if it holds none."""
    path = Path(name)
    docs = documents(_blocks(data, path))
    cut = bool(docs) and not html_complete(data) and not closed(docs[-1])
    if cut:
        docs.pop()
    found = Articles(languages=languages(docs))
    parse(docs, found)
    if cut:
        found.seen += 1
        found.problems.append(cut_off(found.seen, path.name))
    if not found.found:
        why = "; ".join(found.problems[:3]) or "no document in it"
        raise BadFileError(path, f"is a Nexis download without any article ({why})")
    return NewsFile(DATABASE, "Nexis UK HTML", tuple(found.found), tuple(found.problems))


def _encoding(data: bytes) -> str:
    # Nexis writes these pages in UTF-8 (or ASCII with entities); older ones in Windows-1252.
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _blocks(data: bytes, path: Path) -> Iterator[Block]:
    import io

    from lxml import etree

    # Streamed: each top-level DIV is dropped once read, so a page of 100 MB takes little
    # more memory than its bytes (a whole tree of it took twenty times as much).
    events = etree.iterparse(
        io.BytesIO(data.removeprefix(b"\xef\xbb\xbf")),
        events=("end",),
        tag=("style", "div"),
        html=True,
        encoding=_encoding(data),
        no_network=True,
        recover=True,
    )
    centred_classes: set[str] = set()
    centred: dict[tuple[str, str, str], bool] = {}
    try:
        for _event, element in events:
            if element.tag == "style":
                found = _CENTRED_CLASS.findall("".join(element.itertext()))
                centred_classes.update(name.lower() for name in found)
                continue
            if any(parent.tag == "div" for parent in element.iterancestors()):
                continue  # its outer DIV gives it
            paragraphs = [p for p in (_text(p) for p in element.iter("p")) if p]
            if not paragraphs:
                paragraphs = [_text(element)]
            yield Block(
                tuple(p for p in paragraphs if p),
                any(
                    _is_centred(e, centred_classes, centred) for e in (element, *element.iter("p"))
                ),
            )
            parent = element.getparent()
            element.clear(keep_tail=True)
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    except (ValueError, etree.LxmlError):
        raise BadFileError(path, "is a damaged Nexis download (its HTML cannot be read)") from None


def _is_centred(element: Any, classes: set[str], known: dict[tuple[str, str, str], bool]) -> bool:
    key = (element.get("class") or "", element.get("style") or "", element.get("align") or "")
    if key not in known:
        known[key] = (
            key[2].lower() == "center"
            or "center" in key[1].lower()
            or bool({c.lower() for c in key[0].split()} & classes)
        )
    return known[key]


def _text(element: Any) -> str:
    parts: list[str] = []
    for node in element.iter():
        if node.tag == "br":
            parts.append("\n")
        elif isinstance(node.tag, str) and node.tag not in ("script", "style") and node.text:
            parts.append(node.text)  # not a comment, nor code
        if node is not element and node.tail:
            parts.append(node.tail)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)
