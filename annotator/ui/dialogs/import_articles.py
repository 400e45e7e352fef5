"""Importing articles from the window: choose files, read them in the background with a
progress bar, store them in one transaction, and show what was imported and what was refused."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserError
from annotator.io.articles import SUPPORTED
from annotator.io.variables_csv import VariablesTable, read_variables_csv
from annotator.services.imports import ImportReport, ReadBatch, read_articles, store_articles
from annotator.ui.controller import Controller

# Batches smaller than this finish before a progress bar would be worth showing.
PROGRESS_FROM = 20


class _Reader(QObject):
    """Reads files in a worker thread (no project access there)."""

    progressed = Signal(int, int, str)
    finished = Signal(object)

    def __init__(self, paths: list[Path]) -> None:
        super().__init__()
        self.paths = paths
        self.cancelled = False

    def run(self) -> None:
        batch = read_articles(
            self.paths,
            progress=lambda done, total, name: self.progressed.emit(done, total, name),
            cancelled=lambda: self.cancelled,
        )
        self.finished.emit(batch)


class ImportDialog(QDialog):
    """Choose what to import; :meth:`start` reads, stores and reports."""

    #: Emitted with the :class:`ImportReport` once the articles are stored.
    imported = Signal(object)

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle("Import articles")
        self.resize(640, 420)
        self.paths = QListWidget()
        self.variables = QLineEdit()
        self.variables.setPlaceholderText(
            "optional: CSV with a 'file' column and one column per variable"
        )
        add_files = QPushButton("Add &files…")
        add_folder = QPushButton("Add f&older…")
        remove = QPushButton("&Remove")
        browse = QPushButton("&Browse…")
        add_files.clicked.connect(self._add_files)
        add_folder.clicked.connect(self._add_folder)
        remove.clicked.connect(
            lambda: [self.paths.takeItem(self.paths.row(i)) for i in self.paths.selectedItems()]
        )
        browse.clicked.connect(self._choose_variables)
        row = QHBoxLayout()
        for button in (add_files, add_folder, remove):
            row.addWidget(button)
        row.addStretch()
        variables_row = QHBoxLayout()
        variables_row.addWidget(self.variables, 1)
        variables_row.addWidget(browse)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Import")
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                f"Article files and folders ({SUPPORTED}); folders are read with their subfolders:"
            )
        )
        layout.addWidget(self.paths, 1)
        layout.addLayout(row)
        layout.addWidget(QLabel("Document variables:"))
        layout.addLayout(variables_row)
        layout.addWidget(self.buttons)
        self.report: ImportReport | None = None
        self._thread: QThread | None = None
        self._worker: _Reader | None = None
        self._progress: QProgressDialog | None = None
        self._table: VariablesTable | None = None

    def add_paths(self, paths: list[Path]) -> None:
        present = {self.paths.item(i).text() for i in range(self.paths.count())}
        for path in paths:
            if str(path) not in present:
                self.paths.addItem(str(path))

    def _add_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self,
            "Articles",
            "",
            "Articles (*.txt *.md *.markdown *.html *.htm *.docx *.pdf);;All files (*)",
        )
        self.add_paths([Path(f) for f in files])

    def _add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder of articles")
        if folder:
            self.add_paths([Path(folder)])

    def _choose_variables(self) -> None:
        file, _ = QFileDialog.getOpenFileName(self, "Variables", "", "CSV (*.csv)")
        if file:
            self.variables.setText(file)

    # -- running ---------------------------------------------------------------------------------

    def start(self) -> None:
        """Read the chosen files in a worker thread, then store them."""
        paths = [Path(self.paths.item(i).text()) for i in range(self.paths.count())]
        if not paths:
            QMessageBox.information(
                self, "Import articles", "Add files or folders to import first."
            )
            return
        try:
            csv = self.variables.text().strip()
            self._table = read_variables_csv(Path(csv)) if csv else None
        except UserError as error:
            QMessageBox.warning(self, "Import articles", str(error))
            return
        self.buttons.setEnabled(False)
        self._progress = QProgressDialog("Reading articles…", "Cancel", 0, 0, self)
        self._progress.setWindowModality(Qt.WindowModality.WindowModal)
        self._progress.setMinimumDuration(300)
        self._worker = _Reader(paths)
        self._thread = QThread(self)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progressed.connect(self._on_progress)
        self._worker.finished.connect(self._on_read)
        self._progress.canceled.connect(self._cancel)
        self._thread.start()

    def _cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancelled = True

    def _on_progress(self, done: int, total: int, name: str) -> None:
        if self._progress is not None and total >= PROGRESS_FROM:
            self._progress.setMaximum(total)
            self._progress.setValue(done)
            self._progress.setLabelText(f"Reading {name}…")

    def _on_read(self, batch: ReadBatch) -> None:
        assert self._thread is not None
        self._thread.quit()
        self._thread.wait()
        cancelled = self._worker is not None and self._worker.cancelled
        if self._progress is not None:
            self._progress.reset()
        self.buttons.setEnabled(True)
        if cancelled:
            return
        try:
            csv = self.variables.text().strip() or None
            report = store_articles(self.controller.project, batch, self._table, csv)
        except UserError as error:
            QMessageBox.warning(self, "Import articles", str(error))
            return
        self.report = report
        self.controller.notify(report.changes)
        self.imported.emit(report)
        self.accept()


class ImportReportDialog(QDialog):
    """What an import did: articles imported, duplicates skipped, files refused and why."""

    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import finished")
        self.resize(640, 420)
        self.text = QTextBrowser()
        self.text.setHtml(report_html(report))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)


def report_html(report: ImportReport) -> str:
    def items(lines: list[str]) -> str:
        return "<ul>" + "".join(f"<li>{_escape(line)}</li>" for line in lines) + "</ul>"

    characters = sum(i.characters for i in report.imported)
    parts = [f"<p><b>Imported {len(report.imported)} articles</b> ({characters:,} characters).</p>"]
    if report.refused:
        parts.append(f"<p><b>Refused {len(report.refused)} files:</b></p>")
        parts.append(items([str(r) for r in report.refused]))
    if report.duplicates:
        parts.append(f"<p><b>Already in the project ({len(report.duplicates)}):</b></p>")
        parts.append(items([str(d) for d in report.duplicates]))
    if report.warnings:
        parts.append("<p><b>Warnings:</b></p>")
        parts.append(items(report.warnings))
    if report.imported:
        parts.append("<p>Imported:</p>")
        parts.append(items([f"{i.name} ({i.source})" for i in report.imported]))
    return "".join(parts)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
