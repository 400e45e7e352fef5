"""Agreement on the demo project, checked by hand, and the choices a request makes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from annotator.domain.errors import UserError
from annotator.domain.model import DocumentStatus
from annotator.services import create_project
from annotator.services.agreement import CONSENSUS, Request, draw_sample, measure
from annotator.storage import Project


@pytest.fixture
def demo(tmp_path: Path) -> Project:
    project = create_project(tmp_path / "demo.annotator", demo=True)
    yield project  # type: ignore[misc]
    project.close()


def _measure(report, level: str, name: str):  # type: ignore[no-untyped-def]
    return next(m for m in report.measures if m.level == level and m.name == name)


def test_demo_subsistence_at_article_level_as_worked_out_by_hand(demo: Project) -> None:
    """From corpus/codings.csv: Ana and Ben both coded Subsistence in 03, 07 and 08; Ana alone
    in 06; Ben alone in 01 and 05; neither in 02 and 04. So p_o = 5/8; Ana's yes 4/8, Ben's
    5/8, p_e = 1/2 · 5/8 + 1/2 · 3/8 = 1/2, κ = (5/8 − 1/2)/(1/2) = 1/4; α from 16 values
    (9 yes, 7 no) with 3 disagreeing units: 1 − 15 · 3 / (7 · 9); positive agreement
    2·3 / (2·3 + 1 + 2) = 2/3."""
    report = measure(demo, Request(levels=("document",)))
    subsistence = _measure(report, "document", "Motive > Subsistence")
    assert subsistence.units == 8
    assert subsistence.percent_agreement == pytest.approx(5 / 8)
    assert subsistence.cohen_kappa == pytest.approx(1 / 4)
    assert subsistence.krippendorff_alpha == pytest.approx(1 - 15 * 3 / (7 * 9))
    assert subsistence.positive_agreement == pytest.approx(2 / 3)
    political = _measure(report, "document", "Motive > Political")  # 02, 04, 08 by both
    assert (political.percent_agreement, political.cohen_kappa) == (1.0, pytest.approx(1.0))
    assert report.coders == ("Ana", "Ben")
    assert report.documents == 8


def test_demo_report_has_every_level_and_a_prevalence_warning(demo: Project) -> None:
    report = measure(demo)
    levels = {m.level for m in report.measures}
    assert levels == {"document", "character", "unitizing", "segment"}
    for m in report.measures:
        assert m.units >= 0
        assert m.coders == ("Ana", "Ben")
        for value in (m.percent_agreement, m.cohen_kappa, m.krippendorff_alpha, m.gwet_ac1):
            assert value is None or -1.0 <= value <= 1.0
    assert any("agreement but α" in w for w in report.warnings)
    motive = _measure(report, "character", "Motive")
    assert motive.scope == "dimension"
    assert motive.krippendorff_alpha is not None
    [confusion] = [c for c in report.confusions if c.dimension == "Motive"]
    assert sum(map(sum, confusion.counts)) == motive.units


def test_codes_and_coders_can_be_chosen(demo: Project) -> None:
    report = measure(demo, Request(codes=["Motive > Political"], levels=("document",)))
    assert [m.name for m in report.measures] == ["All codes", "Motive > Political"]
    with pytest.raises(UserError, match="there is no coder 'Cleo'"):
        measure(demo, Request(coders=["Ana", "Cleo"]))
    with pytest.raises(UserError, match="no code or dimension 'Nonsense'"):
        measure(demo, Request(codes=["Nonsense"]))
    with pytest.raises(UserError, match="unknown level"):
        measure(demo, Request(levels=("span",)))


def test_consensus_and_coders_with_nothing_done_are_left_out_by_default(demo: Project) -> None:
    consensus = demo.coders.add(CONSENSUS)
    demo.coders.add("Dana")  # nothing done
    first = demo.documents.names()[0][0]
    demo.statuses.mark(first, consensus.id, DocumentStatus.DONE)
    assert measure(demo, Request(levels=("document",))).coders == ("Ana", "Ben")
    chosen = measure(demo, Request(coders=["Ana", CONSENSUS], levels=("document",)))
    assert chosen.coders == ("Ana", CONSENSUS)
    assert chosen.documents == 1


def test_reliability_sample_is_seeded_and_counts_when_assigned(demo: Project) -> None:
    drawn, changes = draw_sample(demo, 3, ["Ana", "Ben"], seed=7)
    # The documented rule, worked out here: the lowest SHA-256 of "seed:GUID".
    ranks = sorted(
        (hashlib.sha256(f"7:{d.guid}".encode()).hexdigest(), d.id) for d in demo.documents.all()
    )
    again = sorted(d for _, d in ranks[:3])
    assert drawn == again
    assert len(changes.statuses) == 6
    report = measure(demo, Request(counted_by="assigned", levels=("document",)))
    assert report.documents == 3
    with pytest.raises(UserError, match="fewer than 99"):
        draw_sample(demo, 99, ["Ana"], seed=1)
