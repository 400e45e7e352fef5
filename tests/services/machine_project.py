"""Projects for the machine coder's service and command-line tests: the synthetic corpus of
:mod:`tests.services.machine_corpus` stored as articles, with its codebook, and coders
whose codings follow the known signal (with some of it missed) or not."""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

from annotator.domain.model import DocumentStatus
from annotator.storage import Project
from tests.services.machine_corpus import DIMENSIONS, PATHS, Synthetic, make


class MachineProject:
    """A project of synthetic articles: ``ids`` (article numbers 1… → article ids), the
    codebook's code ids by path, and :meth:`code` to give a coder the corpus's codings."""

    def __init__(self, path: Path, articles: int, *, seed: int = 1, reopen: bool = False) -> None:
        """A new project at ``path`` (``reopen``: the one made there before, opened again)."""
        self.synthetic: Synthetic = make(articles, seed=seed)
        # The same articles with the codings on sentences (and articles) drawn at random.
        self.shuffled: Synthetic = make(articles, seed=seed, shuffled=True)
        self.project = Project.open(path) if reopen else Project.create(path)
        codes: dict[int, int] = {}
        for dimension in DIMENSIONS:
            if not reopen:
                self.project.codebook.add(dimension.name, exclusive=dimension.exclusive)
            for code in (dimension.id, *dimension.codes):
                if not reopen and code != dimension.id:
                    parent = codes[dimension.id]
                    self.project.codebook.add(PATHS[code].split(" > ")[-1], parent)
                found = self.project.codebook.tree().find(PATHS[code])
                assert found is not None
                codes[code] = found.id
        self.codes = codes
        self.by_path = {PATHS[k]: v for k, v in codes.items()}
        if reopen:
            self.ids = {int(d.name.split()[-1]): d.id for d in self.project.documents.all()}
            return
        with self.project.transaction():
            self.ids = {
                d.id: self.project.documents.add(f"article {d.id:03d}", "synthetic", d.text).id
                for d in self.synthetic.documents
            }

    def code(
        self,
        coder: str,
        numbers: Sequence[int],
        *,
        miss: float = 0.0,
        seed: int = 0,
        shuffled: bool = False,
        done: bool = True,
    ) -> int:
        """Give ``coder`` the corpus's codings of articles ``numbers`` (missing a share
        ``miss`` of the passages; ``shuffled``: as many codings, on sentences and articles
        drawn at random), marked done. Returns the coder's id."""
        rng = random.Random(seed)
        person = self.project.coders.lookup(coder) or self.project.coders.add(coder)
        chosen = set(numbers)
        rows = []
        source = self.shuffled if shuffled else self.synthetic
        for number, code, start, end in source.codings:
            if number not in chosen:
                continue
            if start is not None and miss and rng.random() < miss:
                continue
            rows.append((self.ids[number], self.codes[code], start, end))
        seen: set[tuple[int, int | None]] = set()
        with self.project.transaction():
            for document, code, start, end in rows:
                tone = code in (self.codes[5], self.codes[6])
                if tone and (document, start) in seen:
                    continue  # the exclusive dimension: one tone per passage
                if tone:
                    seen.add((document, start))
                self.project.codings.add(document, person.id, code, start, end)
            if done:
                self.project.statuses.mark_many(
                    person.id, {self.ids[n]: DocumentStatus.DONE for n in numbers}
                )
        return person.id
