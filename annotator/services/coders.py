"""Coders of a project: their progress, and adding, renaming and merging them (two names one
person coded under). Used by ``annotator coders`` and the window's Coder menu."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from annotator.domain.errors import ConflictError, UserError
from annotator.domain.exclusive import ExclusiveClashError, exclusive_clashes
from annotator.domain.model import Coder
from annotator.services import backups
from annotator.services.agreement import CONSENSUS
from annotator.services.changes import Changes
from annotator.storage import Project

# Which of two statuses a merged coder keeps: the further one.
_RANK = {"not_started": 0, "in_progress": 1, "done": 2}


@dataclass(frozen=True)
class CoderProgress:
    """How far one coder is: articles done, in progress and not started, and codings."""

    coder: Coder
    done: int
    in_progress: int
    not_started: int
    codings: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.coder.name,
            "guid": self.coder.guid,
            "done": self.done,
            "in_progress": self.in_progress,
            "not_started": self.not_started,
            "codings": self.codings,
        }


def coder_progress(project: Project) -> list[CoderProgress]:
    """Every coder of the project (by name) with their progress over all its articles."""
    articles = project.documents.count()
    progress = project.coders.progress()
    listing = []
    for coder in project.coders.all():
        done, busy, codings = progress.get(coder.id, (0, 0, 0))
        listing.append(CoderProgress(coder, done, busy, max(articles - done - busy, 0), codings))
    return listing


def _not_consensus(*names: str) -> None:
    """The review's consensus coder is found by its name: it keeps it, and stays apart."""
    if CONSENSUS in (name.strip() for name in names):
        raise UserError(
            f"'{CONSENSUS}' is the coder the disagreement review writes its decisions as: it "
            "cannot be added, renamed or merged here"
        )


def add_coder(project: Project, name: str) -> Coder:
    """A new coder named ``name`` (refused if the project has one of that name)."""
    _not_consensus(name)
    with project.transaction():
        return project.coders.add(name)


def rename_coder(project: Project, old: str, new: str) -> Coder:
    """Give the coder ``old`` the name ``new``; their codings, statuses and memos stay theirs
    (they are kept by the coder's id, not the name)."""
    _not_consensus(old, new)
    coder = project.coders.find(old)
    with project.transaction():
        return project.coders.rename(coder.id, new)


@dataclass
class CoderMerge:
    """What merging one coder into another did."""

    source: str
    target: str
    codings: int = 0  # moved to the target
    statuses: int = 0  # articles whose status the target now has from the source
    memos: int = 0
    decisions: int = 0  # review decisions that now name the target
    decisions_dropped: int = 0  # decisions between the two, who are one person
    conflicts: list[str] = field(default_factory=list)  # passages both coded with one code
    changes: Changes = field(default_factory=Changes)

    def summary(self) -> str:
        """One line: what moved, and how many passages both had coded."""
        line = (
            f"merged {self.source} into {self.target}: {self.codings} codings, "
            f"{self.statuses} article statuses, {self.memos} memos, {self.decisions} decisions"
        )
        if self.decisions_dropped:
            line += f"; {self.decisions_dropped} decisions between the two dropped"
        if self.conflicts:
            line += (
                f"; {len(self.conflicts)} passages both had coded with the same code "
                f"kept once ({self.target}'s)"
            )
        return line

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "codings": self.codings,
            "statuses": self.statuses,
            "memos": self.memos,
            "decisions": self.decisions,
            "decisions_dropped": self.decisions_dropped,
            "conflicts": self.conflicts,
        }


def merge_coders(project: Project, source: str, target: str) -> CoderMerge:
    """Merge coder ``source`` into ``target`` (two names one person coded under), in one
    transaction after a snapshot; ``source`` is gone afterwards.

    The source's codings, memos, tombstones and review decisions become the target's. A
    passage (or article) both coded with the same code is kept once, the target's coding,
    with the source's memo added to its own; the report names each. Of two statuses on one
    article the further one is kept (done over in progress over not started). If the
    codings together would break an exclusive dimension's rule (two of its codes on
    overlapping passages of one coder), nothing is changed and the error names where.
    """
    _not_consensus(source, target)
    giver, taker = project.coders.find(source), project.coders.find(target)
    if giver.id == taker.id:
        raise UserError(f"'{source}' and '{target}' are the same coder")
    shared = project.coders.shared_codings(giver.id, taker.id)
    _refuse_new_clashes(project, giver, taker, {s for s, _, _, _ in shared})
    report = CoderMerge(giver.name, taker.name)
    moved = project.codings.for_coder(giver.id)
    memos, decisions = project.coders.holdings(giver.id)
    theirs, mine = project.coders.statuses_of(giver.id), project.coders.statuses_of(taker.id)
    both = {
        document: (
            max(theirs[document][0], mine[document][0], key=_RANK.__getitem__),
            max(theirs[document][1], mine[document][1]),
        )
        for document in theirs.keys() & mine.keys()
    }
    report.statuses = sum(
        1
        for document, (status, _) in theirs.items()
        if _RANK[status] > _RANK[mine.get(document, ("not_started", 0))[0]]
    )
    names = dict(project.documents.names())
    snapshot = backups.before_bulk_change(project, f"merging coder {giver.name} into {taker.name}")
    codebook = project.codebook.tree()
    with backups.discarded_on_failure(snapshot), project.transaction():
        gone = set()
        for source_id, target_id, their_memo, my_memo in shared:
            coding = project.codings.get(source_id)
            if their_memo.strip() and their_memo != my_memo:
                joined = f"{my_memo}\n\n{their_memo}" if my_memo.strip() else their_memo
                project.codings.set_memo(target_id, joined)
            project.codings.delete(source_id)
            gone.add(source_id)
            where = (
                "the whole article"
                if coding.start is None
                else f"characters {coding.start}–{coding.end}"
            )
            report.conflicts.append(
                f"'{names.get(coding.document_id, coding.document_id)}', "
                f"{codebook.path(coding.code_id)}, {where}"
            )
        dropped = project.coders.merge_into(giver.id, taker.id, both)
    report.codings = len(moved) - len(gone)
    report.memos = memos
    report.decisions_dropped = dropped
    report.decisions = decisions - dropped
    report.changes = Changes(
        documents=frozenset(c.document_id for c in moved),
        codings=frozenset(c.id for c in moved),
        statuses=frozenset((d, c) for d in theirs for c in (giver.id, taker.id)),
        coders=True,
    )
    return report


def _refuse_new_clashes(project: Project, giver: Coder, taker: Coder, shared: set[int]) -> None:
    """Raise :class:`ExclusiveClashError` if the two coders' codings, as one coder's, would
    break an exclusive dimension's rule where neither coder's own codings already did."""
    codebook = project.codebook.tree()
    documents = {c.document_id for c in project.codings.for_coder(giver.id)}
    mine = [c for c in project.codings.for_coder(taker.id) if c.document_id in documents]
    theirs = [c for c in project.codings.for_coder(giver.id) if c.id not in shared]

    def rows(
        codings: list[Any], coder_id: int
    ) -> list[tuple[int, int, int, int | None, int | None]]:
        return [(c.document_id, coder_id, c.code_id, c.start, c.end) for c in codings]

    before = {
        (c.document_id, c.dimension_id)
        for c in exclusive_clashes(codebook, rows(mine, taker.id) + rows(theirs, giver.id))
    }
    after = [
        c
        for c in exclusive_clashes(codebook, rows(mine, taker.id) + rows(theirs, taker.id))
        if (c.document_id, c.dimension_id) not in before
    ]
    if after:
        names = dict(project.documents.names())
        problems = [c.describe(codebook, names[c.document_id], taker.name) for c in after]
        raise ConflictError(
            f"{giver.name} cannot be merged into {taker.name}: together their codings break "
            f"an exclusive dimension's rule in {len(after)} places — {problems[0]}; remove "
            "one coding of each clash first (nothing was changed)"
        ) from ExclusiveClashError(problems)
