"""What the Nexis layouts share: their field labels in the interface languages, the date line,
and the making of one article from a title, body paragraphs and labelled fields.

Nexis writes the same fields under labels in the interface's language ("LENGTH:", "LÄNGE:",
"LONGUEUR:"); known labels get the standard names of :data:`annotator.io.news.STANDARD_FIELDS`,
any other becomes a readable snake_case name of its own ("Publication-Type" → publication_type).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from annotator.io.news import NewsArticle
from annotator.io.news.dates import parse_date

# Label (folded: lower case, accents kept) → field name. Labels of the classic layout (Nexis
# UK, LexisNexis Academic: "BYLINE:") and of Nexis Uni (docx: "Byline:") in English, German,
# French, Spanish, Italian, Dutch and Portuguese interfaces.
_LABELS = {
    "author": "author",
    "byline": "author",
    "autor": "author",
    "auteur": "author",
    "autore": "author",
    "von": "author",
    "section": "section",
    "rubrik": "section",
    "rubrique": "section",
    "sección": "section",
    "seccion": "section",
    "sezione": "section",
    "rubriek": "section",
    "seção": "section",
    "length": "words",
    "länge": "words",
    "longueur": "words",
    "longitud": "words",
    "lunghezza": "words",
    "lengte": "words",
    "comprimento": "words",
    "language": "language",
    "sprache": "language",
    "langue": "language",
    "idioma": "language",
    "lingua": "language",
    "taal": "language",
    "load-date": "load_date",
    "update": "load_date",
    "date de chargement": "load_date",
    "fecha de carga": "load_date",
    "laaddatum": "load_date",
    "dateline": "dateline",
    "ortszeile": "dateline",
    "graphic": "graphic",
    "grafik": "graphic",
    "graphique": "graphic",
    "highlight": "highlight",
    "journal-code": "journal_code",
    "zeitungs-code": "journal_code",
    "url": "url",
    "type": "document_type",
    "document-type": "document_type",
    "publication-type": "publication_type",
    "notes": "notes",
    "series": "series",
    "distribution": "distribution",
    "correction-date": "correction_date",
    "subject": "subject",
    "organization": "organization",
    "person": "person",
    "company": "company",
    "ticker": "ticker",
    "industry": "industry",
    "geographic": "geographic",
    "city": "city",
    "state": "state",
    "country": "country",
    "edition": "edition",
    "bibliographie": "bibliography",
}

# "LENGTH: 1823 words", "LÄNGE: 1285 Wörter": the number is what a researcher counts by.
_DIGITS = re.compile(r"\d[\d,.\u00a0\u202f ]*")
_NON_DIGITS = re.compile(r"\D")
_SNAKE = re.compile(r"[^0-9a-z]+")

# The date at the start of a date line, in the layouts' forms: "May 2, 2002, Thursday,, FINAL
# EDITION", "27. Februar 2012 Montag 9:50 PM GMT+1", "12 juin 1995 lundi", "2018年5月28日".
_DATE_START = re.compile(
    r"\s*(?:[^\W\d_]+,?\s+)?"  # a weekday before the date ("Tuesday, ...")
    r"(?P<date>"
    r"\w+\.?\s+\d{1,2},?\s+\d{4}"  # January 11, 2010
    r"|\d{1,2}\.?\s+(?:de\s+)?\w+\.?\s+(?:de\s+)?\d{4}"  # 11. Januar 2017, 12 de junio de 1995
    r"|\d{4}-\d{2}-\d{2}"
    r"|\d{1,2}[./]\d{1,2}[./]\d{4}"
    r"|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
    r")"
)
_WEEKDAYS = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "montag",
        "dienstag",
        "mittwoch",
        "donnerstag",
        "freitag",
        "samstag",
        "sonntag",
        "sonnabend",
        "lundi",
        "mardi",
        "mercredi",
        "jeudi",
        "vendredi",
        "samedi",
        "dimanche",
        "lunes",
        "martes",
        "miércoles",
        "jueves",
        "viernes",
        "sábado",
        "domingo",
        "lunedì",
        "martedì",
        "mercoledì",
        "giovedì",
        "venerdì",
        "sabato",
        "domenica",
        "maandag",
        "dinsdag",
        "woensdag",
        "donderdag",
        "vrijdag",
        "zaterdag",
        "zondag",
    ]
)
_TIME = re.compile(
    r"\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)?(?:\s*[A-Z]{2,5}(?:[+-]\d+)?)?"
)

# Copyright lines close a Nexis article (classic) or follow its date line (Nexis Uni).
COPYRIGHT = re.compile(
    r"\s*(?:copyright\b|©|\(c\)\s*\d{4}|all rights reserved|alle rechte vorbehalten"
    r"|tous droits réservés|todos los derechos reservados)",
    re.IGNORECASE,
)


def fold_label(label: str) -> str:
    """A label as the table above knows it: case folded, spaces single, no colon."""
    return " ".join(label.replace("\u00a0", " ").strip().rstrip(":").split()).casefold()


def known_label(label: str) -> bool:
    """True for a label Nexis is known to use (in any of the interface languages above)."""
    return fold_label(label) in _LABELS


def field_name(label: str) -> str:
    """The field a label fills: a standard name where known, else the label in snake_case."""
    folded = fold_label(label)
    known = _LABELS.get(folded)
    if known:
        return known
    plain = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return _SNAKE.sub("_", plain).strip("_") or "field"


def words(value: str) -> str:
    """The number of words in a length field, digits only ("1,285 words" → "1285")."""
    match = _DIGITS.search(value)
    return _NON_DIGITS.sub("", match.group()) if match else ""


def split_date_line(line: str) -> tuple[str, str]:
    """``(date, rest)`` of a date line: the date as written, and what follows it (an edition,
    a time) without weekday names, times and stray punctuation. ``("", line)`` if no date."""
    match = _DATE_START.match(line)
    if match is None:
        return "", line.strip()
    rest = _TIME.sub(" ", line[match.end() :])
    kept = [
        token
        for token in re.split(r"[\s,;]+", rest)
        if token and token.casefold().strip(".") not in _WEEKDAYS
    ]
    return match.group("date").strip(), " ".join(kept).strip(" ,;")


@dataclass
class Entry:
    """One article as a layout parser finds it, before it becomes a :class:`NewsArticle`."""

    title: str = ""
    paragraphs: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    date_line: str = ""

    def add(self, name: str, value: str) -> None:
        """Keep a field; a second value under the same name is appended ("; ")."""
        value = " ".join(value.split())
        if not value:
            return
        if name == "words":
            value = words(value) or value
        old = self.fields.get(name)
        self.fields[name] = f"{old}; {value}" if old and old != value else value


@dataclass
class Articles:
    """The articles of one file, and the problems met on the way (entries left out, dates
    not understood), each naming the entry by its position in the file."""

    languages: tuple[str, ...] = ()
    found: list[NewsArticle] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seen: int = 0

    def add(self, entry: Entry) -> None:
        """Turn ``entry`` into an article, or leave it out with a problem line."""
        self.seen += 1
        position = self.seen
        title = " ".join(entry.title.split())
        body = "\n\n".join(p for p in (para.strip() for para in entry.paragraphs) if p)
        if not body:
            named = f" ({title[:60]})" if title else ""
            self.problems.append(f"article {position}{named} has no text; left out")
            return
        fields = {"title": title} if title else {}
        fields.update((k, v) for k, v in entry.fields.items() if v)
        if "load_date" in fields:  # ISO like every date we store, where it reads as one
            fields["load_date"] = (
                parse_date(fields["load_date"], self.languages) or fields["load_date"]
            )
        if entry.date_line:
            self._date(entry.date_line, fields, position)
        else:
            self.problems.append(f"article {position}: no publication date found")
        self.found.append(NewsArticle(title, body, fields, position))

    def _date(self, line: str, fields: dict[str, str], position: int) -> None:
        text, rest = split_date_line(line)
        iso = parse_date(text, self.languages) if text else None
        if iso is None:
            iso = parse_date(line, self.languages)
            rest = "" if iso else rest
        if iso is None:
            fields["date_text"] = " ".join(line.split())
            self.problems.append(f"article {position}: the date {line.strip()!r} is not understood")
            return
        fields["date"] = iso
        if rest and "edition" not in fields:
            fields["edition"] = rest
