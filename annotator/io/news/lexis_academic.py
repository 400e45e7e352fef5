"""LexisNexis Academic plain-text downloads ("1 of 10 DOCUMENTS").

After a cover page (the request, the search terms), each document starts with its number
("1 of 10 DOCUMENTS"; "Dokument 1 von 10", "Document 1 de 10" from the German and French
interfaces), then, in blocks separated by blank lines: the outlet; the date line with the
edition below it; the headline; field blocks ("BYLINE:", "SECTION:", "LENGTH:"); the body;
more field blocks ("LOAD-DATE:", "LANGUAGE:", "GRAPHIC:", "PUBLICATION-TYPE:"); and the
copyright lines. Field blocks become fields, never body; the copyright is left out of it.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from annotator.domain.errors import BadFileError
from annotator.io.encoding import decode_text
from annotator.io.news import NewsArticle, NewsFile, Reader
from annotator.io.news.cutoff import cut_off
from annotator.io.news.dates import parse_date
from annotator.io.news.factiva_fields import Draft, clean, finish

DATABASE = "LexisNexis Academic"
_MARK = re.compile(
    r"^[ \t]*(?:\d+ of \d+ DOCUMENTS?|Dokument \d+ von \d+|Document \d+ de \d+"
    r"|Documento \d+ de \d+)[ \t]*$",
    re.MULTILINE,
)
# The interface language, from the words of the documents' numbers (the dates are in it).
_MARK_LANGUAGES = {"of": ("en",), "von": ("de",), "de": ("fr", "es")}
# A field block's label: capitals and hyphens, a word or three ("LOAD-DATE", "JOURNAL-CODE").
_FIELD = re.compile(r"([A-ZÄÖÜÉÈ][A-ZÄÖÜÉÈ-]*(?: [A-ZÄÖÜÉÈ-]+){0,2}): ?(.*)")
# Labels that name a variable of their own; any other becomes its snake_case self.
_NAMES = {
    "BYLINE": "author",
    "AUTOR": "author",
    "AUTEUR": "author",
    "SECTION": "section",
    "RUBRIK": "section",
    "RUBRIQUE": "section",
    "LENGTH": "words",
    "LÄNGE": "words",
    "LONGUEUR": "words",
    "LANGUAGE": "language",
    "SPRACHE": "language",
    "LANGUE": "language",
    "LOAD-DATE": "load_date",
    "UPDATE": "load_date",
    "GRAPHIC": "graphic",
    "GRAFIK": "graphic",
}
# One-word labels that are fields (a body paragraph may start "LONDON: …"; a label with a
# hyphen is always a field).
_SINGLE_WORD_LABELS = frozenset(
    {
        *_NAMES,
        "DATELINE",
        "HIGHLIGHT",
        "SERIES",
        "CORRECTION",
        "NOTES",
        "URL",
        "SUBJECT",
        "ORGANIZATION",
        "PERSON",
        "CITY",
        "STATE",
        "COUNTRY",
        "GEOGRAPHIC",
        "INDUSTRY",
        "TICKER",
        "TYPE",
        "DISTRIBUTION",
        "COLUMN",
        "NAME",
        "SOURCE",
        "DOCUMENT",
        "DESCRIPTORS",
        "EDITION",
        "ORT",
        "QUELLE",
        "TITEL",
    }
)
_COPYRIGHT = re.compile(r"(?:copyright|©|\(c\)|all rights reserved)", re.IGNORECASE)
_HEAD = 256 * 1024


def recognises(data: bytes, name: str) -> bool:
    """A LexisNexis Academic text download: document numbers, then field labels."""
    head = _lenient(data[:_HEAD])
    mark = _MARK.search(head)
    if mark is None:
        return False
    return any(_is_field(line) for line in head[mark.end() :].splitlines())


def _lenient(data: bytes) -> str:
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            text = data[2:].decode(codec, errors="replace")
            break
    else:
        text = data.decode("utf-8", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read(data: bytes, name: str) -> NewsFile:
    """The articles of a LexisNexis Academic text download."""
    text = decode_text(data, Path(name))[0].replace("\r\n", "\n").replace("\r", "\n")
    marks = list(_MARK.finditer(text))
    if not marks:
        raise BadFileError(name, "holds no '1 of N DOCUMENTS' line: not a LexisNexis download")
    languages = _MARK_LANGUAGES.get(marks[0].group().split()[1], ())
    problems: list[str] = []
    articles: list[NewsArticle] = []
    for position, mark in enumerate(marks, start=1):
        last = position == len(marks)
        end = len(text) if last else marks[position].start()
        article = _article(text[mark.end() : end], languages, position, name, problems, last)
        if article is not None:
            articles.append(article)
    _announced(marks[-1].group(), name, problems)
    if not articles:
        why = f" ({problems[0]})" if problems else ""
        raise BadFileError(
            name, f"is a LexisNexis Academic download but holds no article text{why}"
        )
    return NewsFile(DATABASE, "LexisNexis Academic plain text", tuple(articles), tuple(problems))


def _blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _is_field(line: str) -> bool:
    match = _FIELD.fullmatch(line)
    return match is not None and ("-" in match.group(1) or match.group(1) in _SINGLE_WORD_LABELS)


def _announced(mark: str, name: str, problems: list[str]) -> None:
    """A download whose last document is "7 of 10 DOCUMENTS" stopped before the end."""
    numbers = [int(n) for n in re.findall(r"\d+", mark)]
    if len(numbers) == 2 and numbers[0] < numbers[1]:
        problems.append(
            f"{Path(name).name}: the download is incomplete: it stops after document "
            f"{numbers[0]} of {numbers[1]}"
        )


def _article(
    text: str,
    languages: tuple[str, ...],
    position: int,
    name: str,
    problems: list[str],
    last: bool = False,
) -> NewsArticle | None:
    blocks = _blocks(text)
    draft = Draft(languages=languages)
    # The copyright lines close the document.
    copyright_lines: list[str] = []
    while blocks and _COPYRIGHT.search(" ".join(blocks[-1])) and not _is_field(blocks[-1][0]):
        copyright_lines[:0] = blocks.pop()
    # A document ends with its field blocks (LOAD-DATE, LANGUAGE) or copyright; the next
    # document's number shows the end of all others. The last without them was cut off.
    if last and not copyright_lines and not (blocks and _is_field(blocks[-1][0])):
        problems.append(cut_off(position, name))
        return None
    if blocks and not _is_field(blocks[0][0]):
        draft.put("outlet", " ".join(blocks.pop(0)))
    if blocks and not _is_field(blocks[0][0]):
        date, *edition = blocks.pop(0)
        draft.put("date", date)
        draft.put("edition", "; ".join(clean(line).rstrip(";") for line in edition))
    fields = [i for i, block in enumerate(blocks) if _is_field(block[0])]
    first = fields[0] if fields else min(1, len(blocks))
    draft.title = " ".join(" ".join(block) for block in blocks[:first])
    start = first
    while start < len(blocks) and _is_field(blocks[start][0]):
        start += 1
    stop = len(blocks)
    while stop > start and _is_field(blocks[stop - 1][0]):
        stop -= 1
    for block in blocks[first:start] + blocks[stop:]:
        _field(draft, block)
    draft.paragraphs.extend(clean(" ".join(block)) for block in blocks[start:stop])
    draft.put("copyright", " ".join(copyright_lines))
    load_date = draft.fields.get("load_date")
    if load_date:
        draft.fields["load_date"] = parse_date(load_date, languages) or load_date
    return finish(draft, position, name, problems)


def _field(draft: Draft, block: list[str]) -> None:
    match = _FIELD.fullmatch(block[0])
    assert match is not None
    label, first = match.groups()
    variable = _NAMES.get(label) or label.lower().replace("-", "_").replace(" ", "_")
    draft.put(variable, " ".join([first, *block[1:]]))


READERS = (Reader("LexisNexis Academic text", recognises, read),)
