"""The classic Nexis layout, as Nexis UK (and LexisNexis Academic before it) writes its HTML
and RTF downloads: each document opens with "3 of 49 DOCUMENTS".

A document: the count line; centred lines with the outlet, the date line (with weekday, time
or edition) and sometimes an edition line; the headline; labelled fields in capitals
("BYLINE:", "LENGTH: 663 words", "RUBRIK:", "LÄNGE: 1285 Wörter"); the body; more fields
("LOAD-DATE:", "LANGUAGE:", "PUBLICATION-TYPE:"); a centred copyright line. The readers give
it as :class:`Block` s, one per block of the page, saying which are centred.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from annotator.io.news.nexis_fields import (
    COPYRIGHT,
    Articles,
    Entry,
    field_name,
    fold_label,
    known_label,
    split_date_line,
)

# "3 of 49 DOCUMENTS", "Dokument 3 von 49", "Document 3 de 49" (LexisNexisTools knows these).
COUNT_LINE = re.compile(
    r"\s*(?:\d+\s+of\s+\d+\s+DOCUMENTS?|Dokument\s+\d+\s+von\s+\d+|Document\s+\d+\s+de\s+\d+"
    r"|\d+\s+(?:de|von|di|van)\s+\d+\s+(?:DOCUMENTS?|DOKUMENTE?N?|DOCUMENTI|DOCUMENTEN))\s*",
    re.IGNORECASE,
)
# A field's label: capitals, hyphens and spaces, then a colon ("PUBLICATION-TYPE:", "LÄNGE:").
_LABEL = re.compile(r"([A-ZÀ-Þ][A-ZÀ-Þ0-9&/ -]{1,30}?)\s?:(?:[\s\u00a0]+|$)(.*)", re.DOTALL)
# Labels tell the interface language, which tells dateparser how to read the date line.
_LANGUAGES = {
    "sprache": "de",
    "rubrik": "de",
    "länge": "de",
    "langue": "fr",
    "longueur": "fr",
    "idioma": "es",
    "longitud": "es",
    "lingua": "it",
    "taal": "nl",
    "language": "en",
}


@dataclass(frozen=True)
class Block:
    """A block of a page: its paragraphs, and whether it is centred (header and copyright
    lines are; headline, fields and body are not)."""

    paragraphs: tuple[str, ...]
    centered: bool

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.paragraphs).split())


def label_of(block: Block) -> tuple[str, str] | None:
    """``(label, value)`` when the block is one labelled field."""
    if len(block.paragraphs) != 1:
        return None
    match = _LABEL.match(block.paragraphs[0].strip())
    if match is None or len(match.group(1).split()) > 3:
        return None
    return match.group(1), match.group(2)


def documents(blocks: Iterable[Block]) -> list[list[Block]]:
    """The blocks of each document: from one count line to the next (what comes before the
    first, the download's cover, is left out)."""
    found: list[list[Block]] = []
    for block in blocks:
        if len(block.paragraphs) == 1 and COUNT_LINE.fullmatch(block.paragraphs[0]):
            found.append([])
        elif found:
            found[-1].append(block)
    return found


def closed(doc: Sequence[Block]) -> bool:
    """Whether a document reaches its end: its field blocks after the body (LOAD-DATE,
    LANGUAGE, PUBLICATION-TYPE) or its copyright line. A download that stops before them was
    cut off inside it."""
    blocks = [block for block in doc if block.text]
    if not blocks:
        return False
    last = blocks[-1]
    return label_of(last) is not None or bool(COPYRIGHT.match(last.text))


def incomplete(blocks: Iterable[Block], name: str) -> str | None:
    """The problem line for a download whose last count line is "2 of 3 DOCUMENTS": it
    stopped before its last documents."""
    last = None
    for block in blocks:
        if len(block.paragraphs) == 1 and COUNT_LINE.fullmatch(block.paragraphs[0]):
            last = block.paragraphs[0]
    numbers = [int(n) for n in re.findall(r"\d+", last or "")]
    if len(numbers) == 2 and numbers[0] < numbers[1]:
        return (
            f"{Path(name).name}: the download is incomplete: it stops after document "
            f"{numbers[0]} of {numbers[1]}"
        )
    return None


def languages(docs: Sequence[Sequence[Block]]) -> tuple[str, ...]:
    """The interface language the labels are in, as a hint for reading dates."""
    for doc in docs[:5]:
        for block in doc:
            labelled = label_of(block)
            if labelled and fold_label(labelled[0]) in _LANGUAGES:
                return (_LANGUAGES[fold_label(labelled[0])],)
    return ()


def parse(docs: Sequence[Sequence[Block]], into: Articles) -> None:
    """Add each document (from :func:`documents`) to ``into``."""
    for doc in docs:
        into.add(_entry(doc))


def _entry(doc: Sequence[Block]) -> Entry:
    entry = Entry()
    blocks = [block for block in doc if block.text]
    start = 0
    while start < len(blocks) and blocks[start].centered:
        start += 1
    end = len(blocks)
    while end > start and blocks[end - 1].centered:
        end -= 1
    _header([b.text for b in blocks[:start]], entry)
    for block in blocks[end:]:
        entry.add("copyright" if COPYRIGHT.match(block.text) else "notes", block.text)
    middle = blocks[start:end]
    labels = [label_of(block) for block in middle]
    first = 0
    if middle and labels[0] is None:
        entry.title = middle[0].text
        first = 1
    # Before the body, a paragraph in capitals with a colon is a field if Nexis uses the
    # label or the value is short ("PORT VELMAR: The cranes …" opens a body); after the body
    # has begun, the first field begins the trailer, and lines without a label there belong
    # to the field before them (a caption's second line).
    last = ""
    for block, labelled in zip(middle[first:], labels[first:], strict=True):
        if labelled and ((last and entry.paragraphs) or _is_field(*labelled)):
            last = field_name(labelled[0])
            entry.add(last, labelled[1])
        elif last and entry.paragraphs:
            entry.add(last, block.text)
        else:
            last = ""
            entry.paragraphs.extend(p.strip() for p in block.paragraphs)
    return entry


def _is_field(label: str, value: str) -> bool:
    return known_label(label) or "-" in label or (len(value) <= 80 and ". " not in value)


def _header(lines: list[str], entry: Entry) -> None:
    if not lines:
        return
    entry.add("outlet", lines[0])
    # The date is the line after the outlet; one that is not a date as we know them is kept
    # as the date all the same (and reported), unless a later line is one.
    dated = next((i for i, line in enumerate(lines[1:], 1) if split_date_line(line)[0]), 1)
    for i, line in enumerate(lines[1:], 1):
        if i == dated:
            entry.date_line = line
        elif COPYRIGHT.match(line):
            entry.add("copyright", line)
        else:
            entry.add("edition", line)
