"""Retrieval on the large project (200,000 codings over 10,000 articles): each search is
one SQL query, so the coded-passages view stays responsive on a real study's project."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from annotator.domain.model import VariableType
from annotator.services.article_filter import Condition, Match
from annotator.services.retrieval import Mode, Search, retrieve
from annotator.storage import Project

RETRIEVAL_KEYS = {"retrieval_200k_ms", "retrieval_all_200k_ms", "retrieval_overlap_200k_ms"}


def _median_ms(project: Project, search: Search, repeat: int = 5) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(repeat):
        began = time.perf_counter()
        count = len(retrieve(project, search))
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000, count


def bench_retrieval(path: Path) -> dict[str, float]:
    """Any of two codes in one outlet; all of two codes; a dimension overlapping a code."""
    with Project.open(path, read_only=True) as project:
        codebook = project.codebook.tree()
        codes = [code.id for code in codebook.codes()]
        dimension = codebook.dimensions()[0].id
        outlet = Condition("outlet", VariableType.CATEGORY, Match.IS, text="Pacific Wire")
        any_of = Search((codes[0], codes[1]), conditions=(outlet,))
        all_of = Search((codes[0], codes[-1]), Mode.ALL)
        overlap = Search((dimension,), Mode.OVERLAP, overlapping=(codes[-1],))
        results = {}
        for key, search in (
            ("retrieval_200k_ms", any_of),
            ("retrieval_all_200k_ms", all_of),
            ("retrieval_overlap_200k_ms", overlap),
        ):
            results[key], found = _median_ms(project, search)
            assert found > 0, key
    return results
