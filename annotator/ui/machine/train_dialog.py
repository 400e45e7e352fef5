"""Machine → Train a machine…: train a classifier (a new one, by name, or one the project has)
on the articles a human coder marked done (optionally only an article set's), in a worker
thread; when done, the cross-validated α against that coder per code, as ``machine train``
prints it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.services.changes import Changes
from annotator.services.machine.classifier import CLASSIFIER, Trained, train
from annotator.storage import Project
from annotator.ui.controller import Controller
from annotator.ui.machine.jobs import MachineJob
from annotator.ui.reliability.set_choice import SetChoice
from annotator.ui.workers import Background

TITLE = "Train a machine"
COLUMNS = ("Code", "Unit", "α", "N", "Coded", "F1")


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


class TrainDialog(QDialog):
    """Trains a classifier in the background and shows its cross-validated α per code."""

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.controller = controller
        self.background: Background[MachineJob] = Background(self)
        self.trained: Trained | None = None
        project = controller.project
        self.name = QComboBox()
        self.name.setEditable(True)
        for machine in project.machine.backends():
            if machine.kind == CLASSIFIER:
                self.name.addItem(machine.name)
        if not self.name.count():
            self.name.setEditText("Classifier")
        self.coder = QComboBox()
        for coder in project.coders.humans():
            self.coder.addItem(coder.name)
        self.article_set = SetChoice(project)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.status = QLabel(
            "The classifier learns from the articles the coder marked done; cross-validation "
            "over those articles measures α against the coder per code."
        )
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setColumnWidth(0, 260)
        self.train_button = QPushButton("&Train")
        self.train_button.setDefault(True)
        self.train_button.clicked.connect(self.train)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        form = QFormLayout()
        form.addRow("Machine (classifier):", self.name)
        form.addRow("Learn from coder:", self.coder)
        form.addRow("Articles:", self.article_set)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.train_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(680, 460)
        self.train_button.setEnabled(self.coder.count() > 0)

    @property
    def busy(self) -> bool:
        return self.background.busy

    def train(self) -> None:
        if self.background.busy:
            return
        name, coder = self.name.currentText().strip(), self.coder.currentText()
        documents = self.article_set.documents()

        def work(
            project: Project, progress: Callable[[int, int, str], None], cancel: threading.Event
        ) -> object:
            return train(
                project, name, coder, documents=documents, progress=lambda s: progress(0, 0, s)
            )

        self.status.setText(f"Training {name} on {coder}'s articles…")
        self.progress.show()
        self.train_button.setEnabled(False)
        job = MachineJob(self.controller.project, work)
        self.background.start(
            job,
            (job.progressed, lambda _d, _t, what: self.status.setText(f"{what}…")),
            (job.finished, self._on_finished),
            (job.failed, self._on_failed),
            threaded=job.threaded,
        )

    def cancel(self) -> None:
        """Training is not cut short (it takes seconds); the dialog waits for it."""

    def _stop(self, job: object) -> bool:
        if not self.background.end(job):
            return False
        self.progress.hide()
        self.train_button.setEnabled(True)
        return True

    def _on_failed(self, job: object, message: str) -> None:
        if self._stop(job):
            self.status.setText(message)

    def _on_finished(self, job: object, trained: object) -> None:
        if not self._stop(job):
            return
        assert isinstance(trained, Trained)
        self.trained = trained
        report = trained.report
        self.status.setText(
            f"Trained '{trained.machine.name}' on {report.documents} articles "
            f"({report.sentences:,} sentences) coded by {trained.coder}; {report.folds}-fold "
            "cross-validation over articles. α at character level for codes learned on "
            "sentences, at article level for those learned on articles."
        )
        self.table.setRowCount(len(report.scores))
        for row, score in enumerate(report.scores):
            cells = (
                (score.path, score.skipped)
                if score.skipped
                else (
                    score.path,
                    score.unit,
                    _number(score.alpha),
                    f"{score.n_units:,}",
                    str(score.n_positive),
                    _number(score.f1),
                )
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.controller.notify(Changes(coders=True))
        if self.name.findText(trained.machine.name) < 0:
            self.name.addItem(trained.machine.name)

    def reject(self) -> None:
        if self.busy:
            return  # training ends on its own in seconds
        super().reject()

    def closeEvent(self, event: Any) -> None:
        if self.busy:
            event.ignore()
            return
        super().closeEvent(event)
