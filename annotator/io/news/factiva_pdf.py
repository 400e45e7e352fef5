"""Factiva's "Article Format" PDF download: the articles as in the Article Format (header
lines, the bold headline, the paragraphs, "Document <accession number>"), printed on pages
whose footer reads "Page 1 of 12 © 2019 Factiva, Inc. All rights reserved.".

The text layer is read with each piece's position and font: lines are pieces at one height;
a line joins the one above it in a paragraph when it follows at the usual line spacing and
the line above is a full one (a short line ends a header line or a paragraph); lines set in
a bold font are marked, as the headline is. Those paragraphs then go through the same
reading as the RTF Article Format (:func:`factiva_text.formatted_articles`).
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from annotator.domain.errors import BadFileError
from annotator.io.news import NewsFile, Reader
from annotator.io.news.factiva_fields import DATABASE, accession, clean
from annotator.io.news.factiva_text import formatted_articles

_FOOTER = re.compile(r"(?:Page \d+ of \d+\s*)?©?\s*\d{4} Factiva, Inc\. All rights reserved\.?")
_PAGE_NUMBER = re.compile(r"Page \d+ of \d+")
_ACCESSION_LINE = re.compile(r"^\s*\S{1,16}\s+[A-Za-z0-9]{25}\s*$", re.MULTILINE)
_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
# Pages looked at to recognise the download.
_PAGES_SEEN = 2
# A line at most this much further below the one above it is in the same paragraph.
_SPACING = 1.3
# A line this long (a share of the longest lines) reaches the right margin.
_FULL = 0.7


@dataclass
class _Line:
    y: float
    text: str
    bold: bool


def recognises(data: bytes, name: str) -> bool:
    """A PDF whose first pages carry Factiva's footer ("© 2019 Factiva, Inc. All rights
    reserved.") or an accession number line."""
    if not data.startswith(b"%PDF"):
        return False
    try:
        reader = _reader(data)
        pages = reader.pages[:_PAGES_SEEN]
        text = "\n".join(page.extract_text() or "" for page in pages)
    except Exception:  # a damaged PDF is not this reader's to refuse
        return False
    if _FOOTER.search(text) is not None:  # not "Factiva, Inc." alone: a paper may cite it
        return True
    return any(accession(match.group()) for match in _ACCESSION_LINE.finditer(text))


def read(data: bytes, name: str) -> NewsFile:
    """The articles of a Factiva Article Format PDF."""
    try:
        reader = _reader(data)
        if reader.is_encrypted and not reader.decrypt(""):
            raise BadFileError(name, "is a password-protected PDF; remove the password first")
        pages = [_page_lines(page) for page in reader.pages]
    except BadFileError:
        raise
    except Exception as error:  # pypdf raises many types on damaged files
        raise BadFileError(
            name, f"is a Factiva PDF that cannot be read ({type(error).__name__})"
        ) from None
    paragraphs, bold = _paragraphs(pages)
    problems: list[str] = []
    articles = formatted_articles(paragraphs, bold, name, problems)
    if not articles:
        raise BadFileError(name, "is a Factiva PDF but holds no article with text")
    return NewsFile(DATABASE, "Factiva PDF (Article Format)", tuple(articles), tuple(problems))


def _reader(data: bytes) -> Any:
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    return PdfReader(io.BytesIO(data))


def _page_lines(page: Any) -> list[_Line]:
    """The page's lines from top to bottom, without Factiva's footer."""
    pieces: list[tuple[float, str, bool]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if not text.strip():
            return
        y = float(tm[4]) * float(cm[1]) + float(tm[5]) * float(cm[3]) + float(cm[5])
        base = str(font.get("/BaseFont", "")) if font is not None else ""
        pieces.append((y, text, _BOLD.search(base) is not None))

    page.extract_text(visitor_text=visit)
    lines: list[_Line] = []
    for y, text, bold in pieces:
        if lines and abs(lines[-1].y - y) < 1.0:
            lines[-1].text += text
            lines[-1].bold = lines[-1].bold and bold
        else:
            lines.append(_Line(y, text, bold))
    kept = []
    for line in lines:
        line.text = clean(line.text)
        if line.text and not _is_footer(line.text):
            kept.append(line)
    return kept


def _is_footer(text: str) -> bool:
    return len(text) <= 120 and (
        _FOOTER.fullmatch(text) is not None or _PAGE_NUMBER.fullmatch(text) is not None
    )


def _paragraphs(pages: list[list[_Line]]) -> tuple[list[str], frozenset[int]]:
    """The lines joined into paragraphs, and which paragraphs are bold."""
    gaps = sorted(
        round(above.y - below.y, 1)
        for lines in pages
        for above, below in pairwise(lines)
        if above.y > below.y
    )
    spacing = gaps[len(gaps) // 4] if gaps else 0.0  # the usual spacing within a paragraph
    lengths = sorted(len(line.text) for lines in pages for line in lines)
    full = lengths[int(len(lengths) * 0.9)] * _FULL if lengths else 0.0
    paragraphs: list[str] = []
    bold: set[int] = set()
    last: _Line | None = None
    for lines in pages:
        for at, line in enumerate(lines):
            near = at > 0 and 0 < lines[at - 1].y - line.y <= spacing * _SPACING
            joins = (
                last is not None
                and (near or at == 0)
                and len(last.text) >= full
                and not last.bold
                and not line.bold
                and accession(line.text) is None
            )
            if joins:
                paragraphs[-1] += " " + line.text
            else:
                if line.bold:
                    bold.add(len(paragraphs))
                paragraphs.append(line.text)
            last = line
    return paragraphs, frozenset(bold)


READER = Reader("Factiva PDF", recognises, read)
