"""The α_U interval's shortcut (per-article sums and a product over a grid of unit lengths)
against the slow way: for a resample, every unit and gap listed as often as its article is
drawn, and D_O and D_E summed pair by pair from the definition. Drawing every article once must
give back the estimate itself."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.agreement.levels import Continuum
from annotator.agreement.unitizing import disagreements, gaps_of, merge_units, pair_terms
from annotator.agreement.unitizing_interval import (
    _disagreements,
    _short_pairs,
    _terms,
    unitizing_intervals,
)


def _continuum(data: st.DataObject, coders: int) -> Continuum:
    lengths = data.draw(st.lists(st.integers(5, 60), min_size=2, max_size=5))
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    units = []
    for _ in range(coders):
        spans = []
        for start, length in zip(starts.tolist(), lengths, strict=True):
            for _ in range(data.draw(st.integers(0, 3))):
                a = data.draw(st.integers(0, length - 1))
                b = data.draw(st.integers(a + 1, length))
                spans.append((start + a, start + b))
        units.append(merge_units(spans))
    return Continuum(int(sum(lengths)), starts, {1: units})


def _slow(continuum: Continuum, weights: np.ndarray) -> tuple[float, float]:
    """D_O and D_E of one resample, from the definition, item by item."""
    units, m = continuum.units[1], len(continuum.units[1])
    starts = continuum.starts
    ends = np.append(starts[1:], continuum.length)

    def article(position: int) -> int:
        return int(np.searchsorted(starts, position, side="right") - 1)

    delta = 0.0
    for i in range(m):
        for j in range(i + 1, m):
            for k in range(continuum.articles):  # each article's units on their own
                inside = [
                    tuple(part[(b >= starts[k]) & (b < ends[k])] for part in (b, e))
                    for b, e in (units[i], units[j])
                ]
                mine, theirs = pair_terms(inside[0], inside[1])
                delta += weights[k] * (mine.sum() + theirs.sum())
    unit_lengths, gap_lengths = [], []
    for b, e in units:
        for begin, end in zip(b.tolist(), e.tolist(), strict=True):
            unit_lengths += [end - begin] * int(weights[article(begin)])
        gap_begins, lengths = gaps_of(b, e, continuum.length)
        for begin, length in zip(gap_begins.tolist(), lengths.tolist(), strict=True):
            gap_lengths += [length] * int(weights[article(begin)])
    length = float(np.dot(weights, ends - starts))
    n = len(unit_lengths)
    numerator = 0.0
    for g in unit_lengths:
        numerator += (n - 1) * (2 * g**3 - 3 * g**2 + g) / 3
        numerator += g**2 * sum(h - g + 1 for h in gap_lengths if h >= g)
    denominator = m * length * (m * length - 1) - sum(g * (g - 1) for g in unit_lengths)
    observed = 2 * delta / (m * (m - 1) * length**2)
    return observed, (2 / length * numerator / denominator if n else 0.0)


def _fast(continuum: Continuum, weights: np.ndarray) -> tuple[float, float]:
    terms = _terms(continuum.units[1], continuum)
    assert terms is not None
    drawn = weights[None, :].astype(np.float64)
    lengths = np.diff(np.append(continuum.starts, continuum.length)).astype(np.float64)
    sums = drawn @ np.hstack([terms.additive, terms.long_gaps])
    pairs = _short_pairs(terms, drawn.astype(np.float32))
    m = len(continuum.units[1])
    observed, expected = _disagreements(sums, drawn @ lengths, pairs, m)
    return float(observed[0]), float(expected[0])


@settings(max_examples=150, deadline=None)
@given(st.data(), st.integers(2, 3))
def test_resampled_disagreements_equal_the_definition(data: st.DataObject, coders: int) -> None:
    continuum = _continuum(data, coders)
    if not any(len(b) for b, _ in continuum.units[1]):
        return
    weights = np.array(
        data.draw(
            st.lists(
                st.integers(0, 3), min_size=continuum.articles, max_size=continuum.articles
            ).filter(any)
        )
    )
    slow, fast = _slow(continuum, weights), _fast(continuum, weights)
    assert np.allclose(fast, slow, rtol=1e-6, atol=1e-12), (fast, slow)
    # Every article drawn once is the continuum of the estimate itself.
    once = np.ones(continuum.articles, dtype=np.int64)
    estimate = disagreements(continuum.units[1], continuum.length)
    assert np.allclose(_fast(continuum, once), estimate, rtol=1e-6, atol=1e-12)
    assert np.allclose(_slow(continuum, once), estimate, rtol=1e-9, atol=1e-12)


def test_interval_brackets_the_estimate_and_says_when_articles_are_few() -> None:
    rng = np.random.default_rng(3)
    starts = np.arange(0, 2400, 200, dtype=np.int64)  # 12 articles of 200 characters
    coders = []
    for shift in (0, 4):
        spans = [(s + 20 + shift, s + 80 + shift) for s in starts.tolist()]
        spans += [(s + 120, s + 150 + int(rng.integers(0, 30))) for s in starts.tolist()]
        coders.append(merge_units(spans))
    continuum = Continuum(2400, starts, {1: coders})
    intervals, overall = unitizing_intervals(continuum, [1], [1], 2)
    observed, expected = disagreements(coders, 2400)
    alpha = 1 - observed / expected
    assert intervals[1].bounds is not None
    low, high = intervals[1].bounds
    assert low <= alpha <= high
    assert overall.bounds == intervals[1].bounds
    assert intervals[1].caution == ""
    three = [(s + 20, s + 80) for s in (0, 200, 400)]
    few = Continuum(600, starts[:3], {1: [merge_units(three), merge_units(three[:2])]})
    interval, _ = unitizing_intervals(few, [1], [1], 2)
    assert "rests on 3 articles (fewer than 10)" in interval[1].caution
    single = Continuum(200, starts[:1], {1: coders})
    interval, _ = unitizing_intervals(single, [1], [1], 2)
    assert interval[1].bounds is None
    assert "two or more articles" in interval[1].why
