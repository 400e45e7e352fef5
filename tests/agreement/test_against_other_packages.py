"""Our coefficients agree with independent implementations on random data (to 1e-9):
krippendorff (α), statsmodels (Fleiss' κ on complete data, Cohen's κ) and irrCAC, Gwet's own
package ported to Python (Fleiss' κ with missing ratings, AC1). Undefined values must be
undefined in both."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.agreement import coefficients as ours
from annotator.agreement.ratings import MISSING, Ratings

krippendorff = pytest.importorskip("krippendorff")
inter_rater = pytest.importorskip("statsmodels.stats.inter_rater")

TOLERANCE = 1e-9


@st.composite
def ratings(draw: st.DrawFn, *, complete: bool = False, coders: int | None = None) -> Ratings:
    categories = draw(st.integers(2, 4))
    m = coders or draw(st.integers(2, 4))
    units = draw(st.integers(1, 30))
    lowest = 0 if complete else MISSING
    values = draw(
        st.lists(
            st.lists(st.integers(lowest, categories - 1), min_size=m, max_size=m),
            min_size=units,
            max_size=units,
        )
    )
    return Ratings.of(values, categories)


def _reliability_data(r: Ratings) -> np.ndarray:
    """krippendorff's layout: coders × units, NaN for missing."""
    data = r.values.T.astype(float)
    data[data == MISSING] = np.nan
    return data


def _theirs_alpha(r: Ratings) -> float | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = krippendorff.alpha(
                reliability_data=_reliability_data(r),
                level_of_measurement="nominal",
                value_domain=list(range(r.categories)),
            )
    except (ValueError, ZeroDivisionError):
        return None
    return None if np.isnan(value) else float(value)


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= TOLERANCE


@settings(max_examples=300, deadline=None)
@given(ratings())
def test_alpha_matches_krippendorff(r: Ratings) -> None:
    value, note = ours.krippendorff_alpha(r)
    assert _close(value, _theirs_alpha(r)), (value, note)
    assert (value is None) == bool(note)


@settings(max_examples=200, deadline=None)
@given(ratings(complete=True))
def test_fleiss_matches_statsmodels_on_complete_data(r: Ratings) -> None:
    table = r.counts()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = float(inter_rater.fleiss_kappa(table, method="fleiss"))
    value, note = ours.fleiss_kappa(r)
    if np.isnan(theirs):
        assert value is None
        assert "chance agreement is 1" in note
    else:
        assert _close(value, theirs)


@settings(max_examples=200, deadline=None)
@given(ratings(coders=2))
def test_cohen_matches_statsmodels(r: Ratings) -> None:
    first, second = r.values[:, 0], r.values[:, 1]
    both = (first >= 0) & (second >= 0)
    value, note = ours.cohen_kappa(r)
    if not both.any():
        assert value is None
        assert note == ours.NO_PAIRS
        return
    table = np.zeros((r.categories, r.categories))
    np.add.at(table, (first[both], second[both]), 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = float(inter_rater.cohens_kappa(table).kappa)
    if np.isnan(theirs):
        assert value is None
    else:
        assert _close(value, theirs)


def _compared(r: Ratings) -> np.ndarray:
    """The units two or more coders rated: the only ones a report compares."""
    return r.values[(r.values >= 0).sum(axis=1) >= 2]


def _irrcac(r: Ratings):  # type: ignore[no-untyped-def]
    """irrCAC given exactly the units compared (a unit one coder rated alone is compared with
    nobody; irrCAC would count it in the chance shares π_k)."""
    raw = pytest.importorskip("irrCAC.raw")
    pandas = pytest.importorskip("pandas")
    data = _compared(r).astype(float)
    data[data == MISSING] = np.nan
    with warnings.catch_warnings():  # pandas warns inside irrCAC about its own copies
        warnings.simplefilter("ignore")
        return raw.CAC(pandas.DataFrame(data), categories=list(range(r.categories)), digits=15)


def _has_pairs(r: Ratings) -> bool:
    # irrCAC's standard errors divide by n(n − 1): give it two or more units compared.
    return len(_compared(r)) >= 2


def _estimate(method) -> dict | None:  # type: ignore[no-untyped-def]
    """irrCAC's estimate, or None where it divides by zero (chance agreement of 1)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return method()["est"]  # type: ignore[no-any-return]
    except ZeroDivisionError:
        return None


@pytest.mark.irrcac
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(ratings().filter(_has_pairs))
def test_fleiss_and_ac1_with_missing_ratings_match_irrcac(r: Ratings) -> None:
    cac = _irrcac(r)
    fleiss, gwet = _estimate(cac.fleiss), _estimate(cac.gwet)
    value, note = ours.fleiss_kappa(r)
    if fleiss is None or abs(1 - fleiss["pe"]) < 1e-9:  # theirs: 0/0, or 0/0 off by rounding
        assert value is None
        assert "chance agreement is 1" in note
    else:
        assert _close(value, fleiss["coefficient_value"])
    assert gwet is not None
    assert _close(ours.gwet_ac1(r)[0], gwet["coefficient_value"])
    assert _close(ours.percent_agreement(r)[0], gwet["pa"])


@settings(max_examples=150, deadline=None)
@given(ratings(), st.data())
def test_weighted_units_equal_the_same_units_repeated(r: Ratings, data: st.DataObject) -> None:
    """Characters of a run are one weighted unit: that must change nothing."""
    weights = data.draw(st.lists(st.integers(1, 5), min_size=len(r.values), max_size=len(r.values)))
    weighted = Ratings.of(r.values, r.categories, weights=weights)
    repeated = Ratings.of(weighted.expanded(), r.categories)
    for function in (
        ours.percent_agreement,
        ours.cohen_kappa,
        ours.fleiss_kappa,
        ours.krippendorff_alpha,
        ours.gwet_ac1,
    ):
        a, b = function(weighted)[0], function(repeated)[0]
        assert (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1e-9)


@settings(max_examples=150, deadline=None)
@given(ratings(), st.data())
def test_units_only_one_coder_rated_change_nothing(r: Ratings, data: st.DataObject) -> None:
    """An article that counts for one coder is compared with nobody: adding such units (any
    values, any coder) moves no coefficient, the chance shares of Fleiss' κ and AC1
    included."""
    extra = data.draw(
        st.lists(
            st.tuples(st.integers(0, r.coders - 1), st.integers(0, r.categories - 1)),
            min_size=1,
            max_size=10,
        )
    )
    alone = np.full((len(extra), r.coders), MISSING)
    for row, (coder, value) in enumerate(extra):
        alone[row, coder] = value
    more = Ratings.of(np.vstack([r.values, alone]), r.categories)
    for function in (
        ours.percent_agreement,
        ours.cohen_kappa,
        ours.fleiss_kappa,
        ours.krippendorff_alpha,
        ours.gwet_ac1,
        ours.positive_agreement,
    ):
        assert function(r) == function(more), function.__name__
