"""Disagreement review on the demo project: the differences, decisions as consensus codings
(originals untouched), undo and redo, adopting agreements, and the consensus in exports."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from annotator.domain.errors import UserError
from annotator.domain.model import Choice, DocumentStatus
from annotator.services import create_project
from annotator.services.agreement import CONSENSUS, Request, measure
from annotator.services.consensus import adopt_agreements, decide, reinstate, review, withdraw
from annotator.services.exports import export_segments
from annotator.storage import Project


@pytest.fixture
def demo(tmp_path: Path) -> Project:
    project = create_project(tmp_path / "demo.annotator", demo=True)
    yield project  # type: ignore[misc]
    project.close()


def _by_coder(project: Project) -> dict[str, int]:
    names = {c.id: c.name for c in project.coders.all()}
    counts: dict[str, int] = {}
    for _, coder, *_ in project.codings.rows():
        counts[names[coder]] = counts.get(names[coder], 0) + 1
    return counts


def _find(found, document: str, path: str, kind: str | None = None):  # type: ignore[no-untyped-def]
    return next(
        d
        for d in found.differences
        if d.document_name == document and d.code_path == path and kind in (None, d.kind)
    )


def test_differences_of_the_demo(demo: Project) -> None:
    found = review(demo, "Ana", "Ben")
    assert found.articles == 8
    # In 03 Ana coded "I wanted to be paid…" Subsistence, Ben Family / personal.
    ana = _find(found, "03_construction-crew", "Motive > Subsistence", "first only")
    ben = _find(found, "03_construction-crew", "Motive > Family / personal")
    assert (ana.kind, ana.first, ana.second) == ("first only", ((1692, 1751),), ())
    assert (ben.kind, ben.first, ben.second) == ("second only", (), ((1692, 1751),))
    text = demo.documents.text(ana.document_id)
    assert text[1692:1751].startswith("I wanted to be paid")
    # Article level: Ana coded 01 as a whole Other / unclear, Ben marked its headline so.
    whole = _find(found, "01_restaurant-workers", "Motive > Other / unclear")
    assert (whole.kind, whole.extent) == ("whole article: first only", None)
    headline = _find(found, "01_restaurant-workers", "Motive > Other / unclear", "second only")
    assert headline.second == ((0, 70),)
    assert len(found.differences) == 27
    assert all(d.decision is None for d in found.differences)


def test_a_decision_writes_consensus_codings_and_leaves_the_coders_alone(demo: Project) -> None:
    before = _by_coder(demo)
    found = review(demo, "Ana", "Ben")
    ana, ben = demo.coders.find("Ana"), demo.coders.find("Ben")
    item = _find(found, "03_construction-crew", "Motive > Subsistence", "first only")
    decided = decide(demo, ana, ben, item, Choice.FIRST, reason="he says he wanted pay")
    [coding] = decided.codings
    assert (coding.start, coding.end, coding.memo) == (1692, 1751, "he says he wanted pay")
    assert demo.coders.get(coding.coder_id).name == CONSENSUS
    after = _by_coder(demo)
    assert after.pop(CONSENSUS) == 1
    assert after == before
    again = review(demo, "Ana", "Ben")
    decision = _find(again, "03_construction-crew", "Motive > Subsistence", "first only").decision
    assert decision is not None
    assert (decision.choice, decision.reason) == (Choice.FIRST, "he says he wanted pay")
    with pytest.raises(UserError, match="decided already"):
        decide(
            demo,
            ana,
            ben,
            _find(again, "03_construction-crew", "Motive > Subsistence", "first only"),
            Choice.SECOND,
        )
    # Undo and redo: the same coding and decision come back.
    withdraw(demo, decided)
    assert CONSENSUS not in _by_coder(demo)
    assert demo.decisions.count() == 0
    reinstate(demo, decided)
    assert demo.codings.get(coding.id) == coding
    assert demo.decisions.get(decided.decision.id) == decided.decision


def test_neither_both_and_edited(demo: Project) -> None:
    found = review(demo, "Ana", "Ben")
    ana, ben = demo.coders.find("Ana"), demo.coders.find("Ben")
    first = _find(found, "03_construction-crew", "Motive > Subsistence")
    neither = decide(demo, ana, ben, first, Choice.NEITHER, reason="not a motive")
    assert neither.codings == ()
    assert neither.decision.reason == "not a motive"
    boundaries = [d for d in found.differences if d.kind == "boundaries differ"]
    assert boundaries  # the demo's coders disagree on some passages' extent
    both = decide(demo, ana, ben, boundaries[0], Choice.BOTH)
    assert {(c.start, c.end) for c in both.codings} == set(
        boundaries[0].first + boundaries[0].second
    )
    second = _find(found, "03_construction-crew", "Motive > Family / personal")
    with pytest.raises(UserError, match="select the passage"):
        decide(demo, ana, ben, second, Choice.EDITED)
    edited = decide(demo, ana, ben, second, Choice.EDITED, edited=[(1694, 1751)])
    assert [(c.start, c.end) for c in edited.codings] == [(1694, 1751)]


def test_adopting_agreements_then_the_consensus_is_a_coder_like_any(
    demo: Project, tmp_path: Path
) -> None:
    ana, ben = demo.coders.find("Ana"), demo.coders.find("Ben")
    made, _ = adopt_agreements(demo, ana, ben)
    assert made
    again, _ = adopt_agreements(demo, ana, ben)
    assert again == ()  # nothing twice
    consensus = demo.coders.find(CONSENSUS)
    assert all(c.coder_id == consensus.id for c in made)
    target = tmp_path / "segments.csv"
    export_segments(demo, target)
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert sum(1 for r in rows if r["coder"] == CONSENSUS) == len(made)
    # Ana against the consensus: every coding the consensus has is one of Ana's.
    for document in demo.documents.lengths():
        demo.statuses.mark(document, consensus.id, DocumentStatus.DONE)
    report = measure(demo, Request(coders=["Ana", CONSENSUS], levels=("segment",)))
    assert report.coders == ("Ana", CONSENSUS)
    overall = report.measures[0]
    assert overall.percent_agreement is not None
    assert 0 < overall.percent_agreement < 1


def test_the_consensus_takes_nothing_beside_a_whole_article_code_of_an_exclusive_dimension(
    demo: Project,
) -> None:
    """A whole-article coding covers the article: once the consensus has Ana's whole-article
    Other / unclear for 01, Ben's Subsistence passage there is refused unless the user lets it
    replace that (nothing written, the decision not recorded); his headline of Other / unclear
    is taken."""
    ana, ben = demo.coders.by_name("Ana"), demo.coders.by_name("Ben")
    assert ana is not None
    assert ben is not None
    found = review(demo, "Ana", "Ben")
    article = "01_restaurant-workers"
    decide(demo, ana, ben, _find(found, article, "Motive > Other / unclear"), Choice.FIRST)
    subsistence = _find(found, article, "Motive > Subsistence")
    before = _by_coder(demo)
    with pytest.raises(UserError, match="'Motive' is exclusive") as refused:
        decide(demo, ana, ben, subsistence, Choice.SECOND)
    assert "the consensus has 'Motive > Other / unclear' on the whole article" in str(refused.value)
    assert _by_coder(demo) == before  # nothing written, the decision not recorded either
    again = _find(review(demo, "Ana", "Ben"), article, "Motive > Subsistence")
    assert again.decision is None
    headline = _find(found, article, "Motive > Other / unclear", "second only")
    assert [(c.start, c.end) for c in decide(demo, ana, ben, headline, Choice.SECOND).codings] == [
        (0, 70)
    ]
