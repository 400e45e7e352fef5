"""Retrieval: the passages a search finds across articles, as an excerpt in context (one line)
or whole; the search itself is :func:`annotator.services.retrieval.retrieve`."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QAbstractTableModel, Qt

from annotator.domain.errors import UserError
from annotator.services.changes import Changes
from annotator.services.retrieval import Passage, Search, retrieve
from annotator.ui.controller import Controller
from annotator.ui.models import ROOT, Index

CODING_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Article", "Coder", "Code", "Passage in context", "Memo")
PASSAGE_COLUMN = 3
CONTEXT = 60
PASSAGE_LIMIT = 400
WHOLE_ARTICLE = "(whole article)"


_SPACES = re.compile(r"\s+")


class RetrievalModel(QAbstractTableModel):
    """Passages of a search; the context around each (or its whole text) is read when first
    shown, so a search with 100,000 passages costs one query and the rows on screen."""

    def __init__(self, controller: Controller) -> None:
        super().__init__(controller)
        self.controller = controller
        self._rows: list[Passage] = []
        self._contexts: dict[int, tuple[str, str, str]] = {}
        self._search: Search | None = None
        self._coders: dict[int, str] = {}
        #: Whole passages (as many lines as they take) instead of a one-line excerpt.
        self.whole = False
        controller.changed.connect(self._on_changed)

    @property
    def search(self) -> Search | None:
        return self._search

    def query(self, search: Search | None) -> None:
        """Show what ``search`` finds (nothing for ``None``)."""
        self._search = search
        self.refresh()

    def set_whole(self, whole: bool) -> None:
        """Show whole passages or one-line excerpts in context."""
        if whole != self.whole:
            self.beginResetModel()
            self.whole = whole
            self.endResetModel()

    def refresh(self) -> None:
        self.beginResetModel()
        project = self.controller.project
        self._coders = {c.id: c.name for c in project.coders.all()}
        try:
            self._rows = [] if self._search is None else retrieve(project, self._search)
        except UserError:
            self._rows = []  # a condition on a variable since removed: nothing matches
        self._contexts = {}
        self.endResetModel()

    def _on_changed(self, changes: Changes) -> None:
        if changes.codings or changes.codebook or changes.documents or changes.variables:
            self.refresh()

    def passage(self, row: int) -> Passage:
        return self._rows[row]

    def coding_at(self, row: int) -> tuple[int, int, int | None, int | None]:
        """``(coding id, document id, start, end)`` of a row."""
        p = self._rows[row]
        return p.coding_id, p.document_id, p.start, p.end

    def _context(self, row: Passage) -> tuple[str, str, str]:
        if row.coding_id not in self._contexts:
            if row.start is None or row.end is None:
                self._contexts[row.coding_id] = ("", WHOLE_ARTICLE, "")
            else:
                documents = self.controller.project.documents
                self._contexts[row.coding_id] = documents.context(
                    row.document_id, row.start, row.end, CONTEXT
                )
        return self._contexts[row.coding_id]

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if section == PASSAGE_COLUMN and self.whole:
                return "Passage"
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == CODING_ROLE:
            return row.coding_id
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return row.document
            if column == 1:
                return self._coders.get(row.coder_id, "?")
            if column == 2:
                return self.controller.codebook.get(row.code_id).name
            if column == 4:
                return row.memo if self.whole else _one_line(row.memo)
            return self._passage_text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == PASSAGE_COLUMN:
                return self._context(row)[1]
            if column == 2:
                return self.controller.codebook.path(row.code_id)
            if column == 4 and row.memo:
                return row.memo
        return None

    def _passage_text(self, row: Passage) -> str:
        context = self._context(row)
        if row.start is None:
            return context[1]
        if self.whole:
            return context[1]
        before, passage, after = (_one_line(part) for part in context)
        if len(passage) > PASSAGE_LIMIT:
            passage = passage[: PASSAGE_LIMIT - 1] + "…"
        # The passage keeps the spacing the article has around it; "…" where text goes on.
        more_before = "…" if row.start > len(context[0]) else ""
        more_after = "…" if len(context[2]) == CONTEXT else ""
        return f"{more_before}{before.lstrip()}[{passage.strip()}]{after.rstrip()}{more_after}"


def _one_line(text: str) -> str:
    """Runs of white space (line breaks included) as one space, edges kept."""
    return _SPACES.sub(" ", text)
