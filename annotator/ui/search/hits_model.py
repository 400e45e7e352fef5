"""The hits of a search as keyword-in-context rows: article, left context, hit, right
context, the article's variables; a check box per hit; sortable by any column.

Sorting is the model's own (a proxy would ask for two cells per comparison, too slow for a
hundred thousand hits): each column's sort keys are worked out once, when the column is first
sorted, and kept as hits arrive. Sorting by the left context sorts by the words nearest the
hit (the last word first), by the right context by the words after it, so that phrasings
group together.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from typing import Any

import regex
from PySide6.QtCore import QAbstractTableModel, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from annotator.domain.model import Variable, VariableType
from annotator.services.search import Hit
from annotator.ui.models import ROOT, Index
from annotator.ui.search.jobs import Article, Page

ARTICLE, LEFT, HIT, RIGHT = range(4)
FIXED_COLUMNS = ("Article", "Left context", "Hit", "Right context")
#: The role giving a row's hit (tests and the window read it).
HIT_ROLE = Qt.ItemDataRole.UserRole + 1
_WORD = regex.compile(r"[\p{L}\p{N}\p{M}]+(?:['’][\p{L}\p{N}]+)*")
_BOLD = QFont()
_BOLD.setBold(True)
_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.CheckStateRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.FontRole,
        HIT_ROLE,
    }
)


def words_key(text: str) -> tuple[str, ...]:
    """The words of ``text``, case folded, in order (a right context's sort key)."""
    return tuple(word.casefold() for word in _WORD.findall(text))


def one_line(text: str) -> str:
    """Text on one line: runs of white space (line breaks too) as one space."""
    return " ".join(text.split())


def _value_key(kind: VariableType, value: str) -> tuple[int, float, str]:
    """A variable's value as it sorts: numbers as numbers; empty values last."""
    if not value:
        return (2, 0.0, "")
    if kind is VariableType.NUMBER:
        try:
            number = float(value.replace(",", ""))
        except ValueError:
            return (1, 0.0, value.casefold())
        if math.isfinite(number):
            return (0, number, "")
    return (0, 0.0, value.casefold())


def _merged(
    order: list[int], arrived: list[int], keys: list[Any], descending: bool
) -> tuple[list[int], list[int]]:
    """``order`` (sorted by ``keys``) with ``arrived`` (sorted so too, all found after) sorted
    in, each after the rows of an equal key, and the row of ``order`` each went in before:
    found by bisection, the rows between copied as slices — a page costs its own hits'
    bisections, not a Python step per row."""
    if descending:  # bisect the rows reversed (ascending): those of a smaller key end it
        reverse, count = order[::-1], len(order)
        places = [count - bisect_left(reverse, keys[i], key=keys.__getitem__) for i in arrived]
    else:
        places = [bisect_right(order, keys[i], key=keys.__getitem__) for i in arrived]
    result: list[int] = []
    previous = 0
    for place, index in zip(places, arrived, strict=True):
        result.extend(order[previous:place])
        result.append(index)
        previous = place
    result.extend(order[previous:])
    return result, places


class HitsModel(QAbstractTableModel):
    """The hits of one search, in the order the view sorts them."""

    #: The ticked hits changed (their number is :meth:`checked_count`).
    checksChanged = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._hits: list[Hit] = []
        self._order: list[int] = []  # row → index in _hits
        self._checked: set[int] = set()  # indexes in _hits
        self._articles: dict[int, Article] = {}
        self._variables: list[Variable] = []
        self._keys: dict[int, list[Any]] = {}
        self._sorted: tuple[int, Qt.SortOrder] | None = None

    # -- filling -----------------------------------------------------------------------------

    def clear(self, variables: list[Variable] | None = None) -> None:
        """No hits; the variable columns (the title aside, which heads each row) are these."""
        self.beginResetModel()
        self._hits, self._order, self._checked = [], [], set()
        self._articles, self._keys = {}, {}
        if variables is not None:
            self._variables = [v for v in variables if v.name != "title"]
        if self._sorted is not None and self._sorted[0] >= self.columnCount():
            self._sorted = None  # a variable's column gone since
        self.endResetModel()
        self.checksChanged.emit()

    def add_page(self, page: Page) -> None:
        """Add hits found (sorted in where a sort is chosen)."""
        if not page.hits:
            return
        self._articles.update(page.articles)
        first = len(self._hits)
        self._hits.extend(page.hits)
        if self._sorted is not None and self._sorted[0] not in self._keys:
            self._keys[self._sorted[0]] = [
                self._key(self._sorted[0], h) for h in self._hits[:first]
            ]
        for column, keys in self._keys.items():
            keys.extend(self._key(column, hit) for hit in page.hits)
        new = range(first, len(self._hits))
        if self._sorted is None:
            self.beginInsertRows(ROOT, len(self._order), len(self._order) + len(new) - 1)
            self._order.extend(new)
            self.endInsertRows()
        else:
            # Sorted in, not sorted again: the page sorted alone, then merged with the rows
            # (ties after the rows found before, as a stable sort puts them). Sorting every
            # row again on each page stalled the window for seconds with 80,000 hits.
            column, order = self._sorted
            keys = self._keys[column]
            descending = order == Qt.SortOrder.DescendingOrder
            arrived = sorted(new, key=keys.__getitem__, reverse=descending)
            self.layoutAboutToBeChanged.emit()
            self._order, places = _merged(self._order, arrived, keys, descending)
            # A row moves down by the hits sorted in before it.
            old = [i for i in self.persistentIndexList() if i.isValid()]
            new = [self.index(i.row() + bisect_right(places, i.row()), i.column()) for i in old]
            self.changePersistentIndexList(old, new)
            self.layoutChanged.emit()

    @property
    def variables(self) -> list[Variable]:
        return list(self._variables)

    def hit(self, row: int) -> Hit:
        """The hit shown in ``row``."""
        return self._hits[self._order[row]]

    def article(self, document_id: int) -> Article:
        return self._articles.get(document_id, Article(str(document_id)))

    def hits(self) -> list[Hit]:
        """Every hit, in the order found."""
        return list(self._hits)

    def articles(self) -> int:
        """How many articles the hits are in."""
        return len({hit.document_id for hit in self._hits})

    # -- ticks -------------------------------------------------------------------------------

    def checked_hits(self) -> list[Hit]:
        """The ticked hits, in the order found."""
        return [self._hits[i] for i in sorted(self._checked)]

    def checked_count(self) -> int:
        return len(self._checked)

    def is_checked(self, row: int) -> bool:
        return self._order[row] in self._checked

    def set_all_checked(self, checked: bool) -> None:
        """Tick every hit, or none."""
        self._checked = set(range(len(self._hits))) if checked else set()
        if self._hits:
            self.dataChanged.emit(
                self.index(0, ARTICLE),
                self.index(len(self._order) - 1, ARTICLE),
                [Qt.ItemDataRole.CheckStateRole],
            )
        self.checksChanged.emit()

    def set_checked(self, rows: list[int], checked: bool) -> None:
        """Tick (or untick) the hits shown in these rows."""
        for row in rows:
            if checked:
                self._checked.add(self._order[row])
            else:
                self._checked.discard(self._order[row])
        for row in rows:
            index = self.index(row, ARTICLE)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.checksChanged.emit()

    def toggle(self, rows: list[int]) -> None:
        """Tick the rows if any of them is unticked, else untick them all (as a list's space
        bar does)."""
        if rows:
            self.set_checked(rows, not all(self.is_checked(row) for row in rows))

    # -- Qt ----------------------------------------------------------------------------------

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(FIXED_COLUMNS) + len(self._variables)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section < len(FIXED_COLUMNS):
                return FIXED_COLUMNS[section]
            return self._variables[section - len(FIXED_COLUMNS)].name
        if role == Qt.ItemDataRole.ToolTipRole:
            if section == LEFT:
                return "Sorts by the words nearest the hit: the last word first"
            if section == RIGHT:
                return "Sorts by the words after the hit"
            if section == ARTICLE:
                return "Tick the hits to code; Space ticks the selected rows"
            if section >= len(FIXED_COLUMNS):
                return "Right-click a heading to choose the variables shown"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == ARTICLE:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Views ask for a dozen roles per cell on every paint; most are not ours.
        if role not in _ROLES or not index.isValid() or not 0 <= index.row() < len(self._order):
            return None
        column = index.column()
        hit = self._hits[self._order[index.row()]]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(column, hit)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == ARTICLE:
                return self.article(hit.document_id).headline
            if column in (LEFT, HIT, RIGHT):
                return f"…{one_line(hit.left)} [{one_line(hit.hit)}] {one_line(hit.right)}…"
            return self._text(column, hit) or None
        if role == Qt.ItemDataRole.CheckStateRole and column == ARTICLE:
            checked = self._order[index.row()] in self._checked
            return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.TextAlignmentRole and column == LEFT:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.FontRole and column == HIT:
            return _BOLD
        if role == HIT_ROLE:
            return hit
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            not index.isValid()
            or index.column() != ARTICLE
            or role != Qt.ItemDataRole.CheckStateRole
        ):
            return False
        checked = Qt.CheckState(value) == Qt.CheckState.Checked
        self.set_checked([index.row()], checked)
        return True

    def _text(self, column: int, hit: Hit) -> str:
        if column == ARTICLE:
            return self.article(hit.document_id).headline
        if column == LEFT:
            return one_line(hit.left)
        if column == HIT:
            return one_line(hit.hit)
        if column == RIGHT:
            return one_line(hit.right)
        variable = self._variables[column - len(FIXED_COLUMNS)]
        return self.article(hit.document_id).values.get(variable.name, "")

    # -- sorting -----------------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < self.columnCount():  # no sort: the order found
            self._sorted = None
            self.layoutAboutToBeChanged.emit()
            before = self._persistent_hits()
            self._order = list(range(len(self._hits)))
            self._restore_persistent(before)
            self.layoutChanged.emit()
            return
        self._sorted = (column, order)
        if column not in self._keys:
            self._keys[column] = [self._key(column, hit) for hit in self._hits]
        self.layoutAboutToBeChanged.emit()
        before = self._persistent_hits()
        self._sort_order()
        self._restore_persistent(before)
        self.layoutChanged.emit()

    def _sort_order(self) -> None:
        assert self._sorted is not None
        column, order = self._sorted
        if column not in self._keys:  # a new search, sorted as the last one was
            self._keys[column] = [self._key(column, hit) for hit in self._hits]
        keys = self._keys[column]
        # Ties keep the order found (article, then position): sorted() is stable, and
        # starts from that order whatever the sort before.
        self._order = sorted(
            range(len(self._hits)),
            key=keys.__getitem__,
            reverse=order == Qt.SortOrder.DescendingOrder,
        )

    def _key(self, column: int, hit: Hit) -> Any:
        if column == ARTICLE:
            return self.article(hit.document_id).headline.casefold()
        if column == LEFT:
            return words_key(hit.left)[::-1]
        if column == HIT:
            return one_line(hit.hit).casefold()
        if column == RIGHT:
            return words_key(hit.right)
        variable = self._variables[column - len(FIXED_COLUMNS)]
        value = self.article(hit.document_id).values.get(variable.name, "")
        return _value_key(variable.type, value)

    def _persistent_hits(self) -> list[tuple[QPersistentModelIndex, int]]:
        return [
            (index, self._order[index.row()])
            for index in self.persistentIndexList()
            if index.isValid() and index.row() < len(self._order)
        ]

    def _restore_persistent(self, before: list[tuple[QPersistentModelIndex, int]]) -> None:
        if not before:
            return
        rows = {hit: row for row, hit in enumerate(self._order)}
        old = [index for index, _ in before]
        new = [self.index(rows[hit], index.column()) for index, hit in before]
        self.changePersistentIndexList(old, new)
