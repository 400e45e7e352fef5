"""Which articles are assigned to which coder (a reliability sample, or a package's
assignments): listed, counted and cleared. ``agreement --counted-by assigned`` compares the
coders on them, so a user must be able to see and undo what draws added up to."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from annotator.domain.errors import UserError
from annotator.domain.model import Coder
from annotator.services.changes import Changes
from annotator.storage import Project


@dataclass(frozen=True)
class Assigned:
    """One coder's assigned articles: ids and names, by name."""

    coder: str
    documents: tuple[tuple[int, str], ...]

    @property
    def count(self) -> int:
        return len(self.documents)


@dataclass(frozen=True)
class Cleared:
    """Assignments taken back: how many per coder, and what changed."""

    counts: dict[str, int]
    changes: Changes = field(default_factory=Changes)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def coders_named(project: Project, names: Sequence[str]) -> list[Coder]:
    """The coders of these names (all of them when none is named), refusing unknown ones."""
    if not names:
        return project.coders.all()
    coders = []
    for name in names:
        coder = project.coders.lookup(name)
        if coder is None:
            known = ", ".join(c.name for c in project.coders.all()) or "none"
            raise UserError(f"there is no coder '{name}' (coders: {known})")
        if coder not in coders:
            coders.append(coder)
    return coders


def assignments(project: Project, coder_names: Sequence[str] = ()) -> list[Assigned]:
    """The articles assigned to each coder named (every coder when none is), coders by name."""
    coders = coders_named(project, coder_names)
    titles = dict(project.documents.names())
    pairs = project.statuses.assigned()
    listed = []
    for coder in coders:
        mine = sorted(((d, titles[d]) for d, c in pairs if c == coder.id), key=lambda item: item[1])
        listed.append(Assigned(coder.name, tuple(mine)))
    return listed


def assigned_counts(project: Project, coder_names: Sequence[str] = ()) -> dict[str, int]:
    """How many articles each coder named (every coder) has assigned now."""
    return {a.coder: a.count for a in assignments(project, coder_names)}


def clear_assignments(
    project: Project,
    coder_names: Sequence[str] = (),
    documents: Collection[int] | None = None,
) -> Cleared:
    """Take back the assignments of the coders named (every coder when none is), of the
    given articles only or of all; one transaction. Statuses (done…) stay as they are."""
    coders = coders_named(project, coder_names)
    pairs = project.statuses.assigned()
    taken: dict[int, list[int]] = {
        coder.id: sorted(
            d for d, c in pairs if c == coder.id and (documents is None or d in documents)
        )
        for coder in coders
    }
    with project.transaction():
        for coder_id, document_ids in taken.items():
            if document_ids:
                project.statuses.assign_many(coder_id, document_ids, assigned=False)
    changed = frozenset((d, c) for c, ds in taken.items() for d in ds)
    return Cleared({c.name: len(taken[c.id]) for c in coders}, Changes(statuses=changed))


def set_assignments(
    project: Project,
    assign: Collection[tuple[int, int]],
    take_back: Collection[tuple[int, int]],
) -> Changes:
    """Assign the ``(document, coder)`` pairs of ``assign`` and take back those of
    ``take_back``, in one transaction (the window's undo and redo of a draw or a clearing)."""
    with project.transaction():
        for pairs, value in ((assign, True), (take_back, False)):
            by_coder: dict[int, list[int]] = {}
            for document, coder in pairs:
                by_coder.setdefault(coder, []).append(document)
            for coder, documents in by_coder.items():
                project.statuses.assign_many(coder, sorted(documents), value)
    return Changes(statuses=frozenset(assign) | frozenset(take_back))
