"""Starting the window: the application object, the project, the coder, crash reports."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from annotator import __version__, paths
from annotator.domain.errors import ProjectLockedError, UserError
from annotator.domain.model import Coder
from annotator.services import backups
from annotator.services.projects import open_default_project
from annotator.storage import Project
from annotator.ui import settings
from annotator.ui.controller import Controller
from annotator.ui.dialogs.coder import CoderDialog
from annotator.ui.main_window import MainWindow


def application() -> QApplication:
    """The QApplication (made once), named so that Qt's own settings land under annotator."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(sys.argv[:1])
    app.setApplicationName("annotator")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("annotator")
    return app


def open_project(path: Path | None, parent: QWidget | None = None) -> Project | None:
    """Open a project for writing; if another annotator has it, offer to open it read-only."""
    try:
        return open_default_project() if path is None else backups.open_for_writing(path)
    except ProjectLockedError as error:
        answer = QMessageBox.question(
            parent,
            "Project in use",
            f"{error}.\n\nOpen it read-only (you can look, but not code)?",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        return Project.open(path or paths.default_project_path(), read_only=True)


def choose_coder(project: Project, parent: QWidget | None = None) -> Coder | None:
    """The remembered coder if the project knows them; otherwise ask."""
    store = settings.open_settings()
    name = settings.CODER.get(store)
    coder = project.coders.by_name(name) if name else None
    if coder is None:
        if project.read_only:
            coders = project.coders.all()
            return coders[0] if coders else None
        dialog = CoderDialog(project, name, parent)
        if dialog.exec() != CoderDialog.DialogCode.Accepted or dialog.coder is None:
            return None
        coder = dialog.coder
    settings.CODER.set(store, coder.name)
    return coder


def _report_crash(
    kind: type[BaseException], error: BaseException, tb: TracebackType | None
) -> None:
    """A bug: show it with its traceback instead of vanishing (the data is already saved)."""
    text = "".join(traceback.format_exception(kind, error, tb))
    sys.stderr.write(text)
    box = QMessageBox(QMessageBox.Icon.Critical, "annotator: internal error", str(error))
    box.setInformativeText(
        "This is a bug in annotator. Your codings up to this moment are saved. "
        "Please report it with the details below."
    )
    box.setDetailedText(text)
    box.exec()


class Session:
    """The open project and its window; File → Open/New replaces both."""

    def __init__(self) -> None:
        self.project: Project | None = None
        self.window: MainWindow | None = None

    def open(self, path: Path | None) -> bool:
        try:
            project = open_project(path, self.window)
        except UserError as error:
            QMessageBox.critical(self.window, "annotator", str(error))
            return False
        if project is None:
            return False
        coder = choose_coder(project, self.window)
        if coder is None:
            project.close()
            return False
        old_window, old_project = self.window, self.project
        self.project = project
        self._show(MainWindow(Controller(project, coder)), old_window)
        if old_project is not None:
            old_project.close()
        settings.LAST_PROJECT.set(settings.open_settings(), str(project.path or ""))
        self.window.keeper.start()  # type: ignore[union-attr]
        return True

    def _show(self, window: MainWindow, old_window: MainWindow | None) -> None:
        self.window = window
        window.projectRequested.connect(self.open)
        window.projectReplaced.connect(self.rebuild)
        window.show()
        if old_window is not None:
            old_window.close()
            old_window.deleteLater()

    def rebuild(self) -> None:
        """A new window over the same open project, whose content was replaced (a restore)."""
        if self.project is None or self.window is None:
            return
        coder = choose_coder(self.project, self.window)
        if coder is None:  # the restored project lacks the coder and none was chosen
            coder = self.window.controller.coder
            coder = self.project.coders.get_or_add(coder.name)
        self._show(MainWindow(Controller(self.project, coder)), self.window)

    def close(self) -> None:
        if self.window is not None:
            self.window.close()  # its last snapshot, while the project is still open
            self.window.deleteLater()
            self.window = None
            # Let what the closed windows still had queued run while the project is open.
            QApplication.processEvents()
        if self.project is not None:
            self.project.close()


def run(project_path: Path | None = None) -> int:
    """Open the coding window; returns the exit status."""
    app = application()
    previous_hook, sys.excepthook = sys.excepthook, _report_crash
    session = Session()
    try:
        if not session.open(project_path):
            return 1
        return app.exec()
    finally:
        session.close()
        sys.excepthook = previous_hook
