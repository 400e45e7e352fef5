"""A machine's codings as suggestions to one coder: what is open in an article, accepting
one (as it is, or on a passage the coder chose), rejecting one, accepting every suggestion
of an article at or above a confidence — and taking each of these back exactly (undo) and
doing it again (redo).

A suggestion is a machine coding (``origin.kind`` ``machine``) of a machine coder, or of one
of its runs, that the coder has not decided on (``machine_suggestion_decisions``) and has not
made themselves (the same code on the same passage, or on the whole article). Accepting one
writes the coder's own coding with ``origin = {"kind": "assisted", "run": <run GUID>,
"suggestion": <machine coding GUID>, "edited": false|true}`` and a decision row
(``accepted``, or ``edited`` when the passage was changed); rejecting one writes a decision
row only. Each action, and each undo and redo of it, is one transaction.

The machine's coding itself is never changed: it stays the machine's, for agreement.

Exclusive dimensions: a suggestion that would contradict the coder's own codings of another
code of its dimension is reported (:func:`clashes`); the window asks, as when the coder
applies such a code, and :func:`accept` replaces the codings it is given. Accepting in bulk
(:func:`accept_all`) replaces nothing: it leaves such suggestions open and says how many.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from annotator.domain.errors import UserError
from annotator.domain.model import Coder, Coding
from annotator.services.changes import Changes, coding_changes
from annotator.services.coders import machine_refusal
from annotator.services.editing import (
    CHANGED_SINCE,
    ChangedSince,
    exchange_codings,
    exclusive_conflicts,
)
from annotator.storage import Project
from annotator.storage.machine import RunRecord, dumps
from annotator.storage.suggestions import SuggestionQueries, SuggestionRow

__all__ = [
    "Accepted",
    "AcceptedAll",
    "Rejected",
    "Source",
    "Suggestion",
    "accept",
    "accept_all",
    "accepted_changes",
    "assisted_origin",
    "clashes",
    "learned_from",
    "put_back",
    "put_back_rejection",
    "reject",
    "source_of_coder",
    "source_of_run",
    "suggestions",
    "take_back",
    "take_back_rejection",
]


@dataclass(frozen=True)
class Source:
    """Whose codings are suggested: a machine coder's (every run's), or one run's."""

    coder_id: int
    run_guid: str | None = None


def source_of_coder(coder: Coder) -> Source:
    """A machine coder's codings, whichever run made them."""
    if not coder.is_machine:
        raise UserError(
            f"{coder.name} is not a machine coder: only a machine's codings are suggested"
        )
    return Source(coder.id)


def source_of_run(run: RunRecord) -> Source:
    """The codings one run made (those a later run of its coder replaced are gone)."""
    return Source(run.coder_id, run.guid)


#: A machine coding offered to a coder: the coding, its run, and the machine's confidence
#: and reason where it gave them (see :class:`SuggestionRow`).
Suggestion = SuggestionRow


def suggestions(
    project: Project, document_id: int, coder_id: int, source: Source
) -> list[Suggestion]:
    """The suggestions open to ``coder_id`` in an article: article-level ones first, then by
    position."""
    return SuggestionQueries(project.db).open_suggestions(
        document_id, source.coder_id, coder_id, source.run_guid
    )


def learned_from(project: Project, shown: Sequence[Suggestion]) -> list[Coder]:
    """The coders whose codings of the article trained the model that made these
    suggestions: there, a classifier's suggestions repeat what that coder did, which blind
    mode otherwise hides."""
    if not shown:
        return []
    run_ids = {s.run_id for s in shown}
    found = SuggestionQueries(project.db).trained_from(run_ids, shown[0].document_id)
    return [project.coders.get(coder_id) for coder_id in found]


def assisted_origin(suggestion: Suggestion, *, edited: bool) -> str:
    """The ``codings.origin`` of a coding accepted from ``suggestion`` (JSON)."""
    return dumps(
        {
            "kind": "assisted",
            "run": suggestion.run_guid,
            "suggestion": suggestion.guid,
            "edited": edited,
        }
    )


def clashes(
    project: Project,
    suggestion: Suggestion,
    coder_id: int,
    span: tuple[int, int] | None = None,
) -> list[Coding]:
    """The coder's codings that accepting ``suggestion`` (on ``span``, if given) would
    contradict in an exclusive dimension: those the window offers to replace."""
    start, end = span if span is not None else suggestion.span
    return exclusive_conflicts(
        project, suggestion.document_id, coder_id, suggestion.code_id, start, end
    )


@dataclass(frozen=True)
class Accepted:
    """A suggestion accepted: the coder's new coding, the codings of theirs it replaced, and
    the decision row (``accepted`` or ``edited``)."""

    suggestion: Suggestion
    coding: Coding
    replaced: tuple[Coding, ...]
    decision_id: int
    decision: str

    @property
    def edited(self) -> bool:
        return self.decision == "edited"


@dataclass(frozen=True)
class Rejected:
    """A suggestion rejected: its decision row."""

    suggestion: Suggestion
    decision_id: int


@dataclass(frozen=True)
class AcceptedAll:
    """The suggestions of an article accepted at or above a confidence; ``clashing``: those
    left open because they contradict the coder's codings in an exclusive dimension."""

    threshold: float
    accepted: tuple[Accepted, ...]
    clashing: tuple[Suggestion, ...]

    @property
    def changes(self) -> Changes:
        return _accepted_changes(self.accepted)


def _accepted_changes(accepted: Sequence[Accepted]) -> Changes:
    replaced = tuple(c for a in accepted for c in a.replaced)
    changes = coding_changes(replaced, tuple(a.coding for a in accepted))
    documents = frozenset(a.suggestion.document_id for a in accepted)
    return changes | Changes(documents=documents)


def _refuse_coder(project: Project, coder_id: int) -> None:
    coder = project.coders.get(coder_id)
    if coder.is_machine:
        raise UserError(machine_refusal(coder))


def _expect_open(project: Project, suggestion: Suggestion, coder_id: int) -> None:
    """Refuse unless the machine coding is still in the project as it was suggested and the
    coder has taken no decision on it (a newer run replaces a machine's codings; another
    window may have decided)."""
    now = SuggestionQueries(project.db).machine_coding(suggestion.guid)
    if now is None or now.coding != suggestion.coding:
        raise ChangedSince(
            "the suggestion is no longer there: a newer run of the machine replaced it, or it "
            f"was {CHANGED_SINCE}"
        )
    if SuggestionQueries(project.db).decisions_on(suggestion.guid, coder_id):
        raise ChangedSince("the suggestion was decided on already (in another window?)")


def _expect_decision(project: Project, decision_id: int, guid: str, coder_id: int) -> None:
    row = SuggestionQueries(project.db).decision(decision_id)
    if row is None or (row.coding_guid, row.coder_id) != (guid, coder_id):
        raise ChangedSince(f"the decision on the suggestion was {CHANGED_SINCE}")


def _accept_one(
    project: Project,
    suggestion: Suggestion,
    coder_id: int,
    span: tuple[int, int] | None,
    replace_ids: Sequence[int],
) -> Accepted:
    """Inside a transaction: the accepting itself (see :func:`accept`)."""
    start, end = span if span is not None else suggestion.span
    edited = (start, end) != suggestion.span
    document_id = suggestion.document_id
    _expect_open(project, suggestion, coder_id)
    replaced = []
    for coding_id in replace_ids:
        old = project.codings.get(coding_id)
        if (old.document_id, old.coder_id) != (document_id, coder_id):
            raise UserError("only the same coder's codings of this article can be replaced")
        replaced.append(project.codings.delete(coding_id))
    if project.codings.find_same(document_id, coder_id, suggestion.code_id, start, end):
        raise UserError("you have coded this passage with this code already")
    left = exclusive_conflicts(project, document_id, coder_id, suggestion.code_id, start, end)
    if left:
        dimension = project.codebook.tree().dimension_of(suggestion.code_id).name
        raise UserError(
            f"'{dimension}' is exclusive: the suggestion contradicts {len(left)} of your "
            "codings (replace them, or reject the suggestion)"
        )
    coding = project.codings.add(
        document_id,
        coder_id,
        suggestion.code_id,
        start,
        end,
        origin=assisted_origin(suggestion, edited=edited),
    )
    decision = "edited" if edited else "accepted"
    decision_id = project.machine.add_decision(
        suggestion.run_id, suggestion.guid, coder_id, decision
    )
    return Accepted(suggestion, coding, tuple(replaced), decision_id, decision)


def accept(
    project: Project,
    suggestion: Suggestion,
    coder_id: int,
    *,
    span: tuple[int, int] | None = None,
    replace: Sequence[int] = (),
) -> Accepted:
    """Accept a suggestion as ``coder_id``'s coding, in one transaction: the codings whose
    ids are in ``replace`` removed (the coder's, in this article: see :func:`clashes`), the
    coding written with its assisted origin, the decision recorded. ``span`` (a passage the
    coder chose instead, in code points) makes the decision ``edited``.

    Refused (:class:`UserError`, nothing written) for a machine coder, a suggestion gone or
    decided since, a passage the coder already has with this code, or an exclusive
    dimension's rule broken by what ``replace`` leaves."""
    _refuse_coder(project, coder_id)
    with project.transaction():
        return _accept_one(project, suggestion, coder_id, span, replace)


def accept_all(
    project: Project, document_id: int, coder_id: int, source: Source, threshold: float
) -> AcceptedAll:
    """Accept, in one transaction, every suggestion of an article whose confidence is at
    least ``threshold`` (one without a confidence never is), most confident first. A
    suggestion that would contradict the coder's codings (those accepted here included) in
    an exclusive dimension is left open and counted in ``clashing``; nothing is replaced."""
    if not 0.0 <= threshold <= 1.0:
        raise UserError(f"a confidence is between 0 and 1, not {threshold}")
    _refuse_coder(project, coder_id)
    open_ones = suggestions(project, document_id, coder_id, source)
    chosen = sorted(
        (s for s in open_ones if s.confidence is not None and s.confidence >= threshold),
        key=lambda s: -(s.confidence or 0.0),
    )
    accepted: list[Accepted] = []
    clashing: list[Suggestion] = []
    with project.transaction():
        for suggestion in chosen:
            if clashes(project, suggestion, coder_id):
                clashing.append(suggestion)
            elif not project.codings.find_same(
                document_id, coder_id, suggestion.code_id, *suggestion.span
            ):
                accepted.append(_accept_one(project, suggestion, coder_id, None, ()))
    return AcceptedAll(threshold, tuple(accepted), tuple(clashing))


def take_back(project: Project, accepted: Sequence[Accepted]) -> Changes:
    """Undo of :func:`accept` or :func:`accept_all`, in one transaction: the codings made
    removed (no tombstone: nobody saw them), those replaced put back, the decisions
    removed. Refused (:class:`ChangedSince`, nothing changed) when one of them was changed
    since."""
    with project.transaction():
        for one in accepted:
            _expect_decision(project, one.decision_id, one.suggestion.guid, one.coding.coder_id)
        replaced = [c for one in accepted for c in one.replaced]
        changes = exchange_codings(
            project, [one.coding for one in accepted], replaced, tombstones=False
        )
        for one in accepted:
            project.machine.remove_decision(one.decision_id)
    documents = frozenset(one.suggestion.document_id for one in accepted)
    return changes | Changes(documents=documents)


def put_back(project: Project, accepted: Sequence[Accepted]) -> list[Accepted]:
    """Redo of :func:`accept` or :func:`accept_all`, in one transaction: the same codings
    (ids, GUIDs, times, origin) back, those they replaced removed again, the decisions
    recorded anew (their new ids in what is returned). Refused (:class:`ChangedSince`) when
    a suggestion is gone or decided since, or what the step would put back is taken."""
    with project.transaction():
        for one in accepted:
            _expect_open(project, one.suggestion, one.coding.coder_id)
        replaced = [c for one in accepted for c in one.replaced]
        exchange_codings(project, replaced, [one.coding for one in accepted])
        again = [
            dataclasses.replace(
                one,
                decision_id=project.machine.add_decision(
                    one.suggestion.run_id, one.suggestion.guid, one.coding.coder_id, one.decision
                ),
            )
            for one in accepted
        ]
    return again


def accepted_changes(accepted: Sequence[Accepted]) -> Changes:
    """What accepting (or putting back) these touched, for the views."""
    return _accepted_changes(accepted)


def reject(project: Project, suggestion: Suggestion, coder_id: int) -> Rejected:
    """Reject a suggestion: a decision row ``rejected`` (one transaction); the machine's
    coding stays the machine's. Refused when the suggestion is gone or decided since."""
    _refuse_coder(project, coder_id)
    with project.transaction():
        _expect_open(project, suggestion, coder_id)
        decision_id = project.machine.add_decision(
            suggestion.run_id, suggestion.guid, coder_id, "rejected"
        )
    return Rejected(suggestion, decision_id)


def take_back_rejection(project: Project, rejected: Rejected, coder_id: int) -> None:
    """Undo of :func:`reject`: its decision row removed (refused if it is not there)."""
    with project.transaction():
        _expect_decision(project, rejected.decision_id, rejected.suggestion.guid, coder_id)
        project.machine.remove_decision(rejected.decision_id)


def put_back_rejection(project: Project, rejected: Rejected, coder_id: int) -> Rejected:
    """Redo of :func:`reject` (a new decision row)."""
    return reject(project, rejected.suggestion, coder_id)
