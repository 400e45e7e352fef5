"""File → Import articles: choose files and folders (with the encoding of legacy plain text
and a variables CSV), read them, look at what was found — one row per article, duplicates
unticked, refused files listed — and import the ticked articles.

Reading, the duplicate check and storing run in a worker thread with progress, so the window
stays responsive; Cancel stops each of them, and an import cancelled leaves the project as
it was (storing is one transaction, rolled back).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QRect, QThread, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserError
from annotator.io.variables_csv import VariablesTable, read_variables_csv
from annotator.services.import_preview import DuplicateFlag
from annotator.services.imports import ImportOptions, ImportReport
from annotator.ui.controller import Controller
from annotator.ui.intake.choose import DETECT, ChoosePage
from annotator.ui.intake.jobs import CheckJob, Job, Preview, ReadJob, StoreJob, connector
from annotator.ui.intake.preview import PreviewPage
from annotator.ui.intake.report import unforeseen

__all__ = ["DETECT", "ImportDialog"]

# Batches smaller than this finish before a progress bar would be worth showing.
PROGRESS_FROM = 20
CHOOSE, PREVIEW = 0, 1


class ImportDialog(QDialog):
    """Choose what to import, read it (:meth:`read`), tick what to keep in the preview and
    store it (:meth:`import_ticked`); the dialog's main button does the next of these."""

    #: The :class:`ImportReport` once the ticked articles are stored.
    imported = Signal(object)
    #: The preview shows what a reading found, or the flags of another duplicate check.
    previewed = Signal()
    #: A job was cancelled before it had a result ("reading", "checking" or "storing").
    cancelled = Signal(str)
    #: A :class:`~annotator.ui.intake.jobs.Job` about to start in its thread.
    working = Signal(object)
    #: Progress of the job under way: (what is being done, done, total or 0).
    progressed = Signal(str, int, int)

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle("Import articles")
        self.choose = ChoosePage()
        self.preview_page = PreviewPage()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.choose)
        self.pages.addWidget(self.preview_page)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.back = QPushButton("< &Back")
        self.back.setToolTip("Choose other files (what was read is dropped)")
        self.buttons.addButton(self.back, QDialogButtonBox.ButtonRole.ResetRole)
        self.back.clicked.connect(self.go_back)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        self.preview_page.tickedChanged.connect(lambda _n: self._update_buttons())
        self.preview_page.thresholdChanged.connect(self.check_again)
        footer = QHBoxLayout()
        footer.addWidget(self.status, 1)
        footer.addWidget(self.progress)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addLayout(footer)
        layout.addWidget(self.buttons)
        self.report: ImportReport | None = None
        #: What storing found that the preview did not show (the window shows the report).
        self.unforeseen: list[str] = []
        self.preview_result: Preview | None = None
        self._table: VariablesTable | None = None
        self._options = ImportOptions()
        self._checked_at = self.preview_page.threshold()
        # The ticks when Import was pressed before the shown threshold was checked: the
        # import waits for that check (and goes ahead if the ticks came through it unchanged).
        self._import_pending: list[int] | None = None
        self._job: Job | None = None
        self._thread: QThread | None = None
        self._done: Callable[[object], None] | None = None
        self._connect, self._threaded = connector(controller.project)
        screen = (parent.screen() if parent is not None else None) or (
            QGuiApplication.primaryScreen()
        )
        self.fit_to(screen.availableGeometry())
        self._update_buttons()

    def fit_to(self, available: QRect) -> None:
        """Size the dialog for a screen of this available geometry: room for the preview's
        columns, never more than the screen."""
        self.resize(
            min(1200, int(available.width() * 0.85)), min(820, int(available.height() * 0.85))
        )

    # -- the first page, as the window and the tests reach it ------------------------------

    def add_paths(self, paths: list[Path]) -> None:
        self.choose.add_paths(paths)

    def chosen_encoding(self) -> str | None:
        return self.choose.chosen_encoding()

    def choose_encoding(self, codec: str | None) -> None:
        self.choose.choose_encoding(codec)

    # -- the steps -----------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._job is not None

    def start(self) -> None:
        """The main button: read the files chosen, or import the articles ticked."""
        if self.busy:
            return
        if self.pages.currentIndex() == CHOOSE:
            self.read()
        else:
            self.import_ticked()

    def read(self) -> None:
        """Read the chosen files in a worker thread, then show the preview."""
        paths = self.choose.chosen_paths()
        if not paths:
            QMessageBox.information(
                self, "Import articles", "Add files or folders to import first."
            )
            return
        csv = self.choose.variables.text().strip()
        try:
            self._table = read_variables_csv(Path(csv)) if csv else None
        except UserError as error:
            QMessageBox.warning(self, "Import articles", str(error))
            return
        self._options = ImportOptions(
            duplicates=self.preview_page.choice(),
            similarity=self.preview_page.threshold(),
            encoding=self.choose.chosen_encoding(),
        )
        job = ReadJob(self._connect, paths, self._options, self._table)
        self._run(job, self._read_done, f"Reading {len(paths)} chosen")

    def _read_done(self, result: object) -> None:
        assert isinstance(result, Preview)
        self.preview_result = result
        self._checked_at = self._options.similarity
        self.preview_page.show_preview(result)
        self.pages.setCurrentIndex(PREVIEW)
        self._update_buttons()
        self.status.setText("Nothing is imported until you press Import.")
        self.previewed.emit()

    def check_again(self, threshold: float) -> None:
        """Look for near-duplicates again at ``threshold`` (the preview's threshold changed)."""
        if self.preview_result is None or self.busy or threshold == self._checked_at:
            return
        job = CheckJob(self._connect, self.preview_result.batch, threshold)
        self._run(job, self._check_done, "Looking for duplicates")

    def _check_done(self, result: object) -> None:
        assert isinstance(result, dict)
        flags: dict[int, DuplicateFlag] = result
        self._checked_at = self.preview_page.threshold()
        self.preview_page.show_duplicates(flags)
        self.status.setText(f"Near-duplicates: {self._checked_at:.2f} similar or more.")
        self.previewed.emit()
        # The threshold may have moved on while this check ran.
        if self.preview_page.threshold() != self._checked_at:
            self.check_again(self.preview_page.threshold())
            return
        pending, self._import_pending = self._import_pending, None
        if pending is None:
            return
        if pending == self.preview_page.model.ticked():
            self.import_ticked()
        else:
            self.status.setText(
                f"Near-duplicates checked again at {self._checked_at:.2f} before importing: the "
                "flags changed which articles are ticked; look at them and press Import again."
            )

    def import_ticked(self) -> None:
        """Store the ticked articles in a worker thread; then close, reporting."""
        if self.preview_result is None:
            return
        selected = self.preview_page.model.ticked()
        if not selected:
            return
        if self.preview_page.threshold() != self._checked_at:
            # Import pressed before the threshold shown was checked: check it first.
            self.preview_page.stop_recheck()
            self._import_pending = selected
            self.check_again(self.preview_page.threshold())
            return
        options = dataclasses.replace(
            self._options,
            duplicates=self.preview_page.choice(),
            similarity=self._checked_at,
        )
        job = StoreJob(self._connect, self.preview_result.batch, self._table, options, selected)
        self._run(job, self._stored, f"Importing {len(selected):,} articles")

    def _stored(self, result: object) -> None:
        assert isinstance(result, ImportReport)
        assert self.preview_result is not None
        self.report = result
        self.unforeseen = unforeseen(
            result, self.preview_result.batch, self.preview_page.problem_lines()
        )
        self.controller.notify(result.changes)
        self.imported.emit(result)
        self.accept()

    def go_back(self) -> None:
        """Back to the files (what was read is dropped)."""
        if self.busy:
            return
        self.preview_result = None
        self.pages.setCurrentIndex(CHOOSE)
        self.status.setText("")
        self._update_buttons()

    # -- running a job ---------------------------------------------------------------------

    # Not ui.workers.Background: a job's signals do not carry the job (what Background.end
    # tells results apart by), :attr:`working` is emitted between connecting and running (a
    # watcher's connection comes after the dialog's own), and a job is cancelled and waited
    # for, never let go.

    def _run(self, job: Job, done: Callable[[object], None], what: str) -> None:
        self._job, self._done = job, done
        self.status.setText(f"{what}…")
        self.progress.setVisible(False)
        self._update_buttons()
        # Slots of this dialog: queued to the window's thread, whatever thread emits.
        job.progressed.connect(self._on_progress)
        job.finished.connect(self._on_finished)
        job.failed.connect(self._on_failed)
        self.working.emit(job)
        if not self._threaded:  # a project in memory: its one connection is this thread's
            job.run()
            return
        self._thread = QThread(self)
        job.moveToThread(self._thread)
        self._thread.started.connect(job.run)
        self._thread.start()

    def cancel(self) -> None:
        """Stop the job under way (the Cancel button and Esc while something runs)."""
        if self._job is not None:
            self._job.cancel()
            self.status.setText("Cancelling…")

    def _on_progress(self, what: str, done: int, total: int) -> None:
        if self._job is None:
            return
        self.status.setText(f"{what}…")
        if total >= PROGRESS_FROM:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            self.progress.setVisible(True)
        elif total == 0 and self.progress.isVisible():
            self.progress.setRange(0, 0)  # busy, on a batch large enough to show it
        self.progressed.emit(what, done, total)

    def _stop(self) -> Job | None:
        job = self._job
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
            self._thread = None
        self._job = None
        self.progress.setVisible(False)
        self._update_buttons()
        return job

    def _on_finished(self, result: object) -> None:
        job, done = self._stop(), self._done
        if job is None or done is None:
            return
        if result is None:
            self._was_cancelled(job.stage)
            return
        done(result)

    def _on_failed(self, message: str) -> None:
        job = self._stop()
        if job is None:
            return
        if job.stage == "checking":
            self._restore_threshold()
        self._import_pending = None
        self.status.setText("")
        QMessageBox.warning(self, "Import articles", message)

    def _was_cancelled(self, stage: str) -> None:
        self._import_pending = None
        if stage == "reading":
            self.status.setText("Reading cancelled: nothing was read, nothing imported.")
        elif stage == "checking":
            self._restore_threshold()
            self.status.setText("Duplicate check cancelled: the flags are as they were.")
        else:
            self.status.setText("Import cancelled: the project is as it was.")
        self.cancelled.emit(stage)

    def _restore_threshold(self) -> None:
        spin = self.preview_page.similarity
        spin.blockSignals(True)
        spin.setValue(self._checked_at)
        spin.blockSignals(False)

    def _update_buttons(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        previewing = self.pages.currentIndex() == PREVIEW
        self.pages.setEnabled(not self.busy)
        self.back.setVisible(previewing)
        self.back.setEnabled(not self.busy)
        if previewing:
            ticked = self.preview_page.model.ticked_count()
            ok.setText(f"&Import {ticked:,} article" + ("" if ticked == 1 else "s"))
            ok.setEnabled(not self.busy and ticked > 0)
        else:
            ok.setText("&Read and preview")
            ok.setEnabled(not self.busy)

    # -- closing -----------------------------------------------------------------------------

    def reject(self) -> None:
        """Cancel, Esc or closing the dialog: stop what runs (the dialog stays until it has
        stopped); with nothing running, close (nothing was imported)."""
        if self.busy:
            self.cancel()
            return
        super().reject()
