"""Import article files (and an optional variables CSV) into a project."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.domain.errors import BadFileError, UserError
from annotator.domain.model import VariableType
from annotator.domain.text import text_sha256
from annotator.io.articles import Article, Refusal, collect_files, read_article
from annotator.io.encoding import check_encoding
from annotator.io.variables_csv import (
    VariablesTable,
    check_value,
    match_files,
    read_variables_csv,
)
from annotator.services import backups
from annotator.services.changes import Changes
from annotator.storage import Project

# Called as progress(done, total, file name) while files are read.
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Imported:
    document_id: int
    name: str
    source: str
    characters: int
    encoding: str | None = None  # how a plain-text file was decoded


@dataclass(frozen=True)
class Duplicate:
    source: str
    existing: str  # the name of the document that already holds this text

    def __str__(self) -> str:
        return f"{self.source}: same text as '{self.existing}', not imported again"


@dataclass
class ImportReport:
    """What one import run did."""

    imported: list[Imported] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)


@dataclass
class ReadBatch:
    """Articles read from files, not yet stored (reading needs no project: it can run in a
    worker thread while the window stays responsive)."""

    articles: list[Article] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


def read_articles(
    paths: Iterable[str | Path],
    *,
    encoding: str | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ReadBatch:
    """Read article files and folders; unusable files become refusals with a reason.

    ``encoding`` is used for plain-text files that have no byte-order mark and are not UTF-8
    (otherwise their encoding is detected, and a file whose encoding is unclear is refused).
    """
    if encoding is not None:
        encoding = check_encoding(encoding)
    files, refused = collect_files(Path(p) for p in paths)
    batch = ReadBatch(refused=refused)
    for done, file in enumerate(files, start=1):
        if cancelled is not None and cancelled():
            break
        if progress is not None:
            progress(done, len(files), file.source)
        try:
            batch.articles.append(read_article(file.path, source=file.source, encoding=encoding))
        except BadFileError as error:
            batch.refused.append(Refusal(file.path, error.problem, file.source))
    return batch


def import_files(
    project: Project,
    paths: Iterable[str | Path],
    *,
    variables_csv: str | Path | None = None,
    encoding: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import article files and folders; refuse unusable files one by one, with a reason.

    Files are read first; then everything is written in one transaction, so a failure part-way
    leaves the project as it was. The same text (by SHA-256) is never imported twice.
    """
    table = read_variables_csv(Path(variables_csv)) if variables_csv is not None else None
    batch = read_articles(paths, encoding=encoding, progress=progress)
    return store_articles(project, batch, table)


def store_articles(
    project: Project,
    batch: ReadBatch,
    table: VariablesTable | None = None,
) -> ImportReport:
    """Write a read batch (and the variables of ``table``) in one transaction.

    Rows of ``table`` are matched to the files by relative path (see
    :func:`~annotator.io.variables_csv.match_files`); a row that fits several files stops the
    run before anything is written.
    """
    report = ImportReport(refused=list(batch.refused))
    articles: dict[str, Article] = {}  # sha256 -> article to import (the first with that text)
    already_held: list[tuple[Article, int]] = []  # article, id of the document holding its text
    for article in batch.articles:
        if article.warning is not None:
            report.warnings.append(f"{article.source}: {article.warning}")
        sha256 = text_sha256(article.text)
        existing = project.documents.by_sha256(sha256)
        if existing is not None:
            report.duplicates.append(Duplicate(article.source, existing.name))
            already_held.append((article, existing.id))
        elif sha256 in articles:
            report.duplicates.append(Duplicate(article.source, articles[sha256].name))
        else:
            articles[sha256] = article
    new = list(articles.values())
    rows: dict[int, str] = {}  # index in new + already held -> row of the table
    if table is not None:
        sources = [a.source for a in new] + [a.source for a, _ in already_held]
        rows, warnings = match_files(table, sources)
        report.warnings.extend(warnings)

    def values_for(index: int) -> dict[str, str]:
        return table.values[rows[index]] if table is not None and index in rows else {}

    if len(new) > 1 or (table is not None and already_held):
        backups.before_bulk_change(project, f"importing {len(new)} articles")
    with project.transaction():
        types = _define_variables(project, new, table)
        for index, article in enumerate(new):
            document = project.documents.add(article.name, article.source, article.text)
            values = dict(article.metadata.values)
            values.update(values_for(index))
            _set_values(project, document.id, article.source, values, types, report)
            report.imported.append(
                Imported(
                    document.id, document.name, article.source, len(article.text), article.encoding
                )
            )
        # Variables for articles the project already holds are set on those documents.
        for offset, (article, document_id) in enumerate(already_held):
            values = values_for(len(new) + offset)
            if values:
                _set_values(project, document_id, article.source, values, types, report)
    report.changes = Changes(
        documents=frozenset(i.document_id for i in report.imported)
        | frozenset(document_id for _, document_id in already_held if table is not None),
        variables=bool(types),
    )
    return report


def _define_variables(
    project: Project, articles: list[Article], table: VariablesTable | None
) -> dict[str, VariableType]:
    """Create the variables the run needs; an existing variable keeps its type."""
    wanted: dict[str, VariableType] = {}
    for article in articles:
        for name, type_ in article.metadata.types.items():
            wanted.setdefault(name, type_)
    if table is not None:
        wanted.update(table.types)
    return {
        name: project.documents.define_variable(name, type_).type for name, type_ in wanted.items()
    }


def _set_values(
    project: Project,
    document_id: int,
    source: str,
    values: dict[str, str],
    types: dict[str, VariableType],
    report: ImportReport,
) -> None:
    checked: dict[int, str | None] = {}
    for name, value in values.items():
        variable = project.documents.variable(name)
        if variable is None:
            continue
        try:
            checked[variable.id] = check_value(value, types.get(name, variable.type))
        except UserError as error:
            report.warnings.append(f"{source}: variable '{name}' left empty: {error}")
    project.documents.set_values(document_id, checked)
