"""The list of articles: filter by words and by variables, sort by any column."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.ui.controller import Controller
from annotator.ui.models import refilter
from annotator.ui.models.documents import DOCUMENT_ID_ROLE, DocumentsModel
from annotator.ui.panels import one_line_rows, titled


class DocumentsFilter(QSortFilterProxyModel):
    """The articles whose name, status or variables contain the filter's words. Sorting is
    the source model's own (one pass in Python, where this proxy would call back for every
    comparison); this proxy keeps the order it is given."""

    def __init__(self, model: DocumentsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSourceModel(model)
        self.documents = model
        self._words = ""

    def set_words(self, text: str) -> None:
        refilter(self, lambda: setattr(self, "_words", text.strip().casefold()))

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:
        return not self._words or self.documents.matches(source_row, self._words)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.documents.sort(column, order)


class DocumentsPanel(QWidget):
    """Filterable, sortable list of articles; choosing one opens it."""

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.model = DocumentsModel(controller)
        self.proxy = DocumentsFilter(self.model, self)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter articles…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.set_words)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        # Import order until asked; set first, or enabling sorting sorts by name.
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        one_line_rows(self.view)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.setColumnWidth(0, 170)
        self.view.setColumnWidth(1, 80)
        self.view.setColumnWidth(2, 60)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.progress = QLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(titled("Articles", self.filter, self.view, self.progress))
        controller.documentOpened.connect(self._select)

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
