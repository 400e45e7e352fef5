"""Importing articles from the window: choose files, an encoding for legacy plain text (with a
live preview), read them in the background with a progress bar, store them in one transaction,
and show what was imported and what was refused."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import BadFileError, UserError
from annotator.io.articles import READERS, SUPPORTED, collect_files, preview_text
from annotator.io.encoding import CHOOSABLE
from annotator.io.encoding import label as encoding_label
from annotator.io.variables_csv import VariablesTable, read_variables_csv
from annotator.services.imports import ImportReport, ReadBatch, read_articles, store_articles
from annotator.ui.controller import Controller

# Batches smaller than this finish before a progress bar would be worth showing.
PROGRESS_FROM = 20
# Characters of a file the preview shows.
PREVIEW_CHARACTERS = 4_000
# Files of a chosen folder looked at to find one worth previewing.
PREVIEW_SEARCH = 200
DETECT = "Detect (refuse a file when unsure)"


class _Reader(QObject):
    """Reads files in a worker thread (no project access there)."""

    progressed = Signal(int, int, str)
    finished = Signal(object)

    def __init__(self, paths: list[Path], encoding: str | None) -> None:
        super().__init__()
        self.paths = paths
        self.encoding = encoding
        self.cancelled = False

    def run(self) -> None:
        batch = read_articles(
            self.paths,
            encoding=self.encoding,
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
        self.resize(720, 620)
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
        self.encoding = QComboBox()
        self.encoding.addItem(DETECT, None)
        for legacy in sorted(CHOOSABLE, key=lambda legacy: legacy.label):
            self.encoding.addItem(legacy.label, legacy.codec)
        self.encoding.setToolTip(
            "Plain-text files with a byte-order mark or in UTF-8 are always read as such; "
            "this is the encoding of the others."
        )
        self.preview_label = QLabel()
        self.preview_label.setWordWrap(True)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setMaximumBlockCount(200)
        self.encoding.currentIndexChanged.connect(self.update_preview)
        self.paths.currentRowChanged.connect(self.update_preview)
        encoding_row = QHBoxLayout()
        encoding_label_widget = QLabel("&Encoding of plain text that is not UTF-8:")
        encoding_label_widget.setBuddy(self.encoding)
        encoding_row.addWidget(encoding_label_widget)
        encoding_row.addWidget(self.encoding, 1)
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
        layout.addWidget(self.paths, 1)  # the preview below gets twice its height
        layout.addLayout(row)
        layout.addWidget(QLabel("Document variables:"))
        layout.addLayout(variables_row)
        layout.addLayout(encoding_row)
        layout.addWidget(self.preview_label)
        layout.addWidget(self.preview, 2)
        layout.addWidget(self.buttons)
        self.update_preview()
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
        if self.paths.currentRow() < 0 and self.paths.count():
            self.paths.setCurrentRow(0)  # previews it
        else:
            self.update_preview()

    def chosen_encoding(self) -> str | None:
        """The codec chosen for legacy plain text, or None to detect it."""
        data = self.encoding.currentData()
        return data if isinstance(data, str) else None

    def choose_encoding(self, codec: str | None) -> None:
        """Select ``codec`` (a Python codec name from the list) or detection (None)."""
        self.encoding.setCurrentIndex(max(0, self.encoding.findData(codec)))

    def update_preview(self) -> None:
        """Show the chosen entry's plain text (a folder: its first file that is not UTF-8) as
        it would be imported with the chosen encoding, or why it would be refused."""
        item = self.paths.currentItem() or (self.paths.item(0) if self.paths.count() else None)
        file = _file_to_preview(Path(item.text())) if item is not None else None
        if file is None:
            self.preview_label.setText(
                "Preview: choose a plain-text file (.txt, .md) or a folder holding one."
            )
            self.preview.setPlainText("")
            return
        try:
            text, used = preview_text(file, self.chosen_encoding())
        except BadFileError as error:
            self.preview_label.setText(f"<b>Would be refused:</b> {_escape(str(error))}")
            self.preview.setPlainText("")
            return
        self.preview_label.setText(
            f"Preview of {_escape(file.name)}, read as <b>{_escape(encoding_label(used))}</b>:"
        )
        self.preview.setPlainText(text[:PREVIEW_CHARACTERS])

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
        self._worker = _Reader(paths, self.chosen_encoding())
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
            report = store_articles(self.controller.project, batch, self._table)
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
    legacy = [i for i in report.imported if i.encoding not in (None, "utf-8", "utf-16", "utf-32")]
    if legacy:
        parts.append("<p>Read in a legacy encoding (check that the text reads right):</p>")
        parts.append(items([f"{i.source}: {encoding_label(i.encoding or '')}" for i in legacy]))
    if report.imported:
        parts.append("<p>Imported:</p>")
        parts.append(items([f"{i.name} ({i.source})" for i in report.imported]))
    return "".join(parts)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _file_to_preview(path: Path) -> Path | None:
    """``path`` if it is plain text; for a folder, its first plain-text file that is neither
    UTF-8 nor marked by a byte-order mark (the ones an encoding is chosen for), else its first
    plain-text file."""
    if not path.is_dir():
        return path if _is_plain(path) else None
    files, _ = collect_files([path])
    plain = [f.path for f in files if _is_plain(f.path)][:PREVIEW_SEARCH]
    for file in plain:
        try:
            with file.open("rb") as handle:
                head = handle.read(64 * 1024)
        except OSError:
            continue
        if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            if error.start < len(head) - 4:  # not merely a character cut at the end
                return file
    return plain[0] if plain else None


def _is_plain(path: Path) -> bool:
    reader = READERS.get(path.suffix.lower())
    return reader is not None and reader is READERS[".txt"]
