"""Import article files (and an optional variables CSV) into a project."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.domain.errors import BadFileError, UserError
from annotator.domain.model import VariableType
from annotator.domain.text import text_sha256
from annotator.io.articles import Article, Refusal, collect_files, read_article
from annotator.io.variables_csv import VariablesTable, check_value, read_variables_csv
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
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ReadBatch:
    """Read article files and folders; unusable files become refusals with a reason."""
    files, refused = collect_files(Path(p) for p in paths)
    batch = ReadBatch(refused=refused)
    for done, path in enumerate(files, start=1):
        if cancelled is not None and cancelled():
            break
        if progress is not None:
            progress(done, len(files), path.name)
        try:
            batch.articles.append(read_article(path))
        except BadFileError as error:
            batch.refused.append(Refusal(path, error.problem))
    return batch


def import_files(
    project: Project,
    paths: Iterable[str | Path],
    *,
    variables_csv: str | Path | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import article files and folders; refuse unusable files one by one, with a reason.

    Files are read first; then everything is written in one transaction, so a failure part-way
    leaves the project as it was. The same text (by SHA-256) is never imported twice.
    """
    table = read_variables_csv(Path(variables_csv)) if variables_csv is not None else None
    return store_articles(project, read_articles(paths, progress=progress), table, variables_csv)


def store_articles(
    project: Project,
    batch: ReadBatch,
    table: VariablesTable | None = None,
    variables_csv: str | Path | None = None,
) -> ImportReport:
    """Write a read batch (and the variables of ``table``) in one transaction."""
    report = ImportReport(refused=list(batch.refused))
    articles: dict[str, Article] = {}  # sha256 -> article to import (the first with that text)
    already_held: dict[str, int] = {}  # file name -> id of the document that holds its text
    for article in batch.articles:
        sha256 = text_sha256(article.text)
        existing = project.documents.by_sha256(sha256)
        if existing is not None:
            report.duplicates.append(Duplicate(article.source, existing.name))
            already_held.setdefault(article.source, existing.id)
        elif sha256 in articles:
            report.duplicates.append(Duplicate(article.source, articles[sha256].name))
        else:
            articles[sha256] = article
    if table is not None:
        read_names = {a.source for a in articles.values()} | set(already_held)
        csv_name = Path(str(variables_csv or "variables.csv")).name
        report.warnings.extend(
            f"{csv_name}, line {line}: no article file '{file_name}' in this import"
            for file_name, line in table.lines.items()
            if file_name not in read_names
        )
    with project.transaction():
        types = _define_variables(project, list(articles.values()), table)
        for article in articles.values():
            document = project.documents.add(article.name, article.source, article.text)
            values = dict(article.metadata.values)
            if table is not None:
                values.update(table.values.get(article.source, {}))
            _set_values(project, document.id, article.source, values, types, report)
            report.imported.append(
                Imported(document.id, document.name, article.source, len(article.text))
            )
        if table is not None:
            # Variables for articles the project already holds are set on those documents.
            for file_name, document_id in already_held.items():
                if file_name in table.values:
                    _set_values(
                        project, document_id, file_name, table.values[file_name], types, report
                    )
    report.changes = Changes(
        documents=frozenset(i.document_id for i in report.imported)
        | frozenset(already_held.values() if table is not None else ()),
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
