"""A language model's coding of 1,000 articles through an instant loopback server: what
annotator itself spends (prompt, request, reply check, quote search, one transaction per
article), not the model (``machine_llm_1k_s``).

The project holds 1,000 articles of about 2,000 characters and a codebook of 4 dimensions of
5 codes (the first exclusive). The server (tests/machine/llm_server.py, in a process of its
own as a real server is) answers every request at once with the article's first sentence as a
passage and one article code. The time runs from ``code_articles`` being called to its
return: every article's codings written, the run finished; four requests in flight (the
default)."""

from __future__ import annotations

import hashlib
import random
import subprocess
import sys
import time
import uuid
from pathlib import Path

MACHINE_LLM_KEYS = {"machine_llm_1k_s", "machine_llm_articles", "machine_llm_codings"}
SERVER = Path(__file__).resolve().parents[1] / "machine" / "llm_server.py"
WORDS = (
    "officials said workers defected from a restaurant abroad and crossed the border into a "
    "third country where brokers arranged passage to Seoul according to sources in the North"
)
VOCABULARY = WORDS.split(" ")


def build_project(path: Path, articles: int, seed: int = 5) -> None:
    from annotator.storage import Project

    rng = random.Random(seed)
    project = Project.create(path)
    for d in range(4):
        dimension = project.codebook.add(f"Dimension {d + 1}", exclusive=d == 0)
        for k in range(5):
            project.codebook.add(
                f"Code {d + 1}.{k + 1}",
                dimension.id,
                description=f"Definition: passages about topic {d + 1}.{k + 1}.",
            )
    with project.transaction():
        for number in range(articles):
            sentences = []
            while sum(len(s) for s in sentences) < 2_000:
                words = [rng.choice(VOCABULARY) for _ in range(rng.randint(8, 25))]
                sentences.append(" ".join(words).capitalize() + ".")
            text = " ".join(sentences)
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
    project.close()


def bench_machine_llm(folder: Path, articles: int = 1_000) -> dict[str, float]:
    """``machine_llm_1k_s``: one run over every article (one time: a second run would code
    them again, the same work)."""
    from annotator.services.machine import add_machine
    from annotator.services.machine.llm.coder import code_articles
    from annotator.storage import Project

    path = folder / "machine_llm.annotator"
    build_project(path, articles)
    server = subprocess.Popen(
        [sys.executable, str(SERVER), "Dimension 2 > Code 2.1"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        assert server.stdin is not None
        url = server.stdout.readline().strip()
        with Project.open(path) as project:
            machine = add_machine(project, "Model", "llm", url=url, model="instant")
            ids = [document.id for document in project.documents.all()]
            started = time.perf_counter()
            (run,) = code_articles(project, machine, ids, unvalidated=True)
            took = time.perf_counter() - started
        server.stdin.close()
        served = int(server.stdout.readline())
    finally:
        if server.poll() is None:
            server.kill()
        server.wait()
    assert run.status == "done", run.status
    assert run.counts["articles_done"] == articles, run.counts
    assert served == articles, served
    return {
        "machine_llm_1k_s": took,
        "machine_llm_articles": articles,
        "machine_llm_codings": run.counts["codings"],
    }
