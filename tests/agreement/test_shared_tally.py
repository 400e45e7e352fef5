"""The engine makes each row's tally once and hands it to every coefficient and to the
bootstrap: the figures must be exactly those of each function run on its own, from scratch,
and the counts those of a plain loop over units and coders."""

from __future__ import annotations

import random

import numpy as np
import pytest

from annotator.agreement import coefficients as co
from annotator.agreement.bootstrap import alpha_interval
from annotator.agreement.levels import ArticleLevel, CharacterLevel
from annotator.agreement.ratings import MISSING, Ratings
from annotator.agreement.report import Options, measure_agreement
from annotator.agreement.study import WHOLE_ARTICLE, Dimension, Study

krippendorff = pytest.importorskip("krippendorff")


def _study(coders: int = 4, articles: int = 30, seed: int = 5) -> Study:
    """Random span codings of five codes in two dimensions (the first exclusive, with some
    clashes left in), some whole-article codings, and articles that do not count for every
    coder (so that units with missing values and units rated by one coder occur)."""
    rng = random.Random(seed)
    lengths = {d: rng.randint(80, 400) for d in range(1, articles + 1)}
    codes = [10, 11, 12, 20, 21]
    dimensions = (Dimension(1, "Tone", True, (10, 11, 12)), Dimension(2, "Actors", False, (20, 21)))
    paths = {code: f"Code {code}" for code in codes}
    counted = [[d for d in lengths if rng.random() < 0.85] for _ in range(coders)]
    codings: list[tuple[int, int, int, int | None, int | None]] = []
    for d, length in lengths.items():
        for _ in range(rng.randint(0, 6)):
            code, start = rng.choice(codes), rng.randrange(length - 20)
            end = min(length, start + rng.randint(5, 120))
            for c in range(coders):
                if rng.random() < 0.8:
                    shift = rng.randint(-6, 6)
                    codings.append((d, c, code, max(0, start + shift), min(length, end + shift)))
        if rng.random() < 0.3:
            codings.append((d, rng.randrange(coders), rng.choice(codes), None, None))
    return Study.of(
        [f"coder {c}" for c in range(coders)], lengths, counted, dimensions, paths, codings
    )


def test_counts_equal_a_plain_loop_over_units_and_coders() -> None:
    rng = np.random.default_rng(3)
    values = rng.integers(MISSING, 5, size=(200, 4))
    expected = np.zeros((200, 5), dtype=np.int64)
    for u in range(200):
        for c in range(4):
            if values[u, c] != MISSING:
                expected[u, values[u, c]] += 1
    assert Ratings.of(values, 5).counts().tolist() == expected.tolist()


@pytest.mark.parametrize("coders", [2, 3, 4])
def test_a_shared_tally_gives_the_figures_of_each_function_on_its_own(coders: int) -> None:
    study = _study(coders)
    character, article = CharacterLevel(study), ArticleLevel(study)
    many = [article.code(10), article.dimension(study.dimensions[1])[0], character.code(20)]
    many += [character.dimension(study.dimensions[0])[0], character.overall(study.codes)]
    for ratings in many:
        tally = co.Tally(ratings)
        shared = co.coefficients(ratings, binary=ratings.categories == 2, tally=tally)
        alone = co.coefficients(ratings, binary=ratings.categories == 2)
        assert shared == alone
        assert shared.percent_agreement == co.percent_agreement(ratings)[0]
        assert shared.fleiss_kappa == co.fleiss_kappa(ratings)[0]
        assert shared.gwet_ac1 == co.gwet_ac1(ratings)[0]
        assert shared.krippendorff_alpha == co.krippendorff_alpha(ratings)[0]
        groups, rows = co.alpha_statistics_by_group(ratings, tally)
        groups_alone, rows_alone = co.alpha_statistics_by_group(ratings)
        assert groups.tolist() == groups_alone.tolist()
        assert rows.tolist() == rows_alone.tolist()
        # Each article's row is α's statistics of that article's units alone.
        for group, row in zip(groups.tolist(), rows, strict=True):
            units = ratings.groups == group
            alone = Ratings(
                ratings.values[units],
                ratings.weights[units],
                ratings.groups[units],
                ratings.categories,
            )
            assert row.tolist() == pytest.approx(co.alpha_statistics(alone).tolist())
        # And α itself is Krippendorff's, as his package computes it on the units laid out.
        if shared.krippendorff_alpha is not None:
            data = np.where(ratings.expanded() == MISSING, np.nan, ratings.expanded()).T
            assert shared.krippendorff_alpha == pytest.approx(
                krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
            )


@pytest.mark.parametrize("coders", [2, 4])
def test_each_rows_interval_is_the_bootstrap_run_on_its_ratings_alone(coders: int) -> None:
    """The report's intervals come from the tallies made for the coefficients; they must be
    those of :func:`alpha_interval` on the row's ratings (the same seed, the same resamples)."""
    study = _study(coders, articles=40, seed=9)
    report = measure_agreement(study, Options(levels=("document", "character")))
    character, article = CharacterLevel(study), ArticleLevel(study)
    checked = 0
    for measure in report.measures:
        if measure.scope != "code" or not measure.applied:
            continue
        code = next(k for k in study.codes if study.paths[k] == measure.name)
        ratings = (article if measure.level == "document" else character).code(code)
        interval = alpha_interval(ratings)
        # The same resamples; the sums may be taken in another order (to the last bit).
        if interval.bounds is None:
            assert measure.alpha_ci95 is None
        else:
            assert measure.alpha_ci95 == pytest.approx(interval.bounds, rel=1e-12, abs=1e-15)
        checked += interval.bounds is not None
    assert checked >= 5


def test_a_coding_of_a_code_not_compared_is_refused() -> None:
    study = _study(2)
    stray = np.array([[1, 0, 99, WHOLE_ARTICLE, WHOLE_ARTICLE]], dtype=np.int64)
    broken = Study(
        study.coders,
        study.lengths,
        study.counted,
        study.dimensions,
        study.paths,
        np.vstack([study.rows, stray]),
        study.parts,
        study.left_out,
    )
    with pytest.raises(KeyError):
        ArticleLevel(broken)
