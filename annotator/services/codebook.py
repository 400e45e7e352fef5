"""Codebook import (merging by path) and export."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.domain.codebook import (
    Codebook,
    CodeSpec,
    ColorChooser,
    deepest,
    depth_problem,
    join_path,
    name_key,
)
from annotator.domain.errors import BadFileError, UserError
from annotator.domain.exclusive import ExclusiveRuleError
from annotator.domain.model import Code
from annotator.io.codebook_appendix import Usage, appendix_html, appendix_markdown
from annotator.io.codebook_files import read_codebook, read_codebook_searches, write_codebook
from annotator.io.csvfiles import atomic_output
from annotator.services import backups
from annotator.services.changes import Changes
from annotator.services.exclusive_rule import refuse_clashes
from annotator.storage import Project


@dataclass
class CodebookImportReport:
    """Paths of the nodes a codebook import added and changed."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    #: Names of the saved searches a .json codebook added and changed.
    searches_added: list[str] = field(default_factory=list)
    searches_changed: list[str] = field(default_factory=list)
    #: Of those changed, the ones whose "new articles" marks were taken away.
    searches_reset: list[str] = field(default_factory=list)

    @property
    def changes(self) -> Changes:
        return Changes(codebook=bool(self.added or self.changed))

    def summary(self) -> str:
        text = f"added {len(self.added)}, changed {len(self.changed)}, unchanged {self.unchanged}"
        if self.searches_added or self.searches_changed:
            text += (
                f"; saved searches: added {len(self.searches_added)}, "
                f"changed {len(self.searches_changed)}"
            )
        return text

    def details(self) -> list[str]:
        """A line per node added or changed, as the command line and the window list them."""
        return [
            *(f"added: {p}" for p in self.added),
            *(f"changed: {p}" for p in self.changed),
            *(f"added saved search: {n}" for n in self.searches_added),
            *(
                f"changed saved search: {n}"
                + (
                    " (what it finds or codes changed: run on new articles, it runs on every "
                    "article again)"
                    if n in self.searches_reset
                    else ""
                )
                for n in self.searches_changed
            ),
        ]


#: ``progress(done, total, path)`` after each node of a long import.
Progress = Callable[[int, int, str], None]


def import_codebook(
    project: Project, path: str | Path, *, progress: Progress | None = None
) -> CodebookImportReport:
    """Merge a codebook file (.json, .csv or REFI-QDA .qdc) into the project by path, in one
    transaction.

    A node whose path the project lacks is added; a node it has (its names compared without
    regard to case) gets the file's colour, shortcut, description and exclusive flag where the
    file gives them. Nothing is removed.
    """
    path = Path(path)
    backups.before_bulk_change(project, f"importing the codebook {path.name}")
    with project.codebook.acting(f"codebook import {path.name}"):  # the change log's route
        return _import_codebook(project, path, progress)


def _import_codebook(
    project: Project, path: Path, progress: Progress | None
) -> CodebookImportReport:
    if path.suffix.lower() == ".qdc":
        from annotator.services.refi import read_qdc

        warnings: list[str] = []
        report = apply_codebook(project, read_qdc(path, warnings), path, progress=progress)
        report.warnings[:0] = [f"{path.name}: {w}" for w in warnings]
        return report
    from annotator.services.saved_searches import apply_search_specs

    dimensions = read_codebook(path)
    searches = read_codebook_searches(path)  # read (and its shape checked) before writing
    with project.transaction():  # the codes and the saved searches, all or nothing
        report = apply_codebook(project, dimensions, path, progress=progress)
        report.searches_added, report.searches_changed, report.searches_reset = apply_search_specs(
            project, searches, path
        )
    return report


def apply_codebook(
    project: Project,
    dimensions: list[CodeSpec],
    origin: Path,
    *,
    progress: Progress | None = None,
) -> CodebookImportReport:
    """Merge dimensions read from ``origin`` into the project, in one transaction.

    Linear in the size of the codebook: the tree is read once, and each node costs a few
    indexed statements (a codebook of 10,000 codes merges in about a second).
    """
    depth, parts, deepest_node = deepest(dimensions)
    problem = depth_problem(depth, join_path(parts))
    if problem is not None:
        raise BadFileError(origin, problem, line=deepest_node.line if deepest_node else None)
    report = CodebookImportReport()
    total = sum(1 for dimension in dimensions for _ in dimension.walk())
    with project.transaction():
        tree = project.codebook.tree()
        exclusive = {d.id for d in tree.dimensions() if d.exclusive}
        colors = ColorChooser(project.codebook.used_colors())
        added: dict[tuple[int | None, str], Code] = {}  # nodes this import added
        # Depth first, parents before children, as the file lists them.
        stack: list[tuple[CodeSpec, Code | None, tuple[str, ...]]] = [
            (dimension, None, ()) for dimension in reversed(dimensions)
        ]
        while stack:
            spec, parent, parents = stack.pop()
            parts = (*parents, spec.name)
            node = _merge(project, origin, tree, added, colors, spec, parent, parts, report)
            stack.extend((child, node, parts) for child in reversed(spec.children))
            if progress is not None:
                progress(len(report.added) + len(report.changed) + report.unchanged, total, "")
        _refuse_clashes(project, origin, tree, exclusive, dimensions)
    return report


def _refuse_clashes(
    project: Project, origin: Path, before: Codebook, exclusive: set[int], specs: list[CodeSpec]
) -> None:
    """A dimension the file makes exclusive whose codings would break the rule (a
    whole-article code beside another of its codes, two of its codes on overlapping passages,
    by one coder in one article): refused, and the transaction is rolled back. Only the
    dimensions made exclusive now are read (new ones have no codings)."""
    now = project.codebook.tree()
    for dimension in now.dimensions():
        if not dimension.exclusive or dimension.id in exclusive or dimension.id not in before:
            continue
        try:
            refuse_clashes(
                project,
                dimension.id,
                f"'{dimension.name}' cannot be made exclusive: its codings clash",
            )
        except ExclusiveRuleError as error:
            key = name_key(dimension.name)
            spec = next((s for s in specs if name_key(s.name) == key), None)
            raise BadFileError(origin, str(error), line=spec.line if spec else None) from None


def _merge(
    project: Project,
    path: Path,
    tree: Codebook,
    added: dict[tuple[int | None, str], Code],
    colors: ColorChooser,
    spec: CodeSpec,
    parent: Code | None,
    parts: tuple[str, ...],
    report: CodebookImportReport,
) -> Code:
    """Add one node, or change the project's node of the same path; return the node."""
    where = join_path(parts)
    parent_id = None if parent is None else parent.id
    try:
        existing = added.get((parent_id, name_key(spec.name))) or tree.child(parent_id, spec.name)
        if existing is None:
            guid = spec.guid
            if guid and project.codebook.by_guid(guid) is not None:
                report.warnings.append(
                    f"{where}: its GUID is taken by another code; given a new one"
                )
                guid = None
            node = project.codebook.add(
                spec.name,
                parent_id,
                color=colors.take(spec.color),
                description=spec.description,
                shortcut=spec.shortcut,
                exclusive=spec.exclusive and parent is None,
                guid=guid,
            )
            added[(parent_id, name_key(spec.name))] = node
            report.added.append(where)
        else:
            node = project.codebook.update(
                existing.id,
                color=None if spec.color is None else colors.take(spec.color),
                description=spec.description if spec.description else None,
                shortcut=spec.shortcut,
                exclusive=spec.exclusive if parent is None else None,
            )
            if node != existing:
                report.changed.append(where)
            else:
                report.unchanged += 1
    except UserError as error:
        raise BadFileError(path, f"{where}: {error}", line=spec.line) from None
    return node


def codebook_specs(project: Project) -> list[CodeSpec]:
    """The project's codebook as file-ready trees (refused when deeper than a codebook file
    may be: every file written must read back)."""
    tree = project.codebook.tree()
    problem = tree.too_deep()
    if problem is not None:
        raise UserError(problem)
    specs: dict[int, CodeSpec] = {}
    dimensions: list[CodeSpec] = []
    for code in tree.walk():  # parents first
        spec = CodeSpec(
            name=code.name,
            color=code.color,
            shortcut=code.shortcut,
            description=code.description,
            exclusive=code.exclusive,
            guid=code.guid,
        )
        specs[code.id] = spec
        siblings = dimensions if code.parent_id is None else specs[code.parent_id].children
        siblings.append(spec)
    return dimensions


def export_codebook(project: Project, path: str | Path | None, *, suffix: str | None = None) -> int:
    """Write the codebook as .json or .csv (by the file's extension, or ``suffix`` when
    writing to standard output with ``path=None``); return the number of nodes written."""
    target = None if path is None else Path(path)
    suffix = (suffix or (target.suffix if target else "")).lower()
    if suffix in (".html", ".htm", ".md"):
        return export_appendix(project, target, markdown=suffix == ".md")
    if suffix == ".qdc":
        from annotator.services.refi import export_qdc

        if target is None:
            raise UserError("a .qdc codebook needs a file name")
        return export_qdc(project, target)
    if suffix not in (".json", ".csv"):
        name = target.name if target else "output"
        raise UserError(
            f"{name}: codebooks are written as .json, .csv or .qdc (an appendix as .html or .md)"
        )
    from annotator.services.saved_searches import search_specs

    specs = codebook_specs(project)
    searches = search_specs(project) if suffix == ".json" else None
    with atomic_output(target, protect=[project.path]) as handle:
        write_codebook(
            handle, suffix, specs, name=project.info("name") or project.name, searches=searches
        )
    return sum(1 for dimension in specs for _ in dimension.walk())


def export_appendix(project: Project, path: Path | None, *, markdown: bool) -> int:
    """Write the codebook appendix (definitions, rules, examples, use) as HTML or Markdown;
    return the number of codes described."""
    tree = project.codebook.tree()
    usage = {
        code: Usage(codings, articles)
        for code, codings, articles in project.codings.usage_by_code()
    }
    from annotator.services.codebook_versions import current_version

    title = f"Codebook: {project.info('name') or project.name}"
    write = appendix_markdown if markdown else appendix_html
    with atomic_output(path, protect=[project.path]) as handle:
        handle.write(write(tree, usage, title, version=current_version(project).name))
    return len(tree.codes())
