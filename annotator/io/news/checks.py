"""What readers check in the articles they read and report in the file's problems: a headline
the body repeats as its first paragraph (dropped), an article without outlet or date
(imported, and said), a document id two articles of one file share (both imported, said).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from annotator.io.news import NewsArticle

# What a headline and a paragraph repeating it may differ in: case, spacing, a closing stop.
_UNSAID = re.compile(r"[\s.:;,!?\"'“”‘’«»]+")


def _comparable(text: str) -> str:
    return _UNSAID.sub(" ", text.casefold()).strip()


def without_repeated_headline(title: str, paragraphs: list[str]) -> list[str]:
    """The paragraphs without a first one that only repeats the headline (some databases
    write the headline again as the text's first line); a body that is only the headline is
    left as it is, not emptied."""
    if len(paragraphs) > 1 and title and _comparable(paragraphs[0]) == _comparable(title):
        return paragraphs[1:]
    return paragraphs


def unsourced(
    fields: Mapping[str, str], where: str, expected: Iterable[str] = ("outlet", "date")
) -> str | None:
    """The line for an article without an outlet or a date (of those ``expected``), which is
    imported all the same; None when it has them. A date that could not be read is kept as
    ``date_text`` and said where it is read, not here."""
    missing = [
        variable
        for variable in expected
        if not fields.get(variable) and not (variable == "date" and fields.get("date_text"))
    ]
    if not missing:
        return None
    return f"{where} has no {' and no '.join(missing)}: imported"


def repeated_ids(articles: Iterable[NewsArticle], name: str, label: str) -> list[str]:
    """A line for each article whose ``document_id`` an earlier article of the file has
    (``label`` names the id: "ProQuest document id")."""
    first: dict[str, int] = {}
    lines: list[str] = []
    for article in articles:
        document_id = article.fields.get("document_id")
        if not document_id:
            continue
        if document_id in first:
            lines.append(
                f"article {article.position} of {name} has the {label} {document_id} of "
                f"article {first[document_id]} too: both imported"
            )
        else:
            first[document_id] = article.position
    return lines


def largest_holding_one(marks: list[Any], stop: frozenset[str] = frozenset()) -> list[Any]:
    """For each mark of a parsed page (in document order), the largest element above it that
    holds no other mark, not going into an element of a ``stop`` tag; one element for marks
    sharing it. Each element's marks are counted once (a page of thousands of records is read
    in linear time, not by counting the whole page again for each)."""
    held: dict[Any, int] = {}
    for mark in marks:
        for parent in mark.iterancestors():
            held[parent] = held.get(parent, 0) + 1
    records: list[Any] = []
    for mark in marks:
        element = mark
        for parent in mark.iterancestors():
            if parent.tag in stop or held[parent] > 1:
                break
            element = parent
        if not records or records[-1] is not element:
            records.append(element)
    return records
