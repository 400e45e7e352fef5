"""Disagreement review: where two coders' codings differ, and the consensus decided for each.

A difference is one code in one article: passages of the two coders that no passage of the
other matches (same code, overlap of at least the threshold), grouped when they overlap each
other; or an article-level coding only one of them made. A decision writes codings of the
``consensus`` coder — the first coder's passages, the second's, both, none or edited ones — and
records the choice and the reason; the two coders' codings are never touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from annotator.agreement.segments import THRESHOLD, differences, matched
from annotator.domain.errors import UserError
from annotator.domain.exclusive import refuse_exclusive_clashes
from annotator.domain.model import Choice, Coder, Coding, Decision, DocumentStatus
from annotator.services.agreement import CONSENSUS
from annotator.services.changes import Changes, coding_changes
from annotator.storage import Project

Span = tuple[int, int]


@dataclass(frozen=True)
class Difference:
    """One thing to resolve: the two coders' unmatched passages ``(start, end)`` of one code
    in one article, or (``whole_article_by`` 0 or 1) an article-level coding that only the
    first or the second coder made."""

    document_id: int
    document_name: str
    code_id: int
    code_path: str
    first: tuple[Span, ...] = ()
    second: tuple[Span, ...] = ()
    whole_article_by: int | None = None
    decision: Decision | None = None

    @property
    def whole_article(self) -> bool:
        return self.whole_article_by is not None

    @property
    def extent(self) -> Span | None:
        """The stretch of text this difference covers (``None``: the whole article)."""
        spans = self.first + self.second
        if not spans:
            return None
        return min(s[0] for s in spans), max(s[1] for s in spans)

    @property
    def kind(self) -> str:
        if self.whole_article_by is not None:
            return f"whole article: {('first', 'second')[self.whole_article_by]} only"
        if not self.second:
            return "first only"
        if not self.first:
            return "second only"
        return "boundaries differ"

    def decided(self, decision: Decision | None) -> Difference:
        return replace(self, decision=decision)


@dataclass(frozen=True)
class Review:
    first: Coder
    second: Coder
    differences: tuple[Difference, ...]
    articles: int  # compared

    @property
    def open(self) -> list[Difference]:
        return [d for d in self.differences if d.decision is None]


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
    first, second = _coder(project, first_name), _coder(project, second_name)
    if first.id == second.id:
        raise UserError("choose two different coders to compare")
    articles = _compared(project, first, second)
    tree = project.codebook.tree()
    wanted = set(codes) if codes is not None else {c.id for c in tree.codes()}
    spans: dict[tuple[int, int], tuple[list[Span], list[Span]]] = {}
    whole: dict[tuple[int, int], list[bool]] = {}
    sides = {first.id: 0, second.id: 1}
    for document, coder, code, start, end in project.codings.rows([first.id, second.id]):
        if document not in articles or code not in wanted:
            continue
        key = (document, code)
        if start is None or end is None:
            whole.setdefault(key, [False, False])[sides[coder]] = True
        else:
            spans.setdefault(key, ([], []))[sides[coder]].append((start, end))
    decided = _decisions(project, first, second)
    names = dict(project.documents.names())
    found = []
    for (document, code), (a, b) in spans.items():
        for difference in differences(sorted(a), sorted(b), threshold):
            item = Difference(
                document,
                names[document],
                code,
                tree.path(code),
                difference.first,
                difference.second,
            )
            found.append(item.decided(decided.get((document, code, item.extent))))
    for (document, code), (a_whole, b_whole) in whole.items():
        if a_whole != b_whole:
            item = Difference(
                document, names[document], code, tree.path(code), whole_article_by=int(b_whole)
            )
            found.append(item.decided(decided.get((document, code, None))))
    order = {code.id: k for k, code in enumerate(tree.codes())}
    found.sort(key=lambda d: (d.document_id, (d.extent or (-1, -1)), order.get(d.code_id, 0)))
    return Review(first, second, tuple(found), len(articles))


def _coder(project: Project, name: str) -> Coder:
    coder = project.coders.by_name(name)
    if coder is None:
        if name == CONSENSUS:
            return project.coders.add(CONSENSUS) if not project.read_only else _missing(name)
        _missing(name)
    assert coder is not None
    return coder


def _missing(name: str) -> Coder:
    raise UserError(f"there is no coder '{name}'")


def _compared(project: Project, first: Coder, second: Coder) -> set[int]:
    done: dict[int, set[int]] = {}
    for (document, coder), status in project.statuses.all().items():
        if status is DocumentStatus.DONE:
            done.setdefault(coder, set()).add(document)
    if second.name == CONSENSUS:
        return done.get(first.id, set())
    return done.get(first.id, set()) & done.get(second.id, set())


def _decisions(
    project: Project, first: Coder, second: Coder
) -> dict[tuple[int, int, Span | None], Decision]:
    return {
        (
            d.document_id,
            d.code_id,
            None if d.start is None or d.end is None else (d.start, d.end),
        ): d
        for d in project.decisions.for_pair(first.id, second.id)
    }


@dataclass(frozen=True)
class Decided:
    """What a decision wrote: the decision and the consensus codings (for undo)."""

    decision: Decision
    codings: tuple[Coding, ...]
    changes: Changes


def decide(
    project: Project,
    first: Coder,
    second: Coder,
    item: Difference,
    choice: Choice,
    *,
    reason: str = "",
    edited: Sequence[Span] = (),
) -> Decided:
    """Carry out a decision in one transaction: the consensus coder's codings for the
    difference, and the record of the choice."""
    if item.decision is not None:
        raise UserError("this difference is decided already; undo that decision first")
    if choice is Choice.EDITED and not edited and item.whole_article_by is None:
        raise UserError("select the passage the consensus should code")
    whole: tuple[Span | tuple[None, None], ...] = ((None, None),)
    if item.whole_article_by is not None:
        has = {Choice.FIRST: item.whole_article_by == 0, Choice.SECOND: item.whole_article_by == 1}
        taken = whole if choice is Choice.BOTH or has.get(choice, False) else ()
        if choice is Choice.EDITED:
            taken = tuple(edited) or whole
    else:
        taken = {
            Choice.FIRST: item.first,
            Choice.SECOND: item.second,
            Choice.BOTH: tuple(dict.fromkeys(item.first + item.second)),
            Choice.NEITHER: (),
            Choice.EDITED: tuple(edited),
        }[choice]
    memo = reason.strip()
    with project.transaction():
        consensus = project.coders.get_or_add(CONSENSUS)
        made = []
        for start, end in taken:
            if project.codings.find_same(item.document_id, consensus.id, item.code_id, start, end):
                continue
            made.append(
                project.codings.add(
                    item.document_id, consensus.id, item.code_id, start, end, memo=memo
                )
            )
        _refuse_clashes(project, consensus, made)
        extent = item.extent
        decision = project.decisions.add(
            item.document_id,
            item.code_id,
            first.id,
            second.id,
            None if extent is None else extent[0],
            None if extent is None else extent[1],
            choice,
            memo,
        )
    changes = coding_changes(after=tuple(made)) | Changes(
        documents=frozenset({item.document_id}), coders=True
    )
    return Decided(decision, tuple(made), changes)


def _refuse_clashes(project: Project, consensus: Coder, made: Sequence[Coding]) -> None:
    """The consensus, like any coder, gives an article no other code of an exclusive
    dimension beside a whole-article code of it, and no two of its codes on overlapping
    passages (raises inside the caller's transaction, which is then rolled back)."""
    documents = sorted({c.document_id for c in made})
    if not documents:
        return
    refuse_exclusive_clashes(
        project.codebook.tree(),
        (
            (c.document_id, c.coder_id, c.code_id, c.start, c.end)
            for document in documents
            for c in project.codings.for_document(document, consensus.id)
        ),
        lambda d: project.documents.get(d).name,
        lambda _c: consensus.name,
    )


def withdraw(project: Project, decided: Decided) -> Changes:
    """Undo a decision: its consensus codings and its record go, in one transaction."""
    with project.transaction():
        removed = tuple(project.codings.delete(c.id) for c in decided.codings)
        project.decisions.delete(decided.decision.id)
    return coding_changes(before=removed) | Changes(
        documents=frozenset({decided.decision.document_id})
    )


def reinstate(project: Project, decided: Decided) -> Changes:
    """Redo a withdrawn decision exactly (same ids)."""
    with project.transaction():
        for coding in decided.codings:
            project.codings.restore(coding)
        project.decisions.restore(decided.decision)
    return coding_changes(after=decided.codings) | Changes(
        documents=frozenset({decided.decision.document_id})
    )


def adopt_agreements(
    project: Project, first: Coder, second: Coder, *, threshold: float = THRESHOLD
) -> tuple[tuple[Coding, ...], Changes]:
    """Give the consensus coder every coding the two coders agree on (the first coder's
    version of a matched passage, and article-level codings both made), in one transaction.
    Codings the consensus has already are not added twice."""
    articles = _compared(project, first, second)
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
            for start, end in agreed:
                if project.codings.find_same(document, consensus.id, code, start, end) is None:
                    made.append(project.codings.add(document, consensus.id, code, start, end))
        _refuse_clashes(project, consensus, made)
    changes = coding_changes(after=tuple(made)) | Changes(coders=True)
    return tuple(made), changes
