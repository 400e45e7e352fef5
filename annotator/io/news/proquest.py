"""ProQuest plain-text downloads: records between rows of underscores, each (after an optional
"Document 3 of 500" line) a headline, the document's link, and labelled fields, one paragraph
of the full text a line after ``Full text:``.

The HTML that ProQuest e-mails (or that page saved alone) is read by :mod:`proquest_html`;
both are registered here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from annotator.domain.errors import BadFileError
from annotator.io.encoding import decode_text
from annotator.io.news import NewsArticle, NewsFile, Reader, proquest_html
from annotator.io.news.cutoff import cut_off, stops_after
from annotator.io.news.proquest_fields import DATABASE, article, fold, known, repeated_ids

_RULE = re.compile(r"_{20,}")

# Where str.splitlines() cuts lines, and the other white space str.strip() takes off.
_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
_BLANKS = frozenset(c for c in map(chr, range(0x3001)) if c.isspace()) - _BREAKS
_DOCUMENT = re.compile(r"Document (\d+) of (\d+)")
_LABELLED = re.compile(r"([^:\s][^:]{0,40}):(?:\s+(.*)|)")
_HEAD = 200_000
_LINK = re.compile(r"https?://\S+")
# How far into the file the labels after a long first record are looked for.
_FAR = 16_000_000
# A row of underscores, ProQuest's separator of records, on a line of its own.
_RULE_LINE = re.compile(rb"^[ \t]*_{20,}[ \t]*\r?$", re.MULTILINE)
# Labels that close the full text even without a blank line before them.
_CLOSING = frozenset(["caption", "credit"])
_RECORD_LABELS = (
    b"\nPublication title:",
    b"\nProQuest document ID:",
    b"\nFull text:",
    b"\nPublication date:",
    b"\nDocument URL:",
)


def recognises(data: bytes, name: str) -> bool:
    """True for ProQuest's text download: a row of underscores on a line of its own near
    the start and at least three of the labels every record has (publication title, date,
    document id …). They are looked for in the head first, then further on: a first record
    whose full text runs past the head has them after its text."""
    head = data[:_HEAD]
    if head.lstrip()[:1] in (b"<", b"{") or b"\x00" in head or b"_" * 20 not in head:
        return False
    if _RULE_LINE.search(head) is None:
        return False
    return _labels(data, _HEAD) >= 3 or (len(data) > _HEAD and _labels(data, _FAR) >= 3)


def _labels(data: bytes, end: int) -> int:
    return sum(1 for label in _RECORD_LABELS if data.find(label, 0, end) >= 0)


def read(data: bytes, name: str) -> NewsFile:
    """The articles of a ProQuest text download; :class:`BadFileError` if it holds none."""
    text, _ = decode_text(data, Path(name))
    problems: list[str] = []
    articles: list[NewsArticle] = []
    seen = 0
    numbers: list[tuple[int, int]] = []  # each "Document N of M": (N, M)
    for lines, closed in _records(text):
        numbered, lines = _numbered(lines)
        if not any(_label(line) for line in lines):
            continue  # the search's heading, or the "Contact us" footer
        seen += 1
        position = numbered[0] if numbered else seen
        if numbered:
            numbers.append(numbered)
        # Only the last record can lack the row closing it.
        made = _record(lines, position, name, problems, last=not closed)
        if made is not None:
            articles.append(made)
    if not articles:
        raise BadFileError(name, "is a ProQuest text download but holds no article with text")
    problems.extend(repeated_ids(articles, name))
    shortfall = _shortfall(numbers, name)
    if shortfall is not None:
        problems.append(shortfall)
    return NewsFile(DATABASE, "ProQuest text", tuple(articles), tuple(problems))


def _shortfall(numbers: list[tuple[int, int]], name: str) -> str | None:
    """The line for a download whose records ("Document 247 of 500") stop before the count
    they announce; one whose first record is not "Document 1" is a part of the results, said
    as such (it may have been downloaded so). The lowest and highest numbers count, not the
    first and last records: records re-ordered (3, 1, 2 of 3) are all there."""
    if not numbers:
        return None
    first, last, total = min(n for n, _ in numbers), max(n for n, _ in numbers), numbers[-1][1]
    if last >= total:
        return None
    if first == 1:
        return stops_after(name, last, total)
    return (
        f"{Path(name).name}: it holds documents {first} to {last} of the {total} its records count"
    )


def _records(text: str) -> Iterator[tuple[list[str], bool]]:
    """The records between rows of underscores, each with whether a row closed it. A row
    inside a full text (an article's own separator) parts no record: what follows it, up to
    the next row, belongs to the record whose full text is still open when it has no full
    text of its own and opens with no "Document N of M"."""
    pending: tuple[list[str], bool] | None = None
    for record, closed in _split(text):
        if pending is not None and _text_open(pending[0]) and _continues(record):
            pending = ([*pending[0], "", *record], closed)
            continue
        if pending is not None:
            yield pending
        pending = (record, closed)
    if pending is not None:
        yield pending


def _split(text: str) -> Iterator[tuple[list[str], bool]]:
    """The records between rows of underscores (lines holding only a row of 20 or more),
    each as its lines (right-stripped) and whether a row closed it; lines as
    ``str.splitlines`` cuts them. One record's lines at a time: a download of 100,000 records
    split into its millions of lines at once took 300 MB more."""
    start = 0  # where the record being read begins
    end = len(text)
    for match in _RULE.finditer(text):
        before = match.start()
        while before > start and text[before - 1] in _BLANKS:
            before -= 1
        if before > start and text[before - 1] not in _BREAKS:
            continue  # other text before the underscores on their line
        after = match.end()
        while after < end and text[after] in _BLANKS:
            after += 1
        if after < end and text[after] not in _BREAKS:
            continue  # other text after them
        yield [line.rstrip() for line in text[start:before].splitlines()], True
        start = after + (2 if text.startswith("\r\n", after) else 1)
    yield [line.rstrip() for line in text[min(start, end) :].splitlines()], False


def _text_open(lines: list[str]) -> bool:
    """Whether the record's full text runs to its end: no field comes after it."""
    labels = [fold(found[0]) for found in map(_label, lines) if found is not None]
    return "fulltext" in labels and labels[-1] == "fulltext"


def _continues(lines: list[str]) -> bool:
    """Whether these lines go on a full text: some have a label, none is a full text's or
    the "Document N of M" that opens a record, and they do not open as a record does, with a
    headline and its link (a record without full text after one whose text ends it)."""
    opening = [line.strip() for line in lines if line.strip()][:2]
    if opening and _DOCUMENT.fullmatch(opening[0]):
        return False
    if len(opening) == 2 and _label(opening[0]) is None and _LINK.fullmatch(opening[1]):
        return False
    labels = [fold(found[0]) for found in map(_label, lines) if found is not None]
    return bool(labels) and "fulltext" not in labels


def _numbered(lines: list[str]) -> tuple[tuple[int, int] | None, list[str]]:
    """The record's number and the download's count from its "Document 3 of 500" line (None
    without), and its lines without that line and the blank lines before its headline."""
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    lines = lines[start:]
    match = _DOCUMENT.fullmatch(lines[0].strip()) if lines else None
    if match is None:
        return None, lines
    rest = lines[1:]
    start = next((i for i, line in enumerate(rest) if line.strip()), len(rest))
    return (int(match.group(1)), int(match.group(2))), rest[start:]


def _label(line: str) -> tuple[str, str] | None:
    """("Publication title", "value") for a line of a known label, else None."""
    if ":" not in line[:45]:
        return None
    match = _LABELLED.fullmatch(line.strip())
    if match is None or not known(match.group(1)):
        return None
    return match.group(1), match.group(2) or ""


def _record(
    lines: list[str], position: int, name: str, problems: list[str], *, last: bool
) -> NewsArticle | None:
    title = lines[0].strip() if lines and _label(lines[0]) is None else ""
    labelled: list[tuple[str, str]] = []
    body: list[str] = []
    in_body = False
    body_closed = False
    blank = True
    # A record written without blank lines between its fields (a download passed through a
    # tool that drops them): there a known label closes the full text and starts a field.
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    compact = end > 2 and all(line.strip() for line in lines[:end])
    for line in lines[1 if title else 0 :]:
        stripped = line.strip()
        if not stripped:
            blank = True
            continue
        found = _label(stripped)
        fresh = blank or compact
        if in_body:
            if found is None or not (fresh or fold(found[0]) in _CLOSING):
                body.append(stripped)
                blank = False
                continue
            in_body, body_closed = False, True
        if found is not None and fold(found[0]) == "fulltext":
            in_body = True
            body.append(found[1])
        elif found is not None and (fresh or not labelled or fold(found[0]) in _CLOSING):
            labelled.append(found)
        elif labelled and not blank:
            label, value = labelled[-1]
            labelled[-1] = (label, f"{value} {stripped}")
        elif stripped.startswith(("http://", "https://")) and not labelled:
            labelled.append(("Document URL", stripped))
        else:
            unknown = _LABELLED.fullmatch(stripped)
            if unknown is not None and body_closed:
                labelled.append((unknown.group(1), unknown.group(2) or ""))
        blank = False
    if last:
        # The file ends inside this record, before the row of underscores that closes each
        # (the last, too): in its full text, or in its fields, whose last one may be cut.
        problems.append(cut_off(position, name))
        return None
    # The link under the headline came first: the "Document URL:" field is the one kept.
    links = [pair for pair in labelled if fold(pair[0]) == "documenturl"]
    if len(links) > 1:
        labelled.remove(links[0])
    return article(title, body, labelled, position, name, problems)


READERS = (
    Reader("ProQuest text", recognises, read),
    Reader("ProQuest e-mail", proquest_html.recognises_email, proquest_html.read_email),
    Reader("ProQuest HTML", proquest_html.recognises_html, proquest_html.read_html),
)
