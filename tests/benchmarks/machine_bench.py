"""The supervised machine coder: training from 2,000 coded articles and coding 1,000 others,
in a fresh process (this file run as a script) whose peak memory is reported too.

The project: 3,000 articles of 30–40 made-up sentences (about 2,700 characters), a codebook
shaped like the demo's (an exclusive dimension of 4 codes and 13 codes in two others: 14
models to learn); the first 2,000 articles coded by one coder (about 30 % of the sentences
carry a code's trigger word and are coded with it) and marked done. Training learns every
code with 5-fold cross-validation over articles and stores the model; coding writes the
other 1,000 articles' codings as a run.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import time
import uuid
from pathlib import Path

MACHINE_KEYS = {"machine_train_2k_s", "machine_code_1k_s", "machine_peak_rss_mb", "machine_codings"}
SYLLABLES = ["ba", "ko", "ri", "ta", "mu", "ne", "lo", "si", "pe", "du", "fa", "gi", "ha", "vo"]


def build_machine_project(path: Path, trained: int, coded: int, seed: int = 5) -> None:
    """The project described above (``trained`` coded articles, ``coded`` more)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from annotator.storage import Project

    rng = random.Random(seed)
    words = sorted(
        {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(3000)}
    )
    project = Project.create(path)
    codes = []
    exclusive = project.codebook.add("Motive", exclusive=True)
    codes += [project.codebook.add(f"Motive {k}", exclusive.id).id for k in range(4)]
    for name, count in (("Actor", 7), ("Source", 6)):
        dimension = project.codebook.add(name)
        codes += [project.codebook.add(f"{name} {k}", dimension.id).id for k in range(count)]
    triggers = {code: [f"cue{code}x{k}" for k in range(3)] for code in codes}
    coder = project.coders.add("Ana").id
    now = "2026-01-01T00:00:00Z"
    documents, plans = [], []
    for number in range(trained + coded):
        pieces, spans, position = [], [], 0
        for k in range(rng.randint(30, 40)):
            sentence_words = [rng.choice(words) for _ in range(rng.randint(6, 14))]
            code = rng.choice(codes) if rng.random() < 0.3 else None
            if code is not None:
                sentence_words.insert(
                    rng.randrange(len(sentence_words)), rng.choice(triggers[code])
                )
            sentence = " ".join(sentence_words).capitalize() + "."
            if k:
                gap = "\n\n" if k % 5 == 0 else " "
                pieces.append(gap)
                position += len(gap)
            if code is not None:
                spans.append((code, position, position + len(sentence)))
            pieces.append(sentence)
            position += len(sentence)
        text = "".join(pieces)
        digest = hashlib.sha256(text.encode()).hexdigest()
        documents.append(
            (str(uuid.uuid4()), f"m{number:05d}", "m.txt", text, len(text), digest, now)
        )
        plans.append(spans)
    with project.transaction():
        project.db.conn.executemany(
            "INSERT INTO documents (guid, name, source, text, length, sha256, imported_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            documents,
        )
        ids = [int(row[0]) for row in project.db.execute("SELECT id FROM documents ORDER BY id")]
        project.db.conn.executemany(
            'INSERT INTO codings (guid, document_id, coder_id, code_id, start, "end", '
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (str(uuid.uuid4()), document, coder, code, start, end, now, now)
                for document, spans in zip(ids[:trained], plans[:trained], strict=True)
                for code, start, end in spans
            ],
        )
        project.db.conn.executemany(
            "INSERT INTO document_status (document_id, coder_id, status, updated_at) "
            "VALUES (?, ?, 'done', ?)",
            [(document, coder, now) for document in ids[:trained]],
        )
    project.close()


def _own_peak_kb() -> int:
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def machine_child(path: str, trained: int) -> None:
    """In a fresh process: train from the coded articles, code the others; print the times,
    how many codings were written and the peak memory."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    import sklearn.linear_model  # noqa: F401  (imported before the clock starts, as an app has)

    from annotator.services.machine.classifier import code_articles, train
    from annotator.storage import Project

    with Project.open(path) as project:
        started = time.perf_counter()
        trained_model = train(project, "Classifier", "Ana")
        train_s = time.perf_counter() - started
        others = [
            int(row[0])
            for row in project.db.execute(
                "SELECT id FROM documents ORDER BY id LIMIT -1 OFFSET ?", [trained]
            )
        ]
        started = time.perf_counter()
        run = code_articles(project, trained_model.machine, others, unvalidated=True)
        code_s = time.perf_counter() - started
    print(
        json.dumps(
            {
                "machine_train_2k_s": train_s,
                "machine_code_1k_s": code_s,
                "machine_codings": run.counts["codings"],
                "machine_peak_rss_mb": _own_peak_kb() / 1024,
            }
        )
    )


def bench_machine(folder: Path, trained: int, coded: int) -> dict[str, float]:
    """``machine_train_2k_s`` and ``machine_code_1k_s`` (one run each, in a fresh process;
    a training takes seconds), ``machine_peak_rss_mb`` of that process."""
    path = folder / "machine.annotator"
    build_machine_project(path, trained, coded)
    child = subprocess.run(
        [sys.executable, __file__, str(path), str(trained)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "ANNOTATOR_HOME": str(folder / "home")},
    )
    found: dict[str, float] = json.loads(child.stdout.strip().splitlines()[-1])
    return found


if __name__ == "__main__":
    machine_child(sys.argv[1], int(sys.argv[2]))
