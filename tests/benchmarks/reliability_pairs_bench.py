"""Every pair of 4 coders, and each coder against the others, on about 60,000 codings: the
per-pair and per-coder tables at article and character level, α's intervals included."""

from __future__ import annotations

import hashlib
import random
import statistics
import time
import uuid
from pathlib import Path

from annotator.storage import Project

PAIRS_KEYS = {"agreement_pairs_60k_s", "agreement_pairs_codings"}
CODERS = ("Ana", "Ben", "Cleo", "Dan")
TEXT = (
    "the official said workers defected from a restaurant abroad and crossed the border into a "
    "third country where brokers arranged passage "
)


def build_pairs_project(path: Path, articles: int, per_article: int = 16, seed: int = 11) -> int:
    """Four coders code the same articles (2,000 characters) with 20 codes in 4 dimensions
    (the first exclusive): mostly alike, each missing some codings and moving some
    boundaries. Returns how many codings."""
    project = Project.create(path)
    rng = random.Random(seed)
    codes = []
    for d in range(4):
        dimension = project.codebook.add(f"Dimension {d + 1}", exclusive=d == 0)
        codes += [project.codebook.add(f"Code {d + 1}.{k + 1}", dimension.id).id for k in range(5)]
    coders = [project.coders.add(name).id for name in CODERS]
    now = "2026-01-01T00:00:00Z"
    rows, codings, statuses = [], [], []
    for number in range(articles):
        text = (f"Article {number}. " + TEXT * 20)[:2_000]
        digest = hashlib.sha256(text.encode()).hexdigest()
        rows.append((str(uuid.uuid4()), f"a{number:05d}", "a.txt", text, len(text), digest, now))
    with project.transaction():
        project.db.conn.executemany(
            "INSERT INTO documents (guid, name, source, text, length, sha256, imported_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        for document, length in project.db.execute("SELECT id, length FROM documents"):
            base: list[tuple[int, int, int]] = []
            for _ in range(per_article):
                start = rng.randrange(0, length - 60)
                code, end = rng.choice(codes), start + rng.randint(20, 300)
                if code in codes[:5] and any(
                    other in codes[:5] and start < e + 10 and s < end + 10 for other, s, e in base
                ):
                    code = rng.choice(codes[5:])  # the exclusive dimension stays exclusive
                base.append((code, start, min(end, length)))
            for coder in coders:
                statuses.append((document, coder, "done", now))
                for code, start, end in base:
                    if rng.random() < 0.08:
                        continue
                    shift = rng.randint(-5, 5) if rng.random() < 0.3 else 0
                    start, end = max(0, start + shift), min(length, end + shift)
                    codings.append((str(uuid.uuid4()), document, coder, code, start, end, now, now))
        project.db.conn.executemany(
            'INSERT INTO codings (guid, document_id, coder_id, code_id, start, "end", '
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            codings,
        )
        project.db.conn.executemany(
            "INSERT INTO document_status (document_id, coder_id, status, updated_at) "
            "VALUES (?, ?, ?, ?)",
            statuses,
        )
    project.close()
    return len(codings)


def bench_pairs(folder: Path, articles: int, repeats: int = 3) -> dict[str, float]:
    """``agreement_pairs_60k_s``: read the project and compute every table, median."""
    from annotator.services.agreement import Request
    from annotator.services.agreement_pairs import PAIR_LEVELS, measure_pairs

    path = folder / "pairs.annotator"
    count = build_pairs_project(path, articles)
    times = []
    with Project.open(path, read_only=True) as project:
        for _ in range(repeats):
            began = time.perf_counter()
            report = measure_pairs(project, Request(levels=PAIR_LEVELS))
            times.append(time.perf_counter() - began)
            assert len(report.pairs) == 6
    return {"agreement_pairs_60k_s": statistics.median(times), "agreement_pairs_codings": count}
