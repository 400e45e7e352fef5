"""The panels around the reader: articles, codebook, and this article's codings."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.model import Code
from annotator.ui.controller import Controller
from annotator.ui.models.codebook import CodebookModel
from annotator.ui.models.codings import (
    CODER_COLUMN,
    CODING_ID_ROLE,
    MEMO_COLUMN,
    PASSAGE_COLUMN,
    ArticleCodingsModel,
)


def one_line_rows(view: QTableView, padding: int = 6) -> None:
    """Rows of one line of text, all the same height, no row numbers. Fixed heights let the
    view skip measuring rows when a long list is reset."""
    header = view.verticalHeader()
    header.hide()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    header.setDefaultSectionSize(view.fontMetrics().height() + padding)
    view.setWordWrap(False)


def needed_width(view: QTableView, columns: int = 3) -> int:
    """The width that shows a table's first ``columns`` visible columns whole (frame and
    scroll bar included): what a side pane needs so that none of them is cut off; columns
    beyond (a list's optional variables) are reached by scrolling or a wider pane."""
    header = view.horizontalHeader()
    shown = [c for c in range(header.count()) if not header.isSectionHidden(c)][:columns]
    width = sum(header.sectionSize(c) for c in shown)
    chrome = 2 * view.frameWidth() + view.verticalScrollBar().sizeHint().width() + 12
    return width + chrome


def titled(title: str, *widgets: QWidget) -> QWidget:
    panel = QWidget()
    layout = QVBoxLayout(panel)
    layout.setContentsMargins(4, 4, 4, 4)
    layout.setSpacing(4)
    label = QLabel(f"<b>{title}</b>")
    layout.addWidget(label)
    for widget in widgets:
        layout.addWidget(widget)
    return panel


class CodebookView(QTreeView):
    """The codebook tree; a passage dragged from the reader can be dropped on a code."""

    codeActivated = Signal(int)

    def __init__(self, model: CodebookModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformRowHeights(True)
        self.setAllColumnsShowFocus(True)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Fixed widths: measuring contents again on every count change costs milliseconds.
        width = self.fontMetrics().horizontalAdvance("Project") + 16
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width if column > 1 else width * 2 // 3)
        # The names need room before the counts do: in a narrow pane the counts step aside.
        self.name_room = self.fontMetrics().horizontalAdvance("Overseas worker") + 48
        self.counts_room = self.name_room + width * 2 // 3 + 2 * width  # key and both counts
        self.expandAll()
        model.modelReset.connect(self.expandAll)
        self.clicked.connect(self._clicked)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        header = self.header()
        narrow = self.viewport().width() < self.counts_room
        for column in (2, 3):
            if header.isSectionHidden(column) != narrow:
                header.setSectionHidden(column, narrow)

    def codebook_model(self) -> CodebookModel:
        model = self.model()
        assert isinstance(model, CodebookModel)
        return model

    def current_code(self) -> Code | None:
        return self.codebook_model().code_at(self.currentIndex())

    def _clicked(self, index: QModelIndex) -> None:
        code = self.codebook_model().code_at(index)
        if code is not None and not code.is_dimension:
            self.codeActivated.emit(code.id)


class CodingsPanel(QWidget):
    """This article's codings; selecting one shows its passage, the memo is edited in place."""

    codingChosen = Signal(int)

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ArticleCodingsModel(controller)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        one_line_rows(self.view, padding=8)
        # A scroll bar that comes and goes with the article re-lays out the list each time.
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        # The passage takes what is left, so the memo column stays on screen in a narrow
        # window (the passage's and the code's full text are in their tooltips).
        header = self.view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(PASSAGE_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)
        text = self.view.fontMetrics().horizontalAdvance
        self.view.setColumnWidth(0, text("Overseas work") + 28)  # a swatch and a short name
        self.view.setColumnWidth(CODER_COLUMN, text("Coder") + 24)
        self.view.setColumnWidth(MEMO_COLUMN, text("Memo") + 28)
        self.view.clicked.connect(lambda index: self.codingChosen.emit(index.data(CODING_ID_ROLE)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(titled("Codings in this article", self.view))
        self.controller = controller
        self._kept: tuple[int | None, list[int], int] = (None, [], 0)
        self.model.modelAboutToBeReset.connect(self._keep)
        self.model.modelReset.connect(self._restore)
        controller.visibilityChanged.connect(self._show_coder_column)
        self._show_coder_column()

    def _show_coder_column(self) -> None:
        """The Coder column with every coder shown; in blind mode every row is yours."""
        self.view.setColumnHidden(CODER_COLUMN, not self.controller.show_all_coders)

    def _keep(self) -> None:
        scroll = self.view.verticalScrollBar().value()
        self._kept = (self.controller.document_id, self.selected_ids(), scroll)

    def _restore(self) -> None:
        """After a refresh of the same article, put back the selection and scroll position."""
        document_id, selected, scroll = self._kept
        if document_id == self.controller.document_id:
            self.view.verticalScrollBar().setValue(scroll)
            if selected:
                self.select(selected, scroll_to=False)

    def selected_ids(self) -> list[int]:
        rows = {index.row() for index in self.view.selectionModel().selectedRows()}
        return self.model.coding_ids(sorted(rows))

    def select(self, coding_ids: list[int], *, scroll_to: bool = True) -> None:
        selection = self.view.selectionModel()
        selection.clearSelection()
        first = None
        for coding_id in coding_ids:
            row = self.model.row_of(coding_id)
            if row is None:
                continue
            index = self.model.index(row, 0)
            first = first or index
            selection.select(
                index,
                selection.SelectionFlag.Select | selection.SelectionFlag.Rows,
            )
        if first is not None and scroll_to:
            self.view.scrollTo(first)
