"""The keyword-in-context table: the left context right-aligned and cut on the left (the
words nearest the hit stay in sight), the hit in bold; Enter or a double-click opens the hit
in the reader, Space ticks the selected rows."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QMenu,
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
#: Variable columns shown until the user chooses (the first ones of the project).
DEFAULT_VARIABLES = 3


class _LeftElided(QStyledItemDelegate):
    """Cuts a left context on its left: the words beside the hit are what the reader needs."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideLeft  # type: ignore[attr-defined]


class HitsView(QTableView):
    """The hits, one line each. The columns share the view's width (the contexts and the hit
    first) until the user resizes one. Of the variables, a few are shown (the first ones,
    or those the user chose by right-clicking a heading)."""

    #: A hit should be shown in the reader.
    hitActivated = Signal(object)
    #: The user chose which variables to show (their names, in the project's order).
    variablesChosen = Signal(list)

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
        #: The variables shown by name (None: the first :data:`DEFAULT_VARIABLES`).
        self.shown_variables: list[str] | None = None
        self.horizontalHeader().sectionResized.connect(self._resized_by_user)
        header = self.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        model.modelReset.connect(self.show_variables)
        self.doubleClicked.connect(lambda index: self._activate(index.row()))
        self.fit()

    def _resized_by_user(self, column: int, old: int, new: int) -> None:
        # A hidden column shown or hidden again (the header does it when rows are sorted)
        # is not the user's resizing.
        if not self._fitting and old and new and not self.isColumnHidden(column):
            self.fitted = False

    # -- the variables shown ---------------------------------------------------------------

    def is_shown(self, name: str) -> bool:
        """Whether a variable's column is shown."""
        if self.shown_variables is None:
            names = [v.name for v in self.hits_model.variables]
            return name in names[:DEFAULT_VARIABLES]
        return name in self.shown_variables

    def show_variables(self) -> None:
        """Show the chosen variables' columns, hide the others (after a new search too)."""
        self._fitting = True  # hiding a column resizes it: not the user's doing
        try:
            for offset, variable in enumerate(self.hits_model.variables):
                column = len(FIXED_COLUMNS) + offset
                self.setColumnHidden(column, not self.is_shown(variable.name))
        finally:
            self._fitting = False
        self.fit()

    def set_variable_shown(self, name: str, shown: bool) -> None:
        """Show or hide a variable's column (remembered: :attr:`variablesChosen`)."""
        names = [v.name for v in self.hits_model.variables]
        chosen = [n for n in names if self.is_shown(n) and n != name]
        if shown:
            chosen.append(name)
        kept = [n for n in (self.shown_variables or []) if n not in names]  # other projects'
        self.shown_variables = kept + [n for n in names if n in chosen]
        self.fitted = True  # the new columns share the width again
        self.show_variables()
        self.variablesChosen.emit(list(self.shown_variables))

    def variables_menu(self) -> QMenu:
        """The heading's menu: each variable, ticked where its column is shown."""
        menu = QMenu(self)
        menu.setToolTipsVisible(True)
        for variable in self.hits_model.variables:
            action = menu.addAction(variable.name)
            action.setCheckable(True)
            action.setChecked(self.is_shown(variable.name))
            action.toggled.connect(lambda on, name=variable.name: self.set_variable_shown(name, on))
        if not self.hits_model.variables:
            menu.addAction("No variables").setEnabled(False)
        return menu

    def _header_menu(self, point: QPoint) -> None:
        menu = self.variables_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.horizontalHeader().mapToGlobal(point))

    # -- widths ------------------------------------------------------------------------------

    def fit(self) -> None:
        """Share the width: the hit as wide as the widest of the first page, the variables
        shown a twelfth each and together at most three tenths, the rest to the article (a
        fifth) and the contexts."""
        if not self.fitted:
            return
        model = self.hits_model
        width = max(self.viewport().width(), 500)
        variables = sum(
            not self.isColumnHidden(c) for c in range(len(FIXED_COLUMNS), model.columnCount())
        )
        each = min(110, width // 12, width * 3 // 10 // max(variables, 1))
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
