"""A machine's codings as a coder's suggestions (services/machine/suggestions.py): what is
open, accepting (as is, edited, in bulk above a confidence), rejecting, the decisions
recorded, the exclusive rule, and taking each back and doing it again in one transaction."""

from __future__ import annotations

import json

import pytest

from annotator.domain.errors import UserError
from annotator.services.editing import ChangedSince
from annotator.services.machine import MachineCoding, add_machine, start_run, write_article
from annotator.services.machine import suggestions as sg
from annotator.services.machine.runs import finish_run
from annotator.storage import Project
from annotator.storage.machine import Backend, RunRecord

# Demo code ids: Motive (exclusive) 2 Subsistence, 3 Political, 5 Other / unclear;
# Actor type 7 Overseas worker, 8 Official or elite, 9 Security agent or minder.
SUBSISTENCE, POLITICAL, OTHER, WORKER, OFFICIAL, MINDER = 2, 3, 5, 7, 8, 9
ANA = 1  # Ana coded article 1 "Other / unclear" for the whole article, among others


@pytest.fixture
def gemma(demo: Project) -> Backend:
    return add_machine(demo, "Gemma", "classifier")


def _run(demo: Project, machine: Backend, codings: dict[int, list[MachineCoding]]) -> RunRecord:
    run = start_run(
        demo,
        machine,
        document_ids=sorted(codings),
        prompt_template="sentences, TF-IDF, thresholds 0.5",
        settings={},
    )
    for document_id, given in codings.items():
        write_article(demo, run, document_id, given)
    return finish_run(demo, run, "done")


def _decisions(demo: Project) -> list[tuple[str, int, str]]:
    rows = demo.db.execute(
        "SELECT coding_guid, coder_id, decision FROM machine_suggestion_decisions ORDER BY id"
    )
    return [(str(g), int(c), str(d)) for g, c, d in rows]


def _state(demo: Project) -> tuple[object, ...]:
    """Every coding (with its origin) and every decision."""
    codings = sorted(
        (c.id, c.guid, c.coder_id, c.code_id, c.start, c.end, c.origin) for c in demo.codings.all()
    )
    return codings, _decisions(demo)


def _open(demo: Project, machine: Backend, document_id: int = 1) -> list[sg.Suggestion]:
    coder = demo.coders.get(machine.coder_id)
    return sg.suggestions(demo, document_id, ANA, sg.source_of_coder(coder))


def test_suggestions_are_the_machines_codings_the_coder_has_not_made(
    demo: Project, gemma: Backend
) -> None:
    run = _run(
        demo,
        gemma,
        {
            1: [
                MachineCoding(WORKER, 72, 225, 0.9, "names the workers"),  # Ana has it
                MachineCoding(OFFICIAL, 230, 297, 0.7, "an official speaks"),
                MachineCoding(MINDER, None, None, 0.6, None),
            ]
        },
    )
    found = _open(demo, gemma)
    assert [(s.code_id, s.span) for s in found] == [(MINDER, (None, None)), (OFFICIAL, (230, 297))]
    official = found[1]
    assert (official.confidence, official.reason) == (0.7, "an official speaks")
    assert (official.run_id, official.run_guid) == (run.id, run.guid)
    assert official.coding.coder_id == gemma.coder_id
    # Cleo coded nothing: all three are open to her.
    cleo = demo.coders.add("Cleo")
    coder = demo.coders.get(gemma.coder_id)
    assert len(sg.suggestions(demo, 1, cleo.id, sg.source_of_coder(coder))) == 3
    # Only a machine's codings are suggested.
    with pytest.raises(UserError, match="not a machine coder"):
        sg.source_of_coder(demo.coders.get(ANA))


def test_a_runs_suggestions_are_its_own(demo: Project, gemma: Backend) -> None:
    first = _run(demo, gemma, {1: [MachineCoding(OFFICIAL, 230, 297, 0.7)]})
    second = _run(demo, gemma, {2: [MachineCoding(MINDER, 0, 40, 0.8)]})
    assert [s.code_id for s in sg.suggestions(demo, 1, ANA, sg.source_of_run(first))] == [OFFICIAL]
    assert sg.suggestions(demo, 1, ANA, sg.source_of_run(second)) == []
    assert [s.code_id for s in sg.suggestions(demo, 2, ANA, sg.source_of_run(second))] == [MINDER]


def test_accepting_makes_the_coders_coding_and_records_the_decision(
    demo: Project, gemma: Backend
) -> None:
    run = _run(demo, gemma, {1: [MachineCoding(OFFICIAL, 230, 297, 0.7, "an official")]})
    (suggestion,) = _open(demo, gemma)
    machine_before = demo.codings.for_document(1, gemma.coder_id)
    accepted = sg.accept(demo, suggestion, ANA)
    coding = demo.codings.get(accepted.coding.id)
    assert (coding.coder_id, coding.code_id, coding.start, coding.end) == (ANA, OFFICIAL, 230, 297)
    assert json.loads(coding.origin or "") == {
        "kind": "assisted",
        "run": run.guid,
        "suggestion": suggestion.guid,
        "edited": False,
    }
    assert _decisions(demo) == [(suggestion.guid, ANA, "accepted")]
    assert demo.machine.decision_counts([run.id]) == {"accepted": 1, "edited": 0, "rejected": 0}
    assert _open(demo, gemma) == []
    # The machine's coding stays the machine's.
    assert demo.codings.for_document(1, gemma.coder_id) == machine_before
    # Taken back: no coding, no decision, the suggestion open again; put back: the same coding.
    before = _state(demo)
    sg.take_back(demo, [accepted])
    assert demo.codings.by_guid(coding.guid) is None
    assert _decisions(demo) == []
    assert _open(demo, gemma) == [suggestion]
    (again,) = sg.put_back(demo, [accepted])
    assert demo.codings.by_guid(coding.guid) == coding
    assert again.decision_id != accepted.decision_id
    assert _state(demo) == before


def test_an_edited_accept_keeps_the_coders_passage(demo: Project, gemma: Backend) -> None:
    _run(demo, gemma, {1: [MachineCoding(OFFICIAL, 230, 297, 0.7)]})
    (suggestion,) = _open(demo, gemma)
    accepted = sg.accept(demo, suggestion, ANA, span=(240, 290))
    assert (accepted.coding.start, accepted.coding.end) == (240, 290)
    assert accepted.edited
    assert json.loads(accepted.coding.origin or "")["edited"] is True
    assert _decisions(demo) == [(suggestion.guid, ANA, "edited")]
    assert _open(demo, gemma) == []  # decided: it is not offered again


def test_rejecting_records_the_decision_only(demo: Project, gemma: Backend) -> None:
    run = _run(demo, gemma, {1: [MachineCoding(OFFICIAL, 230, 297, 0.7)]})
    (suggestion,) = _open(demo, gemma)
    codings = sorted(c.id for c in demo.codings.all())
    rejected = sg.reject(demo, suggestion, ANA)
    assert sorted(c.id for c in demo.codings.all()) == codings
    assert _decisions(demo) == [(suggestion.guid, ANA, "rejected")]
    assert demo.machine.decision_counts([run.id])["rejected"] == 1
    assert _open(demo, gemma) == []
    with pytest.raises(ChangedSince, match="decided on already"):
        sg.reject(demo, suggestion, ANA)
    sg.take_back_rejection(demo, rejected, ANA)
    assert _decisions(demo) == []
    assert _open(demo, gemma) == [suggestion]
    with pytest.raises(ChangedSince):  # its decision is gone: it cannot be taken back twice
        sg.take_back_rejection(demo, rejected, ANA)
    sg.put_back_rejection(demo, rejected, ANA)
    assert _decisions(demo) == [(suggestion.guid, ANA, "rejected")]


def test_a_rejected_suggestion_stays_rejected_when_the_machine_codes_the_article_again(
    demo: Project, gemma: Backend
) -> None:
    _run(demo, gemma, {1: [MachineCoding(OFFICIAL, 230, 297, 0.7)]})
    (suggestion,) = _open(demo, gemma)
    sg.reject(demo, suggestion, ANA)
    # A later run replaces the machine's codings of the article with new ones (new GUIDs):
    # the same code on the same span again, and a new suggestion.
    _run(
        demo,
        gemma,
        {1: [MachineCoding(OFFICIAL, 230, 297, 0.8), MachineCoding(OFFICIAL, 300, 340, 0.6)]},
    )
    assert demo.codings.by_guid(suggestion.guid) is None  # the rejected coding is gone
    assert [(s.code_id, s.span) for s in _open(demo, gemma)] == [(OFFICIAL, (300, 340))]
    # Only Ana rejected it: another coder still gets it, and a different code on the span too.
    cleo = demo.coders.add("Cleo")
    coder = demo.coders.get(gemma.coder_id)
    assert len(sg.suggestions(demo, 1, cleo.id, sg.source_of_coder(coder))) == 2
    # The report counts Ana's one decision once.
    assert demo.machine.decision_counts()["rejected"] == 1


def test_a_suggestion_against_an_exclusive_dimension_is_reported_and_replaces_on_request(
    demo: Project, gemma: Backend
) -> None:
    _run(demo, gemma, {1: [MachineCoding(POLITICAL, 230, 297, 0.9)]})
    (suggestion,) = _open(demo, gemma)
    clashing = sg.clashes(demo, suggestion, ANA)
    # Ana's whole-article "Other / unclear" covers the passage, and her passage 598–645.
    assert {(c.code_id, c.start) for c in clashing} == {(OTHER, None)}
    before = _state(demo)
    with pytest.raises(UserError, match="'Motive' is exclusive"):
        sg.accept(demo, suggestion, ANA)
    assert _state(demo) == before  # nothing written
    accepted = sg.accept(demo, suggestion, ANA, replace=[c.id for c in clashing])
    assert [c.code_id for c in accepted.replaced] == [OTHER]
    assert demo.codings.find_same(1, ANA, OTHER, None, None) is None
    sg.take_back(demo, [accepted])
    assert _state(demo) == before
    sg.put_back(demo, [accepted])
    assert demo.codings.find_same(1, ANA, OTHER, None, None) is None
    assert demo.codings.find_same(1, ANA, POLITICAL, 230, 297) is not None


def test_accept_all_above_a_confidence(demo: Project, gemma: Backend) -> None:
    run = _run(
        demo,
        gemma,
        {
            1: [
                MachineCoding(OFFICIAL, 230, 297, 0.95),
                MachineCoding(MINDER, 300, 400, 0.85),
                MachineCoding(WORKER, 500, 560, 0.5),
                MachineCoding(OFFICIAL, 700, 760, None),
                MachineCoding(POLITICAL, 800, 850, 0.99),  # clashes with Ana's Motive
            ]
        },
    )
    before = _state(demo)
    done = sg.accept_all(demo, 1, ANA, sg.source_of_run(run), 0.8)
    assert sorted((a.coding.code_id, a.coding.start) for a in done.accepted) == [
        (OFFICIAL, 230),
        (MINDER, 300),
    ]
    assert [s.code_id for s in done.clashing] == [POLITICAL]
    assert all(json.loads(a.coding.origin or "")["kind"] == "assisted" for a in done.accepted)
    assert demo.machine.decision_counts([run.id]) == {"accepted": 2, "edited": 0, "rejected": 0}
    assert sorted((s.code_id, s.confidence) for s in _open(demo, gemma)) == [
        (POLITICAL, 0.99),
        (WORKER, 0.5),
        (OFFICIAL, None),
    ]
    assert done.changes.documents == frozenset({1})
    sg.take_back(demo, done.accepted)
    assert _state(demo) == before
    sg.put_back(demo, done.accepted)
    assert demo.machine.decision_counts([run.id])["accepted"] == 2
    with pytest.raises(UserError, match="between 0 and 1"):
        sg.accept_all(demo, 1, ANA, sg.source_of_run(run), 1.5)


def test_a_suggestion_a_newer_run_replaced_cannot_be_decided_or_redone(
    demo: Project, gemma: Backend
) -> None:
    _run(demo, gemma, {1: [MachineCoding(OFFICIAL, 230, 297, 0.7)]})
    (old,) = _open(demo, gemma)
    accepted = sg.accept(demo, old, ANA)
    sg.take_back(demo, [accepted])
    _run(demo, gemma, {1: [MachineCoding(OFFICIAL, 230, 297, 0.8)]})  # codes the article again
    (new,) = _open(demo, gemma)
    assert new.guid != old.guid
    before = _state(demo)
    with pytest.raises(ChangedSince, match="newer run"):
        sg.accept(demo, old, ANA)
    with pytest.raises(ChangedSince, match="newer run"):
        sg.put_back(demo, [accepted])
    with pytest.raises(ChangedSince):
        sg.reject(demo, old, ANA)
    assert _state(demo) == before


def test_each_step_is_one_transaction(
    demo: Project, gemma: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run(demo, gemma, {1: [MachineCoding(POLITICAL, 230, 297, 0.9)]})
    (suggestion,) = _open(demo, gemma)
    clashing = [c.id for c in sg.clashes(demo, suggestion, ANA)]
    before = _state(demo)

    def broken(*args: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo.machine, "add_decision", broken)
    with pytest.raises(RuntimeError):  # the replaced coding and the new one roll back too
        sg.accept(demo, suggestion, ANA, replace=clashing)
    assert _state(demo) == before
    monkeypatch.undo()
    accepted = sg.accept(demo, suggestion, ANA, replace=clashing)
    after = _state(demo)
    monkeypatch.setattr(demo.machine, "remove_decision", broken)
    with pytest.raises(RuntimeError):
        sg.take_back(demo, [accepted])
    assert _state(demo) == after


def test_nobody_accepts_as_a_machine_or_twice(demo: Project, gemma: Backend) -> None:
    _run(demo, gemma, {1: [MachineCoding(OFFICIAL, 230, 297, 0.7)]})
    (suggestion,) = _open(demo, gemma)
    with pytest.raises(UserError, match="Gemma is a machine coder"):
        sg.accept(demo, suggestion, gemma.coder_id)
    sg.accept(demo, suggestion, ANA)
    with pytest.raises(ChangedSince, match="decided on already"):
        sg.accept(demo, suggestion, ANA, span=(231, 290))
    # Ana's edit onto a passage she already coded with that code is refused.
    _run(demo, gemma, {2: [MachineCoding(OFFICIAL, 0, 40, 0.7)]})
    (other,) = _open(demo, gemma, 2)
    sg.accept(demo, other, ANA, span=(0, 30))
    _run(demo, gemma, {2: [MachineCoding(OFFICIAL, 0, 40, 0.7)]})
    (again,) = _open(demo, gemma, 2)
    with pytest.raises(UserError, match="already"):
        sg.accept(demo, again, ANA, span=(0, 30))
