"""Search the articles: a query (or a regular expression) in a scope → hits in context.

:class:`Request` says what to find and where: a query in the language of
:mod:`annotator.domain.search_query` (words, "phrases", ``remit*``, AND / OR / NOT,
parentheses; case and Latin accents ignored unless asked), or a regular expression on the
stored text; in every article, in those whose variables meet :class:`Condition` rules, or
only inside the passages coded with chosen codes (by chosen coders).

A query's candidate articles come from the project's full-text index (SQLite FTS5, see
:mod:`annotator.storage.search_index`), never from reading every text; the exact hits are
then found in each candidate's stored text, folded as the window's Find folds it, and are
code-point offsets ``[start, end)`` of whole grapheme clusters. A regular expression (Python's
``regex`` module, on the stored text, ``^``/``$`` at line ends) reads every article in scope
and is stopped, with a one-line message, when it runs longer than :data:`REGEX_SECONDS`.

:func:`iter_hits` yields hits in article order as they are found (a first page of a large
project comes at once; :func:`first_hits`), :func:`search` returns them all with the numbers
of hits and of articles, :func:`hit_spans` only where they are (for coding).

Where the index folds a letter otherwise than search (ß, ligatures such as ﬁ, Greek letters
written with oxia, letters stored in a form that is not NFC — Hindi's precomposed nukta
letters, Hebrew presentation forms, CJK compatibility ideographs — and letters whose case
Unicode 6.1 did not know: Cherokee, Georgian Mtavruli, Osage, Adlam, …), the index is asked
for every spelling (:func:`candidate_plan`); a query
the index cannot narrow at all reads every text in scope. Known limits: a Latin letter with
two accents folded to a plain letter (ǡ for a) is found only as typed; in an article of a
script written without spaces, a Latin word is looked up as typed (``muller`` does not find a
*Müller* glued to Chinese characters), and Korean stored decomposed (jamo, from some Macs) is
found only by a query typed so.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import regex

from annotator.domain.errors import UserError
from annotator.domain.folding import folded_text
from annotator.domain.graphemes import cluster_at, is_boundary
from annotator.domain.search_pattern import MAX_EXPANDED, expanded_size
from annotator.domain.search_query import (
    Options,
    Query,
    QueryError,
    parse_query,
)
from annotator.services.search_plan import candidate_plan
from annotator.services.search_scope import (
    Scope,
    allowed_documents,
    condition_of,
    resolve_scope,
    scope_passages,
)
from annotator.storage import Project
from annotator.storage import search_index as index

__all__ = [
    "DEFAULT_CONTEXT",
    "REGEX_SECONDS",
    "REGEX_SLICE_SECONDS",
    "Counts",
    "Hit",
    "QueryError",
    "Request",
    "Scope",
    "SearchResult",
    "allowed_documents",
    "condition_of",
    "count_hits",
    "first_hits",
    "hit_spans",
    "iter_hits",
    "resolve_scope",
    "scope_passages",
    "search",
]

#: Characters of context on each side of a hit, unless asked otherwise.
DEFAULT_CONTEXT = 60
MAX_CONTEXT = 2_000
#: How long a regular expression may run over all articles before it is stopped.
REGEX_SECONDS = 10.0
#: A pattern's matching is cut into slices this long, so that a cancel lands soon.
REGEX_SLICE_SECONDS = 0.25
MAX_PATTERN_CHARACTERS = 2_000


@dataclass(frozen=True)
class Request:
    """What to find: ``query`` in the query language, or a regular expression
    (``regex=True``); ``match_case`` and ``match_diacritics`` (accents of Latin letters count;
    a regular expression always sees the text as stored); ``context``: characters on each
    side of a hit, cut at white space (never inside a letter with its accents or an emoji)."""

    query: str
    regex: bool = False
    match_case: bool = False
    match_diacritics: bool = False
    scope: Scope = field(default_factory=Scope)
    context: int = DEFAULT_CONTEXT

    @property
    def options(self) -> Options:
        return Options(match_case=self.match_case, match_diacritics=self.match_diacritics)


class Hit(NamedTuple):
    """One hit: the article, where (code points, half-open), and the text before, of and after
    it (a tuple: searches make many thousands)."""

    document_id: int
    start: int
    end: int
    left: str
    hit: str
    right: str


class Counts(NamedTuple):
    hits: int
    articles: int


@dataclass(frozen=True)
class SearchResult:
    """Every hit of a search, in article and text order, and how many articles they are in."""

    hits: list[Hit] = field(default_factory=list)
    articles: int = 0

    @property
    def counts(self) -> Counts:
        return Counts(len(self.hits), self.articles)


# -- the entry points --------------------------------------------------------------------------


def iter_hits(
    project: Project, request: Request, cancelled: Callable[[], bool] | None = None
) -> Iterator[Hit]:
    """The hits of ``request`` as they are found, by article id then position. Raises
    :class:`QueryError` (a malformed query or pattern, one that runs too long) or
    :class:`UserError` (an unknown variable or code) before the first, or while running for
    a pattern that runs too long. ``cancelled`` (asked between articles, and every
    :data:`REGEX_SLICE_SECONDS` while a pattern runs) ends the hits early when it says so."""
    width = _check_context(request.context)
    for document_id, text, spans in _found(project, request, cancelled):
        for start, end in spans:
            left, right = context(text, start, end, width)
            yield Hit(document_id, start, end, left, text[start:end], right)


def first_hits(project: Project, request: Request, limit: int = 100, offset: int = 0) -> list[Hit]:
    """Hits ``offset`` to ``offset + limit`` (the rest is not searched for)."""
    return list(itertools.islice(iter_hits(project, request), offset, offset + limit))


def search(project: Project, request: Request) -> SearchResult:
    """Every hit of ``request`` and the number of articles they are in."""
    hits = list(iter_hits(project, request))
    return SearchResult(hits, len({hit.document_id for hit in hits}))


def hit_spans(project: Project, request: Request) -> Iterator[tuple[int, int, int]]:
    """``(document id, start, end)`` of every hit, without context (for coding them)."""
    for document_id, _text, spans in _found(project, request):
        for start, end in spans:
            yield document_id, start, end


def count_hits(project: Project, request: Request) -> Counts:
    """How many hits ``request`` has, in how many articles."""
    hits = articles = 0
    for _document_id, _text, spans in _found(project, request):
        hits += len(spans)
        articles += 1
    return Counts(hits, articles)


def compile_request(request: Request) -> Query | regex.Pattern[str]:
    """The parsed query or compiled pattern of ``request``; :class:`QueryError` if it is
    malformed (the message names the position, counted from 1)."""
    if request.regex:
        return compile_pattern(request.query, match_case=request.match_case)
    return parse_query(request.query, request.options)


def compile_pattern(pattern: str, *, match_case: bool = False) -> regex.Pattern[str]:
    """A regular expression as search runs it (``^`` and ``$`` at every line's ends; case
    ignored, fully — ß is SS — unless ``match_case``)."""
    if not pattern:
        raise QueryError(None, "the regular expression is empty")
    if len(pattern) > MAX_PATTERN_CHARACTERS:
        raise QueryError(
            MAX_PATTERN_CHARACTERS + 1, f"it is longer than {MAX_PATTERN_CHARACTERS} characters"
        )
    # Counted repeats are written out when compiling, before any clock runs: a pattern of 23
    # characters can ask for a billion copies and fill the memory. Refused before that.
    size, where = expanded_size(pattern)
    if size > MAX_EXPANDED:
        raise QueryError(
            where,
            f"its counted repeats ({{n}}) ask for {size:,} copies of what they repeat, more than "
            f"the {MAX_EXPANDED:,} annotator runs: make the counts smaller or use * or +",
        )
    flags = regex.MULTILINE | (0 if match_case else regex.IGNORECASE | regex.FULLCASE)
    try:
        compiled: regex.Pattern[str] = regex.compile(pattern, flags)
    except regex.error as error:
        position = error.pos + 1 if error.pos is not None else None
        raise QueryError(position, f"not a valid regular expression ({error.msg})") from None
    except (OverflowError, RecursionError, MemoryError, ValueError) as error:
        raise QueryError(
            None, f"not a regular expression annotator can run ({_reason(error)})"
        ) from None
    return compiled


def _reason(error: Exception) -> str:
    """What went wrong compiling, in words even when the exception carries none."""
    if isinstance(error, MemoryError):
        return "compiling it needs more memory than there is"
    if isinstance(error, RecursionError):
        return "it nests too deep"
    return str(error) or type(error).__name__


# -- finding -----------------------------------------------------------------------------------


def _found(
    project: Project, request: Request, cancelled: Callable[[], bool] | None = None
) -> Iterator[tuple[int, str, list[tuple[int, int]]]]:
    """``(document id, text, hit spans)`` of each article with hits, in id order."""
    compiled = compile_request(request)
    allowed = allowed_documents(project, request.scope)
    passages = scope_passages(project, request.scope)
    if passages is not None:
        allowed = set(passages) if allowed is None else allowed & set(passages)
    if isinstance(compiled, Query):
        found = _query_hits(project, compiled, allowed)
    else:
        found = _pattern_hits(project, compiled, allowed, cancelled or (lambda: False))
    for document_id, text, spans in found:
        if passages is not None:
            spans = _inside(spans, passages[document_id])
        if spans:
            yield document_id, text, spans


def _query_hits(
    project: Project, query: Query, allowed: set[int] | None
) -> Iterator[tuple[int, str, list[tuple[int, int]]]]:
    plan = candidate_plan(project, query)
    options = query.options
    for document_id in index.candidate_ids(project.db, plan):
        if allowed is not None and document_id not in allowed:
            continue
        text = project.documents.text(document_id)
        folded = folded_text(
            text, match_case=options.match_case, ignore_accents=not options.match_diacritics
        )
        spans = [folded.span(start, end) for start, end in query.matches(folded.folded)]
        if spans:
            yield document_id, text, _joined(spans)


def _pattern_hits(
    project: Project,
    pattern: regex.Pattern[str],
    allowed: set[int] | None,
    cancelled: Callable[[], bool],
) -> Iterator[tuple[int, str, list[tuple[int, int]]]]:
    deadline = time.monotonic() + REGEX_SECONDS
    ids = sorted(allowed) if allowed is not None else [i for i, _ in project.documents.names()]
    for chunk in _chunks(ids, 200):
        rows = project.db.execute(
            "SELECT id, text FROM documents WHERE id IN (SELECT value FROM json_each(?)) "
            "ORDER BY id",
            [json.dumps(chunk)],
        ).fetchall()
        for document_id, text in rows:
            if cancelled():
                return
            matches = _matches(pattern, str(text), deadline, cancelled)
            if matches is None:
                return
            if matches:
                yield (
                    int(document_id),
                    str(text),
                    _joined([_whole_clusters(text, *s) for s in matches]),
                )


def _matches(
    pattern: regex.Pattern[str], text: str, deadline: float, cancelled: Callable[[], bool]
) -> list[tuple[int, int]] | None:
    """The spans ``pattern`` matches in ``text`` (None: cancelled meanwhile). The matching
    runs in slices of :data:`REGEX_SLICE_SECONDS`, so that a cancel lands soon: after a slice
    that found a match it resumes after that match; a slice that found none runs again twice
    as long (the work lost is at most what was done), until the deadline."""
    found: list[tuple[int, int]] = []
    position, slice_seconds = 0, REGEX_SLICE_SECONDS
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise PatternTooSlow()
        before = len(found)
        try:
            for match in pattern.finditer(text, position, timeout=min(slice_seconds, left)):
                if match.end() > match.start():
                    found.append(match.span())
            return found
        except TimeoutError:
            if cancelled():
                return None
            if len(found) > before:
                position = found[-1][1]
            else:
                slice_seconds *= 2


class PatternTooSlow(QueryError):
    """A regular expression stopped at its time limit (the query itself reads well)."""

    def __init__(self) -> None:
        super().__init__(None, "")
        self.problem = (
            f"the regular expression ran longer than {REGEX_SECONDS:g} s and was stopped; "
            "a pattern such as (a|aa)+ tries too many ways to match: make it simpler"
        )
        self.args = (self.problem,)


def _chunks(items: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _joined(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    result: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if result and start < result[-1][1]:
            result[-1] = (result[-1][0], max(result[-1][1], end))
        else:
            result.append((start, end))
    return result


def _whole_clusters(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` widened to whole grapheme clusters."""
    return _cluster_start(text, start), _cluster_end(text, end)


def _cluster_start(text: str, position: int) -> int:
    """The start of the grapheme cluster holding ``position`` (itself at a boundary)."""
    if text[position : position + 1].isspace() or is_boundary(text, position):
        return position
    return cluster_at(text, position)[0]


def _cluster_end(text: str, position: int) -> int:
    """The end of the cluster holding the code point before ``position`` (itself at a
    boundary)."""
    if is_boundary(text, position) or text[position - 1].isspace():
        return position
    low, high = cluster_at(text, position - 1)
    return high if low < position < high else position


def _inside(spans: list[tuple[int, int]], passages: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans that lie wholly inside one of the passages."""
    return [
        (start, end)
        for start, end in spans
        if any(low <= start and end <= high for low, high in passages)
    ]


# -- context -----------------------------------------------------------------------------------


def _check_context(width: int) -> int:
    if not 0 <= width <= MAX_CONTEXT:
        raise UserError(f"context must be between 0 and {MAX_CONTEXT} characters, not {width}")
    return width


def context(text: str, start: int, end: int, width: int) -> tuple[str, str]:
    """About ``width`` characters before and after ``[start, end)``: cut at white space when
    there is some within reach (no word cut in half), else at a grapheme cluster's edge."""
    if width == 0:
        return "", ""
    low = max(start - width, 0)
    if low > 0 and not text[low - 1].isspace():  # inside a word: from the next one on
        space = _first_space(text, low, start)
        low = space + 1 if space is not None else _cluster_end(text, low)
        low = min(low, start)
    high = min(end + width, len(text))
    if high < len(text) and not text[high].isspace():
        space = _last_space(text, end, high)
        high = space if space is not None else _cluster_start(text, high)
        high = max(high, end)
    return text[low:start], text[end:high]


# What str.isspace() calls white space (``\s`` leaves out the separators U+001C–U+001F).
_SPACE = regex.compile(r"[\s\x1c-\x1f]")
_LAST_SPACE = regex.compile(r"[\s\x1c-\x1f]", regex.REVERSE)


def _first_space(text: str, low: int, high: int) -> int | None:
    """The first white space in ``text[low:high]``."""
    found = _SPACE.search(text, low, high)
    return found.start() if found is not None else None


def _last_space(text: str, low: int, high: int) -> int | None:
    """The last white space in ``text[low + 1 : high + 1]``."""
    found = _LAST_SPACE.search(text, low + 1, high + 1)
    return found.start() if found is not None else None
