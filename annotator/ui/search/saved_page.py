"""The Saved searches tab: every saved search with its code and unit; run one on every article,
on the articles added since it last coded ("new articles"), or on those imported after an
import — its hits then show in the Search tab, to preview and apply as any search's; edit its
name, code and unit; delete it."""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserError
from annotator.services import saved_searches
from annotator.services.autocode import Unit
from annotator.services.changes import Changes
from annotator.storage.saved_searches import SavedSearch
from annotator.ui.controller import Controller
from annotator.ui.models import ROOT, Index, TitledColumnsModel
from annotator.ui.panels import one_line_rows
from annotator.ui.read_only import why_read_only
from annotator.ui.search.coding import UNIT_LABELS
from annotator.ui.search.query_bar import ERROR_STYLE
from annotator.ui.search.save_dialog import SaveSearchDialog

EVERY = "all"
NEW = "new"


class SavedSearchesModel(TitledColumnsModel):
    """The project's saved searches, by name."""

    COLUMNS = ("Name", "Query", "Code", "Unit", "New articles", "Searches in")

    def __init__(self, controller: Controller, parent: Any = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._rows: list[SavedSearch] = []
        self._ids: list[int] = []  # every article id, in order (for "new articles")

    def refresh(self) -> None:
        self.beginResetModel()
        project = self.controller.project
        self._rows = saved_searches.list_searches(project)
        self._ids = sorted(document_id for document_id, _ in project.documents.names())
        self.endResetModel()

    def saved(self, row: int) -> SavedSearch:
        return self._rows[row]

    def row_of(self, name: str) -> int | None:
        for row, saved in enumerate(self._rows):
            if saved.name.casefold() == name.casefold():
                return row
        return None

    def mark(self, saved: SavedSearch) -> int:
        """The highest article id the search has coded for the window's coder."""
        return saved_searches.mark(self.controller.project, saved, self.controller.coder.id)

    def new_articles(self, saved: SavedSearch) -> int:
        """How many articles were added since the search last coded for the coder."""
        return len(self._ids) - bisect_right(self._ids, self.mark(saved))

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 4:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        saved = self._rows[index.row()]
        column = index.column()
        if column == 0:
            return saved.name
        if column == 1:
            return f"/{saved.query}/ (regular expression)" if saved.regex else saved.query
        if column == 2:
            codebook = self.controller.codebook
            if saved.code_id is None or saved.code_id not in codebook:
                return "—"
            return codebook.path(saved.code_id)
        if column == 3:
            return UNIT_LABELS.get(Unit(saved.unit), saved.unit)
        if column == 5:
            return self._where(saved)
        new = self.new_articles(saved)
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                "Articles added since this search last coded for you"
                if self.mark(saved)
                else "It has not coded yet: every article is new to it"
            )
        return f"{new:,}"

    def _where(self, saved: SavedSearch) -> str:
        scope = saved.scope
        parts = list(scope.where) or ["every article"]
        if scope.within:
            codebook = self.controller.codebook
            guids = {code.guid.lower(): codebook.path(code.id) for code in codebook.walk()}
            names = [guids.get(g.lower(), "a code gone since") for g in scope.within]
            parts.append("within " + ", ".join(names))
        return "; ".join(parts)


class SavedSearchesPage(QWidget):
    """The saved searches, to run, edit and delete."""

    #: Run a saved search: (saved search, the articles to search or None for all, in words)
    runRequested = Signal(object, object, str)
    #: A saved search was renamed, changed or deleted here.
    savedEdited = Signal()

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.model = SavedSearchesModel(controller, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        one_line_rows(self.view)
        self.view.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((160, 200, 250, 110, 90)):
            self.view.setColumnWidth(column, width)
        self.articles = QComboBox()
        self.articles.setToolTip("Which articles the search runs on")
        self.articles.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.articles.setMinimumContentsLength(28)
        self.run_button = QPushButton("&Run")
        self.run_button.setToolTip(
            "Show its hits in the Search tab, to tick, preview and code (Enter, double-click)"
        )
        self.edit_button = QPushButton("&Edit…")
        self.edit_button.setToolTip("Rename it, tie it to another code or unit")
        self.delete_button = QPushButton("&Delete")
        self.delete_button.setToolTip("Forget the search (the codings it made stay)")
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Run on:"))
        bar.addWidget(self.articles, 1)
        bar.addWidget(self.run_button)
        bar.addStretch(1)
        bar.addWidget(self.edit_button)
        bar.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        about = QLabel(
            "A search tied to a code is a rule: run it on the articles imported since, "
            "preview what it finds and code it in one step. Save a search in the Search tab."
        )
        about.setWordWrap(True)
        layout.addWidget(about)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        self.view.doubleClicked.connect(lambda _: self.run())
        self.view.activated.connect(lambda _: self.run())
        self.run_button.clicked.connect(self.run)
        self.edit_button.clicked.connect(self.edit)
        self.delete_button.clicked.connect(self.delete)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        controller.changed.connect(self._on_changed)
        self.refresh()

    def _on_changed(self, changes: Changes) -> None:
        # A codebook import brings saved searches; an import brings new articles.
        if changes.codebook or changes.documents:
            self.refresh()

    def refresh(self) -> None:
        """Read the saved searches and the imports again, keeping the one chosen."""
        current = self.current()
        self.model.refresh()
        self._fill_articles()
        if current is not None:
            self.select(current.name)
        elif self.model.rowCount():
            self.view.selectRow(0)
        self._update_buttons()

    def _fill_articles(self) -> None:
        chosen = self.articles.currentData()
        self.articles.clear()
        self.articles.addItem("every article in its scope", EVERY)
        self.articles.addItem("new articles (added since it last coded)", NEW)
        for run in reversed(self.controller.project.imports.all()):
            files = len(run.files)
            self.articles.addItem(
                f"articles imported after import {run.id} "
                f"({run.started_at[:16].replace('T', ' ')}, {files} file{'s' * (files != 1)})",
                run.id,
            )
        index = self.articles.findData(chosen)
        self.articles.setCurrentIndex(index if index >= 0 else 0)

    def select(self, name: str) -> None:
        row = self.model.row_of(name)
        if row is not None:
            self.view.selectRow(row)

    def current(self) -> SavedSearch | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.saved(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        chosen = self.current() is not None
        self.run_button.setEnabled(chosen)
        reason = why_read_only(self.controller.project)
        for button in (self.edit_button, self.delete_button):
            button.setEnabled(chosen and not reason)
            if reason:
                button.setToolTip(f"Read-only: {reason}.")

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.message.setText(text[:1].upper() + text[1:])

    # -- actions -------------------------------------------------------------------------------

    def run(self, index: QModelIndex | None = None) -> None:
        """Run the chosen search on the articles chosen beside Run."""
        saved = self.current()
        if saved is None:
            return
        since = self.articles.currentData()
        project = self.controller.project
        try:
            if since == EVERY:
                documents, where = None, "every article in its scope"
            elif since == NEW:
                mark = saved_searches.mark(project, saved, self.controller.coder.id)
                ids = {d for d, _ in project.documents.names() if d > mark}
                documents = frozenset(ids)
                where = f"on the {len(ids):,} new article{'s' * (len(ids) != 1)}"
            else:
                documents = saved_searches.documents_since_import(project, int(since))
                where = (
                    f"on the {len(documents):,} article{'s' * (len(documents) != 1)} "
                    f"imported after import {since}"
                )
        except UserError as error:
            self._say(str(error), error=True)
            return
        self._say("")
        self.runRequested.emit(saved, documents, where)

    def edit(self) -> SaveSearchDialog | None:
        """Rename the chosen search, tie it to another code (or none) or unit."""
        saved = self.current()
        if saved is None or self.controller.project.read_only:
            return None
        project = self.controller.project

        def save(name: str, code_id: int | None, unit: Unit) -> None:
            with project.transaction():
                changed = saved
                if name != saved.name:
                    changed = saved_searches.rename(project, changed, name)
                if code_id != saved.code_id:
                    changed = saved_searches.tie(project, changed, code_id)
                if unit.value != saved.unit:
                    saved_searches.store(project).update(saved.id, unit=unit.value)
            self.refresh()
            self.select(name)
            self._say(f"Saved search “{name}” changed.")
            self.savedEdited.emit()

        dialog = SaveSearchDialog(
            self.controller,
            save,
            saved.code_id,
            Unit(saved.unit),
            name=saved.name,
            title="Edit saved search",
            parent=self,
        )
        dialog.open()
        return dialog

    def delete(self) -> bool:
        """Forget the chosen search, once the user agrees (its codings stay)."""
        saved = self.current()
        if saved is None or self.controller.project.read_only:
            return False
        answer = QMessageBox.question(
            self,
            "Delete saved search",
            f"Forget the saved search “{saved.name}”? The codings it made stay.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            saved_searches.delete(self.controller.project, saved)
        except UserError as error:
            self._say(str(error), error=True)
            return False
        self.refresh()
        self._say(f"Saved search “{saved.name}” deleted.")
        self.savedEdited.emit()
        return True
