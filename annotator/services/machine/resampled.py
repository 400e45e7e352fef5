"""Bootstrap intervals for levels whose figure does not add up over articles (unitizing's α_U,
the share of segments matched): each resample is a study of its own, built from the articles
drawn, and the engine measures it again.

:func:`resampled` builds the study on a list of articles drawn with replacement — an article
drawn twice becomes two articles (new ids ``0, 1, …``) with the same length, codings and
coders it counts for, so it weighs as often as it was drawn. :func:`mean_intervals` takes
the draws the agreement report uses (:func:`~annotator.agreement.bootstrap.draws`), measures
every machine–human pair on the same resamples, and gives the 95 % percentile interval of
the mean over the pairs for every row the level reports.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from annotator.agreement.bootstrap import RESAMPLES, SEED, draws, percentile_interval
from annotator.agreement.report import Measure, Options, measure_agreement
from annotator.agreement.study import Study

__all__ = ["figure", "mean_intervals", "resampled"]

#: The levels measured by resampling whole studies.
SPAN_LEVELS = ("unitizing", "segment")


def figure(measure: Measure | None) -> float | None:
    """The figure a row stands on: α (α_U at the unitizing level) or, at the segment level
    (which has no α), the share of segments matched."""
    if measure is None:
        return None
    if measure.level == "segment":
        return measure.percent_agreement
    return measure.krippendorff_alpha


def resampled(study: Study, drawn: Sequence[int]) -> Study:
    """The study on the articles ``drawn`` (ids of the study's articles, repeats allowed):
    the k-th draw is article ``k``, with the original's length, codings and counting coders."""
    rows = study.rows
    order = np.argsort(rows[:, 0], kind="stable")
    ids = rows[order, 0]
    pieces = []
    lengths: dict[int, int] = {}
    for new, document in enumerate(drawn):
        low, high = np.searchsorted(ids, [document, document + 1])
        piece = rows[order[low:high]].copy()
        piece[:, 0] = new
        pieces.append(piece)
        lengths[new] = study.lengths[document]
    table = np.concatenate(pieces) if pieces else rows[:0]
    counted = tuple(
        frozenset(new for new, document in enumerate(drawn) if document in docs)
        for docs in study.counted
    )
    return Study(
        study.coders,
        lengths,
        counted,
        study.dimensions,
        study.paths,
        table,
        study.parts,
        study.left_out,
        study.absent,
    )


def mean_intervals(
    studies: Sequence[Study],
    articles: Sequence[int],
    level: str,
    *,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> dict[tuple[str, str], tuple[tuple[float, float] | None, str]]:
    """For each row (scope, name) of ``level``: the 95 % interval of the mean figure over the
    studies (one per machine–human pair) when the same articles are drawn for each, or why
    there is none."""
    every = np.asarray(sorted(set(articles)), dtype=np.int64)
    if len(every) < 2:
        return {}
    counts = draws(len(every), resamples, seed).astype(np.int64)
    values: dict[tuple[str, str], np.ndarray] = {}
    defined: dict[tuple[str, str], np.ndarray] = {}
    options = Options(levels=(level,), bootstrap=False)
    for index, study in enumerate(studies):
        for sample, row in enumerate(counts):
            report = measure_agreement(resampled(study, np.repeat(every, row).tolist()), options)
            for measure in report.measures:
                key = (measure.scope, measure.name)
                if key not in values:
                    values[key] = np.zeros((len(studies), resamples))
                    defined[key] = np.zeros((len(studies), resamples), dtype=bool)
                found = figure(measure)
                if found is not None:
                    values[key][index, sample] = found
                    defined[key][index, sample] = True
    intervals: dict[tuple[str, str], tuple[tuple[float, float] | None, str]] = {}
    for key, table in values.items():
        usable = defined[key].all(axis=0)
        mean = table.mean(axis=0)
        interval = percentile_interval(mean[usable], len(every), resamples, what="the mean")
        intervals[key] = (interval.bounds, interval.why or interval.caution)
    return intervals
