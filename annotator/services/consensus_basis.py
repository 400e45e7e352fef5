"""What a review decision was made on, and the consensus codings an exclusive code displaces.

A decision records its *basis*: the difference it decided (each coder's unmatched passages,
or who made the whole-article coding) and what each coder had of that code around it (every
passage of the code overlapping the difference's stretch, or the whole-article codings). When a
coder later changes one of those passages, what they have there no longer equals the basis:
the decision is *stale*. It then shows in the review with the coders' passages as they are
now, and deciding it again replaces it.

The consensus coder keeps the exclusive rule like any coder: a decision whose code belongs to
an exclusive dimension displaces the consensus codings of the dimension's other codes that it
would clash with — only when the user agrees (:class:`ReplaceNeeded` asks).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from annotator.domain.codebook import Codebook
from annotator.domain.errors import ConflictError
from annotator.domain.model import Coding, Decision

Span = tuple[int, int]
#: A coder's passages of one code: ``(start, end)``, or ``(None, None)`` for the whole article.
Held = tuple[tuple[int | None, int | None], ...]


@dataclass(frozen=True)
class Basis:
    """What a decision was made on (see the module docstring)."""

    coders: tuple[int, ...]
    sides: tuple[tuple[Span, ...], ...]  # the difference's passages, one tuple per coder
    whole_article_by: int | None
    seen: tuple[Held, ...]  # what each coder had of the code around it
    took: int | None = None  # the coder whose passages were accepted (index in ``coders``)

    def dumps(self) -> str:
        return json.dumps(
            {
                "took": self.took,
                "coders": list(self.coders),
                "sides": [[list(s) for s in side] for side in self.sides],
                "whole_article_by": self.whole_article_by,
                "seen": [[list(s) for s in held] for held in self.seen],
            },
            separators=(",", ":"),
        )


def loads(text: str) -> Basis | None:
    """The basis stored with a decision; ``None`` for a decision made before bases were
    kept (or one another tool damaged): it is matched by its stretch of text alone."""
    if not text:
        return None
    try:
        data = json.loads(text)
        return Basis(
            tuple(int(c) for c in data["coders"]),
            tuple(tuple((int(s), int(e)) for s, e in side) for side in data["sides"]),
            None if data.get("whole_article_by") is None else int(data["whole_article_by"]),
            tuple(
                tuple((None, None) if s is None else (int(s), int(e)) for s, e in held)
                for held in data["seen"]
            ),
            None if data.get("took") is None else int(data["took"]),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def held_around(
    spans: Sequence[Span], whole: bool, extent: Span | None
) -> tuple[tuple[int | None, int | None], ...]:
    """What one coder has of a code around a difference: the passages overlapping its
    stretch (sorted), or for a whole-article difference whether they coded the article."""
    if extent is None:
        return ((None, None),) if whole else ()
    return tuple(sorted(s for s in spans if s[0] < extent[1] and s[1] > extent[0]))


def clashing(
    tree: Codebook, code_id: int, taken: Sequence[tuple[int | None, int | None]], held: list[Coding]
) -> list[Coding]:
    """The consensus codings in ``held`` (one article) that codings of ``code_id`` on
    ``taken`` would clash with under the exclusive rule: another code of the same exclusive
    dimension on an overlapping passage, or either of the two on the whole article."""
    dimension = tree.dimension_of(code_id)
    if not dimension.exclusive or not taken:
        return []
    siblings = {c.id for c in tree.walk(dimension.id)} - {code_id}
    found = []
    for coding in held:
        if coding.code_id not in siblings:
            continue
        for start, end in taken:
            if (
                start is None
                or end is None
                or coding.start is None
                or coding.end is None
                or (coding.start < end and start < coding.end)
            ):
                found.append(coding)
                break
    return found


class ReplaceNeeded(ConflictError):
    """The decision would give the consensus two codes of an exclusive dimension on one
    passage; deciding again with ``replace=True`` takes the earlier ones away."""

    def __init__(self, message: str, codings: Sequence[Coding]) -> None:
        super().__init__(message)
        self.codings = tuple(codings)


def stale(decision: Decision, now: tuple[Held, ...]) -> bool:
    """Whether the coders changed what the decision was made on (``now``: what they have
    around it today, in the basis's coder order)."""
    basis = loads(decision.basis)
    return basis is not None and basis.seen != now
