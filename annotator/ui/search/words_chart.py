"""The word-frequency bar chart: the analysis package's bar chart (one implementation for
the command line and the windows) in a Qt canvas. Without matplotlib (an optional extra) the
pane says in one line what to install, and the table beside it works on."""

from __future__ import annotations

import warnings
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from annotator.analysis.chart_fonts import GLYPH_NOISE
from annotator.analysis.charts import EXTRA, bar_chart
from annotator.domain.errors import UserError
from annotator.services.word_frequencies import WordCount

#: The chart shows at most this many words (the table shows them all), fewer in a narrow
#: pane: a word's slanted label needs about this many pixels.
CHART_WORDS = 25
PIXELS_A_WORD = 30
BAR_COLOR = "#7BA7D9"
NO_MATPLOTLIB = f"The chart needs the optional package matplotlib: {EXTRA}"


def canvas_of(figure: Any) -> QWidget | None:
    """matplotlib's Qt canvas for ``figure`` (None without matplotlib). A word no font draws
    is drawn as a box, without matplotlib's warning per missing character."""
    try:
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
    except ImportError:
        return None

    class QuietCanvas(FigureCanvasQTAgg):  # type: ignore[misc]
        def draw(self) -> None:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", GLYPH_NOISE, UserWarning)
                super().draw()

    canvas: QWidget = QuietCanvas(figure)
    return canvas


def chart_words(width: int) -> int:
    """How many words a chart ``width`` pixels wide shows."""
    return max(10, min(CHART_WORDS, width // PIXELS_A_WORD))


class WordsChart(QWidget):
    """The most frequent words as bars (or a line saying why there is no chart)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.canvas: QWidget | None = None
        self.figure: Any = None
        self._words: list[WordCount] = []
        self._title = ""
        self._shown = 0
        # Resized: drawn again (once the resizing pauses) with as many words as now fit.
        self._redraw = QTimer(self)
        self._redraw.setSingleShot(True)
        self._redraw.setInterval(150)
        self._redraw.timeout.connect(self._fit)
        self.area = QVBoxLayout(self)
        self.area.setContentsMargins(0, 0, 0, 0)
        self.area.addWidget(self.message, 1)

    def show_words(self, words: list[WordCount], title: str) -> None:
        """Draw the first words (:data:`CHART_WORDS`, or as many as the pane's width takes)."""
        self._words, self._title = words, title
        shown = words[: chart_words(self.width())]
        self._shown = len(shown)
        if not shown:
            self._show_message("No words to draw.")
            return
        try:
            figure = bar_chart(
                ["occurrences"],
                [w.word for w in shown],
                [[float(w.count) for w in shown]],
                colors=[BAR_COLOR],
                stacked=False,
                title=title,
                value_label="occurrences",
            )
        except UserError:  # matplotlib is not installed
            self._show_message(NO_MATPLOTLIB)
            return
        for legend in figure.legends:  # one series: its name is the axis label already
            legend.remove()
        canvas = canvas_of(figure)
        if canvas is None:
            self._show_message(NO_MATPLOTLIB)
            return
        self._drop_canvas()
        canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        canvas.setMinimumSize(200, 150)
        self.canvas, self.figure = canvas, figure
        self.message.hide()
        self.area.addWidget(canvas, 1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.canvas is not None:
            self._redraw.start()

    def _fit(self) -> None:
        if self._words and chart_words(self.width()) != self._shown:
            self.show_words(self._words, self._title)

    def _show_message(self, text: str) -> None:
        self._drop_canvas()
        self.message.setText(text)
        self.message.show()

    def _drop_canvas(self) -> None:
        if self.canvas is not None:
            self.area.removeWidget(self.canvas)
            self.canvas.deleteLater()
            self.canvas, self.figure = None, None
