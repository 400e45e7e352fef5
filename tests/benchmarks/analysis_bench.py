"""Analysis on the large project (200,000 codings over 10,000 articles): a crosstab of every
code by outlet, and co-occurrence within passages (the costlier of the two levels); and on a
wide project (2,000 codes, 500 outlets, 20,000 codings): the crosstab and its million
``--json``/CSV rows, as ``annotator analyze frequencies --by outlet -o`` builds them."""

from __future__ import annotations

import hashlib
import random
import statistics
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from annotator.analysis.cooccurrence import Within
from annotator.analysis.crosstab import Unit
from annotator.domain.model import VariableType
from annotator.services import create_project
from annotator.services.analysis import Request, cooccurrences, frequencies
from annotator.storage import Project

ANALYSIS_KEYS = {
    "analysis_frequencies_200k_s",
    "analysis_cooccurrence_200k_s",
    "analysis_frequencies_wide_s",
}
WIDE = {"codes": 2_000, "outlets": 500, "articles": 600, "codings": 20_000}


def _median_s(work: Callable[[], int], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        assert work() > 0
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def bench_analysis(path: Path) -> dict[str, float]:
    """Frequencies of every code by outlet (all coders); passage-level co-occurrence; the
    wide project's frequencies with their records (built next to ``path``)."""
    wide = path.with_name("wide.annotator")
    if not wide.exists():
        build_wide_project(wide)
    with Project.open(wide, read_only=True) as project:
        wide_s = _median_s(
            lambda: len(frequencies(project, Request(by="outlet")).records(Unit.SEGMENTS)), 3
        )
    with Project.open(path, read_only=True) as project:
        return {
            "analysis_frequencies_wide_s": wide_s,
            "analysis_frequencies_200k_s": _median_s(
                lambda: frequencies(project, Request(by="outlet")).table.total.segments
            ),
            "analysis_cooccurrence_200k_s": _median_s(
                lambda: sum(p.count for p in cooccurrences(project, Within.PASSAGE).pairs), 3
            ),
        }


def build_wide_project(path: Path) -> None:
    """2,000 codes under one dimension, 600 articles in 500 outlets, 20,000 span codings by
    two coders: a crosstab of a million cells."""
    rng = random.Random(7)
    now = "2026-01-01T00:00:00Z"
    project = create_project(path)
    coders = [project.coders.add(name).id for name in ("Ana", "Ben")]
    outlet = project.documents.define_variable("outlet", VariableType.CATEGORY)
    dimension = project.codebook.add("Many").id
    names = [f"Code number {i:04d} with a fairly long label" for i in range(WIDE["codes"])]
    with project.transaction():
        project.db.conn.executemany(
            "INSERT INTO codes (guid, parent_id, name, color, position, name_key) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (str(uuid.uuid4()), dimension, name, "#336699", i, name.casefold())
                for i, name in enumerate(names)
            ],
        )
        codes = [
            i
            for (i,) in project.db.execute("SELECT id FROM codes WHERE parent_id = ?", [dimension])
        ]
        texts = [
            f"Article {i} " + "lorem ipsum dolor sit amet " * 40 for i in range(WIDE["articles"])
        ]
        project.db.conn.executemany(
            "INSERT INTO documents (guid, name, source, text, length, sha256, imported_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    str(uuid.uuid4()),
                    f"wide-{i:04d}",
                    "wide",
                    text,
                    len(text),
                    hashlib.sha256(text.encode()).hexdigest(),
                    now,
                )
                for i, text in enumerate(texts)
            ],
        )
        documents = project.db.execute("SELECT id, length FROM documents").fetchall()
        project.db.conn.executemany(
            "INSERT INTO document_values (document_id, variable_id, value) VALUES (?, ?, ?)",
            [
                (d, outlet.id, f"Outlet {n % WIDE['outlets']:03d}")
                for n, (d, _) in enumerate(documents)
            ],
        )
        codings = []
        for _ in range(WIDE["codings"]):
            document, length = rng.choice(documents)
            start = rng.randrange(length - 50)
            codings.append(
                (
                    str(uuid.uuid4()),
                    document,
                    rng.choice(coders),
                    rng.choice(codes),
                    start,
                    start + rng.randrange(1, 50),
                    now,
                    now,
                )
            )
        project.db.conn.executemany(
            'INSERT INTO codings (guid, document_id, coder_id, code_id, start, "end", '
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            codings,
        )
    project.close()
