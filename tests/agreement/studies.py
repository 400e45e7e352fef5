"""Small studies built the way a user builds them (through the services: a codebook file,
article files, codings applied as the window applies them, statuses marked), and reference
figures from the independent packages, computed on units the test lays out itself."""

from __future__ import annotations

import csv
import random
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from annotator.agreement.report import Measure, Report
from annotator.domain.model import DocumentStatus
from annotator.services import create_project, import_files, set_status
from annotator.services.agreement import Request, measure
from annotator.services.editing import apply_code
from annotator.storage import Project

krippendorff = pytest.importorskip("krippendorff")
inter_rater = pytest.importorskip("statsmodels.stats.inter_rater")

WORDS = [
    "the",
    "ferry",
    "left",
    "port",
    "late",
    "and",
    "the",
    "crew",
    "said",
    "nothing",
    "about",
    "the",
    "cargo",
    "or",
    "the",
    "weather",
]


def article_text(number: int, words: int = 40) -> str:
    """Made-up text of a given length in words (nothing from any real article), different
    for every number: the import would skip near-duplicates."""
    rng = random.Random(number)
    return " ".join(rng.choice(WORDS) for _ in range(words)) + "."


class Built:
    """A project made through the services, with helpers to code and mark articles."""

    def __init__(
        self,
        folder: Path,
        dimensions: dict[str, tuple[bool, Sequence[str]]],
        articles: int,
        words: int = 40,
    ) -> None:
        codebook = folder / "codebook.csv"
        with codebook.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["path", "color", "shortcut", "exclusive", "description"])
            for dimension, (exclusive, codes) in dimensions.items():
                writer.writerow([dimension, "", "", int(exclusive), ""])
                for code in codes:
                    writer.writerow([f"{dimension} > {code}", "", "", 0, ""])
        self.project: Project = create_project(folder / "study.annotator", codebook=codebook)
        files = []
        for number in range(1, articles + 1):
            path = folder / f"a{number:02d}.txt"
            path.write_text(article_text(number, words), encoding="utf-8")
            files.append(path)
        import_files(self.project, files)
        self.ids = {d.name: d.id for d in self.project.documents.all()}
        self.lengths = {d.name: d.length for d in self.project.documents.all()}

    def coder(self, name: str) -> int:
        found = self.project.coders.by_name(name) or self.project.coders.add(name)
        return found.id

    def code(
        self, coder: str, article: str, path: str, span: tuple[int, int] | None = None
    ) -> None:
        """Apply a code as the window does (``span`` None: the whole article)."""
        found = self.project.codebook.tree().find(path)
        assert found is not None, path
        start, end = span if span is not None else (None, None)
        apply_code(self.project, self.ids[article], self.coder(coder), found.id, start, end)

    def done(self, coder: str, *articles: str) -> None:
        set_status(self.project, coder, DocumentStatus.DONE, articles)

    def measure(self, **request: object) -> Report:
        return measure(self.project, Request(**request))  # type: ignore[arg-type]


def row(report: Report, level: str, name: str) -> Measure:
    return next(m for m in report.measures if (m.level, m.name) == (level, name))


# -- the independent packages --------------------------------------------------------------


def _nan(values: Sequence[Sequence[float | None]]) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in unit] for unit in values], float)


def alpha(values: Sequence[Sequence[float | None]]) -> float:
    """krippendorff's nominal α; ``values[unit][coder]``, None for missing."""
    return float(
        krippendorff.alpha(reliability_data=_nan(values).T, level_of_measurement="nominal")
    )


def cohen(first: Sequence[int], second: Sequence[int], categories: int = 2) -> float:
    """statsmodels' Cohen's κ of two coders' values."""
    table = np.zeros((categories, categories))
    for a, b in zip(first, second, strict=True):
        table[a, b] += 1
    with warnings.catch_warnings():  # its z statistic of a one-unit table divides by zero
        warnings.simplefilter("ignore")
        return float(inter_rater.cohens_kappa(table).kappa)


def irr(values: Sequence[Sequence[float | None]], categories: Sequence[int]):  # type: ignore[no-untyped-def]
    """irrCAC's estimates (Gwet's AC1, Fleiss' κ) with the given category set."""
    raw = pytest.importorskip("irrCAC.raw")
    pandas = pytest.importorskip("pandas")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return raw.CAC(pandas.DataFrame(_nan(values)), categories=list(categories), digits=15)


def ac1(values: Sequence[Sequence[float | None]], categories: Sequence[int]) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(irr(values, categories).gwet()["est"]["coefficient_value"])


def percent(values: Sequence[Sequence[float | None]], categories: Sequence[int]) -> float:
    """irrCAC's percent agreement."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(irr(values, categories).gwet()["est"]["pa"])
