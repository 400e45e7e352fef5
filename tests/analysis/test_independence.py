"""χ² test of independence checked against scipy (a test dependency, not a runtime one):
``chi2_contingency`` with ``correction=False`` (no Yates correction, for 2 × 2 tables too,
as annotator computes it) on random tables, and the p function against ``chi2.sf``."""

from __future__ import annotations

import math
import random

import pytest
from scipy.stats import chi2 as scipy_chi2
from scipy.stats import chi2_contingency

from annotator.analysis.independence import chi2_survival, chi_square


def _random_table(rng: random.Random) -> list[list[int]]:
    rows, columns = rng.randint(2, 6), rng.randint(2, 7)
    scale = rng.choice([3, 10, 50, 400])
    return [[rng.randint(1, scale) for _ in range(columns)] for _ in range(rows)]


@pytest.mark.parametrize("seed", range(40))
def test_random_tables_match_scipy(seed: int) -> None:
    table = _random_table(random.Random(seed))
    ours = chi_square(table)
    assert ours is not None
    chi2, p, df, expected = chi2_contingency(table, correction=False)
    assert ours.chi2 == pytest.approx(chi2, rel=1e-10)
    assert ours.df == df
    assert ours.p == pytest.approx(p, rel=1e-8, abs=1e-300)
    n = sum(map(sum, table))
    assert ours.cramers_v == pytest.approx(math.sqrt(chi2 / (n * (min(expected.shape) - 1))))
    assert ours.small_expected == int((expected < 5).sum())
    assert bool(ours.warning) == bool((expected < 5).any())


def test_two_by_two_is_uncorrected() -> None:
    table = [[12, 5], [3, 14]]
    chi2, p, _, _ = chi2_contingency(table, correction=False)
    corrected, _, _, _ = chi2_contingency(table, correction=True)
    ours = chi_square(table)
    assert ours is not None
    assert ours.chi2 == pytest.approx(chi2)
    assert ours.chi2 != pytest.approx(corrected)
    assert ours.p == pytest.approx(p)


def test_empty_rows_and_columns_are_left_out() -> None:
    table = [[4, 0, 7], [0, 0, 0], [9, 0, 2]]
    ours = chi_square(table)
    chi2, p, df, _ = chi2_contingency([[4, 7], [9, 2]], correction=False)
    assert ours is not None
    assert (ours.rows, ours.columns, ours.df) == (2, 2, df)
    assert ours.chi2 == pytest.approx(chi2)
    assert ours.p == pytest.approx(p)


def test_undefined_without_two_rows_and_two_columns() -> None:
    assert chi_square([[3, 4, 5]]) is None
    assert chi_square([[3, 0], [4, 0]]) is None
    assert chi_square([]) is None


@pytest.mark.parametrize("df", [1, 2, 3, 5, 10, 30, 100])
@pytest.mark.parametrize("x", [0.01, 0.5, 1.0, 3.84, 10.0, 50.0, 150.0, 400.0])
def test_p_matches_scipy(df: int, x: float) -> None:
    assert chi2_survival(x, df) == pytest.approx(scipy_chi2.sf(x, df), rel=1e-9, abs=1e-300)
