"""Saved news pages: the article's main text and its metadata, extracted by trafilatura; the
publication date only from where a page states one (see :func:`publication_date`)."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.domain.errors import BadFileError
from annotator.domain.model import VariableType
from annotator.io.articles import Metadata, clean_heading

if TYPE_CHECKING:
    from lxml.html import HtmlElement

# Where each piece of page metadata goes, and the variable's type. The date is not among them:
# trafilatura guesses one from anything dated on the page (a footer's "© 2019", a link to an
# older story, an image's /uploads/2008/09/ path, a death date in the text).
_VARIABLES = {
    "title": ("title", VariableType.TEXT),
    "author": ("author", VariableType.TEXT),
    "sitename": ("outlet", VariableType.CATEGORY),
    "url": ("url", VariableType.TEXT),
}
# <meta> names and properties (compared in lower case) that state when the article was first
# published: Open Graph, Dublin Core, schema.org microdata, Google Scholar, Parse.ly, Sailthru
# and the names newspaper systems write. Modification times are not publication dates.
_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "published_time",
    "article:published",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "publication-date",
    "original-publish-date",
    "article.published",
    "article_date_original",
    "dc.date",
    "dc.date.issued",
    "dcterms.date",
    "dcterms.issued",
    "citation_publication_date",
    "citation_date",
    "parsely-pub-date",
    "sailthru.date",
)
# JSON-LD objects that are the article or its page, not an image, a video or an organisation.
_JSON_LD_ARTICLES = re.compile(r"(Article|BlogPosting|Report|Posting|WebPage)$")
# 2019-04-16, 20190416 or 2019/04/16, alone or leading a time.
_ISO_DAY = re.compile(r"(\d{4})([-/]?)(\d{2})\2(\d{2})(?!\d)")


def read_html(data: bytes, path: Path) -> tuple[str, Metadata]:
    """Extract main text (paragraphs separated by blank lines) and metadata of a web page."""
    try:
        import trafilatura
    except ImportError as error:  # pragma: no cover - a broken installation
        raise BadFileError(
            path, f"HTML import needs trafilatura, which failed to load ({error})"
        ) from None
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadFileError(path, "is a binary file, not a web page")
    # trafilatura logs its reasons for giving up; the refusal below says it to the user.
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    # dateutil warns about dates it half understands ("…ZZ"); the page is read all the same,
    # and a warning on the terminal or in the log would only puzzle the user.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        document = trafilatura.bare_extraction(
            data,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            # The date it finds is not used (see _VARIABLES); searching the text for one is slow.
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    if isinstance(document, dict):  # only with as_dict=True, which is not asked for
        raise TypeError("trafilatura returned a dict")
    text = "" if document is None else (document.text or "")
    root = _parse(data)
    if not text.strip() or (root is not None and _only_link_labels(text, root)):
        raise BadFileError(path, "no article text found in this web page")
    # trafilatura separates paragraphs with one newline; a blank line reads better and
    # matches the plain-text articles.
    text = "\n\n".join(line.strip() for line in text.splitlines() if line.strip())
    if root is not None:
        text = _whole_paragraphs(text, root)
    values: dict[str, str] = {}
    types: dict[str, VariableType] = {}
    for attribute, (variable, type_) in _VARIABLES.items():
        value = getattr(document, attribute, None)
        if not value or not str(value).strip():
            continue
        values[variable] = str(value).strip()
        types[variable] = type_
    if "title" in values and root is not None:
        values["title"] = _without_scripts(values["title"], root)
    if "title" not in values and root is not None:
        heading = page_heading(root)
        if heading:
            values["title"], types["title"] = heading, VariableType.TEXT
    published = None if root is None else _publication_date(root)
    if published is not None:
        values["date"], types["date"] = published, VariableType.DATE
    return text, Metadata(values, types)


def page_heading(root: HtmlElement) -> str:
    """The page's first ``<h1>``, else its ``<title>`` (where trafilatura found no title)."""
    for tag in ("h1", "title"):
        for element in root.iter(tag):
            heading = clean_heading(_visible_text(element))
            if heading:
                return heading
    return ""


# Elements whose text a reader never sees: a heading's <script> is not part of its words.
_HIDDEN = ("script", "style", "template", "noscript")
# Elements that are a paragraph of their own in an article.
_BLOCKS = frozenset(
    [
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "blockquote",
        "pre",
        "td",
        "th",
        "dd",
        "dt",
        "figcaption",
        "caption",
    ]
)


def _without_scripts(title: str, root: HtmlElement) -> str:
    """trafilatura's ``title`` without the text of a script inside the heading it came from."""
    for tag in ("h1", "title"):
        for element in root.iter(tag):
            if clean_heading(element.text_content()) == clean_heading(title):
                return clean_heading(_visible_text(element)) or title
    return title


def _visible_text(element: HtmlElement) -> str:
    """The text of ``element`` without what scripts, styles and templates hold."""
    import copy

    visible = copy.deepcopy(element)
    for hidden in list(visible.iter(*_HIDDEN)):
        if hidden is not visible:
            hidden.drop_tree()  # keeps the text that follows it
    return str(visible.text_content())


def _whole_paragraphs(text: str, root: HtmlElement) -> str:
    """``text`` with the page's paragraphs whole where trafilatura's fallback (used on short
    pages) cut every ``<b>``, ``<i>`` or link into a line of its own: when the page's block
    elements hold exactly the same characters in the same order, they are the paragraphs."""
    body = root.find("body")
    if body is None:
        return text
    paragraphs = []
    for element in body.iter(*_BLOCKS):
        if any(parent.tag in _BLOCKS for parent in element.iterancestors()):
            continue  # its text is in the outer block's
        paragraph = " ".join(_visible_text(element).split())
        if paragraph:
            paragraphs.append(paragraph)
    joined = "\n\n".join(paragraphs)
    same = "".join(joined.split()) == "".join(text.split())
    return joined if same and joined.count("\n") < text.count("\n") else text


def publication_date(data: bytes, today: dt.date | None = None) -> str | None:
    """The date a page states as the article's publication date, as YYYY-MM-DD, or None.

    Only what says "published" counts: a publication ``<meta>`` (``article:published_time``,
    ``date``, ``dc.date.issued``…), ``datePublished`` of the article in JSON-LD or microdata,
    a ``<time pubdate>``. In that order, the first readable date wins; a date after tomorrow
    is not one. Modification times, dates in the text, in addresses or in a copyright line
    are none: a wrong publication date is worse than an empty one.
    """
    root = _parse(data)
    return None if root is None else _publication_date(root, today)


def _parse(data: bytes) -> HtmlElement | None:
    import lxml.html

    try:
        return lxml.html.document_fromstring(data)
    except (ValueError, lxml.etree.ParserError):
        return None


def _publication_date(root: HtmlElement, today: dt.date | None = None) -> str | None:
    latest = (today or dt.date.today()) + dt.timedelta(days=1)
    for stated in _stated_dates(root):
        day = _parse_date(stated)
        if day is not None and day <= latest:
            return day.isoformat()
    return None


def _stated_dates(root: HtmlElement) -> Iterator[str]:
    metas: dict[str, str] = {}
    for meta in root.iter("meta"):
        content = meta.get("content")
        for key in ("property", "name", "itemprop", "http-equiv"):
            name = (meta.get(key) or "").strip().lower()
            if name and content:
                metas.setdefault(name, content)
    yield from (metas[name] for name in _PUBLISHED_META if name in metas)
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() == "application/ld+json":
            try:
                yield from _json_ld_dates(json.loads(script.text or ""))
            except (ValueError, RecursionError):
                continue
    for element in root.iter():
        if not isinstance(element.tag, str):  # comments, processing instructions
            continue
        if (element.get("itemprop") or "").strip() == "datePublished":
            yield element.get("datetime") or element.get("content") or element.text_content()
        elif element.tag == "time" and element.get("pubdate") is not None:
            yield element.get("datetime") or element.text_content()


def _json_ld_dates(node: object) -> Iterator[str]:
    """``datePublished`` of every article object, however deep (``@graph``, lists)."""
    if isinstance(node, list):
        for item in node:
            yield from _json_ld_dates(item)
    elif isinstance(node, dict):
        kinds = node.get("@type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        published = node.get("datePublished")
        if isinstance(published, str) and any(
            isinstance(kind, str) and _JSON_LD_ARTICLES.search(kind) for kind in kinds
        ):
            yield published
        for key, value in node.items():
            if key != "datePublished":
                yield from _json_ld_dates(value)


def _parse_date(value: str) -> dt.date | None:
    """An ISO date or time (``2019-04-16``, ``2019-04-16T08:00:00+09:00``: the day as stated,
    in the publisher's zone), ``20190416``, ``2019/04/16``, or an e-mail style date."""
    value = value.strip()
    match = _ISO_DAY.match(value)
    if match:
        try:
            return dt.date(int(match[1]), int(match[3]), int(match[4]))
        except ValueError:
            return None
    try:
        return email.utils.parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        return None


def _only_link_labels(text: str, root: HtmlElement) -> bool:
    """True when every line of the extracted text is the label of a link: a menu, not an
    article (trafilatura falls back to such text on pages without a main body)."""
    labels = {" ".join(a.text_content().split()) for a in root.iter("a")}
    return all(" ".join(line.split()) in labels for line in text.splitlines() if line.strip())
