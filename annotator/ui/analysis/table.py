"""The Analysis window's table: a :class:`Grid` in a view. Code paths are elided in the
middle (the full path in the tooltip), numbers right-aligned, totals in bold; Ctrl+C copies
the selected cells as tab-separated text; double-click or Enter on a cell asks for the
passages behind it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyle, QTableView, QWidget

from annotator.ui.analysis.grid import Grid, Line
from annotator.ui.models import ROOT, Index
from annotator.ui.models.codebook import swatch

LABEL_WIDTH = 250  # the label column at most (a longer path is elided in the middle)
FIGURE_WIDTH = 104  # a figure's column at most (a long group name is elided in its header)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_DIAGONAL = QBrush(QColor("#EEEEEE"))


def short_name(path: str) -> str:
    """A code's own name, the last step of its path (for a narrow column header)."""
    return path.rsplit(" > ", 1)[-1]


class GridModel(QAbstractTableModel):
    """Column 0 is the label (code, dimension, Total, N articles); then a column per group,
    and Total (or, for co-occurrence, a column per code and how often each was coded)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = Grid("", (), (), (), "")
        self.bold = QFont()
        self.bold.setBold(True)

    def set_grid(self, grid: Grid) -> None:
        self.beginResetModel()
        self.grid = grid
        self.endResetModel()

    def line(self, row: int) -> Line:
        return self.grid.lines[row]

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.grid.lines)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.grid.columns) + 1

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        header = self.grid.header()
        if section >= len(header):
            return None
        name = header[section]
        if role == Qt.ItemDataRole.DisplayRole:
            # The matrix's columns are codes: their own names, the paths in the tooltips.
            return short_name(name) if self.grid.diagonal and section else name
        if role == Qt.ItemDataRole.ToolTipRole:
            return name
        if role == Qt.ItemDataRole.TextAlignmentRole and section:
            return _RIGHT
        return None

    def text(self, row: int, column: int) -> str:
        """What the cell shows (and Ctrl+C copies)."""
        line = self.grid.lines[row]
        return line.label if column == 0 else self.grid.text(line, column - 1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        line = self.grid.lines[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(index.row(), column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(line, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column:
            return _RIGHT
        if role == Qt.ItemDataRole.DecorationRole and column == 0 and line.color:
            return swatch(line.color)
        if role == Qt.ItemDataRole.FontRole and (
            line.kind != "row" or (column == len(self.grid.columns) and not self.grid.diagonal)
        ):
            return self.bold
        if (
            role == Qt.ItemDataRole.BackgroundRole
            and self.grid.diagonal
            and column
            and line.key == self.grid.keys[column - 1]
        ):
            return _DIAGONAL
        return None

    def _tip(self, line: Line, column: int) -> str:
        if column == 0:
            return line.label
        if line.kind == "articles":
            return f"{line.label} in {self.grid.columns[column - 1]}: every article of the group"
        if self.grid.diagonal and line.key == self.grid.keys[column - 1]:
            return ""
        return (
            f"{line.label} × {self.grid.columns[column - 1]}: {self.grid.text(line, column - 1)}"
            " — double-click or Enter lists the passages"
        )

    def cell(self, row: int, column: int) -> tuple[str | None, str | None] | None:
        """The (row, group) a cell stands for (``None`` for a total), or ``None`` when it
        stands for no passages (N articles, a code with itself)."""
        line = self.grid.lines[row]
        if line.kind == "articles":
            return None
        key = None if column == 0 else self.grid.keys[column - 1]
        if self.grid.diagonal and key is not None and key == line.key:
            return None
        return line.key, key


class GridView(QTableView):
    """The table: copy with Ctrl+C, open a cell with Enter or a double-click."""

    #: The (row, column) of a cell the user opened.
    cellOpened = Signal(int, int)

    def __init__(self, model: GridModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.grid_model = model
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.horizontalHeader().setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.doubleClicked.connect(lambda index: self.cellOpened.emit(index.row(), index.column()))
        model.modelReset.connect(self._fit_columns)

    def _fit_columns(self) -> None:
        """Numbers as wide as they need; labels up to :data:`LABEL_WIDTH`. Measured from
        the header and the widest figure of each column (its largest, its totals), not by
        asking the model for every cell: a table can have a million."""
        self.resizeColumnToContents(0)
        if self.columnWidth(0) > LABEL_WIDTH:
            self.setColumnWidth(0, LABEL_WIDTH)
        grid = self.grid_model.grid
        metrics = self.fontMetrics()
        bold = QFontMetrics(self.grid_model.bold)
        header = self.horizontalHeader()
        padding = 2 * self.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin) + 12
        for column, text in enumerate(grid.widest(), start=1):
            name = str(self.grid_model.headerData(column, Qt.Orientation.Horizontal))
            width = max(
                header.fontMetrics().horizontalAdvance(name),
                metrics.horizontalAdvance(text),
                bold.horizontalAdvance(text),
            )
            self.setColumnWidth(column, min(max(width + padding, 56), FIGURE_WIDTH))

    def needed_width(self) -> int:
        """The width that shows every column (frame and scroll bar included)."""
        header = self.horizontalHeader()
        columns = sum(header.sectionSize(c) for c in range(header.count()))
        return columns + 2 * self.frameWidth() + self.verticalScrollBar().sizeHint().width() + 4

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            index = self.currentIndex()
            if index.isValid():
                self.cellOpened.emit(index.row(), index.column())
            return
        super().keyPressEvent(event)

    def copied_text(self) -> str:
        """The selected cells as tab-separated lines (the rectangle around them; cells
        inside it that are not selected are left empty)."""
        selected = self.selectionModel().selectedIndexes()
        if not selected:
            return ""
        chosen = {(i.row(), i.column()) for i in selected}
        rows = range(min(r for r, _ in chosen), max(r for r, _ in chosen) + 1)
        columns = range(min(c for _, c in chosen), max(c for _, c in chosen) + 1)
        return "\n".join(
            "\t".join(self.grid_model.text(r, c) if (r, c) in chosen else "" for c in columns)
            for r in rows
        )

    def copy(self) -> str:
        text = self.copied_text()
        if text:
            QGuiApplication.clipboard().setText(text)
        return text

    def current_cell(self) -> QModelIndex:
        return self.currentIndex()
