"""The agreement report: every measure at every level, with N, notes, warnings and the
definitions used. :func:`measure_agreement` is the one entry point; it is pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from itertools import combinations
from typing import Any

import numpy as np

from annotator.agreement import segments as segment_matching
from annotator.agreement.bootstrap import RESAMPLES, SEED, alpha_interval
from annotator.agreement.coefficients import Coefficients, coefficients
from annotator.agreement.levels import ArticleLevel, CharacterLevel, matched_segments, unitizing
from annotator.agreement.ratings import Ratings
from annotator.agreement.study import Study

LEVELS = ("document", "character", "unitizing", "segment")
# High agreement with a chance-corrected value below Krippendorff's "tentative" 0.667.
PREVALENCE_AGREEMENT = 0.85
PREVALENCE_COEFFICIENT = 0.667


@dataclass(frozen=True)
class Measure:
    """One row of the report (the fields of the agreement JSON)."""

    level: str
    scope: str
    name: str
    units: int
    coders: tuple[str, ...]
    percent_agreement: float | None = None
    cohen_kappa: float | None = None
    fleiss_kappa: float | None = None
    krippendorff_alpha: float | None = None
    alpha_ci95: tuple[float, float] | None = None
    gwet_ac1: float | None = None
    positive_agreement: float | None = None
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["coders"] = list(self.coders)
        data["alpha_ci95"] = list(self.alpha_ci95) if self.alpha_ci95 else None
        return data


@dataclass(frozen=True)
class Confusion:
    """Characters of an exclusive dimension by what each of two coders gave them."""

    dimension: str
    coders: tuple[str, str]
    labels: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]  # counts[row: first coder][column: second coder]


@dataclass(frozen=True)
class Report:
    coders: tuple[str, ...]
    documents: int
    measures: tuple[Measure, ...]
    confusions: tuple[Confusion, ...] = ()
    warnings: tuple[str, ...] = ()
    definitions: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "coders": list(self.coders),
            "documents": self.documents,
            "measures": [m.as_dict() for m in self.measures],
            "confusion_matrices": [
                {
                    "dimension": c.dimension,
                    "coders": list(c.coders),
                    "labels": list(c.labels),
                    "counts": [list(row) for row in c.counts],
                }
                for c in self.confusions
            ],
            "warnings": list(self.warnings),
            "definitions": dict(self.definitions),
        }


@dataclass(frozen=True)
class Options:
    levels: Sequence[str] = LEVELS
    threshold: float = segment_matching.THRESHOLD
    bootstrap: bool = True
    counted_by: str = "done"  # or "assigned": what makes an article count for a coder


def measure_agreement(study: Study, options: Options = Options()) -> Report:
    """Every measure of the study at the chosen levels."""
    unknown = set(options.levels) - set(LEVELS)
    if unknown:
        raise ValueError(f"unknown level: {', '.join(sorted(unknown))}")
    measures: list[Measure] = []
    confusions: list[Confusion] = []
    warnings: list[str] = []
    if "document" in options.levels:
        measures += _article_level(study, options)
    if "character" in options.levels:
        found, matrices, conflicts = _character_level(study, options)
        measures += found
        confusions += matrices
        warnings += conflicts
    if "unitizing" in options.levels:
        measures += _unitizing(study)
    if "segment" in options.levels:
        measures += _segments(study, options.threshold)
    warnings = _prevalence_warnings(measures) + warnings
    return Report(
        coders=study.coders,
        documents=study.compared,
        measures=tuple(measures),
        confusions=tuple(confusions),
        warnings=tuple(warnings),
        definitions=definitions(options),
    )


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
) -> Measure:
    found: Coefficients = coefficients(ratings, binary=binary)
    notes = [note, *found.notes] if note else list(found.notes)
    interval = None
    if options.bootstrap and found.krippendorff_alpha is not None:
        interval, why = alpha_interval(ratings)
        if why:
            notes.append(f"no interval for α: {why}")
    return Measure(
        level=level,
        scope=scope,
        name=name,
        units=found.units,
        coders=study.coders,
        percent_agreement=found.percent_agreement,
        cohen_kappa=found.cohen_kappa,
        fleiss_kappa=found.fleiss_kappa,
        krippendorff_alpha=found.krippendorff_alpha,
        alpha_ci95=interval,
        gwet_ac1=found.gwet_ac1,
        positive_agreement=found.positive_agreement,
        note="; ".join(notes),
    )


def _article_level(study: Study, options: Options) -> list[Measure]:
    level = ArticleLevel(study)
    measures = []
    if study.codes:
        measures.append(
            _from_ratings(
                study,
                "document",
                "overall",
                "All codes",
                level.overall(),
                options,
                binary=True,
                note="units are (article, code) pairs",
            )
        )
    for dimension in study.dimensions:
        if dimension.whole:
            ratings, labels = level.dimension(dimension)
            measures.append(
                _from_ratings(
                    study,
                    "document",
                    "dimension",
                    dimension.name,
                    ratings,
                    options,
                    binary=False,
                    note=f"values are sets of its codes ({len(labels)} seen)",
                )
            )
        for code in dimension.codes:
            measures.append(
                _from_ratings(
                    study,
                    "document",
                    "code",
                    study.paths[code],
                    level.code(code),
                    options,
                    binary=True,
                )
            )
    return measures


def _character_level(
    study: Study, options: Options
) -> tuple[list[Measure], list[Confusion], list[str]]:
    level = CharacterLevel(study)
    measures, matrices, warnings = [], [], []
    if study.codes:
        measures.append(
            _from_ratings(
                study,
                "character",
                "overall",
                "All codes",
                level.overall(),
                options,
                binary=True,
                note="units are (character, code) pairs",
            )
        )
    for dimension in study.dimensions:
        if dimension.exclusive and dimension.whole:
            ratings, labels, conflicts = level.dimension(dimension)
            note = ""
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
                )
            )
            matrices += _confusions(study, dimension.name, ratings, labels)
        for code in dimension.codes:
            measures.append(
                _from_ratings(
                    study,
                    "character",
                    "code",
                    study.paths[code],
                    level.code(code),
                    options,
                    binary=True,
                )
            )
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


def _unitizing(study: Study) -> list[Measure]:
    if len(study.coders) < 2:
        return []
    per_code, total, continuum = unitizing(study)
    caveat = "the 1995 definition, with more than two coders" if len(study.coders) > 2 else ""

    def row(scope: str, name: str, result: Any) -> Measure:
        notes = [n for n in (result.note, caveat) if n]
        return Measure(
            level="unitizing",
            scope=scope,
            name=name,
            units=continuum,
            coders=study.coders,
            krippendorff_alpha=result.alpha,
            note="; ".join(notes),
        )

    measures = [row("overall", "All codes", total)]
    measures += [row("code", study.paths[code], per_code[code]) for code in study.codes]
    return measures


def _segments(study: Study, threshold: float) -> list[Measure]:
    """Per code and over all codes: the share of segments the other coder matched."""
    counts: list[tuple[str, str, int, int]] = []  # scope, name, matched, segments
    pairs = list(combinations(range(len(study.coders)), 2))
    for code in study.codes:
        found = [matched_segments(study, code, a, b, threshold) for a, b in pairs]
        counts.append(
            ("code", study.paths[code], sum(f[0] for f in found), sum(f[1] for f in found))
        )
    total = ("overall", "All codes", sum(c[2] for c in counts), sum(c[3] for c in counts))
    described = (
        f"share of segments matched by the same code with ≥ {threshold:.0%} overlap; "
        "chance-corrected figures are at character level"
    )
    return [
        Measure(
            level="segment",
            scope=scope,
            name=name,
            units=items,
            coders=study.coders,
            percent_agreement=matched / items if items else None,
            note=described if items else "no coded segments in articles that two coders count",
        )
        for scope, name, matched, items in [total, *counts]
    ]


def _prevalence_warnings(measures: list[Measure]) -> list[str]:
    warnings = []
    for m in measures:
        corrected = m.krippendorff_alpha if m.krippendorff_alpha is not None else m.cohen_kappa
        if (
            m.percent_agreement is not None
            and corrected is not None
            and m.percent_agreement >= PREVALENCE_AGREEMENT
            and corrected < PREVALENCE_COEFFICIENT
        ):
            warnings.append(
                f"{m.name} ({m.level} level): {m.percent_agreement:.0%} agreement but "
                f"{'α' if m.krippendorff_alpha is not None else 'κ'} = {corrected:.2f}. When a "
                "code is rare (or nearly everywhere), coders agree by chance; report α or κ, "
                "not agreement alone"
            )
    return warnings


def definitions(options: Options) -> tuple[tuple[str, str], ...]:
    """The definitions behind the figures, for the report and a methods section."""
    counted = "marked it done" if options.counted_by == "done" else "was assigned it"
    return (
        (
            "Articles",
            f"An article counts for a coder once the coder {counted}; an article that "
            "does not count for a coder is missing for them, not coded 'absent'.",
        ),
        (
            "Article level",
            "Per code: whether the coder applied the code anywhere in the article "
            "(a passage or the whole article). Per dimension: the set of its codes the coder "
            "applied, compared as one nominal value.",
        ),
        (
            "Character level",
            "Each character is a unit: coded with the code or not (overlapping "
            "passages of one coder count once). Per exclusive dimension: the code covering the "
            "character, or none.",
        ),
        (
            "Unitizing",
            "Krippendorff's α_U (1995; 2004) per code on the articles that count for "
            "every coder, joined end to end, in characters; overall 1 − mean D_O / mean D_E.",
        ),
        (
            "Segments",
            f"A coded passage agrees when another coder gave the same code to a passage "
            f"overlapping it by at least {options.threshold:.0%} of both together.",
        ),
        ("Percent agreement", "The share of agreeing coder pairs per unit, averaged over units."),
        ("Cohen's κ", "For two coders; for more, the mean of every pair's κ (Light's κ)."),
        ("Fleiss' κ", "With Gwet's handling of units that not every coder rated."),
        (
            "Krippendorff's α",
            "Nominal; units with fewer than two values drop out. The 95 % "
            f"interval is a percentile bootstrap over articles ({RESAMPLES:,} resamples, seed "
            f"{SEED}).",
        ),
        ("Gwet's AC1", "Chance agreement Σ π_k(1 − π_k)/(q − 1) over the q possible categories."),
        ("Positive agreement", "Specific agreement on presence: 2a / (2a + b + c)."),
        (
            "Undefined values",
            "A coefficient that cannot be computed (no variation, nothing "
            "to pair) is reported as empty with a note, never as 0 or averaged in.",
        ),
    )
