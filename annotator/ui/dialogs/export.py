"""File → Export: every export format with its options; the export runs in the background
(on its own read-only connection to the project) with a progress bar, and the file can be
opened in the system's program for it when done."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QWidget,
)

from annotator.domain.errors import UserError
from annotator.paths import exports_dir
from annotator.services.export_job import SELECTABLE, ExportJob, run_export
from annotator.services.exports import Format, Selection
from annotator.storage import Project
from annotator.ui.controller import Controller
from annotator.ui.dialogs.agreement import CoderChecklist
from annotator.ui.reliability.version_chooser import VersionChooser
from annotator.ui.workers import Background

# (label, kind, file suffix, file filter)
FORMATS = (
    ("Codings, one row each (long CSV)", "segments", ".csv", "CSV (*.csv)"),
    ("Matrix: one row per article and coder (CSV)", "matrix", ".csv", "CSV (*.csv)"),
    ("Matrix for SPSS (.sav)", "sav", ".sav", "SPSS data (*.sav)"),
    ("Matrix for Stata (.dta)", "dta", ".dta", "Stata data (*.dta)"),
    ("Articles and their variables (CSV)", "documents", ".csv", "CSV (*.csv)"),
    ("Agreement table (CSV)", "agreement", ".csv", "CSV (*.csv)"),
    ("Memos: project log, articles, codes, codings (CSV)", "memos", ".csv", "CSV (*.csv)"),
    ("Codebook appendix (HTML)", "codebook", ".html", "Web page (*.html)"),
    ("Codebook appendix (Markdown)", "codebook", ".md", "Markdown (*.md)"),
    ("Codebook (JSON, for another project)", "codebook", ".json", "JSON (*.json)"),
    ("Codebook (CSV)", "codebook", ".csv", "CSV (*.csv)"),
    ("REFI-QDA project for other QDA tools (.qdpx)", "qdpx", ".qdpx", "REFI-QDA (*.qdpx)"),
    ("REFI-QDA codebook (.qdc)", "codebook", ".qdc", "REFI-QDA codebook (*.qdc)"),
    (
        "Coder package: one coder's work, for the lead (.annpkg)",
        "package",
        ".annpkg",
        "Coder package (*.annpkg)",
    ),
)
CSV_KINDS = ("segments", "matrix", "documents", "agreement", "memos")


class _Worker(QObject):
    progressed = Signal(int, int)
    #: The worker (itself) and the rows written, or the reason none were.
    finished = Signal(object, int)
    failed = Signal(object, str)

    def __init__(self, project_path: Path, job: ExportJob) -> None:
        super().__init__()
        self.project_path, self.job = project_path, job

    def run(self) -> None:
        # Its own connection: SQLite connections stay in the thread that made them.
        try:
            with Project.open(self.project_path, read_only=True) as project:
                count = run_export(project, self.job, self.progressed.emit)
        except (UserError, OSError) as error:
            self.failed.emit(self, str(error))
            return
        self.finished.emit(self, count)


class ExportDialog(QDialog):
    """Choose a format, what to take, the file; export; open it if asked."""

    #: Emitted with (path, rows) when an export is written.
    exported = Signal(object, int)

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.resize(620, 520)
        self.controller = controller
        self.background: Background[_Worker] = Background(self)
        project = controller.project

        self.format = QComboBox()
        for label, *_ in FORMATS:
            self.format.addItem(label)
        self.format.currentIndexChanged.connect(self._format_changed)
        self.coders = CoderChecklist()
        coders = [c.name for c in project.coders.all()]
        self.coders.fill(coders, set(coders))
        self.codes = QComboBox()
        self.codes.addItem("All codes", "")
        codebook = controller.codebook
        for dimension in codebook.children(None):
            self.codes.addItem(dimension.name, dimension.name)
            for code in codebook.walk(dimension.id):
                self.codes.addItem("    " + code.name, codebook.path(code.id))
        self.dated = QCheckBox("Only codings made from")
        self.since, self.until = QDateEdit(), QDateEdit()
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(QDate.currentDate())
            edit.setEnabled(False)
        self.version = VersionChooser(project)
        self.dated.toggled.connect(self.since.setEnabled)
        self.dated.toggled.connect(self.until.setEnabled)
        dates = QHBoxLayout()
        for widget in (self.dated, self.since, QLabel("to"), self.until):
            dates.addWidget(widget)
        dates.addStretch(1)
        self.counts = QCheckBox("Counts of codings instead of 0/1")
        self.dimension_columns = QCheckBox("A column per exclusive dimension holding its code")
        self.safe = QCheckBox("Spreadsheet-safe: text starting with = + - @ gets an apostrophe")
        self.safe.setChecked(True)
        self.excel = QCheckBox("For Excel: UTF-8 with a byte-order mark")
        self.path = QLineEdit()
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.browse)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        self.open_after = QCheckBox("Open the file when done")
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Close
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout(self)
        form.addRow("Format:", self.format)
        form.addRow("Coders:", self.coders)
        form.addRow("Codes:", self.codes)
        form.addRow("", dates)
        form.addRow("Codebook version:", self.version)
        form.addRow("Matrix:", self.counts)
        form.addRow("", self.dimension_columns)
        form.addRow("CSV:", self.safe)
        form.addRow("", self.excel)
        form.addRow("File:", where)
        form.addRow("", self.open_after)
        form.addRow(self.progress)
        form.addRow(self.status)
        form.addRow(self.buttons)
        self._format_changed(0)

    # -- choosing ------------------------------------------------------------------------------

    def kind(self) -> str:
        return FORMATS[self.format.currentIndex()][1]

    def set_format(self, kind: str, suffix: str | None = None) -> None:
        for index, (_, k, s, _) in enumerate(FORMATS):
            if k == kind and (suffix is None or s == suffix):
                self.format.setCurrentIndex(index)
                return
        raise ValueError(kind)

    def _format_changed(self, index: int) -> None:
        _, kind, suffix, _ = FORMATS[index]
        for widget in (self.codes, self.dated):
            widget.setEnabled(kind in SELECTABLE)
        self.version.setEnabled(kind in (*SELECTABLE, "agreement"))
        self.coders.setEnabled(kind in (*SELECTABLE, "package"))
        if kind == "package":
            self.coders.choose([self.controller.coder.name])
        for widget in (self.counts, self.dimension_columns):
            widget.setEnabled(kind in ("matrix", "sav", "dta"))
        for widget in (self.safe, self.excel):
            widget.setEnabled(kind in CSV_KINDS or (kind == "codebook" and suffix == ".csv"))
        current = self.path.text().strip()
        folder = Path(current).parent if current else self._folder()
        stem = {
            "segments": "codings",
            "sav": "matrix",
            "dta": "matrix",
            "qdpx": Path(self.controller.project.name).stem,
            "package": self.controller.coder.name,
        }.get(kind, kind)
        self.path.setText(str(folder / f"{stem}{suffix}"))

    def _folder(self) -> Path:
        path = self.controller.project.path
        return exports_dir(Path(path) if path is not None else None)

    def browse(self) -> None:
        _, _, suffix, pattern = FORMATS[self.format.currentIndex()]
        name, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text(), pattern)
        if name:
            self.path.setText(name if name.endswith(suffix) else name + suffix)

    def job(self) -> ExportJob:
        kind = self.kind()
        chosen = self.coders.chosen()
        every = self.coders.coders.rowCount()
        selection = Selection(
            coders=chosen if len(chosen) < every else (),
            codes=[self.codes.currentData()] if self.codes.currentData() else (),
            since=_day(self.since.date()) if self.dated.isChecked() else None,
            until=_day(self.until.date()) if self.dated.isChecked() else None,
            codebook_version=self.version.chosen() if kind in (*SELECTABLE, "agreement") else "",
        )
        if kind in SELECTABLE and not chosen:
            raise UserError("choose at least one coder")
        if kind == "package":
            if len(chosen) != 1:
                raise UserError("a coder package holds one coder's work: choose one coder")
            selection = Selection(coders=chosen)
        return ExportJob(
            kind,
            Path(self.path.text().strip()).expanduser(),
            selection if kind in (*SELECTABLE, "package") else Selection(),
            Format(safe=self.safe.isChecked(), excel=self.excel.isChecked()),
            counts=self.counts.isChecked(),
            dimensions=self.dimension_columns.isChecked(),
        )

    # -- exporting -----------------------------------------------------------------------------

    def start(self) -> None:
        if self.background.busy:
            return
        try:
            job = self.job()
        except UserError as error:
            QMessageBox.warning(self, "Export", str(error))
            return
        if not job.path.name:
            QMessageBox.warning(self, "Export", "Choose the file to write.")
            return
        self._job = job
        self.buttons.setEnabled(False)
        self.progress.setRange(0, 0)  # busy until the first figures come
        self.progress.setVisible(True)
        self.status.setText(f"Exporting to {job.path}…")
        project_path = self.controller.project.path
        if project_path is None:  # an in-memory project: no second connection possible
            try:
                self._done(None, run_export(self.controller.project, job))
            except (UserError, OSError) as error:
                self._failed(None, str(error))
            return
        worker = _Worker(Path(project_path), job)
        self.background.start(
            worker,
            (worker.progressed, self._progressed),
            (worker.finished, self._done),
            (worker.failed, self._failed),
        )

    def _progressed(self, done: int, total: int) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    # The worker is None for an export run here (a project in memory). A result that arrives
    # after closeEvent waited for it is shown all the same: the file was written (or not).

    def _stop(self, worker: _Worker | None) -> None:
        self.background.end(worker)
        self.buttons.setEnabled(True)
        self.progress.setVisible(False)

    def _failed(self, worker: _Worker | None, message: str) -> None:
        self._stop(worker)
        self.status.setText("")
        QMessageBox.warning(self, "Export", message)

    def _done(self, worker: _Worker | None, count: int) -> None:
        self._stop(worker)
        path = self._job.path
        assert path is not None
        notes = "".join(f"\n• not carried: {n}" for n in self._job.notes)
        beside = "".join(f" and its columns to {p}" for p in self._job.companions)
        self.status.setText(f"Wrote {count:,} to {path}{beside}.{notes}")
        self.exported.emit(path, count)
        if self.open_after.isChecked():
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.background.wait()
        super().closeEvent(event)


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())
