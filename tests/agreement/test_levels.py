"""Units of analysis on small studies worked out by hand: article level, character level
(with an exclusive dimension and a coder's clash), missing articles, unitizing, segments."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.agreement.levels import ArticleLevel, CharacterLevel
from annotator.agreement.ratings import MISSING
from annotator.agreement.report import Options, measure_agreement
from annotator.agreement.segments import differences, matched, overlap
from annotator.agreement.study import Dimension, Study

MOTIVE = Dimension(1, "Motive", True, (11, 12))
ACTOR = Dimension(2, "Actor", False, (21,))
PATHS = {11: "Motive > Hunger", 12: "Motive > Politics", 21: "Actor > Worker"}
PARTS = {11: ("Motive", "Hunger"), 12: ("Motive", "Politics"), 21: ("Actor", "Worker")}


def _study(codings, counted=({1, 2}, {1, 2}), lengths=None):  # type: ignore[no-untyped-def]
    return Study.of(
        coders=["Ana", "Ben"],
        lengths=lengths or {1: 10, 2: 20},
        counted=list(counted),
        dimensions=[MOTIVE, ACTOR],
        paths=PATHS,
        codings=codings,
        parts=PARTS,
    )


def _characters(ratings):  # type: ignore[no-untyped-def]
    chars = {}
    for (a, b), weight in zip(ratings.values.tolist(), ratings.weights.tolist(), strict=True):
        chars[(a, b)] = chars.get((a, b), 0) + weight
    return chars


def test_character_level_counts_each_character_once_per_coder() -> None:
    # Ana codes Hunger on [0, 5) twice over (overlapping), Ben on [3, 8); article 2 uncoded.
    study = _study([(1, 0, 11, 0, 5), (1, 0, 11, 2, 4), (1, 1, 11, 3, 8)])
    ratings = CharacterLevel(study).code(11)
    # both: 3..5; Ana only 0..3; Ben only 5..8; neither: 8..10 and the 20 of article 2.
    assert _characters(ratings) == {(1, 1): 2, (1, 0): 3, (0, 1): 3, (0, 0): 22}
    assert int(ratings.weights.sum()) == 30


def test_a_whole_article_coding_covers_the_articles_characters() -> None:
    # Ben codes article 1 as a whole with Hunger besides his passage [3, 8): all 10 characters.
    study = _study([(1, 0, 11, 0, 5), (1, 1, 11, 3, 8), (1, 1, 11, None, None)])
    assert _characters(CharacterLevel(study).code(11)) == {(1, 1): 5, (0, 1): 5, (0, 0): 20}


def test_an_article_that_does_not_count_for_a_coder_is_missing_not_absent() -> None:
    codings = [(1, 0, 21, 0, 4), (2, 0, 21, 0, 4), (2, 1, 21, 0, 4)]
    study = _study(codings, counted=({1, 2}, {2}))
    article = ArticleLevel(study).code(21)
    assert article.values.tolist() == [[1, MISSING], [1, 1]]
    report = measure_agreement(study, Options(levels=("document",), bootstrap=False))
    worker = next(m for m in report.measures if m.name == "Actor > Worker")
    assert worker.units == 1  # only article 2 is compared
    assert worker.percent_agreement == 1.0
    assert report.documents == 1


def test_exclusive_dimension_per_character_and_a_coders_clash() -> None:
    # Ana: Hunger [0, 6) and Politics [4, 8) → 4..6 clash; Ben: Hunger [0, 8).
    study = _study([(1, 0, 11, 0, 6), (1, 0, 12, 4, 8), (1, 1, 11, 0, 8)], counted=({1}, {1}))
    ratings, labels, conflicts = CharacterLevel(study).dimension(MOTIVE)
    assert labels == ["(none)", "Hunger", "Politics"]
    assert conflicts.characters == (2, 0)
    seen = {}
    for row, weight in zip(ratings.values.tolist(), ratings.weights.tolist(), strict=True):
        seen[tuple(row)] = seen.get(tuple(row), 0) + weight
    assert seen == {(1, 1): 4, (MISSING, 1): 2, (2, 1): 2, (0, 0): 2}
    report = measure_agreement(study, Options(levels=("character",), bootstrap=False))
    assert any("Ana gave two or more Motive codes to 2 characters" in w for w in report.warnings)
    [confusion] = report.confusions
    assert confusion.counts[1][1] == 4
    assert confusion.counts[2][1] == 2


def test_article_level_dimension_compares_sets_of_codes() -> None:
    codings = [(1, 0, 11, None, None), (1, 0, 12, 0, 3), (1, 1, 11, 5, 9), (2, 1, 12, 0, 2)]
    ratings, labels = ArticleLevel(_study(codings)).dimension(MOTIVE)
    assert sorted(labels) == sorted(["Hunger + Politics", "Hunger", "(none)", "Politics"])
    named = [[labels[v] for v in row] for row in ratings.values.tolist()]
    assert named == [["Hunger + Politics", "Hunger"], ["(none)", "Politics"]]


def test_unitizing_uses_only_articles_that_count_for_every_coder() -> None:
    codings = [(1, 0, 11, 0, 5), (1, 1, 11, 0, 5), (2, 0, 11, 0, 20)]
    report = measure_agreement(
        _study(codings, counted=({1, 2}, {1})), Options(levels=("unitizing",), bootstrap=False)
    )
    hunger = next(m for m in report.measures if m.name == "Motive > Hunger")
    assert hunger.units == 10  # article 1 only
    assert hunger.krippendorff_alpha == 1.0


def test_segment_matching_by_overlap_share() -> None:
    assert overlap((0, 10), (1, 10)) == pytest.approx(0.9)
    assert overlap((0, 10), (10, 20)) == 0.0
    assert matched([(0, 10), (20, 30)], [(1, 10)], 0.9) == [True, False]
    found = differences([(0, 10), (20, 30), (40, 50)], [(1, 10), (25, 35)], 0.9)
    assert [(d.first, d.second, d.kind) for d in found] == [
        (((20, 30),), ((25, 35),), "boundaries differ"),
        (((40, 50),), (), "only first"),
    ]
    codings = [(1, 0, 21, 0, 10), (1, 1, 21, 1, 10), (1, 0, 21, 12, 14)]
    report = measure_agreement(_study(codings), Options(levels=("segment",)))
    worker = next(m for m in report.measures if m.name == "Actor > Worker")
    assert (worker.units, worker.percent_agreement) == (3, pytest.approx(2 / 3))


def test_undefined_values_are_null_with_the_reason() -> None:
    """agreement.md pitfalls 1 and 3: every unit the same; one unit only."""
    # Both coders give Worker to both articles: no variation, κ's chance agreement is 1.
    codings = [(d, c, 21, None, None) for d in (1, 2) for c in (0, 1)]
    report = measure_agreement(_study(codings), Options(levels=("document",)))
    worker = next(m for m in report.measures if m.name == "Actor > Worker")
    assert (worker.applied, worker.percent_agreement, worker.positive_agreement) == (True, 1, 1)
    assert worker.cohen_kappa is None
    assert worker.krippendorff_alpha is None
    assert worker.fleiss_kappa is None
    assert worker.alpha_ci95 is None
    assert "chance agreement is 1" in worker.note
    assert "no variation" in worker.note
    assert worker.gwet_ac1 == 1.0  # AC1 stays defined (as irrCAC's)
    # One article only: α from a single unit of two different values is 0, but no interval.
    one = [(1, 0, 21, None, None)]
    report = measure_agreement(_study(one, counted=({1}, {1})), Options(levels=("document",)))
    worker = next(m for m in report.measures if m.name == "Actor > Worker")
    assert worker.krippendorff_alpha is not None
    assert worker.alpha_ci95 is None
    assert "no interval for α: an interval needs two or more articles" in worker.note


def test_a_code_nobody_applied_is_marked_so_at_every_level() -> None:
    report = measure_agreement(_study([]), Options(levels=("document", "character")))
    hunger = [m for m in report.measures if m.name == "Motive > Hunger"]
    assert len(hunger) == 2
    for row in hunger:
        assert not row.applied
        assert row.note.startswith("not applied: no coder applied it in the articles compared")
        assert row.krippendorff_alpha is None
        assert row.alpha_ci95 is None


def test_one_coder_constant_the_other_varying_gives_kappa_zero() -> None:
    """Pitfall 2: defined, and exactly 0."""
    codings = [(1, 1, 21, None, None)]
    report = measure_agreement(_study(codings), Options(levels=("document",), bootstrap=False))
    worker = next(m for m in report.measures if m.name == "Actor > Worker")
    assert worker.cohen_kappa == 0.0
    assert worker.krippendorff_alpha is not None
    assert worker.krippendorff_alpha <= 0


def test_bootstrap_interval_is_reproducible_and_brackets_alpha() -> None:
    codings = [
        (d, c, 21, None, None)
        for d, c in [(1, 0), (1, 1), (2, 0), (3, 1), (4, 0), (4, 1), (6, 0), (6, 1)]
    ]
    lengths = dict.fromkeys(range(1, 9), 10)
    study = _study(codings, counted=(set(lengths), set(lengths)), lengths=lengths)
    first = measure_agreement(study, Options(levels=("document",)))
    second = measure_agreement(study, Options(levels=("document",)))
    worker = next(m for m in first.measures if m.name == "Actor > Worker")
    assert (
        worker.alpha_ci95
        == next(m for m in second.measures if m.name == "Actor > Worker").alpha_ci95
    )
    assert worker.alpha_ci95 is not None
    assert worker.krippendorff_alpha is not None
    low, high = worker.alpha_ci95
    assert low <= worker.krippendorff_alpha <= high


spans = st.lists(
    st.tuples(st.integers(0, 60), st.integers(1, 25)).map(lambda t: (t[0], t[0] + t[1])),
    max_size=12,
)


@given(spans, spans, st.sampled_from([0.01, 0.5, 0.9, 1.0]))
def test_vectorised_matching_equals_comparing_every_pair(
    first: list[tuple[int, int]], second: list[tuple[int, int]], threshold: float
) -> None:
    expected = [any(overlap(a, b) >= threshold for b in second) for a in first]
    assert matched(first, second, threshold) == expected
