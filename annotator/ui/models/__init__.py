"""Qt models over the project: documents, codebook, an article's codings, retrieval."""

from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

#: The invalid index that stands for "no parent" (a shared default argument).
ROOT = QModelIndex()
Index = QModelIndex | QPersistentModelIndex


class TitledColumnsModel(QAbstractTableModel):
    """A table whose columns are fixed: one a title of :attr:`COLUMNS`, as its heading."""

    COLUMNS: ClassVar[tuple[str, ...]] = ()

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.COLUMNS)
        ):
            return self.COLUMNS[section]
        return None


def refilter(proxy: QSortFilterProxyModel, change: Callable[[], None]) -> None:
    """Change what a proxy's filter depends on (``change``) and have it filter again."""
    if hasattr(proxy, "beginFilterChange"):  # Qt 6.9 and later
        proxy.beginFilterChange()
        change()
        proxy.endFilterChange(QSortFilterProxyModel.Direction.Rows)
    else:
        change()
        proxy.invalidateRowsFilter()
