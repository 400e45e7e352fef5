"""The agreement view: choose coders and options, compute (in the background), and read the
table (sortable, filterable), the confusion matrices, warnings and definitions; save the
report; go from a figure to the disagreeing passages."""

from __future__ import annotations

import html
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.agreement.report import Options, Report, measure_agreement
from annotator.agreement.study import Study
from annotator.domain.errors import UserError
from annotator.io.agreement_files import report_html, write_report_csv
from annotator.io.csvfiles import atomic_output
from annotator.services.agreement import (
    CONSENSUS,
    Request,
    codings_notes,
    options_of,
    study_of,
)
from annotator.services.methods import methods_of
from annotator.ui.controller import Controller
from annotator.ui.models.agreement import (
    CODERS_COLUMN,
    NOTE_COLUMN,
    SORT_ROLE,
    ConfusionModel,
    MeasuresModel,
)
from annotator.ui.panels import one_line_rows
from annotator.ui.reliability.drift_tab import DriftTab
from annotator.ui.reliability.fit import fit_to_screen
from annotator.ui.reliability.pairs_tab import PairsTab
from annotator.ui.reliability.set_choice import SetChoice
from annotator.ui.reliability.version_chooser import VersionChooser
from annotator.ui.workers import Background

LEVEL_CHOICES = (
    ("All levels", ("document", "character", "unitizing", "segment")),
    ("Article level", ("document",)),
    ("Character level, α_U and segments", ("character", "unitizing", "segment")),
    ("Character level", ("character",)),
    ("Unitizing (α_U)", ("unitizing",)),
    ("Segment matching", ("segment",)),
)


#: Which codings are compared: (label, search-made codings, codings accepted from a machine's
#: suggestions), as :class:`Request` takes them.
CODINGS_CHOICES = (
    ("All codings", "with", "with"),
    ("Without those accepted from machine suggestions", "with", "without"),
    ("Without those a search made", "without", "with"),
    ("Made by hand only (no search, no suggestion)", "without", "without"),
    ("Only those accepted from machine suggestions", "with", "only"),
    ("Only those a search made", "only", "with"),
)


class _Worker(QObject):
    """Runs the (pure) engine away from the window's thread."""

    #: The worker (itself) and its report or message: a result queued before the window let
    #: this worker go still arrives after the disconnection, and is told apart by it.
    finished = Signal(object, object)
    failed = Signal(object, str)

    def __init__(self, study: Study, options: Options) -> None:
        super().__init__()
        self.study, self.options = study, options

    def run(self) -> None:
        try:
            self.finished.emit(self, measure_agreement(self.study, self.options))
        except ValueError as error:  # a bug in the study, reported rather than lost
            self.failed.emit(self, str(error))


class CoderChecklist(QListView):
    """The project's coders with a check box each."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.coders = QStandardItemModel(self)
        self.setModel(self.coders)
        self.setMaximumHeight(96)

    def fill(self, names: list[str], checked: set[str]) -> None:
        self.coders.clear()
        for name in names:
            item = QStandardItem(name)
            item.setCheckable(True)
            item.setEditable(False)
            item.setCheckState(
                Qt.CheckState.Checked if name in checked else Qt.CheckState.Unchecked
            )
            self.coders.appendRow(item)

    def names(self) -> list[str]:
        """Every coder listed, checked or not."""
        return [self.coders.item(row).text() for row in range(self.coders.rowCount())]

    def chosen(self) -> list[str]:
        items = [self.coders.item(row) for row in range(self.coders.rowCount())]
        return [item.text() for item in items if item.checkState() == Qt.CheckState.Checked]

    def choose(self, names: list[str]) -> None:
        for row in range(self.coders.rowCount()):
            item = self.coders.item(row)
            state = Qt.CheckState.Checked if item.text() in names else Qt.CheckState.Unchecked
            item.setCheckState(state)


class AgreementWindow(QDialog):
    """Inter-coder agreement of the open project."""

    #: Review the disagreements of two coders (names) on some codes (ids; empty: all).
    reviewRequested = Signal(str, str, list)
    #: A report was computed and shown.
    computed = Signal(object)

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Inter-coder agreement")
        self.setWindowFlag(Qt.WindowType.Window)
        fit_to_screen(self, 1180, 720)  # a small screen gets what it can show
        self.controller = controller
        self.report: Report | None = None
        self.computed_request = Request()
        self.background: Background[_Worker] = Background(self)
        self._listed: list[tuple[int, str]] = []  # the coders listed (id, name)

        self.coder_list = CoderChecklist()
        self.level = QComboBox()
        for label, _ in LEVEL_CHOICES:
            self.level.addItem(label)
        self.counted_by = QComboBox()
        self.counted_by.addItem("when marked done", "done")
        self.counted_by.addItem("when assigned and done", "assigned")
        self.overlap = QSpinBox()
        self.overlap.setRange(1, 100)
        self.overlap.setValue(90)
        self.overlap.setSuffix(" %")
        self.overlap.setToolTip("Segment matching: how much two passages must overlap to agree")
        self.version = VersionChooser(controller.project)
        self.codings = QComboBox()
        for label, search, assisted in CODINGS_CHOICES:
            self.codings.addItem(label, (search, assisted))
        self.codings.setToolTip(
            "Leave out (or compare alone) the codings a search made or those a coder accepted "
            "from a machine coder's suggestions: the report says how many were left out"
        )
        self.compute_button = QPushButton("&Compute")
        self.compute_button.setShortcut(QKeySequence("F5"))
        self.compute_button.setDefault(True)
        self.compute_button.clicked.connect(self.compute)

        self.model = MeasuresModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.article_set = SetChoice(controller.project)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter measures (code or dimension)…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        one_line_rows(self.table)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 80)
        self.table.setColumnWidth(1, 280)
        for column in range(2, NOTE_COLUMN):
            self.table.setColumnWidth(column, 78)
        self.table.setColumnWidth(7, 110)
        self.table.setColumnWidth(CODERS_COLUMN, 120)
        self.table.doubleClicked.connect(lambda _: self.review_selected())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._enable())

        self.confusions = QWidget()
        self.confusions_layout = QVBoxLayout(self.confusions)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.confusions)
        self.details = QTextBrowser()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.table, "&Measures")
        self.tabs.addTab(scroll, "Confusion &matrices")
        self.tabs.addTab(self.details, "&Warnings and definitions")
        self.pairs = PairsTab(controller, self.request)
        self.tabs.addTab(self.pairs, "P&airs")
        self.drift_tab = DriftTab(controller, self.request)
        self.tabs.addTab(self.drift_tab, "&Drift")

        self.summary = QLabel("Choose the coders and press Compute (F5).")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # coder names as typed
        self.review_button = QPushButton("&Review disagreements…")
        self.review_button.clicked.connect(self.review_selected)
        self.save_button = QPushButton("&Save report…")
        self.save_button.clicked.connect(self.save)
        close = QPushButton("Close")
        close.clicked.connect(self.close)

        options = QHBoxLayout()
        column = QVBoxLayout()
        column.addWidget(QLabel("Coders:"))
        column.addWidget(self.coder_list)
        options.addLayout(column, 1)
        form = QVBoxLayout()
        for label, widget in (
            ("Levels:", self.level),
            ("Articles count:", self.counted_by),
            ("Segments agree from:", self.overlap),
            ("Articles:", self.article_set),
            ("Codebook version:", self.version),
            ("Codings:", self.codings),
        ):
            row = QHBoxLayout()
            row.addWidget(QLabel(label))
            row.addWidget(widget, 1)
            form.addLayout(row)
        options.addLayout(form, 1)
        options.addWidget(self.compute_button, 0, Qt.AlignmentFlag.AlignBottom)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.review_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(options)
        layout.addWidget(self.filter)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        self.fill_coders()
        self._enable()
        # The window is kept once opened: what the project offers may change meanwhile (a tag
        # made, a coder added or renamed), so the choices are read again whenever it changes.
        controller.changed.connect(lambda _: self.refresh())
        controller.coderChanged.connect(self.refresh)
        for signal in (
            self.coder_list.coders.itemChanged,
            self.level.currentIndexChanged,
            self.counted_by.currentIndexChanged,
            self.overlap.valueChanged,
            self.article_set.currentIndexChanged,
            self.version.currentIndexChanged,
            self.codings.currentIndexChanged,
        ):
            signal.connect(lambda *_: self._options_changed())

    # -- choosing ------------------------------------------------------------------------------

    def fill_coders(self) -> None:
        """Every coder, checked if they have done articles (the consensus coder unchecked);
        a coder already listed keeps the check the user gave them, renamed or not."""
        project = self.controller.project
        coders = project.coders.all()
        now = [(c.id, c.name) for c in coders]
        if now == self._listed:
            return  # the same coders: the user's checks stand
        chosen = set(self.coder_list.chosen())
        kept = {id_ for id_, name in self._listed if name in chosen}
        listed = {id_ for id_, _ in self._listed}
        done = {c for (_, c), status in project.statuses.all().items() if status.value == "done"}
        checked = {
            c.name
            for c in coders
            if (c.id in kept if c.id in listed else c.id in done and c.name != CONSENSUS)
        }
        self.coder_list.fill([c.name for c in coders], checked)
        self._listed = now

    def refresh(self) -> None:
        """Read the coders, tags and article sets again, keeping the choices still there."""
        if self.isVisible():  # else read when shown
            self._reread()

    def _reread(self) -> None:
        self.fill_coders()
        self.version.refresh()
        self.article_set.fill()
        self._options_changed()

    def _options_changed(self) -> None:
        # The Pairs and Drift tabs take away figures computed for other options.
        self.pairs.options_changed()
        self.drift_tab.options_changed()

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self._reread()  # reopened: what changed while it was closed is offered
        super().showEvent(event)

    def chosen_coders(self) -> list[str]:
        return self.coder_list.chosen()

    def set_coders(self, names: list[str]) -> None:
        self.coder_list.choose(names)

    def request(self) -> Request:
        search, assisted = self.codings.currentData()
        return Request(
            search_codings=search,
            assisted_codings=assisted,
            coders=self.chosen_coders(),
            levels=LEVEL_CHOICES[self.level.currentIndex()][1],
            counted_by=str(self.counted_by.currentData()),
            threshold=self.overlap.value() / 100,
            documents=self.article_set.documents(),
            codebook_version=self.version.chosen(),
        )

    # -- computing -----------------------------------------------------------------------------

    def compute(self) -> None:
        """Read the study here, measure it in a worker thread, show it when done."""
        if self.background.busy:
            return
        request = self.request()
        try:
            study = study_of(self.controller.project, request)
        except UserError as error:
            QMessageBox.warning(self, "Inter-coder agreement", str(error))
            return
        self.compute_button.setEnabled(False)
        self.summary.setText("Computing…")
        self._options_changed()
        self.computed_request = request  # what the report shown answers (its methods paragraph)
        worker = _Worker(study, options_of(request))
        self.background.start(worker, (worker.finished, self._show), (worker.failed, self._failed))

    def _failed(self, worker: _Worker, message: str) -> None:
        if not self.background.end(worker):  # let go (another project opened) before it arrived
            return
        self.compute_button.setEnabled(True)
        QMessageBox.warning(self, "Inter-coder agreement", message)

    def _show(self, worker: _Worker, report: Report) -> None:
        if not self.background.end(worker):  # let go (another project opened) before it arrived
            return
        self.compute_button.setEnabled(True)
        # What the codings chosen left out, as measure() says it.
        notes = codings_notes(self.controller.project, self.computed_request, report.coders)
        if notes:
            report = replace(report, warnings=(*notes, *report.warnings))
        self.report = report
        self.model.set_report(report)
        self._show_confusions(report)
        self._show_details(report)
        warnings = f" — {len(report.warnings)} warnings" if report.warnings else ""
        light = (
            "; κ is Light's κ (the mean of every pair's)"
            if report.kappa_measure != "Cohen's κ"
            else ""
        )
        left = "".join(
            f"; {coder}: {count} assigned but not done, left out"
            for coder, count in report.left_out
            if count
        )
        self.summary.setText(
            f"{', '.join(report.coders)}: {report.documents} articles compared{left}{light}, "
            f"{len(report.measures)} measures{warnings}. Double-click a code to review its "
            "disagreements."
        )
        self._enable()
        self.computed.emit(report)

    def _show_confusions(self, report: Report) -> None:
        while self.confusions_layout.count():
            widget = self.confusions_layout.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        if not report.confusions:
            self.confusions_layout.addWidget(
                QLabel("No exclusive dimension at character level in this report.")
            )
        for confusion in report.confusions:
            first, second = confusion.coders
            self.confusions_layout.addWidget(
                QLabel(
                    f"<b>{html.escape(confusion.dimension)}</b>: characters by "
                    f"{html.escape(first)}'s code (rows) and {html.escape(second)}'s (columns)"
                )
            )
            view = QTableView()
            view.setModel(ConfusionModel(confusion, view))
            view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            rows = len(confusion.labels)
            view.setMinimumHeight((rows + 1) * (view.fontMetrics().height() + 10))
            self.confusions_layout.addWidget(view)
        self.confusions_layout.addStretch(1)

    def _show_details(self, report: Report) -> None:
        parts = []
        if report.warnings:
            parts.append(
                "<h3>Warnings</h3><ul>"
                + "".join(f"<li>{html.escape(w)}</li>" for w in report.warnings)
                + "</ul>"
            )
        parts.append(
            "<h3>Definitions</h3><dl>"
            + "".join(
                f"<dt><b>{html.escape(t)}</b></dt><dd>{html.escape(d)}</dd>"
                for t, d in report.definitions
            )
            + "</dl>"
        )
        self.details.setHtml("".join(parts))

    # -- from a figure to the passages ------------------------------------------------------

    def selected_measure(self):  # type: ignore[no-untyped-def]
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.measure(self.proxy.mapToSource(index).row())

    def _enable(self) -> None:
        measure = self.selected_measure()
        self.review_button.setEnabled(
            self.report is not None and measure is not None and len(self.report.coders) >= 2
        )
        self.save_button.setEnabled(self.report is not None)

    def review_selected(self) -> None:
        """Open the review of the first two coders on the selected code or dimension."""
        measure = self.selected_measure()
        if self.report is None or measure is None:
            return
        codebook = self.controller.codebook
        codes: list[int] = []
        node = None
        for name in measure.path:  # by the names from the dimension down, not a parsed path
            parent = None if node is None else node.id
            node = next((c for c in codebook.children(parent) if c.name == name), None)
            if node is None:
                break
        if node is not None:
            codes = [node.id] if not node.is_dimension else [c.id for c in codebook.walk(node.id)]
        first, second = self.report.coders[:2]
        self.reviewRequested.emit(first, second, codes)

    # -- saving --------------------------------------------------------------------------------

    def save(self, path: Path | None = None) -> Path | None:
        """Write the report as HTML or CSV (by the file's extension)."""
        if self.report is None:
            return None
        if path is None:
            name, _ = QFileDialog.getSaveFileName(
                self, "Save agreement report", "agreement.html", "Web page (*.html);;CSV (*.csv)"
            )
            if not name:
                return None
            path = Path(name)
        if path.suffix.lower() not in (".html", ".htm", ".csv"):
            path = path.with_suffix(".html")
        try:
            with atomic_output(path) as handle:
                if path.suffix.lower() == ".csv":
                    write_report_csv(handle, self.report)
                else:
                    methods = methods_of(
                        self.controller.project, self.computed_request, self.report
                    )
                    handle.write(report_html(self.report, methods=methods.text))
        except (UserError, OSError) as error:
            QMessageBox.warning(self, "Save agreement report", str(error))
            return None
        self.summary.setText(f"Saved to {path}.")
        return path

    def release_worker(self) -> None:
        """Let a computation under way finish without this window (which may go now): it
        reads nothing more from the project, and its report is dropped."""
        self.pairs.release_worker()
        if not self.background.let_go():
            return
        self.compute_button.setEnabled(True)
        self.summary.setText("")

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.release_worker()  # closing does not wait for the computation
        self.drift_tab.release_worker()
        super().closeEvent(event)
