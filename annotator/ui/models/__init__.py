"""Qt models over the project: documents, codebook, an article's codings, retrieval."""

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel

#: The invalid index that stands for "no parent" (a shared default argument).
ROOT = QModelIndex()
Index = QModelIndex | QPersistentModelIndex


def refilter(proxy: QSortFilterProxyModel, change: Callable[[], None]) -> None:
    """Change what a proxy's filter depends on (``change``) and have it filter again."""
    if hasattr(proxy, "beginFilterChange"):  # Qt 6.9 and later
        proxy.beginFilterChange()
        change()
        proxy.endFilterChange(QSortFilterProxyModel.Direction.Rows)
    else:
        change()
        proxy.invalidateRowsFilter()
