"""Analysis on the large project (200,000 codings over 10,000 articles): a crosstab of every
code by outlet, and co-occurrence within passages (the costlier of the two levels)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

from annotator.analysis.cooccurrence import Within
from annotator.services.analysis import Request, cooccurrences, frequencies
from annotator.storage import Project

ANALYSIS_KEYS = {"analysis_frequencies_200k_s", "analysis_cooccurrence_200k_s"}


def _median_s(work: Callable[[], int], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        assert work() > 0
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def bench_analysis(path: Path) -> dict[str, float]:
    """Frequencies of every code by outlet (all coders); passage-level co-occurrence."""
    with Project.open(path, read_only=True) as project:
        return {
            "analysis_frequencies_200k_s": _median_s(
                lambda: frequencies(project, Request(by="outlet")).table.total.segments
            ),
            "analysis_cooccurrence_200k_s": _median_s(
                lambda: sum(p.count for p in cooccurrences(project, Within.PASSAGE).pairs), 3
            ),
        }
