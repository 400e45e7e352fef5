"""Disagreement review: where coders' codings differ, and the consensus decided for each.

A difference is one code in one article: passages of the coders that not every other coder
matches (same code, overlap of at least the threshold), grouped when they overlap each other;
or an article-level coding that not all of them made. Two coders are compared as a pair; three
or four at once (each passage against every other coder). A decision writes codings of the
``consensus`` coder — one coder's passages, all of them, none or edited ones — and records the
choice, the reason and what it was made on (:mod:`.consensus_basis`); the coders' own codings
are never touched. A decision whose passages a coder changed since is *stale*: it shows again,
with the passages as they are now, and deciding it again replaces it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from annotator.agreement.segments import THRESHOLD, matched
from annotator.domain.errors import UserError
from annotator.domain.model import Coder, Coding, Decision, DocumentStatus
from annotator.services.agreement import CONSENSUS
from annotator.services.changes import Changes, coding_changes
from annotator.services.consensus_basis import clashing, held_around, loads
from annotator.services.consensus_decide import (
    Decided,
    ReplaceNeeded,
    decide,
    refuse_clashes,
    reinstate,
    withdraw,
)
from annotator.storage import Project

__all__ = ["Decided", "ReplaceNeeded", "decide", "reinstate", "withdraw"]

Span = tuple[int, int]


@dataclass(frozen=True)
class Difference:
    """One thing to resolve, one code in one article: each coder's unmatched passages
    ``(start, end)`` (``sides``, in the review's coder order), or, when ``whole`` is given,
    which coders made the article-level coding (not all of them did)."""

    document_id: int
    document_name: str
    code_id: int
    code_path: str
    sides: tuple[tuple[Span, ...], ...] = ((), ())
    whole: tuple[bool, ...] = ()
    decision: Decision | None = None
    #: A decision made on an earlier state of these passages (a coder changed them since).
    stale: Decision | None = None

    @property
    def first(self) -> tuple[Span, ...]:
        return self.sides[0]

    @property
    def second(self) -> tuple[Span, ...]:
        return self.sides[1]

    @property
    def whole_article(self) -> bool:
        return bool(self.whole)

    @property
    def whole_article_by(self) -> int | None:
        """The one coder who made the article-level coding (``None`` if none, or several)."""
        made = [k for k, has in enumerate(self.whole) if has]
        return made[0] if len(made) == 1 else None

    @property
    def extent(self) -> Span | None:
        """The stretch of text this difference covers (``None``: the whole article)."""
        spans = [s for side in self.sides for s in side]
        if not spans:
            return None
        return min(s[0] for s in spans), max(s[1] for s in spans)

    @property
    def kind(self) -> str:
        if self.stale is not None:
            return "changed since decided"
        if self.whole:
            return (
                "whole article: "
                + " and ".join(
                    ("first", "second", "third", "fourth")[k] if k < 4 else f"#{k + 1}"
                    for k, has in enumerate(self.whole)
                    if has
                )
                + " only"
            )
        if len(self.sides) == 2 and not self.second:
            return "first only"
        if len(self.sides) == 2 and not self.first:
            return "second only"
        return "boundaries differ"

    def decided(self, decision: Decision | None) -> Difference:
        return replace(self, decision=decision)


@dataclass(frozen=True)
class Review:
    coders: tuple[Coder, ...]
    differences: tuple[Difference, ...]
    articles: int  # compared

    @property
    def first(self) -> Coder:
        return self.coders[0]

    @property
    def second(self) -> Coder:
        return self.coders[1]

    @property
    def open(self) -> list[Difference]:
        return [d for d in self.differences if d.decision is None]

    @property
    def stale(self) -> list[Difference]:
        return [d for d in self.differences if d.stale is not None]


def review(
    project: Project,
    first_name: str,
    second_name: str,
    *,
    codes: Sequence[int] | None = None,
    threshold: float = THRESHOLD,
) -> Review:
    """The differences between two coders on the articles both have done (against the
    consensus coder: the first coder's done articles), each with its decision if made."""
    return review_coders(project, [first_name, second_name], codes=codes, threshold=threshold)


def review_coders(
    project: Project,
    names: Sequence[str],
    *,
    codes: Sequence[int] | None = None,
    threshold: float = THRESHOLD,
) -> Review:
    """The differences among two to four coders on the articles all of them have done (with
    the consensus coder last: the others' done articles), each with its decision if made."""
    coders = tuple(_coder(project, name) for name in names)
    if len({c.id for c in coders}) != len(coders) or len(coders) < 2:
        raise UserError("choose two different coders to compare")
    articles = _compared(project, coders)
    tree = project.codebook.tree()
    wanted = set(codes) if codes is not None else {c.id for c in tree.codes()}
    count = len(coders)
    spans: dict[tuple[int, int], list[list[Span]]] = {}
    whole: dict[tuple[int, int], list[bool]] = {}
    index = {coder.id: k for k, coder in enumerate(coders)}
    for document, coder, code, start, end in project.codings.rows([c.id for c in coders]):
        if document not in articles or code not in wanted:
            continue
        key = (document, code)
        if start is None or end is None:
            whole.setdefault(key, [False] * count)[index[coder]] = True
        else:
            spans.setdefault(key, [[] for _ in coders])[index[coder]].append((start, end))
    names_of = dict(project.documents.names())
    found = []
    for (document, code), held in spans.items():
        for sides in unmatched_groups([sorted(side) for side in held], threshold):
            found.append(Difference(document, names_of[document], code, tree.path(code), sides))
    for (document, code), flags in whole.items():
        if len(set(flags)) > 1:
            found.append(
                Difference(
                    document,
                    names_of[document],
                    code,
                    tree.path(code),
                    tuple(() for _ in coders),
                    tuple(flags),
                )
            )
    found = _with_decisions(project, coders, found, spans, whole, names_of, wanted, articles)
    order = {code.id: k for k, code in enumerate(tree.codes())}
    found.sort(key=lambda d: (d.document_id, (d.extent or (-1, -1)), order.get(d.code_id, 0)))
    return Review(coders, tuple(found), len(articles))


def unmatched_groups(
    held: Sequence[Sequence[Span]], threshold: float
) -> list[tuple[tuple[Span, ...], ...]]:
    """Each coder's passages that some other coder does not match, grouped: passages that
    overlap one another (or through a chain) form one difference, in text order. For two
    coders this is :func:`annotator.agreement.segments.differences`."""
    tagged: list[tuple[Span, int]] = []
    for k, mine in enumerate(held):
        if not mine:
            continue
        ok = [True] * len(mine)
        for j, theirs in enumerate(held):
            if j != k:
                flags = matched(mine, theirs, threshold) if theirs else [False] * len(mine)
                ok = [a and b for a, b in zip(ok, flags, strict=True)]
        tagged += [(span, k) for span, good in zip(mine, ok, strict=True) if not good]
    tagged.sort()
    groups: list[list[list[Span]]] = []
    reach = 0
    for span, side in tagged:
        if not groups or span[0] >= reach:
            groups.append([[] for _ in held])
            reach = span[1]
        else:
            reach = max(reach, span[1])
        groups[-1][side].append(span)
    return [tuple(tuple(side) for side in group) for group in groups]


def _coder(project: Project, name: str) -> Coder:
    coder = project.coders.lookup(name)
    if coder is None:
        if name == CONSENSUS:
            return project.coders.add(CONSENSUS) if not project.read_only else _missing(name)
        _missing(name)
    assert coder is not None
    return coder


def _missing(name: str) -> Coder:
    raise UserError(f"there is no coder '{name}'")


def _compared(project: Project, coders: Sequence[Coder]) -> set[int]:
    """The articles every coder has done; against the consensus (last), every other's."""
    done: dict[int, set[int]] = {}
    for (document, coder_id), status in project.statuses.all().items():
        if status is DocumentStatus.DONE:
            done.setdefault(coder_id, set()).add(document)
    people = [c for c in coders if c.name != CONSENSUS] or list(coders)
    found = set(done.get(people[0].id, set()))
    for person in people[1:]:
        found &= done.get(person.id, set())
    return found


def _extent(decision: Decision) -> Span | None:
    if decision.start is None or decision.end is None:
        return None
    return decision.start, decision.end


def _with_decisions(
    project: Project,
    coders: Sequence[Coder],
    found: list[Difference],
    spans: dict[tuple[int, int], list[list[Span]]],
    whole: dict[tuple[int, int], list[bool]],
    names: dict[int, str],
    wanted: set[int],
    articles: set[int],
) -> list[Difference]:
    """Each difference with its decision; a decision whose passages changed since is stale:
    it goes with the open difference now there, or shows on its own with the passages as
    they now are (the coders may agree now, or one took theirs away)."""
    tree = project.codebook.tree()
    ids = tuple(c.id for c in coders)
    none: list[list[Span]] = [[] for _ in coders]
    by_key = {(d.document_id, d.code_id, d.extent): k for k, d in enumerate(found)}
    for decision in project.decisions.among(ids):
        if decision.document_id not in articles or decision.code_id not in wanted:
            continue
        basis = loads(decision.basis)
        if basis is None and len(ids) != 2:
            continue  # made before bases were kept: it can only be of a pair
        if basis is not None and sorted(basis.coders) != sorted(ids):
            continue  # of another set of coders
        key = (decision.document_id, decision.code_id)
        extent = _extent(decision)
        held = spans.get(key, none)
        flags = whole.get(key, [False] * len(ids))
        now = tuple(held_around(held[k], flags[k], extent) for k in range(len(ids)))
        if basis is None or basis.seen == tuple(now[ids.index(c)] for c in basis.coders):
            index = by_key.get((decision.document_id, decision.code_id, extent))
            if index is not None:
                found[index] = found[index].decided(decision)
            continue
        # Stale: attach it to the open difference overlapping its stretch, if there is one.
        for k, item in enumerate(found):
            if (
                (item.document_id, item.code_id) == key
                and item.decision is None
                and item.stale is None
                and _meets(item.extent, extent)
            ):
                found[k] = replace(item, stale=decision)
                break
        else:
            found.append(
                Difference(
                    decision.document_id,
                    names[decision.document_id],
                    decision.code_id,
                    tree.path(decision.code_id),
                    tuple(tuple(s for s in side if s[0] is not None) for side in now),  # type: ignore[misc]
                    tuple(flags) if extent is None else (),
                    stale=decision,
                )
            )
    return found


def _meets(a: Span | None, b: Span | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a[0] < b[1] and b[0] < a[1]


def adopt_agreements(
    project: Project, first: Coder, second: Coder, *, threshold: float = THRESHOLD
) -> tuple[tuple[Coding, ...], Changes]:
    """Give the consensus coder every coding the two coders agree on (the first coder's
    version of a matched passage, and article-level codings both made), in one transaction.
    A passage the consensus codes already — with this code (a decision, maybe a stale one
    the review shows) or, in an exclusive dimension, with another of its codes — is left to
    the review: no second coding beside the consensus one."""
    articles = _compared(project, (first, second))
    tree = project.codebook.tree()
    held: dict[int, list[Coding]] = {}
    made: list[Coding] = []
    rows = project.codings.rows([first.id, second.id])
    by_key: dict[tuple[int, int, int], list[tuple[int | None, int | None]]] = {}
    for document, coder, code, start, end in rows:
        if document in articles:
            by_key.setdefault((coder, document, code), []).append((start, end))
    with project.transaction():
        consensus = project.coders.get_or_add(CONSENSUS)
        for (coder, document, code), mine in by_key.items():
            if coder != first.id:
                continue
            theirs = by_key.get((second.id, document, code), [])
            spans = [s for s in mine if s[0] is not None]
            other_spans = [s for s in theirs if s[0] is not None]
            agreed: list[tuple[int | None, int | None]] = []
            if (None, None) in mine and (None, None) in theirs:
                agreed.append((None, None))
            if spans and other_spans:
                flags = matched(spans, other_spans, threshold)  # type: ignore[arg-type]
                agreed += [s for s, ok in zip(spans, flags, strict=True) if ok]
            if document not in held:
                held[document] = project.codings.for_document(document, consensus.id)
            for start, end in agreed:
                same = [c for c in held[document] if c.code_id == code]
                if _covered(start, end, same) or clashing(
                    tree, code, [(start, end)], held[document]
                ):
                    continue
                coding = project.codings.add(document, consensus.id, code, start, end)
                made.append(coding)
                held[document].append(coding)
        refuse_clashes(project, consensus, made)
    changes = coding_changes(after=tuple(made)) | Changes(coders=True)
    return tuple(made), changes


def _covered(start: int | None, end: int | None, codings: list[Coding]) -> bool:
    """Whether one of these codings (of one code) is there already: the whole-article one,
    or a passage overlapping ``start``–``end``."""
    for coding in codings:
        if start is None or end is None or coding.start is None or coding.end is None:
            if (start is None) == (coding.start is None):
                return True
        elif coding.start < end and start < coding.end:
            return True
    return False
