"""Each coder's queue: the articles assigned to them, whether each is done, and whether it
belongs to the reliability sample (coded by every coder of the design) or to the rest (theirs
alone) — what a coder opens the app to see."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from annotator.domain.model import DocumentStatus
from annotator.services.assignments import coders_named
from annotator.services.sample_design import current_design
from annotator.storage import Project

#: What an assigned article is to the newest design: in its sample, in its rest, or neither
#: (assigned by an earlier draw, a package, by hand).
SAMPLE, REST, OTHER = "sample", "rest", ""


@dataclass(frozen=True)
class QueueItem:
    """One assigned article of a coder's queue."""

    document: int
    name: str
    status: DocumentStatus
    part: str
    characters: int

    @property
    def done(self) -> bool:
        return self.status is DocumentStatus.DONE

    def as_dict(self) -> dict[str, Any]:
        return {
            "article": self.name,
            "status": self.status.value,
            "part": self.part or None,
            "characters": self.characters,
        }


@dataclass(frozen=True)
class Queue:
    """A coder's assigned articles: not done first (sample before rest, then by name)."""

    coder: str
    items: tuple[QueueItem, ...]

    @property
    def done(self) -> int:
        return sum(item.done for item in self.items)

    @property
    def to_do(self) -> int:
        return len(self.items) - self.done

    def next_article(self) -> QueueItem | None:
        """The first article not done, or None."""
        return next((item for item in self.items if not item.done), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "coder": self.coder,
            "assigned": len(self.items),
            "done": self.done,
            "to_do": self.to_do,
            "articles": [item.as_dict() for item in self.items],
        }


def queues(project: Project, coder_names: Sequence[str] = ()) -> list[Queue]:
    """The queue of each coder named (every coder with assignments when none is)."""
    coders = coders_named(project, coder_names)
    pairs = project.statuses.assigned()
    if not coder_names:
        holding = {c for _, c in pairs}
        coders = [c for c in coders if c.id in holding]
    statuses = project.statuses.all()
    titles = dict(project.documents.names())
    lengths = project.documents.lengths()
    design = current_design(project)
    result = []
    for coder in coders:
        items = []
        for document, holder in pairs:
            if holder != coder.id:
                continue
            part = OTHER
            if design is not None and coder.name in design.design.get("coders", ()):
                if document in design.sample:
                    part = SAMPLE
                elif design.rest.get(document) == coder.name:
                    part = REST
            status = statuses.get((document, coder.id), DocumentStatus.NOT_STARTED)
            items.append(QueueItem(document, titles[document], status, part, lengths[document]))
        order = {SAMPLE: 0, REST: 1, OTHER: 2}
        items.sort(key=lambda i: (i.done, order[i.part], i.name.casefold(), i.document))
        result.append(Queue(coder.name, tuple(items)))
    return result


def queue(project: Project, coder_name: str) -> Queue:
    """One coder's queue."""
    return queues(project, [coder_name])[0]
