"""What an agreement report holds: its measures (the rows of the agreement JSON), confusion
matrices, warnings and definitions, and the options it was made with."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from annotator.agreement import segments as segment_matching

LEVELS = ("document", "character", "unitizing", "segment")
COHEN = "Cohen's κ"
LIGHT = "Light's κ"  # the mean of every pair's Cohen's κ, for three coders or more


def kappa_name(coders: int) -> str:
    """What the κ column holds for this many coders."""
    return COHEN if coders <= 2 else LIGHT


@dataclass(frozen=True)
class Measure:
    """One row of the report (the fields of the agreement JSON).

    ``coders`` are the coders whose codings entered the figures; ``path`` the names from the
    dimension down (empty for the overall rows); ``codes_pooled`` how many codes an overall or
    dimension row pools (the codes someone applied); ``applied`` is false for a code — or a
    dimension, or all codes — that no coder applied in the articles compared, whose agreement
    of 1 says nothing; ``kappa_measure`` names what ``cohen_kappa`` holds."""

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
    kappa_measure: str = COHEN
    codes_pooled: int | None = None
    applied: bool = True
    path: tuple[str, ...] = ()
    # Light's κ: the pairs of coders whose own κ is undefined, leaving it empty (for the
    # warnings; the note says it in words).
    undefined_pairs: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["coders"] = list(self.coders)
        data["alpha_ci95"] = list(self.alpha_ci95) if self.alpha_ci95 else None
        data["path"] = list(self.path)
        del data["undefined_pairs"]
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
    """Every measure, the confusion matrices, warnings and definitions. ``left_out`` says,
    per coder, how many articles assigned to them were left out as not done (when articles
    count once assigned) — also for a coder assigned articles who finished none and so is
    not among ``coders``."""

    coders: tuple[str, ...]
    documents: int
    measures: tuple[Measure, ...]
    confusions: tuple[Confusion, ...] = ()
    warnings: tuple[str, ...] = ()
    definitions: tuple[tuple[str, str], ...] = ()
    counted_by: str = "done"
    left_out: tuple[tuple[str, int], ...] = ()

    @property
    def kappa_measure(self) -> str:
        return kappa_name(len(self.coders))

    def as_dict(self) -> dict[str, Any]:
        return {
            "coders": list(self.coders),
            "documents": self.documents,
            "counted_by": self.counted_by,
            "assigned_not_done": dict(self.left_out),
            "kappa_measure": self.kappa_measure,
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
