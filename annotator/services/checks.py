"""The integrity report of ``annotator check``."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from annotator.domain.codebook import Codebook, cycle_problem
from annotator.domain.exclusive import PassageOverlap, WholeArticleClash, exclusive_clashes
from annotator.domain.model import Coding, DocumentStatus
from annotator.domain.text import normalise_text, text_sha256
from annotator.storage import Project, search_index
from annotator.storage.coders import consensus_spellings

#: What ``check`` says when the only errors are codings that break an exclusive dimension's rule.
CLASH_ADVICE = (
    "codings break the rule of an exclusive dimension (the file itself is sound); each line "
    "says which to remove"
)


@dataclass
class CheckReport:
    """Errors (the project is damaged), warnings (coding that needs a look) and counts."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, Any] = field(default_factory=dict)
    #: Every error is one ``annotator repair`` mends (the schema was changed outside annotator).
    repairable: bool = False
    #: How many of the errors are codings that break an exclusive dimension's rule: the file
    #: is sound, and each such line says which codings to remove.
    clashes: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def damaged(self) -> bool:
        """Whether any error is damage to the file (not a clash of codings)."""
        return len(self.errors) > self.clashes


def check_project(project: Project) -> CheckReport:
    """Everything ``annotator check`` reports. ``project`` may have been opened with
    ``accept_problems``: what opening found comes first, and when it leaves the project
    unreadable (a missing table, damaged pages) nothing further is read."""
    report = CheckReport()
    problems = project.problems
    report.errors.extend(problem.text for problem in problems)
    report.repairable = bool(problems) and all(problem.repairable for problem in problems)
    if project.read_only_reason:
        report.warnings.append(f"annotator only reads it here: {project.read_only_reason}")
    version = project.schema_version() or ["none"]
    if not all(problem.readable for problem in problems):
        report.counts = {"schema": version[-1]}
        return report
    try:
        _check_content(project, report)
    except sqlite3.DatabaseError as error:
        report.repairable = False
        report.errors.append(f"the file is damaged ({error})")
    report.counts.setdefault("schema", version[-1])
    return report


def _check_content(project: Project, report: CheckReport) -> None:
    found = set(report.errors)
    for problem in project.integrity_problems():
        if problem not in found:
            report.repairable = False
            report.errors.append(problem)
    documents = {d.id: d for d in project.documents.all()}
    tree = project.codebook.tree()
    coders = {c.id: c.name for c in project.coders.all()}
    report.warnings.extend(consensus_spellings(list(coders.values())))
    for document_id, text in project.documents.texts().items():
        document = documents[document_id]
        if text_sha256(text) != document.sha256:
            report.errors.append(
                f"document '{document.name}': its text no longer matches its SHA-256"
            )
        if normalise_text(text) != text:
            report.errors.append(f"document '{document.name}': text holds a BOM or CR line endings")
    # With the schema not annotator's (a table of the index missing), repair makes it anew.
    index_problems = [] if project.problems else search_index.index_problems(project.db.conn)
    if index_problems:
        report.repairable = not report.errors  # 'annotator repair' indexes the articles anew
        report.errors.extend(f"search index: {problem}" for problem in index_problems)
    held = _codebook_problems(tree, report)
    statuses = project.statuses.all()
    by_coder_document: dict[tuple[int, int], list[Coding]] = defaultdict(list)
    codings = 0
    for coding in project.codings.all():
        codings += 1
        coded = documents.get(coding.document_id)
        if coded is None:  # reported by the foreign key check
            continue
        if coding.code_id in tree and coding.code_id not in held:  # in a cycle: reported
            continue
        if coding.end is not None and coding.end > coded.length:
            report.errors.append(f"coding {coding.id}: span ends after the text of '{coded.name}'")
        if coding.code_id not in tree or tree.get(coding.code_id).is_dimension:
            report.errors.append(f"coding {coding.id}: applies a dimension, not a code")
            continue
        by_coder_document[(coding.coder_id, coding.document_id)].append(coding)
    for (coder_id, document_id), items in sorted(by_coder_document.items()):
        where = f"'{documents[document_id].name}', coder {coders.get(coder_id, f'#{coder_id}')}"
        report.warnings.extend(f"{where}: {problem}" for problem in _duplicates(items, tree))
        for clash in exclusive_clashes(
            tree, ((c.document_id, c.coder_id, c.code_id, c.start, c.end) for c in items)
        ):
            name = coders.get(coder_id, f"#{coder_id}")
            # Every route that makes codings refuses these: the project breaks its own rule.
            report.errors.append(
                f"{clash.describe(tree, documents[document_id].name, name)}: {_MEND[type(clash)]}"
            )
            report.clashes += 1
        if statuses.get((document_id, coder_id)) is not DocumentStatus.DONE:
            report.warnings.append(
                f"{where}: has codings but is not marked done (agreement leaves it out)"
            )
    report.counts = {
        "documents": len(documents),
        "codes": len(tree.codes()),
        "dimensions": len(tree.dimensions()),
        "coders": len(coders),
        "codings": codings,
    }


def _codebook_problems(tree: Codebook, report: CheckReport) -> set[int]:
    """Cycles (codes each inside the next: no dimension holds them), siblings whose names
    differ only in case (made before the rule), a tree too deep for any file. Returns the
    codes a dimension holds (the others cannot be looked at further)."""
    for cycle in tree.cycles():
        problem = cycle_problem([c.name for c in cycle])
        if problem not in report.errors:  # opening may have found it already
            report.errors.append(problem)
    held = {code.id for code in tree.walk()}
    for pair in tree.case_pairs():
        paths = [f"'{tree.path(code.id)}'" for code in pair if code.id in held]
        if len(paths) > 1:
            report.errors.append(
                f"{' and '.join(paths)} differ only in case, so a path cannot tell them apart: "
                "rename one, or merge them, in the codebook editor"
            )
    too_deep = tree.too_deep()
    if too_deep is not None:
        report.warnings.append(too_deep)
    return held


# How to mend each clash, in the words of the window (README: Delete, Ctrl+B).
_MEND = {
    WholeArticleClash: "keep the right one and remove the others (in the window, as that "
    "coder: choose a coding and press Delete)",
    PassageOverlap: "remove the wrong one or move it off the other (in the window, as that "
    "coder: choose it and press Delete, or select new bounds and press Ctrl+B)",
}


def _duplicates(codings: list[Coding], tree: Codebook) -> list[str]:
    """A code applied twice to the same passage by one coder."""
    problems: list[str] = []
    seen: set[tuple[int, int | None, int | None]] = set()
    for coding in codings:
        key = (coding.code_id, coding.start, coding.end)
        if key in seen:
            problems.append(f"'{tree.path(coding.code_id)}' applied twice to the same passage")
        seen.add(key)
    return problems
