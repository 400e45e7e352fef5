"""The supervised machine coder on synthetic corpora whose signal is known: sentences holding
a code's trigger word are learned (cross-validated α high), shuffled codings are not (α near
0), exclusive dimensions keep one code per passage, the thresholds maximise α as an
independent implementation computes it."""

from __future__ import annotations

import sys
from itertools import pairwise

import numpy as np
import pytest

from annotator.domain.errors import UserError
from annotator.services.machine import fitting, learner, sentences
from annotator.services.machine.learner import ARTICLE, SENTENCE, Settings, predict, train
from tests.services.machine_corpus import DIMENSIONS, OPINION, REPORT, TRIGGERS, make

krippendorff = pytest.importorskip("krippendorff")


@pytest.fixture(scope="module")
def learned() -> learner.TrainReport:
    return train(make(300, seed=3).corpus())


def _scores(report: learner.TrainReport) -> dict[str, learner.Score]:
    return {s.path: s for s in report.scores}


def test_a_known_signal_is_learned(learned: learner.TrainReport) -> None:
    scores = _scores(learned)
    for path, _ in TRIGGERS.values():
        assert (scores[path].alpha or 0) > 0.8, scores[path]
        assert (scores[path].unit, scores[path].level) == (SENTENCE, "character")
        assert scores[path].n_units > 0
        assert scores[path].n_positive > 0
    assert scores["Tone"].code_id is None
    assert (scores["Tone"].alpha or 0) > 0.8
    # Genre is given to whole articles: learned and judged at the article level.
    assert (scores["Genre"].unit, scores["Genre"].level) == (ARTICLE, "document")
    assert scores["Genre"].n_units == 300
    assert (scores["Genre > Opinion"].alpha or 0) > 0.5


def test_shuffled_codings_teach_nothing() -> None:
    report = train(make(300, seed=3, shuffled=True).corpus())
    for score in report.scores:
        assert score.alpha is not None, score
        assert abs(score.alpha) < 0.2, score


def test_new_articles_are_coded_as_the_coder_would(learned: learner.TrainReport) -> None:
    fresh = make(60, seed=11, first_id=1000)
    coded = predict(learned.model, fresh.documents)
    expected = {(d, c, s, e) for d, c, s, e in fresh.codings if s is not None}
    found = {
        (d, x.code_id, x.start, x.end)
        for d, found in coded.items()
        for x in found
        if x.start is not None
    }
    # Trigger sentences next to each other make one passage: compare sentence by sentence.
    hits = sum(
        any(d == d2 and c == c2 and s2 <= s and e <= e2 for d2, c2, s2, e2 in found)
        for d, c, s, e in expected
    )
    assert hits >= 0.95 * len(expected)
    genres = {d: x.code_id for d, found in coded.items() for x in found if x.start is None}
    truth = {d: c for d, c, s, _ in fresh.codings if s is None}
    assert sum(genres.get(d) == c for d, c in truth.items()) >= 0.8 * len(truth)
    for suggestions in coded.values():
        assert all(0.0 <= x.confidence <= 1.0 for x in suggestions)


def test_an_exclusive_dimension_gives_one_code_per_passage(learned: learner.TrainReport) -> None:
    fresh = make(80, seed=12, first_id=2000, rate=0.6)
    coded = predict(learned.model, fresh.documents)
    tone = set(next(d for d in DIMENSIONS if d.name == "Tone").codes)
    for suggestions in coded.values():
        passages = sorted((x.start, x.end) for x in suggestions if x.code_id in tone)
        assert all(first[1] <= second[0] for first, second in pairwise(passages))
        whole = [x.code_id for x in suggestions if x.code_id in (OPINION, REPORT)]
        assert len(whole) <= 1


def test_article_codes_need_enough_articles() -> None:
    made = make(40, seed=4)
    # Money given in two articles only: not learned, and the report says why.
    money = 3
    kept = [c for c in made.codings if c[1] != money]
    kept += [c for c in made.codings if c[1] == money][:2]
    kept_docs = {c[0] for c in made.codings if c[1] == money}
    report = train(learner.Corpus(made.documents, kept, DIMENSIONS, made.corpus().paths))
    scores = _scores(report)
    assert "not learned" in scores["Topic > Money"].skipped
    assert scores["Topic > Money"].alpha is None
    assert all(money not in head.codes for head in report.model.heads)
    assert kept_docs


def test_nothing_to_learn_is_one_line() -> None:
    made = make(10, seed=5)
    with pytest.raises(UserError, match="nothing to learn"):
        train(learner.Corpus(made.documents, [], DIMENSIONS, made.corpus().paths))


def test_without_scikit_learn_it_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sklearn", None)
    with pytest.raises(UserError, match=r"pip install 'annotator\[machine\]'"):
        train(make(10).corpus())


def test_training_is_reproducible() -> None:
    corpus = make(60, seed=6).corpus()
    first, second = train(corpus, Settings(seed=2)), train(corpus, Settings(seed=2))
    assert [s.as_dict() for s in first.scores] == [s.as_dict() for s in second.scores]


# -- thresholds --------------------------------------------------------------------------------


def _alpha(y: np.ndarray, chosen: np.ndarray) -> float:
    return float(
        krippendorff.alpha(
            reliability_data=np.vstack([y, chosen]).astype(float),
            level_of_measurement="nominal",
        )
    )


@pytest.mark.parametrize("classes", [1, 3])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_threshold_maximises_alpha(classes: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 60
    size = classes + 1 if classes > 1 else 2
    y = rng.integers(0, size, n) * (rng.random(n) < 0.5)
    best = np.where(rng.random(n) < 0.7, np.maximum(y, 1), rng.integers(1, size, n))
    if classes == 1:
        best = np.ones(n, dtype=np.int64)
    score = np.round(rng.random(n) + 0.6 * (y > 0), 2)  # ties too
    cut = fitting._best_cut(score, best.astype(np.int64), y.astype(np.int64), size)
    chosen = np.where(score >= cut, best, 0)
    found = _alpha(y, chosen)
    # Every other cut (between distinct scores, and none) agrees no better.
    cuts = [np.inf, *np.unique(score)]
    brute = max(_alpha(y, np.where(score >= c, best, 0)) for c in cuts if c != np.inf)
    assert found == pytest.approx(max(brute, _alpha(y, np.zeros(n, dtype=np.int64))))


# -- sentences -------------------------------------------------------------------------------


def test_a_coding_covers_a_sentence_by_half() -> None:
    sentence = (10, 30)
    assert sentences.covers(sentence, 12, 16)  # a word inside: half of the coding
    assert sentences.covers(sentence, 0, 25)  # most of the sentence
    assert not sentences.covers(sentence, 0, 13)  # a selection running 3 characters in
    assert not sentences.covers(sentence, 30, 40)  # touching is not covering
    assert sentences.covers(sentence, None, None)  # the whole article


def test_sentence_labels_and_passages() -> None:
    text = "One sentence here. Another one follows. A third.\n\nNew paragraph now."
    spans = sentences.units(text)
    assert [text[s:e] for s, e in spans] == [
        "One sentence here.",
        "Another one follows.",
        "A third.",
        "New paragraph now.",
    ]
    labels = sentences.sentence_labels(spans, [(19, 39), (50, 53)])
    assert labels.tolist() == [False, True, False, True]
    runs = sentences.passages(spans, np.array([True, True, False, True]))
    assert [(text[s:e], first, last) for s, e, first, last in runs] == [
        ("One sentence here. Another one follows.", 0, 2),
        ("New paragraph now.", 3, 4),
    ]
    classes = sentences.sentence_classes(spans, [(7, 0, 18), (8, 19, 48)], [7, 8])
    assert classes.tolist() == [1, 2, 2, 0]


# -- features --------------------------------------------------------------------------------


def test_features_count_as_scikit_learn_does() -> None:
    from sklearn.feature_extraction.text import CountVectorizer

    from annotator.services.machine.features import FeatureSpec, Vectorizer

    texts = [d.text for d in make(30, seed=9).documents]
    vectorizer, counts = Vectorizer.fit(FeatureSpec(min_df=2), texts)
    reference = CountVectorizer(token_pattern=r"\w+", ngram_range=(1, 2), min_df=2)
    expected = reference.fit_transform(texts)
    assert list(vectorizer.terms) == reference.get_feature_names_out().tolist()
    assert (counts != expected).nnz == 0
    # Made again from its terms (as a stored model is), it counts new text alike.
    again = Vectorizer(vectorizer.spec, vectorizer.terms, vectorizer.idf)
    fresh = [d.text for d in make(5, seed=10).documents]
    assert (again.counts(fresh) != reference.transform(fresh)).nnz == 0


def test_unspaced_scripts_are_read_character_by_character() -> None:
    from annotator.services.machine.features import FeatureSpec, Vectorizer

    vectorizer, _ = Vectorizer.fit(FeatureSpec(min_df=1), ["北京大学 ÉCOLE", "大学 école"])
    assert {"北", "大 学", "école", "学 école"} <= set(vectorizer.terms)
    assert "北京大学" not in vectorizer.terms
    rows = vectorizer.weigh(vectorizer.counts(["大学", "nothing known"]))
    assert rows[0].nnz == 3  # 大, 学, 大 学
    assert rows[1].nnz == 0


def test_a_head_that_codes_nothing(learned: learner.TrainReport) -> None:
    import dataclasses
    import math

    from annotator.services.machine.model_file import dump, load

    first = learned.model.heads[0]
    silent = dataclasses.replace(first, cut=math.inf, scale=0.0, shift=-2.0)
    assert silent.threshold() == 1.0
    model = dataclasses.replace(learned.model, heads=(silent,))
    fresh = make(5, seed=13, first_id=900).documents
    assert all(not found for found in predict(model, fresh).values())
    assert all(0.0 <= u <= 1.0 for u in learner.uncertainty(model, fresh).values())
    again = load(dump(model))
    assert math.isinf(again.heads[0].cut)
