"""Starting the window: the application object, the project, the coder, crash reports."""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from annotator import __version__, paths
from annotator.domain.errors import (
    DamagedProjectError,
    NotWritableError,
    ProjectLockedError,
    UserError,
)
from annotator.domain.model import Coder
from annotator.services import backups
from annotator.services.projects import open_default_project
from annotator.services.repair import newest_good_snapshot, put_back, repair_project
from annotator.storage import Project
from annotator.storage.project import is_damage
from annotator.storage.verify import DAMAGE, Problem
from annotator.ui import settings
from annotator.ui.controller import Controller
from annotator.ui.dialogs.backups import RestoreDialog
from annotator.ui.dialogs.coder import CoderDialog
from annotator.ui.main_window import MainWindow
from annotator.ui.project_banner import DamagedProjectDialog, PageCheck, headline
from annotator.ui.quitting import SignalQuit
from annotator.ui.workers import join_let_go, stop_workers


def application() -> QApplication:
    """The QApplication (made once), named so that Qt's own settings land under annotator."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(sys.argv[:1])
    app.setApplicationName("annotator")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("annotator")
    # The desktop entry's name (annotator.desktop), so that Wayland shells show its icon.
    app.setDesktopFileName("annotator")
    app.setWindowIcon(app_icon())
    return app


def app_icon() -> QIcon:
    """The application's icon, from the PNGs of every size in resources/icons."""
    icon = QIcon()
    for path in paths.icon_paths():
        icon.addFile(str(path))
    return icon


def open_project(path: Path | None, parent: QWidget | None = None) -> Project | None:
    """Open a project for writing; if another annotator has it, offer to open it read-only;
    where it can only be read (a read-only folder, a file with several names), read it (the
    window's banner says why). A damaged project raises :class:`DamagedProjectError`."""
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
    except NotWritableError:
        return Project.open(path or paths.default_project_path(), read_only=True)


def choose_coder(project: Project, parent: QWidget | None = None) -> Coder | None:
    """The remembered coder if the project knows them; otherwise ask."""
    store = settings.open_settings()
    name = settings.CODER.get(store)
    coder = project.coders.by_name(name) if name else None
    if coder is not None and coder.is_machine:  # nobody codes as a machine: ask who codes
        coder = None
    if coder is None:
        if project.read_only:
            coders = project.coders.humans()
            return coders[0] if coders else None
        dialog = CoderDialog(project, name, parent)
        if dialog.exec() != CoderDialog.DialogCode.Accepted or dialog.coder is None:
            return None
        coder = dialog.coder
    settings.CODER.set(store, coder.name)
    return coder


def _report_crash(
    kind: type[BaseException],
    error: BaseException,
    tb: TracebackType | None,
    session: Session | None = None,
) -> None:
    """A bug: show it with its traceback instead of vanishing (the data is already saved).
    An SQLite error saying the file is damaged is no bug: the window says so and reopens the
    project read-only, offering the newest good snapshot."""
    if isinstance(error, sqlite3.DatabaseError) and is_damage(error):
        sys.stderr.write(f"annotator: the project file is damaged ({error})\n")
        if session is not None:
            session.damage_met(error)
        else:
            QMessageBox.critical(None, "Damaged project", f"The project file is damaged ({error}).")
        return
    if isinstance(error, UserError):
        # An action no window guarded (a read-only project refusing a write): a message the
        # user can act on, not a bug report.
        QMessageBox.warning(QApplication.activeWindow(), "annotator", str(error))
        return
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
    """The open project and its window; File → Open/New replaces both. A project that can
    only be read gets a banner saying why; a damaged one offers its newest good snapshot
    (restored in place of the file, which is never opened for writing) and, where the schema
    alone is at fault, a repair."""

    def __init__(self) -> None:
        self.project: Project | None = None
        self.window: MainWindow | None = None
        self.page_check: PageCheck | None = None
        self._after_reopen = ""
        self._damage_reported: Project | None = None

    def open(self, path: Path | None) -> bool:
        if self._bring_to_front(path):
            return True
        try:
            project = open_project(path, self.window)
        except DamagedProjectError as error:
            project = self._open_damaged(error)
        except UserError as error:
            QMessageBox.critical(self.window, "annotator", str(error))
            return False
        if project is None:
            return False
        return self._present(project)

    def _bring_to_front(self, path: Path | None) -> bool:
        """The project asked for is the one open here (by any of its names: a symbolic or
        hard link, another spelling of the path, or its new name after it was renamed or
        moved while open): show its window instead of opening it again, which its own lock
        would refuse; a file renamed meanwhile is closed and opened again under its new name
        (SQLite keeps its log beside the name a file was opened by)."""
        project = self.project
        if project is None or self.window is None or project.path is None:
            return False
        asked = path or paths.default_project_path()
        try:
            status = os.stat(asked)
            identity = project.file_identity() or _identity(project.path)
        except OSError:  # the open file is known by the lock's identity; this name is not
            return False
        if (status.st_dev, status.st_ino) != identity:
            return False
        if not _names_it(project.path, asked):
            return self._reopen_moved(project.path, asked)
        self.window.showNormal() if self.window.isMinimized() else self.window.show()
        self.window.raise_()
        self.window.activateWindow()
        self.window.statusBar().showMessage(f"{project.name} is open here already.", 5000)
        return True

    def _reopen_moved(self, old: Path, new: Path) -> bool:
        """The open project's file is now named ``new``: close it and open it there."""
        self._close_project()
        if self.open(new):
            assert self.window is not None
            self.window.banner.show_note(
                f"{old.name} was renamed or moved while open: opened again as {new}. "
                f"Its snapshots are taken under this name from now on (Restore lists them; "
                f"earlier ones stay with {old.name}'s)."
            )
            return True
        QApplication.quit()  # as after a restore that cannot be opened: nothing is left open
        return False

    def _present(self, project: Project, found: list[Problem] | None = None) -> bool:
        """Show ``project`` in a new window (``found``: damage found after it was opened)."""
        coder = choose_coder(project, self.window)
        if coder is None:
            project.close()
            return False
        old_window, old_project = self.window, self.project
        self.project = project
        self._show(MainWindow(Controller(project, coder)), old_window)
        if old_project is not None:
            # What the old window still had queued (a list filling on the next turn) reads
            # now, while its project is open.
            QApplication.processEvents()
            old_project.close()
        settings.LAST_PROJECT.set(settings.open_settings(), str(project.path or ""))
        self._explain(project, found or [])
        self.window.keeper.start()  # type: ignore[union-attr]
        if not project.problems and not found:
            self._check_pages(project)
        return True

    def _show(self, window: MainWindow, old_window: MainWindow | None) -> None:
        self.window = window
        window.projectRequested.connect(self.open)
        window.projectReplaced.connect(self.rebuild)
        window.banner.restoreRequested.connect(self.restore_damaged)
        window.banner.repairRequested.connect(self.repair)
        window.show()
        if old_window is not None:
            old_window.close()
            old_window.deleteLater()

    # -- what cannot be written, what is damaged ------------------------------------------------

    def _explain(self, project: Project, found: list[Problem]) -> None:
        """The banner: what is wrong with the project, or why it can only be read."""
        assert self.window is not None
        banner = self.window.banner
        problems = [*project.problems, *found]
        if problems:
            newest = newest_good_snapshot(project.path) if project.path else None
            banner.show_problems(problems, newest)
            self.window.statusBar().showMessage(f"{headline(problems)}: open read-only")
        elif project.read_only_reason:
            banner.show_note(f"Read-only: {project.read_only_reason}.")
        elif project.read_only:
            banner.show_note(
                "Read-only: another annotator has this project open for writing. Close it "
                "there, then open the project again to code."
            )
        if self._after_reopen:
            self.window.statusBar().showMessage(self._after_reopen)
            self._after_reopen = ""

    def _open_damaged(
        self, error: DamagedProjectError, *, try_reading: bool = True
    ) -> Project | None:
        """A project opening refused: read-only with the banner if it can be read as it is;
        otherwise a dialog offering the newest good snapshot or a repair, then opened again."""
        project: Project | None = None
        if try_reading:
            try:
                project = Project.open(error.path, read_only=True, accept_problems=True)
            except UserError:
                project = None
        if project is not None and all(problem.readable for problem in project.problems):
            return project
        if project is not None:
            project.close()
        dialog = DamagedProjectDialog(error, newest_good_snapshot(error.path), self.window)
        if dialog.exec() != DamagedProjectDialog.DialogCode.Accepted:
            return None
        try:
            if dialog.choice == dialog.RESTORE and dialog.newest is not None:
                put_back(error.path, dialog.newest)
            elif dialog.choice == dialog.REPAIR:
                repair_project(error.path)
            return open_project(error.path, self.window)
        except UserError as failure:
            QMessageBox.critical(self.window, "annotator", str(failure))
            return None

    def _check_pages(self, project: Project) -> None:
        """Every page of the file, checked in the background once the window is up."""
        if project.path is None:
            return
        self._stop_page_check()
        self.page_check = PageCheck(project.path)
        self.page_check.finished.connect(
            lambda problems, checked=project: self._pages_checked(checked, problems)
        )
        self.page_check.start()

    def _stop_page_check(self) -> None:
        if self.page_check is not None:
            self.page_check.finished.disconnect()
            self.page_check.wait()
            self.page_check = None

    def _pages_checked(self, checked: Project, problems: list[Problem]) -> None:
        self.page_check = None
        if problems and checked is self.project and not checked.closed:
            self.reopen_damaged(problems)

    def _close_project(self) -> Path | None:
        """Close the project (its window hidden, nothing reads it any more); its path."""
        self._stop_page_check()
        if self.project is None:
            return None
        path = self.project.path
        if self.window is not None:
            stop_workers(self.window)  # nothing of the window's reads the project after this
            self.window.keeper.idle.stop()
            self.window.keeper.wait()
            self.window.hide()
            # What the window still had queued (a list filling on the next turn) reads now,
            # while the project is open.
            QApplication.processEvents()
        self.project.close()
        self.project = None
        return path

    def damage_met(self, error: sqlite3.DatabaseError) -> None:
        """An SQLite error said the file is damaged while the window read it: say so once,
        then offer the way back (the project is closed: its pages cannot be trusted)."""
        project = self.project
        if project is None or project is self._damage_reported:
            return
        self._damage_reported = project
        QMessageBox.critical(
            self.window,
            "Damaged project",
            f"The project file is damaged ({error}). What you did before this is saved in "
            "it; the newest good snapshot can be restored in its place.",
        )
        problem = Problem(str(error), DAMAGE, readable=False)
        QTimer.singleShot(0, lambda: self.reopen_damaged([problem], project))

    def reopen_damaged(self, found: list[Problem], project: Project | None = None) -> bool:
        """Damage found while ``project`` (default: the one open) is open: open it again
        read-only with the banner if it can still be read; damaged pages cannot: then the
        dialog offers the way back."""
        if project is not None and project is not self.project:
            return False  # already replaced
        path = self._close_project()
        if path is None:
            return False
        reopened: Project | None
        try:
            if all(problem.readable for problem in found):
                reopened = Project.open(path, read_only=True, accept_problems=True)
            else:
                error = DamagedProjectError(
                    path, [problem.text for problem in found], repairable=False
                )
                reopened, found = self._open_damaged(error, try_reading=False), []
        except DamagedProjectError as error:
            reopened, found = self._open_damaged(error), []
        except UserError as error:
            QMessageBox.critical(self.window, "annotator", str(error))
            reopened = None
        if reopened is None or not self._present(reopened, found):
            QApplication.quit()
            return False
        return True

    def _replace_file(self, action: Callable[[Path], Any]) -> Any:
        """Run ``action`` on the project's file with the project closed (it replaces or
        mends the file), then open the project again, in a new window."""
        path = self._close_project()
        if path is None:
            return None
        try:
            return action(path)
        finally:
            QTimer.singleShot(0, lambda: self._reopen(path))

    def _reopen(self, path: Path) -> None:
        if not self.open(path):
            QApplication.quit()

    def restore_damaged(self) -> RestoreDialog | None:
        """The banner's Restore: the snapshots, the newest good one chosen; the one restored
        takes the place of the project file (which is never opened for writing)."""
        if self.window is None or self.project is None or self.project.path is None:
            return None
        dialog = RestoreDialog(
            self.window.controller,
            self.window,
            restore=lambda snapshot: self._replace_file(lambda path: put_back(path, snapshot)),
        )
        newest = newest_good_snapshot(self.project.path)
        for row, snapshot in enumerate(dialog.model.snapshots):
            if newest is not None and snapshot.path == newest.path:
                dialog.table.selectRow(row)
        dialog.open()
        return dialog

    def repair(self) -> bool:
        """The banner's Repair, after a confirmation listing what is wrong."""
        if self.window is None or self.project is None:
            return False
        listed = "\n".join(f"• {problem.text}" for problem in self.project.problems)
        answer = QMessageBox.question(
            self.window,
            "Repair the project",
            f"{listed}\n\nRepair removes what annotator did not make and makes its own "
            "again, after taking a snapshot of the project as it is. Repair it?",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            repaired = self._replace_file(repair_project)
        except UserError as error:
            QMessageBox.warning(self.window, "Repair the project", str(error))
            return False
        self._after_reopen = "Repaired: " + "; ".join(repaired.report.lines())
        return True

    # -- the rest ----------------------------------------------------------------------------------

    def rebuild(self) -> None:
        """A new window over the same open project, whose content was replaced (a restore)."""
        if self.project is None or self.window is None:
            return
        coder = choose_coder(self.project, self.window)
        if coder is None:  # the restored project lacks the coder and none was chosen
            coder = self.window.controller.coder
            coder = self.project.coders.get_or_add(coder.name)
        # What the old window said last (what was restored, where the state before is kept).
        said = self.window.statusBar().currentMessage()
        self._show(MainWindow(Controller(self.project, coder)), self.window)
        self.window.statusBar().showMessage(said)

    def end(self) -> None:
        """Close as File → Quit does, asking nothing (a signal, the end of the desktop
        session): the window closes (what is typed committed, the last snapshot taken), then
        the application quits; :func:`run` closes the project. Harmless twice."""
        if self.window is not None:
            self.window.ask_before_closing = False
            self.window.close()
        # Not quit(): that asks every window again, and one refusing would keep the loop on.
        QApplication.exit(0)

    def commit_data(self, manager: object = None) -> None:
        """The desktop session is ending (Qt's ``commitDataRequest``): what is typed is
        written and the log folded into the project file now, and the window will close
        without asking when the session manager quits the application (or sends SIGTERM)."""
        if self.window is not None:
            self.window.ask_before_closing = False
            self.window.edits.commit()  # cell editors and memo editors
            self.window.keeper.wait()  # a snapshot under way reads: the log cannot be folded
        if self.page_check is not None:
            self.page_check.wait()  # as much (its result still comes)
        project = self.project
        if project is not None and not project.closed:
            with contextlib.suppress(sqlite3.Error, UserError):
                project.checkpoint()

    def close(self) -> None:
        self._stop_page_check()
        if self.window is not None:
            # The event loop has ended: nothing can be asked any more.
            self.window.ask_before_closing = False
            self.window.close()  # its last snapshot, while the project is still open
            self.window.deleteLater()
            self.window = None
            # Let what the closed windows still had queued run while the project is open.
            QApplication.processEvents()
        if self.project is not None:
            self.project.close()


def _identity(path: Path) -> tuple[int, int]:
    status = os.stat(path)
    return (status.st_dev, status.st_ino)


def _names_it(name: Path, asked: Path) -> bool:
    """Whether ``name`` (the path the project was opened by) still names the file ``asked``."""
    try:
        return os.path.samefile(name, asked)
    except OSError:  # the old name is gone: the file was renamed or moved
        return False


def run(project_path: Path | None = None) -> int:
    """Open the coding window; returns the exit status (0 after a quit a signal asked for:
    SIGTERM, Ctrl+C, a closed terminal — see :mod:`annotator.ui.quitting`)."""
    app = application()
    session = Session()
    quitter = SignalQuit(session.end)
    quitter.install()
    app.commitDataRequest.connect(session.commit_data, Qt.ConnectionType.DirectConnection)
    previous_hook = sys.excepthook
    sys.excepthook = functools.partial(_report_crash, session=session)
    try:
        if not session.open(project_path):
            return 0 if quitter.requested is not None else 1
        if quitter.requested is not None:  # asked while the project opened: no loop to quit
            return 0
        return app.exec()
    finally:
        # The quit Qt posts when the last window closes belongs to this run: after a quit on a
        # signal the loop ends before it is delivered, and delivered later (by the
        # processEvents() of closing) it would end every event loop started after it at once.
        QApplication.removePostedEvents(app, QEvent.Type.Quit)
        session.close()
        join_let_go()  # computations let go by closed windows end before the application
        app.commitDataRequest.disconnect(session.commit_data)
        quitter.uninstall()
        sys.excepthook = previous_hook
