"""The rows of the report, level by level: all codes, each dimension, each code.

Pooled rows ("All codes") pool only the codes some coder applied in the articles compared: a
code nobody applied agrees everywhere by definition, and pooling its units as agreements would
inflate the figure. Its own row is kept, marked not applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np

from annotator.agreement.bootstrap import Interval, alpha_interval
from annotator.agreement.coefficients import coefficients
from annotator.agreement.levels import ArticleLevel, CharacterLevel, matched_segments, unitizing
from annotator.agreement.ratings import Ratings
from annotator.agreement.results import Confusion, Measure, Options, kappa_name
from annotator.agreement.study import Dimension, Study
from annotator.agreement.unitizing import Unitizing
from annotator.agreement.unitizing import overall as overall_unitizing
from annotator.agreement.unitizing_interval import unitizing_intervals

ALL_CODES = "All codes"
NOT_APPLIED = "not applied"


def not_applied(what: str) -> str:
    """The note of a row nobody applied anything of."""
    return (
        f"{NOT_APPLIED}: no coder applied {what} in the articles compared, so there was "
        "nothing to agree on (agreement and AC1 are 1 by definition, α and κ undefined)"
    )


def _pool_note(units: str, pooled: int, total: int) -> str:
    left = total - pooled
    note = f"units are ({units}, code) pairs of the {pooled} codes applied"
    if left:
        note += f"; {left} {'code' if left == 1 else 'codes'} nobody applied left out"
    return note


def _entered(study: Study, ratings: Ratings) -> tuple[str, ...]:
    """The coders with a value in a unit that another coder rated too."""
    rated = ratings.values >= 0
    pairable = rated.sum(axis=1) >= 2
    return tuple(c for k, c in enumerate(study.coders) if rated[pairable, k].any())


def _from_ratings(
    study: Study,
    level: str,
    scope: str,
    name: str,
    ratings: Ratings,
    options: Options,
    *,
    binary: bool,
    note: str = "",
    applied: bool = True,
    codes_pooled: int | None = None,
    path: tuple[str, ...] = (),
) -> Measure:
    found = coefficients(ratings, binary=binary)
    notes = [note] if note else []
    interval = None
    if not applied:
        notes = [note] if note.startswith(NOT_APPLIED) else [not_applied("it"), *notes]
    else:
        notes += found.notes
        if options.bootstrap and found.krippendorff_alpha is not None:
            result = alpha_interval(ratings)
            interval = result.bounds
            if result.why:
                notes.append(f"no interval for α: {result.why}")
            elif result.caution:
                notes.append(result.caution)
    return Measure(
        level=level,
        scope=scope,
        name=name,
        units=found.units,
        coders=_entered(study, ratings),
        percent_agreement=found.percent_agreement,
        cohen_kappa=found.cohen_kappa,
        fleiss_kappa=found.fleiss_kappa,
        krippendorff_alpha=found.krippendorff_alpha,
        alpha_ci95=interval,
        gwet_ac1=found.gwet_ac1,
        positive_agreement=found.positive_agreement,
        note="; ".join(notes),
        kappa_measure=kappa_name(len(study.coders)),
        codes_pooled=codes_pooled,
        applied=applied,
        path=path,
    )


def _nothing_pooled(study: Study, level: str) -> Measure:
    return Measure(
        level=level,
        scope="overall",
        name=ALL_CODES,
        units=0,
        coders=(),
        note=not_applied("any of the codes"),
        kappa_measure=kappa_name(len(study.coders)),
        codes_pooled=0,
        applied=False,
    )


def _dimension_applied(study: Study, dimension: Dimension) -> int:
    return sum(code in study.applied for code in dimension.codes)


def article_level(study: Study, options: Options) -> list[Measure]:
    level = ArticleLevel(study)
    measures = []
    pooled = pooled_codes(study, study.codes)
    if study.codes and pooled:
        measures.append(
            _from_ratings(
                study,
                "document",
                "overall",
                ALL_CODES,
                level.overall(pooled),
                options,
                binary=True,
                note=_pool_note("article", len(pooled), len(study.codes)),
                codes_pooled=len(pooled),
            )
        )
    elif study.codes:
        measures.append(_nothing_pooled(study, "document"))
    for dimension in study.dimensions:
        if dimension.whole:
            ratings, labels = level.dimension(dimension)
            used = _dimension_applied(study, dimension)
            measures.append(
                _from_ratings(
                    study,
                    "document",
                    "dimension",
                    dimension.name,
                    ratings,
                    options,
                    binary=False,
                    note=_categories_note(dimension, labels)
                    if used
                    else not_applied("any of its codes"),
                    applied=bool(used),
                    codes_pooled=used,
                    path=(dimension.name,),
                )
            )
        for code in dimension.codes:
            measures.append(_code_row(study, "document", code, level.code(code), options))
    return measures


def _categories_note(dimension: Dimension, labels: list[str]) -> str:
    combined = len(labels) - 1 - len(dimension.codes)
    combinations_given = f", {combined} combinations coders gave" if combined else ""
    return (
        f"values are sets of its codes: none, each of its {len(dimension.codes)} codes"
        f"{combinations_given} ({len(labels)} categories, all counted by AC1)"
    )


def _code_row(study: Study, level: str, code: int, ratings: Ratings, options: Options) -> Measure:
    return _from_ratings(
        study,
        level,
        "code",
        study.paths[code],
        ratings,
        options,
        binary=True,
        applied=code in study.applied,
        path=study.parts[code],
    )


def character_level(
    study: Study, options: Options
) -> tuple[list[Measure], list[Confusion], list[str]]:
    level = CharacterLevel(study)
    measures, matrices, warnings = [], [], []
    pooled = pooled_codes(study, study.codes)
    if study.codes and pooled:
        measures.append(
            _from_ratings(
                study,
                "character",
                "overall",
                ALL_CODES,
                level.overall(pooled),
                options,
                binary=True,
                note=_pool_note("character", len(pooled), len(study.codes)),
                codes_pooled=len(pooled),
            )
        )
    elif study.codes:
        measures.append(_nothing_pooled(study, "character"))
    for dimension in study.dimensions:
        if dimension.exclusive and dimension.whole:
            ratings, labels, conflicts = level.dimension(dimension)
            used = _dimension_applied(study, dimension)
            note = "" if used else not_applied("any of its codes")
            for coder, characters in zip(study.coders, conflicts.characters, strict=True):
                if characters:
                    note = "characters a coder gave two of its codes are left out"
                    warnings.append(
                        f"{coder} gave two or more {dimension.name} codes to {characters:,} "
                        f"characters, although {dimension.name} is exclusive; they are left out "
                        f"of {dimension.name}'s character-level figures"
                    )
            measures.append(
                _from_ratings(
                    study,
                    "character",
                    "dimension",
                    dimension.name,
                    ratings,
                    options,
                    binary=False,
                    note=note,
                    applied=bool(used),
                    codes_pooled=used,
                    path=(dimension.name,),
                )
            )
            matrices += _confusions(study, dimension.name, ratings, labels)
        for code in dimension.codes:
            measures.append(_code_row(study, "character", code, level.code(code), options))
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


UNITIZING_ONLY = (
    "α_U only: agreement, κ, Fleiss' κ, AC1 and positive agreement need units of equal size "
    "and are at the character level"
)


def unitizing_level(study: Study, options: Options) -> list[Measure]:
    if len(study.coders) < 2:
        return []
    per_code, continuum = unitizing(study)
    marked = [code for code in study.codes if per_code[code].expected > 0]
    intervals: dict[int, Interval] = {}
    pooled_interval: Interval | None = None
    if options.bootstrap and continuum.length:
        intervals, pooled_interval = unitizing_intervals(
            continuum, marked, marked, len(study.coders)
        )
    caveat = "the 1995 definition, with more than two coders" if len(study.coders) > 2 else ""

    def row(
        scope: str,
        name: str,
        result: Unitizing,
        interval: Interval | None,
        *,
        pooled: int | None = None,
        path: tuple[str, ...] = (),
        note: str = "",
    ) -> Measure:
        notes = [note, UNITIZING_ONLY]
        if result.alpha is None:
            notes.append(result.note)
        elif interval is not None and interval.bounds is None:
            notes.append(f"no interval for α_U: {interval.why}")
        elif interval is not None:
            notes.append(interval.caution)
        return Measure(
            level="unitizing",
            scope=scope,
            name=name,
            units=continuum.length,
            coders=study.coders if continuum.length else (),
            krippendorff_alpha=result.alpha,
            alpha_ci95=interval.bounds
            if interval is not None and result.alpha is not None
            else None,
            note="; ".join(n for n in [*notes, caveat] if n),
            kappa_measure=kappa_name(len(study.coders)),
            codes_pooled=pooled,
            path=path,
        )

    def unused(code: int) -> Measure:
        return Measure(
            level="unitizing",
            scope="code",
            name=study.paths[code],
            units=continuum.length,
            coders=study.coders if continuum.length else (),
            note=not_applied("it"),
            kappa_measure=kappa_name(len(study.coders)),
            applied=False,
            path=study.parts[code],
        )

    if pooled_codes(study, study.codes):
        left = len(study.codes) - len(marked)
        note = f"pools the {len(marked)} codes with units in the articles every coder counts"
        measures = [
            row(
                "overall",
                ALL_CODES,
                overall_unitizing([per_code[code] for code in marked]),
                pooled_interval,
                pooled=len(marked),
                note=note if left else "",
            )
        ]
    else:
        measures = [_nothing_pooled(study, "unitizing")]
    for code in study.codes:
        if code in study.applied:
            measures.append(
                row(
                    "code",
                    study.paths[code],
                    per_code[code],
                    intervals.get(code),
                    path=study.parts[code],
                )
            )
        else:
            measures.append(unused(code))
    return measures


def segment_level(study: Study, threshold: float) -> list[Measure]:
    """Per code and over all codes: the share of segments the other coder matched."""
    pairs = [
        (a, b)
        for a, b in combinations(range(len(study.coders)), 2)
        if (study.counted_mask[a] & study.counted_mask[b]).any()
    ]
    entered = tuple(c for k, c in enumerate(study.coders) if any(k in pair for pair in pairs))
    kappa = kappa_name(len(study.coders))
    described = (
        f"share of segments matched by the same code with ≥ {threshold:.0%} overlap; "
        "κ, α and AC1 need units of equal size and are at the character level"
    )
    rows: list[Measure] = []
    matched_total = items_total = 0
    applied = pooled_codes(study, study.codes)
    for code in study.codes:
        found = [matched_segments(study, code, a, b, threshold) for a, b in pairs]
        matched, items = sum(f[0] for f in found), sum(f[1] for f in found)
        matched_total += matched
        items_total += items
        used = code in study.applied
        rows.append(
            Measure(
                level="segment",
                scope="code",
                name=study.paths[code],
                units=items,
                coders=entered,
                percent_agreement=matched / items if items and used else None,
                note=described if used else not_applied("it"),
                kappa_measure=kappa,
                applied=used,
                path=study.parts[code],
            )
        )
    if not applied:
        return [_nothing_pooled(study, "segment"), *rows]
    total = Measure(
        level="segment",
        scope="overall",
        name=ALL_CODES,
        units=items_total,
        coders=entered,
        percent_agreement=matched_total / items_total if items_total else None,
        note=described + f"; pools the {len(applied)} codes applied",
        kappa_measure=kappa,
        codes_pooled=len(applied),
    )
    return [total, *rows]


def pooled_codes(study: Study, codes: Sequence[int]) -> list[int]:
    """The codes of ``codes`` that some coder applied in the articles compared."""
    return [code for code in codes if code in study.applied]
