"""The codebook as a Qt tree: dimensions → codes, with colour, shortcut and usage counts."""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QMimeData, QModelIndex, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QIcon, QPixmap

from annotator.domain.model import Code
from annotator.services.changes import Changes
from annotator.ui.controller import Controller
from annotator.ui.models import ROOT, Index
from annotator.ui.reader import SPAN_MIME

CODE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Code", "Key", "Article", "Project")


class _Node:
    """A tree node the model hands to Qt as an index's internal pointer (kept alive here)."""

    __slots__ = ("children", "code", "parent", "row")

    def __init__(self, code: Code | None, parent: _Node | None, row: int) -> None:
        self.code = code
        self.parent = parent
        self.row = row
        self.children: list[_Node] = []


@functools.cache
def swatch(color: str, size: int = 12) -> QIcon:
    """A square of the code's colour (made once per colour: views ask on every paint)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class CodebookModel(QAbstractItemModel):
    """Dimensions and codes with the number of codings in this article and in the project
    (counting only the codings the coder may see: their own in blind mode)."""

    def __init__(self, controller: Controller) -> None:
        super().__init__(controller)
        self.controller = controller
        self._root = _Node(None, None, 0)
        self._nodes: dict[int, _Node] = {}
        self._article: Counter[int] = Counter()
        self._project: Counter[int] = Counter()
        self._rebuild()
        controller.changed.connect(self._on_changed)
        # The article's counts follow on the next turn of the event loop, after the article
        # itself is drawn.
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(0)
        self._pending.timeout.connect(lambda: self._refresh_counts(project=False))
        controller.documentOpened.connect(lambda _: self._pending.start())
        controller.visibilityChanged.connect(self._refresh_counts)
        controller.coderChanged.connect(self._refresh_counts)

    # -- building ------------------------------------------------------------------------------

    def _rebuild(self) -> None:
        self.beginResetModel()
        tree = self.controller.codebook
        self._root = _Node(None, None, 0)
        self._nodes = {}

        # Without recursion: a project edited elsewhere may nest codes deeper than Python
        # recurses.
        pending: list[tuple[_Node, int | None]] = [(self._root, None)]
        while pending:
            parent, parent_id = pending.pop()
            for row, code in enumerate(tree.children(parent_id)):
                node = _Node(code, parent, row)
                parent.children.append(node)
                self._nodes[code.id] = node
                pending.append((node, code.id))
        self._count()
        self.endResetModel()

    def _count(self, *, project: bool = True) -> None:
        self._article = Counter(self.controller.summary.counts)
        if project:
            coders = self.controller.visible_coder_ids()
            self._project = Counter(self.controller.project.codings.counts_by_code(None, coders))

    def _refresh_counts(self, *, project: bool = True) -> None:
        self._count(project=project)
        self._emit_column_changes(2, 3)

    def _emit_column_changes(self, first: int, last: int) -> None:
        pending = [QModelIndex()]
        while pending:
            parent = pending.pop()
            rows = self.rowCount(parent)
            if rows:
                self.dataChanged.emit(
                    self.index(0, first, parent), self.index(rows - 1, last, parent)
                )
                pending.extend(self.index(row, 0, parent) for row in range(rows))

    def _emit_count_changes(self, code_ids: Iterable[int]) -> None:
        """Tell views the counts of these codes and of their ancestors changed."""
        nodes = set()
        for code_id in code_ids:
            node = self._nodes.get(code_id)
            while node is not None and node is not self._root:
                nodes.add(node)
                node = node.parent
        for node in nodes:
            self.dataChanged.emit(
                self.createIndex(node.row, 2, node), self.createIndex(node.row, 3, node)
            )

    def _on_changed(self, changes: Changes) -> None:
        if changes.codebook:
            self._rebuild()
        elif changes.codings and changes.described:  # counts move by what changed
            delta = changes.count_change(self.controller.is_shown)
            self._project.update(delta)
            self._article = Counter(self.controller.summary.counts)
            self._emit_count_changes(delta)
        elif changes.codings:
            self._refresh_counts()

    # -- lookup --------------------------------------------------------------------------------

    def index_of(self, code_id: int, column: int = 0) -> QModelIndex:
        node = self._nodes.get(code_id)
        if node is None:
            return QModelIndex()
        return self.createIndex(node.row, column, node)

    def code_at(self, index: Index) -> Code | None:
        if not index.isValid():
            return None
        node: _Node = index.internalPointer()
        return node.code

    def _node(self, index: Index) -> _Node:
        return index.internalPointer() if index.isValid() else self._root  # type: ignore[no-any-return]

    # -- QAbstractItemModel ----------------------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = ROOT) -> QModelIndex:
        node = self._node(parent)
        if not (0 <= row < len(node.children)) or not (0 <= column < len(COLUMNS)):
            return QModelIndex()
        return self.createIndex(row, column, node.children[row])

    def parent(self, index: Index = ROOT) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        node: _Node = index.internalPointer()
        if node.parent is None or node.parent is self._root:
            return QModelIndex()
        return self.createIndex(node.parent.row, 0, node.parent)

    def rowCount(self, parent: Index = ROOT) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: Index = ROOT) -> int:
        return len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return (
                "The code's name",
                "Key that applies the code to the selected passage",
                "Codings in this article",
                "Codings in the whole project",
            )[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        code = self.code_at(index)
        if code is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return code.name
            if column == 1:
                return code.shortcut or ""
            counts = self._article if column == 2 else self._project
            if code.is_dimension:
                return sum(counts.get(c.id, 0) for c in self.controller.codebook.walk(code.id))
            return counts.get(code.id, 0)
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return swatch(code.color)
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            kind = "dimension (codes exclusive)" if code.exclusive else "dimension"
            head = self.controller.codebook.path(code.id) + (
                f" — {kind}" if code.is_dimension else ""
            )
            return f"{head}\n\n{code.description}" if code.description else head
        if role == Qt.ItemDataRole.FontRole and code.is_dimension and column == 0:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == CODE_ID_ROLE:
            return code.id
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        code = self.code_at(index)
        if code is None:
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not code.is_dimension:
            flags |= Qt.ItemFlag.ItemIsDropEnabled
        return flags

    # -- dropping a selection on a code applies it ------------------------------------------------

    def mimeTypes(self) -> list[str]:
        return [SPAN_MIME]

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        code = self.code_at(parent)
        return data.hasFormat(SPAN_MIME) and code is not None and not code.is_dimension

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        code = self.code_at(parent)
        span = json.loads(bytes(data.data(SPAN_MIME).data()).decode())
        if code is None or span.get("document_id") != self.controller.document_id:
            return False
        return self.controller.apply_code(code.id, (int(span["start"]), int(span["end"])))
