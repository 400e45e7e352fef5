"""Coders of a project: their progress, and adding, renaming and merging them (two names one
person coded under). Used by ``annotator coders`` and the window's Coder menu."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from annotator.domain.errors import ConflictError, UserError
from annotator.domain.exclusive import ExclusiveClashError, exclusive_clashes
from annotator.domain.model import Coder
from annotator.services import backups
from annotator.services.agreement import CONSENSUS
from annotator.services.changes import Changes
from annotator.services.consensus_basis import loads
from annotator.storage import Project
from annotator.storage.coders import join_texts, name_key

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
            "kind": self.coder.kind,
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


def refuse_consensus_name(*names: str) -> None:
    """The review's consensus coder is found by its name: it keeps it, and stays apart (so
    no coder, nor a machine, may take the name)."""
    if name_key(CONSENSUS) in (name_key(name) for name in names):
        raise UserError(
            f"'{CONSENSUS}' is the coder the disagreement review writes its decisions as: it "
            "cannot be added, renamed or merged here"
        )


def machine_refusal(coder: Coder) -> str:
    """Why nobody codes as a machine coder (one line)."""
    return (
        f"{coder.name} is a machine coder: its codings come from its runs ('annotator machine "
        "code'); code as a human coder"
    )


def coding_as(project: Project, name: str) -> Coder:
    """The coder whose codings a person makes (``--coder NAME``, the window's "who is
    coding"): found as :meth:`CoderStore.find` finds them, and refused with one line when it
    is a machine coder."""
    coder = project.coders.find(name)
    if coder.is_machine:
        raise UserError(machine_refusal(coder))
    return coder


def add_coder(project: Project, name: str) -> Coder:
    """A new coder named ``name`` (refused if the project has one of that name)."""
    refuse_consensus_name(name)
    with project.transaction():
        return project.coders.add(name)


def rename_coder(project: Project, old: str, new: str) -> Coder:
    """Give the coder ``old`` the name ``new``; their codings, statuses and memos stay theirs
    (they are kept by the coder's id, not the name)."""
    refuse_consensus_name(old, new)
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
    decisions_duplicate: int = 0  # the other name's decision on a difference the target decided
    memos_joined: int = 0  # article or code memos both wrote, now one
    # Consensus codings whose decision was dropped (between the two, or a duplicate): they
    # stay as the consensus coder's codings, editable, but no review shows a decision on them.
    undecided_consensus: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # passages both coded with one code
    changes: Changes = field(default_factory=Changes)

    def summary(self) -> str:
        """One line: what moved, and how many passages both had coded."""
        line = (
            f"merged {self.source} into {self.target}: {self.codings} codings, "
            f"{self.statuses} article statuses, {self.memos} memos, {self.decisions} decisions"
        )
        if self.memos_joined:
            line += f" ({self.memos_joined} joined with {self.target}'s own)"
        if self.decisions_dropped:
            line += f"; {self.decisions_dropped} decisions between the two dropped"
        if self.decisions_duplicate:
            line += (
                f"; {self.decisions_duplicate} decisions dropped as {self.target} had decided "
                "the same difference"
            )
        if self.undecided_consensus:
            line += f"; {len(self.undecided_consensus)} consensus codings stay without a decision"
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
            "decisions_duplicate": self.decisions_duplicate,
            "memos_joined": self.memos_joined,
            "undecided_consensus": self.undecided_consensus,
            "conflicts": self.conflicts,
        }


def merge_coders(project: Project, source: str, target: str) -> CoderMerge:
    """Merge coder ``source`` into ``target`` (two names one person coded under), in one
    transaction after a snapshot; ``source`` is gone afterwards.

    The source's codings, memos, tombstones and review decisions become the target's (the
    decisions' bases too, so that they still show as decided); the source's GUID stays as an
    alias of the target, for packages made under the old name. A passage (or article) both
    coded with the same code is kept once, the target's coding, with every distinct memo text
    of the codings joined; the report names each. An article or code memo both wrote becomes
    one, the texts joined. A decision between the two (one person) is dropped, and so is one
    on a difference the target already decided with the same coder: their consensus codings
    stay and the report names them, as no review shows a decision on them any more. Of two
    statuses on one article the further one is kept (done over in progress over not started). If the
    codings together would break an exclusive dimension's rule (two of its codes on
    overlapping passages of one coder), nothing is changed and the error names where.
    """
    refuse_consensus_name(source, target)
    giver, taker = project.coders.find(source), project.coders.find(target)
    if giver.id == taker.id:
        raise UserError(f"'{source}' and '{target}' are the same coder")
    for coder in (giver, taker):
        if coder.is_machine:  # its runs, models and replicates name it: it stays apart
            raise UserError(
                f"{coder.name} is a machine coder: it cannot be merged with another coder "
                "(its codings belong to its runs)"
            )
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
        memos_of: dict[int, list[str]] = {}
        for source_id, target_id, their_memo, my_memo in shared:
            coding = project.codings.get(source_id)
            memos_of.setdefault(target_id, [my_memo]).append(their_memo)
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
        for target_id, texts in memos_of.items():
            joined = join_texts(*texts)
            if joined != texts[0]:
                project.codings.set_memo(target_id, joined)
        undecided = _move_decisions(project, giver.id, taker.id, report)
        report.memos_joined = project.coders.merge_into(giver.id, taker.id, both)
        report.undecided_consensus = _describe(project, undecided, names)
    report.codings = len(moved) - len(gone)
    report.memos = memos
    report.decisions = decisions - report.decisions_dropped - report.decisions_duplicate
    report.changes = Changes(
        documents=frozenset(c.document_id for c in moved),
        codings=frozenset(c.id for c in moved),
        statuses=frozenset((d, c) for d in theirs for c in (giver.id, taker.id)),
        coders=True,
    )
    return report


def _move_decisions(project: Project, giver: int, taker: int, report: CoderMerge) -> list[str]:
    """Re-point the giver's review decisions (and the coder ids inside their bases) to the
    taker; drop those between the two and those duplicating one of the taker's. Returns the
    GUIDs of the consensus codings the dropped ones had made."""
    undecided: list[str] = []
    for decision_id, first, second, basis, made in project.coders.decisions_of(giver):
        if {first, second} == {giver, taker}:
            project.coders.drop_decision(decision_id)
            report.decisions_dropped += 1
            undecided += made
            continue
        kept = project.coders.repoint_decision(
            decision_id,
            taker if first == giver else first,
            taker if second == giver else second,
            _rebased(basis, giver, taker),
        )
        if not kept:
            report.decisions_duplicate += 1
            undecided += made
    return undecided


def _rebased(text: str, giver: int, taker: int) -> str:
    """A decision's basis naming ``taker`` where it named ``giver``; a basis comparing both
    keeps the taker once (the first place), so that it compares the coders still there."""
    basis = loads(text)
    if basis is None:
        return text
    ids = [taker if c == giver else c for c in basis.coders]
    keep = [k for k, c in enumerate(ids) if c not in ids[:k]]
    # ``took`` and ``whole_article_by`` are places in ``coders``, not coder ids: a dropped
    # place's coder is at its first.
    took = basis.took
    if took is not None:
        took = keep.index(ids.index(ids[took]))
    whole = basis.whole_article_by
    if whole is not None and 0 <= whole < len(ids):
        whole = keep.index(ids.index(ids[whole]))
    return replace(
        basis,
        coders=tuple(ids[k] for k in keep),
        sides=tuple(basis.sides[k] for k in keep if k < len(basis.sides)),
        whole_article_by=whole,
        seen=tuple(basis.seen[k] for k in keep if k < len(basis.seen)),
        took=took,
    ).dumps()


def _describe(project: Project, guids: list[str], names: dict[int, str]) -> list[str]:
    """Where each still-present consensus coding of these GUIDs is, for the merge report."""
    codebook = project.codebook.tree()
    found = []
    for guid in dict.fromkeys(guids):
        coding = project.codings.by_guid(guid)
        if coding is None:
            continue
        where = (
            "the whole article"
            if coding.start is None
            else f"characters {coding.start}–{coding.end}"
        )
        found.append(
            f"'{names.get(coding.document_id, coding.document_id)}', "
            f"{codebook.path(coding.code_id)}, {where}"
        )
    return found


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
