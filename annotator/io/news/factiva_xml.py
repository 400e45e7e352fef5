"""Factiva's XML download (PPS): a ``PPSResponse`` holding one ``article`` element for each
article, in Factiva's namespace (``http://global.factiva.com/pps/2.0``).

An article carries its headline, lead and tail paragraphs (``headline``, ``leadParagraph``,
``tailParagraphs``, each of ``paragraph`` elements, search hits marked by ``hlt``), and
fields by element: ``sourceName``, ``publicationDate`` (``dateTime`` or ``date``),
``byline``, ``sectionName``, ``wordCount``, ``baseLanguage``, ``accessionNo``, the
``region``, ``newsSubject``, ``company`` and ``industry`` lists (their ``name``\\ s) and a few
more. The file is parsed without DTDs or network, within libxml2's limits (no huge trees:
nesting past 256, a text node past 10 MB is an error). Factiva writes no entity but the
five of XML and character references: a file using another (``&eacute;``, one its DTD
declares) is refused, never expanded nor kept as "&x;" in the text; so is broken XML, in one
line saying where.
"""

from __future__ import annotations

import re
from typing import Any

import lxml.etree

from annotator.domain.errors import BadFileError
from annotator.io.news import NewsArticle, NewsFile, Reader, checks
from annotator.io.news.factiva_fields import DATABASE, Draft, clean, finish

_HEAD = 4096
_CANNOT = "is Factiva XML that cannot be read"
# libxml2's error for an entity no DTD declares (XML_ERR_UNDECLARED_ENTITY and its warning).
_UNDECLARED = frozenset({26, 27})
_ENTITY_NAME = re.compile(r"'([^'\s]{1,40})'")
_ROOT = re.compile(rb"<(?:\w+:)?PPSResponse[\s>]|<(?:\w+:)?ppsArticleResponse[\s>]")
# Single-valued elements and the variable each becomes, in the order they are kept.
_SINGLE = (
    ("sourceName", "outlet"),
    ("byline", "author"),
    ("sectionName", "section"),
    ("columnName", "column"),
    ("wordCount", "words"),
    ("baseLanguage", "language_code"),
    ("edition", "edition"),
    ("publisherName", "publisher"),
    ("sourceCode", "source_code"),
    ("copyright", "copyright"),
    ("notes", "notes"),
    ("accessionNo", "document_id"),
)
# Lists of named codes ("<region code='usa'><name>United States</name></region>").
_LISTS = (
    ("region", "region"),
    ("newsSubject", "subject"),
    ("company", "company"),
    ("industry", "industry"),
)


def recognises(data: bytes, name: str) -> bool:
    """An XML document whose root is Factiva's ``PPSResponse`` (or its article response)."""
    head = data[:_HEAD].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] == b"<" and _ROOT.search(head) is not None


def read(data: bytes, name: str) -> NewsFile:
    """The articles of a Factiva XML (PPS) download."""
    parser = lxml.etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = lxml.etree.fromstring(data, parser)
    except lxml.etree.XMLSyntaxError as error:
        raise BadFileError(name, _why(error)) from None
    except lxml.etree.LxmlError:
        raise BadFileError(name, f"{_CANNOT}: broken XML") from None
    entity = next(root.iter(lxml.etree.Entity), None)
    if entity is not None:
        raise BadFileError(name, _entity(str(entity.text), entity.sourceline))
    problems: list[str] = []
    articles: list[NewsArticle] = []
    found = [e for e in root.iter() if isinstance(e.tag, str) and _local(e) == "article"]
    for position, element in enumerate(found, start=1):
        article = finish(_draft(element), position, name, problems)
        if article is not None:
            articles.append(article)
            unsourced = checks.unsourced(article.fields, f"article {position} of {name}")
            if unsourced is not None:
                problems.append(unsourced)
    if not articles:
        raise BadFileError(name, "is Factiva XML but holds no article with text")
    return NewsFile(DATABASE, "Factiva XML (PPS)", tuple(articles), tuple(problems))


def _why(error: lxml.etree.XMLSyntaxError) -> str:
    """The reason for XML that cannot be read, in plain words and where (never libxml2's)."""
    line = error.lineno or (error.position[0] if error.position else 0)
    if error.code in _UNDECLARED:
        named = _ENTITY_NAME.search(str(error.msg or ""))
        return _entity(f"&{named.group(1)};" if named else "&…;", line)
    return f"{_CANNOT}: broken XML at line {line}" if line else f"{_CANNOT}: broken XML"


def _entity(entity: str, line: int | None) -> str:
    where = f" (line {line})" if line else ""
    return (
        f"{_CANNOT}: it uses the entity '{entity}'{where}, which Factiva's XML never does; "
        "export it again"
    )


def _local(element: Any) -> str:
    return str(lxml.etree.QName(element).localname)


def _children(element: Any, local: str) -> list[Any]:
    return [c for c in element if isinstance(c.tag, str) and _local(c) == local]


def _text(element: Any) -> str:
    return clean("".join(element.itertext()))


def _paragraphs(element: Any, local: str) -> list[str]:
    texts: list[str] = []
    for block in _children(element, local):
        paragraphs = _children(block, "paragraph")
        for paragraph in paragraphs or [block]:
            text = _text(paragraph)
            if text:
                texts.append(text)
    return texts


def _draft(article: Any) -> Draft:
    draft = Draft()
    draft.title = " ".join(_paragraphs(article, "headline"))
    draft.paragraphs.extend(_paragraphs(article, "leadParagraph"))
    draft.paragraphs.extend(_paragraphs(article, "tailParagraphs"))
    for date in _children(article, "publicationDate"):
        value = next((_text(c) for c in date if isinstance(c.tag, str)), "") or _text(date)
        # "2012-01-09T01:35:58Z": the day, and the time apart.
        day, _, time = value.partition("T")
        draft.put("date", day)
        draft.put("time", time)
    for local, variable in _SINGLE:
        for element in _children(article, local):
            value = _text(element)
            draft.put(variable, value.lower() if variable == "language_code" else value)
    pages = [_text(p) for block in _children(article, "pages") for p in _children(block, "page")]
    pages = pages or [_text(block) for block in _children(article, "pages")]
    draft.put("page", ", ".join(p for p in pages if p))
    for local, variable in _LISTS:
        names = []
        for element in _children(article, local):
            labels = _children(element, "name")
            names.append(_text(labels[0]) if labels else element.get("code") or "")
        draft.put(variable, "; ".join(n for n in names if n))
    descriptors = [_text(e) for e in _children(article, "descField")]
    draft.put("provider_descriptors", "; ".join(d for d in descriptors if d))
    return draft


READER = Reader("Factiva XML", recognises, read)
