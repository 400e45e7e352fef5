"""The α_U interval against a from-scratch recomputation: for a resample, the drawn articles
are joined end to end (in order, an article drawn twice twice in a row), each coder's units are
placed on that new continuum and D_O and D_E are summed segment by segment from the definition
(Krippendorff 2004, pp. 251–256), with nothing taken from the engine. Drawing every article
once must give back the estimate itself."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.agreement.bootstrap import draws
from annotator.agreement.levels import Continuum
from annotator.agreement.unitizing import disagreements, merge_units
from annotator.agreement.unitizing_interval import resampled_disagreements, unitizing_intervals
from tests.agreement.conftest import Build
from tests.agreement.studies import row

Spans = list[tuple[int, int]]


def _segments(units: Spans, length: int) -> list[tuple[int, int, bool]]:
    """A coder's continuum as (begin, end, is a unit), units and the gaps between them."""
    found, position = [], 0
    for begin, end in units:
        if begin > position:
            found.append((position, begin, False))
        found.append((begin, end, True))
        position = end
    if position < length:
        found.append((position, length, False))
    return found


def _definition(coders: list[Spans], length: int) -> tuple[float, float]:
    """D_O and D_E of coders' (merged, sorted) units on ``[0, length)``, segment by segment."""
    m = len(coders)
    segments = [_segments(units, length) for units in coders]
    observed = 0.0
    for i in range(m):
        for j in range(i + 1, m):
            for bg, eg, unit_g in segments[i]:
                for bh, eh, unit_h in segments[j]:
                    if unit_g and unit_h and bg < eh and bh < eg:
                        observed += (bg - bh) ** 2 + (eg - eh) ** 2
                    elif unit_g and not unit_h and bh <= bg and eg <= eh:
                        observed += (eg - bg) ** 2
                    elif unit_h and not unit_g and bg <= bh and eh <= eg:
                        observed += (eh - bh) ** 2
    observed = 2 * observed / (m * (m - 1) * length**2)
    units = [e - b for s in segments for b, e, u in s if u]
    gaps = [e - b for s in segments for b, e, u in s if not u]
    n = len(units)
    if not n:
        return observed, 0.0
    numerator = sum(
        (n - 1) * (2 * g**3 - 3 * g**2 + g) / 3 + g**2 * sum(h - g + 1 for h in gaps if h >= g)
        for g in units
    )
    denominator = m * length * (m * length - 1) - sum(g * (g - 1) for g in units)
    return observed, 2 / length * numerator / denominator


def _joined(
    articles: list[int], spans: list[list[Spans]], weights: np.ndarray
) -> tuple[list[Spans], int]:
    """Every coder's units on the drawn articles joined end to end, and its length.
    ``spans[c][a]``: coder c's spans in article a (positions within the article)."""
    coders: list[Spans] = [[] for _ in spans]
    offset = 0
    for article, length in enumerate(articles):
        for _ in range(int(weights[article])):
            for c, mine in enumerate(spans):
                coders[c] += [(offset + b, offset + e) for b, e in mine[article]]
            offset += length
    merged = []
    for units in coders:
        begins, ends = merge_units(units)
        merged.append(list(zip(begins.tolist(), ends.tolist(), strict=True)))
    return merged, offset


def _continuum(articles: list[int], spans: list[list[Spans]]) -> Continuum:
    """The engine's continuum of the articles, every article once."""
    starts = np.concatenate([[0], np.cumsum(articles)[:-1]]).astype(np.int64)
    units = [
        merge_units(
            [
                (int(s) + b, int(s) + e)
                for s, mine in zip(starts, coder, strict=True)
                for b, e in mine
            ]
        )
        for coder in spans
    ]
    return Continuum(int(sum(articles)), starts, {1: units})


@st.composite
def _study(draw: st.DrawFn) -> tuple[list[int], list[list[Spans]]]:
    """A few articles, some shorter than units elsewhere, and each coder's spans in them:
    none, one, several (touching, overlapping, at the edges, the whole article)."""
    articles = draw(st.lists(st.integers(1, 40), min_size=2, max_size=6))
    coders = draw(st.integers(2, 3))
    spans: list[list[Spans]] = []
    for _ in range(coders):
        mine = []
        for length in articles:
            here = []
            for _ in range(draw(st.integers(0, 3))):
                a = draw(st.integers(0, length - 1))
                b = draw(st.integers(a + 1, length))
                here.append((a, b))
            mine.append(here)
        spans.append(mine)
    return articles, spans


@settings(max_examples=300, deadline=None)
@given(_study(), st.data())
def test_each_resample_is_alpha_u_of_the_drawn_articles_joined(
    study: tuple[list[int], list[list[Spans]]], data: st.DataObject
) -> None:
    articles, spans = study
    continuum = _continuum(articles, spans)
    if not any(len(b) for b, _ in continuum.units[1]):
        return
    rows = [
        data.draw(st.lists(st.integers(0, 3), min_size=len(articles), max_size=len(articles)))
        for _ in range(4)
    ]
    weights = np.array([drawn for drawn in rows if any(drawn)] or [[1] * len(articles)], float)
    found = resampled_disagreements(continuum, [1], weights, len(spans))
    for k, drawn in enumerate(weights):
        coders, length = _joined(articles, spans, drawn)
        expected = _definition(coders, length)
        assert np.allclose((found[1][0][k], found[1][1][k]), expected, rtol=1e-9, atol=1e-15)
    # Every article drawn once is the continuum of the estimate itself.
    once = resampled_disagreements(continuum, [1], np.ones((1, len(articles))), len(spans))
    estimate = disagreements(continuum.units[1], continuum.length)
    assert np.allclose([once[1][0][0], once[1][1][0]], estimate, rtol=1e-9, atol=1e-15)


def _layout() -> tuple[list[int], list[list[Spans]]]:
    """Twelve articles of 200 characters, coded only in every third one (the uncoded stretches
    run on through the articles between), one coder off by 4 characters and once elsewhere."""
    articles = [200] * 12
    first: list[Spans] = [[] for _ in articles]
    second: list[Spans] = [[] for _ in articles]
    for a in (1, 4, 7, 10):
        first[a] = [(100, 180)]
        second[a] = [(104, 180)] if a != 7 else [(20, 60)]
    return articles, [first, second]


def test_interval_is_the_percentile_interval_of_the_joined_resamples() -> None:
    articles, spans = _layout()
    continuum = _continuum(articles, spans)
    intervals, overall = unitizing_intervals(continuum, [1], [1], 2)
    values = []
    for drawn in draws(len(articles)):
        coders, length = _joined(articles, spans, drawn)
        observed, expected = _definition(coders, length)
        if expected > 0:
            values.append(1 - observed / expected)
    assert len(values) >= 900
    reference = np.percentile(values, [2.5, 97.5])
    assert intervals[1].bounds is not None
    assert np.allclose(intervals[1].bounds, reference, atol=1e-12)
    assert overall.bounds == intervals[1].bounds
    # Every resample with a unit in it is defined: a stretch running on through undrawn
    # articles never leaves D_E at zero.
    assert len(values) == sum(
        1 for drawn in draws(len(articles)) if any(drawn[a] for a in (1, 4, 7, 10))
    )


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


def test_a_project_s_interval_recomputes_alpha_u_on_the_drawn_articles(build: Build) -> None:
    """Built as a user builds it: 12 articles, two coders, the code only in every third
    article; the report's interval is that of α_U recomputed on each resample's articles
    joined end to end (with the old resampling of stretches it was [-0.15, 1.00], not [0.19,
    1.00])."""
    study = build({"Motive": (True, ["Subsistence", "Political"])}, 12, words=40)
    names = sorted(study.ids)
    articles = [study.lengths[name] for name in names]
    spans: list[list[Spans]] = [[[] for _ in names] for _ in range(2)]
    for a in (1, 4, 7, 10):
        for coder, span in enumerate([(100, 180), (104, 180) if a != 7 else (20, 60)]):
            study.code("AB"[coder], names[a], "Motive > Subsistence", span)
            spans[coder][a].append(span)
    study.done("A", *names)
    study.done("B", *names)
    report = study.measure(levels=("unitizing",), codes=("Motive > Subsistence",))
    figure = row(report, "unitizing", "Motive > Subsistence")
    values = []
    for weights in draws(len(names)):
        coders, length = _joined(articles, spans, weights)
        observed, expected = _definition(coders, length)
        if expected > 0:
            values.append(1 - observed / expected)
    assert figure.alpha_ci95 is not None
    assert np.allclose(figure.alpha_ci95, np.percentile(values, [2.5, 97.5]), atol=1e-12)
