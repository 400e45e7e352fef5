"""Team coding across machines: a coder's package out of a project, and packages or whole
projects merged into the lead's master project.

Merge keys are GUIDs (codes, coders, codings, memos) and SHA-256 of the text (articles), never
names alone. Merging the same thing twice changes nothing. What does not fit — an article the
master lacks, a code its codebook lacks, a coder name already used by another GUID — is a
conflict: the merge lists them all and writes nothing until the caller chooses what to do.
Each merge is one transaction, and reports what it did.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from annotator.domain.codebook import split_path
from annotator.domain.errors import BadFileError, UserError
from annotator.domain.exclusive import WholeArticleClashError, refuse_whole_article_clashes
from annotator.domain.model import Coder, DocumentStatus, utc_now
from annotator.domain.text import check_span
from annotator.io.packages import (
    Package,
    PackageCode,
    PackageCoding,
    PackageDocument,
    PackageMemo,
    PackageStatus,
    normal_guid,
    read_package,
    write_package,
)
from annotator.services.changes import Changes
from annotator.storage import Project

ARTICLE_CHOICES = ("fail", "skip", "import")
CODE_CHOICES = ("fail", "add", "by-path", "skip")
CODER_CHOICES = ("fail", "rename", "same")


@dataclass(frozen=True)
class MergeChoices:
    """What to do with what does not fit. Articles the master lacks: ``fail``, ``skip`` (leave
    their codings out) or, merging a project, ``import`` them. Codes the codebook lacks:
    ``fail``, ``add`` them, ``by-path`` (use the master's code of the same path where there is
    one, add the rest) or ``skip``. A coder name the master uses for someone else (another
    GUID): ``fail``, ``rename`` (take them in as "Name (2)") or ``same`` (they are that coder)."""

    articles: str = "fail"
    codes: str = "fail"
    coder: str = "fail"


@dataclass
class MergeReport:
    """What one package (one coder) brought in."""

    source: str
    coder: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0  # the master's version was newer
    statuses: int = 0
    memos: int = 0
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
            (self.statuses, "article statuses set"),
            (self.memos, "memos"),
            (len(self.codes_added), "codes added"),
            (len(self.articles_added), "articles added"),
            (len(self.left_out), "left out"),
        ):
            if count:
                parts.append(f"{count} {what}")
        if not self.coder:  # a codebook and articles, nobody's codings
            parts = parts[1:] or ["nothing new"]
        who = f"{self.coder}: " if self.coder else ""
        return f"{self.source}: {who}" + ", ".join(parts)


class MergeConflictError(UserError):
    """What does not fit, all of it; nothing was written."""

    def __init__(self, source: str, conflicts: list[str]) -> None:
        self.conflicts = conflicts
        more = f" (and {len(conflicts) - 1} more)" if len(conflicts) > 1 else ""
        super().__init__(f"{source}: {conflicts[0]}{more}; nothing was merged")


# -- out: a coder's package ----------------------------------------------------------------


def package_of(project: Project, coder_name: str) -> Package:
    """Everything of one coder's work in the project, keyed for another copy of it."""
    coder = project.coders.by_name(coder_name)
    if coder is None:
        raise UserError(f"there is no coder '{coder_name}'")
    tree = project.codebook.tree()
    documents = {d.id: d for d in project.documents.all()}
    codings = project.codings.for_coder(coder.id)
    used = {c.code_id for c in codings}
    memos = [m for m in project.memos.all() if m.coder_id == coder.id]
    used |= {m.code_id for m in memos if m.code_id is not None}
    # Each code with its ancestors, parents first, so that a project lacking them can add them.
    wanted: dict[int, None] = {}
    for code_id in sorted(used):
        chain = [code_id]
        while (parent := tree.get(chain[-1]).parent_id) is not None:
            chain.append(parent)
        for node in reversed(chain):
            wanted[node] = None
    codes = [
        PackageCode(
            tree.get(c).guid,
            tree.path(c),
            tree.get(c).color,
            tree.get(c).description,
            tree.get(c).exclusive,
        )
        for c in wanted
    ]
    recorded = {d: s for (d, c), s in project.statuses.all().items() if c == coder.id}
    assigned = {d for d, c in project.statuses.assigned() if c == coder.id}
    statuses = [
        PackageStatus(
            documents[d].sha256,
            recorded.get(d, DocumentStatus.NOT_STARTED).value,
            d in assigned,
        )
        for d in sorted(set(recorded) | assigned)
    ]
    touched = {c.document_id for c in codings} | {
        m.document_id for m in memos if m.document_id is not None
    }
    touched |= set(recorded) | assigned
    return Package(
        project_guid=project.guid,
        coder_guid=coder.guid,
        coder_name=coder.name,
        created_at=utc_now(),
        codes=tuple(codes),
        documents=tuple(
            PackageDocument(documents[d].sha256, documents[d].name) for d in sorted(touched)
        ),
        codings=tuple(
            PackageCoding(
                c.guid,
                documents[c.document_id].sha256,
                tree.get(c.code_id).guid,
                c.start,
                c.end,
                c.memo,
                c.created_at,
                c.updated_at,
            )
            for c in codings
        ),
        statuses=tuple(statuses),
        memos=tuple(
            PackageMemo(
                m.guid,
                m.target,
                documents[m.document_id].sha256 if m.document_id is not None else None,
                tree.get(m.code_id).guid if m.code_id is not None else None,
                m.text,
                m.created_at,
                m.updated_at,
            )
            for m in memos
        ),
    )


def export_package(project: Project, coder_name: str, path: Path) -> Package:
    """Write one coder's package to ``path``; returns it."""
    from annotator.io.csvfiles import atomic_output

    package = package_of(project, coder_name)
    with atomic_output(path) as handle:
        write_package(handle, package)
    return package


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
        tree = project.codebook.tree()
        by_path = {tree.path(c.id): c.id for c in tree.walk()}
        for code in package.codes:
            found_code = project.codebook.by_guid(code.guid)
            if found_code is not None:
                self.codes[code.guid] = found_code.id
                continue
            same_path = by_path.get(code.path)
            if choices.codes == "by-path" and same_path is not None:
                self.codes[code.guid] = same_path
            elif choices.codes in ("add", "by-path"):
                if same_path is not None:
                    self.conflicts.append(
                        f"the master's codebook has '{code.path}' with another GUID "
                        "(choose 'by-path' to take it for the same code)"
                    )
                else:
                    self.codes_to_add.append(code)
            elif choices.codes == "skip":
                self.left_out.append(f"codings of '{code.path}' (not in the master's codebook)")
            else:
                self.conflicts.append(f"the master's codebook has no code '{code.path}'")
        self.coder_name = package.coder_name
        self.coder: Coder | None = project.coders.by_guid(package.coder_guid)
        if self.coder is None:
            clash = project.coders.by_name(package.coder_name)
            if clash is not None:
                if choices.coder == "same":
                    self.coder = clash
                elif choices.coder == "rename":
                    self.coder_name = _free_name(project, package.coder_name)
                else:
                    self.conflicts.append(
                        f"the master's coder '{package.coder_name}' is someone else (another "
                        "GUID): choose 'rename' or 'same'"
                    )


def _free_name(project: Project, name: str) -> str:
    number = 2
    while project.coders.by_name(f"{name} ({number})") is not None:
        number += 1
    return f"{name} ({number})"


def merge_package(
    project: Project,
    package: Package,
    choices: MergeChoices = MergeChoices(),
    *,
    source: str = "package",
    texts: Mapping[str, tuple[str, str]] | None = None,
) -> MergeReport:
    """Merge one coder's package into the project in one transaction (or refuse, listing
    every conflict, and write nothing). ``texts`` (SHA-256 → name and text) are articles that
    may be imported when ``choices.articles`` is ``import`` (merging a whole project)."""
    available = texts or {}
    plan = _Plan(project, package, choices, available)
    if plan.conflicts:
        raise MergeConflictError(source, plan.conflicts)
    report = MergeReport(source, plan.coder_name, left_out=plan.left_out)
    touched: set[int] = set()
    with project.transaction():
        for sha in plan.to_import:
            name, text = available[sha]
            added = project.documents.add(name, name, text)
            plan.documents[sha] = added.id
            report.articles_added.append(added.name)
        for code in plan.codes_to_add:
            plan.codes[code.guid] = _add_code(project, code)
            report.codes_added.append(code.path)
        if not (package.codings or package.statuses or package.memos):
            # A codebook and articles with nobody's work: no coder to add.
            report.changes = Changes(
                documents=frozenset(plan.documents.values()), codebook=bool(report.codes_added)
            )
            return report
        coder = plan.coder or project.coders.add(plan.coder_name, guid=package.coder_guid)
        outcomes = _merge_codings(project, coder, package.codings, plan)
        for outcome, article in outcomes:
            setattr(report, outcome, getattr(report, outcome) + 1)
            if outcome in ("added", "updated"):
                touched.add(article)
        _refuse_clashes(project, coder, touched, source)
        _merge_statuses(project, coder, package.statuses, plan, report)
        for memo in package.memos:
            report.memos += _merge_memo(project, coder, memo, plan)
    report.changes = Changes(
        documents=frozenset(touched | set(plan.documents.values())),
        coders=True,
        codebook=bool(report.codes_added),
        statuses=frozenset((d, coder.id) for d in plan.documents.values()),
    )
    return report


def _refuse_clashes(project: Project, coder: Coder, articles: set[int], source: str) -> None:
    """Two codes of an exclusive dimension as whole-article codings of one article, counting
    what the master holds: a conflict, and the merge is rolled back."""
    held = [
        c
        for c in project.codings.for_coder(coder.id)
        if c.document_id in articles and c.start is None
    ]
    try:
        refuse_whole_article_clashes(
            project.codebook.tree(),
            ((c.document_id, c.coder_id, c.code_id, c.start) for c in held),
            lambda d: project.documents.get(d).name,
            lambda c: coder.name,
        )
    except WholeArticleClashError as error:
        raise MergeConflictError(source, error.problems) from None


def _add_code(project: Project, code: PackageCode) -> int:
    """Add a code with its GUID below its parent (found by path: the package lists parents
    before children, so a missing parent was added just before)."""
    parts = split_path(code.path)
    tree = project.codebook.tree()
    parent_id: int | None = None
    for name in parts[:-1]:
        found = next((c for c in tree.children(parent_id) if c.name == name), None)
        if found is None:
            found = project.codebook.add(name, parent_id)
            tree = project.codebook.tree()
        parent_id = found.id
    added = project.codebook.add(
        parts[-1],
        parent_id,
        color=code.color or None,  # REFI files from NVivo and ATLAS.ti have none: one is given
        description=code.description,
        exclusive=code.exclusive,
        guid=code.guid,
    )
    return added.id


def _merge_codings(
    project: Project, coder: Coder, codings: Iterable[PackageCoding], plan: _Plan
) -> list[tuple[str, int]]:
    """Add, update or keep each coding: ``(outcome, article)`` per coding merged, the outcome a
    MergeReport field. New codings go in as one batch (merges bring thousands)."""
    items = [
        (item, plan.documents[item.document], plan.codes[item.code])
        for item in codings
        if item.document in plan.documents and item.code in plan.codes
    ]
    existing = project.codings.by_guids(item.guid for item, _, _ in items)
    mine = project.codings.for_coder(coder.id)
    same = {(c.document_id, c.code_id, c.start, c.end) for c in mine}
    lengths = project.documents.lengths()
    dimensions = {c.id for c in project.codebook.tree().children(None)}
    new, outcomes = [], []
    for item, document, code_id in items:
        found = existing.get(item.guid)
        if found is None:
            key = (document, code_id, item.start, item.end)
            if key in same:
                outcomes.append(("unchanged", document))
                continue
            if code_id in dimensions:
                raise UserError(f"coding {item.guid} applies a dimension, which cannot be coded")
            check_span(item.start, item.end, lengths[document])
            same.add(key)
            new.append(
                (
                    item.guid,
                    document,
                    coder.id,
                    code_id,
                    item.start,
                    item.end,
                    item.memo,
                    item.created_at,
                    item.updated_at,
                )
            )
            outcomes.append(("added", document))
            continue
        if found.coder_id != coder.id or found.document_id != document:
            raise UserError(
                f"coding {item.guid} belongs to another coder or article in the master; the "
                "file and the master disagree on who coded what"
            )
        if (found.code_id, found.start, found.end, found.memo) == (
            code_id,
            item.start,
            item.end,
            item.memo,
        ):
            outcomes.append(("unchanged", document))
        elif item.updated_at <= found.updated_at:
            outcomes.append(("kept", document))
        else:
            project.codings.overwrite(
                found.id, code_id, item.start, item.end, item.memo, item.updated_at
            )
            outcomes.append(("updated", document))
    # In reading order: the indexes of codings by article and position then grow at their end.
    new.sort(key=lambda row: (row[1], -1 if row[4] is None else row[4]))
    project.codings.add_many(new)
    return outcomes


def _merge_statuses(
    project: Project,
    coder: Coder,
    statuses: Iterable[PackageStatus],
    plan: _Plan,
    report: MergeReport,
) -> None:
    """The package's article statuses and assignments, read and written in one batch each."""
    wanted = {plan.documents[s.document]: s for s in statuses if s.document in plan.documents}
    if not wanted:
        return
    have = project.statuses.all()  # no limit on how many articles, unlike an IN (…)
    changed = {
        document: DocumentStatus(s.status)
        for document, s in wanted.items()
        if have.get((document, coder.id), DocumentStatus.NOT_STARTED).value != s.status
    }
    project.statuses.mark_many(coder.id, changed)
    report.statuses += len(changed)
    assigned = project.statuses.assigned()
    project.statuses.assign_many(
        coder.id,
        [d for d, s in wanted.items() if s.assigned and (d, coder.id) not in assigned],
    )


def _merge_memo(project: Project, coder: Coder, memo: PackageMemo, plan: _Plan) -> int:
    existing = project.memos.by_guid(memo.guid)
    if existing is not None:
        if existing.text != memo.text and memo.updated_at > existing.updated_at:
            project.memos.set_text(existing.id, memo.text, updated_at=memo.updated_at)
            return 1
        return 0
    document = plan.documents.get(memo.document) if memo.document else None
    code = plan.codes.get(memo.code) if memo.code else None
    if (memo.target == "document" and document is None) or (memo.target == "code" and code is None):
        return 0
    project.memos.add(
        memo.text,
        document_id=document,
        code_id=code,
        coder_id=coder.id,
        guid=memo.guid,
        created_at=memo.created_at,
    )
    return 1


def merge_file(
    project: Project, path: Path, choices: MergeChoices = MergeChoices()
) -> list[MergeReport]:
    """Merge a coder package, another annotator project or a REFI-QDA .qdpx project (by what
    the file is)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError as error:
        raise BadFileError(path, f"cannot be read ({error.strerror or error})") from None
    if head.startswith(b"SQLite format 3"):
        return merge_project(project, path, choices)
    if head.startswith(b"PK") or path.suffix.lower() == ".qdpx":
        from annotator.services.refi import merge_qdpx

        return merge_qdpx(project, path, choices)[0]
    return [merge_package(project, read_package(path), choices, source=path.name)]


def merge_project(
    project: Project, other_path: Path, choices: MergeChoices = MergeChoices()
) -> list[MergeReport]:
    """Merge every coder of another project, one package each, in one transaction; with
    ``articles="import"`` the articles the master lacks come along (name and text)."""
    if project.path is not None and Path(other_path).resolve() == Path(project.path).resolve():
        raise UserError(f"{other_path.name}: a project cannot be merged into itself")
    with Project.open(other_path, read_only=True) as other:
        packages = [package_of(other, coder.name) for coder in other.coders.all()]
        texts = {}
        if choices.articles == "import":
            for document in other.documents.all():
                if project.documents.by_sha256(document.sha256) is None:
                    texts[document.sha256] = (document.name, other.documents.text(document.id))
    if not packages:  # nobody has coded yet: the articles alone come in (if asked)
        packages = [Package("", "", "", utc_now())]
    with project.transaction():  # every coder or none
        return [
            merge_package(project, package, choices, source=other_path.name, texts=texts)
            for package in packages
        ]


__all__ = [
    "ARTICLE_CHOICES",
    "CODER_CHOICES",
    "CODE_CHOICES",
    "MergeChoices",
    "MergeConflictError",
    "MergeReport",
    "export_package",
    "merge_file",
    "merge_package",
    "merge_project",
    "normal_guid",
    "package_of",
]
