"""Retrieval: all passages coded with a code or dimension, filterable; double-click jumps there."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.services.changes import Changes
from annotator.ui.controller import Controller
from annotator.ui.models.codebook import swatch
from annotator.ui.models.retrieval import RetrievalModel
from annotator.ui.panels import one_line_rows


class RetrievalPanel(QWidget):
    """Choose a code or a dimension (and a coder); see every coded passage with its context."""

    #: Emitted with (document id, start, end) when a passage should be shown in the reader.
    jumpRequested = Signal(int, object, object)

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.model = RetrievalModel(controller)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(3)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.codes = QComboBox()
        self.codes.setMinimumContentsLength(30)
        self.coders = QComboBox()
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter passages…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.count = QLabel()
        self.view = QTableView()
        self.view.setModel(self.proxy)
        # By article and position until asked; set first, or enabling sorting sorts.
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        one_line_rows(self.view)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setColumnWidth(0, 180)
        self.view.setColumnWidth(1, 70)
        self.view.setColumnWidth(2, 160)
        self.view.doubleClicked.connect(self._jump)
        top = QHBoxLayout()
        top.addWidget(QLabel("Code:"))
        top.addWidget(self.codes, 2)
        top.addWidget(QLabel("Coder:"))
        top.addWidget(self.coders, 1)
        top.addWidget(self.filter, 2)
        top.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self._fill()
        self.codes.currentIndexChanged.connect(self._query)
        self.coders.currentIndexChanged.connect(self._query)
        self.proxy.rowsInserted.connect(self._count)
        self.proxy.modelReset.connect(self._count)
        self.proxy.layoutChanged.connect(self._count)
        self.filter.textChanged.connect(self._count)
        controller.changed.connect(self._on_changed)
        controller.visibilityChanged.connect(self._fill)
        controller.coderChanged.connect(self._fill)

    def _fill(self) -> None:
        """(Re)build the code and coder choices, keeping the current ones."""
        code_id, coder_id = self.codes.currentData(), self.coders.currentData()
        codebook = self.controller.codebook
        for combo in (self.codes, self.coders):
            combo.blockSignals(True)
            combo.clear()
        self.codes.addItem("Choose a code or dimension…", None)
        for dimension in codebook.dimensions():
            self.codes.addItem(
                swatch(dimension.color), f"{dimension.name} (all its codes)", dimension.id
            )
            for code in codebook.walk(dimension.id):
                self.codes.addItem(swatch(code.color), "    " + codebook.path(code.id), code.id)
        visible = self.controller.visible_coder_ids()
        self.coders.addItem("Everyone shown" if visible is None else "Me", None)
        if visible is None:
            for coder in self.controller.project.coders.all():
                self.coders.addItem(coder.name, coder.id)
        for combo, value in ((self.codes, code_id), (self.coders, coder_id)):
            index = combo.findData(value)
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)
        self._query()

    def _on_changed(self, changes: Changes) -> None:
        if changes.codebook or changes.coders:
            self._fill()

    def show_code(self, code_id: int) -> None:
        """Retrieve the passages of a code (or of every code of a dimension)."""
        index = self.codes.findData(code_id)
        if index >= 0:
            self.codes.setCurrentIndex(index)

    def _query(self) -> None:
        code_id = self.codes.currentData()
        if code_id is None or code_id not in self.controller.codebook:
            self.model.query([])
            return
        ids = [code_id, *(c.id for c in self.controller.codebook.walk(code_id))]
        self.model.query(ids, self.coders.currentData())

    def _count(self, *args: object) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(
            f"{shown} passages" if shown == total else f"{shown} of {total} passages"
        )

    def _jump(self, index: QModelIndex) -> None:
        source = self.proxy.mapToSource(index)
        _, document_id, start, end = self.model.coding_at(source.row())
        self.jumpRequested.emit(document_id, start, end)
