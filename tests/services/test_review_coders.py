"""The review among three coders, and what decisions are made on (stale when it changes)."""

from __future__ import annotations

import random

from annotator.agreement.segments import differences
from annotator.domain.model import Choice, DocumentStatus
from annotator.services.agreement import CONSENSUS
from annotator.services.consensus import (
    decide,
    review,
    review_coders,
    unmatched_groups,
    withdraw,
)
from annotator.services.editing import apply_code
from annotator.storage import Project

ANONYMOUS = "Source reliability > Anonymous official"


def test_two_coders_group_as_the_pairwise_differences_do() -> None:
    generator = random.Random(14)
    for _ in range(200):
        sides = []
        for _side in range(2):
            spans = set()
            for _span in range(generator.randint(0, 5)):
                start = generator.randint(0, 90)
                spans.add((start, start + generator.randint(1, 30)))
            sides.append(sorted(spans))
        expected = [(d.first, d.second) for d in differences(sides[0], sides[1], 0.9)]
        assert unmatched_groups(sides, 0.9) == expected


def test_a_passage_two_of_three_coders_match_is_still_a_difference() -> None:
    # Ana and Ben agree on 0–10; Cy has 0–20: all three passages differ (Cy matches nobody,
    # and Ana's is not matched by Cy). 50–60 all three agree on: no difference.
    held = [[(0, 10), (50, 60)], [(0, 10), (50, 60)], [(0, 20), (50, 60)]]
    assert unmatched_groups(held, 0.9) == [(((0, 10),), ((0, 10),), ((0, 20),))]


def _with_cy(demo: Project) -> None:
    cy = demo.coders.add("Cy")
    ana = demo.coders.by_name("Ana")
    assert ana is not None
    for coding in demo.codings.for_document(1, ana.id):
        end = 523 if coding.start == 299 else coding.end
        apply_code(demo, 1, cy.id, coding.code_id, coding.start, end)
    demo.statuses.mark(1, cy.id, DocumentStatus.DONE)


def test_three_coders_accept_the_third_and_the_decision_goes_stale(demo: Project) -> None:
    _with_cy(demo)
    found = review_coders(demo, ["Ana", "Ben", "Cy"])
    assert found.articles == 1  # only article 1 is done by all three
    item = next(d for d in found.differences if d.code_path == ANONYMOUS)
    assert item.sides == (((299, 452),), ((299, 596),), ((299, 523),))
    decided = decide(
        demo, found.coders[0], found.coders[1], item, Choice.EDITED, coders=found.coders, took=2
    )
    consensus = demo.coders.by_name(CONSENSUS)
    assert consensus is not None
    assert [(c.start, c.end) for c in decided.codings] == [(299, 523)]
    again = next(
        d for d in review_coders(demo, ["Ana", "Ben", "Cy"]).differences if d.code_id == 16
    )
    assert again.decision == decided.decision
    assert again.stale is None
    # The pair review of Ana and Ben does not take the three coders' decision for its own.
    pair = next(d for d in review(demo, "Ana", "Ben").differences if d.code_id == 16)
    assert pair.decision is None
    # Ben narrows his passage: the three-coder decision is stale.
    ben = demo.coders.by_name("Ben")
    assert ben is not None
    (coding,) = [c for c in demo.codings.for_document(1, ben.id) if c.start == 299]
    demo.codings.set_span(coding.id, 299, 580)
    stale = next(
        d for d in review_coders(demo, ["Ana", "Ben", "Cy"]).differences if d.code_id == 16
    )
    assert stale.decision is None
    assert stale.stale == decided.decision
    assert stale.sides == (((299, 452),), ((299, 580),), ((299, 523),))
    # Deciding again replaces it; undoing that brings the first decision back exactly.
    redone = decide(
        demo, found.coders[0], found.coders[1], stale, Choice.FIRST, coders=found.coders
    )
    assert redone.withdrawn == (decided.decision,)
    assert [(c.start, c.end) for c in demo.codings.for_document(1, consensus.id)] == [(299, 452)]
    withdraw(demo, redone)
    assert demo.decisions.get(decided.decision.id) == decided.decision
    held = {(c.start, c.end) for c in demo.codings.for_document(1, consensus.id)}
    assert (299, 523) in held
    assert (299, 452) not in held


def test_a_whole_article_decision_goes_stale_and_is_decided_again(demo: Project) -> None:
    found = review(demo, "Ana", "Ben")
    item = next(
        d for d in found.differences if d.document_id == 1 and d.whole_article_by == 0
    )  # Ana's whole-article Other / unclear
    decided = decide(demo, found.first, found.second, item, Choice.FIRST)
    assert [(c.start, c.end) for c in decided.codings] == [(None, None)]
    (whole,) = [
        c
        for c in demo.codings.for_document(1, found.first.id)
        if c.code_id == item.code_id and c.start is None
    ]
    demo.codings.delete(whole.id)  # Ana takes hers back
    stale = next(d for d in review(demo, "Ana", "Ben").differences if d.stale == decided.decision)
    assert stale.whole == (False, False)
    assert stale.kind == "changed since decided"
    redone = decide(demo, found.first, found.second, stale, Choice.FIRST)
    assert redone.codings == ()
    assert redone.removed == decided.codings  # the consensus' whole-article coding went
    assert redone.withdrawn == (decided.decision,)
    assert not [d for d in review(demo, "Ana", "Ben").differences if d.stale is not None]
