"""Disagreement review: where two coders' codings differ, and the consensus decided for each.

A difference is one code in one article: passages of the two coders that no passage of the
other matches (same code, overlap of at least the threshold), grouped when they overlap each
other; or an article-level coding only one of them made. A decision writes codings of the
``consensus`` coder — the first coder's passages, the second's, both, none or edited ones — and
records the choice, the reason and what it was made on (:mod:`.consensus_basis`); the two
coders' codings are never touched. A decision whose passages a coder changed since is *stale*:
it shows again, with the passages as they are now, and deciding it again replaces it.
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
from annotator.services.consensus_basis import Basis, ReplaceNeeded, clashing, held_around, loads
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
    #: A decision made on an earlier state of these passages (a coder changed them since).
    stale: Decision | None = None

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
        if self.stale is not None:
            return "changed since decided"
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
    names = dict(project.documents.names())
    found = []
    for (document, code), (a, b) in spans.items():
        for difference in differences(sorted(a), sorted(b), threshold):
            found.append(
                Difference(
                    document,
                    names[document],
                    code,
                    tree.path(code),
                    difference.first,
                    difference.second,
                )
            )
    for (document, code), (a_whole, b_whole) in whole.items():
        if a_whole != b_whole:
            found.append(
                Difference(
                    document, names[document], code, tree.path(code), whole_article_by=int(b_whole)
                )
            )
    found = _with_decisions(project, first, second, found, spans, whole, names, wanted, articles)
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


def _extent(decision: Decision) -> Span | None:
    if decision.start is None or decision.end is None:
        return None
    return decision.start, decision.end


def _with_decisions(
    project: Project,
    first: Coder,
    second: Coder,
    found: list[Difference],
    spans: dict[tuple[int, int], tuple[list[Span], list[Span]]],
    whole: dict[tuple[int, int], list[bool]],
    names: dict[int, str],
    wanted: set[int],
    articles: set[int],
) -> list[Difference]:
    """Each difference with its decision; a decision whose passages changed since is stale:
    it goes with the open difference now there, or shows on its own with the passages as
    they now are (the coders may agree now, or one took theirs away)."""
    tree = project.codebook.tree()
    by_key = {(d.document_id, d.code_id, d.extent): k for k, d in enumerate(found)}
    for decision in project.decisions.for_pair(first.id, second.id):
        if decision.document_id not in articles or decision.code_id not in wanted:
            continue
        key = (decision.document_id, decision.code_id)
        extent = _extent(decision)
        a, b = spans.get(key, ([], []))
        a_whole, b_whole = whole.get(key, [False, False])
        basis = loads(decision.basis)
        swapped = basis is not None and basis.coders == (second.id, first.id)
        now = (held_around(a, a_whole, extent), held_around(b, b_whole, extent))
        if swapped:
            now = (now[1], now[0])
        if basis is None or basis.seen == now:
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
            a_now = tuple(s for s in now[1 if swapped else 0] if s[0] is not None)
            b_now = tuple(s for s in now[0 if swapped else 1] if s[0] is not None)
            found.append(
                Difference(
                    decision.document_id,
                    names[decision.document_id],
                    decision.code_id,
                    tree.path(decision.code_id),
                    a_now,  # type: ignore[arg-type]
                    b_now,  # type: ignore[arg-type]
                    whole_article_by=None if extent is not None else _whole_by(a_whole, b_whole),
                    stale=decision,
                )
            )
    return found


def _whole_by(a_whole: bool, b_whole: bool) -> int | None:
    return None if a_whole == b_whole else int(b_whole)


def _meets(a: Span | None, b: Span | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a[0] < b[1] and b[0] < a[1]


@dataclass(frozen=True)
class Decided:
    """What a decision wrote (the decision and the consensus codings) and what it took away
    (consensus codings it replaced, decisions it withdrew), for undo and redo."""

    decision: Decision
    codings: tuple[Coding, ...]
    changes: Changes
    removed: tuple[Coding, ...] = ()
    withdrawn: tuple[Decision, ...] = ()


def decide(
    project: Project,
    first: Coder,
    second: Coder,
    item: Difference,
    choice: Choice,
    *,
    reason: str = "",
    edited: Sequence[Span] = (),
    replace_clashing: bool = False,
) -> Decided:
    """Carry out a decision in one transaction: the consensus coder's codings for the
    difference, and the record of the choice with what it was made on. A stale decision of
    the difference is replaced. Consensus codings of another code of an exclusive dimension
    that the new ones would clash with raise :class:`ReplaceNeeded`, unless ``replace_clashing``:
    then they go, with the decisions that made them (their differences open again)."""
    if item.decision is not None:
        raise UserError("this difference is decided already; undo that decision first")
    if choice is Choice.EDITED and not edited and item.whole_article_by is None:
        raise UserError("select the passage the consensus should code")
    taken = _taken(item, choice, edited)
    memo = reason.strip()
    tree = project.codebook.tree()
    with project.transaction():
        consensus = project.coders.get_or_add(CONSENSUS)
        removed: list[Coding] = []
        withdrawn: list[Decision] = []
        if item.stale is not None:
            _withdraw_decision(project, item.stale, removed, withdrawn)
        held = project.codings.for_document(item.document_id, consensus.id)
        displaced = clashing(tree, item.code_id, taken, held)
        if displaced and not replace_clashing:
            named = ", ".join(
                f"'{tree.path(c.code_id)}' "
                + ("on the whole article" if c.start is None else f"at {c.start}–{c.end}")
                for c in displaced
            )
            raise ReplaceNeeded(
                f"the consensus has {named}; '{tree.dimension_of(item.code_id).name}' is "
                f"exclusive, so '{item.code_path}' would replace it",
                displaced,
            )
        gone = {c.id for c in removed}
        for coding in displaced:
            if coding.id in gone:
                continue
            for decision in project.decisions.for_document(item.document_id):
                if coding.guid in decision.made:
                    _withdraw_decision(project, decision, removed, withdrawn)
            if project.codings.by_guid(coding.guid) is not None:
                removed.append(project.codings.delete(coding.id))
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
            basis=_basis(project, first, second, item).dumps(),
            made=[c.guid for c in made],
        )
    changes = coding_changes(before=tuple(removed), after=tuple(made)) | Changes(
        documents=frozenset({item.document_id}), coders=True
    )
    return Decided(decision, tuple(made), changes, tuple(removed), tuple(withdrawn))


def _taken(
    item: Difference, choice: Choice, edited: Sequence[Span]
) -> tuple[tuple[int | None, int | None], ...]:
    """The passages the consensus takes for a choice (``(None, None)``: the whole article)."""
    whole: tuple[tuple[int | None, int | None], ...] = ((None, None),)
    if item.whole_article_by is not None:
        has = {Choice.FIRST: item.whole_article_by == 0, Choice.SECOND: item.whole_article_by == 1}
        if choice is Choice.EDITED:
            return tuple(edited) or whole
        return whole if choice is Choice.BOTH or has.get(choice, False) else ()
    return {
        Choice.FIRST: item.first,
        Choice.SECOND: item.second,
        Choice.BOTH: tuple(dict.fromkeys(item.first + item.second)),
        Choice.NEITHER: (),
        Choice.EDITED: tuple(edited),
    }[choice]


def _basis(project: Project, first: Coder, second: Coder, item: Difference) -> Basis:
    """What the two coders have of the code around the difference, now."""
    extent = item.extent
    held: list[tuple[tuple[int | None, int | None], ...]] = []
    for coder in (first, second):
        codings = project.codings.for_document(item.document_id, coder.id)
        mine = [c for c in codings if c.code_id == item.code_id]
        spans = [(c.start, c.end) for c in mine if c.start is not None and c.end is not None]
        whole = any(c.start is None for c in mine)
        held.append(held_around(spans, whole, extent))
    return Basis(
        (first.id, second.id), (item.first, item.second), item.whole_article_by, tuple(held)
    )


def _withdraw_decision(
    project: Project, decision: Decision, removed: list[Coding], withdrawn: list[Decision]
) -> None:
    """Take a decision back inside the caller's transaction: its consensus codings that are
    still there, and its record."""
    for guid in decision.made:
        coding = project.codings.by_guid(guid)
        if coding is not None:
            removed.append(project.codings.delete(coding.id))
    withdrawn.append(project.decisions.delete(decision.id))


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
    """Undo a decision: its consensus codings and its record go, and what it replaced comes
    back, in one transaction."""
    with project.transaction():
        removed = tuple(project.codings.delete(c.id) for c in decided.codings)
        project.decisions.delete(decided.decision.id)
        for coding in decided.removed:
            project.codings.restore(coding)
        for decision in decided.withdrawn:
            project.decisions.restore(decision)
    return coding_changes(before=removed, after=decided.removed) | Changes(
        documents=frozenset({decided.decision.document_id})
    )


def reinstate(project: Project, decided: Decided) -> Changes:
    """Redo a withdrawn decision exactly (same ids), taking away again what it replaced."""
    with project.transaction():
        for coding in decided.removed:
            project.codings.delete(coding.id)
        for decision in decided.withdrawn:
            project.decisions.delete(decision.id)
        for coding in decided.codings:
            project.codings.restore(coding)
        project.decisions.restore(decided.decision)
    return coding_changes(before=decided.removed, after=decided.codings) | Changes(
        documents=frozenset({decided.decision.document_id})
    )


def adopt_agreements(
    project: Project, first: Coder, second: Coder, *, threshold: float = THRESHOLD
) -> tuple[tuple[Coding, ...], Changes]:
    """Give the consensus coder every coding the two coders agree on (the first coder's
    version of a matched passage, and article-level codings both made), in one transaction.
    A passage the consensus codes already — with this code (a decision, maybe a stale one
    the review shows) or, in an exclusive dimension, with another of its codes — is left to
    the review: no second coding beside the consensus one."""
    articles = _compared(project, first, second)
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
        _refuse_clashes(project, consensus, made)
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
