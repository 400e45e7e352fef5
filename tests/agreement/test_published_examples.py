"""Published worked examples, reproduced to the decimals they were published with.

Sources: Wikipedia's articles on Cohen's κ, Fleiss' κ and Krippendorff's α (as used in the
tests of statsmodels and fast-krippendorff); Fleiss (1971) via statsmodels' tests; Krippendorff
(2004) and Gwet (2008) via DKPro Statistics' tests; Gwet (2014, p. 120) via irrCAC's tests;
Krippendorff (1995, p. 57; 2004, p. 254) for α_U via DKPro Statistics' tests.
"""

from __future__ import annotations

import warnings

import pytest

from annotator.agreement import coefficients as ours
from annotator.agreement.ratings import MISSING, Ratings
from annotator.agreement.unitizing import alpha_u, overall


def _table(table: list[list[int]]) -> Ratings:
    """Two coders' units from a contingency table (rows: first coder, columns: second)."""
    units = [[a, b] for a, row in enumerate(table) for b, n in enumerate(row) for _ in range(n)]
    return Ratings.of(units, len(table))


def _letters(units: list[str], alphabet: str) -> Ratings:
    """One string per unit, one letter per coder; '_' is missing."""
    values = [[MISSING if ch == "_" else alphabet.index(ch) for ch in unit] for unit in units]
    return Ratings.of(values, len(alphabet))


def _counts(rows: list[list[int]]) -> Ratings:
    """Units given as counts per category (Fleiss' layout); coder order is immaterial there."""
    values = [[k for k, n in enumerate(row) for _ in range(n)] for row in rows]
    return Ratings.of(values, len(rows[0]))


def approx(expected: float, decimals: int) -> object:
    return pytest.approx(expected, abs=0.5 * 10**-decimals)


def test_cohen_kappa_wikipedia_fifty_applications() -> None:
    r = _table([[20, 5], [10, 15]])
    assert ours.percent_agreement(r)[0] == approx(0.70, 2)
    assert ours.cohen_kappa(r)[0] == approx(0.4, 1)


def test_cohen_kappa_sas_reference_in_statsmodels() -> None:
    assert ours.cohen_kappa(_table([[0, 4, 1], [0, 8, 0], [0, 1, 5]]))[0] == approx(0.4842, 4)


def test_fleiss_kappa_wikipedia_fourteen_raters() -> None:
    r = _counts(
        [
            [0, 0, 0, 0, 14],
            [0, 2, 6, 4, 2],
            [0, 0, 3, 5, 6],
            [0, 3, 9, 2, 0],
            [2, 2, 8, 1, 1],
            [7, 7, 0, 0, 0],
            [3, 2, 6, 3, 0],
            [2, 5, 3, 2, 2],
            [6, 5, 2, 1, 0],
            [0, 2, 2, 3, 7],
        ]
    )
    assert ours.fleiss_kappa(r)[0] == approx(0.210, 3)


def test_fleiss_kappa_fleiss_1971_diagnoses() -> None:
    subjects = [
        "444444",
        "222555",
        "233335",
        "555555",
        "222444",
        "113333",
        "333355",
        "113334",
        "114444",
        "555555",
        "144444",
        "124444",
        "222333",
        "144444",
        "224445",
        "333335",
        "111455",
        "111112",
        "224444",
        "133555",
        "555555",
        "244444",
        "224555",
        "114444",
        "144445",
        "222224",
        "111155",
        "224444",
        "133333",
        "555555",
    ]
    assert ours.fleiss_kappa(_letters(subjects, "12345"))[0] == approx(0.4302445, 7)


def test_krippendorff_alpha_wikipedia_with_missing_values() -> None:
    a = ["*", "*", "*", "*", "*", "3", "4", "1", "2", "1", "1", "3", "3", "*", "3"]
    b = ["1", "*", "2", "1", "3", "3", "4", "3", "*", "*", "*", "*", "*", "*", "*"]
    c = ["*", "*", "2", "1", "3", "4", "4", "*", "2", "1", "1", "3", "3", "*", "4"]
    units = ["".join("_" if x == "*" else x for x in unit) for unit in zip(a, b, c, strict=True)]
    assert ours.krippendorff_alpha(_letters(units, "1234"))[0] == approx(0.691, 3)


def test_krippendorff_2004_binary_and_three_values() -> None:
    pairs = ["10", "11", "01", "00", "00", "01", "00", "01", "00", "00"]
    r = _letters(pairs, "01")
    assert ours.percent_agreement(r)[0] == approx(0.600, 3)
    assert ours.krippendorff_alpha(r)[0] == approx(0.095, 3)
    units = ["aa", "ab", "bb", "bb", "bb", "bb", "bc", "cc", "cc", "cc", "cc", "cc"]
    r = _letters(units, "abc")
    assert ours.percent_agreement(r)[0] == approx(0.833, 3)
    assert ours.krippendorff_alpha(r)[0] == approx(0.734, 3)


def test_krippendorff_2004_four_coders_with_missing_values() -> None:
    units = [
        "BB_B",
        "LLPL",
        "PPPP",
        "PPPP",
        "LLLL",
        "BLPC",
        "CCCC",
        "BBLB",
        "LLLL",
        "_FFF",
        "__BB",
        "__P_",
    ]
    r = _letters(units, "BLPCF")
    assert ours.krippendorff_alpha(r)[0] == approx(0.743, 3)


@pytest.mark.irrcac
def test_gwet_2014_four_raters_with_missing_ratings() -> None:
    """irrCAC's raw_4raters: Gwet's handbook, p. 120."""
    units = [
        "11_1",
        "2232",
        "3333",
        "3333",
        "2222",
        "1234",
        "4444",
        "1121",
        "2222",
        "_555",
        "__11",
        "__3_",
    ]
    r = _letters(units, "12345")
    assert ours.percent_agreement(r)[0] == approx(0.818, 3)
    assert ours.krippendorff_alpha(r)[0] == approx(0.743, 3)
    # The handbook's AC1 0.77544 and Fleiss' κ 0.76117 count the last unit, which one rater
    # rated alone, in the category shares π_k. A report compares only units two or more
    # coders rated, so ours are the handbook's formulas on the other eleven — as irrCAC
    # computes them given those, and it gives the published figures given all twelve.
    raw = pytest.importorskip("irrCAC.raw")
    pandas = pytest.importorskip("pandas")

    def irrcac(rows: list[str]) -> tuple[float, float]:
        table = pandas.DataFrame(
            [[float("nan") if ch == "_" else float(ch) for ch in unit] for unit in rows]
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cac = raw.CAC(table, categories=[1.0, 2.0, 3.0, 4.0, 5.0], digits=15)
            return (
                float(cac.gwet()["est"]["coefficient_value"]),
                float(cac.fleiss()["est"]["coefficient_value"]),
            )

    assert irrcac(units) == (approx(0.77544, 5), approx(0.76117, 5))
    compared = irrcac(units[:-1])
    assert ours.gwet_ac1(r)[0] == pytest.approx(compared[0], abs=1e-12)
    assert ours.fleiss_kappa(r)[0] == pytest.approx(compared[1], abs=1e-12)
    assert ours.gwet_ac1(r)[0] != approx(0.77544, 5)


def test_gwet_five_observers_with_missing_ratings() -> None:
    units = [
        "112_2",
        "1101_",
        "2333_",
        "_00_0",
        "000_0",
        "000_0",
        "102_1",
        "1_20_",
        "222_2",
        "2111_",
        "_100_",
        "0000_",
        "1222_",
        "33223",
        "111_1",
    ]
    r = _letters(units, "0123")
    assert ours.gwet_ac1(r)[0] == approx(0.497, 3)
    assert ours.fleiss_kappa(r)[0] == approx(0.458, 3)
    assert ours.krippendorff_alpha(r)[0] == approx(0.481, 3)


def test_gwet_2008_ac1_and_paradox_table() -> None:
    r = _letters(["yy"] * 8 + ["nn", "yn"], "yn")
    assert ours.percent_agreement(r)[0] == approx(0.9, 1)
    assert ours.gwet_ac1(r)[0] == approx(0.8658, 4)
    paradox = _table([[80, 7], [8, 5]])
    assert ours.percent_agreement(paradox)[0] == approx(0.85, 2)
    assert ours.gwet_ac1(paradox)[0] == approx(0.808, 3)


def test_gwet_contingency_tables_cohen_and_ac1() -> None:
    abstractors = _table([[13, 0, 0], [0, 20, 7], [0, 4, 56]])
    assert ours.cohen_kappa(abstractors)[0] == approx(0.796, 3)
    assert ours.gwet_ac1(abstractors)[0] == approx(0.849, 3)
    diagnosis = _table([[40, 4, 4, 17], [6, 25, 2, 13], [4, 1, 21, 12], [15, 5, 9, 45]])
    assert ours.cohen_kappa(diagnosis)[0] == approx(0.432, 3)
    assert ours.gwet_ac1(diagnosis)[0] == approx(0.456, 3)


# -- α_U ------------------------------------------------------------------------------------


def _spans(
    units: list[tuple[int, int]], shift: int = 0, stretch: float = 1
) -> list[tuple[int, int]]:
    """(begin, length) as DKPro's tests give them → half-open spans."""
    return [
        (int(b * stretch) - shift, int(b * stretch) - shift + int(n * stretch)) for b, n in units
    ]


def test_alpha_u_krippendorff_2004_page_254() -> None:
    c = alpha_u(
        [_spans([(225, 70), (370, 30)], 150), _spans([(220, 80), (355, 20), (400, 20)], 150)],
        300,
    )
    k = alpha_u([_spans([(180, 60), (300, 50)], 150)] * 2, 300)
    assert c.observed == approx(0.0144, 4)
    assert c.expected == approx(0.0532, 4)
    assert c.alpha == approx(0.7286, 4)
    assert (k.observed, k.alpha) == (0.0, 1.0)
    assert k.expected == approx(0.0490, 4)
    assert overall([c, k]).alpha == pytest.approx(0.8591, abs=0.0005)


EXAMPLES_1995 = {
    "A": ([(2, 8), (14, 6)], [(4, 4), (15, 2)]),
    "B": ([(0, 18)], [(0, 2), (2, 1), (3, 1), (4, 1), (5, 1), (6, 3), (9, 1)]),
    "C": ([(2, 6), (10, 2), (14, 4), (20, 2)], [(0, 2), (4, 4), (10, 4), (16, 2), (20, 2)]),
    "D": (
        [(0, 2), (2, 8), (10, 4), (14, 6), (20, 4)],
        [(0, 4), (4, 4), (8, 7), (15, 2), (17, 7)],
    ),
}


@pytest.mark.parametrize(
    ("example", "observed", "expected", "alpha"),
    [
        ("A", 0.03125, 0.06990, 0.553),
        ("B", 2.26736, 1.17731, -0.926),
        ("C", 0.02777, 0.08642, 0.679),
        ("D", 0.38715, 0.41445, 0.066),
    ],
)
def test_alpha_u_krippendorff_1995_examples(
    example: str, observed: float, expected: float, alpha: float
) -> None:
    """D_O as published (DKPro: ±1e-5); D_E and α where characters are fine-grained
    (stretched 50,000 times; DKPro's tolerances ±0.005 and ±0.02)."""
    first, second = EXAMPLES_1995[example]
    coarse = alpha_u([_spans(first), _spans(second)], 24)
    assert coarse.observed == pytest.approx(observed, abs=1e-5)
    fine = alpha_u([_spans(first, stretch=50_000), _spans(second, stretch=50_000)], 24 * 50_000)
    assert fine.expected == pytest.approx(expected, abs=0.005)
    assert fine.alpha == pytest.approx(alpha, abs=0.02)


def test_alpha_u_dkpro_unit_against_three_small_ones() -> None:
    """DKPro's UnitizingAgreementTest, with its tolerance of 1e-4."""
    result = alpha_u([[(1, 9)], [(2, 3), (4, 5), (6, 7)]], 10)
    assert result.observed == pytest.approx(0.9100, abs=1e-4)
    assert result.expected == pytest.approx(0.5351, abs=1e-4)
    assert result.alpha == pytest.approx(-0.7003, abs=1e-4)
