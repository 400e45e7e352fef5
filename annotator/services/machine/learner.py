"""The supervised machine coder's learning, on plain values: articles, one coder's codings and
the codebook's dimensions in; a model and its cross-validated agreement out.

What is learned (one *head* each):

- a code of a dimension that is not exclusive: a binary classifier of sentences (or of whole
  articles, when the coder gives the code mostly to whole articles);
- an exclusive dimension: ONE multiclass classifier whose classes are "none" and its codes,
  so that a sentence (or an article) gets at most one of them.

Each head is a logistic regression on TF-IDF features (:mod:`.features`) with balanced class
weights (codes are rare among sentences), fitted on at most :data:`.fitting.MAX_ROWS` units. A
head is trained when the coder gave its code(s) in at least :data:`MIN_ARTICLES` articles;
otherwise the code is reported as skipped.

Cross-validation over ARTICLES (:mod:`.cross_validation`) gives each head its threshold and
the calibration of its confidence, and the report its figures: Krippendorff's α of the
held-out codings against the coder's, precision, recall and F1.

The final heads are fitted on every article. The vocabulary and idf come from every training
sentence (no labels enter them).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from annotator.agreement.study import Dimension
from annotator.domain.errors import UserError
from annotator.services.machine import sentences as units_of
from annotator.services.machine.cross_validation import Score, agreement_scores, cross_validate
from annotator.services.machine.features import FeatureSpec, Vectorizer, require_sklearn
from annotator.services.machine.fitting import (
    FloatArray,
    IntArray,
    _best_code,
    _fit,
    _sample,
    _sigmoid,
    _softmax,
)

__all__ = [
    "ARTICLE",
    "MIN_ARTICLES",
    "SENTENCE",
    "Corpus",
    "Document",
    "Head",
    "Model",
    "Score",
    "Settings",
    "Suggestion",
    "TrainReport",
    "predict",
    "train",
    "uncertainty",
]

SENTENCE = "sentence"
ARTICLE = "article"
#: A code (or an exclusive dimension) is learned when the coder gave it in this many articles.
MIN_ARTICLES = 3


@dataclass(frozen=True)
class Document:
    """An article: id, text, and its language (ISO 639-1) for the sentence segmenter."""

    id: int
    text: str
    language: str = "en"


@dataclass(frozen=True)
class Corpus:
    """What a model learns from: the articles, the coder's codings in them as ``(document,
    code, start, end)`` (``None, None``: the whole article), and the codebook's dimensions
    (with every code under each), each code's path and its names from the dimension down."""

    documents: Sequence[Document]
    codings: Sequence[tuple[int, int, int | None, int | None]]
    dimensions: Sequence[Dimension]
    paths: Mapping[int, str]
    parts: Mapping[int, tuple[str, ...]] | None = None


@dataclass(frozen=True)
class Settings:
    """How a model is trained: features, the regularisation of the regression (``C``),
    folds of the cross-validation and its seed."""

    features: FeatureSpec = field(default_factory=FeatureSpec)
    c: float = 4.0
    folds: int = 5
    seed: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "ngram_min": self.features.ngram_min,
            "ngram_max": self.features.ngram_max,
            "min_df": self.features.min_df,
            "max_features": self.features.max_features,
            "c": self.c,
            "folds": self.folds,
            "seed": self.seed,
        }

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Settings:
        spec = FeatureSpec(
            int(data["ngram_min"]),
            int(data["ngram_max"]),
            int(data["min_df"]),
            int(data["max_features"]),
        )
        return cls(spec, float(data["c"]), int(data["folds"]), int(data["seed"]))


@dataclass(frozen=True, eq=False)
class Head:
    """One learned classifier. ``codes``: the code (binary) or the exclusive dimension's
    codes (multiclass: class 0 is "none", class ``k + 1`` is ``codes[k]``); ``coef`` has one
    row (binary) or one per class; ``cut``: a unit is coded when its score (binary) or its
    best code's probability (multiclass) reaches it; ``scale``/``shift`` calibrate the
    confidence (Platt: ``sigmoid(scale · score + shift)``; temperature: ``softmax(scale ·
    logits)``)."""

    name: str
    dimension: int
    codes: tuple[int, ...]
    paths: tuple[str, ...]
    multiclass: bool
    unit: str
    coef: NDArray[np.float32]
    intercept: NDArray[np.float32]
    cut: float
    scale: float
    shift: float

    @property
    def classes(self) -> int:
        return len(self.codes) + 1 if self.multiclass else 1

    def threshold(self) -> float:
        """The cut as a probability (what a coding's confidence starts at, about); 1 for a
        head that codes nothing (no cut agreed better than coding nothing)."""
        if math.isinf(self.cut):
            return 1.0 if self.cut > 0 else 0.0
        if self.multiclass:
            return self.cut
        return float(_sigmoid(np.asarray([self.scale * self.cut + self.shift]))[0])

    def scores(self, rows: Any) -> FloatArray:
        """Decision values: one column (binary) or the logits of every class."""
        raw = rows @ self.coef.T.astype(np.float64) + self.intercept.astype(np.float64)
        return np.asarray(raw, dtype=np.float64).reshape(rows.shape[0], self.classes)

    def decide(self, rows: Any) -> tuple[IntArray, FloatArray]:
        """For each row: the class chosen (0 none; binary: 1 coded) and its confidence."""
        scores = self.scores(rows)
        if not self.multiclass:
            z = scores[:, 0]
            return (z >= self.cut).astype(np.int64), _sigmoid(self.scale * z + self.shift)
        best, top = _best_code(_softmax(scores))
        chosen = np.where(top >= self.cut, best, 0)
        calibrated = _softmax(self.scale * scores)
        confidence = calibrated[np.arange(len(best)), best]
        return chosen, confidence

    def uncertainty(self, rows: Any) -> FloatArray:
        """How unsure the head is of each row: 1 at the threshold, 0 far from it."""
        scores = self.scores(rows)
        if not self.multiclass:
            p = _sigmoid(self.scale * scores[:, 0] + self.shift)
            at = self.threshold()
        else:
            _, p = _best_code(_softmax(scores))
            at = self.threshold()
        spread = np.where(p >= at, 1.0 - at, at)
        unsure = 1.0 - np.abs(p - at) / np.maximum(spread, 1e-9)
        return np.asarray(np.clip(unsure, 0.0, 1.0), dtype=np.float64)


@dataclass(frozen=True, eq=False)
class Model:
    """A trained model: how features are made, the vocabulary and idf, the heads, the
    settings it was trained with."""

    settings: Settings
    vectorizer: Vectorizer
    heads: tuple[Head, ...]

    def describe(self) -> str:
        """What makes the codings, in words (stored as a run's prompt template)."""
        lines = [
            "annotator supervised machine coder: logistic regression (balanced class weights, "
            f"C={self.settings.c:g}) on {self.settings.features.describe()}; "
            f"{len(self.vectorizer.terms):,} terms.",
            "Units: sentences (sentencex, the article's language); a passage is a maximal run "
            "of sentences passing the threshold; exclusive dimensions: one multiclass model, "
            "at most one code per sentence (or article).",
            f"Thresholds maximise α over units on {self.settings.folds}-fold cross-validation over "
            f"articles (seed {self.settings.seed}).",
        ]
        for head in self.heads:
            what = "multiclass" if head.multiclass else "binary"
            lines.append(
                f"- {head.name}: {what}, {head.unit}s, threshold {head.threshold():.3f} "
                f"(codes: {', '.join(head.paths)})"
            )
        return "\n".join(lines)


@dataclass(frozen=True)
class Suggestion:
    """A passage (``start``/``end`` None: the whole article) the model codes, with the mean
    calibrated probability of its sentences."""

    code_id: int
    start: int | None
    end: int | None
    confidence: float


@dataclass(frozen=True)
class TrainReport:
    model: Model
    scores: tuple[Score, ...]
    documents: int
    sentences: int
    folds: int


# -- the corpus as units ---------------------------------------------------------------------


@dataclass
class Target:
    """What one head learns: a code, or an exclusive dimension's codes; each unit's class."""

    name: str
    dimension: int
    codes: tuple[int, ...]
    multiclass: bool
    unit: str
    labels: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    articles: int = 0

    @property
    def classes(self) -> int:
        return len(self.codes) + 1 if self.multiclass else 1

    @property
    def level(self) -> str:
        """The agreement level its codings are judged at."""
        return _level(self.unit)


class Units:
    """The corpus cut into sentences, with features for sentences and for articles."""

    def __init__(self, documents: Sequence[Document], vectorizer: Vectorizer | None, spec: Any):
        self.documents = list(documents)
        self.spans = [units_of.units(d.text, d.language) for d in self.documents]
        texts = [
            d.text[s:e]
            for d, spans in zip(self.documents, self.spans, strict=True)
            for s, e in spans
        ]
        self.owner = np.repeat(np.arange(len(self.documents)), [len(s) for s in self.spans]).astype(
            np.int64
        )
        if vectorizer is None:
            vectorizer, counts = Vectorizer.fit(spec, texts)
        else:
            counts = vectorizer.counts(texts)
        self.vectorizer = vectorizer
        self.sentences = vectorizer.weigh(counts)
        from scipy.sparse import csr_matrix

        ones = np.ones(len(self.owner), dtype=np.float32)
        belongs = csr_matrix(
            (ones, (self.owner, np.arange(len(self.owner)))),
            shape=(len(self.documents), len(self.owner)),
        )
        self.articles = vectorizer.weigh(belongs @ counts)

    def rows(self, unit: str) -> Any:
        return self.sentences if unit == SENTENCE else self.articles

    def owners(self, unit: str) -> IntArray:
        """The article (index) of each row of ``unit``."""
        return self.owner if unit == SENTENCE else np.arange(len(self.documents), dtype=np.int64)


def _targets(corpus: Corpus, found: Units) -> tuple[list[Target], list[Score]]:
    """What to learn, with the labels of its units; and the codes skipped, with why."""
    index = {d.id: k for k, d in enumerate(found.documents)}
    by_code: dict[int, list[tuple[int, int | None, int | None]]] = {}
    for document, code, start, end in corpus.codings:
        if document in index:
            by_code.setdefault(code, []).append((index[document], start, end))
    targets: list[Target] = []
    skipped: list[Score] = []

    def unit_of(codes: Sequence[int]) -> str:
        given = [c for code in codes for c in by_code.get(code, [])]
        whole = sum(1 for _, start, _ in given if start is None)
        return ARTICLE if given and 2 * whole > len(given) else SENTENCE

    def articles_of(codes: Sequence[int]) -> int:
        return len({d for code in codes for d, _, _ in by_code.get(code, [])})

    for dimension in corpus.dimensions:
        if dimension.exclusive:
            unit = unit_of(dimension.codes)
            used = tuple(c for c in dimension.codes if articles_of([c]) >= MIN_ARTICLES)
            for code in dimension.codes:
                if code not in used:
                    skipped.append(_skip(corpus, code, unit, articles_of([code])))
            if used:
                target = Target(dimension.name, dimension.id, used, True, unit)
                target.labels = _class_labels(found, by_code, used, unit)
                target.articles = articles_of(used)
                targets.append(target)
            continue
        for code in dimension.codes:
            unit = unit_of([code])
            count = articles_of([code])
            if count < MIN_ARTICLES:
                skipped.append(_skip(corpus, code, unit, count))
                continue
            target = Target(corpus.paths[code], dimension.id, (code,), False, unit)
            target.labels = _class_labels(found, by_code, (code,), unit)
            target.articles = count
            targets.append(target)
    return targets, skipped


def _skip(corpus: Corpus, code: int, unit: str, articles: int) -> Score:
    level = _level(unit)
    why = "never given" if not articles else f"given in {articles} article{'s' * (articles != 1)}"
    return Score(
        corpus.paths[code],
        code,
        unit,
        level,
        n_articles=articles,
        skipped=f"not learned: {why} (at least {MIN_ARTICLES} needed)",
    )


def _class_labels(
    found: Units,
    by_code: Mapping[int, list[tuple[int, int | None, int | None]]],
    codes: tuple[int, ...],
    unit: str,
) -> IntArray:
    """Each unit's class: 0 none, ``k + 1`` for ``codes[k]`` (a binary target: 1 coded)."""
    per_document: list[list[tuple[int, int | None, int | None]]] = [[] for _ in found.documents]
    for code in codes:
        for document, start, end in by_code.get(code, []):
            per_document[document].append((code, start, end))
    if unit == ARTICLE:
        labels = np.zeros(len(found.documents), dtype=np.int64)
        for document, given in enumerate(per_document):
            if not given:
                continue
            whole = [code for code, start, _ in given if start is None]
            if whole:
                labels[document] = codes.index(whole[0]) + 1
                continue
            covered: dict[int, int] = {}
            for code, start, end in given:
                covered[code] = covered.get(code, 0) + (end or 0) - (start or 0)
            labels[document] = codes.index(max(covered, key=lambda c: covered[c])) + 1
        return labels
    parts = [
        units_of.sentence_classes(spans, given, codes) if given else np.zeros(len(spans), np.int64)
        for spans, given in zip(found.spans, per_document, strict=True)
    ]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


# -- training --------------------------------------------------------------------------------


def train(
    corpus: Corpus,
    settings: Settings = Settings(),
    *,
    progress: Callable[[str], None] | None = None,
) -> TrainReport:
    """Learn a model from the coder's codings, with its cross-validated figures."""
    require_sklearn()
    if len(corpus.documents) < 2:
        raise UserError("training needs at least two coded articles")
    found = Units(corpus.documents, None, settings.features)
    targets, skipped = _targets(corpus, found)
    if not targets:
        raise UserError(
            f"no code was given in {MIN_ARTICLES} or more of the training articles: "
            "nothing to learn"
        )
    folds = max(2, min(settings.folds, len(found.documents)))
    rng = np.random.default_rng(settings.seed)
    fold_of = np.empty(len(found.documents), dtype=np.int64)
    fold_of[rng.permutation(len(found.documents))] = np.arange(len(found.documents)) % folds
    heads: list[Head] = []
    held_out: dict[int, list[Suggestion]] = {}
    unit_scores: dict[str, tuple[float | None, float | None, float | None, int]] = {}
    for target in targets:
        if progress is not None:
            progress(target.name)
        paths = tuple(corpus.paths[code] for code in target.codes)
        head, predicted, figures = _learn(found, target, paths, fold_of, folds, settings)
        heads.append(head)
        unit_scores.update(figures)
        _collect(found, head, predicted, held_out)
    scores = agreement_scores(corpus, found, targets, heads, held_out, unit_scores) + skipped
    model = Model(settings, found.vectorizer, tuple(heads))
    return TrainReport(model, tuple(scores), len(found.documents), len(found.owner), folds)


def _learn(
    found: Units,
    target: Target,
    paths: tuple[str, ...],
    fold_of: IntArray,
    folds: int,
    settings: Settings,
) -> tuple[Head, tuple[IntArray, FloatArray], dict[str, tuple[Any, Any, Any, int]]]:
    """A target's head (fitted on everything, with the threshold and calibration its
    cross-validation chose) and its held-out classes and confidences."""
    rows, y = found.rows(target.unit), target.labels
    rng = np.random.default_rng([settings.seed, target.dimension, *target.codes])
    fold = fold_of[found.owners(target.unit)]
    held = cross_validate(rows, target, fold, folds, settings.c, rng)
    fitted = _sample(np.arange(len(y)), y, rng)
    coef, intercept = _fit(rows[fitted], y[fitted], target.classes, settings.c)
    head = Head(
        name=target.name,
        dimension=target.dimension,
        codes=target.codes,
        paths=paths,
        multiclass=target.multiclass,
        unit=target.unit,
        coef=coef.astype(np.float32),
        intercept=intercept.astype(np.float32),
        cut=held.cut,
        scale=held.scale,
        shift=held.shift,
    )
    return head, (held.chosen, held.confidence), held.figures


def _collect(
    found: Units,
    head: Head,
    predicted: tuple[IntArray, FloatArray],
    into: dict[int, list[Suggestion]],
) -> None:
    """The held-out classes of a head as passages, added to each article's suggestions."""
    chosen, confidence = predicted
    if head.unit == ARTICLE:
        for document, value in enumerate(chosen.tolist()):
            if value:
                code = head.codes[value - 1]
                into.setdefault(document, []).append(
                    Suggestion(code, None, None, float(confidence[document]))
                )
        return
    bounds = np.r_[0, np.cumsum([len(s) for s in found.spans])]
    for document, spans in enumerate(found.spans):
        low, high = bounds[document], bounds[document + 1]
        into.setdefault(document, []).extend(
            _passages(head, spans, chosen[low:high], confidence[low:high])
        )


def _passages(
    head: Head, spans: Sequence[tuple[int, int]], chosen: IntArray, confidence: FloatArray
) -> list[Suggestion]:
    found: list[Suggestion] = []
    for k, code in enumerate(head.codes, start=1):
        mask = chosen == k
        if not mask.any():
            continue
        for start, end, first, last in units_of.passages(spans, mask):
            found.append(Suggestion(code, start, end, float(confidence[first:last].mean())))
    return found


def _level(unit: str) -> str:
    return "character" if unit == SENTENCE else "document"


# -- coding ------------------------------------------------------------------------------------


def predict(model: Model, documents: Sequence[Document]) -> dict[int, list[Suggestion]]:
    """What the model codes in each article (by id): passages of sentences, or whole
    articles, with their confidence. An exclusive dimension gives at most one code to a
    sentence (or an article)."""
    found = Units(documents, model.vectorizer, None)
    into: dict[int, list[Suggestion]] = {}
    for head in model.heads:
        chosen, confidence = head.decide(found.rows(head.unit))
        _collect(found, head, (chosen, confidence), into)
    return {found.documents[k].id: into.get(k, []) for k in range(len(found.documents))}


def uncertainty(model: Model, documents: Sequence[Document]) -> dict[int, float]:
    """How unsure the model is about each article (by id), between 0 and 1: over its heads,
    the mean of the most uncertain unit's uncertainty (a sentence near a threshold makes the
    article worth coding by hand next)."""
    found = Units(documents, model.vectorizer, None)
    total = np.zeros(len(found.documents))
    for head in model.heads:
        values = head.uncertainty(found.rows(head.unit))
        owners = found.owners(head.unit)
        most = np.zeros(len(found.documents))
        np.maximum.at(most, owners, values)
        total += most
    total /= max(len(model.heads), 1)
    return {d.id: float(total[k]) for k, d in enumerate(found.documents)}
