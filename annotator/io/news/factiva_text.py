"""Factiva downloads as lines of text: the tagged plain text ("HD", "WC", "PD", … each on a
line of its own, the value below) and the RTF downloads once :mod:`factiva_rtf` has made
lines of them (the indexing layout's table rows read "HD<tab>headline"; the Article Format's
paragraphs are its bare header lines, the body and "Document <accession number>").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from annotator.io.news import NewsArticle
from annotator.io.news.cutoff import cut_off
from annotator.io.news.factiva_fields import (
    CODES,
    Draft,
    accession,
    clean,
    finish,
    from_codes,
    from_header,
    is_copyright,
    is_word_count,
)

# A code on a line of its own ("   HD"), or before its value in a table row ("\tHD\tvalue").
_CODE_LINE = re.compile(r"[ \t]*(" + "|".join(CODES) + r")[ \t]*(?:\t(.*))?")
# The Article Format's header is this many lines at most, before the body.
_HEADER_LINES = 16
_SENTENCE_END = tuple(".!?\"')]»”’…。！？」")


def code_lines(lines: Sequence[str], limit: int | None = None) -> int:
    """How many of ``lines`` (the first ``limit``) are Factiva field codes."""
    return sum(1 for line in lines[:limit] if _CODE_LINE.fullmatch(line))


def tagged_articles(
    lines: Sequence[str], name: str, problems: list[str], *, line_paragraphs: bool = False
) -> list[NewsArticle]:
    """The articles of the indexing layout: blocks of a code and its value lines; an article
    ends with its accession number (AN), or where a code comes a second time. With
    ``line_paragraphs`` (RTF) each line is a paragraph; else blank lines part them."""
    articles: list[NewsArticle] = []
    groups = list(_tagged_groups(lines))
    for position, blocks in enumerate(groups, start=1):
        if position == len(groups) and all(code != "AN" for code, _ in blocks):
            # Every article ends with its accession number: the download stopped in this one.
            problems.append(cut_off(position, name))
            continue
        draft = Draft()
        from_codes(draft, [(code, paragraphs_of(value, line_paragraphs)) for code, value in blocks])
        article = finish(draft, position, name, problems)
        if article is not None:
            articles.append(article)
    return articles


def _tagged_groups(lines: Sequence[str]) -> Iterator[list[tuple[str, list[str]]]]:
    group: list[tuple[str, list[str]]] = []
    seen: set[str] = set()
    value: list[str] = []
    for line in lines:
        match = _CODE_LINE.fullmatch(line)
        if match is None:
            if group:
                value.append(line)
            continue
        code = match.group(1)
        if code in seen or "AN" in seen:
            yield group
            group, seen = [], set()
        value = [match.group(2) or ""]
        group.append((code, value))
        seen.add(code)
    if group:
        yield group


def paragraphs_of(lines: Sequence[str], line_paragraphs: bool = False) -> list[str]:
    """Lines as paragraphs: blank lines (and tabs, which end table cells) separate them, or
    with ``line_paragraphs`` every line is one."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        for cell in line.split("\t"):
            text = cell.strip()
            if text:
                current.append(text)
            if (line_paragraphs or not text) and current:
                paragraphs.append(" ".join(current))
                current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def formatted_articles(
    lines: Sequence[str], bold: frozenset[int], name: str, problems: list[str]
) -> list[NewsArticle]:
    """The articles of the Article Format as lines: each ends with its "Document …" line."""
    articles: list[NewsArticle] = []
    start = 0
    position = 0
    numbered = [(i, clean(line)) for i, line in enumerate(lines)]
    paragraphs = [(i, text) for i, text in numbered if text]
    for at, (_, text) in enumerate(paragraphs):
        if accession(text) is None:
            continue
        position += 1
        article = _formatted(paragraphs[start : at + 1], bold, position, name, problems)
        if article is not None:
            articles.append(article)
        start = at + 1
    # After the last "Document …" line: the start of an article the download stopped in
    # (its header has a word count), or nothing but the end of the file.
    rest = [text for _, text in paragraphs[start : start + _HEADER_LINES]]
    if any(is_word_count(text) for text in rest):
        problems.append(cut_off(position + 1, name))
    return articles


def _formatted(
    paragraphs: list[tuple[int, str]],
    bold: frozenset[int],
    position: int,
    name: str,
    problems: list[str],
) -> NewsArticle | None:
    texts = [text for _, text in paragraphs]
    draft = Draft()
    draft.put("document_id", accession(texts.pop()) or "")
    count = next((i for i, text in enumerate(texts[:_HEADER_LINES]) if is_word_count(text)), None)
    if count is None:
        problems.append(f"article {position} of {name} has no word count line: left out")
        return None
    head = texts[:count]
    bold_head = [i for i, (line, _) in enumerate(paragraphs[:count]) if line in bold]
    # The headline is set in bold; without bold, a lone line is the headline, and of two
    # the first (the byline follows it).
    at = bold_head[0] if bold_head else (0 if len(head) < 3 else 1)
    before = head[:at] if head else []
    if head:
        draft.title = head[at]
        byline = head[at + 1 : at + 2]
        if byline:
            draft.put("author", byline[0])
        credit = head[at + 2 :]
    else:
        credit = []
    end = _header_end(texts, count)
    from_header(draft, before, [*credit, *texts[count:end]])
    body = texts[end:]
    # The publisher's name stands alone after the body, as a line that ends no sentence.
    if len(body) > 1 and len(body[-1]) < 100 and not body[-1].endswith(_SENTENCE_END):
        draft.put("publisher", body.pop())
    draft.paragraphs.extend(body)
    return finish(draft, position, name, problems)


def _header_end(texts: list[str], count: int) -> int:
    """Where the body begins: after the copyright line, or else after the language line,
    which follow the word count (date, time, source, code, edition, page, volume)."""
    window = range(count + 3, min(len(texts), count + 10))
    for i in window:
        if is_copyright(texts[i]):
            return i + 1
    for i in window:
        text = texts[i]
        if text.isupper() or text.isdigit():  # a source code or a page
            continue
        if len(text) <= 40 and len(text.split()) <= 3 and not any(c.isdigit() for c in text):
            return i + 1
    return min(len(texts), count + 5)
