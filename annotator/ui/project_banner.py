"""What the window says about a project it can only read, and the check that finds damage.

- :class:`ProjectBanner`: a strip above the window's panes: the project is damaged, or was
  changed outside annotator, or can only be read where it lies — with what to do about it
  (restore the newest good snapshot, repair).
- :class:`DamagedProjectDialog`: for a project too damaged to be shown at all.
- :class:`PageCheck`: every page of the project file checked in a worker thread after the
  window opened (``PRAGMA quick_check``: about 0.6 s for a 90 MB project, which opening would
  otherwise wait for; opening itself checks the schema and the small tables).
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import DamagedProjectError
from annotator.services.backups import Snapshot
from annotator.storage.snapshots import describe_counts
from annotator.storage.verify import Problem, damage_of_file
from annotator.ui.workers import Background

#: Problems listed in the banner (all of them in its tooltip).
SHOWN = 3
_PROBLEM_STYLE = "#projectBanner { background: #fdecea; border-bottom: 1px solid #e0a3a0; }"
_NOTE_STYLE = "#projectBanner { background: #fff4ce; border-bottom: 1px solid #e2cf88; }"


def _when(snapshot: Snapshot) -> str:
    return snapshot.taken_at.astimezone().strftime("%Y-%m-%d %H:%M")


def headline(problems: list[Problem]) -> str:
    if all(problem.repairable for problem in problems):
        return "This project was changed outside annotator"
    return "This project is damaged"


class ProjectBanner(QFrame):
    """A strip above the panes saying what is wrong with the open project, and what to do."""

    #: Restore a snapshot (the newest good one is offered) / repair the schema.
    restoreRequested = Signal()
    repairRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("projectBanner")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(self.label.textFormat().RichText)
        self.restore_button = QPushButton("Restore a snapshot…")
        self.restore_button.clicked.connect(self.restoreRequested)
        self.repair_button = QPushButton("Repair…")
        self.repair_button.clicked.connect(self.repairRequested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.restore_button)
        layout.addWidget(self.repair_button)
        self.hide()

    def show_problems(self, problems: list[Problem], newest: Snapshot | None) -> None:
        """The project is open read-only because of ``problems``; ``newest``: the newest
        snapshot that checks out (offered for a restore), if any."""
        items = "".join(f"<li>{html.escape(p.text)}</li>" for p in problems[:SHOWN])
        more = f"<li>and {len(problems) - SHOWN} more</li>" if len(problems) > SHOWN else ""
        if newest is not None:
            offer = (
                f"The newest good snapshot is of {_when(newest)} "
                f"({describe_counts(newest.counts)})."
            )
        else:
            offer = "There is no snapshot of it that checks out."
        repairable = all(problem.repairable for problem in problems)
        if repairable:
            offer += " Repair removes what annotator did not make, after a snapshot."
        self.label.setText(
            f"<b>{headline(problems)}</b>; it is open read-only.<ul style='margin: 2px 0'>"
            f"{items}{more}</ul>{offer}"
        )
        self.setToolTip("\n".join(problem.text for problem in problems))
        self.restore_button.setVisible(True)
        self.restore_button.setEnabled(newest is not None)
        self.repair_button.setVisible(repairable)
        self.setStyleSheet(_PROBLEM_STYLE)
        self.show()

    def show_note(self, text: str) -> None:
        """A project that can only be read (nothing is wrong with it): why."""
        self.label.setText(html.escape(text))
        self.setToolTip("")
        self.restore_button.hide()
        self.repair_button.hide()
        self.setStyleSheet(_NOTE_STYLE)
        self.show()


class DamagedProjectDialog(QDialog):
    """A project too damaged to be shown: what is wrong, and the ways back."""

    RESTORE, REPAIR = "restore", "repair"

    def __init__(
        self, error: DamagedProjectError, newest: Snapshot | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Damaged project")
        self.error, self.newest = error, newest
        self.choice: str | None = None
        problems = "".join(f"<li>{html.escape(p)}</li>" for p in error.problems[:8])
        text = QLabel(
            f"<b>{html.escape(error.path.name)} cannot be opened as it is.</b>"
            f"<ul>{problems}</ul>Nothing was written to it."
        )
        text.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        label = (
            f"Restore the snapshot of {_when(newest)}"
            if newest is not None
            else "No snapshot to restore"
        )
        self.restore_button = buttons.addButton(label, QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setEnabled(newest is not None)
        self.restore_button.clicked.connect(lambda: self._choose(self.RESTORE))
        self.repair_button = buttons.addButton("Repair", QDialogButtonBox.ButtonRole.AcceptRole)
        self.repair_button.setVisible(error.repairable)
        self.repair_button.clicked.connect(lambda: self._choose(self.REPAIR))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(buttons)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()


class _PageCheckWorker(QObject):
    #: The worker (itself) and the problems found.
    finished = Signal(object, list)

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def run(self) -> None:
        self.finished.emit(self, damage_of_file(self.path))


class PageCheck(QObject):
    """Every page of a project file checked in a worker thread, on a connection of its own;
    :attr:`finished` carries what was found (empty: the file is sound)."""

    finished = Signal(list)

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.background: Background[_PageCheckWorker] = Background(self)

    def start(self) -> None:
        worker = _PageCheckWorker(self.path)
        self.background.start(worker, (worker.finished, self._done))

    @property
    def busy(self) -> bool:
        return self.background.busy

    def _done(self, worker: _PageCheckWorker, problems: list[Problem]) -> None:
        self.background.end(worker)  # after wait() too, what was found is said
        self.finished.emit(problems)

    def wait(self) -> None:
        """Let a check under way finish (before its project is closed or replaced)."""
        self.background.wait()
