"""What ProQuest's downloads share, text or HTML: the labels of its record fields and the
variables they become, and the making of one article from a record's labelled values.

A ProQuest record (US Newsstream, Canadian Newsstream, Historical Newspapers …) is a headline
and labelled fields: ``Title:``, ``Author:``, ``Publication title:`` (the outlet),
``Publication date:``, ``Section:``, ``Full text:`` (the body), ``ProQuest document ID:``,
``Document URL:`` and many more of indexing (``Subject:``, ``Place of publication:`` …),
which keep readable snake_case names of their own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from annotator.io.news import NewsArticle, checks
from annotator.io.news.factiva_fields import Draft, finish

DATABASE = "ProQuest"

# Label (lower case) → variable; "" for what is no variable (the body, the links to a library).
LABELS: dict[str, str] = {
    "title": "title",
    "author": "author",
    "publication title": "outlet",
    "publication date": "date",
    "section": "section",
    "language of publication": "language",
    "document url": "url",
    "proquest document id": "document_id",
    "full text": "",
    "links": "",
    "abstract": "abstract",
    "publication year": "publication_year",
    "publisher": "publisher",
    "place of publication": "place_of_publication",
    "country of publication": "country_of_publication",
    "publication subject": "publication_subject",
    "source type": "source_type",
    "document type": "document_type",
    "copyright": "copyright",
    "last updated": "last_updated",
    "database": "proquest_database",  # not `database`: that one names the export's database
    "subject": "subject",
    "location": "location",
    "people": "people",
    "company / organization": "company",
    "business indexing term": "business_indexing_term",
    "identifier / keyword": "keyword",
    "issn": "issn",
    "first page": "first_page",
    "pages": "pages",
    "dateline": "dateline",
    "caption": "caption",
    "credit": "credit",
    "edition": "edition",
    "volume": "volume",
    "issue": "issue",
    "column": "column",
    "coden": "coden",
    "url": "source_url",
    "credit line": "credit",
    "publication info": "publication_info",
    "words": "words",
}
_KNOWN = {"".join(label.split()): name for label, name in LABELS.items()}
_SNAKE = re.compile(r"[^0-9a-z]+")
_NOTHING = frozenset(["none available.", "none available"])
# ProQuest's dates: "Sep 20, 2024", sometimes with a space inside the month ("Ju n 24, 2024").
_DATE = re.compile(r"([A-Za-z][A-Za-z ]{1,12}?)\s*(\d{1,2}),?\s*(\d{4})")


@lru_cache(maxsize=4096)  # a download repeats a few dozen labels in every record
def fold(label: str) -> str:
    """A label as looked up: lower case, without spaces (ProQuest loses some: "Place
    ofpublication", "ProQuestdocument ID")."""
    return "".join(label.lower().split())


def known(label: str) -> bool:
    """True for a label ProQuest is known to write."""
    return fold(label) in _KNOWN


def field_name(label: str) -> str:
    """The variable a label fills: a known name, else the label in snake_case."""
    name = _KNOWN.get(fold(label))
    if name is not None:
        return name
    plain = (
        unicodedata.normalize("NFKD", " ".join(label.lower().split()))
        .encode("ascii", "ignore")
        .decode()
    )
    return _SNAKE.sub("_", plain).strip("_") or "field"


def article(
    title: str,
    body: list[str],
    labelled: list[tuple[str, str]],
    position: int,
    name: str,
    problems: list[str],
) -> NewsArticle | None:
    """The article of one record: its headline (the ``Title:`` field where the record has
    one), body paragraphs (without a first one repeating the headline) and labelled values;
    a record without a document id, outlet or date is kept and reported, one without text
    left out and reported."""
    draft = Draft(title=title, languages=("en",))  # the interface writes English dates
    for label, value in labelled:
        variable = field_name(label)
        if not variable or value.strip().lower() in _NOTHING:
            continue
        if variable == "title":
            draft.title = " ".join(value.split()) or draft.title
        elif variable == "date":
            date = _DATE.fullmatch(value.strip())
            month = date.group(1).replace(" ", "") if date else ""
            draft.put("date", f"{month} {date.group(2)}, {date.group(3)}" if date else value)
        elif variable in ("caption", "credit") and variable in draft.fields:
            draft.fields[variable] += "; " + " ".join(value.split())
        else:
            draft.put(variable, value)
    draft.paragraphs.extend(p for p in (" ".join(p.split()) for p in body) if p)
    draft.paragraphs = checks.without_repeated_headline(draft.title, draft.paragraphs)
    made = finish(draft, position, name, problems)
    if made is None:
        return None
    if "document_id" not in made.fields:
        problems.append(f"article {position} of {name} has no ProQuest document id: imported")
    unsourced = checks.unsourced(made.fields, f"article {position} of {name}")
    if unsourced is not None:
        problems.append(unsourced)
    return made


def repeated_ids(articles: Iterable[NewsArticle], name: str) -> list[str]:
    """A line for each record whose ProQuest document id an earlier one of the file has."""
    return checks.repeated_ids(articles, name, "ProQuest document id")
