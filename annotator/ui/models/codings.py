"""The codings of the open article (code, coder, passage, memo), kept in step incrementally."""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from annotator.domain.errors import NotFoundError
from annotator.domain.model import Coding
from annotator.services.changes import Changes
from annotator.ui.controller import Controller
from annotator.ui.models import ROOT, Index
from annotator.ui.models.codebook import swatch

CODING_ID_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Code", "Coder", "Passage", "Memo")
MEMO_COLUMN = 3
PASSAGE_LIMIT = 160


def _order(coding: Coding) -> tuple[int, int, int, int]:
    # Article-level codings first, then by position.
    return (coding.start is not None, coding.start or 0, coding.end or 0, coding.id)


class ArticleCodingsModel(QAbstractTableModel):
    """This article's codings the coder may see; memos are edited in place."""

    def __init__(self, controller: Controller) -> None:
        super().__init__(controller)
        self.controller = controller
        self._codings: list[Coding] = []
        self._keys: list[tuple[int, int, int, int]] = []
        self._text = ""
        self._coders: dict[int, str] = {}
        controller.documentOpened.connect(lambda _: self.reload())
        controller.visibilityChanged.connect(self.reload)
        controller.coderChanged.connect(self.reload)
        controller.changed.connect(self._on_changed)

    def reload(self) -> None:
        self.beginResetModel()
        project, document_id = self.controller.project, self.controller.document_id
        self._coders = {c.id: c.name for c in project.coders.all()}
        if document_id is None:
            self._codings, self._text = [], ""
        else:
            self._text = project.documents.text(document_id)
            visible = self.controller.visible_coder_ids()
            self._codings = sorted(
                (
                    c
                    for c in project.codings.for_document(document_id)
                    if visible is None or c.coder_id in visible
                ),
                key=_order,
            )
        self._keys = [_order(c) for c in self._codings]
        self.endResetModel()

    def _on_changed(self, changes: Changes) -> None:
        document_id = self.controller.document_id
        if changes.codebook or changes.coders:
            self.reload()
            return
        if document_id is None or document_id not in changes.documents:
            return
        visible = self.controller.visible_coder_ids()
        for coding_id in sorted(changes.codings):
            self._remove(coding_id)
            try:
                coding = self.controller.project.codings.get(coding_id)
            except NotFoundError:
                continue
            if coding.document_id == document_id and (
                visible is None or coding.coder_id in visible
            ):
                self._insert(coding)

    def _remove(self, coding_id: int) -> None:
        for row, coding in enumerate(self._codings):
            if coding.id == coding_id:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._codings[row]
                del self._keys[row]
                self.endRemoveRows()
                return

    def _insert(self, coding: Coding) -> None:
        key = _order(coding)
        row = bisect_left(self._keys, key)
        self.beginInsertRows(QModelIndex(), row, row)
        self._codings.insert(row, coding)
        self._keys.insert(row, key)
        self.endInsertRows()

    def coding(self, row: int) -> Coding:
        return self._codings[row]

    def row_of(self, coding_id: int) -> int | None:
        return next((row for row, c in enumerate(self._codings) if c.id == coding_id), None)

    def passage(self, coding: Coding) -> str:
        if coding.start is None:
            return "(whole article)"
        passage = " ".join(self._text[coding.start : coding.end].split())
        if len(passage) > PASSAGE_LIMIT:
            passage = passage[: PASSAGE_LIMIT - 1] + "…"
        return f"“{passage}”"

    # -- QAbstractTableModel ---------------------------------------------------------------------

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._codings)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        coding = self._codings[index.row()]
        column = index.column()
        codebook = self.controller.codebook
        if role == CODING_ID_ROLE:
            return coding.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == 0:
                return codebook.get(coding.code_id).name
            if column == 1:
                return self._coders.get(coding.coder_id, "?")
            if column == 2:
                return self.passage(coding)
            return coding.memo
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 0:
                return codebook.path(coding.code_id)
            if column == 2 and coding.start is not None:
                return self._text[coding.start : coding.end]
            if column == MEMO_COLUMN:
                return coding.memo or "Double-click to write a memo"
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return swatch(codebook.get(coding.code_id).color)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == MEMO_COLUMN:
            coding = self._codings[index.row()]
            if coding.coder_id == self.controller.coder.id:
                flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != MEMO_COLUMN or role != Qt.ItemDataRole.EditRole:
            return False
        self.controller.set_memo(self._codings[index.row()].id, str(value))
        return True
