"""The keyword-in-context table: the left context right-aligned and cut on the left (the
words nearest the hit stay in sight), the hit in bold; Enter or a double-click opens the hit
in the reader, Space ticks the selected rows."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from annotator.services.search import Hit
from annotator.ui.panels import one_line_rows
from annotator.ui.search.hits_model import HIT, LEFT, RIGHT, HitsModel

#: Keys of the hits table (listed by Help → Keyboard shortcuts).
HITS_KEYS = (
    ("Enter", "Open the hit in the reader, selected (or double-click it)", "Search"),
    ("Space", "Tick or untick the selected hits", "Search"),
)


class _LeftElided(QStyledItemDelegate):
    """Cuts a left context on its left: the words beside the hit are what the reader needs."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideLeft  # type: ignore[attr-defined]


class HitsView(QTableView):
    """The hits, one line each."""

    #: A hit should be shown in the reader.
    hitActivated = Signal(object)

    def __init__(self, model: HitsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hits_model = model
        self.setModel(model)
        self.setItemDelegateForColumn(LEFT, _LeftElided(self))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # In the order found until a column is chosen; set first, or enabling sorting sorts.
        self.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(True)
        self.horizontalHeader().setStretchLastSection(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        one_line_rows(self)
        self.setColumnWidth(0, 240)
        self.setColumnWidth(LEFT, 300)
        self.setColumnWidth(HIT, 120)
        self.setColumnWidth(RIGHT, 300)
        self.doubleClicked.connect(lambda index: self._activate(index.row()))

    def selected_rows(self) -> list[int]:
        return sorted({index.row() for index in self.selectionModel().selectedRows()})

    def current_hit(self) -> Hit | None:
        index = self.currentIndex()
        return self.hits_model.hit(index.row()) if index.isValid() else None

    def _activate(self, row: int) -> None:
        if 0 <= row < self.hits_model.rowCount():
            self.hitActivated.emit(self.hits_model.hit(row))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._activate(self.currentIndex().row())
            event.accept()
            return
        if event.key() == Qt.Key.Key_Space and event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        ):
            rows = self.selected_rows() or (
                [self.currentIndex().row()] if self.currentIndex().isValid() else []
            )
            self.hits_model.toggle(rows)
            event.accept()
            return
        super().keyPressEvent(event)


def fit_columns(view: HitsView, width: int) -> None:
    """Share ``width`` among the article and the contexts, the hit and variables aside."""
    model = view.hits_model
    room = max(width - 40, 400)
    hit = 130
    variables = 110 * len(model.variables)
    rest = max(room - hit - min(variables, room // 4), 300)
    view.setColumnWidth(0, rest * 22 // 100)
    view.setColumnWidth(LEFT, rest * 39 // 100)
    view.setColumnWidth(HIT, hit)
    view.setColumnWidth(RIGHT, rest * 39 // 100)
    for column in range(RIGHT + 1, model.columnCount()):
        view.setColumnWidth(column, 110)
