"""Agreement of every pair of coders, and of each coder against the others, to spot the coder
who deviates (three coders or more).

Every figure is the engine's (:func:`annotator.agreement.report.measure_agreement`) run on a
subset of the coders chosen, nothing is recomputed here:

- **a pair** (A, B): the study of A and B alone — the same figures as
  ``measure(project, Request(coders=[A, B]))``, Cohen's κ included;
- **a coder** C against the others, two figures per code, dimension and level:

  - *mean pairwise*: the mean of the α (and of the κ) of the pairs C is in, over the pairs
    where it is defined (how many say ``pairs``) — how well C agrees with each other coder;
  - *without C*: α of all the coders but C (the engine on them), beside α of all coders.
    When C deviates, α rises once C is dropped; when C is the most reliable, it falls.

  Both are needed: the mean pairwise figure is C's own agreement, "without C" is what the
  team's figure would be without them (it needs three coders or more). The coder with the
  lowest mean pairwise α of a row is marked as the one who deviates (``lowest``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import combinations
from typing import Any

import numpy as np

from annotator.agreement.report import COHEN, Measure, Options, Report, measure_agreement
from annotator.agreement.study import Study
from annotator.services.agreement import Request, options_of, study_of
from annotator.storage import Project

#: A row of the tables: (level, scope, name) of a measure.
Key = tuple[str, str, str]
#: Told (done, total) engine runs; returns False to stop.
Progress = Callable[[int, int], bool]
#: The levels pairs are compared at unless the request says otherwise.
PAIR_LEVELS = ("document", "character")


class Cancelled(Exception):
    """The progress callback asked to stop."""


def key_of(measure: Measure) -> Key:
    return (measure.level, measure.scope, measure.name)


@dataclass(frozen=True)
class Pair:
    """Two coders and the engine's report on them alone."""

    first: str
    second: str
    report: Report

    def measure(self, key: Key) -> Measure | None:
        return next((m for m in self.report.measures if key_of(m) == key), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "coders": [self.first, self.second],
            "documents": self.report.documents,
            "measures": [m.as_dict() for m in self.report.measures],
        }


@dataclass(frozen=True)
class CoderRow:
    """One coder against the others on one measure (see the module's docstring)."""

    coder: str
    level: str
    scope: str
    name: str
    mean_alpha: float | None
    mean_kappa: float | None
    mean_percent: float | None
    pairs: int  # pairs whose α is defined (the mean's N)
    alpha_without: float | None
    units_without: int | None
    alpha_all: float | None
    lowest: bool = False

    @property
    def change_without(self) -> float | None:
        """How much α of the others rises (positive) or falls once this coder is dropped."""
        if self.alpha_without is None or self.alpha_all is None:
            return None
        return self.alpha_without - self.alpha_all

    def as_dict(self) -> dict[str, Any]:
        return {
            "coder": self.coder,
            "level": self.level,
            "scope": self.scope,
            "name": self.name,
            "mean_pairwise_alpha": self.mean_alpha,
            "mean_pairwise_kappa": self.mean_kappa,
            "mean_pairwise_percent_agreement": self.mean_percent,
            "pairs_with_alpha": self.pairs,
            "alpha_without_coder": self.alpha_without,
            "units_without_coder": self.units_without,
            "alpha_all_coders": self.alpha_all,
            "alpha_change_without_coder": self.change_without,
            "lowest_mean_alpha": self.lowest,
        }


@dataclass(frozen=True)
class PairsReport:
    """Every pair's report, each coder's rows, and the report of all coders together."""

    coders: tuple[str, ...]
    everyone: Report
    pairs: tuple[Pair, ...]
    per_coder: tuple[CoderRow, ...]

    @property
    def keys(self) -> list[Key]:
        """The rows of the tables, in the order of the report on all coders."""
        return [key_of(m) for m in self.everyone.measures]

    def pair(self, first: str, second: str) -> Pair | None:
        for pair in self.pairs:
            if {pair.first, pair.second} == {first, second}:
                return pair
        return None

    def coder_rows(self, key: Key) -> list[CoderRow]:
        return [row for row in self.per_coder if (row.level, row.scope, row.name) == key]

    def as_dict(self) -> dict[str, Any]:
        return {
            "coders": list(self.coders),
            "documents": self.everyone.documents,
            "kappa_measure": COHEN,
            "pairs": [pair.as_dict() for pair in self.pairs],
            "per_coder": [row.as_dict() for row in self.per_coder],
            "all_coders": [m.as_dict() for m in self.everyone.measures],
            "definitions": {
                "pair": "the engine run on the two coders alone (as agreement --coders A,B)",
                "mean pairwise": "the mean over the pairs a coder is in, of the pairs where "
                "the value is defined (pairs_with_alpha says how many)",
                "without coder": "α of every other coder together; alpha_change_without_coder "
                "is its difference from α of all coders (positive: the coder lowers α)",
                "lowest_mean_alpha": "the coder with the lowest mean pairwise α of the row",
            },
        }


def subset(study: Study, coders: Sequence[int]) -> Study:
    """The study of some of its coders (indices), as :func:`study_of` reads it for them:
    their codings renumbered in the order given."""
    rows = study.rows
    keep = np.isin(rows[:, 1], coders)
    chosen = rows[keep].copy()
    renumber = np.full(len(study.coders), -1, dtype=np.int64)
    renumber[list(coders)] = np.arange(len(coders))
    chosen[:, 1] = renumber[chosen[:, 1]]
    return Study(
        coders=tuple(study.coders[c] for c in coders),
        lengths=study.lengths,
        counted=tuple(study.counted[c] for c in coders),
        dimensions=study.dimensions,
        paths=study.paths,
        rows=chosen,
        parts=study.parts,
        left_out=tuple(study.left_out[c] for c in coders),
    )


def measure_pairs(
    project: Project,
    request: Request | None = None,
    progress: Progress | None = None,
) -> PairsReport:
    """Every pair of the coders the request chooses, each coder against the others, and all
    of them together (see the module's docstring). Raises :class:`Cancelled` when
    ``progress`` returns False."""
    request = request or Request(levels=PAIR_LEVELS)
    return pairs_of_study(study_of(project, request), options_of(request), progress)


def pairs_of_study(study: Study, options: Options, progress: Progress | None = None) -> PairsReport:
    """:func:`measure_pairs` on a study already read (pure: a worker thread may run it)."""
    n = len(study.coders)
    couples = list(combinations(range(n), 2))
    leave_one_out = list(range(n)) if n >= 3 else []
    total = 1 + len(couples) + len(leave_one_out)
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None and progress(done, total) is False:
            raise Cancelled

    if progress is not None and progress(0, total) is False:
        raise Cancelled
    # α of all coders and without each one are compared with each other, not reported with
    # intervals: the pairs' intervals (bootstrap, the costly part) are the ones a reader needs.
    plain = replace(options, bootstrap=False)
    everyone = measure_agreement(study, plain)
    step()
    pairs = []
    for a, b in couples:
        report = measure_agreement(subset(study, [a, b]), options)
        pairs.append(Pair(study.coders[a], study.coders[b], report))
        step()
    without: dict[int, Report] = {}
    for c in leave_one_out:
        without[c] = measure_agreement(subset(study, [k for k in range(n) if k != c]), plain)
        step()
    rows = _coder_rows(study.coders, everyone, pairs, without)
    return PairsReport(study.coders, everyone, tuple(pairs), tuple(rows))


def _mean(values: list[float | None]) -> tuple[float | None, int]:
    defined = [v for v in values if v is not None]
    return (sum(defined) / len(defined), len(defined)) if defined else (None, 0)


def _coder_rows(
    coders: tuple[str, ...], everyone: Report, pairs: list[Pair], without: dict[int, Report]
) -> list[CoderRow]:
    pair_index = [{key_of(m): m for m in pair.report.measures} for pair in pairs]
    without_index = {c: {key_of(m): m for m in r.measures} for c, r in without.items()}
    rows: list[CoderRow] = []
    for measure in everyone.measures:
        key = key_of(measure)
        found = []
        for c, coder in enumerate(coders):
            own = [
                index.get(key)
                for pair, index in zip(pairs, pair_index, strict=True)
                if coder in (pair.first, pair.second)
            ]
            alpha, defined = _mean([m.krippendorff_alpha if m else None for m in own])
            kappa, _ = _mean([m.cohen_kappa if m else None for m in own])
            percent, _ = _mean([m.percent_agreement if m else None for m in own])
            rest = without_index.get(c, {}).get(key)
            found.append(
                CoderRow(
                    coder,
                    *key,
                    mean_alpha=alpha,
                    mean_kappa=kappa,
                    mean_percent=percent,
                    pairs=defined,
                    alpha_without=rest.krippendorff_alpha if rest else None,
                    units_without=rest.units if rest else None,
                    alpha_all=measure.krippendorff_alpha,
                )
            )
        rows += _mark_lowest(found)
    return rows


def _mark_lowest(rows: list[CoderRow]) -> list[CoderRow]:
    """Mark the coder of the lowest mean pairwise α — when there are three coders or more
    (with two, both have the one pair's figure) and the lowest is one coder's alone."""
    values = [row.mean_alpha for row in rows if row.mean_alpha is not None]
    if len(rows) < 3 or len(values) < 3:
        return rows
    low = min(values)
    if sum(1 for v in values if abs(v - low) < 1e-12) != 1:
        return rows
    return [
        replace(row, lowest=True)
        if row.mean_alpha is not None and abs(row.mean_alpha - low) < 1e-12
        else row
        for row in rows
    ]
