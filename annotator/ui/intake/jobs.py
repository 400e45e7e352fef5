"""The import's work, away from the window's thread: reading the files (and checking them for
duplicates), checking again at another threshold, storing the ticked articles. Each job
reports progress, can be cancelled, and reaches the project on a connection of its own
(SQLite connections stay in the thread that made them). :func:`connector` and
:class:`CancellableJob` serve the Search window's and the machine's jobs too."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from annotator.domain.errors import UserError
from annotator.io.variables_csv import VariablesTable, match_files
from annotator.services.import_preview import (
    DuplicateFlag,
    PreviewRow,
    flag_duplicates,
    preview_rows,
)
from annotator.services.imports import (
    ImportCancelled,
    ImportOptions,
    ReadBatch,
    read_articles,
    store_articles,
)
from annotator.storage import Project

#: Opens the project for a job, in the job's thread, and closes it after.
Connect = Callable[[], contextlib.AbstractContextManager[Project]]


def connector(project: Project) -> tuple[Connect, bool]:
    """How a job reaches ``project``, and whether it may run in a worker thread: a project
    file gets a connection of its own; a project in memory has only the window's."""
    if project.path is None:
        return (lambda: contextlib.nullcontext(project)), False

    @contextlib.contextmanager
    def connect() -> Iterator[Project]:
        with project.worker_connection() as connection:
            yield connection

    return connect, True


class CancellableJob(QObject):
    """Work for a worker thread that reaches the project through ``connect``;
    :meth:`cancel` may be called from any thread, and the work looks at :attr:`cancelled`."""

    def __init__(self, connect: Connect) -> None:
        super().__init__()
        self.connect_project = connect
        self.cancel_event = threading.Event()

    def cancel(self) -> None:
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()


@dataclass(frozen=True)
class Preview:
    """What a reading found: the batch, a row per article and the duplicate flags."""

    batch: ReadBatch
    rows: list[PreviewRow]
    duplicates: dict[int, DuplicateFlag]
    #: Rows of the variables CSV that name no file read.
    table_warnings: tuple[str, ...] = ()


class Job(CancellableJob):
    """Work for a worker thread. :meth:`cancel` may be called from any thread."""

    #: (what is being done, done, total; total 0 while it is not known)
    progressed = Signal(str, int, int)
    #: The result; None when the job was cancelled before it had one (a job that finished
    #: all the same — the articles stored as Cancel came — gives its result).
    finished = Signal(object)
    #: A one-line reason the job could not be done (a :class:`UserError`).
    failed = Signal(str)

    #: "reading", "checking" or "storing": what the dialog says was cancelled.
    stage = ""

    def run(self) -> None:
        try:
            result = self.work()
        except ImportCancelled:
            result = None
        except UserError as error:
            self.failed.emit(str(error))
            return
        self.finished.emit(result)

    def work(self) -> object:
        raise NotImplementedError


class ReadJob(Job):
    """Reads the files, then checks their articles against the project for duplicates."""

    stage = "reading"

    def __init__(
        self,
        connect: Connect,
        paths: list[Path],
        options: ImportOptions,
        table: VariablesTable | None = None,
    ) -> None:
        super().__init__(connect)
        self.paths, self.options, self.table = paths, options, table

    def work(self) -> Preview | None:
        batch = read_articles(
            self.paths,
            options=self.options,
            leave_out=[self.table.path] if self.table and self.table.path else [],
            progress=lambda done, total, name: self.progressed.emit(f"Reading {name}", done, total),
            cancelled=lambda: self.cancelled,
        )
        if self.cancelled:
            return None
        table_warnings: list[str] = []
        if self.table is not None:
            # A row fitting several files is refused now, not after the preview.
            sources = [f.source for f in batch.files if f.refused is None]
            table_warnings = match_files(self.table, sources)[1]
        rows = preview_rows(batch)
        duplicates: dict[int, DuplicateFlag] = {}
        if rows:
            self.progressed.emit(f"Looking for duplicates among {len(rows):,} articles", 0, 0)
            with self.connect_project() as project:
                duplicates = flag_duplicates(
                    project,
                    batch,
                    similarity=self.options.similarity,
                    cancelled=lambda: self.cancelled,
                )
        if self.cancelled:
            return None
        return Preview(batch, rows, duplicates, tuple(table_warnings))


class CheckJob(Job):
    """Checks a batch read before for duplicates again, at another threshold."""

    stage = "checking"

    def __init__(self, connect: Connect, batch: ReadBatch, similarity: float) -> None:
        super().__init__(connect)
        self.batch, self.similarity = batch, similarity

    def work(self) -> dict[int, DuplicateFlag] | None:
        self.progressed.emit(
            f"Looking for duplicates among {len(self.batch.articles):,} articles", 0, 0
        )
        with self.connect_project() as project:
            found = flag_duplicates(
                project, self.batch, similarity=self.similarity, cancelled=lambda: self.cancelled
            )
        return None if self.cancelled else found


class StoreJob(Job):
    """Stores the ticked articles in one transaction; cancelled, it stores nothing."""

    stage = "storing"

    def __init__(
        self,
        connect: Connect,
        batch: ReadBatch,
        table: VariablesTable | None,
        options: ImportOptions,
        selected: list[int],
    ) -> None:
        super().__init__(connect)
        self.batch, self.table, self.options, self.selected = batch, table, options, selected

    def work(self) -> object:
        def progress(done: int, total: int, name: str) -> None:
            self.progressed.emit(f"Importing {name}", done, total)
            if self.cancelled:
                raise ImportCancelled

        self.progressed.emit(f"Importing {len(self.selected):,} articles", 0, 0)
        with self.connect_project() as project:
            if self.cancelled:
                return None
            return store_articles(
                project,
                self.batch,
                self.table,
                options=self.options,
                selected=self.selected,
                progress=progress,
            )
