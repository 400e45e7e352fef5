"""Coding the hits of a search: preview what would be coded, apply it in one transaction, and
take exactly that back.

From chosen hits, a code, a coder and a :class:`Unit` — the hit itself, its sentence, its
paragraph or the whole article — :func:`preview` works out the passages to code: one per
hit's unit, those that overlap made one, and none where the coder already has the code on a
passage holding it (or on the whole article). Nothing is written until :func:`apply`, which
writes them all in one transaction, each with its ``origin`` (the search that made it: a
coding made so is the coder's like any other, to be checked, and agreement can leave such
codings out). :func:`apply` returns the new codings; :func:`take_back` removes exactly those
again (refused, nothing changed, if one was changed since) and :func:`put_back` restores them
with their ids, GUIDs, times and origin — the window's undo and redo.

Sentences come from ``sentencex`` (Wikimedia's rule-based segmenter for some 300 languages,
which knows the abbreviations of each — "Dr.", "U.S.", "z. B." — and gives the text back
whole, so offsets stay exact), in the article's language (its ``language`` variable) or
English. Paragraphs are what the reader shows: blocks between blank lines, or, in an article
without a blank line, its lines.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

import regex
from sentencex import segment

from annotator.domain.errors import UserError
from annotator.domain.exclusive import refuse_exclusive_clashes
from annotator.domain.language_codes import language_code
from annotator.domain.model import Coding, new_guid, utc_now
from annotator.services.changes import Changes, coding_changes
from annotator.services.editing import ChangedSince, exchange_codings, restore_codings
from annotator.storage import Project

__all__ = [
    "AutoCoded",
    "Origin",
    "Planned",
    "Preview",
    "Unit",
    "apply",
    "is_search_origin",
    "paragraph_spans",
    "preview",
    "put_back",
    "sentence_spans",
    "take_back",
]


class Unit(StrEnum):
    """What of a hit is coded."""

    HIT = "hit"
    SENTENCE = "sentence"
    PARAGRAPH = "paragraph"
    ARTICLE = "article"


@dataclass(frozen=True)
class Origin:
    """Where codings made from hits came from: the query (or regular expression), the unit,
    and the saved search (its GUID and name then) if it was one. Stored as JSON in
    ``codings.origin``."""

    query: str
    regex: bool = False
    unit: Unit = Unit.HIT
    rule: str | None = None
    name: str | None = None

    def to_json(self) -> str:
        return json.dumps(
            {
                "kind": "search",
                "query": self.query,
                "regex": self.regex,
                "unit": self.unit.value,
                "rule": self.rule,
                "name": self.name,
            },
            ensure_ascii=False,
            sort_keys=True,
        )


def is_search_origin(origin: str | None) -> bool:
    """Whether a coding's ``origin`` says a search made it."""
    if not origin:
        return False
    try:
        value = json.loads(origin)
    except ValueError:
        return False
    return isinstance(value, dict) and value.get("kind") == "search"


class Planned(NamedTuple):
    """A passage the preview would code (``None, None``: the whole article) and how many of
    the chosen hits it holds."""

    document_id: int
    start: int | None
    end: int | None
    hits: int


@dataclass(frozen=True)
class Preview:
    """What :func:`apply` would write: the passages; how many were left out because the
    coder already has the code there (``skipped``), how many because the code's dimension
    is exclusive and the coder has another of its codes there (``clashing``) — both counted
    in passages (units) — and how many of the hits were in articles deleted since the search
    found them (``gone``, counted in hits)."""

    code_id: int
    coder_id: int
    unit: Unit
    planned: tuple[Planned, ...]
    skipped: int
    clashing: int = 0
    gone: int = 0

    @property
    def articles(self) -> int:
        return len({p.document_id for p in self.planned})


@dataclass(frozen=True)
class AutoCoded:
    """The codings :func:`apply` made (with ids, GUIDs and origin: what undo needs), what
    changed, and how many planned passages were dropped because their article was deleted
    after the preview (``dropped``)."""

    codings: tuple[Coding, ...]
    changes: Changes
    dropped: int = 0


# -- units -------------------------------------------------------------------------------------

_BLANK_LINE = regex.compile(r"\n[^\S\n]*\n")
_LINE_BREAK = regex.compile(r"[\n\u2028\u2029]")


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """The paragraphs of a text as the reader shows them, without the white space around
    them: blocks between blank lines, or the lines of a text without a blank line."""
    breaks = _BLANK_LINE if _BLANK_LINE.search(text) else _LINE_BREAK
    spans, start = [], 0
    for match in breaks.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [t for s, e in spans if (t := _trimmed(text, s, e)) is not None]


def sentence_spans(text: str, language: str = "en") -> list[tuple[int, int]]:
    """The sentences of a text, without white space around them; never across a paragraph."""
    result: list[tuple[int, int]] = []
    for low, high in paragraph_spans(text):
        position = low
        for sentence in segment(language, text[low:high]):
            start, position = position, position + len(sentence)
            if text[start:position] != sentence:  # the segmenter changed the text: one piece
                result.append((low, high))
                break
            trimmed = _trimmed(text, start, position)
            if trimmed is not None:
                result.append(trimmed)
    return result


def _unit_span(
    spans: Sequence[tuple[int, int]], starts: Sequence[int], start: int, end: int
) -> tuple[int, int]:
    """The span from the unit holding ``start`` to the one holding ``end - 1`` (the hit
    itself where it lies between units). ``spans`` are sorted and do not overlap; ``starts``
    are their starts (found by bisection: an article of thousands of sentences and hits
    would be quadratic scanned)."""
    low, high = start, end
    at = bisect_right(starts, start) - 1
    if at >= 0 and spans[at][0] <= start < spans[at][1]:
        low = spans[at][0]
    at = bisect_left(starts, end) - 1
    if at >= 0 and spans[at][0] < end <= spans[at][1]:
        high = spans[at][1]
    return min(low, start), max(high, end)


# -- preview and apply -------------------------------------------------------------------------


def preview(
    project: Project,
    hits: Iterable[tuple[int, int, int]],
    code_id: int,
    coder_id: int,
    unit: Unit = Unit.HIT,
) -> Preview:
    """The passages coding ``hits`` (``(document id, start, end)``) with ``code_id`` for
    ``coder_id`` by ``unit`` would make: overlapping ones joined, those the coder already has
    the code on (a passage holding them, or the whole article) left out; hits in articles
    deleted since they were found are left out too (counted in ``gone``). Writes nothing."""
    _check_code(project, code_id)
    project.coders.get(coder_id)
    by_document: dict[int, list[tuple[int, int]]] = {}
    for document_id, start, end in hits:
        by_document.setdefault(document_id, []).append((start, end))
    here = _existing(project, by_document)
    gone = sum(len(by_document.pop(d)) for d in set(by_document) - here)
    tree = project.codebook.tree()
    dimension = tree.dimension_of(code_id)
    rivals = {c.id for c in tree.walk(dimension.id)} - {code_id} if dimension.exclusive else set()
    planned: list[Planned] = []
    skipped = clashing = 0
    for document_id in sorted(by_document):
        spans = sorted(by_document[document_id])
        held = project.codings.for_document(document_id, coder_id)
        mine = [c for c in held if c.code_id == code_id]
        others = [c for c in held if c.code_id in rivals]
        if unit is Unit.ARTICLE:
            if any(c.start is None for c in mine):
                skipped += 1
            elif others:  # a whole-article code covers every passage of the others
                clashing += 1
            else:
                planned.append(Planned(document_id, None, None, len(spans)))
            continue
        units = _units(project, document_id, spans, unit)
        if any(c.start is None for c in mine):  # the whole article has the code already
            skipped += len(units)
            continue
        passages = [(c.start, c.end) for c in mine if c.start is not None and c.end is not None]
        for (start, end), count in units:
            if any(low <= start and end <= high for low, high in passages):
                skipped += 1
            elif any(_overlaps(c, start, end) for c in others):
                clashing += 1
            else:
                planned.append(Planned(document_id, start, end, count))
    return Preview(code_id, coder_id, unit, tuple(planned), skipped, clashing, gone)


def _check_code(project: Project, code_id: int) -> None:
    """Refuse a code that is not there (deleted meanwhile) or is a dimension."""
    tree = project.codebook.tree()
    if code_id not in tree:
        raise UserError(
            "the chosen code is no longer in the codebook (deleted meanwhile): "
            "choose a code and preview again"
        )
    if tree.get(code_id).is_dimension:
        raise UserError(f"'{tree.path(code_id)}' is a dimension: choose one of its codes")


def _existing(project: Project, document_ids: Iterable[int]) -> set[int]:
    """Those of ``document_ids`` still in the project."""
    rows = project.db.execute(
        "SELECT id FROM documents WHERE id IN (SELECT value FROM json_each(?))",
        [json.dumps(sorted(document_ids))],
    ).fetchall()
    return {int(row[0]) for row in rows}


def _overlaps(coding: Coding, start: int, end: int) -> bool:
    """Whether a coding covers part of ``[start, end)`` (a whole-article one covers all)."""
    if coding.start is None or coding.end is None:
        return True
    return coding.start < end and start < coding.end


def _units(
    project: Project, document_id: int, hits: list[tuple[int, int]], unit: Unit
) -> list[tuple[tuple[int, int], int]]:
    """The passages of ``unit`` around the hits, overlapping ones joined, with how many hits
    each holds."""
    if unit is Unit.HIT:
        spans = hits
    else:
        text = project.documents.text(document_id)
        length = len(text)
        for start, end in hits:
            if not 0 <= start < end <= length:
                raise UserError(f"a hit at {start}–{end} lies outside article {document_id}")
        if unit is Unit.SENTENCE:
            language = language_code(project.documents.values(document_id)) or "en"
            bounds = sentence_spans(text, language)
        else:
            bounds = paragraph_spans(text)
        starts = [low for low, _ in bounds]
        spans = [_unit_span(bounds, starts, start, end) for start, end in hits]
    joined: list[list[int]] = []
    for start, end in sorted(spans):
        if joined and start < joined[-1][1]:
            joined[-1][1] = max(joined[-1][1], end)
            joined[-1][2] += 1
        else:
            joined.append([start, end, 1])
    return [((start, end), count) for start, end, count in joined]


def apply(project: Project, planned: Preview, origin: Origin) -> AutoCoded:
    """Write the previewed codings in one transaction, each with ``origin``; refused, with
    nothing written, when one would break an exclusive dimension's rule beside the coder's
    codings (the message names the first clash and how many there are), or when the code or
    the coder was deleted since the preview, or every article of it. Passages of articles
    deleted since the preview are dropped (counted in ``dropped``)."""
    if not planned.planned:
        return AutoCoded((), Changes())
    now = utc_now()
    with project.transaction():
        # Another program (or window) may have changed the project since the preview.
        _check_code(project, planned.code_id)
        project.coders.get(planned.coder_id)
        here = _existing(project, {p.document_id for p in planned.planned})
        rows = [
            (
                new_guid(),
                p.document_id,
                planned.coder_id,
                planned.code_id,
                p.start,
                p.end,
                "",
                now,
                now,
            )
            for p in planned.planned
            if p.document_id in here
        ]
        dropped = len(planned.planned) - len(rows)
        guids = [row[0] for row in rows]
        if not rows:
            raise UserError(
                "the articles of the preview were deleted since it was made: nothing to code"
            )
        project.codings.add_many(rows, origin=origin.to_json())
        _keep_exclusive_rule(project, planned)
        made = project.codings.by_guids(guids)
    codings = tuple(made[guid] for guid in guids)
    documents = frozenset(c.document_id for c in codings)
    changes = coding_changes(after=codings) | Changes(documents=documents)
    return AutoCoded(codings, changes, dropped)


def _keep_exclusive_rule(project: Project, planned: Preview) -> None:
    tree = project.codebook.tree()
    dimension = tree.dimension_of(planned.code_id)
    if not dimension.exclusive:
        return
    codes = {code.id for code in tree.walk(dimension.id)}
    rows = []
    for document_id in sorted({p.document_id for p in planned.planned}):
        for coding in project.codings.for_document(document_id, planned.coder_id):
            if coding.code_id in codes:
                rows.append(
                    (coding.document_id, coding.coder_id, coding.code_id, coding.start, coding.end)
                )
    refuse_exclusive_clashes(
        tree,
        rows,
        lambda d: project.documents.get(d).name,
        lambda c: project.coders.get(c).name,
    )


def take_back(project: Project, codings: Sequence[Coding]) -> Changes:
    """Remove exactly these codings (undo of :func:`apply`), leaving no tombstones (nobody
    can have seen them deleted); refused (:class:`ChangedSince`), nothing changed, when one
    of them was changed or removed since."""
    return exchange_codings(project, remove=codings, restore=(), tombstones=False)


def put_back(project: Project, codings: Sequence[Coding]) -> Changes:
    """Restore codings :func:`take_back` removed (redo), with their ids, GUIDs, times and
    origin; refused (:class:`ChangedSince`) when an id or GUID is in use again or the
    exclusive rule would break."""
    return restore_codings(project, codings)


__all__ += ["ChangedSince"]
