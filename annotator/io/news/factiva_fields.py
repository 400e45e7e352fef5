"""What Factiva's downloads share, whatever their file type: the field codes and the names
they get as variables, the unlabelled header of the "Article Format", and how one article
is made from its headline, paragraphs and fields.

Factiva writes an article in one of two layouts. *Article Format* gives the header as bare
lines in a fixed order and in the interface's language (section; headline; byline; credit;
"808 words"; date; time; source name; source code; edition; page; volume; language;
copyright), then the paragraphs, then the publisher and "Document <accession number>".
*Full Article/Report plus Indexing* labels every block with a two- or three-letter code (HD,
BY, WC, PD, SN, SC, LA, CY, LP, TD, NS, RE, AN, …), the same in every interface language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from annotator.io.news import NewsArticle
from annotator.io.news.dates import parse_date

DATABASE = "Factiva"

# Factiva's field codes, in the order Factiva writes them, and the variable each becomes;
# LP (lead paragraphs) and TD (text) are the body, AN the accession number.
CODES: dict[str, str] = {
    "CLM": "column",
    "SE": "section",
    "HD": "title",
    "BY": "author",
    "CR": "credit",
    "WC": "words",
    "PD": "date",
    "ET": "time",
    "SN": "outlet",
    "SC": "source_code",
    "ED": "edition",
    "PG": "page",
    "VOL": "volume",
    "LA": "language",
    "CY": "copyright",
    "LP": "lead",
    "TD": "text",
    "ART": "caption",
    "CT": "contact",
    "RF": "reference",
    "CO": "company",
    "IN": "industry",
    "NS": "subject",
    "RE": "region",
    "IPC": "provider_codes",
    "IPD": "provider_descriptors",
    "PUB": "publisher",
    "AN": "document_id",
}
BODY_CODES = ("LP", "TD")
# Coded lists ("c11 : Plans/Strategy | c24 : Capacity/Facilities") keep the descriptions.
_CODED_LISTS = ("CO", "IN", "NS", "RE")

# The word count in any interface language: "808 words", "1285 Wörter", "8165 字", "295 mots".
WORD_COUNT = re.compile(r"(\d[\d,.\u00a0\u202f' ]*)\s*[^\W\d_]{1,12}\.?")
_TIME = re.compile(r"(?:\d{1,2}[:.]\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?)(?:\s+[A-Z]{2,5}(?:[+-]\d+)?)?")
_TRAILING_TIME = re.compile(r"^(.*?\D)\s+(" + _TIME.pattern + r")$")
# Chinese, Japanese and Korean dates: answered here, as dateparser takes tens of ms for each.
_CJK_DATE = re.compile(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]")
_SOURCE_CODE = re.compile(r"[A-Z0-9]{2,12}")
_PAGE = re.compile(r"[A-Za-z]{0,4}\d+[A-Za-z]?(?:\s*[,;/&\u2013-]\s*[A-Za-z]{0,4}\d+[A-Za-z]?)*")
_ACCESSION = re.compile(r"(?:\S{1,16}\s+)?([A-Za-z0-9]{20,32})")
# Header lines longer than this are none of the short ones (word count, time, date, page).
_SHORT = 120
_COPYRIGHT = re.compile(r"\(c\)|©|copyright|\bcopr\b|all rights reserved", re.IGNORECASE)
# The word count's word tells the interface language, and the dates are written in it.
_INTERFACE = {
    "words": "en",
    "word": "en",
    "wörter": "de",
    "wort": "de",
    "mots": "fr",
    "palabras": "es",
    "parole": "it",
    "palavras": "pt",
    "woorden": "nl",
    "ord": "sv",
    "слов": "ru",
    "слова": "ru",
    "字": "zh",
    "語": "ja",
    "文字": "ja",
    "단어": "ko",
}


@dataclass
class Draft:
    """One article as it is being read: fields by variable name, paragraphs of the body."""

    title: str = ""
    paragraphs: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    languages: tuple[str, ...] = ()

    def put(self, name: str, value: str) -> None:
        """Set a field, the first value winning; blank values are not fields."""
        value = clean(value)
        if value and name not in self.fields:
            self.fields[name] = value


def clean(text: str) -> str:
    """One line, single spaces."""
    return " ".join(text.split())


def interface_languages(words: str) -> tuple[str, ...]:
    """The interface language that wrote "1285 Wörter" (``("de",)``), or none known."""
    match = WORD_COUNT.fullmatch(clean(words)) if len(words) <= _SHORT else None
    if match is None:
        return ()
    label = words[match.end(1) :].strip(" .").lower()
    language = _INTERFACE.get(label)
    return (language,) if language else ()


def is_word_count(text: str) -> bool:
    # Short lines only: the patterns are matched on whatever a hostile file puts there.
    return len(text) <= _SHORT and WORD_COUNT.fullmatch(clean(text)) is not None


def is_time(text: str) -> bool:
    return len(text) <= _SHORT and _TIME.fullmatch(clean(text)) is not None


def is_copyright(text: str) -> bool:
    return _COPYRIGHT.search(text) is not None


def accession(text: str) -> str | None:
    """The accession number of a "Document IINM000020171113edbd0000d" line (any label)."""
    if len(text) > _SHORT:
        return None
    match = _ACCESSION.fullmatch(clean(text))
    return match.group(1) if match else None


def coded_list(value: str) -> str:
    """ "c11 : Plans/Strategy | c24 : Capacity" as "Plans/Strategy; Capacity" (a code
    without a description stays)."""
    items = []
    for item in value.split("|"):
        code, _, description = item.partition(":")
        text = clean(description) or clean(code)
        if text:
            items.append(text)
    return "; ".join(items)


def from_codes(draft: Draft, blocks: Iterable[tuple[str, list[str]]]) -> None:
    """Fill ``draft`` from (code, paragraphs) blocks of the indexing layout."""
    for code, paragraphs in blocks:
        if code in BODY_CODES:
            draft.paragraphs.extend(p for p in (clean(p) for p in paragraphs) if p)
            continue
        value = " ".join(paragraphs)
        if code == "HD":
            draft.title = draft.title or clean(value)
        elif code == "AN":
            draft.put("document_id", accession(value) or value)
        elif code in _CODED_LISTS:
            draft.put(CODES[code], coded_list(value))
        elif code == "WC":
            draft.languages = draft.languages or interface_languages(value)
            draft.put("words", value)
        else:
            draft.put(CODES.get(code, code.lower()), value)


def from_header(draft: Draft, before: Sequence[str], after: Sequence[str]) -> None:
    """Fill ``draft`` from the Article Format's unlabelled header lines: ``before`` the
    headline (section), and ``after`` the headline and byline (credit, word count, date,
    time, source name and code, edition, page, volume, language, copyright)."""
    if before:
        draft.put("section", "; ".join(clean(line) for line in before))
    lines = [clean(line) for line in after if clean(line)]
    at = next((i for i, line in enumerate(lines) if is_word_count(line)), None)
    if at is None:
        # No word count: the date is the first line that reads as one.
        dated = (i - 1 for i, line in enumerate(lines[:8]) if _date_of(line, ()))
        at = next(dated, None)
        if at is None:
            draft.put("header", " | ".join(lines))
            return
    else:
        draft.languages = draft.languages or interface_languages(lines[at])
        draft.put("words", lines[at])
    if at > 0:
        draft.put("credit", "; ".join(lines[:at]))
    rest = lines[at + 1 :]
    if rest:
        draft.put("date", rest.pop(0))
    if rest and is_time(rest[0]):
        draft.put("time", rest.pop(0))
    if rest:
        draft.put("outlet", rest.pop(0))
    if rest and len(rest[0]) <= _SHORT and _SOURCE_CODE.fullmatch(rest[0]):
        draft.put("source_code", rest.pop(0))
    if rest and (is_copyright(rest[-1]) or (len(rest) > 1 and not _is_language(rest[-1]))):
        draft.put("copyright", rest.pop())
    if rest and _is_language(rest[-1]):
        draft.put("language", rest.pop())
    _edition_page_volume(draft, rest)


def _is_language(text: str) -> bool:
    # A language's name: short, no digits ("English", "Deutsch", "英文", "Chinese (Simplified)").
    return len(text) <= 40 and len(text.split()) <= 3 and not any(c.isdigit() for c in text)


def _edition_page_volume(draft: Draft, lines: list[str]) -> None:
    # Edition, page and volume are each optional, in that order: the page is the line that
    # reads as page numbers ("13", "4,5", "A12", "45-61").
    pages = (i for i in range(len(lines) - 1, -1, -1) if _is_page(lines[i]))
    page = next(pages, None)
    if page is None:
        if lines:
            draft.put("edition", "; ".join(lines))
        return
    if page > 0:
        draft.put("edition", "; ".join(lines[:page]))
    draft.put("page", lines[page])
    if lines[page + 1 :]:
        draft.put("volume", "; ".join(lines[page + 1 :]))


def _is_page(text: str) -> bool:
    return len(text) <= _SHORT and _PAGE.fullmatch(text) is not None


def _date_of(text: str, languages: tuple[str, ...]) -> str | None:
    text = clean(text)
    if len(text) > _SHORT:
        return None
    cjk = _CJK_DATE.search(text)
    if cjk:
        year, month, day = cjk.groups()
        return parse_date(f"{year}-{int(month):02d}-{int(day):02d}")
    return parse_date(text, languages)


def finish(draft: Draft, position: int, name: str, problems: list[str]) -> NewsArticle | None:
    """The article, with its fields made tidy (ISO date, digits-only word count), or None
    with a problem line when it has no text."""
    fields = draft.fields
    where = f"article {position} of {name}"
    paragraphs = _without_copyright(draft.paragraphs)
    if not paragraphs:
        problems.append(f"{where} has no text: left out")
        return None
    if "date" in fields:
        raw = fields.pop("date")
        time = _TRAILING_TIME.match(raw) if len(raw) <= _SHORT else None
        if time and "time" not in fields:
            raw, fields["time"] = time.group(1).strip(), time.group(2)
        iso = _date_of(raw, draft.languages)
        if iso is None:
            fields["date_text"] = raw
            problems.append(f"{where}: cannot read the date '{raw}'; kept as date_text")
        else:
            fields["date"] = iso
    if "words" in fields:
        digits = re.sub(r"\D", "", fields["words"])
        if digits:
            fields["words"] = digits
        else:
            del fields["words"]
    title = clean(draft.title)
    ordered = {"title": title} if title else {}
    ordered.update(fields)
    return NewsArticle(title=title, body="\n\n".join(paragraphs), fields=ordered, position=position)


def _without_copyright(paragraphs: list[str]) -> list[str]:
    # A body that ends with the publisher's copyright line ("(c) 2000 Gazeta Mercantil S/A.").
    end = len(paragraphs)
    while end > 1 and len(paragraphs[end - 1]) < 200 and _COPYRIGHT.match(paragraphs[end - 1]):
        end -= 1
    return paragraphs[:end]
