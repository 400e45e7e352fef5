"""The document list: every article with this coder's status, coding count and variables.

The model holds only ids and names for all rows; the rest of a row is fetched, with its page
of neighbours, the first time a view asks for it. A project of ten thousand articles opens
without reading them all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, Qt
from PySide6.QtGui import QBrush, QColor

from annotator.domain.model import DocumentStatus, VariableType
from annotator.services.changes import Changes
from annotator.ui.controller import Controller
from annotator.ui.models import ROOT, Index

DOCUMENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
PAGE = 256
FIXED_COLUMNS = ("Article", "Status", "Codings")
STATUS_ORDER = {
    DocumentStatus.NOT_STARTED: 0,
    DocumentStatus.IN_PROGRESS: 1,
    DocumentStatus.DONE: 2,
}
STATUS_TEXT = {
    DocumentStatus.NOT_STARTED: "",
    DocumentStatus.IN_PROGRESS: "in progress",
    DocumentStatus.DONE: "✓ done",
}


class DocumentsModel(QAbstractTableModel):
    """Articles with this coder's status, coding count (visible codings) and variables."""

    def __init__(self, controller: Controller) -> None:
        super().__init__(controller)
        self.controller = controller
        self._rows: list[tuple[int, str]] = []
        self._row_of: dict[int, int] = {}
        self._variables: list[str] = []
        self._numeric: set[str] = set()  # number variables sort by value, not as text
        self._pages: dict[int, dict[int, tuple[DocumentStatus, int, dict[str, str]]]] = {}
        self.reload()
        controller.changed.connect(self._on_changed)
        controller.coderChanged.connect(self._forget_pages)
        controller.visibilityChanged.connect(self._forget_pages)

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = self.controller.project.documents.names()
        self._row_of = {document_id: row for row, (document_id, _) in enumerate(self._rows)}
        variables = self.controller.project.documents.variables()
        self._variables = [v.name for v in variables]
        self._numeric = {v.name for v in variables if v.type is VariableType.NUMBER}
        self._pages = {}
        self.endResetModel()

    def _forget_pages(self) -> None:
        self._pages = {}
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 1), self.index(len(self._rows) - 1, self.columnCount() - 1)
            )

    def _on_changed(self, changes: Changes) -> None:
        if changes.variables or not changes.documents <= self._row_of.keys():
            self.reload()
            return
        touched = set(changes.documents) | {d for d, _ in changes.statuses}
        moved = self._moved_counts(changes) if not changes.statuses else None
        for document_id in touched & self._row_of.keys():
            row = self._row_of[document_id]
            page = self._pages.get(row // PAGE)
            if moved is not None and page is not None:  # only the count moved: adjust it
                status, count, values = page[document_id]
                page[document_id] = (status, count + moved.get(document_id, 0), values)
            else:
                self._pages.pop(row // PAGE, None)
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def _moved_counts(self, changes: Changes) -> Counter[int] | None:
        """By document: how many shown codings a described change added minus removed."""
        if not (changes.codings and changes.described):
            return None
        shown = self.controller.is_shown
        moved = Counter(c.document_id for c in changes.after if shown(c))
        moved.subtract(c.document_id for c in changes.before if shown(c))
        return moved

    def _details(self, row: int) -> tuple[DocumentStatus, int, dict[str, str]]:
        page = row // PAGE
        if page not in self._pages:
            ids = [document_id for document_id, _ in self._rows[page * PAGE : (page + 1) * PAGE]]
            project = self.controller.project
            statuses = project.statuses.for_coder(self.controller.coder.id, ids)
            counts = project.codings.counts_by_document(ids, self.controller.visible_coder_ids())
            values = project.documents.all_values(ids)
            self._pages[page] = {
                i: (
                    statuses.get(i, DocumentStatus.NOT_STARTED),
                    counts.get(i, 0),
                    values.get(i, {}),
                )
                for i in ids
            }
        return self._pages[page][self._rows[row][0]]

    def document_id(self, row: int) -> int:
        return self._rows[row][0]

    def row_of(self, document_id: int) -> int | None:
        return self._row_of.get(document_id)

    # -- sorting and filtering, done here in one pass ----------------------------------------
    # (A QSortFilterProxyModel would call data() a few times per row and comparison.)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows by a column (``-1``: import order), keeping selections on their
        articles."""
        key = self._sort_key(column)
        self.layoutAboutToBeChanged.emit()
        persistent = [(index, self._rows[index.row()][0]) for index in self.persistentIndexList()]
        self._rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder and column >= 0)
        self._row_of = {document_id: row for row, (document_id, _) in enumerate(self._rows)}
        self._repage()
        self.changePersistentIndexList(
            [index for index, _ in persistent],
            [self.index(self._row_of[d], index.column()) for index, d in persistent],
        )
        self.layoutChanged.emit()

    def _repage(self) -> None:
        """Pages are runs of rows: after a sort, rebuild them if every row is known."""
        known = {i: detail for page in self._pages.values() for i, detail in page.items()}
        self._pages = {}
        if len(known) == len(self._rows):
            for row, (document_id, _) in enumerate(self._rows):
                self._pages.setdefault(row // PAGE, {})[document_id] = known[document_id]

    def _sort_key(self, column: int) -> Callable[[tuple[int, str]], Any]:
        if column < 0:
            return lambda row: row[0]
        if column == 0:
            return lambda row: (row[1].casefold(), row[0])
        details = self._all_details()
        if column == 1:
            return lambda row: (STATUS_ORDER[details[row[0]][0]], row[0])
        if column == 2:
            return lambda row: (details[row[0]][1], row[0])
        name = self._variables[column - len(FIXED_COLUMNS)]
        if name in self._numeric:
            return lambda row: _number_key(details[row[0]][2].get(name, ""), row[0])
        return lambda row: (details[row[0]][2].get(name, "").casefold(), row[0])

    def _all_details(self) -> dict[int, tuple[DocumentStatus, int, dict[str, str]]]:
        for page in range((len(self._rows) + PAGE - 1) // PAGE):
            self._details(page * PAGE)
        return {i: detail for page in self._pages.values() for i, detail in page.items()}

    def matches(self, row: int, words: str) -> bool:
        """Whether a row's name, status or variables contain ``words`` (ignoring case)."""
        if words in self._rows[row][1].casefold():
            return True
        status, _, values = self._details(row)
        return words in STATUS_TEXT[status] or any(words in v.casefold() for v in values.values())

    # -- QAbstractTableModel ---------------------------------------------------------------------

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(FIXED_COLUMNS) + len(self._variables)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (*FIXED_COLUMNS, *self._variables)[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        document_id, name = self._rows[row]
        if role == DOCUMENT_ID_ROLE:
            return document_id
        if column == 0 and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return name
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole):
            return None
        status, count, values = self._details(row)
        if column == 1:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#1B7F3B")) if status is DocumentStatus.DONE else None
            return STATUS_TEXT[status]
        if role == Qt.ItemDataRole.ForegroundRole:
            return None
        if column == 2:
            return count
        return values.get(self._variables[column - len(FIXED_COLUMNS)], "")


def _number_key(value: str, document_id: int) -> tuple[int, float, int]:
    """Numbers in order, empty or unreadable values last."""
    try:
        return (0, float(value), document_id)
    except ValueError:
        return (1, 0.0, document_id)
