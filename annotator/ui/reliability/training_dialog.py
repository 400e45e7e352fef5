"""Agreement → Training report…: a trainee against a reference coder — the figures, the
article-level confusion matrices, and the passages missed and added (double-click one to
open it in the coding window). Saved as an HTML page to hand to the coder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserError
from annotator.io.csvfiles import atomic_output
from annotator.io.reliability_files import training_html, training_summary_html
from annotator.services.agreement import CONSENSUS, Request
from annotator.services.training import (
    MISSED,
    Passage,
    TrainingInput,
    TrainingReport,
    finish,
    prepare,
)
from annotator.ui.controller import Controller
from annotator.ui.models import ROOT, Index, TitledColumnsModel
from annotator.ui.reliability.fit import fit_to_screen
from annotator.ui.workers import Background

LEVELS = ("document", "character")


class PassagesModel(TitledColumnsModel):
    """The passages missed and added, one row each."""

    COLUMNS = ("", "Code", "Article", "Passage")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.passages: tuple[Passage, ...] = ()

    def set_passages(self, passages: tuple[Passage, ...]) -> None:
        self.beginResetModel()
        self.passages = passages
        self.endResetModel()

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.passages)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        passage = self.passages[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            kind = "Missed" if passage.kind == MISSED else "Added"
            return (kind, passage.code, passage.document, passage.text)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            return (
                "The reference coded it; the trainee did not"
                if passage.kind == MISSED
                else "The trainee coded it; the reference did not"
            )
        return None


class _Worker(QObject):
    """Runs the engine on the two coders away from the window's thread."""

    finished = Signal(object, object)
    failed = Signal(object, str)

    def __init__(self, prepared: TrainingInput) -> None:
        super().__init__()
        self.prepared = prepared

    def run(self) -> None:
        try:
            self.finished.emit(self, finish(self.prepared))
        except ValueError as error:
            self.failed.emit(self, str(error))


class TrainingDialog(QDialog):
    """Choose a trainee and a reference, compute, read, save."""

    #: Open an article at a passage: document id, start, end (None: the whole article).
    jumpRequested = Signal(int, object, object)
    computed = Signal(object)

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Training report")
        self.setWindowFlag(Qt.WindowType.Window)
        fit_to_screen(self, 1100, 720)  # a small screen gets what it can show
        self.controller = controller
        self.report: TrainingReport | None = None
        self.background: Background[_Worker] = Background(self)

        self.trainee = QComboBox()
        self.reference = QComboBox()
        names = [c.name for c in controller.project.coders.all()]
        self.trainee.addItems([n for n in names if n != CONSENSUS])
        self.reference.addItems(names)
        if CONSENSUS in names:
            self.reference.setCurrentText(CONSENSUS)
        elif len(names) > 1:
            self.reference.setCurrentIndex(1)
        self.compute_button = QPushButton("&Compute")
        self.compute_button.setShortcut(QKeySequence("F5"))
        self.compute_button.setDefault(True)
        self.compute_button.clicked.connect(self.compute)
        self.figures = QTextBrowser()
        self.model = PassagesModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.doubleClicked.connect(self.open_passage)
        self.summary = QLabel("Choose the trainee and the reference, and press Compute (F5).")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # coder names as typed
        self.summary.setWordWrap(True)
        self.save_button = QPushButton("&Save as HTML…")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(lambda: self.save())
        close = QPushButton("Close")
        close.clicked.connect(self.close)

        choose = QHBoxLayout()
        choose.addWidget(QLabel("Trainee:"))
        choose.addWidget(self.trainee, 1)
        choose.addWidget(QLabel("Reference:"))
        choose.addWidget(self.reference, 1)
        choose.addWidget(self.compute_button)
        passages = QWidget()
        passages_layout = QVBoxLayout(passages)
        passages_layout.setContentsMargins(0, 0, 0, 0)
        passages_layout.addWidget(
            QLabel("Passages missed and added (double-click to open one in the article):")
        )
        passages_layout.addWidget(self.table)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.figures)
        split.addWidget(passages)
        split.setSizes([540, 560])
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(choose)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)

    def choose(self, trainee: str, reference: str) -> None:
        self.trainee.setCurrentText(trainee)
        self.reference.setCurrentText(reference)

    def compute(self) -> None:
        """Read the two coders' codings here; the engine runs in a worker thread."""
        if self.background.busy:
            return
        try:
            prepared = prepare(
                self.controller.project,
                self.trainee.currentText(),
                self.reference.currentText(),
                request=Request(levels=LEVELS),
            )
        except UserError as error:
            QMessageBox.warning(self, "Training report", str(error))
            return
        self.compute_button.setEnabled(False)
        self.summary.setText("Computing…")
        worker = _Worker(prepared)
        self.background.start(worker, (worker.finished, self._show), (worker.failed, self._failed))

    def _failed(self, worker: _Worker, message: str) -> None:
        if not self.background.end(worker):
            return
        self.compute_button.setEnabled(True)
        QMessageBox.warning(self, "Training report", message)

    def _show(self, worker: _Worker, report: TrainingReport) -> None:
        if not self.background.end(worker):
            return
        self.compute_button.setEnabled(True)
        self.report = report
        self.figures.setHtml(training_summary_html(report.as_dict()))
        self.model.set_passages(report.passages)
        self.save_button.setEnabled(True)
        self.summary.setText(
            f"{report.trainee} against {report.reference}: {report.documents} articles, "
            f"{len(report.missed)} passages missed, {len(report.added)} added."
        )
        self.computed.emit(report)

    def open_passage(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        passage = self.model.passages[index.row()]
        self.jumpRequested.emit(passage.document_id, passage.start, passage.end)

    def save(self, path: Path | None = None) -> Path | None:
        """Write the report as a self-contained HTML page."""
        if self.report is None:
            return None
        if path is None:
            suggested = f"training-{self.report.trainee}.html"
            name, _ = QFileDialog.getSaveFileName(
                self, "Save training report", suggested, "Web page (*.html)"
            )
            if not name:
                return None
            path = Path(name)
        if path.suffix.lower() not in (".html", ".htm"):
            path = path.with_suffix(".html")
        try:
            with atomic_output(path, protect=[self.controller.project.path]) as handle:
                handle.write(training_html(self.report.as_dict()))
        except (UserError, OSError) as error:
            QMessageBox.warning(self, "Save training report", str(error))
            return None
        self.summary.setText(f"Saved to {path}.")
        return path

    def release_worker(self) -> None:
        if not self.background.let_go():
            return
        self.compute_button.setEnabled(True)

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.release_worker()
        super().closeEvent(event)
