"""View → My queue: the current coder's assigned articles, what is left first, each marked as
part of the reliability sample (coded by every coder) or of the rest (theirs alone); a
double-click or Enter opens the article. A coder opens the app and sees what to do next.

"Order" chooses between the queue's own order and a classifier's uncertainty (issue 18,
active learning): what is left comes in the order ``annotator machine next`` gives
(:func:`annotator.services.machine.next_articles.uncertain_first`), the done ones after it;
the choice is remembered per project and coder."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserError
from annotator.services.changes import Changes
from annotator.services.machine.classifier import CLASSIFIER
from annotator.services.sample_queue import REST, SAMPLE, Queue, queue
from annotator.ui import settings
from annotator.ui.controller import Controller
from annotator.ui.panels import one_line_rows

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

_Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Article", "Part", "Status")
_PARTS = {SAMPLE: "sample", REST: "yours", "": "assigned"}
_TIPS = {
    SAMPLE: "In the reliability sample: every coder of the design codes it, independently",
    REST: "Yours alone: your share of the rest of the corpus",
    "": "Assigned to you outside the last sample design",
}
_STATUS = {"done": "done", "in_progress": "in progress", "not_started": "to do"}
QUEUE_ORDER = "Queue order"


def _order_setting(project_guid: str, coder_guid: str) -> settings.Setting[str]:
    """The machine whose uncertainty orders this coder's queue in this project ("" for none)."""
    return settings.Setting(f"queue_order/{project_guid}/{coder_guid}", "")


class QueueModel(QAbstractTableModel):
    """One coder's queue, read again when assignments or statuses change."""

    def __init__(self, controller: Controller) -> None:
        super().__init__()
        self.controller = controller
        self.queue = Queue(controller.coder.name, ())
        #: The classifier ordering what is left ("" for the queue's own order), and why the
        #: last ordering by it failed ("" when it did not).
        self.machine = ""
        self.problem = ""
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        found = queue(self.controller.project, self.controller.coder.name)
        self.problem = ""
        if self.machine and found.to_do:
            try:
                found = self._by_uncertainty(found)
            except UserError as error:
                self.problem = str(error)
        self.queue = found
        self.endResetModel()

    def _by_uncertainty(self, found: Queue) -> Queue:
        from annotator.services.machine.next_articles import uncertain_first

        ranked = uncertain_first(
            self.controller.project, self.machine, self.controller.coder.name, found.to_do
        )
        first = [c.document for c in ranked]
        place = {document: k for k, document in enumerate(first)}
        items = sorted(found.items, key=lambda i: place.get(i.document, len(first)))
        return Queue(found.coder, tuple(items))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.queue.items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self.queue.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (item.name, _PARTS[item.part], _STATUS[item.status.value])[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 1:
            return _TIPS[item.part]
        if role == Qt.ItemDataRole.UserRole:
            return item.document
        if role == Qt.ItemDataRole.FontRole and not item.done:
            font = QFont()
            font.setBold(True)  # what is left stands out
            return font
        return None

    def document_at(self, row: int) -> int:
        return self.queue.items[row].document


class QueuePanel(QWidget):
    """The counts and the list; Enter or a double-click opens an article."""

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.model = QueueModel(controller)
        self.order = QComboBox()
        self.order.setToolTip(
            "Order what is left by a trained classifier's uncertainty (the articles it is least "
            "sure of first, as 'annotator machine next' gives them): coding those and training "
            "again teaches it most"
        )
        self._fill_orders()
        if self.model.machine:
            self.model.refresh()
        self.order.currentIndexChanged.connect(self._order_chosen)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)  # names escaped
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        one_line_rows(self.view)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, header.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, header.ResizeMode.ResizeToContents)
        self.view.activated.connect(lambda index: self.open(index.row()))
        self.view.doubleClicked.connect(lambda index: self.open(index.row()))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        row = QHBoxLayout()
        row.addWidget(QLabel("Order:"))
        row.addWidget(self.order, 1)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        controller.changed.connect(self._changed)
        controller.coderChanged.connect(self.refresh)
        self._show_summary()

    def _setting(self) -> settings.Setting[str]:
        return _order_setting(self.controller.project.guid, self.controller.coder.guid)

    def _fill_orders(self) -> None:
        """Queue order and each classifier's uncertainty; the remembered one chosen."""
        machines = [
            b.name for b in self.controller.project.machine.backends() if b.kind == CLASSIFIER
        ]
        remembered = self._setting().get(settings.open_settings())
        self.order.blockSignals(True)
        self.order.clear()
        self.order.addItem(QUEUE_ORDER, "")
        for name in machines:
            self.order.addItem(f"Order by {name}'s uncertainty", name)
        chosen = self.order.findData(remembered) if remembered in machines else 0
        self.order.setCurrentIndex(max(chosen, 0))
        self.order.blockSignals(False)
        self.model.machine = str(self.order.currentData() or "")

    def _order_chosen(self) -> None:
        name = str(self.order.currentData() or "")
        self._setting().set(settings.open_settings(), name)
        self.model.machine = name
        self.model.refresh()
        self._show_summary()

    def refresh(self) -> None:
        self._fill_orders()
        self.model.refresh()
        self._show_summary()

    def _changed(self, changes: Changes) -> None:
        # Statuses (done, assigned) are what the queue shows; codings do not move it.
        if changes.statuses:
            self.refresh()

    def _show_summary(self) -> None:
        queued = self.model.queue
        if not queued.items:
            self.summary.setText(
                f"No articles are assigned to {html.escape(queued.coder)}: Agreement → Draw a "
                "reliability sample assigns them."
            )
            return
        following = queued.next_article()
        then = f" Next: <b>{html.escape(following.name)}</b>." if following else " All done."
        problem = (
            f" <i>Not ordered by {html.escape(self.model.machine)}'s uncertainty: "
            f"{html.escape(self.model.problem)}</i>"
            if self.model.problem
            else ""
        )
        self.summary.setText(
            f"<b>{html.escape(queued.coder)}</b>: {queued.to_do} to do, {queued.done} done of "
            f"{len(queued.items)} assigned.{then}{problem}"
        )

    def open(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.controller.open_document(self.model.document_at(row))


def install_queue(window: QMainWindow, controller: Controller, view_menu: Any) -> QDockWidget:
    """Add the queue as a dock (hidden until asked for) and View → My queue (Ctrl+Shift+U)."""
    dock = QDockWidget("My queue", window)
    dock.setObjectName("queue")
    panel = QueuePanel(controller)
    dock.setWidget(panel)
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
    dock.hide()
    action: QAction = dock.toggleViewAction()
    action.setText("My &queue (assigned articles)")
    action.setShortcut("Ctrl+Shift+U")
    view_menu.addAction(action)
    return dock
