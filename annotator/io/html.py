"""Saved news pages: the article's main text and its metadata, extracted by trafilatura."""

from __future__ import annotations

import logging
import warnings
from datetime import date
from pathlib import Path

from annotator.domain.errors import BadFileError
from annotator.domain.model import VariableType
from annotator.io.articles import Metadata

# Where each piece of page metadata goes, and the variable's type.
_VARIABLES = {
    "title": ("title", VariableType.TEXT),
    "author": ("author", VariableType.TEXT),
    "date": ("date", VariableType.DATE),
    "sitename": ("outlet", VariableType.CATEGORY),
    "url": ("url", VariableType.TEXT),
}


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
            date_extraction_params={"extensive_search": True, "original_date": True},
        )
    if isinstance(document, dict):  # only with as_dict=True, which is not asked for
        raise TypeError("trafilatura returned a dict")
    text = "" if document is None else (document.text or "")
    if not text.strip() or _only_link_labels(text, data):
        raise BadFileError(path, "no article text found in this web page")
    # trafilatura separates paragraphs with one newline; a blank line reads better and
    # matches the plain-text articles.
    text = "\n\n".join(line.strip() for line in text.splitlines() if line.strip())
    values: dict[str, str] = {}
    types: dict[str, VariableType] = {}
    for attribute, (variable, type_) in _VARIABLES.items():
        value = getattr(document, attribute, None)
        if not value or not str(value).strip():
            continue
        value = str(value).strip()
        if type_ is VariableType.DATE:
            try:
                value = date.fromisoformat(value[:10]).isoformat()
            except ValueError:
                continue
        values[variable] = value
        types[variable] = type_
    return text, Metadata(values, types)


def _only_link_labels(text: str, data: bytes) -> bool:
    """True when every line of the extracted text is the label of a link: a menu, not an
    article (trafilatura falls back to such text on pages without a main body)."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(data)
    except (ValueError, lxml.etree.ParserError):
        return False
    labels = {" ".join(a.text_content().split()) for a in root.iter("a")}
    return all(" ".join(line.split()) in labels for line in text.splitlines() if line.strip())
