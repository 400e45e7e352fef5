"""What keeps the open project safe while the window works on it.

- On opening, a snapshot when the newest is older than the settings' hours, taken in a worker
  thread on a connection of its own, so a large project never freezes the window.
- After a burst of edits (two seconds without one), the write-ahead log is folded into the
  project file, so the file alone — copied, synced or mailed — holds every coding.
- When the window closes after changes, a last snapshot.
- After each edit, a look at whether the project file was renamed or moved meanwhile (a file
  manager, a sync tool): SQLite goes on writing its log beside the old name, where the file
  under its new name cannot find it; from then on every edit is folded into the file at once,
  and the window says so.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from annotator.domain.errors import UserError
from annotator.services import backups
from annotator.services.backups import Snapshot
from annotator.ui.controller import Controller
from annotator.ui.workers import Background

#: Milliseconds without an edit after which the log is folded into the file.
IDLE_MS = 2000


class SnapshotWorker(QObject):
    """Takes one snapshot of a project file away from the window's thread."""

    #: The worker (itself) and the Snapshot, or the reason it could not be taken.
    finished = Signal(object, object)
    failed = Signal(object, str)

    def __init__(self, project_path: Path, reason: str, schema: str) -> None:
        super().__init__()
        self.project_path, self.reason, self.schema = project_path, reason, schema

    def run(self) -> None:
        try:
            snapshot = backups.snapshot_file(self.project_path, self.reason, schema=self.schema)
        except (UserError, OSError) as error:
            self.failed.emit(self, str(error))
            return
        self.finished.emit(self, snapshot)


class ProjectKeeper(QObject):
    """Snapshots and checkpoints for the window's open project (see the module's text)."""

    #: A snapshot was written (the Snapshot), or could not be (the reason).
    snapshotTaken = Signal(object)
    snapshotFailed = Signal(str)
    #: The project file was renamed, moved or given a second name while open (what to do).
    projectMoved = Signal(str)

    def __init__(self, controller: Controller, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.setInterval(IDLE_MS)
        self.idle.timeout.connect(self.checkpoint)
        controller.changed.connect(lambda _changes: self._edited())
        self.moved = False
        self.background: Background[SnapshotWorker] = Background(self)
        self._baseline = self._total_changes()

    def _edited(self) -> None:
        self.idle.start()
        project = self.controller.project
        if project.closed or project.read_only or project.path is None or not project.moved():
            return
        project.checkpoint(truncate=True)
        if not self.moved:
            self.moved = True
            self.projectMoved.emit(
                f"{project.name} was renamed or moved (or given a second name) while open. "
                "Your work is saved in the file; close the project and open it where it is "
                "now before going on."
            )

    def _total_changes(self) -> int:
        return int(self.controller.project.db.conn.total_changes)

    @property
    def changed_since_open(self) -> bool:
        return self._total_changes() != self._baseline

    def start(self) -> bool:
        """Take the opening snapshot in the background if one is due; true if it started."""
        project = self.controller.project
        if project.read_only or project.path is None or self.background.busy:
            return False
        settings = backups.load_settings()
        if not backups.is_due(project.path, settings):
            return False
        self._run(project.path, "opened")
        return True

    def _run(self, path: Path, reason: str) -> None:
        schema = (self.controller.project.schema_version() or [""])[-1]
        worker = SnapshotWorker(path, reason, schema)
        self.background.start(
            worker, (worker.finished, self._finished), (worker.failed, self._refused)
        )

    # A result that arrives after wait() is said all the same: the snapshot was taken (or not).

    def _finished(self, worker: SnapshotWorker, snapshot: Snapshot) -> None:
        self.background.end(worker)
        self.snapshotTaken.emit(snapshot)

    def _refused(self, worker: SnapshotWorker, message: str) -> None:
        self.background.end(worker)
        self._failed(message)

    def _failed(self, message: str) -> None:
        self.snapshotFailed.emit(self._why(message))

    def _why(self, message: str) -> str:
        """Why a snapshot failed: a file renamed under the window is said as such (its old
        name can no longer be read), not as an unreadable file."""
        project = self.controller.project
        if not project.closed and project.path is not None and project.moved():
            return (
                f"{project.path.name} was renamed or moved while open; open it where it is "
                "now (File → Open) and its snapshots are taken again"
            )
        return message

    def wait(self) -> None:
        """Let a snapshot under way finish (before the window closes or the project goes)."""
        self.background.wait()

    @property
    def busy(self) -> bool:
        return self.background.busy

    def checkpoint(self) -> None:
        project = self.controller.project
        if not project.closed and not project.read_only and project.path is not None:
            project.checkpoint()

    def close(self) -> Snapshot | None:
        """At the window's close: finish a snapshot under way, fold the log into the file, and
        take a last snapshot if anything changed since the project was opened."""
        self.idle.stop()
        self.wait()
        project = self.controller.project
        if project.closed or project.read_only or project.path is None:
            return None
        self.checkpoint()
        if not self.changed_since_open:
            return None
        try:
            snapshot = backups.take_snapshot(project, "window closed")
        except (UserError, OSError) as error:
            self.snapshotFailed.emit(self._why(str(error)))
            return None
        self._baseline = self._total_changes()
        return snapshot

    def restarted(self) -> None:
        """The project's content was replaced (a restore): count changes from now."""
        self._baseline = self._total_changes()
