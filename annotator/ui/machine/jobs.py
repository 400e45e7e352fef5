"""The machine's long work (coding articles, training) away from the window's thread: a job
reaches the project on a connection of its own (SQLite connections stay in the thread that
made them; see :func:`annotator.ui.intake.jobs.connector`), reports progress through a signal
and stops when its cancel :class:`threading.Event` is set. A dialog runs it with
:class:`annotator.ui.workers.Background` (here and now, not threaded, for a project in memory)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import Signal

from annotator.domain.errors import UserError
from annotator.storage import Project
from annotator.ui.intake.jobs import CancellableJob, connector

#: The work: the project (the job's connection), a progress callback (done, total, what) and
#: the cancel event; returns the result the dialog shows.
Work = Callable[[Project, Callable[[int, int, str], None], threading.Event], object]


class MachineJob(CancellableJob):
    """Runs one piece of work; :meth:`cancel` may be called from any thread."""

    #: (done, total, what: an article's name or a stage)
    progressed = Signal(int, int, str)
    #: The job (itself) and its result.
    finished = Signal(object, object)
    #: The job and a one-line reason (a :class:`UserError`, or an unforeseen error's text).
    failed = Signal(object, str)

    def __init__(self, project: Project, work: Work) -> None:
        connect, threaded = connector(project)
        super().__init__(connect)
        self.threaded, self.work = threaded, work

    def run(self) -> None:
        try:
            with self.connect_project() as project:
                result = self.work(
                    project, lambda d, t, w: self.progressed.emit(d, t, w), self.cancel_event
                )
        except UserError as error:
            self.failed.emit(self, str(error))
            return
        except Exception as error:  # shown in one line: the window goes on
            self.failed.emit(self, f"{type(error).__name__}: {error}")
            return
        self.finished.emit(self, result)
