"""The agreement report: every measure at every level, with N, notes, warnings and the
definitions used. :func:`measure_agreement` is the one entry point; it is pure."""

from __future__ import annotations

from annotator.agreement import cautions, rows, span_rows
from annotator.agreement.definitions import definitions
from annotator.agreement.results import (
    COHEN,
    LEVELS,
    LIGHT,
    Confusion,
    Measure,
    Options,
    Report,
    kappa_name,
)
from annotator.agreement.study import Study

__all__ = [
    "COHEN",
    "LEVELS",
    "LIGHT",
    "Confusion",
    "Measure",
    "Options",
    "Report",
    "kappa_name",
    "measure_agreement",
]


def measure_agreement(study: Study, options: Options | None = None) -> Report:
    """Every measure of the study at the chosen levels (all of them by default)."""
    options = options or Options()
    unknown = set(options.levels) - set(LEVELS)
    if unknown:
        raise ValueError(f"unknown level: {', '.join(sorted(unknown))}")
    measures: list[Measure] = []
    confusions: list[Confusion] = []
    warnings: list[str] = []
    if "document" in options.levels:
        measures += rows.article_level(study, options)
    if "character" in options.levels:
        found, matrices, conflicts = rows.character_level(study, options)
        measures += found
        confusions += matrices
        warnings += conflicts
    if "unitizing" in options.levels:
        measures += span_rows.unitizing_level(study, options)
    if "segment" in options.levels:
        measures += span_rows.segment_level(study, options.threshold)
    warnings = (
        cautions.left_out(study)
        + cautions.coverage(study, measures, unitizing="unitizing" in options.levels)
        + cautions.prevalence(measures)
        + warnings
    )
    left = tuple((c, n) for c, n in zip(study.coders, study.left_out, strict=True))
    left += study.absent
    return Report(
        coders=study.coders,
        documents=study.compared,
        measures=tuple(measures),
        confusions=tuple(confusions),
        warnings=tuple(warnings),
        definitions=definitions(options, len(study.coders)),
        counted_by=options.counted_by,
        left_out=left if options.counted_by == "assigned" else (),
    )
