"""The chart beside the table: the figure the command line saves, embedded in a Qt canvas,
with its kind (bars, stacked bars, lines) and "Save chart…" (PNG at a chosen resolution, SVG,
PDF). Without matplotlib the pane says in one line what to install; the table works on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from annotator.analysis.charts import EXTRA
from annotator.domain.errors import UserError
from annotator.io.chart_files import save_chart
from annotator.services.analysis_charts import ChartKind

if TYPE_CHECKING:
    from matplotlib.figure import Figure

KIND_LABELS = {
    ChartKind.BARS: "bars",
    ChartKind.STACKED: "stacked bars",
    ChartKind.LINES: "lines",
}
DPI_CHOICES = (150, 300, 600)
NO_MATPLOTLIB = f"Charts need the optional package matplotlib: {EXTRA}"
CHART_FILTERS = "PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"


SCREEN_DPI = 100.0  # a chart is drawn at most this large on screen
SMALLEST_DPI = 62.0  # and at least this large (smaller, its text is hard to read)
SQUEEZE = 0.6  # a figure is squeezed to this share of its width at SMALLEST_DPI, then scrolls


def canvas_class() -> Any:
    """matplotlib's Qt canvas, fitted to its pane: or ``None`` when matplotlib is not
    installed."""
    try:
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
    except ImportError:
        return None

    class FittedCanvas(FigureCanvasQTAgg):  # type: ignore[misc]
        """The figure as saved, scaled down to fit a pane narrower than it (rather than
        squeezed, which lays its labels over each other) as far as its text stays legible,
        squeezed beyond; the height is the pane's (the axes take what the figure gains)."""

        def __init__(self, figure: Figure) -> None:
            self.natural = tuple(figure.get_size_inches())
            super().__init__(figure)

        def resizeEvent(self, event: Any) -> None:
            fit = event.size().width() / self.natural[0]
            dpi = max(SMALLEST_DPI, min(SCREEN_DPI, fit))
            self.figure.set_dpi(dpi * self.device_pixel_ratio)
            super().resizeEvent(event)

    return FittedCanvas


class ChartPane(QWidget):
    """The chart (or a one-line message in its place) under its kind and Save chart…."""

    #: The user chose another kind of chart.
    kindChanged = Signal(str)
    #: The user asked to save the chart.
    saveRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = QComboBox()
        for kind, label in KIND_LABELS.items():
            self.kind.addItem(label, kind.value)
        self.kind.setToolTip("How the frequency table is drawn")
        self.kind.currentIndexChanged.connect(
            lambda _: self.kindChanged.emit(str(self.kind.currentData()))
        )
        self.dpi = QComboBox()
        for dpi in DPI_CHOICES:
            self.dpi.addItem(f"{dpi} dpi", dpi)
        self.dpi.setCurrentIndex(DPI_CHOICES.index(300))
        self.dpi.setToolTip("The resolution of a chart saved as PNG (SVG and PDF scale)")
        self.save_button = QPushButton("Save c&hart…")
        self.save_button.setToolTip("Save the chart as PNG, SVG or PDF")
        self.save_button.clicked.connect(self.saveRequested.emit)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.canvas: QWidget | None = None
        self.figure: Figure | None = None
        bar = QHBoxLayout()
        self.kind_label = QLabel("C&hart:")
        self.kind_label.setBuddy(self.kind)
        bar.addWidget(self.kind_label)
        bar.addWidget(self.kind)
        bar.addStretch(1)
        bar.addWidget(self.dpi)
        bar.addWidget(self.save_button)
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.hide()
        self.area = QVBoxLayout()
        self.area.setContentsMargins(0, 0, 0, 0)
        self.area.addWidget(self.message, 1)
        self.area.addWidget(self.scroller, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addLayout(self.area, 1)

    def set_kind(self, kind: str, *, enabled: bool = True) -> None:
        """Show ``kind`` as chosen (without saying so); ``enabled`` False for a chart of one
        kind only (the heat map), which hides the choice."""
        self.kind.blockSignals(True)
        self.kind.setCurrentIndex(max(self.kind.findData(kind), 0))
        self.kind.blockSignals(False)
        self.kind.setEnabled(enabled)
        self.kind.setVisible(enabled)
        self.kind_label.setVisible(enabled)

    def chosen_kind(self) -> str:
        return str(self.kind.currentData())

    def chosen_dpi(self) -> int:
        return int(self.dpi.currentData())

    def save(
        self,
        parent: QWidget,
        draw: Callable[[], Figure],
        path: Path | None,
        dpi: int | None,
        *,
        title: str,
        suggested: str,
        protect: list[Path | None],
    ) -> Path | None:
        """Write the chart ``draw`` makes to ``path`` (None: where the user chooses, asked
        in a dialog titled ``title`` over ``parent``) as PNG at ``dpi`` (None: the resolution
        chosen here), SVG or PDF, by the suffix (a name chosen without one takes the type
        chosen). The path written, or None: cancelled, or not written (said in a warning)."""
        if path is None:
            name, chosen = QFileDialog.getSaveFileName(parent, title, suggested, CHART_FILTERS)
            if not name:
                return None
            path = Path(name)
            if not path.suffix:
                suffix = next((s for s in (".svg", ".pdf") if s[1:].upper() in chosen), ".png")
                path = path.with_suffix(suffix)
        try:
            save_chart(draw(), path, dpi or self.chosen_dpi(), protect=protect)
        except (UserError, OSError) as error:
            QMessageBox.warning(parent, title, str(error))
            return None
        return path

    def show_figure(self, figure: Figure) -> None:
        """Draw ``figure`` in the pane (a new canvas: the old one goes with its figure)."""
        canvas = canvas_class()
        if canvas is None:
            self.show_message(NO_MATPLOTLIB)
            return
        self._drop_canvas()
        self.figure = figure
        self.canvas = canvas(figure)
        width, height = figure.get_size_inches()
        # Narrower than this, its labels would run into each other: the pane scrolls instead.
        self.canvas.setMinimumSize(
            int(width * SMALLEST_DPI * SQUEEZE), int(height * SMALLEST_DPI * SQUEEZE)
        )
        self.scroller.setWidget(self.canvas)
        self.scroller.show()
        self.message.hide()
        self.save_button.setEnabled(True)

    def hold(self) -> None:
        """The chart shown is out of date (a new one is on its way): it is not drawn again
        meanwhile, not even when the pane is resized (a redraw costs a quarter of a second
        on a large table)."""
        if self.canvas is not None:
            self.canvas.setUpdatesEnabled(False)

    def show_message(self, text: str) -> None:
        """One line in place of the chart (matplotlib missing, nothing to draw)."""
        self._drop_canvas()
        self.figure = None
        self.message.setText(text)
        self.message.show()
        self.save_button.setEnabled(False)

    def _drop_canvas(self) -> None:
        if self.canvas is not None:
            self.scroller.takeWidget()
            self.canvas.hide()
            self.canvas.deleteLater()
            self.canvas = None
        self.scroller.hide()
