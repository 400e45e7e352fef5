"""Retrieval: every passage coded with a code (or any code of a dimension) across articles."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QAbstractTableModel, Qt

from annotator.services.changes import Changes
from annotator.ui.controller import Controller
from annotator.ui.models import ROOT, Index

CODING_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Article", "Coder", "Code", "Passage in context")
CONTEXT = 60
PASSAGE_LIMIT = 400
Row = tuple[int, int, str, int, int, int | None, int | None]


_SPACES = re.compile(r"\s+")


class RetrievalModel(QAbstractTableModel):
    """Coded passages of the chosen codes; the context around each is read when first shown."""

    def __init__(self, controller: Controller) -> None:
        super().__init__(controller)
        self.controller = controller
        self._rows: list[Row] = []
        self._contexts: dict[int, tuple[str, str, str]] = {}
        self._code_ids: list[int] = []
        self._coder_id: int | None = None
        self._coders: dict[int, str] = {}
        controller.changed.connect(self._on_changed)
        controller.visibilityChanged.connect(self.refresh)
        controller.coderChanged.connect(self.refresh)

    def query(self, code_ids: list[int], coder_id: int | None = None) -> None:
        """Show the codings of ``code_ids`` by one coder (or by every coder the user may see)."""
        self._code_ids, self._coder_id = code_ids, coder_id
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        project = self.controller.project
        self._coders = {c.id: c.name for c in project.coders.all()}
        visible = self.controller.visible_coder_ids()
        coders: set[int] | None = visible
        if self._coder_id is not None:
            coders = {self._coder_id} if visible is None or self._coder_id in visible else set()
        self._rows = project.codings.retrieve(self._code_ids, coders) if self._code_ids else []
        self._contexts = {}
        self.endResetModel()

    def _on_changed(self, changes: Changes) -> None:
        if changes.codings or changes.codebook:
            self.refresh()

    def coding_at(self, row: int) -> tuple[int, int, int | None, int | None]:
        """``(coding id, document id, start, end)`` of a row."""
        coding_id, document_id, _, _, _, start, end = self._rows[row]
        return coding_id, document_id, start, end

    def _context(self, row: Row) -> tuple[str, str, str]:
        coding_id, document_id, _, _, _, start, end = row
        if coding_id not in self._contexts:
            if start is None or end is None:
                self._contexts[coding_id] = ("", "(whole article)", "")
            else:
                documents = self.controller.project.documents
                self._contexts[coding_id] = documents.context(document_id, start, end, CONTEXT)
        return self._contexts[coding_id]

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

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
        row = self._rows[index.row()]
        column = index.column()
        if role == CODING_ROLE:
            return row[0]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return row[2]
            if column == 1:
                return self._coders.get(row[3], "?")
            if column == 2:
                return self.controller.codebook.get(row[4]).name
            if row[5] is None:
                return self._context(row)[1]
            context = self._context(row)
            before, passage, after = (_one_line(part) for part in context)
            if len(passage) > PASSAGE_LIMIT:
                passage = passage[: PASSAGE_LIMIT - 1] + "…"
            # The passage keeps the spacing the article has around it; "…" where text goes on.
            more_before = "…" if row[5] > len(context[0]) else ""
            more_after = "…" if len(context[2]) == CONTEXT else ""
            return f"{more_before}{before.lstrip()}[{passage.strip()}]{after.rstrip()}{more_after}"
        if role == Qt.ItemDataRole.ToolTipRole and column == 3:
            return self._context(row)[1]
        return None


def _one_line(text: str) -> str:
    """Runs of white space (line breaks included) as one space, edges kept."""
    return _SPACES.sub(" ", text)
