"""Factiva downloads: the results page saved as HTML, RTF downloads, tagged plain text, and
the XML (PPS) download and Article Format PDF (:mod:`factiva_xml`, :mod:`factiva_pdf`).

The HTML page is recognised by its structure, never by its labels, which are in the
interface's language: every article is a ``div`` of class ``article xxArticle`` (``xx`` the
article's language), the headline a ``span`` of class ``xxHeadline``, the body paragraphs of
class ``articleParagraph``. In the Article Format the header lines are bare ``div``s in a
fixed order (see :mod:`factiva_fields`); in the indexing layout a table labels each block
with its code (HD, WC, PD, …). The RTF and text downloads are read by :mod:`factiva_text`.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

import lxml.etree

from annotator.domain.errors import BadFileError
from annotator.io.encoding import decode_text
from annotator.io.news import NewsArticle, NewsFile, Reader
from annotator.io.news.cutoff import cut_off, html_complete
from annotator.io.news.factiva_fields import (
    CODES,
    DATABASE,
    Draft,
    accession,
    clean,
    finish,
    from_codes,
    from_header,
)
from annotator.io.news.factiva_pdf import READER as PDF_READER
from annotator.io.news.factiva_rtf import is_rtf, rtf_lines
from annotator.io.news.factiva_text import (
    code_lines,
    formatted_articles,
    tagged_articles,
)
from annotator.io.news.factiva_xml import READER as XML_READER
from annotator.io.news.text_bytes import read_whole

_ARTICLE_CLASS = re.compile(rb"""class\s*=\s*["']article\s+[a-z]{2,4}Article["'\s]""")
_FACTIVA_PARTS = re.compile(rb"""articleParagraph|class\s*=\s*["'][a-z]{2,4}Headline""")
_LANGUAGE_CLASS = re.compile(r"article\s+([a-z]{2})([a-z]{2})?Article\b")
_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.I)
_ACCESSION_IN_RTF = re.compile(rb"Document\s+[A-Za-z0-9]{25}\b")
# Where to look for the signs of a text download.
_HEAD = 64 * 1024


# Factiva's own page furniture, before the first article: a download stopped early is still
# known as one (and refused as holding no article, not imported as a web page).
_FACTIVA_PAGE = re.compile(
    rb"""(?:id|class)\s*=\s*["']factivalogo["']|/hp/printsavews\.aspx""", re.IGNORECASE
)


def recognises_html(data: bytes, name: str) -> bool:
    """A Factiva results page saved from the browser, in either layout, or the start of
    one (its Factiva logo and print-and-save address) where the download stopped early."""
    if _ARTICLE_CLASS.search(data) is not None and _FACTIVA_PARTS.search(data) is not None:
        return True
    return data.lstrip()[:1] == b"<" and _FACTIVA_PAGE.search(data[: _HEAD * 4]) is not None


def read_html(data: bytes, name: str) -> NewsFile:
    """The articles of a Factiva results page saved as HTML."""
    problems: list[str] = []
    text = _html_text(data, name, problems)
    # lxml's plain elements: the lxml.html classes cost a lookup for every element touched.
    parser = lxml.etree.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
    try:
        root = lxml.etree.fromstring(text, parser)
    except (lxml.etree.XMLSyntaxError, ValueError) as error:
        raise BadFileError(name, f"is not a Factiva page that can be read ({error})") from None
    if root is None:
        raise BadFileError(name, "is a Factiva page but holds no article with text")
    read_whole(parser, name, "Factiva page")
    articles: list[NewsArticle] = []
    layout = "Article Format"
    elements = [
        (element, match)
        for element in root.xpath("//div[contains(@class, 'Article')]")
        if (match := _LANGUAGE_CLASS.match(element.get("class") or "")) is not None
    ]
    complete = html_complete(data)
    for found, (element, match) in enumerate(elements, start=1):
        draft = Draft()
        language, region = match.groups()
        draft.put("language_code", f"{language}-{region.upper()}" if region else language)
        if next(element.iter("tr"), None) is not None:
            layout = "Full Article/Report plus Indexing"
            closed = _read_indexed(element, draft)
        else:
            closed = _read_formatted(element, draft)
        if found == len(elements) and not closed and not complete:
            # The page stops inside its last article, before the "Document …" line or AN.
            problems.append(cut_off(found, name))
            continue
        article = finish(draft, found, name, problems)
        if article is not None:
            articles.append(article)
    if not articles:
        why = "holds no article with text"
        if not complete:
            why += " (the download stopped before the end of its first article)"
        raise BadFileError(name, f"is a Factiva page but {why}")
    return NewsFile(DATABASE, f"Factiva HTML ({layout})", tuple(articles), tuple(problems))


def _html_text(data: bytes, name: str, problems: list[str]) -> str:
    """The page's text: UTF-8 (what Factiva writes), else the charset it declares, else
    the legacy encoding it reads as (a page saved again by an older browser)."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _CHARSET.search(data[:_HEAD])
    if declared:
        try:
            codec = codecs.lookup(declared.group(1).decode("ascii")).name
            if codec != "utf-8":
                return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return decode_text(data, Path(name))[0]
    except BadFileError:
        problems.append(f"{name} is not valid UTF-8: unreadable characters were replaced")
        return data.decode("utf-8", errors="replace")


def _text(element: Any) -> str:
    return clean("".join(element.itertext()))


def _preformatted(element: Any) -> str:
    # A table set in fixed-width text keeps its lines.
    lines = (" ".join(line.split()) for line in "".join(element.itertext()).splitlines())
    return "\n".join(line for line in lines if line)


def _read_formatted(article: Any, draft: Draft) -> bool:
    """The Article Format: bare header ``div``s around the headline, then the paragraphs,
    then the publisher and "Document …" as plain ``p``s. True when that last line is there
    (the article's end)."""
    before: list[str] = []
    after: list[str] = []
    trailer: list[str] = []
    state = "before"
    for child in _flattened(article):
        classes = child.get("class") or ""
        if "articleParagraph" in classes or "articlePre" in classes:
            state = "body"
            text = _preformatted(child) if child.tag == "pre" else _text(child)
            if text:
                draft.paragraphs.append(text)
        elif child.get("id") == "hd" or "Headline" in classes:
            headline = child.xpath(".//*[contains(@class, 'Headline')]")
            draft.title = draft.title or _text(headline[0] if headline else child)
            state = "after"
        elif state == "body":
            if child.tag == "p" and _text(child):
                trailer.append(_text(child))
        elif child.tag == "div":
            if "author" in classes:
                draft.put("author", _text(child))
            elif _text(child):
                (before if state == "before" else after).append(_text(child))
    from_header(draft, before, after)
    closed = bool(trailer and accession(trailer[-1]))
    if closed:
        draft.put("document_id", accession(trailer.pop()) or "")
        if trailer:
            draft.put("publisher", trailer[-1])
    outer = article.getparent()
    identifier = outer.get("id") if outer is not None else None
    if identifier and identifier.startswith("article-"):
        draft.put("document_id", identifier.removeprefix("article-"))
    return closed


def _flattened(article: Any) -> list[Any]:
    # A saved page may keep the header divs inside the paragraph Factiva wrote around them.
    children: list[Any] = []
    for child in article:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "p" and "articleParagraph" not in (child.get("class") or ""):
            inner = [c for c in child if isinstance(c.tag, str) and c.tag == "div"]
            if inner:
                children.extend(inner)
                continue
        children.append(child)
    return children


def _read_indexed(article: Any, draft: Draft) -> bool:
    """The indexing layout: a table whose rows are a code and its value. True when the
    accession number (AN), its last row, is there."""
    blocks: list[tuple[str, list[str]]] = []
    for row in article.iter("tr"):
        cells = [cell for cell in row if isinstance(cell.tag, str) and cell.tag == "td"]
        if len(cells) < 2:
            continue
        code = _text(cells[0]).upper()
        if code not in CODES:
            continue
        paragraphs = cells[1].xpath(".//p")
        values = [_text(p) for p in paragraphs] if paragraphs else [_text(cells[1])]
        blocks.append((code, values))
    from_codes(draft, blocks)
    return any(code == "AN" for code, _ in blocks)


# -- RTF and tagged text ---------------------------------------------------------------------


def recognises_rtf(data: bytes, name: str) -> bool:
    """An RTF download from Factiva: its author or title says so, or it holds accession
    numbers ("Document IINM000020171113edbd0000d")."""
    if not is_rtf(data):
        return False
    return b"Factiva" in data[:_HEAD] or _ACCESSION_IN_RTF.search(data) is not None


def read_rtf(data: bytes, name: str) -> NewsFile:
    """The articles of a Factiva RTF download, in either layout."""
    text = rtf_lines(data, name)
    problems: list[str] = []
    if code_lines(text.lines) >= 3:
        articles = tagged_articles(text.lines, name, problems, line_paragraphs=True)
        layout = "Full Article/Report plus Indexing"
    else:
        articles = formatted_articles(text.lines, text.bold, name, problems)
        layout = "Article Format"
    if not articles:
        raise BadFileError(name, "is a Factiva RTF download but holds no article with text")
    return NewsFile(DATABASE, f"Factiva RTF ({layout})", tuple(articles), tuple(problems))


def recognises_text(data: bytes, name: str) -> bool:
    """Factiva's tagged plain text: among its first lines, a headline code (HD) and the
    codes of the date, source and accession number, each on a line of its own. A download
    that stopped inside its first article has no accession number yet: there the headline,
    date and source codes and two more (word count, language, lead …) tell it."""
    head = data[:_HEAD]
    if head.lstrip()[:1] in (b"<", b"{") or b"\x00" in head:
        return False
    lines = head.decode("utf-8", errors="replace").splitlines()
    found = {line.strip() for line in lines[:2000] if line.strip() in CODES}
    return {"HD", "PD", "SN"} <= found and ("AN" in found or len(found) >= 5)


def read_text(data: bytes, name: str) -> NewsFile:
    """The articles of Factiva's tagged plain text."""
    text, _ = decode_text(data, Path(name))
    problems: list[str] = []
    articles = tagged_articles(text.splitlines(), name, problems)
    if not articles:
        stopped = [p for p in problems if p.endswith("(the download stopped): left out")]
        why = " (the download stopped before the end of its first article)" if stopped else ""
        raise BadFileError(name, f"is Factiva tagged text but holds no article with text{why}")
    return NewsFile(DATABASE, "Factiva tagged text", tuple(articles), tuple(problems))


READERS = (
    Reader("Factiva HTML", recognises_html, read_html),
    Reader("Factiva RTF", recognises_rtf, read_rtf),
    Reader("Factiva tagged text", recognises_text, read_text),
    XML_READER,
    PDF_READER,
)
