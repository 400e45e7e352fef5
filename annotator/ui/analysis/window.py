"""The Analysis window: options on the left; the table (caption, figures, χ²) and the chart
beside it. It only reads the project — it opens on a read-only project too — and follows the
coding window's changes while it is open.

Speed: the codings are read once, tallied by (code, article, coder)
(:class:`~annotator.services.analysis_source.Source`); a change of grouping, coders, codes
or rows regroups those tallies, and a change of unit, percentages or measure only shows the
same counts again. The chart is drawn after the table, so the table never waits for it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QHideEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from annotator.analysis.cooccurrence import Cooccurrence, Within
from annotator.analysis.crosstab import Unit
from annotator.domain.errors import UserError
from annotator.io.tables import write_table
from annotator.services.analysis import (
    BY_CODER,
    Frequencies,
    Request,
    Rows,
    Show,
    cooccurrences,
    frequencies,
)
from annotator.services.analysis_cells import (
    Behind,
    cooccurrence_cell,
    counted_behind,
    frequency_cell,
)
from annotator.services.analysis_charts import ChartKind, cooccurrence_chart, frequencies_chart
from annotator.services.analysis_source import Source
from annotator.services.changes import Changes
from annotator.ui import settings
from annotator.ui.analysis.chart import ChartPane
from annotator.ui.analysis.grid import (
    Grid,
    cooccurrence_grid,
    frequency_grid,
    independence_text,
)
from annotator.ui.analysis.option_panel import SHOWING, OptionPanel
from annotator.ui.analysis.options import (
    FREQUENCIES,
    GEOMETRY,
    SPLITTER,
    Options,
    load,
    save,
)
from annotator.ui.analysis.table import GridModel, GridView
from annotator.ui.controller import Controller
from annotator.ui.window_state import restore_geometry

TABLE_FILTERS = "CSV (*.csv);;Excel workbook (*.xlsx)"
EMPTY = Grid("", (), (), (), "")
CHART_DELAY_MS = 150
CHANGED_ELSEWHERE = "the project changed in another program; the table was re-read."


class AnalysisWindow(QDialog):
    """Code frequencies by group, and code co-occurrence, of the open project."""

    #: The passages behind a cell: coding ids, their codes, their coders (``None``: all) and
    #: where they come from in words.
    passagesRequested = Signal(list, list, object, str)
    #: The table shows new figures.
    updated = Signal()

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.setObjectName("analysis")
        self.controller = controller
        self.store: QSettings = settings.open_settings()
        self.source = Source(controller.project)
        self.counted: Frequencies | Cooccurrence | None = None
        self.request: Request | None = None
        self.grid = EMPTY
        self._stale = False

        self.panel = OptionPanel(controller)

        self.model = GridModel(self)
        self.view = GridView(self.model)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.caption.setObjectName("caption")
        self.test_line = QLabel()
        self.test_line.setWordWrap(True)
        self.test_line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #8a5a00")
        self.note = QLabel("Double-click a cell (or press Enter) to list its passages.")
        self.note.setStyleSheet("color: #666666")
        self.note.setWordWrap(True)
        self.copy_button = QPushButton("&Copy")
        self.copy_button.setToolTip("Copy the selected cells as tab-separated text (Ctrl+C)")
        self.copy_button.clicked.connect(self.view.copy)
        self.export_button = QPushButton("E&xport table…")
        self.export_button.setToolTip(
            "Save the table as shown (totals and N included) as CSV or an Excel workbook"
        )
        self.export_button.clicked.connect(lambda: self.export_table())
        table_pane = QWidget()
        table_column = QVBoxLayout(table_pane)
        table_column.setContentsMargins(4, 4, 4, 4)
        buttons = QHBoxLayout()
        buttons.addWidget(self.caption, 1)
        buttons.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignTop)
        buttons.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignTop)
        table_column.addLayout(buttons)
        table_column.addWidget(self.view, 1)
        table_column.addWidget(self.test_line)
        table_column.addWidget(self.warning)
        table_column.addWidget(self.note)

        self.chart = ChartPane()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("analysisSplitter")
        self.splitter.addWidget(table_pane)
        self.splitter.addWidget(self.chart)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.splitterMoved.connect(self._splitter_moved)
        self._fit_table = True
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.panel)
        layout.addWidget(self.splitter, 1)

        self._chart_timer = QTimer(self)
        self._chart_timer.setSingleShot(True)
        # The chart waits for the user to pause: several quick changes draw it once.
        self._chart_timer.setInterval(CHART_DELAY_MS)
        self._chart_timer.timeout.connect(self.draw_chart)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self.refresh)

        options = load(self.store)
        self.panel.fill(options)
        self.chart.set_kind(options.chart)
        #: The options as last chosen (kept, and saved, without reading the project).
        self.current = self.options()
        self.panel.changed.connect(self._option_changed)
        self.chart.kindChanged.connect(lambda _: self._option_changed("chart"))
        self.chart.saveRequested.connect(lambda: self.save_chart())
        self.view.cellOpened.connect(self.open_cell)
        controller.changed.connect(self._on_changed)
        controller.visibilityChanged.connect(self._refill)
        controller.coderChanged.connect(self._refill)
        self._restore_state()
        self._title()
        self.refresh()

    # -- options -------------------------------------------------------------------------------

    def options(self) -> Options:
        """What the window's options say now."""
        return self.panel.options(self.chart.chosen_kind())

    def _option_changed(self, name: str) -> None:
        if name in ("by", "bin"):
            self._follow_dates()
        self.current = self.options()
        save(self.store, self.current)
        if name == "chart":
            self.chart.hold()
            self._chart_timer.start()
        elif name in SHOWING:
            self.show_table()
        else:
            self.refresh()

    def _follow_dates(self) -> None:
        """Periods are drawn as lines, other groups as bars (the user may choose again)."""
        periods = self.panel.dated() and bool(self.panel.bin.currentData())
        kind = self.chart.chosen_kind()
        if periods and kind != ChartKind.LINES:
            self.chart.set_kind(ChartKind.LINES.value)
        elif not periods and kind == ChartKind.LINES:
            self.chart.set_kind(ChartKind.BARS.value)

    def _refill(self) -> None:
        """The project's coders, codes or variables changed, or whose codings are shown:
        offer the choices there are now, then count again."""
        self._follow_names()
        self._schedule()

    def _follow_names(self) -> None:
        """Offer the project's choices again, the coders and codes filtered on followed
        through renames (a saved name that is gone is said so, not widened silently)."""
        self.current = self.panel.follow(self.current)
        save(self.store, self.current)
        self.panel.fill(self.current)

    # -- counting ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Count again (regrouping the kept tallies) and show the table."""
        self._stale = False
        options = self.options()
        project = self.controller.project
        coders = self.panel.counted_coders()
        try:
            if options.table == FREQUENCIES:
                self.request = replace(options.request(self.panel.dated()), coders=coders)
                self.counted = frequencies(project, self.request, self.source)
            else:
                self.request = None
                self.counted = cooccurrences(
                    project,
                    Within(options.within),
                    coders=coders,
                    codes=options.codes,
                    rows=Rows(options.rows),
                    source=self.source,
                )
        except UserError as error:
            self.counted = None
            self.model.set_grid(EMPTY)
            self.grid = EMPTY
            self.caption.setText(str(error))
            self.test_line.clear()
            self.warning.clear()
            self.chart.show_message(str(error))
            self.updated.emit()
            return
        self.show_table()

    def coders_label(self) -> str:
        """The coders counted, as a result names them ("all coders", "Ana, Ben")."""
        if isinstance(self.counted, Frequencies):
            return self.counted.coders
        coders = self.panel.counted_coders()
        return ", ".join(coders) if coders else "all coders"

    def show_table(self) -> None:
        """Show the counts held in the options' unit, percentages and measure (no count)."""
        options = self.options()
        result = self.counted
        if result is None:
            return
        if isinstance(result, Frequencies):
            unit, show = Unit(options.unit), Show(options.show)
            self.grid = frequency_grid(result, unit, show, self._articles(), Rows(options.rows))
            line, warning = independence_text(result, unit)
            self.test_line.setText(line)
            self.warning.setText(f"Warning: {warning}" if warning else "")
        else:
            self.grid = cooccurrence_grid(
                result, options.measure, self.coders_label(), Rows(options.rows)
            )
            self.test_line.setText("")
            self.warning.setText("")
        self.warning.setVisible(bool(self.warning.text()))
        self.test_line.setVisible(bool(self.test_line.text()))
        self.chart.hold()
        self.model.set_grid(self.grid)
        if self._fit_table:
            self._share_width()
        self.caption.setText(self.grid.caption)
        self.export_button.setEnabled(bool(self.grid.lines))
        self.updated.emit()
        self._chart_timer.start()

    def _articles(self) -> int:
        """The articles all groups hold together: each article once."""
        assert isinstance(self.counted, Frequencies)
        table = self.counted.table
        if self.counted.by != BY_CODER:
            return sum(table.articles_in_group.values())
        project = self.controller.project
        named = [project.coders.lookup(name) for name in table.groups]
        return self.source.tallies().articles_of([c.id for c in named if c is not None])

    def draw_chart(self) -> None:
        """The chart of what the table shows (drawn after the table, never before it)."""
        options = self.options()
        result = self.counted
        frequencies_shown = isinstance(result, Frequencies)
        self.chart.set_kind(options.chart, enabled=frequencies_shown)
        if result is None:
            return
        try:
            self.chart.show_figure(self.figure())
        except UserError as error:
            self.chart.show_message(str(error))

    def figure(self):  # type: ignore[no-untyped-def]
        """The chart of the result as shown, as the command line draws it."""
        options = self.options()
        result = self.counted
        if isinstance(result, Frequencies):
            return frequencies_chart(
                result, Unit(options.unit), Show(options.show), ChartKind(options.chart)
            )
        assert result is not None
        return cooccurrence_chart(result, options.measure, coders=self.coders_label())

    # -- following the project -----------------------------------------------------------------

    def _on_changed(self, changes: Changes) -> None:
        self.source.forget(changes)
        if changes.codebook or changes.coders or changes.variables or changes.documents:
            self._follow_names()
        if (
            changes.codings
            or changes.documents
            or changes.codebook
            or changes.coders
            or changes.variables
        ):
            self._schedule()

    def _schedule(self) -> None:
        """Count again soon (several changes at once count once), or when next shown."""
        if self.isVisible():
            self._refresh_timer.start()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()
        elif self.counted is not None and self.chart.figure is None:
            self._chart_timer.start()  # hidden before it was drawn

    # -- from a cell to its passages -----------------------------------------------------------

    def open_cell(self, row: int, column: int) -> Behind | None:
        """List the passages behind a cell in the coding window's retrieval view."""
        cell = self.model.cell(row, column)
        result = self.counted
        if cell is None or result is None:
            return None
        key, group = cell
        project = self.controller.project
        options = self.options()
        # Another program may have written to the project since the table was counted (the
        # window follows this program's changes only): a name it asks for is gone, or the
        # codings behind the cell are not as many as it shows. Read the project again.
        try:
            if isinstance(result, Frequencies):
                assert self.request is not None
                behind = frequency_cell(project, self.request, key, group, self.source)
            else:
                assert key is not None
                behind = cooccurrence_cell(
                    project,
                    Within(options.within),
                    key,
                    group if group is not None else key,
                    coders=self.panel.counted_coders(),
                    codes=options.codes,
                    rows=Rows(options.rows),
                )
        except UserError as error:
            self.reread(f"{error}: {CHANGED_ELSEWHERE}")
            return None
        if behind.count != counted_behind(result, key, group, behind.count):
            self.reread(CHANGED_ELSEWHERE[:1].upper() + CHANGED_ELSEWHERE[1:])
            return None
        label = self.model.text(row, 0)
        if column == 0:
            where = f"{label} (all groups)"
        else:
            where = f"{label} × {self.model.headerData(column, Qt.Orientation.Horizontal)}"
        self.passagesRequested.emit(
            list(behind.codings),
            list(behind.codes),
            None if behind.coders is None else list(behind.coders),
            f"analysis cell {where}",
        )
        return behind

    def reread(self, message: str) -> None:
        """Read the project's codings, articles and names again, count again and say why in
        the window's line under the table."""
        self.source = Source(self.controller.project)
        self._follow_names()
        self.refresh()
        self.note.setText(message)

    # -- saving --------------------------------------------------------------------------------

    def export_table(self, path: Path | None = None) -> Path | None:
        """Write the table as shown (totals and N, then a caption row) as CSV or .xlsx."""
        if not self.grid.lines:
            return None
        if path is None:
            name, chosen = QFileDialog.getSaveFileName(
                self, "Export the table", "analysis-table.csv", TABLE_FILTERS
            )
            if not name:
                return None
            path = Path(name)
            if not path.suffix:
                path = path.with_suffix(".xlsx" if "xlsx" in chosen else ".csv")
        sheet = "frequencies" if isinstance(self.counted, Frequencies) else "co-occurrence"
        try:
            write_table(
                path,
                self.grid.header(),
                self.grid.records(),
                protect=[self.controller.project.path],
                sheet=sheet,
            )
        except (UserError, OSError) as error:
            QMessageBox.warning(self, "Export the table", str(error))
            return None
        self.note.setText(f"Table saved to {path}.")
        return path

    def save_chart(self, path: Path | None = None, dpi: int | None = None) -> Path | None:
        """Write the chart as PNG (at the chosen resolution), SVG or PDF (by the suffix)."""
        if self.counted is None:
            return None
        saved = self.chart.save(
            self,
            self.figure,
            path,
            dpi,
            title="Save the chart",
            suggested="analysis-chart.png",
            protect=[self.controller.project.path],
        )
        if saved is not None:
            self.note.setText(f"Chart saved to {saved}.")
        return saved

    # -- state ---------------------------------------------------------------------------------

    def _title(self) -> None:
        project = self.controller.project
        suffix = " [read-only]" if project.read_only else ""
        self.setWindowTitle(f"Analysis — {project.name}{suffix} — annotator")

    def _restore_state(self) -> None:
        restore_geometry(self, GEOMETRY.get(self.store))
        split = SPLITTER.get(self.store)
        self._fit_table = split.isEmpty() or not self.splitter.restoreState(split)

    def _share_width(self) -> None:
        """Until the user moves the splitter: the table as wide as its columns need, up to
        three fifths of the room (half beside a heat map, which is as tall as it is wide);
        the chart the rest."""
        room = sum(self.splitter.sizes()) or self.splitter.width()
        if room <= 0:
            return
        share = 5 if isinstance(self.counted, Cooccurrence) else 6
        table = min(self.view.needed_width() + 8, room * share // 10)
        table = max(table, room * 2 // 5)
        self.splitter.setSizes([table, room - table])

    def _splitter_moved(self) -> None:
        self._fit_table = False  # the user's choice stands

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fit_table:
            self._share_width()

    def save_state(self) -> None:
        GEOMETRY.set(self.store, self.saveGeometry())
        if not self._fit_table:
            SPLITTER.set(self.store, self.splitter.saveState())
        save(self.store, self.current)
        self.store.sync()

    def release_worker(self) -> None:
        """Before the coding window (and its project) goes: nothing more is counted or
        drawn, and the window closes with it (:func:`annotator.ui.workers.stop_workers`
        calls this)."""
        self._refresh_timer.stop()
        self._chart_timer.stop()
        self._stale = True
        self.close()

    def hideEvent(self, event: QHideEvent) -> None:
        self.save_state()
        if self._refresh_timer.isActive():
            self._stale = True  # counted when shown again
            self._refresh_timer.stop()
        self._chart_timer.stop()
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        super().closeEvent(event)
