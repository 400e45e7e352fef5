"""The keyword-in-context table: the left context right-aligned and cut on the left (the
words nearest the hit stay in sight), the hit in bold; Enter or a double-click opens the hit
in the reader, Space ticks the selected rows."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from annotator.services.search import Hit
from annotator.ui.panels import one_line_rows
from annotator.ui.search.hits_model import ARTICLE, FIXED_COLUMNS, HIT, LEFT, RIGHT, HitsModel

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
    """The hits, one line each. The columns share the view's width (the contexts most) until
    the user resizes one."""

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
        self.horizontalHeader().setStretchLastSection(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        one_line_rows(self)
        #: Whether the columns follow the view's width (until the user resizes one).
        self.fitted = True
        self._fitting = False
        self.horizontalHeader().sectionResized.connect(self._resized_by_user)
        self.doubleClicked.connect(lambda index: self._activate(index.row()))
        self.fit()

    def _resized_by_user(self, *_: object) -> None:
        if not self._fitting:
            self.fitted = False

    def fit(self) -> None:
        """Share the width: a variable column each a tenth at most, the hit as wide as the
        widest of the first page, the rest to the article (a fifth) and the contexts."""
        if not self.fitted:
            return
        model = self.hits_model
        width = max(self.viewport().width(), 500)
        variables = model.columnCount() - len(FIXED_COLUMNS)
        each = min(110, width // 10)
        metrics = self.fontMetrics()
        widest = max(
            (
                metrics.horizontalAdvance(model.index(r, HIT).data() or "")
                for r in range(min(model.rowCount(), 200))
            ),
            default=60,
        )
        hit = min(max(widest * 11 // 10 + 16, 70), 220)
        rest = max(width - hit - each * variables, 300)
        self._fitting = True
        try:
            self.setColumnWidth(ARTICLE, rest * 20 // 100)
            self.setColumnWidth(LEFT, rest * 40 // 100)
            self.setColumnWidth(HIT, hit)
            self.setColumnWidth(RIGHT, rest - rest * 20 // 100 - rest * 40 // 100)
            for column in range(len(FIXED_COLUMNS), model.columnCount()):
                self.setColumnWidth(column, each)
        finally:
            self._fitting = False

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()

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
