"""A small project whose coders drift: three coders (Ana, Ben, Cleo) code 36 invented
articles from January to June 2024, agreeing less month by month. Shared by the drift tests
of the service, the command line and the window."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from annotator.domain.model import DocumentStatus
from annotator.storage import Project

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
MONTHS = 6
PER_MONTH = 6


def _text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(60)) + "."


def build(path: Path, *, seed: int = 3) -> Project:
    """The project, open. Article ``k`` is finished in month ``k // 6 + 1``; Ana on day 10,
    Ben on day 12, Cleo on day 14 — except that Cleo finishes each month's last article on
    the 2nd of the next month (so the later coder decides its month; month 6's goes to
    July). Ben drifts: the share of codings he gives another code grows each month."""
    rng = random.Random(seed)
    project = Project.create(path)
    motive = project.codebook.add("Motive", exclusive=True)
    political = project.codebook.add("Political", motive.id).id
    economic = project.codebook.add("Economic", motive.id).id
    actor = project.codebook.add("Actor")
    diplomat = project.codebook.add("Diplomat", actor.id).id
    worker = project.codebook.add("Worker", actor.id).id
    coders = {name: project.coders.add(name).id for name in ("Ana", "Ben", "Cleo")}
    times = []
    with project.transaction():
        _code(project, rng, coders, (political, economic, diplomat, worker), times)
    project.db.conn.executemany(
        "UPDATE document_status SET updated_at = ? WHERE document_id = ? AND coder_id = ?", times
    )
    project.db.conn.commit()
    return project


def _code(
    project: Project,
    rng: random.Random,
    coders: dict[str, int],
    codes: tuple[int, int, int, int],
    times: list[tuple[str, int, int]],
) -> None:
    political, economic, diplomat, worker = codes
    for k in range(MONTHS * PER_MONTH):
        text = _text(rng)
        document = project.documents.add(f"article {k:02d}", f"a{k:02d}.txt", text).id
        month = k // PER_MONTH + 1
        late = k % PER_MONTH == PER_MONTH - 1
        passages = [
            (start, start + rng.randint(20, 40), rng.choice((political, economic)))
            for start in range(0, len(text) - 40, 90)
        ]
        tags = [rng.random() < 0.6, rng.random() < 0.3]  # Diplomat, Worker on the article
        for name, coder in coders.items():
            day = {"Ana": 10, "Ben": 12, "Cleo": 14}[name]
            when = f"2024-{month:02d}-{day:02d}T09:30:00Z"
            if name == "Cleo" and late:
                when = f"2024-{month + 1:02d}-02T08:00:00Z"
            drift = 0.05 + 0.12 * (month - 1) if name == "Ben" else 0.05
            for start, end, code in passages:
                if rng.random() < drift:
                    code = economic if code == political else political
                project.codings.add(document, coder, code, start, end, updated_at=when)
            for code, tagged in zip((diplomat, worker), tags, strict=True):
                if tagged != (rng.random() < drift):  # a drifting coder misses or adds it
                    project.codings.add(document, coder, code, None, None, updated_at=when)
            project.statuses.mark(document, coder, DocumentStatus.DONE)
            times.append((when, document, coder))


def only_done(project: Project, documents: set[int]) -> None:
    """By hand: the articles outside ``documents`` no longer count (marked in progress)."""
    for (document, coder), status in project.statuses.all().items():
        if status is DocumentStatus.DONE and document not in documents:
            project.statuses.mark(document, coder, DocumentStatus.IN_PROGRESS)


def copy_of(template: Path, path: Path) -> Project:
    """A copy of a closed project file, open (cheaper than building it again)."""
    shutil.copyfile(template, path)
    return Project.open(path)
