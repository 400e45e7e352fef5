"""Per-pair and per-coder agreement: each figure is the engine's on the same subset of coders,
and the pair figures agree with krippendorff and statsmodels computed from the codings."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from statsmodels.stats.inter_rater import cohens_kappa

from annotator.services.agreement import Request, measure
from annotator.services.agreement_pairs import Cancelled, measure_pairs
from annotator.storage import Project
from tests.services.reliability_project import build

LEVELS = ("document", "character")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    opened = build(tmp_path / "three.annotator")
    yield opened  # type: ignore[misc]
    opened.close()


def test_every_pair_equals_the_engine_run_on_the_pair(project: Project) -> None:
    report = measure_pairs(project, Request(levels=LEVELS))
    assert [(p.first, p.second) for p in report.pairs] == [
        ("Ana", "Ben"),
        ("Ana", "Cleo"),
        ("Ben", "Cleo"),
    ]
    for pair in report.pairs:
        by_hand = measure(project, Request(coders=[pair.first, pair.second], levels=LEVELS))
        assert [m.as_dict() for m in pair.report.measures] == [
            m.as_dict() for m in by_hand.measures
        ]
        assert any(m.alpha_ci95 is not None for m in pair.report.measures)
    everyone = measure(project, Request(levels=LEVELS, interval=False))
    assert [m.as_dict() for m in report.everyone.measures] == [
        m.as_dict() for m in everyone.measures
    ]


def test_each_coder_against_the_others_and_the_deviating_coder(project: Project) -> None:
    report = measure_pairs(project, Request(levels=LEVELS))
    key = ("document", "overall", "All codes")
    rows = {row.coder: row for row in report.coder_rows(key)}
    assert set(rows) == {"Ana", "Ben", "Cleo"}
    for coder in rows:
        alphas = [
            next(
                m
                for m in measure(project, Request(coders=list(pair), levels=LEVELS)).measures
                if (m.level, m.scope, m.name) == key
            ).krippendorff_alpha
            for pair in combinations(["Ana", "Ben", "Cleo"], 2)
            if coder in pair
        ]
        assert rows[coder].mean_alpha == pytest.approx(sum(alphas) / 2)  # type: ignore[arg-type]
        assert rows[coder].pairs == 2
        others = [c for c in ("Ana", "Ben", "Cleo") if c != coder]
        without = measure(project, Request(coders=others, levels=LEVELS, interval=False))
        expected = next(m for m in without.measures if (m.level, m.scope, m.name) == key)
        assert rows[coder].alpha_without == pytest.approx(expected.krippendorff_alpha)
    # Cleo codes at random half the time: hers is the lowest mean, and α rises without her.
    assert [c for c, row in rows.items() if row.lowest] == ["Cleo"]
    assert rows["Cleo"].change_without is not None
    assert rows["Cleo"].change_without > 0.2
    assert rows["Ana"].change_without is not None
    assert rows["Ana"].change_without < 0
    data = report.as_dict()
    assert {r["coder"] for r in data["per_coder"] if r["lowest_mean_alpha"]} >= {"Cleo"}
    assert len(data["pairs"]) == 3


def _presence(project: Project, coder: str, code: str) -> list[int]:
    """1 if the coder applied the code in the article, per article (every one is done)."""
    coder_id = project.coders.find(coder).id
    code_id = project.codebook.tree().find(code).id  # type: ignore[union-attr]
    documents = sorted(project.documents.lengths())
    applied = {d for d, c, k, _, _ in project.codings.rows([coder_id]) if k == code_id}
    return [int(d in applied) for d in documents]


def test_pair_figures_agree_with_krippendorff_and_statsmodels(project: Project) -> None:
    report = measure_pairs(project, Request(levels=("document",), interval=False))
    for pair in report.pairs:
        for code in ("Motive > Economic", "Actor > Broker"):
            a = _presence(project, pair.first, code)
            b = _presence(project, pair.second, code)
            found = pair.measure(("document", "code", code))
            assert found is not None
            alpha = krippendorff.alpha(
                reliability_data=[a, b], level_of_measurement="nominal", value_domain=[0, 1]
            )
            assert found.krippendorff_alpha == pytest.approx(alpha)
            table = np.zeros((2, 2))
            for x, y in zip(a, b, strict=True):
                table[x, y] += 1
            assert found.cohen_kappa == pytest.approx(cohens_kappa(table).kappa)


def test_two_coders_one_pair_and_no_figure_without_a_coder(project: Project) -> None:
    report = measure_pairs(project, Request(coders=["Ana", "Cleo"], levels=("document",)))
    assert len(report.pairs) == 1
    rows = report.per_coder
    assert rows
    assert all(r.alpha_without is None and not r.lowest for r in rows)
    assert all(r.pairs <= 1 for r in rows)


def test_progress_counts_engine_runs_and_can_stop(project: Project) -> None:
    seen: list[tuple[int, int]] = []
    measure_pairs(
        project,
        Request(levels=("document",)),
        lambda done, total: seen.append((done, total)) or True,
    )
    assert seen[0] == (0, 7)
    assert seen[-1] == (7, 7)
    with pytest.raises(Cancelled):
        measure_pairs(project, Request(levels=("document",)), lambda done, total: done < 2)
