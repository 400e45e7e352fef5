"""The codings of the open article (code, coder, passage, memo), read a page at a time."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, Qt, QTimer

from annotator.domain.errors import NotFoundError
from annotator.services.changes import Changes
from annotator.ui.coder_lanes import coder_colors
from annotator.ui.controller import ArticleRow, Controller
from annotator.ui.models import ROOT, Index
from annotator.ui.models.codebook import swatch
from annotator.ui.search.origin import describe_origin

CODING_ID_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Code", "Coder", "Passage", "Memo")
CODER_COLUMN = 1
PASSAGE_COLUMN = 2
MEMO_COLUMN = 3
PASSAGE_LIMIT = 160
PAGE = 64
START, END, ID, CODE, CODER = range(5)
ROLES = frozenset(
    {
        CODING_ID_ROLE,
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.EditRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.DecorationRole,
    }
)


class ArticleCodingsModel(QAbstractTableModel):
    """This article's codings the coder may see, article-level first, then by position.

    Only the row count is known up front (from the controller's summary); rows are read from
    the database a page at a time as the view shows them. Any change to the article resets the
    model (the panel keeps its scroll position and selection).
    """

    def __init__(self, controller: Controller) -> None:
        super().__init__(controller)
        self.controller = controller
        self._count = 0
        # What is shown, captured at reload: pages are read for this article and these coders
        # even while a newly opened article waits for its turn.
        self._document_id: int | None = None
        self._visible: set[int] | None = None
        self._pages: dict[int, list[ArticleRow]] = {}
        self._memos: dict[int, str] = {}
        # Where codings came from, read for a tooltip (by coding id; None: by hand).
        self._origins: dict[int, str | None] = {}
        self._text = ""
        self._coders: dict[int, str] = {}
        self._coder_colors: dict[int, str] = {}
        # A new article is drawn first; this list fills on the next turn of the event loop
        # (a timer restarted by every switch, so flicking through articles reads only the last).
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(0)
        self._pending.timeout.connect(self.reload)
        # Rows vanished since the list was counted: the article changed elsewhere; every view
        # of it (and the window's counts) is told so on the next turn, never while painting.
        self._recount = QTimer(self)
        self._recount.setSingleShot(True)
        self._recount.setInterval(0)
        self._recount.timeout.connect(self._changed_elsewhere)
        controller.documentOpened.connect(lambda _: self._pending.start())
        controller.visibilityChanged.connect(self.reload)
        controller.coderChanged.connect(self.reload)
        controller.changed.connect(self._on_changed)

    def reload(self) -> None:
        self._pending.stop()
        self.beginResetModel()
        project, document_id = self.controller.project, self.controller.document_id
        self._document_id = document_id
        self._visible = self.controller.visible_coder_ids()
        self._coders = {c.id: c.name for c in project.coders.all()}
        # The coder's colour marks their stripes when every coder is shown.
        self._coder_colors = {} if self._visible is not None else coder_colors(self._coders)
        self._text = self.controller.text
        self._memos = {} if document_id is None else project.codings.memos(document_id)
        self._origins = {}
        self._count = self.controller.summary.total
        self._pages = {}
        self.endResetModel()

    def _on_changed(self, changes: Changes) -> None:
        # The article now open, even if its turn to be listed has not come yet.
        shown = {self._document_id, self.controller.document_id}
        if changes.codebook or changes.coders or shown & changes.documents:
            self.reload()

    def _changed_elsewhere(self) -> None:
        if self._document_id is not None:
            self.controller.changed_elsewhere(self._document_id)

    def _row(self, row: int) -> ArticleRow:
        found = self._row_or_none(row)
        if found is None:
            raise LookupError(f"coding row {row} is no longer in the project")
        return found

    def _row_or_none(self, row: int) -> ArticleRow | None:
        """The row, or None when it has vanished since the list was counted (deleted by
        another window or program): the list is then read again on the next turn."""
        page = row // PAGE
        if page not in self._pages:
            if self._document_id is None:
                return None
            self._pages[page] = self.controller.project.codings.page(
                self._document_id, self._visible, page * PAGE, PAGE
            )
        rows = self._pages[page]
        if row % PAGE >= len(rows):
            self._recount.start()  # counted before rows vanished: count again
            return None
        return rows[row % PAGE]

    def _origin(self, coding_id: int) -> str | None:
        """A coding's origin, read when its tooltip is first shown (by its id alone: no
        index of the article is read for it)."""
        if coding_id not in self._origins:
            try:
                self._origins[coding_id] = self.controller.project.codings.get(coding_id).origin
            except NotFoundError:  # gone meanwhile: the list is read again soon
                self._origins[coding_id] = None
        return self._origins[coding_id]

    def coding_id(self, row: int) -> int:
        return self._row(row)[ID]

    def coding_ids(self, rows: list[int]) -> list[int]:
        """The codings shown in these rows, leaving out rows that have vanished."""
        return [found[ID] for row in rows if (found := self._row_or_none(row)) is not None]

    def coder_id(self, row: int) -> int:
        return self._row(row)[CODER]

    def row_of(self, coding_id: int) -> int | None:
        """The row showing a coding (reads every page up to it if need be)."""
        for row in range(self._count):
            found = self._row_or_none(row)
            if found is None:
                return None
            if found[ID] == coding_id:
                return row
        return None

    def passage(self, row: ArticleRow) -> str:
        if row[START] is None:
            return "(whole article)"
        passage = " ".join(self._text[row[START] : row[END]].split())
        if len(passage) > PASSAGE_LIMIT:
            passage = passage[: PASSAGE_LIMIT - 1] + "…"
        return f"“{passage}”"

    # -- QAbstractTableModel ---------------------------------------------------------------------

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Views ask for a dozen roles per cell on every paint; most are not ours.
        if role not in ROLES or not index.isValid():
            return None
        row = self._row_or_none(index.row())
        if row is None:  # vanished meanwhile: blank until the list is read again
            return None
        column = index.column()
        codebook = self.controller.codebook
        if role == CODING_ID_ROLE:
            return row[ID]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == 0:
                return codebook.get(row[CODE]).name
            if column == 1:
                return self._coders.get(row[CODER], "?")
            if column == 2:
                return self.passage(row)
            return self._memos.get(row[ID], "")
        if role == Qt.ItemDataRole.ToolTipRole:
            made = describe_origin(self._origin(row[ID]))
            if column == 0:
                path = codebook.path(row[CODE])
                return path if made is None else f"{path}\n{made}"
            if column == 2 and row[START] is not None:
                passage = self._text[row[START] : row[END]]
                return passage if made is None else f"{made}\n\n{passage}"
            if column == CODER_COLUMN and made is not None:
                return made
            if column == MEMO_COLUMN:
                return self._memos.get(row[ID]) or "Double-click to write a memo"
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return swatch(codebook.get(row[CODE]).color)
        if role == Qt.ItemDataRole.DecorationRole and column == CODER_COLUMN:
            color = self._coder_colors.get(row[CODER])
            return None if color is None else swatch(color)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        # Only the memo column asks for the row (only your own memos are editable).
        memo = index.isValid() and index.column() == MEMO_COLUMN
        row = self._row_or_none(index.row()) if memo else None
        if row is not None and row[CODER] == self.controller.coder.id:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != MEMO_COLUMN or role != Qt.ItemDataRole.EditRole:
            return False
        row = self._row_or_none(index.row())
        if row is None:
            return False
        self.controller.set_memo(row[ID], str(value))
        return True
