"""The rows of the article and character levels: all codes, each dimension, each code.

Pooled rows ("All codes") pool only the codes some coder applied in the articles compared: a
code nobody applied agrees everywhere by definition, and pooling its units as agreements would
inflate the figure. Its own row is kept, marked not applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from typing import Any

import numpy as np

from annotator.agreement.bootstrap import intervals_of
from annotator.agreement.coefficients import (
    Coefficients,
    FloatArray,
    Tally,
    alpha_statistics_by_group,
    coefficients,
)
from annotator.agreement.levels import ArticleLevel, CharacterLevel
from annotator.agreement.ratings import IntArray, Ratings
from annotator.agreement.results import Confusion, Measure, Options, kappa_name
from annotator.agreement.study import Dimension, Study

ALL_CODES = "All codes"
NOT_APPLIED = "not applied"


# What a row nobody applied anything of holds, by level.
_NOTHING_TO_AGREE_ON = {
    "document": "agreement and AC1 are 1 by definition, α and κ undefined",
    "character": "agreement and AC1 are 1 by definition, α and κ undefined",
    "unitizing": "α_U is undefined",
    "segment": "there is no segment to match",
}


def not_applied(what: str, level: str, compared: int) -> str:
    """The note of a row nobody applied anything of (``what``: "it", "any of its codes"),
    at a level where ``compared`` units (articles at the span levels) were compared."""
    if not compared:
        return f"{NOT_APPLIED}: nothing was compared (no article counts for two or more coders)"
    return (
        f"{NOT_APPLIED}: no coder applied {what} in the articles compared, so there was "
        f"nothing to agree on ({_NOTHING_TO_AGREE_ON[level]})"
    )


def _pool_note(units: str, pooled: int, total: int) -> str:
    left = total - pooled
    note = f"units are ({units}, code) pairs of the {pooled} codes applied"
    if left:
        note += f"; {left} {'code' if left == 1 else 'codes'} nobody applied left out"
    return note


def _entered(study: Study, ratings: Ratings, tally: Tally) -> tuple[str, ...]:
    """The coders with a value in a unit that another coder rated too."""
    entered = np.asarray((ratings.values[tally.pairable] >= 0).any(axis=0))
    return tuple(c for k, c in enumerate(study.coders) if entered[k])


class _Rows:
    """The rows of one level, made from ratings: coefficients at once, α's intervals together
    at the end (one product for every row over the same articles, instead of one each)."""

    def __init__(self, study: Study, options: Options) -> None:
        self.study, self.options = study, options
        self._pending: list[tuple[dict[str, Any], Ratings, Coefficients, list[str]]] = []
        self._grouped: dict[int, tuple[IntArray, FloatArray]] = {}

    def add(
        self,
        level: str,
        scope: str,
        name: str,
        ratings: Ratings,
        *,
        binary: bool,
        note: str = "",
        applied: bool = True,
        nobody: str = "it",
        codes_pooled: int | None = None,
        path: tuple[str, ...] = (),
    ) -> None:
        """A row; when not ``applied``, its note says that nobody applied ``nobody``."""
        tally = Tally(ratings)
        found = coefficients(ratings, binary=binary, coders=self.study.coders, tally=tally)
        if applied:
            notes = [note, *found.notes] if note else list(found.notes)
        else:
            notes = [not_applied(nobody, level, found.units)]
        fields = {
            "level": level,
            "scope": scope,
            "name": name,
            "codes_pooled": codes_pooled,
            "applied": applied,
            "path": path,
            "coders": _entered(self.study, ratings, tally),
        }
        self._pending.append((fields, ratings, found, notes))
        if self.options.bootstrap and applied and found.krippendorff_alpha is not None:
            # α's rows per article, from the tally the coefficients read (not made again).
            self._grouped[len(self._pending) - 1] = alpha_statistics_by_group(ratings, tally)

    def measures(self) -> list[Measure]:
        wanted = list(self._grouped)
        intervals = dict(zip(wanted, intervals_of([self._grouped[k] for k in wanted]), strict=True))
        measures = []
        names = self.study.coders
        for k, (fields, _, found, notes) in enumerate(self._pending):
            pairs = found.undefined_pairs
            undefined = tuple(
                (names[pairs[i]], names[pairs[i + 1]]) for i in range(0, len(pairs), 2)
            )
            interval = intervals.get(k)
            if interval is not None and interval.why:
                notes.append(f"no interval for α: {interval.why}")
            elif interval is not None and interval.caution:
                notes.append(interval.caution)
            measures.append(
                Measure(
                    units=found.units,
                    percent_agreement=found.percent_agreement,
                    cohen_kappa=found.cohen_kappa,
                    fleiss_kappa=found.fleiss_kappa,
                    krippendorff_alpha=found.krippendorff_alpha,
                    alpha_ci95=interval.bounds if interval is not None else None,
                    gwet_ac1=found.gwet_ac1,
                    positive_agreement=found.positive_agreement,
                    note="; ".join(notes),
                    kappa_measure=kappa_name(len(self.study.coders)),
                    undefined_pairs=undefined,
                    **fields,
                )
            )
        return measures


def nothing_pooled(study: Study, level: str) -> Measure:
    return Measure(
        level=level,
        scope="overall",
        name=ALL_CODES,
        units=0,
        coders=(),
        note=not_applied("any of the codes", level, study.compared),
        kappa_measure=kappa_name(len(study.coders)),
        codes_pooled=0,
        applied=False,
    )


def _dimension_applied(study: Study, dimension: Dimension) -> int:
    return sum(code in study.applied for code in dimension.codes)


def article_level(study: Study, options: Options) -> list[Measure]:
    level = ArticleLevel(study)
    rows = _Rows(study, options)
    pooled = pooled_codes(study, study.codes)
    if study.codes and pooled:
        rows.add(
            "document",
            "overall",
            ALL_CODES,
            level.overall(pooled),
            binary=True,
            note=_pool_note("article", len(pooled), len(study.codes)),
            codes_pooled=len(pooled),
        )
    for dimension in study.dimensions:
        if dimension.whole:
            ratings, labels = level.dimension(dimension)
            used = _dimension_applied(study, dimension)
            rows.add(
                "document",
                "dimension",
                dimension.name,
                ratings,
                binary=False,
                note=_categories_note(dimension, labels),
                applied=bool(used),
                nobody="any of its codes",
                codes_pooled=used,
                path=(dimension.name,),
            )
        for code in dimension.codes:
            _code_row(rows, study, "document", code, level.code(code))
    measures = rows.measures()
    if study.codes and not pooled:
        measures.insert(0, nothing_pooled(study, "document"))
    return measures


def _categories_note(dimension: Dimension, labels: list[str]) -> str:
    combined = len(labels) - 1 - len(dimension.codes)
    combinations_given = (
        f", {combined} {'combination' if combined == 1 else 'combinations'} coders gave"
        if combined
        else ""
    )
    return (
        f"values are sets of its codes: none, each of its {len(dimension.codes)} codes"
        f"{combinations_given} ({len(labels)} categories, all counted by AC1)"
    )


def _code_row(rows: _Rows, study: Study, level: str, code: int, ratings: Ratings) -> None:
    rows.add(
        level,
        "code",
        study.paths[code],
        ratings,
        binary=True,
        applied=code in study.applied,
        path=study.parts[code],
    )


def character_level(
    study: Study, options: Options
) -> tuple[list[Measure], list[Confusion], list[str]]:
    level = CharacterLevel(study)
    rows = _Rows(study, options)
    matrices, warnings = [], []
    pooled = pooled_codes(study, study.codes)
    if study.codes and pooled:
        rows.add(
            "character",
            "overall",
            ALL_CODES,
            level.overall(pooled),
            binary=True,
            note=_pool_note("character", len(pooled), len(study.codes)),
            codes_pooled=len(pooled),
        )
    for dimension in study.dimensions:
        if dimension.exclusive and dimension.whole:
            ratings, labels, conflicts = level.dimension(dimension)
            used = _dimension_applied(study, dimension)
            note = ""
            for coder, characters in zip(study.coders, conflicts.characters, strict=True):
                if characters:
                    note = "characters a coder gave two of its codes are left out"
                    warnings.append(
                        f"{coder} gave two or more {dimension.name} codes to {characters:,} "
                        f"characters, although {dimension.name} is exclusive; they are left out "
                        f"of {dimension.name}'s character-level figures"
                    )
            rows.add(
                "character",
                "dimension",
                dimension.name,
                ratings,
                binary=False,
                note=note,
                applied=bool(used),
                nobody="any of its codes",
                codes_pooled=used,
                path=(dimension.name,),
            )
            matrices += _confusions(study, dimension.name, ratings, labels)
        for code in dimension.codes:
            _code_row(rows, study, "character", code, level.code(code))
    measures = rows.measures()
    if study.codes and not pooled:
        measures.insert(0, nothing_pooled(study, "character"))
    return measures, matrices, warnings


def _confusions(study: Study, name: str, ratings: Ratings, labels: list[str]) -> list[Confusion]:
    matrices = []
    q = ratings.categories
    for first, second in combinations(range(len(study.coders)), 2):
        a, b = ratings.values[:, first], ratings.values[:, second]
        both = (a >= 0) & (b >= 0)
        table = np.bincount(a[both] * q + b[both], weights=ratings.weights[both], minlength=q * q)
        counts = tuple(tuple(int(x) for x in row) for row in table.reshape(q, q))
        matrices.append(
            Confusion(name, (study.coders[first], study.coders[second]), tuple(labels), counts)
        )
    return matrices


def pooled_codes(study: Study, codes: Sequence[int]) -> list[int]:
    """The codes of ``codes`` that some coder applied in the articles compared."""
    return [code for code in codes if code in study.applied]
