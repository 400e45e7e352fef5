"""Drift over 12 monthly windows: 4 coders, some 60,000 codings of 20 codes (4 dimensions, the
first exclusive) on articles of 2,000 characters, finished over 2025, one month in twelve of
the articles each; every level, with the bootstrap intervals — from reading the project to
the last window's report (``agreement_drift_12_s``)."""

from __future__ import annotations

import hashlib
import random
import uuid
from pathlib import Path

from annotator.storage import Project

DRIFT_KEYS = {"agreement_drift_12_s", "agreement_drift_codings"}
CODERS = ("Ana", "Ben", "Cleo", "Dan")
PER_ARTICLE = 20
LENGTH = 2_000
WORDS = [
    "harbour",
    "ledger",
    "cobalt",
    "meadow",
    "lantern",
    "quarry",
    "ribbon",
    "saddle",
    "thimble",
    "walnut",
]


def build_drift_project(path: Path, codings: int, seed: int = 11) -> int:
    """The project at ``path``; returns how many codings it holds."""
    rng = random.Random(seed)
    project = Project.create(path)
    codes = []
    for d in range(4):
        dimension = project.codebook.add(f"Dimension {d + 1}", exclusive=d == 0)
        codes += [project.codebook.add(f"Code {d + 1}.{k + 1}", dimension.id).id for k in range(5)]
    coders = [project.coders.add(name).id for name in CODERS]
    # Each coder keeps 92 % of an article's 20 passages: about 73.6 codings an article.
    articles = round(codings / (PER_ARTICLE * len(CODERS) * 0.92))
    rows, statuses = [], []
    with project.transaction():
        for number in range(articles):
            text = " ".join(rng.choice(WORDS) for _ in range(LENGTH // 6))[:LENGTH]
            project.db.execute(
                "INSERT INTO documents (guid, name, source, text, length, sha256, imported_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    str(uuid.uuid4()),
                    f"a{number:05d}",
                    f"a{number:05d}.txt",
                    text,
                    len(text),
                    hashlib.sha256(f"{number}{text}".encode()).hexdigest(),
                    "2025-01-01T00:00:00Z",
                ],
            )
        ids = [int(r[0]) for r in project.db.execute("SELECT id FROM documents ORDER BY id")]
        for number, document in enumerate(ids):
            month = number * 12 // len(ids) + 1
            base = []
            for _ in range(PER_ARTICLE):
                start = rng.randrange(0, LENGTH - 320)
                code = rng.choice(codes[5:]) if base and rng.random() < 0.5 else rng.choice(codes)
                if code in codes[:5] and any(c in codes[:5] for c, _, _ in base):
                    code = rng.choice(codes[5:])  # one code of the exclusive dimension at most
                base.append((code, start, start + rng.randint(20, 300)))
            for k, coder in enumerate(coders):
                when = f"2025-{month:02d}-{1 + (number + k) % 27:02d}T12:00:00Z"
                statuses.append((document, coder, "done", when))
                for code, start, end in base:
                    if rng.random() < 0.08:
                        continue
                    shift = rng.randint(-5, 5) if rng.random() < 0.3 else 0
                    rows.append(
                        (
                            str(uuid.uuid4()),
                            document,
                            coder,
                            code,
                            max(0, start + shift),
                            min(LENGTH, end + shift),
                            when,
                            when,
                        )
                    )
        project.db.conn.executemany(
            'INSERT INTO codings (guid, document_id, coder_id, code_id, start, "end", '
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        project.db.conn.executemany(
            "INSERT INTO document_status (document_id, coder_id, status, updated_at) "
            "VALUES (?, ?, ?, ?)",
            statuses,
        )
    project.close()
    return len(rows)


def bench_drift(folder: Path, codings: int = 60_000) -> dict[str, float]:
    """``agreement_drift_12_s``: the median of three runs of drift by month."""
    import statistics
    import time

    from annotator.services.agreement import Request
    from annotator.services.drift import drift

    path = folder / "drift.annotator"
    count = build_drift_project(path, codings)
    times = []
    with Project.open(path, read_only=True) as project:
        for _ in range(3):
            started = time.perf_counter()
            result = drift(project, Request(), "month")
            times.append(time.perf_counter() - started)
    assert len(result.windows) == 12, [w.window.label for w in result.windows]
    return {"agreement_drift_12_s": statistics.median(times), "agreement_drift_codings": count}
