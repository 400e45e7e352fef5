"""The preview's table: one row per article read, with a tick box saying whether it is
imported, and its duplicate flag. Rows are plain values made once; cells are formatted when
the view asks for them, so 10,000 articles cost one list, not 70,000 items; the model sorts
itself (one key per row, Python's sort) rather than through a proxy that would ask for two
cells per comparison."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QPalette
from PySide6.QtWidgets import QApplication

from annotator.services.import_preview import DuplicateFlag, PreviewRow

Index = QModelIndex | QPersistentModelIndex

HEADLINE, OUTLET, DATE, WORDS, FILE, DUPLICATE = range(6)
HEADERS = ("Headline", "Outlet", "Date", "Words", "File", "Duplicate")


class PreviewModel(QAbstractTableModel):
    """Articles found by a reading, each ticked (imported) or not.

    A row flagged as a duplicate starts unticked, except a near-duplicate when near-duplicates
    are to be imported (``mark`` or ``all``); the same text as a project document cannot be
    ticked at all (it is never stored twice).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[PreviewRow] = []
        self.duplicates: dict[int, DuplicateFlag] = {}
        self.keep_near = False  # near-duplicates ticked by default (choice mark or all)
        self._ticked = bytearray()  # by position in rows (= index in the batch)
        self._order: list[int] = []  # the position shown in each row of the view
        self._chosen: set[int] = set()  # positions whose tick the user set

    # -- filling -----------------------------------------------------------------------------

    def set_rows(self, rows: list[PreviewRow], flags: dict[int, DuplicateFlag]) -> None:
        """Show ``rows`` with their duplicate flags, each ticked as its flag says."""
        self.beginResetModel()
        self.rows, self.duplicates = rows, flags
        self._ticked = bytearray(self._default(i) for i in range(len(rows)))
        self._order = list(range(len(rows)))
        self._chosen = set()
        self.endResetModel()

    def set_duplicates(self, flags: dict[int, DuplicateFlag]) -> None:
        """New flags (another threshold): a row whose flag changed gets its default tick; the
        others keep what the user chose (a row the user ticked keeps its tick while its flag
        stays the same)."""
        before = self.duplicates
        self.duplicates = flags
        for row in set(before) | set(flags):
            if row >= len(self._ticked):
                continue
            if row in self._chosen and before.get(row) == flags.get(row):
                continue
            self._chosen.discard(row)
            self._ticked[row] = self._default(row)
        self._all_changed()

    def set_keep_near(self, keep: bool) -> None:
        """Whether near-duplicates are to be imported; their rows are ticked, or not, again."""
        self.keep_near = keep
        for row, flag in self.duplicates.items():
            if not flag.exact:
                self._ticked[row] = self._default(row)
                self._chosen.discard(row)
        self._all_changed()

    def _default(self, row: int) -> bool:
        flag = self.duplicates.get(row)
        return flag is None or (self.keep_near and not flag.exact)

    def _importable(self, row: int) -> bool:
        flag = self.duplicates.get(row)
        return flag is None or flag.importable

    # -- ticking -----------------------------------------------------------------------------

    def tick_all(self, ticked: bool) -> None:
        """Tick (or untick) every row that can be imported."""
        for row in range(len(self.rows)):
            self._ticked[row] = ticked and self._importable(row)
        self._chosen = set(range(len(self.rows)))
        self._all_changed()

    def set_ticked(self, row: int, ticked: bool) -> None:
        """Tick (or untick) the article shown in ``row`` of the view, if it can be."""
        position = self._order[row]
        if self._importable(position) and bool(self._ticked[position]) != ticked:
            self._ticked[position] = ticked
            self._chosen.add(position)
            index = self.index(row, HEADLINE)
            self.dataChanged.emit(index, index.siblingAtColumn(DUPLICATE))

    def is_ticked(self, row: int) -> bool:
        return bool(self._ticked[self._order[row]])

    def ticked(self) -> list[int]:
        """The batch indices of the ticked rows (store_articles' ``selected``)."""
        return [self.rows[row].index for row, on in enumerate(self._ticked) if on]

    def ticked_count(self) -> int:
        return sum(self._ticked)

    def _all_changed(self) -> None:
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, DUPLICATE))

    # -- Qt's model interface ---------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        # The article's number in the reading (duplicate flags name it), whatever the sort.
        return str(self._order[section] + 1) if 0 <= section < len(self.rows) else None

    def flags(self, index: Index) -> Qt.ItemFlag:  # type: ignore[override]
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == HEADLINE and self._importable(self._order[index.row()]):
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        position, column = self._order[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(position, column)
        if role == Qt.ItemDataRole.CheckStateRole and column == HEADLINE:
            on = self._ticked[position]
            return Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole and column in (HEADLINE, DUPLICATE, FILE):
            return self._tooltip(position, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == WORDS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and not self._ticked[position]:
            # What is left out reads as such.
            return QBrush(QApplication.palette().color(QPalette.ColorRole.PlaceholderText))
        return None

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != HEADLINE:
            return False
        if not index.isValid() or not self._importable(self._order[index.row()]):
            return False
        checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2)
        self.set_ticked(index.row(), checked)
        return True

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the view's rows by ``column`` (words as numbers, duplicates by similarity);
        a column out of range restores the order of the reading."""
        self.layoutAboutToBeChanged.emit()
        before = self._order
        if 0 <= column < len(HEADERS):
            key = self._sort_key(column)
            reverse = order == Qt.SortOrder.DescendingOrder
            self._order = sorted(range(len(self.rows)), key=key, reverse=reverse)
        else:
            self._order = list(range(len(self.rows)))
        row_of = {position: row for row, position in enumerate(self._order)}
        moved_from, moved_to = [], []
        for index in self.persistentIndexList():
            moved_from.append(index)
            moved_to.append(self.index(row_of[before[index.row()]], index.column()))
        self.changePersistentIndexList(moved_from, moved_to)
        self.layoutChanged.emit()

    def _sort_key(self, column: int) -> Callable[[int], object]:
        rows, flags = self.rows, self.duplicates
        if column == WORDS:
            return lambda position: rows[position].words
        if column == DUPLICATE:
            return lambda position: flags[position].similarity if position in flags else -1.0
        return lambda position: self._text(position, column).casefold()

    def _text(self, row: int, column: int) -> str:
        article = self.rows[row]
        if column == HEADLINE:
            return article.headline
        if column == OUTLET:
            return article.outlet
        if column == DATE:
            return article.date
        if column == WORDS:
            return f"{article.words:,}"
        if column == FILE:
            return article.source
        if column == DUPLICATE:
            flag = self.duplicates.get(row)
            return "" if flag is None else str(flag)
        return ""

    def _tooltip(self, row: int, column: int) -> str | None:
        flag = self.duplicates.get(row)
        if column == DUPLICATE and flag is not None and not flag.importable:
            return f"{flag}: the same text is never imported twice"
        if column == DUPLICATE and flag is not None:
            return str(flag)
        return self._text(row, column) or None
