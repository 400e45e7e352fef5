"""The results ProQuest e-mails: a MIME message (``.eml``) whose HTML part (quoted-printable or
base64) holds the records, or that HTML saved alone.

Both layouts ProQuest has sent give each record in an element of its own: a bold headline,
then paragraphs that open with a bold label ("Author:", "Full text:", "Publication title:" …).
The older layout has a "Publication info:" paragraph and the abstract below its label; the
newer one a citation line under the headline and the full text as a nested HTML document
(which a parser flattens into the paragraphs after the label). The page is read as a list of
blocks, each with its label if it opens with one, and a record is the largest element holding
one "Publication title:" label.
"""

from __future__ import annotations

import email
import email.policy
import re
from typing import Any

from annotator.domain.errors import BadFileError
from annotator.io.news import NewsArticle, NewsFile, checks
from annotator.io.news.cutoff import cut_off, html_complete, stops_after
from annotator.io.news.proquest_fields import DATABASE, article, fold, repeated_ids
from annotator.io.news.text_bytes import decoded_markup, html_document

_BLOCKS = frozenset(
    [
        "p",
        "div",
        "li",
        "tr",
        "td",
        "th",
        "table",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "article",
        "section",
        "body",
        "html",
        "text",
    ]
)
_LABEL_TAGS = ("strong", "b")
_HEAD = 1_000_000
# A bold label of a record's fields in the page's bytes (before any parsing).
_HTML_LABEL = re.compile(
    rb"<(?:strong|b)[^>]*>\s*(?:ProQuest document ID|Publication title|Full text)\s*:",
    re.IGNORECASE,
)
_MIME = re.compile(rb"^(?:MIME-Version|Content-Type):", re.IGNORECASE | re.MULTILINE)
# The labels that start a record's element, in the order they are tried.
_ANCHORS = ("publicationtitle", "proquestdocumentid", "fulltext")
# Image links and screen-reader text of the newer layout are no part of the text.
_FURNITURE = re.compile(r"\b(?:document_view_image|sr-only)\b")
# Each record opens with an anchor of this name; a list of results links to them.
_ANCHOR = "DocID_"


def recognises_email(data: bytes, name: str) -> bool:
    """True for an e-mail (MIME headers at its top) sent by ProQuest."""
    head = data[:4096]
    if head.lstrip()[:1] == b"<" or _MIME.search(head) is None:
        return False
    return b"proquest" in data[:_HEAD].lower()


def recognises_html(data: bytes, name: str) -> bool:
    """True for ProQuest's e-mailed results saved as HTML: bold record labels."""
    head = data[:_HEAD]
    return b"<" in head[:4096] and _HTML_LABEL.search(head) is not None


def read_email(data: bytes, name: str) -> NewsFile:
    """The articles of the HTML parts of a ProQuest e-mail: each part holding records (an
    e-mail may carry more than one, a forwarded one as an attachment), in order."""
    parts = _html_parts(data, name)
    if not parts:
        raise BadFileError(name, "is an e-mail without an HTML part of ProQuest results")
    results = [part for part in parts if _HTML_LABEL.search(part.encode("utf-8", "replace"))]
    if len(results) < 2:
        return _read(results[0] if results else parts[-1], name, "ProQuest e-mail")
    articles: list[NewsArticle] = []
    problems: list[str] = []
    for part in results:
        found = _read(part, name, "ProQuest e-mail", start=len(articles) + 1)
        articles.extend(found.articles)
        problems.extend(found.problems)
    problems.extend(repeated_ids(articles, name))
    return NewsFile(DATABASE, "ProQuest e-mail", tuple(articles), tuple(dict.fromkeys(problems)))


def _html_parts(data: bytes, name: str) -> list[str]:
    """The text of each HTML part of the message, decoded by evidence (see
    :func:`~annotator.io.news.text_bytes.decoded_markup`): ProQuest's bytes may not be in
    the charset the part declares."""
    parts: list[str] = []
    try:
        message = email.message_from_bytes(data, policy=email.policy.default)
        for part in message.walk():
            if part.get_content_type() == "text/html":
                payload = part.get_payload(decode=True)
                if isinstance(payload, bytes):
                    parts.append(decoded_markup(payload, part.get_content_charset()))
    except RecursionError:
        # The parser and walk() descend a level of recursion for each level of parts.
        raise BadFileError(
            name, "is an e-mail whose parts are nested too deep to read (hundreds of levels)"
        ) from None
    return parts


def read_html(data: bytes, name: str) -> NewsFile:
    """The articles of ProQuest's e-mailed results saved as an HTML page."""
    return _read(decoded_markup(data), name, "ProQuest HTML")


def _read(html: str, name: str, layout: str, start: int = 1) -> NewsFile:
    """The page's articles, numbered from ``start`` (the articles of an e-mail's earlier
    parts before them)."""
    if not html.strip():
        raise BadFileError(name, "is an empty ProQuest page")
    root = html_document(html, name, "ProQuest page")
    problems: list[str] = []
    articles: list[NewsArticle] = []
    records = _records(root)
    complete, cut = html_complete(html), False
    for position, record in enumerate(records, start=start):
        blocks = _blocks(record)
        if not complete and position == start + len(records) - 1 and not _closed(blocks):
            # The page stops inside this record's full text: the download stopped in it.
            problems.append(cut_off(position, name))
            cut = True
            break
        made = _record(record, blocks, position, name, problems)
        if made is not None:
            articles.append(made)
    if not articles:
        why = " (the download stopped before the end of its first article)" if cut else ""
        raise BadFileError(name, "is a ProQuest page but holds no article with text" + why)
    problems.extend(repeated_ids(articles, name))
    shortfall = _shortfall(root, name)
    if shortfall is not None:
        problems.append(shortfall)
    if not complete and not cut:
        problems.append(stops_after(name, len(records), kind="page"))
    return NewsFile(DATABASE, layout, tuple(articles), tuple(problems))


def _shortfall(root: Any, name: str) -> str | None:
    """The line for an e-mail whose list of results links to more records than it holds."""
    named = {a.get("name") for a in root.iter("a") if (a.get("name") or "").startswith(_ANCHOR)}
    listed = {
        href[1:] for a in root.iter("a") if (href := a.get("href") or "").startswith("#" + _ANCHOR)
    }
    if not listed - named:
        return None
    held, missing = len(listed & named), len(listed - named)
    return (
        f"{name}: the e-mail lists {len(listed)} documents but holds {held} of them "
        f"({missing} missing)"
    )


def _label_of(element: Any) -> str | None:
    if element.tag not in _LABEL_TAGS:
        return None
    text = " ".join(element.text_content().split())
    return fold(text[:-1]) if text.endswith(":") and 0 < len(text) <= 45 else None


def _records(root: Any) -> list[Any]:
    """Each record's element: the largest holding one mark of the kind most records have —
    a label ("Publication title:" …) or the anchor opening a record. (A page that stopped
    inside a record has one label of its last record's fewer than the others.)"""
    labels = [e for e in root.iter(*_LABEL_TAGS) if _label_of(e) is not None]
    kinds = [[e for e in labels if _label_of(e) == anchor] for anchor in _ANCHORS]
    kinds.append([a for a in root.iter("a") if (a.get("name") or "").startswith(_ANCHOR)])
    marks = max(kinds, key=len)  # the first of the longest: a label, as before
    if not marks:
        return []
    return checks.largest_holding_one(marks)


def _blocks(record: Any) -> list[tuple[str | None, str, bool]]:
    """The record's blocks in order: (label or None, text without the label, bold)."""
    blocks: list[tuple[str | None, str, bool]] = []
    parts: list[str] = []
    state: dict[str, Any] = {"label": None, "bold": False}

    def flush() -> None:
        text = " ".join("".join(parts).split())
        if text or state["label"]:
            blocks.append((state["label"], text, state["bold"]))
        parts.clear()
        state["label"], state["bold"] = None, False

    def walk(element: Any) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in ("script", "style", "img", "head", "title", "meta") or not tag:
            if element.tail:
                parts.append(element.tail)
            return
        if _FURNITURE.search(element.get("class") or ""):
            if element.tail:
                parts.append(element.tail)
            return
        block = tag in _BLOCKS
        if block:
            flush()
            state["bold"] = "bold" in (element.get("style") or "").replace(" ", "")
        label = _label_of(element)
        if label is not None and not "".join(parts).strip() and state["label"] is None:
            state["label"] = label
        else:
            if tag == "br":
                parts.append("\n")
            if element.text:
                parts.append(element.text)
            for child in element:
                walk(child)
        if block:
            flush()
        if element.tail:
            parts.append(element.tail)

    walk(record)
    flush()
    return blocks


def _closed(blocks: list[tuple[str | None, str, bool]]) -> bool:
    """Whether a record ends as one does: a labelled field after its full text (both layouts
    write the publication title, date and document id below it)."""
    labels = [label for label, _, _ in blocks if label is not None]
    return "fulltext" not in labels or labels[-1] != "fulltext"


def _record(
    record: Any,
    blocks: list[tuple[str | None, str, bool]],
    position: int,
    name: str,
    problems: list[str],
) -> NewsArticle | None:
    title = next((text for label, text, bold in blocks if label is None and bold and text), "")
    if not title:
        title = next((text for label, text, _ in blocks if label is None and text), "")
    labelled: list[tuple[str, str]] = []
    body: list[str] = []
    current: str | None = None
    for label, text, _ in blocks:
        if label is not None:
            current = label
            if label == "fulltext":
                body.append(text)
            else:
                labelled.append((label, text))
        elif current == "fulltext":
            body.append(text)
        elif current is not None and labelled and not labelled[-1][1]:
            labelled[-1] = (labelled[-1][0], text)  # the older abstract: below its label
    words = next((e.get("wordcount") for e in record.iter("text") if e.get("wordcount")), None)
    if words:
        labelled.append(("words", words))
    return article(title, body, labelled, position, name, problems)
