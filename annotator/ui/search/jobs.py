"""The Search window's work away from the window's thread: a search streamed a page at a
time, and any other read (a preview, word frequencies) on a connection of its own.

A job reaches the project through :func:`annotator.ui.intake.jobs.connector` (a connection
of its own for a project file; a project in memory runs in the window's thread). A job
cancelled, or let go when the window closes, runs on until its next check (a regular
expression's matching is checked every quarter of a second or so) and its results are
dropped: the window is free at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal

from annotator.domain.errors import UserError
from annotator.services import search
from annotator.storage import Project
from annotator.ui.intake.jobs import CancellableJob, Connect, connector
from annotator.ui.workers import Background

#: Hits in the first page: shown as soon as they are found.
FIRST_PAGE = 100
#: Later hits come in pages of at most this many, or whatever was found in this long.
PAGE_SIZE = 2_000
PAGE_SECONDS = 0.25


@dataclass(frozen=True)
class Article:
    """What the hits table shows of an article: its headline and its variables."""

    headline: str
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Page:
    """Hits found, and the articles among them not sent before."""

    hits: list[search.Hit]
    articles: dict[int, Article]


class Job(CancellableJob):
    """Work for a worker thread. :meth:`cancel` may be called from any thread. Signals carry
    the job itself, so that a result of a job let go is told apart and dropped."""

    #: (job, a part of the result: a :class:`Page` of a search)
    page = Signal(object, object)
    #: (job, the result)
    done = Signal(object, object)
    #: (job, a one-line reason: a :class:`UserError`'s message)
    failed = Signal(object, str)
    #: (job, an unexpected exception: a bug, raised again in the window's thread)
    crashed = Signal(object, object)

    def run(self) -> None:
        try:
            with self.connect_project() as project:
                result = self.work(project)
        except UserError as error:
            self.failed.emit(self, str(error))
            return
        except Exception as error:  # a bug: shown by the window's crash handler, not lost
            self.crashed.emit(self, error)
            return
        self.done.emit(self, result)

    def work(self, project: Project) -> object:
        raise NotImplementedError


class CallJob(Job):
    """Runs ``function(project)``: a read whose result the window shows."""

    def __init__(self, connect: Connect, function: Callable[[Project], object]) -> None:
        super().__init__(connect)
        self.function = function

    def work(self, project: Project) -> object:
        return self.function(project)


class SearchJob(Job):
    """Finds the hits of a request and sends them a page at a time (the first at once); its
    result is the :class:`~annotator.services.search.Counts`, or None when cancelled."""

    def __init__(self, connect: Connect, request: search.Request) -> None:
        super().__init__(connect)
        self.request = request

    def work(self, project: Project) -> search.Counts | None:
        sent: set[int] = set()
        pending: list[search.Hit] = []
        hits = 0
        articles: set[int] = set()
        last = time.monotonic()

        def send() -> None:
            nonlocal last
            new = sorted({hit.document_id for hit in pending} - sent)
            values = project.documents.all_values(new) if new else {}
            page = Page(list(pending), {d: _article(project, d, values.get(d, {})) for d in new})
            sent.update(new)
            pending.clear()
            last = time.monotonic()
            self.page.emit(self, page)

        for hit in search.iter_hits(project, self.request, lambda: self.cancelled):
            if self.cancelled:
                return None
            pending.append(hit)
            hits += 1
            articles.add(hit.document_id)
            first = hits == len(pending) and len(pending) >= FIRST_PAGE
            if first or len(pending) >= PAGE_SIZE or time.monotonic() - last > PAGE_SECONDS:
                send()
        if self.cancelled:
            return None
        if pending:
            send()
        return search.Counts(hits, len(articles))


def _article(project: Project, document_id: int, values: dict[str, str]) -> Article:
    """An article as the table heads it: its title, else (rarely: read then) its name."""
    headline = " ".join(values.get("title", "").split())
    return Article(headline or project.documents.get(document_id).name, values)


class Runner(QObject):
    """Runs one job at a time for a widget of the window, in a thread of its own: a new job,
    :meth:`cancel` or :meth:`release` lets the one under way go (its results dropped).

    The job's signals reach this object's methods, queued to the window's thread (a plain
    function would be called in the job's thread)."""

    def __init__(self, project: Project, parent: QObject) -> None:
        super().__init__(parent)
        self.connect_project, self.threaded = connector(project)
        self.background: Background[Job] = Background(self)
        self._page: Callable[[Any], None] | None = None
        self._done: Callable[[Any], None] = lambda _: None
        self._failed: Callable[[str], None] = lambda _: None

    @property
    def job(self) -> Job | None:
        """The job under way (None: none)."""
        return self.background.worker

    @property
    def busy(self) -> bool:
        return self.background.busy

    def start(
        self,
        job: Job,
        done: Callable[[Any], None],
        failed: Callable[[str], None],
        page: Callable[[Any], None] | None = None,
    ) -> Job:
        """Run ``job``; ``page``, ``done`` and ``failed`` are called in the window's thread
        with what it sends, unless it was let go meanwhile."""
        self.release()
        self._page, self._done, self._failed = page, done, failed
        # A project in memory: the job runs here and now (its one connection is this thread's).
        self.background.start(
            job,
            (job.page, self._on_page),
            (job.done, self._on_done),
            (job.failed, self._on_failed),
            (job.crashed, self._on_crashed),
            threaded=self.threaded,
        )
        return job

    def _on_page(self, sender: Job, payload: object) -> None:
        if sender is self.job and self._page is not None:
            self._page(payload)

    def _on_done(self, sender: Job, result: object) -> None:
        if self._end(sender):
            self._done(result)

    def _on_failed(self, sender: Job, message: str) -> None:
        if self._end(sender):
            self._failed(message)

    def _on_crashed(self, sender: Job, error: object) -> None:
        if self._end(sender):
            assert isinstance(error, BaseException)
            raise error

    def _end(self, sender: Job) -> bool:
        """Whether ``sender`` is the job under way; if so it is done with: disconnected, its
        thread joined, both deleted."""
        if sender is not self.job:
            return False
        for signal in (sender.page, sender.done, sender.failed, sender.crashed):
            signal.disconnect()
        self.background.end(sender)
        sender.deleteLater()
        return True

    def cancel(self) -> None:
        """Stop the job under way: the window is free at once; the job stops at its next
        check (within a slice of a regular expression's matching) and what it finds is dropped."""
        self.release()

    def release(self) -> None:
        """Let the job under way go (cancelled, its results dropped)."""
        if self.job is not None:
            self.job.cancel()
            self.background.let_go()
