"""Team coding across machines: coders' packages, whole projects or .qdpx files merged into
the lead's master project (a package comes out of a project by
:mod:`annotator.services.coder_packages`).

Merge keys are GUIDs (codes, coders, codings, memos) and SHA-256 of the text (articles), never
names alone. Merging the same thing twice changes nothing. What does not fit — an article the
master lacks, a code its codebook lacks, a coder name already used by another GUID, a deletion
older than a change the master made — is a conflict: the merge lists them all and writes
nothing until the caller chooses what to do. Every file named is read and checked before
anything is written, and all of them are merged in one transaction: all or nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotator.domain.codebook import (
    ColorChooser,
    depth_problem,
    name_key,
    shorten,
    split_path,
)
from annotator.domain.errors import BadFileError, UserError
from annotator.domain.exclusive import ExclusiveClashError, refuse_exclusive_clashes
from annotator.domain.model import Coder
from annotator.io.packages import (
    Package,
    PackageCode,
    PackageMemo,
    normal_guid,
)
from annotator.services import backups
from annotator.services.changes import Changes
from annotator.services.coder_packages import export_package, package_of
from annotator.services.merge_deletions import DELETION_CHOICES, apply_deletions, plan_deletions
from annotator.services.merge_records import merge_codings, merge_memo, merge_statuses
from annotator.services.merge_sources import (
    MAX_MERGE_TEXT,
    Source,
    read_source,
    text_size,
    too_much_text,
)
from annotator.storage import Project
from annotator.storage.coders import consensus_spelling

ARTICLE_CHOICES = ("fail", "skip", "import")
CODE_CHOICES = ("fail", "add", "by-path", "skip")
CODER_CHOICES = ("fail", "rename", "same")


@dataclass(frozen=True)
class MergeChoices:
    """What to do with what does not fit. Articles the master lacks: ``fail``, ``skip`` (leave
    their codings out) or, merging a project, ``import`` them. Codes the codebook lacks:
    ``fail``, ``add`` them, ``by-path`` (use the master's code of the same path where there is
    one, add the rest) or ``skip``. A coder name the master uses for someone else (another
    GUID): ``fail``, ``rename`` (take them in as "Name (2)") or ``same`` (they are that coder).
    A coding or memo the coder deleted but the master changed later: ``fail``, ``delete`` it
    all the same or ``keep`` the master's version."""

    articles: str = "fail"
    codes: str = "fail"
    coder: str = "fail"
    deletions: str = "fail"


@dataclass
class MergeReport:
    """What one package (one coder) brought in."""

    source: str
    coder: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0  # the master's version was newer
    #: Codings the master deleted after the package's version of them: not brought back.
    kept_deleted: int = 0
    deleted: int = 0  # codings the coder deleted, deleted here too
    statuses: int = 0
    memos: int = 0
    memos_deleted: int = 0
    memos_kept_deleted: int = 0
    #: Codings a coder merge folded into this coder's identical one: kept once; and those of
    #: them whose later memo was joined to the kept coding's.
    folded: int = 0
    folded_memos: int = 0
    #: Memos of no coder (a .qdpx's notes without a user): counted apart, not as this coder's.
    memos_no_coder: int = 0
    #: A .qdpx's notes with no text: skipped, not made empty memos.
    memos_skipped_empty: int = 0
    #: Codings added that were made under a codebook history this project does not have
    #: (the package names a change its log lacks): their version is unknown here.
    version_unknown: int = 0
    codes_added: list[str] = field(default_factory=list)
    articles_added: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    #: For a REFI-QDA file: how its offsets were read, warnings, and what was not carried.
    notes: list[str] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)

    def summary(self) -> str:
        parts = [f"{self.added} codings added"]
        for count, what in (
            (self.updated, "updated"),
            (self.unchanged, "already there"),
            (self.kept, "kept as the master has them (newer)"),
            (self.kept_deleted, _KEPT_DELETED),
            (self.folded, f"folded into {self.coder}'s identical coding by a coder merge"),
            (
                self.folded_memos,
                f"folded into {self.coder}'s coding by a coder merge; their later memo was added",
            ),
            (self.deleted, "deleted"),
            (self.statuses, "article statuses set"),
            (self.memos, "memos"),
            (self.memos_deleted, "memos deleted"),
            (self.memos_kept_deleted, "memos " + _KEPT_DELETED),
            (len(self.codes_added), "codes added"),
            (len(self.articles_added), "articles added"),
            (len(self.left_out), "left out"),
            (
                self.version_unknown,
                "made under a codebook history this project does not have (version unknown)",
            ),
        ):
            if count:
                parts.append(f"{count} {what}")
        if not self.coder:  # a codebook and articles, nobody's codings
            parts = parts[1:] or ["nothing new"]
        who = f"{self.coder}: " if self.coder else ""
        # Memos of no coder are not this coder's: they are told on a line of their own (notes).
        return f"{self.source}: {who}" + ", ".join(parts)


_KEPT_DELETED = "kept deleted (deleted at the lead after the package's version: not brought back)"


class MergeConflictError(UserError):
    """What does not fit, all of it; nothing was written."""

    def __init__(self, source: str, conflicts: list[str]) -> None:
        self.source = source
        self.conflicts = conflicts
        more = f" (and {len(conflicts) - 1} more)" if len(conflicts) > 1 else ""
        super().__init__(f"{source}: {conflicts[0]}{more}; nothing was merged")


# -- in: merging ---------------------------------------------------------------------------


class _Plan:
    """How a package maps onto the master: articles, codes and the coder, or the conflicts."""

    def __init__(
        self,
        project: Project,
        package: Package,
        choices: MergeChoices,
        texts: Mapping[str, tuple[str, str]],
    ) -> None:
        self.project, self.package, self.choices = project, package, choices
        self.conflicts: list[str] = []
        self.left_out: list[str] = []
        self.documents: dict[str, int] = {}
        self.to_import: list[str] = []
        names = {d.sha256: d.name for d in package.documents}
        needed = {c.document for c in package.codings} | {s.document for s in package.statuses}
        needed |= {m.document for m in package.memos if m.document}
        if choices.articles == "import":  # a project or .qdpx: its articles come, coded or not
            needed |= set(texts)
        for sha in sorted(needed, key=lambda s: names.get(s, s)):
            found = project.documents.by_sha256(sha)
            name = names.get(sha, sha[:12])
            if found is not None:
                self.documents[sha] = found.id
            elif choices.articles == "import" and sha in texts:
                self.to_import.append(sha)
            elif choices.articles == "skip":
                self.left_out.append(f"article '{name}' (not in the master)")
            else:
                self.conflicts.append(f"the master has no article with the text of '{name}'")
        self.codes: dict[str, int] = {}
        self.codes_to_add: list[PackageCode] = []
        # Paths are matched as every lookup matches them: names without regard to case.
        self.tree = tree = project.codebook.tree()
        self.colors = ColorChooser(project.codebook.used_colors())
        self.added: dict[tuple[int | None, str], int] = {}  # codes this merge adds
        for code in package.codes:
            found_code = project.codebook.by_guid(code.guid)
            if found_code is not None:
                self.codes[code.guid] = found_code.id
                continue
            try:
                parts = split_path(code.path)
                problem = depth_problem(len(parts), code.path)
                if problem is not None:
                    raise UserError(problem)
                match = tree.find_parts(parts)
            except UserError as error:
                self.conflicts.append(f"code '{shorten(code.path)}': {error}")
                continue
            same_path = None if match is None else match.id
            if choices.codes == "by-path" and same_path is not None:
                self.codes[code.guid] = same_path
            elif choices.codes in ("add", "by-path"):
                if same_path is not None:
                    spelled = tree.path(same_path)
                    also = "" if spelled == code.path else f" (the package's '{code.path}')"
                    self.conflicts.append(
                        f"the master's codebook has '{spelled}'{also} with another GUID "
                        "(choose 'by-path' to take it for the same code)"
                    )
                else:
                    self.codes_to_add.append(code)
            elif choices.codes == "skip":
                self.left_out.append(f"codings of '{code.path}' (not in the master's codebook)")
            else:
                self.conflicts.append(f"the master's codebook has no code '{code.path}'")
        self.coder_name = package.coder_name
        # A coder merged into another ('coders merge') is found under the one it became.
        self.coder: Coder | None = project.coders.by_guid(
            package.coder_guid
        ) or project.coders.by_alias(package.coder_guid)
        if self.coder is None:
            # "ana" or "ＡＮＡ" beside Ana is the same name: a new coder of it would be refused.
            clash = project.coders.by_name(package.coder_name) or project.coders.similar(
                package.coder_name
            )
            if clash is not None:
                if choices.coder == "same":
                    self.coder = clash
                elif choices.coder == "rename":
                    self.coder_name = _free_name(project, package.coder_name)
                else:
                    self.conflicts.append(
                        f"the master's coder '{clash.name}' is someone else (another "
                        "GUID): choose 'rename' or 'same'"
                    )
            elif consensus_spelling(package.coder_name) is not None:
                # "Consensus" beside the review's 'consensus': agreement would count it.
                if choices.coder == "rename":
                    self.coder_name = _free_name(project, package.coder_name)
                else:
                    self.conflicts.append(
                        f"{consensus_spelling(package.coder_name)}: choose 'rename'"
                    )
        if self.coder is not None:  # filed under the master's name (perhaps "Ana (2)")
            self.coder_name = self.coder.name


def _free_name(project: Project, name: str) -> str:
    number = 2
    while project.coders.similar(f"{name} ({number})") is not None:
        number += 1
    return f"{name} ({number})"


def merge_package(
    project: Project,
    package: Package,
    choices: MergeChoices = MergeChoices(),
    *,
    source: str = "package",
    texts: Mapping[str, tuple[str, str]] | None = None,
    coderless: Sequence[PackageMemo] = (),
) -> MergeReport:
    """Merge one coder's package into the project in one transaction (or refuse, listing
    every conflict, and write nothing). ``texts`` (SHA-256 → name and text) are articles that
    may be imported when ``choices.articles`` is ``import`` (merging a whole project).
    ``coderless`` memos (a .qdpx's notes without a user) are merged as nobody's: they add
    no coder."""
    available = texts or {}
    plan = _Plan(project, package, choices, available)
    deletions = plan_deletions(project, package, plan.coder, choices.deletions, plan.documents)
    if plan.conflicts or deletions.conflicts:
        raise MergeConflictError(source, plan.conflicts + deletions.conflicts)
    report = MergeReport(source, plan.coder_name, left_out=plan.left_out + deletions.left_out)
    touched: set[int] = set()
    with project.transaction():
        for sha in plan.to_import:
            name, text = available[sha]
            added = project.documents.add(name, name, text)
            plan.documents[sha] = added.id
            report.articles_added.append(added.name)
        for code in plan.codes_to_add:
            plan.codes[code.guid] = _add_code(project, code, plan)
            report.codes_added.append(code.path)
        for memo in coderless:
            counted = merge_memo(
                project, None, memo, plan.documents, plan.codes, package.created_at
            )
            if counted == "memos":
                report.memos_no_coder += 1
            elif counted:
                setattr(report, counted, getattr(report, counted) + 1)
        if not (package.codings or package.statuses or package.memos or package.deletions):
            # A codebook and articles with nobody's work: no coder to add.
            report.changes = Changes(
                documents=frozenset(plan.documents.values()),
                codebook=bool(report.codes_added),
                memos=True,
            )
            return report
        coder = plan.coder or project.coders.add(plan.coder_name, guid=package.coder_guid)
        outcomes = merge_codings(
            project,
            coder,
            package.codings,
            plan.documents,
            plan.codes,
            package.created_at,
            origins_known=package.origins_known,
        )
        for outcome, article in outcomes:
            setattr(report, outcome, getattr(report, outcome) + 1)
            if outcome in ("added", "updated", "folded_memos"):
                touched.add(article)
        merge_statuses(project, coder, package.statuses, plan.documents, report)
        for memo in package.memos:
            counted = merge_memo(
                project, coder, memo, plan.documents, plan.codes, package.created_at
            )
            if counted:
                setattr(report, counted, getattr(report, counted) + 1)
        touched |= apply_deletions(project, coder, deletions)
        report.deleted = len(deletions.codings)
        report.memos_deleted = len(deletions.memos)
        _refuse_clashes(project, coder, touched, source)
    report.changes = Changes(
        documents=frozenset(touched | set(plan.documents.values())),
        coders=True,
        codebook=bool(report.codes_added),
        statuses=frozenset((d, coder.id) for d in plan.documents.values()),
        memos=True,
    )
    return report


def _refuse_clashes(project: Project, coder: Coder, articles: set[int], source: str) -> None:
    """A whole-article code of an exclusive dimension beside another code of it (whole or on
    a passage), or two of its codes on overlapping passages, in one article, counting what
    the master holds: a conflict, and the merge is rolled back."""
    held = [c for c in project.codings.for_coder(coder.id) if c.document_id in articles]
    try:
        refuse_exclusive_clashes(
            project.codebook.tree(),
            ((c.document_id, c.coder_id, c.code_id, c.start, c.end) for c in held),
            lambda d: project.documents.get(d).name,
            lambda c: coder.name,
        )
    except ExclusiveClashError as error:
        raise MergeConflictError(source, error.problems) from None


def _add_code(project: Project, code: PackageCode, plan: _Plan) -> int:
    """Add a code with its GUID below its parent (found by path, names without regard to
    case: the package lists parents before children, so a missing parent was added just
    before). Linear: the codebook is read once per merge (``plan.tree``)."""
    parts = split_path(code.path)
    parent_id: int | None = None
    for name in parts[:-1]:
        key = (parent_id, name_key(name))
        found = plan.added.get(key)
        if found is None:
            existing = plan.tree.child(parent_id, name)
            found = existing.id if existing is not None else None
        if found is None:
            found = project.codebook.add(name, parent_id, color=plan.colors.take(None)).id
            plan.added[key] = found
        parent_id = found
    added = project.codebook.add(
        parts[-1],
        parent_id,
        # REFI files from NVivo and ATLAS.ti have no colour: one is given.
        color=plan.colors.take(code.color or None),
        description=code.description,
        exclusive=code.exclusive,
        guid=code.guid,
    )
    plan.added[(parent_id, name_key(parts[-1]))] = added.id
    return added.id


def _write_source(project: Project, source: Source, choices: MergeChoices) -> list[MergeReport]:
    if source.refi is not None:
        from annotator.services.refi_import import merge_read_qdpx

        return merge_read_qdpx(project, source.refi, source.path.name, choices)
    with project.transaction():  # every coder of a project or none
        return [
            merge_package(project, package, choices, source=source.path.name, texts=source.texts)
            for package in source.packages
        ]


def merge_files(
    project: Project, paths: Sequence[Path], choices: MergeChoices = MergeChoices()
) -> list[MergeReport]:
    """Merge coder packages, other projects and .qdpx projects: every file is read and checked
    first, then all are merged in one transaction. If anything is refused — a damaged file,
    what does not fit (every file's conflicts are listed together) — nothing is written."""
    sources = []
    left = MAX_MERGE_TEXT  # the article text every file together may bring in
    for path in paths:
        try:
            if left < 0:
                raise BadFileError(Path(path), too_much_text())
            source = read_source(project, Path(path), choices, max(left, 0))
            left -= sum(text_size(text) for _, text in source.texts.values())
            sources.append(source)
        except MergeConflictError:
            raise
        except UserError as error:
            raise _nothing_merged(error, Path(path)) from None
    reports: list[MergeReport] = []
    refused: list[MergeConflictError] = []
    names = ", ".join(Path(path).name for path in paths)
    snapshot = backups.before_bulk_change(project, f"merging {names}")
    with (
        backups.discarded_on_failure(snapshot),
        project.transaction(),
        project.codebook.acting(f"merge {names}"),  # the change log's route
    ):
        for source in sources:
            try:
                reports += _write_source(project, source, choices)
            except MergeConflictError as error:  # look on: every file's conflicts are listed
                refused.append(error)
            except UserError as error:
                raise _nothing_merged(error, source.path) from None
        if len(refused) == 1:
            raise refused[0]
        if refused:
            raise MergeConflictError(
                ", ".join(e.source for e in refused),
                [f"{e.source}: {conflict}" for e in refused for conflict in e.conflicts],
            )
    return reports


def _nothing_merged(error: UserError, path: Path) -> BadFileError:
    """The refusal of one file, named, saying that none of the files was merged."""
    if isinstance(error, BadFileError):
        return BadFileError(error.path, f"{error.problem}; nothing was merged", line=error.line)
    message = str(error)
    prefix = f"{path.name}: "
    return BadFileError(path, f"{message.removeprefix(prefix)}; nothing was merged")


def merge_file(
    project: Project, path: Path, choices: MergeChoices = MergeChoices()
) -> list[MergeReport]:
    """Merge one coder package, annotator project or .qdpx project (see :func:`merge_files`)."""
    return merge_files(project, [path], choices)


def merge_project(
    project: Project, other_path: Path, choices: MergeChoices = MergeChoices()
) -> list[MergeReport]:
    """Merge every coder of another project, one package each, in one transaction; with
    ``articles="import"`` the articles the master lacks come along (name and text)."""
    return merge_files(project, [other_path], choices)


__all__ = [
    "ARTICLE_CHOICES",
    "CODER_CHOICES",
    "CODE_CHOICES",
    "DELETION_CHOICES",
    "MergeChoices",
    "MergeConflictError",
    "MergeReport",
    "export_package",
    "merge_file",
    "merge_files",
    "merge_package",
    "merge_project",
    "normal_guid",
    "package_of",
    "read_source",
]
