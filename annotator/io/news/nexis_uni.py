"""The Nexis Uni / Lexis Advance layout, as its .docx (and newer RTF) downloads write it: a
cover page, then each document as paragraphs ending with "End of Document".

A document: headline, outlet, date line (and an edition), a copyright line, labelled fields
("Section:\u00a0NEWS", "Length:\u00a0709 words", "Byline:\u00a0…"), the heading "Body", the
body, then a trailer: "Graphic" (captions), "Classification" (Language, Subject, …), "Notes",
"Load-Date:\u00a0…". Fields become fields, never body; cover page and trailer headings go.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from annotator.io.news.nexis_fields import (
    COPYRIGHT,
    Articles,
    Entry,
    field_name,
    fold_label,
    split_date_line,
)

# The paragraph that closes every document, and the heading before its body, in the interface
# languages Nexis Uni has (English first: the labels are English in most interfaces).
END_OF_DOCUMENT = frozenset(
    {"end of document", "ende des dokuments", "fin du document", "fin del documento",
     "fine del documento", "einde van document", "fim do documento"}
)  # fmt: skip
_BODY = frozenset({"body", "text", "texte", "corps", "cuerpo", "texto", "testo", "tekst"})
# Headings of the trailer after the body, and the field their lines go to (None: the lines
# are labelled fields themselves).
_TRAILER: dict[str, str | None] = {
    "graphic": "graphic",
    "grafik": "graphic",
    "graphique": "graphic",
    "gráfico": "graphic",
    "notes": "notes",
    "anmerkungen": "notes",
    "classification": None,
    "klassifikation": None,
    "klassifizierung": None,
    "classement": None,
    "clasificación": None,
}
# Lines of the cover page Nexis Uni puts before the first document.
_COVER = re.compile(
    r"(?:user name|date and time|job number|documents \(\d+\)|client/matter|search terms"
    r"|search type|narrowed by|benutzername|datum und uhrzeit|auftragsnummer|dokumente \(\d+\)"
    r"|suchbegriffe|suchtyp|eingegrenzt durch|mandant|nom d'utilisateur|termes de recherche"
    r"|documents \(\d+\))",
    re.IGNORECASE,
)
_COUNT = re.compile(r"(?:documents|dokumente)\s*\((\d+)\)", re.IGNORECASE)
# "Label:\u00a0value": Nexis Uni puts a no-break space after a field's label, which tells a
# field from a body paragraph that happens to hold a colon.
_FIELD = re.compile(r"([^\W\d_][\w&/'. -]{0,40}?)\s?:\u00a0\s*(.*)", re.DOTALL)
_SPACES = re.compile(r"[ \n\r\f\v]+")
_HEADER_FIELD = re.compile(r"([^\W\d_][\w&/'. -]{0,40}?)\s?:[\u00a0 ]\s*(.*)", re.DOTALL)


def is_nexis_uni(paragraphs: Sequence[str]) -> bool:
    """True when the paragraphs are in this layout: fields labelled the Nexis way
    ("Load-Date:\u00a0…", "Length:\u00a0…") with a "Body" heading or "End of Document", in a
    download of many documents or of one. A Word letter saying "End of Document" is not."""
    short = {p.strip().casefold() for p in paragraphs if len(p) < 40}
    if not short & (_BODY | END_OF_DOCUMENT):
        return False
    return any(
        (labelled := _field(p.strip(), _FIELD))
        and labelled[0] in ("load_date", "words", "section", "author")
        for p in paragraphs
    )


def documents(paragraphs: Sequence[str]) -> list[list[str]]:
    """The paragraphs of each document, cover page and "End of Document" left out. A last
    document without "End of Document" is one the download stopped in (see :func:`stopped`)
    and is left out, unless no document of the file has that line (a file of one document
    that does not mark its end)."""
    chunks, last = _chunks(paragraphs)
    if not chunks and _has_body(last):
        chunks.append(last)
    if chunks:
        chunks[0] = _without_cover(chunks[0])
    return chunks


def stopped(paragraphs: Sequence[str]) -> bool:
    """True when the file stops inside a document: after its last "End of Document" comes
    one that has begun (its body heading is there) but not ended."""
    chunks, last = _chunks(paragraphs)
    return bool(chunks) and _has_body(last)


def _chunks(paragraphs: Sequence[str]) -> tuple[list[list[str]], list[str]]:
    """The documents each closed by "End of Document", and what follows the last of them."""
    chunks: list[list[str]] = [[]]
    for paragraph in paragraphs:
        if len(paragraph) < 60 and paragraph.strip().casefold() in END_OF_DOCUMENT:
            chunks.append([])
        else:
            chunks[-1].append(paragraph)
    last = chunks.pop()
    return chunks, last


def _has_body(chunk: Sequence[str]) -> bool:
    return any(p.strip().casefold() in _BODY for p in chunk)


def cover_count(paragraphs: Sequence[str]) -> int | None:
    """The number of documents the cover page announces ("Documents (7)"), if it has one."""
    for paragraph in paragraphs[:40]:
        match = _COUNT.fullmatch(paragraph.strip())
        if match:
            return int(match.group(1))
    return None


def _without_cover(chunk: list[str]) -> list[str]:
    body = next((i for i, p in enumerate(chunk) if p.strip().casefold() in _BODY), len(chunk))
    last = -1
    for i in range(body):
        if _COVER.match(chunk[i].strip()):
            last = i
    if last < 0:
        return chunk
    # After the cover's last line come blank lines and its table ("Content Type", "Narrowed
    # by" cells, joined by tabs): the headline is the first line that is neither.
    start = last + 1
    while start < body and (not chunk[start].strip() or "\t" in chunk[start]):
        start += 1
    return chunk[start:]


def parse(chunks: Sequence[Sequence[str]], into: Articles) -> None:
    """Add each document of ``chunks`` (from :func:`documents`) to ``into``."""
    for chunk in chunks:
        into.add(_entry(chunk))


def _entry(chunk: Sequence[str]) -> Entry:
    entry = Entry()
    lines = [_squeeze(p) for p in chunk]
    body_at = next((i for i, line in enumerate(lines) if line.casefold() in _BODY), None)
    header = [line for line in lines[: len(lines) if body_at is None else body_at] if line]
    _header(header, entry)
    if body_at is None:
        return entry
    rest = lines[body_at + 1 :]
    end = next((i for i, line in enumerate(rest) if _starts_trailer(line)), len(rest))
    _body(rest[:end], entry)
    _trailer(rest[end:], entry)
    return entry


def _squeeze(paragraph: str) -> str:
    # Runs of spaces and line breaks become one space; a no-break space stays (it marks a
    # field's label) and so does a tab (it parts a table row's cells).
    return _SPACES.sub(" ", paragraph).strip(" \n\r\t\u00a0")


def _field(line: str, pattern: re.Pattern[str]) -> tuple[str, str] | None:
    """``(name, value)`` of a labelled field; a label is a few words ("Publication-Type"),
    not a sentence that happens to end in a colon ("Follow … on Twitter:")."""
    match = pattern.match(line)
    if match is None or len(match.group(1).split()) > 4:
        return None
    return field_name(match.group(1)), match.group(2)


def _header(header: list[str], entry: Entry) -> None:
    if not header:
        return
    entry.title = header[0]
    if len(header) > 1:
        entry.add("outlet", header[1])
    rest = header[2:]
    for i, line in enumerate(rest[:3]):
        plain = not _field(line, _HEADER_FIELD) and not COPYRIGHT.match(line)
        if plain and split_date_line(line)[0]:
            entry.date_line = line
            rest = rest[:i] + rest[i + 1 :]
            break
    last = "edition"
    for line in rest:
        labelled = _field(line, _HEADER_FIELD)
        if COPYRIGHT.match(line):
            last = "copyright"
            entry.add(last, line)
        elif labelled:
            last = labelled[0]
            entry.add(last, labelled[1])
        else:  # a line of its own before any field is the edition; after one, more of it
            entry.add(last, line)


def _starts_trailer(line: str) -> bool:
    if fold_label(line) in _TRAILER and not line.endswith(":"):
        return True
    return _field(line, _FIELD) is not None


def _body(lines: list[str], entry: Entry) -> None:
    lines = [line for line in lines if line]
    # Some sources come with an abstract before the text: "ABSTRACT", …, "FULL TEXT", ….
    if lines and lines[0] == "ABSTRACT" and "FULL TEXT" in lines:
        split = lines.index("FULL TEXT")
        entry.add("abstract", " ".join(lines[1:split]))
        lines = lines[split + 1 :]
    entry.paragraphs.extend(lines)


def _trailer(lines: list[str], entry: Entry) -> None:
    section: str | None = None
    last = ""
    for line in lines:
        if not line:
            continue
        folded = fold_label(line)
        if folded in _TRAILER and not line.endswith(":"):
            section = _TRAILER[folded]
            last = section or ""
            continue
        labelled = _field(line, _FIELD if section else _HEADER_FIELD)
        if labelled:
            last = labelled[0]
            entry.add(last, labelled[1])
        elif section or last:
            entry.add(section or last, line)
