"""The numbers under the machine coder's heads (:mod:`.learner`): the logistic regression each
head is fitted with (on at most :data:`MAX_ROWS` units), the decision rules (sigmoid, softmax,
best code), the threshold that maximises α, and the calibration of confidences (Platt
scaling, temperature scaling)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: The most units one regression is fitted on: beyond it, the commonest classes (sentences
#: without the code, mostly) are sampled down, every class keeping at least an equal share.
MAX_ROWS = 20_000


def _sigmoid(z: FloatArray) -> FloatArray:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * z)), dtype=np.float64)


def _softmax(z: FloatArray) -> FloatArray:
    shifted = z - z.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return np.asarray(e / e.sum(axis=1, keepdims=True), dtype=np.float64)


def _best_code(p: FloatArray) -> tuple[IntArray, FloatArray]:
    """Each row's most probable code (class ≥ 1) and its probability."""
    best = np.argmax(p[:, 1:], axis=1).astype(np.int64) + 1
    return best, p[np.arange(len(best)), best]


def _best_cut(score: FloatArray, best: IntArray, y: IntArray, classes: int) -> float:
    """The score a unit must reach to be coded (with ``best[i]``, its best code's class)
    so that Krippendorff's α (nominal) between the coder's classes ``y`` and the model's,
    over these units, is highest; ``inf`` (code nothing) when coding nothing agrees best.

    Lowering the cut past one more unit changes a few counts only, so every cut is tried at
    once: with D disagreeing units of n and ``n_c`` values of class c over both coders,
    α = 1 − (2n − 1) · 2D / ((2n)² − Σ n_c²)."""
    n = len(y)
    if not n or not (y > 0).any():
        return math.inf
    order = np.argsort(-score, kind="stable")
    ordered, picked, truth = score[order], best[order], y[order]
    size = max(classes, int(y.max()) + 1, int(best.max()) + 1)
    # Row j: the first j units chosen (j = 0 … n).
    chosen = np.zeros((n + 1, size), dtype=np.int64)
    np.cumsum(np.eye(size, dtype=np.int64)[picked], axis=0, out=chosen[1:])
    machine = chosen.copy()
    machine[:, 0] = n - np.arange(n + 1)
    values = machine + np.bincount(y, minlength=size)
    missed = int((y > 0).sum()) - np.r_[0, np.cumsum(truth > 0)]
    wrong = np.r_[0, np.cumsum(picked != truth)]
    disagree = missed + wrong
    expected = (2.0 * n) ** 2 - (values.astype(np.float64) ** 2).sum(axis=1)
    alpha = np.full(n + 1, -np.inf)
    defined = expected > 0
    alpha[defined] = 1.0 - (2 * n - 1) * 2.0 * disagree[defined] / expected[defined]
    # Only where the score changes can a cut fall (ties are chosen together).
    alpha[1:n][ordered[1:] == ordered[:-1]] = -np.inf
    at = int(np.argmax(alpha))
    if at == 0:
        return math.inf
    if at == n:
        return float(ordered[-1])
    return float((ordered[at - 1] + ordered[at]) / 2)


def _platt(z: FloatArray, y: BoolArray) -> tuple[float, float]:
    """Platt scaling of held-out scores: the ``a, b`` of ``p = sigmoid(a z + b)`` that make
    the labels most likely (Newton's method, with Platt's smoothed targets); a constant,
    the base rate, when the labels are all alike or the scores say nothing (``a`` ≤ 0)."""
    positives = float(y.sum())
    base = (positives + 1.0) / (len(y) + 2.0)
    constant = (0.0, math.log(base / (1 - base)))
    if y.all() or not y.any():
        return constant
    target = np.where(y, (positives + 1) / (positives + 2), 1 / (len(y) - positives + 2))
    a, b = 1.0, constant[1]
    for _ in range(50):
        p = _sigmoid(a * z + b)
        weight = np.maximum(p * (1 - p), 1e-12)
        residual = p - target
        gradient = np.array([(residual * z).sum(), residual.sum()])
        hessian = np.array(
            [[(weight * z * z).sum(), (weight * z).sum()], [(weight * z).sum(), weight.sum()]]
        )
        hessian += 1e-9 * np.eye(2)
        step = np.linalg.solve(hessian, gradient)
        # Halve the step while it makes the fit worse (Newton can overshoot).
        loss = _log_loss(a * z + b, target)
        scale = 1.0
        while (
            scale > 1e-6
            and _log_loss((a - scale * step[0]) * z + b - scale * step[1], target) > loss
        ):
            scale /= 2
        a, b = a - scale * step[0], b - scale * step[1]
        if abs(scale * step).max() < 1e-9:
            break
    return (float(a), float(b)) if a > 0 else constant


def _log_loss(z: FloatArray, target: FloatArray) -> float:
    # log(1 + e^z) - target · z, stably
    return float((np.logaddexp(0.0, z) - target * z).sum())


def _temperature(logits: FloatArray, y: IntArray) -> float:
    """The scale ``1/T`` of the logits that makes held-out classes most likely."""
    if not len(y):
        return 1.0
    from scipy.optimize import minimize_scalar

    rows = np.arange(len(y))

    def loss(log_scale: float) -> float:
        z = math.exp(log_scale) * logits
        z = z - z.max(axis=1, keepdims=True)
        return float(-(z[rows, y] - np.log(np.exp(z).sum(axis=1))).mean())

    found = minimize_scalar(loss, bounds=(-5.0, 3.0), method="bounded")
    return math.exp(float(found.x))


def _regression(c: float) -> Any:
    """The regression every head is: balanced class weights, multinomial over classes,
    Newton conjugate gradients (here ten times the speed of L-BFGS on TF-IDF rows, and
    faster than liblinear, which also shrinks the intercept), stopping when no gradient
    component exceeds 0.001."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(
        C=c, class_weight="balanced", solver="newton-cg", tol=1e-3, max_iter=1000
    )


def _fit(rows: Any, y: IntArray, classes: int, c: float) -> tuple[FloatArray, FloatArray]:
    """A logistic regression's coefficients and intercept: one row for a binary target
    (``classes`` 1), else one per class 0..K-1. Classes absent from ``y`` get a row that
    never wins."""
    present = np.unique(y)
    multiclass = classes > 1
    if not multiclass:
        if len(present) < 2:  # one class only: a constant score
            constant = 30.0 if present.size and present[0] == 1 else -30.0
            return np.zeros((1, rows.shape[1])), np.asarray([constant])
        model = _regression(c).fit(rows, y)
        return np.asarray(model.coef_, dtype=np.float64), np.asarray(model.intercept_, float)
    coef = np.zeros((classes, rows.shape[1]))
    intercept = np.full(classes, -30.0)
    if len(present) < 2:
        intercept[present] = 0.0
        return coef, intercept
    model = _regression(c).fit(rows, y)
    learned = np.asarray(model.classes_, dtype=np.int64)
    if len(learned) == 2:  # scikit-learn gives one row for two classes: log-odds of the 2nd
        coef[learned[1]] = model.coef_[0]
        intercept[learned[0]], intercept[learned[1]] = 0.0, float(model.intercept_[0])
    else:
        coef[learned] = model.coef_
        intercept[learned] = model.intercept_
    return coef, intercept


def _sample(candidates: IntArray, y: IntArray, rng: np.random.Generator) -> IntArray:
    """At most :data:`MAX_ROWS` of the ``candidates`` (row numbers), sorted: classes from
    the rarest up keep all their rows while they fit an equal share of what is left, the
    others an equal share drawn at random. Balanced class weights then weigh every class
    alike, as on all rows; the thresholds and the calibration still come from every
    held-out unit."""
    if len(candidates) <= MAX_ROWS:
        return candidates
    labels = y[candidates]
    values, counts = np.unique(labels, return_counts=True)
    kept, left = [], MAX_ROWS
    for rank, at in enumerate(np.argsort(counts, kind="stable")):
        share = left // (len(values) - rank)
        rows = candidates[labels == values[at]]
        if len(rows) > share:
            rows = rng.choice(rows, share, replace=False)
        kept.append(rows)
        left -= len(rows)
    return np.sort(np.concatenate(kept))
