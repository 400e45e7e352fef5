"""The document list: every article by its headline (its ``title`` variable, else its name),
with this coder's status, coding count and variables.

The model holds only ids and names for all rows; the rest of a row is fetched, with the rows
around it, the first time a view asks for it, and kept by document id (so a sort keeps it). A
variable's values for every article are read in one query when the list is sorted or
filtered by that variable. A project of ten thousand articles opens without reading them all.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from PySide6.QtCore import QAbstractTableModel, Qt
from PySide6.QtGui import QBrush, QColor

from annotator.domain.model import DocumentStatus, Variable, VariableType
from annotator.domain.times import iso_date
from annotator.services.changes import Changes
from annotator.ui.controller import Controller
from annotator.ui.models import ROOT, Index

DOCUMENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
NAME_ROLE = Qt.ItemDataRole.UserRole + 2  # the document's name (its file's stem), not its headline
TOOLTIP = Qt.ItemDataRole.ToolTipRole
#: The variable whose value is an article's headline in the list and the reader's header.
TITLE = "title"
DISPLAY = Qt.ItemDataRole.DisplayRole
FOREGROUND = Qt.ItemDataRole.ForegroundRole
ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
_ROLES = frozenset({DISPLAY, TOOLTIP, FOREGROUND, ALIGNMENT, DOCUMENT_ID_ROLE, NAME_ROLE})
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
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
DONE_COLOUR = "#1B7F3B"
Details = tuple[DocumentStatus, int, dict[str, str]]
Row = tuple[int, str]  # document id, headline


class DocumentsModel(QAbstractTableModel):
    """Articles with this coder's status, coding count (visible codings) and variables."""

    def __init__(self, controller: Controller) -> None:
        super().__init__(controller)
        self.controller = controller
        self._rows: list[Row] = []
        self._names: dict[int, str] = {}  # by document id, where the headline is not the name
        self._row_of: dict[int, int] = {}
        self._variables: list[Variable] = []
        self._right_aligned: set[int] = set()
        self._details: dict[int, Details] = {}  # by document id, fetched a page at a time
        self._values: dict[str, dict[int, str]] = {}  # a variable's values, read when needed
        self._keys: dict[str, tuple[dict[int, Any], list[int]]] = {}  # what they sort by
        # The sort asked for, by column title (a variable's column moves when others are added
        # or removed), put back after a reload.
        self._sorted: tuple[str, Qt.SortOrder] | None = None
        # Whether the rows are still in that order (a change of a value may move a row).
        self._in_order = True
        self.reload()
        controller.changed.connect(self._on_changed)
        controller.coderChanged.connect(self._forget_details)
        controller.visibilityChanged.connect(self._forget_details)

    def reload(self) -> None:
        """Read the articles and variables again (keeping the sort asked for)."""
        self.beginResetModel()
        project = self.controller.project
        self._variables = project.documents.variables()
        self._right_aligned = {2} | {  # counts and numbers
            column
            for column, v in enumerate(self._variables, start=len(FIXED_COLUMNS))
            if v.type is VariableType.NUMBER
        }
        self._details = {}
        self._values = {}
        self._keys = {}
        self._set_rows(self._headed(project.documents.names()))
        column = self.sort_column()
        if column >= 0 and self._sorted is not None:
            self._set_rows(self._sorted_rows(self._rows, column, self._sorted[1]))
        else:
            self._sorted = None
        self._in_order = True
        self.endResetModel()

    def _headed(self, names: list[Row]) -> list[Row]:
        """Each article with its headline: its title variable's value, else its name."""
        title = next((v for v in self._variables if v.name == TITLE), None)
        titles = {} if title is None else self.controller.project.documents.values_of(title.id)
        self._names = {}
        return [self._with_headline(d, name, titles.get(d, "")) for d, name in names]

    def _with_headline(self, document_id: int, name: str, title: str) -> Row:
        headline = " ".join(title.split()) or name  # a title on two lines shows on one
        self._names.pop(document_id, None)
        if headline != name:
            self._names[document_id] = name
        return document_id, headline

    def headline(self, document_id: int) -> str:
        """What the list calls an article: its title, else its name."""
        row = self._row_of.get(document_id)
        return "" if row is None else self._rows[row][1]

    def name(self, row: int) -> str:
        """A row's document name (its file's stem, unique in the project)."""
        document_id, headline = self._rows[row]
        return self._names.get(document_id, headline)

    def _new_headlines(self, document_ids: frozenset[int]) -> bool:
        """Take the title variable's new values for these articles; whether any changed."""
        if not any(v.name == TITLE for v in self._variables):
            return False
        fresh = self.controller.project.documents.all_values(document_ids)
        changed = False
        for document_id in document_ids & self._row_of.keys():
            row = self._row_of[document_id]
            title = fresh.get(document_id, {}).get(TITLE, "")
            headed = self._with_headline(document_id, self.name(row), title)
            if headed != self._rows[row]:
                self._rows[row] = headed
                changed = True
        return changed

    def _set_rows(self, rows: list[Row]) -> None:
        self._rows = rows
        self._row_of = {document_id: row for row, (document_id, _) in enumerate(rows)}

    def _forget_details(self) -> None:
        self._details = {}
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 1), self.index(len(self._rows) - 1, self.columnCount() - 1)
            )

    def _on_changed(self, changes: Changes) -> None:
        if changes.variables or not changes.documents <= self._row_of.keys():
            self.reload()
            return
        touched = set(changes.documents) | {d for d, _ in changes.statuses}
        self._in_order = self._in_order and not (touched and self._sorted)
        moved = self._moved_counts(changes) if not changes.statuses else None
        # Values change with no coding changed (an import or an edit of variables).
        if changes.documents and not (changes.codings and changes.described):
            if self._values:
                self._read_values_again(changes.documents)
            if self._new_headlines(changes.documents):  # a title edited: it may sort elsewhere
                self._in_order = self._in_order and self.sort_column() != 0
        for document_id in touched & self._row_of.keys():
            row = self._row_of[document_id]
            details = self._details.get(document_id)
            if moved is not None and details is not None:  # only the count moved: adjust it
                status, count, values = details
                self._details[document_id] = (status, count + moved.get(document_id, 0), values)
            else:
                self._details.pop(document_id, None)
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def _read_values_again(self, document_ids: frozenset[int]) -> None:
        """Bring the variables' values kept for sorting and filtering up to date."""
        fresh = self.controller.project.documents.all_values(document_ids)
        self._keys = {}
        for name, values in self._values.items():
            for document_id in document_ids:
                value = fresh.get(document_id, {}).get(name)
                if value is None:
                    values.pop(document_id, None)
                else:
                    values[document_id] = value

    def _moved_counts(self, changes: Changes) -> Counter[int] | None:
        """By document: how many shown codings a described change added minus removed."""
        if not (changes.codings and changes.described):
            return None
        shown = self.controller.is_shown
        moved = Counter(c.document_id for c in changes.after if shown(c))
        moved.subtract(c.document_id for c in changes.before if shown(c))
        return moved

    def details(self, row: int) -> Details:
        """A row's status, coding count and variable values (read with its page of rows)."""
        document_id = self._rows[row][0]
        if document_id not in self._details:
            page = row // PAGE
            ids = [
                i for i, _ in self._rows[page * PAGE : (page + 1) * PAGE] if i not in self._details
            ]
            project = self.controller.project
            statuses = project.statuses.for_coder(self.controller.coder.id, ids)
            counts = project.codings.counts_by_document(ids, self.controller.visible_coder_ids())
            values = project.documents.all_values(ids)
            for i in ids:
                self._details[i] = (
                    statuses.get(i, DocumentStatus.NOT_STARTED),
                    counts.get(i, 0),
                    values.get(i, {}),
                )
        return self._details[document_id]

    def document_id(self, row: int) -> int:
        return self._rows[row][0]

    def row_of(self, document_id: int) -> int | None:
        return self._row_of.get(document_id)

    # -- variables ---------------------------------------------------------------------------

    def variables(self) -> list[Variable]:
        """The project's variables, in the order of their columns."""
        return list(self._variables)

    def variable_at(self, column: int) -> Variable | None:
        """The variable a column shows (None for the article, status and codings)."""
        index = column - len(FIXED_COLUMNS)
        return self._variables[index] if 0 <= index < len(self._variables) else None

    def column_of(self, title: str) -> int | None:
        """The column with this title (a variable's name, or Article, Status, Codings)."""
        titles = self.column_titles()
        return titles.index(title) if title in titles else None

    def column_titles(self) -> list[str]:
        return [*FIXED_COLUMNS, *(v.name for v in self._variables)]

    def values_of(self, name: str) -> dict[int, str]:
        """One variable's value for every article that has one, by document id."""
        if name not in self._values:
            variable = next((v for v in self._variables if v.name == name), None)
            documents = self.controller.project.documents
            self._values[name] = {} if variable is None else documents.values_of(variable.id)
        return self._values[name]

    def value(self, row: int, name: str) -> str:
        """A row's value of a variable ("" if it has none)."""
        return self.values_of(name).get(self._rows[row][0], "")

    def distinct_values(self, name: str) -> list[tuple[str, int]]:
        """The values a variable holds, each with how many articles hold it, in sort order."""
        counts = Counter(self.values_of(name).values())
        return sorted(counts.items(), key=lambda item: (item[0].casefold(), item[0]))

    # -- sorting and filtering ---------------------------------------------------------------
    # Sorting is done here in one pass: a QSortFilterProxyModel would call data() for every
    # comparison.

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows by a column (``-1``: import order), keeping selections on their
        articles. Empty values go last in either order."""
        wanted = (self.column_titles()[column], order) if column >= 0 else None
        if wanted == self._sorted and self._in_order:
            return  # asked twice (QTableView.sortByColumn sorts, then its header asks again)
        self._sorted, self._in_order = wanted, True
        self.layoutAboutToBeChanged.emit()
        persistent = [(index, self._rows[index.row()][0]) for index in self.persistentIndexList()]
        self._set_rows(self._sorted_rows(self._rows, column, order))
        self.changePersistentIndexList(
            [index for index, _ in persistent],
            [self.index(self._row_of[d], index.column()) for index, d in persistent],
        )
        self.layoutChanged.emit()

    def sort_column(self) -> int:
        """The column the rows are sorted by (-1: import order)."""
        if self._sorted is None:
            return -1
        column = self.column_of(self._sorted[0])
        return -1 if column is None else column

    def sort_order(self) -> Qt.SortOrder:
        return Qt.SortOrder.AscendingOrder if self._sorted is None else self._sorted[1]

    def _sorted_rows(self, rows: list[Row], column: int, order: Qt.SortOrder) -> list[Row]:
        rows = sorted(rows)  # import order: equal values keep it, in either direction
        descending = order == Qt.SortOrder.DescendingOrder
        if column < 0:
            return rows
        if column == 0:
            rows.sort(key=lambda row: row[1].casefold(), reverse=descending)
            return rows
        variable = self.variable_at(column)
        if variable is None:  # status or codings: every row's details are needed
            for row in range(0, len(self._rows), PAGE):
                self.details(row)
            details = self._details
            if column == 1:
                rows.sort(key=lambda row: STATUS_ORDER[details[row[0]][0]], reverse=descending)
            else:
                rows.sort(key=lambda row: details[row[0]][1], reverse=descending)
            return rows
        keys, unreadable = self._sort_keys(variable)
        names = dict(rows)
        # The keys are in import order and sorted() is stable, reversed or not.
        ordered = sorted(keys, key=keys.__getitem__, reverse=descending)
        placed = keys.keys() | unreadable
        empty = [i for i in names if i not in placed]
        return [(i, names[i]) for i in ordered + unreadable + empty]

    def _sort_keys(self, variable: Variable) -> tuple[dict[int, Any], list[int]]:
        """What each article's value sorts by, in import order, and the articles whose value
        its type cannot hold (sorted after the others); kept until the values change, so that
        sorting again in the other direction reads nothing."""
        if variable.name not in self._keys:
            key = SORT_KEYS.get(variable.type, _text_key)
            values = self.values_of(variable.name)
            keys = {i: key(values[i]) for i in sorted(values) if values[i]}
            unreadable = [i for i, k in keys.items() if k is None]
            for i in unreadable:
                del keys[i]
            self._keys[variable.name] = (keys, unreadable)
        return self._keys[variable.name]

    def matches(self, row: int, words: str) -> bool:
        """Whether a row's headline, name, status or variables contain ``words`` (ignoring
        case)."""
        if words in self._rows[row][1].casefold() or words in self.name(row).casefold():
            return True
        status, _, values = self.details(row)
        return words in STATUS_TEXT[status] or any(words in v.casefold() for v in values.values())

    # -- QAbstractTableModel ---------------------------------------------------------------------

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(FIXED_COLUMNS) + len(self._variables)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.column_titles()[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            variable = self.variable_at(section)
            if variable is not None:
                return f"{variable.name}: a {variable.type.value} variable"
        return None

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        # Called for every cell and role at each repaint: the cheap answers come first.
        if role not in _ROLES or not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == DOCUMENT_ID_ROLE:
            return self._rows[row][0]
        if role == NAME_ROLE:
            return self.name(row)
        if role == ALIGNMENT:
            return RIGHT if column in self._right_aligned else None
        if column == 0:
            if role == TOOLTIP:  # the headline may be cut off; the name finds it elsewhere
                name = self.name(row)
                headline = self._rows[row][1]
                return headline if name == headline else f"{headline}\n{name}"
            return None if role == FOREGROUND else self._rows[row][1]
        status, count, values = self.details(row)
        if column == 1:
            if role == FOREGROUND:
                return QBrush(QColor(DONE_COLOUR)) if status is DocumentStatus.DONE else None
            return STATUS_TEXT[status] if role == DISPLAY else None
        if role == FOREGROUND:
            return None
        if column == 2:
            return count if role == DISPLAY else None
        value = values.get(self._variables[column - len(FIXED_COLUMNS)].name, "")
        # A long value (a headline, a URL) is cut off in its cell: the tooltip shows it whole.
        return value if role == DISPLAY or value else None


def _number_key(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _date_key(value: str) -> str | None:
    # Dates are stored as YYYY-MM-DD, which sorts as text; anything else cannot be placed.
    return value if iso_date(value) is not None else None


def _text_key(value: str) -> str | None:
    return value.casefold()


SORT_KEYS = {VariableType.NUMBER: _number_key, VariableType.DATE: _date_key}
