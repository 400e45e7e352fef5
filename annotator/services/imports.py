"""Import files of articles (and an optional variables CSV) into a project.

A file is one article (.txt, .md, .html, .docx, .pdf), or — when a news reader recognises
its content — many: a database export or an article sheet gives one document per article
(see :mod:`annotator.services.intake`). Reading (:func:`read_articles`) needs no project;
storing (:func:`store_articles`) writes what was read, or the part of it chosen.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from annotator import __version__
from annotator.domain.errors import BadFileError, UserError
from annotator.domain.model import Variable, VariableType
from annotator.domain.text import text_sha256
from annotator.io.articles import Article, Refusal, collect_files
from annotator.io.encoding import check_encoding
from annotator.io.variables_csv import (
    VariablesTable,
    check_value,
    match_files,
    read_variables_csv,
)
from annotator.services import backups
from annotator.services.changes import Changes
from annotator.services.duplicates import (
    NearDuplicate,
    find_near_duplicates,
    forget_checked,
    index_documents,
    index_missing,
)
from annotator.services.intake import FileRead, ImportOptions, read_file
from annotator.storage import Project
from annotator.storage.imports import ImportedFile

# Called as progress(done, total, file name) while files are read (and articles stored).
Progress = Callable[[int, int, str], None]
#: Variable values stored at a time: a file of 100,000 articles with 15 variables each held
#: its 1.5 million rows until its last article was stored (140 MB).
_VALUES_AT_ONCE = 20_000

__all__ = ["FileRead", "ImportOptions"]


class ImportCancelled(Exception):
    """Raised by a progress callback to stop :func:`store_articles`: nothing is kept. Not a
    :class:`UserError`, which would only refuse the file being stored."""


@dataclass(frozen=True)
class Imported:
    document_id: int
    name: str
    source: str
    characters: int
    encoding: str | None = None  # how a plain-text file was decoded


@dataclass(frozen=True)
class Duplicate:
    """An article not stored (or stored marked) because the project or the batch holds its
    text already (``similarity`` 1.0) or one nearly the same."""

    source: str
    existing: str  # the name of the document that already holds this text
    similarity: float = 1.0
    kept: bool = False  # imported all the same (--duplicates mark or all)
    # The same text (same SHA-256), not only every five-word shingle shared (similarity 1.0).
    same: bool = False

    def __str__(self) -> str:
        if self.same:
            return f"{self.source}: same text as '{self.existing}', not imported again"
        what = "imported all the same" if self.kept else "not imported"
        return f"{self.source}: nearly the same text as '{self.existing}' " + (
            f"({self.similarity:.2f} similar), {what}"
        )


@dataclass
class ImportReport:
    """What one import run did, in all and per file (``files``, as the project records it)."""

    imported: list[Imported] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)
    files: list[ImportedFile] = field(default_factory=list)
    import_id: int | None = None  # the project's record of this run (None: nothing stored)
    #: Articles already in the project whose variables the table set (not imported again).
    variables_set: int = 0


@dataclass
class ReadBatch:
    """Articles read from files, not yet stored (reading needs no project: it can run in a
    worker thread while the window stays responsive). ``files`` says which articles came
    from which file (an export holds many); a batch made without it is one article a file."""

    articles: list[Article] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    files: list[FileRead] = field(default_factory=list)


def read_articles(
    paths: Iterable[str | Path],
    *,
    encoding: str | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    options: ImportOptions | None = None,
    leave_out: Iterable[str | Path] = (),
) -> ReadBatch:
    """Read article files and folders; unusable files become refusals with a reason.

    ``encoding`` is used for plain-text files that have no byte-order mark and are not UTF-8
    (otherwise their encoding is detected, and a file whose encoding is unclear is refused).
    ``leave_out`` names files not to read (the variables CSV inside a folder imported).
    """
    options = options or ImportOptions()
    if encoding is not None:
        options = dataclasses.replace(options, encoding=check_encoding(encoding))
    elif options.encoding is not None:
        check_encoding(options.encoding)
    skipped = {_identity(Path(p)) for p in leave_out}
    files, refused = collect_files(Path(p) for p in paths)
    files = [f for f in files if not skipped or _identity(f.path) not in skipped]
    batch = ReadBatch(refused=refused)
    batch.files = [FileRead(r.path, r.source or r.path.name, refused=r.reason) for r in refused]
    for done, file in enumerate(files, start=1):
        if cancelled is not None and cancelled():
            break
        if progress is not None:
            progress(done, len(files), file.source)
        try:
            found = read_file(file, options)
        except BadFileError as error:
            batch.refused.append(Refusal(file.path, error.problem, file.source))
            batch.files.append(FileRead(file.path, file.source, refused=error.problem))
            continue
        start = len(batch.articles)
        batch.articles.extend(found.articles)
        batch.files.append(
            FileRead(
                file.path,
                file.source,
                found.format,
                found.database,
                range(start, len(batch.articles)),
                found.problems,
                found.sha256,
            )
        )
    return batch


def _identity(path: Path) -> str:
    try:
        return str(path.resolve())
    except OSError:
        return str(path.absolute())


def import_files(
    project: Project,
    paths: Iterable[str | Path],
    *,
    variables_csv: str | Path | None = None,
    encoding: str | None = None,
    progress: Progress | None = None,
    options: ImportOptions | None = None,
) -> ImportReport:
    """Import article files and folders; refuse unusable files one by one, with a reason.

    Files are read first, then stored: each file whole or not at all (a file that fails is
    named and the rest of the batch still imported), the whole run in one transaction so
    that a failure no one foresaw leaves the project as it was. The same text (by SHA-256)
    is never imported twice.
    """
    table = read_variables_csv(Path(variables_csv)) if variables_csv is not None else None
    leave_out = [variables_csv] if variables_csv is not None else []
    batch = read_articles(
        paths, encoding=encoding, progress=progress, options=options, leave_out=leave_out
    )
    return store_articles(project, batch, table, options=options)


def store_articles(
    project: Project,
    batch: ReadBatch,
    table: VariablesTable | None = None,
    *,
    options: ImportOptions | None = None,
    selected: Collection[int] | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Write a read batch (and the variables of ``table``): only the articles whose index in
    ``batch.articles`` is in ``selected``, when it is given. ``selected`` is what a person
    chose having seen each article's duplicate flag (the rows a preview left ticked): a
    near-duplicate among them is stored — with ``duplicate_of`` under ``mark`` — not skipped;
    the same text is still never stored twice.

    Each file is stored whole or not at all (a savepoint each: one that fails is rolled back
    and reported as refused, the others stay); the run is one transaction, committed once,
    and recorded in the project (:attr:`ImportReport.import_id`) when it stored anything.
    Rows of ``table`` are matched to the files by relative path (see
    :func:`~annotator.io.variables_csv.match_files`) and apply to every article of the file;
    a row that fits several files stops the run before anything is written.

    ``progress(stored, total, file)`` is called after each article stored; if it raises
    :class:`ImportCancelled` (or anything but a :class:`UserError`), the whole run is rolled
    back and the snapshot taken before it removed: the project is as it was.
    """
    options = options or ImportOptions()
    files = batch.files or [
        FileRead(a.path, a.source, indices=range(i, i + 1)) for i, a in enumerate(batch.articles)
    ]
    chosen = None if selected is None else set(selected)
    run = _Run(project, batch, options, table, progress, chosen)
    run.report.refused = list(batch.refused)
    run.match_table([f for f in files if f.refused is None])
    shas = {
        i: text_sha256(batch.articles[i].text)
        for f in files
        for i in f.indices
        if chosen is None or i in chosen
    }
    held = project.documents.existing_sha256(shas.values())
    new = set(shas.values()) - held
    snapshot = None
    if len(new) > 1 or (table is not None and shas):
        snapshot = backups.before_bulk_change(project, f"importing {len(new)} articles")
    try:
        with backups.discarded_on_failure(snapshot), project.transaction():
            for file in files:
                indices = [i for i in file.indices if i in shas]
                run.store_file(file, indices, shas, held)
            run.finish()
    finally:
        forget_checked()  # the signatures of the last file checked, kept to index it
    return run.report


class _Run:
    """One store: the files in turn, the report, the project's record of the run."""

    def __init__(
        self,
        project: Project,
        batch: ReadBatch,
        options: ImportOptions,
        table: VariablesTable | None,
        progress: Progress | None,
        chosen: set[int] | None = None,
    ) -> None:
        self.project, self.batch, self.options, self.table = project, batch, options, table
        self.progress = progress
        self.chosen = chosen  # the articles a person chose (None: every one read)
        self.report = ImportReport()
        self.rows: dict[str, str] = {}  # file source -> row of the table
        self.run_id: int | None = None
        self.recorded: set[int] = set()  # positions in report.files already in the project
        self.variables: dict[str, Variable] = {}
        self.documents: set[int] = set()  # ids changed (imported, or given the table's values)
        self.defined = False
        self.stored = 0
        self.to_store = sum(len(f.indices) for f in batch.files) or len(batch.articles)
        if chosen is not None:
            self.to_store = len(chosen)
        self.indexed = False  # the index holds every document stored before this run
        self.numbers: dict[str, int] = {}  # name -> the number it reached (unique_name)

    def match_table(self, files: list[FileRead]) -> None:
        if self.table is None:
            return
        rows, warnings = match_files(self.table, [f.source for f in files])
        self.report.warnings.extend(warnings)
        self.rows = {files[i].source: row for i, row in rows.items()}

    def store_file(
        self, file: FileRead, indices: list[int], shas: dict[int, str], held: set[str]
    ) -> None:
        """Store one file's chosen articles in a savepoint of their own."""
        if file.refused is not None:
            self.report.files.append(ImportedFile(file.source, file.format, refused=file.refused))
            return
        before = (len(self.report.imported), len(self.report.duplicates), len(self.report.warnings))
        run_id, documents, defined, indexed = (
            self.run_id,
            set(self.documents),
            self.defined,
            self.indexed,
        )
        try:
            with self.project.transaction():
                self._store(file, indices, shas, held)
        except UserError as error:
            # The savepoint is rolled back: forget what it held.
            self.run_id, self.documents, self.defined, self.indexed = (
                run_id,
                documents,
                defined,
                indexed,
            )
            self.variables.clear()
            self.numbers.clear()  # names stored in the savepoint are free again
            del self.report.imported[before[0] :]
            del self.report.duplicates[before[1] :]
            del self.report.warnings[before[2] :]
            reason = error.problem if isinstance(error, BadFileError) else str(error)
            self.report.refused.append(Refusal(file.path, reason, file.source))
            self.report.files.append(
                ImportedFile(
                    file.source,
                    file.format,
                    file.database,
                    file.sha256,
                    len(file.indices),
                    problems=file.problems,
                    refused=reason,
                )
            )

    def _store(
        self, file: FileRead, indices: list[int], shas: dict[int, str], held: set[str]
    ) -> None:
        project, report = self.project, self.report
        values_from_table = self._table_values(file)
        new: list[int] = []
        seen: dict[str, str] = {}  # sha256 -> name, within this file
        duplicates = 0
        warnings_before = len(report.warnings)
        for index in indices:
            article, sha256 = self.batch.articles[index], shas[index]
            if article.warning is not None:  # something the file's reader noticed
                report.warnings.append(f"{article.source}: {article.warning}")
            # Held before the run, or stored by an earlier file of it.
            existing = project.documents.by_sha256(sha256) if sha256 in held else None
            if existing is not None:
                report.duplicates.append(Duplicate(article.source, existing.name, same=True))
                duplicates += 1
                if values_from_table:  # the table's variables go to the document holding it
                    self._define(values_from_table.keys(), {})
                    self._set_values(existing.id, article.source, values_from_table)
                    self.documents.add(existing.id)
            elif sha256 in seen:
                report.duplicates.append(Duplicate(article.source, seen[sha256], same=True))
                duplicates += 1
            else:
                seen[sha256] = article.name
                new.append(index)
        near = self._near_duplicates(new)
        stored: dict[int, str] = {}  # position in new -> name stored under
        sha256s = [shas[index] for index in new]
        rows: list[tuple[int, int, str]] = []  # values of the new documents
        index_entries: list[tuple[int, str]] = []
        for position, index in enumerate(new):
            article = self.batch.articles[index]
            values = dict(article.metadata.values)
            values.update(values_from_table)
            types = dict(article.metadata.types)
            match = near.get(position)
            if match is not None:
                target = self._target_name(match, new, stored)
                duplicates += 1
                kept = self.options.duplicates != "skip" or self.chosen is not None
                report.duplicates.append(Duplicate(article.source, target, match.similarity, kept))
                if not kept:
                    continue
                if self.options.duplicates == "mark":
                    values["duplicate_of"] = target
                    types["duplicate_of"] = VariableType.TEXT
            if self.run_id is None:
                self.run_id = project.imports.start(__version__, self._record())
            document = project.documents.add(
                article.name, article.source, article.text, numbers=self.numbers
            )
            stored[position] = document.name
            held.add(sha256s[position])
            self._define(values.keys(), types)
            rows.extend(self._checked(document.id, article.source, values))
            if len(rows) >= _VALUES_AT_ONCE:  # in the same savepoint: still all or nothing
                project.documents.add_values(rows)
                rows.clear()
            index_entries.append((document.id, article.text))
            self.documents.add(document.id)
            report.imported.append(
                Imported(
                    document.id, document.name, article.source, len(article.text), article.encoding
                )
            )
            self.stored += 1
            if self.progress is not None:
                self.progress(self.stored, self.to_store, file.source)
        project.documents.add_values(rows)
        if index_entries:  # what is stored is indexed for the next batch
            index_documents(project, index_entries)
        problems = file.problems + tuple(report.warnings[warnings_before:])
        entry = ImportedFile(
            file.source,
            file.format,
            file.database,
            file.sha256,
            len(file.indices),
            len(index_entries),
            duplicates,
            problems,
        )
        report.files.append(entry)
        if self.run_id is not None and index_entries:
            project.imports.add_file(self.run_id, entry)
            self.recorded.add(len(report.files) - 1)

    def _near_duplicates(self, new: list[int]) -> dict[int, NearDuplicate]:
        """Near-duplicates among ``new`` (positions in it), of the project or of an earlier
        text of the same file."""
        if not new:
            return {}
        if not self.indexed:
            # Documents stored before the index existed (an older project) are indexed once,
            # not fingerprinted again for every file checked.
            index_missing(self.project)
        self.indexed = True
        found = find_near_duplicates(
            self.project,
            [self.batch.articles[i].text for i in new],
            threshold=self.options.similarity,
        )
        return {match.index: match for match in found}

    def _target_name(self, match: NearDuplicate, new: list[int], stored: dict[int, str]) -> str:
        if match.existing_id is not None:
            return self.project.documents.get(match.existing_id).name
        earlier = match.batch_index if match.batch_index is not None else 0
        return stored.get(earlier) or self.batch.articles[new[earlier]].name

    def _table_values(self, file: FileRead) -> dict[str, str]:
        if self.table is None or file.source not in self.rows:
            return {}
        return dict(self.table.values[self.rows[file.source]])

    def _define(self, names: Iterable[str], types: dict[str, VariableType]) -> None:
        """Create the variables the values need; an existing variable keeps its type."""
        for name in names:
            if name in self.variables:
                continue
            wanted = types.get(name)
            if wanted is None and self.table is not None:
                wanted = self.table.types.get(name)
            self.variables[name] = self.project.documents.define_variable(
                name, wanted or VariableType.TEXT
            )
            self.defined = True

    def _checked(
        self, document_id: int, source: str, values: dict[str, str]
    ) -> list[tuple[int, int, str]]:
        """``(document, variable, value)`` rows of the values that fit their variable's type;
        one that does not is left empty, with a warning."""
        rows: list[tuple[int, int, str]] = []
        for name, value in values.items():
            variable = self.variables[name]
            try:
                rows.append((document_id, variable.id, check_value(value, variable.type)))
            except UserError as error:
                self.report.warnings.append(f"{source}: variable '{name}' left empty: {error}")
        return rows

    def _set_values(self, document_id: int, source: str, values: dict[str, str]) -> None:
        checked = self._checked(document_id, source, values)
        self.project.documents.set_values(document_id, {v: value for _, v, value in checked})

    def _record(self) -> dict[str, object]:
        record: dict[str, object] = self.options.record()
        if self.table is not None and self.table.path is not None:
            record["variables_csv"] = self.table.path.name
        chosen = sum(len(f.indices) for f in self.batch.files)
        record["articles_read"] = chosen or len(self.batch.articles)
        if self.chosen is not None:  # a preview's ticks left the others out
            record["articles_chosen"] = len(self.chosen)
        return record

    def finish(self) -> None:
        """Record the files not yet recorded (refused, duplicates only) and close the run."""
        if self.run_id is not None:
            for position, entry in enumerate(self.report.files):
                if position not in self.recorded:
                    self.project.imports.add_file(self.run_id, entry)
            self.project.imports.finish(self.run_id)
        self.report.import_id = self.run_id
        self.report.changes = Changes(documents=frozenset(self.documents), variables=self.defined)
        new = {imported.document_id for imported in self.report.imported}
        self.report.variables_set = len(self.documents - new)
