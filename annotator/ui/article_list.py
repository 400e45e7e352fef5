"""The list of articles: filter by words and by variables, sort by any column, choose the
columns shown."""

from __future__ import annotations

import json

from PySide6.QtCore import QModelIndex, QPoint, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserError
from annotator.domain.model import VariableType
from annotator.ui import settings
from annotator.ui.article_filter import Condition, Match
from annotator.ui.controller import Controller
from annotator.ui.dialogs.variable_filter import VariableFilterDialog
from annotator.ui.models import refilter
from annotator.ui.models.documents import (
    DOCUMENT_ID_ROLE,
    FIXED_COLUMNS,
    NAME_ROLE,
    TITLE,
    DocumentsModel,
)
from annotator.ui.panels import one_line_rows, titled

FILTER_BAR_STYLE = (
    "#filterBar { background: #FFF4CE; border: 1px solid #E0C36A; border-radius: 4px; }"
)


class DocumentsFilter(QSortFilterProxyModel):
    """The articles whose name, status or variables contain the filter's words and whose
    variables meet every condition (one per variable). Sorting is the source model's own (one
    pass in Python, where this proxy would call back for every comparison); this proxy keeps
    the order it is given."""

    def __init__(self, model: DocumentsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSourceModel(model)
        self.documents = model
        self._words = ""
        self._conditions: dict[str, Condition] = {}

    def words(self) -> str:
        return self._words

    def set_words(self, text: str) -> None:
        refilter(self, lambda: setattr(self, "_words", text.strip().casefold()))

    def conditions(self) -> list[Condition]:
        return list(self._conditions.values())

    def set_conditions(self, conditions: list[Condition]) -> None:
        """Filter by these conditions (a later one on the same variable replaces an earlier)."""
        refilter(self, lambda: setattr(self, "_conditions", {c.variable: c for c in conditions}))

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:
        if not (self._conditions or self._words):  # asked for every row after each sort
            return True
        model = self.documents
        for condition in self._conditions.values():  # cheap: each variable read once
            if not condition.accepts(model.value(source_row, condition.variable)):
                return False
        return not self._words or model.matches(source_row, self._words)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.documents.sort(column, order)


class FilterBar(QFrame):
    """What the list is filtered by, each condition with a button to remove it, how many
    articles are shown, and a button to clear every filter."""

    removeRequested = Signal(str)  # a variable's name
    clearRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterBar")
        self.setStyleSheet(FILTER_BAR_STYLE)
        self.rows = QVBoxLayout()
        self.rows.setSpacing(2)
        self.count = QLabel()
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setToolTip("Show every article again")
        self.clear_button.clicked.connect(self.clearRequested)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(2)
        layout.addLayout(self.rows)
        layout.addLayout(bottom)
        self.labels: list[QLabel] = []
        self._shown: list[tuple[str, str]] = []
        self.hide()

    def show_filters(self, conditions: list[Condition], words: str, shown: int, total: int) -> None:
        rows = [(c.describe(), c.variable) for c in conditions]
        if words:
            rows.insert(0, (f"words: “{words}”", ""))
        if rows != self._shown:  # the lines change with the filters, not with each count
            self._show_rows(rows)
        self.count.setText(f"<b>{shown}</b> of {total} articles shown")
        self.clear_button.setVisible(bool(conditions))
        self.setVisible(bool(rows))

    def _show_rows(self, rows: list[tuple[str, str]]) -> None:
        """One line per filter: what it lets through, and (for a variable) a button to remove
        it."""
        self._shown = rows
        while self.rows.count():
            item = self.rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.labels = []
        for text, variable in rows:
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            label = QLabel(text)
            label.setTextFormat(Qt.TextFormat.PlainText)  # values are shown as they are
            label.setToolTip(text)
            self.labels.append(label)
            line.addWidget(label, 1)
            if variable:
                remove = QToolButton()
                remove.setText("✕")
                remove.setAutoRaise(True)
                remove.setToolTip(f"Remove the filter on {variable}")
                remove.clicked.connect(lambda _=False, v=variable: self.removeRequested.emit(v))
                line.addWidget(remove)
            self.rows.addWidget(row)

    def texts(self) -> list[str]:
        """What the bar says, line by line (for tests and screen readers)."""
        return [label.text() for label in self.labels] + [self.count.text()]


class DocumentsPanel(QWidget):
    """Filterable, sortable list of articles; choosing one opens it."""

    #: The user asked to see or edit an article's variables (its id).
    variablesRequested = Signal(int)

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.store = settings.open_settings()
        self.hidden = _hidden_columns(settings.HIDDEN_COLUMNS.get(self.store))
        self.model = DocumentsModel(controller)
        self.proxy = DocumentsFilter(self.model, self)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter articles…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.set_words)
        self.filter_button = QToolButton()
        self.filter_button.setText("By variable")
        self.filter_button.setToolTip(
            "Show only the articles whose variables have the values you choose"
        )
        self.filter_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.filter_button.setMenu(QMenu(self.filter_button))
        self.filter_button.menu().aboutToShow.connect(self._fill_filter_menu)
        self.columns_button = QToolButton()
        self.columns_button.setText("Columns")
        self.columns_button.setToolTip("Choose the columns of the list (variables)")
        self.columns_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.columns_button.setMenu(QMenu(self.columns_button))
        self.columns_button.menu().aboutToShow.connect(
            lambda: self._fill_columns_menu(self.columns_button.menu())
        )
        search = QWidget()
        row = QHBoxLayout(search)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.filter, 1)
        row.addWidget(self.filter_button)
        row.addWidget(self.columns_button)
        self.bar = FilterBar()
        self.bar.removeRequested.connect(self.remove_condition)
        self.bar.clearRequested.connect(self.clear_filters)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        header = self.view.horizontalHeader()
        # Import order until asked; set first, or enabling sorting sorts by name.
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        one_line_rows(self.view)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(
            lambda point: self.header_menu(header.logicalIndexAt(point)).exec(
                header.mapToGlobal(point)
            )
        )
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._cell_menu_at)
        self._set_widths()
        self._apply_columns()
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.progress = QLabel()
        self.progress.setTextFormat(Qt.TextFormat.PlainText)  # "… done by NAME": a name is text
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(titled("Articles", search, self.bar, self.view, self.progress))
        controller.documentOpened.connect(self._select)
        self.model.modelReset.connect(self._after_reset)
        for signal in (
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
            self.proxy.modelReset,
            self.proxy.layoutChanged,
        ):
            signal.connect(self._update_bar)

    # -- opening articles ------------------------------------------------------------------

    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if current.isValid():
            self.controller.open_document(current.data(DOCUMENT_ID_ROLE))

    def _select(self, document_id: int | None) -> None:
        row = None if document_id is None else self.model.row_of(document_id)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if index.isValid() and self.view.currentIndex().row() != index.row():
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index)

    def step(self, offset: int) -> bool:
        """Open the article ``offset`` rows below (or above) the current one, in view order."""
        rows = self.proxy.rowCount()
        if rows == 0:
            return False
        current = self.view.currentIndex()
        row = current.row() + offset if current.isValid() else 0
        if not 0 <= row < rows:
            return False
        self.view.setCurrentIndex(self.proxy.index(row, 0))
        return True

    def shown_names(self) -> list[str]:
        """The names of the articles the list shows, in its order."""
        return [self.proxy.index(row, 0).data(NAME_ROLE) for row in range(self.proxy.rowCount())]

    def shown_headlines(self) -> list[str]:
        """What the list shows for each article (its headline), in its order."""
        return [self.proxy.index(row, 0).data() for row in range(self.proxy.rowCount())]

    # -- filters -----------------------------------------------------------------------------

    def add_condition(self, condition: Condition) -> None:
        """Filter by a variable as well (replacing a condition on the same variable)."""
        self.proxy.set_conditions([*self.proxy.conditions(), condition])
        self._update_bar()

    def remove_condition(self, variable: str) -> None:
        self.proxy.set_conditions([c for c in self.proxy.conditions() if c.variable != variable])
        self._update_bar()

    def clear_filters(self) -> None:
        """Show every article: no condition, no words."""
        self.proxy.set_conditions([])
        self.filter.clear()
        self._update_bar()

    def filter_by(self, variable: str | None = None) -> VariableFilterDialog:
        """Ask for a condition on a variable (the one already set on it shown), then filter."""
        current = next((c for c in self.proxy.conditions() if c.variable == variable), None)
        dialog = VariableFilterDialog(self.model, variable, current, self)
        dialog.accepted.connect(
            lambda: dialog.condition is not None and self.add_condition(dialog.condition)
        )
        dialog.open()
        return dialog

    def _update_bar(self) -> None:
        self.bar.show_filters(
            self.proxy.conditions(),
            self.filter.text().strip(),
            self.proxy.rowCount(),
            self.model.rowCount(),
        )

    def _fill_filter_menu(self) -> None:
        menu = self.filter_button.menu()
        menu.clear()
        variables = self.model.variables()
        if not variables:
            menu.addAction("The project has no variables").setEnabled(False)
        for variable in variables:
            menu.addAction(
                _menu_text(f"{variable.name}…"), lambda v=variable.name: self.filter_by(v)
            )
        if self.proxy.conditions():
            menu.addSeparator()
            menu.addAction("Clear filters", self.clear_filters)

    # -- columns -----------------------------------------------------------------------------

    def header_menu(self, column: int) -> QMenu:
        """The header's context menu: the columns to show, and a filter on this column."""
        menu = QMenu(self)
        variable = self.model.variable_at(column)
        if variable is not None:
            menu.addAction(
                _menu_text(f"Filter by {variable.name}…"), lambda: self.filter_by(variable.name)
            )
            menu.addSeparator()
        self._fill_columns_menu(menu)
        return menu

    def _fill_columns_menu(self, menu: QMenu) -> None:
        if menu is self.columns_button.menu():
            menu.clear()
        for title in self.model.column_titles()[1:]:  # the article's name is always shown
            action = QAction(_menu_text(title), menu)
            action.setCheckable(True)
            action.setChecked(title not in self.hidden)
            action.toggled.connect(lambda shown, t=title: self.show_column(t, shown))
            menu.addAction(action)

    def show_column(self, title: str, shown: bool) -> None:
        """Show or hide a column; the choice is kept for the next session."""
        if shown:
            self.hidden.discard(title)
        else:
            self.hidden.add(title)
        settings.HIDDEN_COLUMNS.set(self.store, json.dumps(sorted(self.hidden)))
        self.store.sync()  # kept even if the session ends without closing the window
        self._apply_columns()

    def shown_columns(self) -> list[str]:
        """The titles of the columns shown, left to right."""
        titles = self.model.column_titles()
        return [titles[c] for c in range(len(titles)) if not self.view.isColumnHidden(c)]

    def _apply_columns(self) -> None:
        for column, title in enumerate(self.model.column_titles()):
            self.view.setColumnHidden(column, column > 0 and title in self.hidden)

    def _set_widths(self) -> None:
        for column, width in enumerate((230, 80, 60)):
            self.view.setColumnWidth(column, width)
        for variable in self.model.variables():
            column = self.model.column_of(variable.name)
            if column is not None:
                self.view.setColumnWidth(column, WIDTHS.get(variable.type, 110))

    def _after_reset(self) -> None:
        """New variables (an import): columns, widths, sort indicator and filters follow."""
        self._set_widths()
        self._apply_columns()
        header = self.view.horizontalHeader()
        blocked = header.blockSignals(True)  # the model is sorted already
        header.setSortIndicator(self.model.sort_column(), self.model.sort_order())
        header.blockSignals(blocked)
        header.viewport().update()
        names = {v.name for v in self.model.variables()}
        conditions = self.proxy.conditions()
        if any(c.variable not in names for c in conditions):
            self.proxy.set_conditions([c for c in conditions if c.variable in names])
        self._update_bar()

    # -- a cell's context menu -----------------------------------------------------------------

    def _cell_menu_at(self, point: QPoint) -> None:
        index = self.view.indexAt(point)
        if index.isValid():
            self.cell_menu(index).exec(self.view.viewport().mapToGlobal(point))

    def cell_menu(self, index: QModelIndex) -> QMenu:
        """Filter by the value under the mouse, or open the article's variables."""
        menu = QMenu(self)
        source = self.proxy.mapToSource(index)
        variable = self.model.variable_at(source.column())
        if variable is not None:
            value = self.model.value(source.row(), variable.name)
            condition = _same_value(variable.name, variable.type, value)
            shown = f"“{value}”" if value else "no value"
            menu.addAction(
                _menu_text(f"Only articles with {variable.name} {shown}"),
                lambda: self.add_condition(condition),
            )
            menu.addAction(
                _menu_text(f"Filter by {variable.name}…"), lambda: self.filter_by(variable.name)
            )
            menu.addSeparator()
        document_id = self.model.document_id(source.row())
        menu.addAction(
            "Variables of this article…", lambda: self.variablesRequested.emit(document_id)
        )
        return menu


WIDTHS = {VariableType.DATE: 90, VariableType.NUMBER: 70}


def _same_value(name: str, type_: VariableType, value: str) -> Condition:
    if not value:
        return Condition(name, type_, Match.EMPTY)
    if type_ in (VariableType.DATE, VariableType.NUMBER):
        try:
            return Condition.range_of(name, type_, value, value)
        except UserError:  # a value its type cannot hold (another program wrote it)
            pass
    return Condition(name, type_, Match.IS, text=value)


def _hidden_columns(saved: str) -> set[str]:
    """The column titles hidden, from the setting (a JSON list; anything else hides none).
    Until the user chooses, the title column is hidden: the Article column shows it."""
    if not saved:
        return {TITLE}
    try:
        titles = json.loads(saved) if saved else []
    except ValueError:
        return set()
    if not isinstance(titles, list):
        return set()
    return {t for t in titles if isinstance(t, str) and t != FIXED_COLUMNS[0]}


def _menu_text(text: str) -> str:
    """``text`` as a menu shows it: an ``&`` in a name (AT&T) is not a shortcut mark."""
    return text.replace("&", "&&")
