"""Europresse HTML downloads (French-language press, and more): one page holding many
documents, in the current layout (one ``<article>`` each: a header, a ``<section>`` of text,
an ``<aside>``, a footer with the document number) or the old one (one table cell each).

Both mark the parts with the same classes: ``DocPublicationName`` (the outlet),
``DocHeader`` ("Politique, mardi 14 mars 2006, p. 12": section, date, page, words),
``titreArticleVisu`` (the headline), ``DocText`` (the body). Europresse has written pages
declaring ISO-8859-1 whose bytes are UTF-8: the bytes decide, not the declaration (see
:func:`~annotator.io.news.text_bytes.decoded_markup`).
"""

from __future__ import annotations

import re
from typing import Any

from annotator.domain.errors import BadFileError
from annotator.io.news import NewsArticle, NewsFile, Reader, checks
from annotator.io.news.cutoff import cut_off, html_complete, stops_after
from annotator.io.news.dates import parse_date
from annotator.io.news.factiva_fields import Draft, finish
from annotator.io.news.text_bytes import decoded_markup, html_document

DATABASE = "Europresse"
_HEAD = 1_000_000
# Months in French and English, read here (dateparser takes long to load a language).
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "janvier january",
            "février fevrier february",
            "mars march",
            "avril april",
            "mai may",
            "juin june",
            "juillet july",
            "août aout august",
            "septembre september",
            "octobre october",
            "novembre november",
            "décembre decembre december",
        ),
        start=1,
    )
    for name in names.split()
}
_DATE = re.compile(r"\b(\d{1,2})(?:er)?\s+(" + "|".join(_MONTHS) + r")\s+(\d{4})\b", re.IGNORECASE)
# The English interface's "April 16, 2019" (its commas would split it into parts).
_DATE_EN = re.compile(r"\b(" + "|".join(_MONTHS) + r")\s+(\d{1,2}),?\s+(\d{4})\b", re.IGNORECASE)
_PAGE = re.compile(r"^p\.\s*(\S+)$", re.IGNORECASE)
_WORDS = re.compile(r"^(\d[\d\s.]*)\s+(?:mots|words|Wörter|palabras)$", re.IGNORECASE)
_WEEKDAY = re.compile(
    r"^(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday)\b",
    re.IGNORECASE,
)
# "news·20060314·LM·0q1403_1255263": the document number, whose second part is the date.
_DOCUMENT = re.compile(r"(?:Numéro de document|Document number)\s*:\s*(\S+)", re.IGNORECASE)
_DOCUMENT_DATE = re.compile(r"^[^·]+·(\d{4})(\d{2})(\d{2})·")


def recognises(data: bytes, name: str) -> bool:
    """True for a Europresse page: its publication-name and headline classes."""
    head = data[:_HEAD]
    return (
        head.lstrip()[:1] == b"<"
        and b"DocPublicationName" in head
        and (b"titreArticle" in head or b"DocHeader" in head)
    )


def read(data: bytes, name: str) -> NewsFile:
    """The documents of a Europresse page; :class:`BadFileError` if it holds none."""
    root = html_document(decoded_markup(data), name, "Europresse page")
    marks = [e for e in root.iter() if _has_class(e, "DocPublicationName")]
    layout = "current" if any(True for _ in root.iter("article")) else "old"
    problems: list[str] = []
    articles: list[NewsArticle] = []
    records = _records(marks)
    complete, cut = html_complete(data), False
    for position, record in enumerate(records, start=1):
        if not complete and position == len(records) and not _closed(record):
            # The page stops inside this document, before its number: the download stopped.
            problems.append(cut_off(position, name))
            cut = True
            break
        made = _article(record, position, name, problems)
        if made is not None:
            articles.append(made)
    if not articles:
        why = " (the download stopped before the end of its first article)" if cut else ""
        raise BadFileError(name, "is a Europresse page but holds no article with text" + why)
    if not complete and not cut:
        problems.append(stops_after(name, len(records), kind="page"))
    return NewsFile(
        DATABASE, f"Europresse HTML ({layout} layout)", tuple(articles), tuple(problems)
    )


def _has_class(element: Any, name: str) -> bool:
    return isinstance(element.tag, str) and name in (element.get("class") or "").split()


def _records(marks: list[Any]) -> list[Any]:
    """Each document's element: the largest holding one publication name."""
    return checks.largest_holding_one(marks, stop=frozenset(["body", "html"]))


def _closed(record: Any) -> bool:
    """Whether a document ends as one does: with its document number, in the footer (the
    current layout; its ``PubliC_lblNodoc`` element whatever the interface language) or
    after the text (the old one)."""
    if any(e.get("id") == "PubliC_lblNodoc" for e in record.iter()):
        return True
    return _DOCUMENT.search(_text(record)) is not None


def _text(element: Any) -> str:
    return " ".join(element.text_content().split())


def _first(record: Any, name: str) -> Any | None:
    return next((e for e in record.iter() if _has_class(e, name)), None)


def _paragraphs(element: Any) -> list[str]:
    found = [_text(p) for p in element.iter("p")]
    found = [p for p in found if p]
    return found or [t for t in [_text(element)] if t]


def _article(record: Any, position: int, name: str, problems: list[str]) -> NewsArticle | None:
    draft = Draft(languages=("fr", "en"))
    outlet = _first(record, "DocPublicationName")
    if outlet is not None:
        name_part, _, rest = _text(outlet).partition(",")
        draft.put("outlet", name_part)
        draft.put("publication_details", rest)
    title = _first(record, "titreArticleVisu")
    if title is None:
        title = _first(record, "titreArticle")
    if title is not None:
        draft.title = _text(title)
    header = _first(record, "DocHeader")
    if header is not None:
        _header(draft, _text(header))
    subsection = _first(record, "DocTitreSousSection")
    if subsection is not None:
        draft.put("section", _text(subsection))
    draft.put("author", _author(record, title))
    body = _first(record, "DocText")
    if body is None:
        body = next(record.iter("section"), None)
    if body is not None:
        draft.paragraphs.extend(_paragraphs(body))
    number = _DOCUMENT.search(_text(record))
    if number is not None:
        draft.put("document_id", number.group(1))
        dated = _DOCUMENT_DATE.match(number.group(1))
        if "date" not in draft.fields and dated is not None:
            draft.put("date", "-".join(dated.groups()))
    draft.paragraphs = checks.without_repeated_headline(draft.title, draft.paragraphs)
    made = finish(draft, position, name, problems)
    unsourced = checks.unsourced(made.fields, f"article {position} of {name}") if made else None
    if unsourced is not None:
        problems.append(unsourced)
    return made


def _header(draft: Draft, header: str) -> None:
    """ "Politique, mardi 14 mars 2006, p. 12" (or "…, 812 mots"; in English "Politics,
    Tuesday, March 14, 2006, p. 12"): section, date, page."""
    english = _DATE_EN.search(header)
    found = None
    if english is not None:
        month, day, year = english.groups()
        found = parse_date(f"{year}-{_MONTHS[month.lower()]:02d}-{int(day):02d}")
        if found is not None:  # its place kept by a mark no page's text holds
            header = f"{header[: english.start()]}\x00{header[english.end() :]}"
    sections: list[str] = []
    dated = False
    for part in (p.strip() for p in header.split(",")):
        date = _DATE.search(part)
        if found is not None and "\x00" in part:
            draft.put("date", found)
            dated = True
            continue
        if date is not None and not dated:
            day, month, year = date.groups()
            iso = parse_date(f"{year}-{_MONTHS[month.lower()]:02d}-{int(day):02d}")
            if iso is not None:
                draft.put("date", iso)
                dated = True
                continue
        page = _PAGE.match(part)
        words = _WORDS.match(part)
        if page is not None:
            draft.put("page", page.group(1))
        elif words is not None:
            draft.put("words", words.group(1))
        elif part and not _WEEKDAY.match(part) and not dated:
            sections.append(part)
    draft.put("section", ", ".join(sections))


def _author(record: Any, title: Any | None) -> str:
    """The byline: a ``docAuthors`` element, or the line after the headline's block in the
    header (the current layout)."""
    authors = _first(record, "docAuthors")
    if authors is not None:
        return _text(authors)
    if title is None:
        return ""
    block = title if _has_class(title, "titreArticle") else title.getparent()
    after = block.getnext() if block is not None else None
    if after is not None and after.tag == "div" and not after.get("class"):
        text = _text(after)
        return text if len(text) <= 200 else ""
    return ""


READERS = (Reader("Europresse HTML", recognises, read),)
