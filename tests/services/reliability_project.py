"""A small study with three coders (and a trainee) for the pairs and training tests: an
exclusive dimension (Motive) and a free one (Actor), articles of invented sentences."""

from __future__ import annotations

import random
from pathlib import Path

from annotator.domain.model import DocumentStatus
from annotator.storage import Project

SENTENCE = "A worker left the factory at dawn and crossed the river before the patrol came. "


def build(path: Path, *, articles: int = 12, seed: int = 3) -> Project:
    """Ana and Ben mostly agree; Cleo deviates (codes at random half the time); every coder
    marks every article done. Returns the open project."""
    project = Project.create(path)
    rng = random.Random(seed)
    motive = project.codebook.add("Motive", exclusive=True)
    economic = project.codebook.add("Economic", motive.id).id
    political = project.codebook.add("Political", motive.id).id
    actor = project.codebook.add("Actor")
    broker = project.codebook.add("Broker", actor.id).id
    official = project.codebook.add("Official", actor.id).id
    coders = {name: project.coders.add(name).id for name in ("Ana", "Ben", "Cleo")}
    with project.transaction():
        for number in range(articles):
            text = SENTENCE * 6 + f"Article {number}.\n"
            document = project.documents.add(f"article {number:02d}", f"a{number}.txt", text).id
            truth = []
            for place in range(0, 6, 2):
                code = rng.choice([economic, political, broker, official])
                start = place * len(SENTENCE)
                truth.append((code, start, start + len(SENTENCE) - 1))
            for name, coder in coders.items():
                project.statuses.mark(document, coder, DocumentStatus.DONE)
                for code, start, end in truth:
                    if name == "Cleo" and rng.random() < 0.5:
                        code = rng.choice([economic, political, broker, official])
                    if name == "Ben" and rng.random() < 0.1:
                        continue
                    project.codings.add(document, coder, code, start, end)
    return project
