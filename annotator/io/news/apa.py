"""RTF downloads of the Austria Presse Agentur's databases (APA-OnlineManager, DeFacto).

Each article opens with its source line in italics — ``"Kronen Zeitung" vom 23.10.2017
Seite: 14`` for print, ``"derStandard.at" Inland gefunden am 23.10.2017`` for the web —
then ``Ressort: Politik``, perhaps ``Von <author>``, a time (``18.00 Uhr``), an edition or a
kicker line, the headline in bold, and the paragraphs. Articles are parted by a section
break or a row of underscores; the page header ("APA-OnlineManager", the date) and footer
(the search, "Seite 1 von 9") are RTF header and footer groups, left out. A line saying an
attachment was kept ("Gespeicherter Anhang:") or that the text is a transcript ends the text.
The RTF is read by :mod:`factiva_rtf` (lines, and which are bold).
"""

from __future__ import annotations

import re

from annotator.domain.errors import BadFileError
from annotator.io.news import NewsArticle, NewsFile, Reader, checks
from annotator.io.news.cutoff import cut_off, rtf_group_end, stops_after
from annotator.io.news.dates import parse_date
from annotator.io.news.factiva_fields import clean
from annotator.io.news.factiva_rtf import is_rtf, rtf_lines

DATABASE = "APA"
_HEAD = 64 * 1024
_DATE = r"(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})"
# The source line: "Outlet" [section] vom|gefunden am 23.10.2017 [Seite: 14]
_SOURCE = re.compile(
    r'["„“](?P<outlet>[^"„“”]{1,120})["“”]\s*(?P<section>[^"„“”]{0,80}?)\s*(?:vom|gefunden am)\s+'
    + _DATE
    + r"(?:\s*,?\s*(?P<time>\d{1,2}[.:]\d{2})\s*(?:Uhr)?)?(?:\s+Seite:?\s*(?P<page>\S{1,20}))?"
)
_SOURCE_BYTES = re.compile(rb'"[^"\r\n]{1,200}"[^"\r\n]{0,100}?\s(?:vom|gefunden am) \d{1,2}\.\d')
_SECTION = re.compile(r"Ressort:\s*(.{1,120})")
_PAGE = re.compile(r"Seite:?\s*(\S{1,20})")
_AUTHOR = re.compile(r"Von\s+([^\d]{2,120})")
_TIME = re.compile(r"(?:" + _DATE + r"\s+)?(\d{1,2})[.:](\d{2})\s*Uhr")
_STOP = re.compile(r"Gespeicherte[rn]? Anh(?:ang|änge)|Der gegenständliche Text ist eine Abschrift")
_SEPARATOR = re.compile(r"_{20,}")
_NON_ASCII = re.compile(rb"[\x80-\xff]")
_NON_ASCII_TEXT = re.compile(r"[^\x00-\x7f]")
_APA_MARK = re.compile(rb"AOMweb|APA-OnlineManager|APA-DeFacto|DeFacto")
# How far back from its end a file that stopped is searched for its last source line, and
# the date that line ends with (its outlet may be in quotes of any kind, escaped).
_LAST_ARTICLE = 2**20
_SOURCE_DATE = re.compile(rb"(?:vom|gefunden am) \d{1,2}\.\s?\d{1,2}\.\s?\d{4}")
_BREAK = re.compile(rb"\\sect(?![a-z])|_{20}")


def recognises(data: bytes, name: str) -> bool:
    """An RTF file written by the APA's databases (its author or page header says so), or
    one whose first article opens with an APA source line."""
    if not is_rtf(data):
        return False
    head = data[:_HEAD]
    return _APA_MARK.search(head) is not None or _SOURCE_BYTES.search(head) is not None


def read(data: bytes, name: str) -> NewsFile:
    """The articles of an APA RTF download. One that stopped (its outermost group never
    closed) gives the articles before the cut, and says where it stopped."""
    data = _escaped(data)
    complete = rtf_group_end(data, data.find(b"{") + 1) is not None
    whole = None if complete else _whole(data)
    text = rtf_lines(data[:whole] if whole is not None else data, name)
    lines = [(i, clean(line)) for i, line in enumerate(text.lines)]
    lines = [(i, line) for i, line in lines if line and not _SEPARATOR.fullmatch(line)]
    starts = [at for at, (_, line) in enumerate(lines) if _source(line) is not None]
    problems: list[str] = []
    articles: list[NewsArticle] = []
    for position, start in enumerate(starts, start=1):
        if not complete and whole is None and position == len(starts):
            # The file stops inside this article: the download stopped in it.
            problems.append(cut_off(position, name))
            break
        end = starts[position] if position < len(starts) else len(lines)
        article = _article(lines[start:end], text.bold, position, name, problems)
        if article is not None:
            articles.append(article)
    if not articles:
        why = (
            ""
            if complete or whole is not None
            else " (the download stopped before the end of its first article)"
        )
        raise BadFileError(name, "is an APA RTF download but holds no article with text" + why)
    if whole is not None:
        problems.append(stops_after(name, len(starts)))
    return NewsFile(DATABASE, "APA RTF", tuple(articles), tuple(problems))


def _whole(data: bytes) -> int | None:
    """In a file that stopped, the end of its last whole article, or None when it stopped
    inside that article. An article ends where the group holding its source line closes
    (the print layout) or at the section break or row of underscores after it (the web
    layout, whose articles are in no group of their own)."""
    tail = max(0, len(data) - _LAST_ARTICLE)
    last = None
    for match in _SOURCE_DATE.finditer(data, tail):
        last = match
    if last is None:
        return None
    ends = [rtf_group_end(data, last.start())]
    after = _BREAK.search(data, last.end())
    ends.append(after.start() if after is not None else None)
    return min((end for end in ends if end is not None), default=None)


def _escaped(data: bytes) -> bytes:
    """The RTF with raw UTF-8 characters (which the APA writes, though RTF text is in a code
    page) as ``\\uN?`` escapes; a file that is not UTF-8 as it is."""
    if _NON_ASCII.search(data) is None:
        return data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    return _NON_ASCII_TEXT.sub(_unicode_escape, text).encode("ascii")


def _unicode_escape(match: re.Match[str]) -> str:
    # RTF's \uN is a signed 16-bit number: characters beyond it are a surrogate pair.
    units = match.group().encode("utf-16-le")
    codes = (
        int.from_bytes(units[i : i + 2], "little", signed=True) for i in range(0, len(units), 2)
    )
    return "".join(f"\\u{code}?" for code in codes)


def _source(line: str) -> re.Match[str] | None:
    return _SOURCE.fullmatch(line) if len(line) <= 300 else None


def _article(
    lines: list[tuple[int, str]],
    bold: frozenset[int],
    position: int,
    name: str,
    problems: list[str],
) -> NewsArticle | None:
    fields: dict[str, str] = {}
    source = _source(lines[0][1])
    assert source is not None
    fields["outlet"] = clean(source["outlet"])
    day, month, year = source.group(3), source.group(4), source.group(5)
    date = parse_date(f"{year}-{int(month):02d}-{int(day):02d}")
    if date is None:
        fields["date_text"] = f"{day}.{month}.{year}"
        problems.append(f"article {position} of {name}: cannot read the date; kept as date_text")
    else:
        fields["date"] = date
    if source["section"]:
        fields["section"] = clean(source["section"])
    if source["time"]:
        fields["time"] = source["time"].replace(".", ":")
    if source["page"]:
        fields["page"] = source["page"]
    rest = lines[1:]
    headline = next((at for at, (i, _) in enumerate(rest) if i in bold), None)
    if headline is None:
        # No bold line: the first line that is no field is the headline.
        headline = next((at for at, (_, line) in enumerate(rest) if not _meta(line, fields)), 0)
        before: list[str] = []
    else:
        before = [line for _, line in rest[:headline] if not _meta(line, fields)]
    for line in before:
        variable = "edition" if len(line.split()) == 1 and len(line) <= 30 else "kicker"
        fields[variable] = f"{fields[variable]}; {line}" if variable in fields else line
    title = rest[headline][1] if headline < len(rest) else ""
    # A long headline goes on over the next lines, bold too.
    end = headline + 1
    while end < len(rest) and rest[end][0] in bold and rest[end][0] == rest[end - 1][0] + 1:
        title = f"{title} {rest[end][1]}"
        end += 1
    body: list[str] = []
    for _, line in rest[end:]:
        if _STOP.match(line):
            break
        body.append(line)
    body = checks.without_repeated_headline(title, body)
    if not body:
        problems.append(f"article {position} of {name} has no text: left out")
        return None
    ordered = {"title": title} if title else {}
    ordered.update(fields)
    return NewsArticle(title, "\n\n".join(body), ordered, position)


def _meta(line: str, fields: dict[str, str]) -> bool:
    """Whether ``line`` is a field line before the headline (and put it in ``fields``)."""
    if len(line) > 200:
        return False
    for pattern, variable in ((_SECTION, "section"), (_PAGE, "page"), (_AUTHOR, "author")):
        match = pattern.fullmatch(line)
        if match:
            fields.setdefault(variable, clean(match.group(1)))
            return True
    match = _TIME.fullmatch(line)
    if match:
        fields.setdefault("time", f"{int(match.group(4)):02d}:{match.group(5)}")
        return True
    return False


READER = Reader("APA RTF", recognises, read)
