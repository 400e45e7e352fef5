"""The agreement window's Pairs tab: every pair of coders as a coder × coder matrix (one
figure, one code or dimension at a time), and each coder against the others with the coder
who deviates marked. Computed in a worker thread, with progress and Cancel."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.agreement.report import Options
from annotator.agreement.study import Study
from annotator.domain.errors import UserError
from annotator.services.agreement import Request, options_of, study_of
from annotator.services.agreement_pairs import Cancelled, Key, PairsReport, pairs_of_study
from annotator.ui.controller import Controller
from annotator.ui.models.agreement import LEVELS
from annotator.ui.reliability.pairs_models import FIGURES, CoderTableModel, PairMatrixModel
from annotator.ui.workers import Background

START = "Press Compute pairs: each pair is compared on its own."
STOPPED = "Stopped when the window was closed: Compute pairs again."
CHANGED = "Options changed: Compute pairs again."


class _Worker(QObject):
    """Runs every pair through the (pure) engine; stops between runs when cancelled."""

    progressed = Signal(int, int)
    finished = Signal(object, object)  # the worker, the report (None: cancelled)
    failed = Signal(object, str)

    def __init__(self, study: Study, options: Options) -> None:
        super().__init__()
        self.study, self.options = study, options
        self.stop = threading.Event()

    def _progress(self, done: int, total: int) -> bool:
        self.progressed.emit(done, total)
        return not self.stop.is_set()

    def run(self) -> None:
        try:
            self.finished.emit(self, pairs_of_study(self.study, self.options, self._progress))
        except Cancelled:
            self.finished.emit(self, None)
        except ValueError as error:  # a bug in the study, reported rather than lost
            self.failed.emit(self, str(error))


class PairsTab(QWidget):
    """Pairs and per-coder tables for the coders and levels the window's request chooses."""

    computed = Signal(object)

    def __init__(
        self, controller: Controller, request: Callable[[], Request], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.controller, self.request = controller, request
        self.report: PairsReport | None = None
        #: The options the figures shown answer (None: none shown).
        self.computed_request: Request | None = None
        self.background: Background[_Worker] = Background(self)

        self.compute_button = QPushButton("Compute &pairs")
        self.compute_button.setToolTip(
            "Every pair of the coders checked above, at the levels chosen, and each coder "
            "against the others"
        )
        self.compute_button.clicked.connect(self.compute)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.row_choice = QComboBox()
        self.row_choice.setMinimumContentsLength(28)
        self.row_choice.currentIndexChanged.connect(lambda _: self._show_row())
        self.figure = QComboBox()
        for label, _ in FIGURES:
            self.figure.addItem(label)
        self.figure.currentIndexChanged.connect(lambda _: self._show_row())
        self.status = QLabel(START)
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # coder names as typed

        self.matrix_model = PairMatrixModel(self)
        self.matrix = QTableView()
        self.matrix.setModel(self.matrix_model)
        self.matrix.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.coder_model = CoderTableModel(self)
        self.coder_table = QTableView()
        self.coder_table.setModel(self.coder_model)
        self.coder_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.coder_table.horizontalHeader().setStretchLastSection(True)

        controls = QHBoxLayout()
        controls.addWidget(QLabel("Show:"))
        controls.addWidget(self.row_choice, 2)
        controls.addWidget(self.figure, 1)
        controls.addWidget(self.compute_button)
        controls.addWidget(self.cancel_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("Each pair (the two coders alone):"))
        left_layout.addWidget(self.matrix)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel("Each coder against the others (the lowest marked):"))
        right_layout.addWidget(self.coder_table)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.progress)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)

    # -- computing -------------------------------------------------------------------------

    def compute(self) -> None:
        """Read the study here, run the pairs in a worker thread."""
        if self.background.busy:
            return
        request = self.request()
        try:
            study = study_of(self.controller.project, request)
        except UserError as error:
            QMessageBox.warning(self, "Pairs of coders", str(error))
            return
        self.compute_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setVisible(True)
        self.progress.setValue(0)
        self.status.setText("Comparing every pair…")
        self.computed_request = request
        worker = _Worker(study, options_of(request))
        self.background.start(
            worker,
            (worker.progressed, self._progressed),
            (worker.finished, self._done),
            (worker.failed, self._failed),
        )

    def cancel(self) -> None:
        if self.background.worker is not None:
            self.background.worker.stop.set()
            self.status.setText("Cancelling after the run under way…")

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _idle(self) -> None:
        self.compute_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.setVisible(False)

    def _failed(self, worker: _Worker, message: str) -> None:
        if not self.background.end(worker):
            return
        self._idle()
        QMessageBox.warning(self, "Pairs of coders", message)

    def _done(self, worker: _Worker, report: PairsReport | None) -> None:
        if not self.background.end(worker):
            return
        self._idle()
        if report is None:
            self.status.setText("Cancelled.")
            return
        self.show_report(report)
        self.options_changed()  # changed while it ran: these figures answer the old options
        self.computed.emit(report)

    def options_changed(self) -> None:
        """The window's options changed: figures computed for others are taken away."""
        if self.report is None or self.background.busy:
            return
        if self.computed_request is not None and self.request() == self.computed_request:
            return
        self.show_report(None)
        self.status.setText(CHANGED)

    def show_report(self, report: PairsReport | None) -> None:
        self.report = report
        self.row_choice.blockSignals(True)
        self.row_choice.clear()
        for level, scope, name in report.keys if report else ():
            self.row_choice.addItem(f"{LEVELS[level]} · {name}", (level, scope, name))
        self.row_choice.blockSignals(False)
        self._show_row()
        if report is None:
            return
        few = " — with two coders, no coder can be left out" if len(report.coders) < 3 else ""
        self.status.setText(
            f"{len(report.pairs)} pairs of {', '.join(report.coders)} on "
            f"{report.everyone.documents} articles{few}. Hover a cell for N and α's interval."
        )

    def chosen_key(self) -> Key | None:
        data = self.row_choice.currentData()
        return tuple(data) if data else None  # type: ignore[return-value]

    def choose(self, level: str, name: str, figure: int = 0) -> None:
        """Show the row ``name`` at ``level`` with the ``figure``-th of :data:`FIGURES`."""
        for row in range(self.row_choice.count()):
            key = self.row_choice.itemData(row)
            if key[0] == level and key[2] == name:
                self.row_choice.setCurrentIndex(row)
        self.figure.setCurrentIndex(figure)

    def _show_row(self) -> None:
        key = self.chosen_key()
        field = FIGURES[max(self.figure.currentIndex(), 0)][1]
        self.matrix_model.show(self.report, key, field)
        self.coder_model.show(self.report.coder_rows(key) if self.report and key else [])

    def release_worker(self) -> None:
        """Let a computation under way finish without this tab (its result dropped)."""
        worker = self.background.worker
        if worker is None:
            return
        worker.stop.set()
        self.background.let_go()
        self._idle()
        self.status.setText(STOPPED)
