"""The Agreement window's Drift tab: agreement window by window — by month, quarter, ISO week
or batches of articles in the order they were done — as a table beside a chart of α with its
intervals, with the window's coders, levels and options. The articles' times and the study
are read here; the engine runs on each window in a worker thread, with progress and Stop."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.agreement.drift import DEFAULT_BATCHES, Drift, DriftPlan, chart_tracks, measure_drift
from annotator.domain.errors import UserError
from annotator.io.drift_files import heading
from annotator.services.agreement import Request
from annotator.services.drift import LEVEL_TITLES, drift_figure, plan_drift
from annotator.ui.analysis.chart import ChartPane
from annotator.ui.controller import Controller
from annotator.ui.panels import one_line_rows
from annotator.ui.reliability.drift_model import DriftModel
from annotator.ui.workers import Background

PERIOD_CHOICES = (
    ("Month", "month"),
    ("Quarter", "quarter"),
    ("ISO week", "week"),
    ("Batches of articles", "batch"),
)


#: Said when the options above changed after the figures shown were computed.
CHANGED = "Options changed: Compute drift again."


class _Worker(QObject):
    """Measures a drift plan (plain values) away from the window's thread."""

    #: The worker itself and the windows measured so far, of how many.
    progressed = Signal(object, int, int)
    #: The worker itself and its drift (None when stopped).
    finished = Signal(object, object)
    failed = Signal(object, str)

    def __init__(self, plan: DriftPlan) -> None:
        super().__init__()
        self.plan = plan
        self.stopped = False  # set from the window's thread: read between windows

    def run(self) -> None:
        def going_on(done: int, total: int) -> bool:
            self.progressed.emit(self, done, total)
            return not self.stopped

        try:
            self.finished.emit(self, measure_drift(self.plan, going_on))
        except ValueError as error:  # a bug in the study, reported rather than lost
            self.failed.emit(self, str(error))


class DriftTab(QWidget):
    """Drift: choose the period (or batch size), compute, read the table and the chart,
    save the chart. ``request`` gives the Agreement window's current choices."""

    #: A drift was computed and shown.
    computed = Signal(object)

    def __init__(
        self, controller: Controller, request: Callable[[], Request], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.request = request
        self.drift: Drift | None = None
        self.computed_request: Request | None = None
        self.background: Background[_Worker] = Background(self)

        self.period = QComboBox()
        for label, value in PERIOD_CHOICES:
            self.period.addItem(label, value)
        self.period.currentIndexChanged.connect(lambda _: self._enable())
        self.batch_size = QSpinBox()
        self.batch_size.setRange(0, 100_000)
        self.batch_size.setSpecialValueText(f"{DEFAULT_BATCHES} batches")
        self.batch_size.setSuffix(" articles a batch")
        self.batch_size.setToolTip(
            "Articles in each batch, in the order they were done (the last may be smaller); "
            f"at the lowest, {DEFAULT_BATCHES} batches of sizes differing by one at most"
        )
        self.dated_by = QComboBox()
        self.dated_by.addItem("when marked done", "done")
        self.dated_by.addItem("by the latest coding", "coded")
        self.dated_by.setToolTip(
            "An article's time: when the later of its coders marked it done (their latest "
            "coding where a status has no time), or their latest coding in it"
        )
        self.level = QComboBox()
        self.level.setToolTip("The level the table and the chart show")
        self.level.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.level.setMinimumContentsLength(16)
        self.level.currentIndexChanged.connect(lambda _: self.show_level())
        self.compute_button = QPushButton("Compute &drift")
        self.compute_button.clicked.connect(self.compute)
        self.stop_button = QPushButton("Stop")
        self.stop_button.clicked.connect(self.cancel)

        self.model = DriftModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        one_line_rows(self.table)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((170, 80, 62, 70, 62, 100)):
            self.table.setColumnWidth(column, width)
        self.chart = ChartPane()
        self.chart.set_kind("lines", enabled=False)
        self.chart.saveRequested.connect(lambda: self.save_chart())
        self.chart.show_message("Choose a period and press Compute drift.")
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.chart)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.status = QLabel("Agreement in each period, with the coders and levels chosen above.")
        self.status.setWordWrap(True)

        # Two rows: in one the window would not fit a small screen (900 px wide).
        bar = QHBoxLayout()
        for label, widget in (
            ("By:", self.period),
            ("", self.batch_size),
            ("Time:", self.dated_by),
        ):
            if label:
                bar.addWidget(QLabel(label))
            bar.addWidget(widget)
        bar.addStretch(1)
        second = QHBoxLayout()
        second.addWidget(QLabel("Show:"))
        second.addWidget(self.level)
        second.addStretch(1)
        second.addWidget(self.stop_button)
        second.addWidget(self.compute_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(second)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.status)
        self._enable()

    # -- choosing ------------------------------------------------------------------------------

    def chosen_period(self) -> str:
        return str(self.period.currentData())

    def set_period(self, period: str, batch_size: int = 0) -> None:
        self.period.setCurrentIndex(self.period.findData(period))
        self.batch_size.setValue(batch_size)

    def _enable(self) -> None:
        running = self.background.busy
        self.batch_size.setEnabled(self.chosen_period() == "batch" and not running)
        self.compute_button.setEnabled(not running)
        self.stop_button.setVisible(running)
        self.level.setEnabled(self.drift is not None and not running)

    # -- computing -----------------------------------------------------------------------------

    def compute(self) -> None:
        """Read the study and the times here, measure each window in a worker thread."""
        if self.background.busy:
            return
        period = self.chosen_period()
        size = self.batch_size.value() if period == "batch" and self.batch_size.value() else None
        try:
            plan = plan_drift(
                self.controller.project,
                self.request(),
                period,
                batch_size=size,
                dated_by=str(self.dated_by.currentData()),
            )
        except UserError as error:
            QMessageBox.warning(self, "Drift", str(error))
            return
        self.status.setText(f"Measuring {len(plan.windows)} windows…")
        self.computed_request = self.request()  # what the figures shown answer
        self.chart.hold()
        worker = _Worker(plan)
        self.background.start(
            worker,
            (worker.progressed, self._progressed),
            (worker.finished, self._show),
            (worker.failed, self._failed),
        )
        self._enable()

    def options_changed(self) -> None:
        """The window's options changed: figures computed for others are taken away."""
        if self.drift is None or self.background.busy:
            return
        if self.computed_request == self.request():
            return
        self.drift = None
        self.model.set_drift(None, None)
        self.chart.show_message(CHANGED)
        self.status.setText(CHANGED)
        self._enable()

    def cancel(self) -> None:
        """Stop after the window being measured (the table and chart shown stay)."""
        if self.background.worker is not None:
            self.background.worker.stopped = True

    def _progressed(self, worker: _Worker, done: int, total: int) -> None:
        if worker is self.background.worker:
            self.status.setText(f"Measured {done} of {total} windows…")

    def _failed(self, worker: _Worker, message: str) -> None:
        if not self.background.end(worker):
            return
        self._enable()
        QMessageBox.warning(self, "Drift", message)

    def _show(self, worker: _Worker, drift: Drift | None) -> None:
        if not self.background.end(worker):  # let go before it arrived
            return
        self._enable()
        if drift is None:
            self.status.setText("Stopped: the table and the chart are as they were.")
            if self.drift is not None:
                self.show_level()
            return
        self.drift = drift
        chosen = self.level.currentData()
        self.level.blockSignals(True)
        self.level.clear()
        for level in drift.levels:
            self.level.addItem(LEVEL_TITLES[level].capitalize(), level)
        self.level.setCurrentIndex(max(0, self.level.findData(chosen)))
        self.level.blockSignals(False)
        self._enable()
        self.show_level()
        self.computed.emit(drift)

    def show_level(self) -> None:
        """The table and the chart of the level chosen."""
        if self.drift is None:
            return
        level = self.level.currentData()
        self.model.set_drift(self.drift, level)
        text = heading(self.drift)
        if not self.drift.windows:
            self.chart.show_message("No article compared has a time: nothing to follow.")
            self.status.setText(text)
            return
        try:
            self.chart.show_figure(drift_figure(self.drift, level))
        except UserError as error:  # matplotlib missing: the table works on
            self.chart.show_message(str(error))
        _, left = chart_tracks(self.drift.tracks(level))
        if left:
            text += f" The chart leaves out {len(left)} measures (in the table)."
        self.status.setText(text)

    # -- saving --------------------------------------------------------------------------------

    def save_chart(self, path: Path | None = None, dpi: int | None = None) -> Path | None:
        """Write the chart as PNG (at the chosen resolution), SVG or PDF (by the suffix)."""
        figure = self.chart.figure
        if self.drift is None or figure is None:
            return None
        saved = self.chart.save(
            self,
            lambda: figure,
            path,
            dpi,
            title="Save the drift chart",
            suggested="drift.png",
            protect=[self.controller.project.path],
        )
        if saved is not None:
            self.status.setText(f"Chart saved to {saved}.")
        return saved

    def release_worker(self) -> None:
        """Let a computation under way finish without this tab (it reads nothing more from
        the project: the plan is plain values); its drift is dropped."""
        if self.background.worker is None:
            return
        self.background.worker.stopped = True
        self.background.let_go()
        self._enable()
