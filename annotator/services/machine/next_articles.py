"""Which article a coder should code next to teach the classifier most (active learning):
the articles the machine's model is least sure of first.

The candidates are the articles of the coder's queue (assigned to them, see
:mod:`annotator.services.sample_queue`) not yet done; a coder with nothing assigned gets
every article they have not marked done. Each is scored by
:func:`annotator.services.machine.learner.uncertainty` (per model, its most uncertain
sentence or the article itself: 1 at the threshold, 0 far from it; the mean over models),
highest first. Once the coder has coded them, ``machine train`` again retrains the model on
the new codings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from annotator.domain.errors import UserError
from annotator.domain.model import DocumentStatus
from annotator.services.machine import classifier
from annotator.services.sample_queue import queue
from annotator.storage import Project

__all__ = ["Candidate", "uncertain_first"]


@dataclass(frozen=True)
class Candidate:
    """An article to code next: how unsure the model is of it, and its place in the queue
    (``part``: sample, rest, or empty; ``assigned``: whether it is in the queue at all)."""

    document: int
    name: str
    uncertainty: float
    part: str
    assigned: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "document_id": self.document,
            "article": self.name,
            "uncertainty": round(self.uncertainty, 6),
            "part": self.part or None,
            "assigned": self.assigned,
        }


def uncertain_first(
    project: Project, machine_name: str, coder_name: str, count: int = 10
) -> list[Candidate]:
    """The ``count`` articles ``coder_name`` has not done that the classifier
    ``machine_name`` is least sure of, most uncertain first (ties: queue order)."""
    if count < 1:
        raise UserError("--count takes a number of articles, 1 or more")
    machine = classifier.classifier_backend(project, machine_name)
    coder = project.coders.lookup(coder_name)
    if coder is None or coder.is_machine:
        known = ", ".join(c.name for c in project.coders.all() if not c.is_machine) or "none"
        raise UserError(f"there is no human coder '{coder_name}' (coders: {known})")
    waiting = [item for item in queue(project, coder.name).items if not item.done]
    names = dict(project.documents.names())
    if waiting:
        candidates = [(i.document, i.part, True) for i in waiting]
    else:
        statuses = project.statuses.all()
        candidates = [
            (d, "", False)
            for d in sorted(names)
            if statuses.get((d, coder.id)) is not DocumentStatus.DONE
        ]
    if not candidates:
        raise UserError(f"{coder.name} has marked every article done: nothing to code next")
    scores = classifier.uncertainty(project, machine, [d for d, _, _ in candidates])
    ranked = sorted(enumerate(candidates), key=lambda item: (-scores.get(item[1][0], 0.0), item[0]))
    return [
        Candidate(d, names.get(d, ""), scores.get(d, 0.0), part, assigned)
        for _, (d, part, assigned) in ranked[:count]
    ]
