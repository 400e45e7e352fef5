"""The project's log and every memo in one window (File → Project log and memos…): dated
log entries, newest first, written, edited in place and deleted as undoable steps; and a
search over all memos (project, articles, codes, codings)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserError
from annotator.domain.model import Coder, Memo
from annotator.services import memos
from annotator.services.changes import Changes
from annotator.services.editing import ChangedSince
from annotator.services.memos import MemoChange, MemoRow
from annotator.ui.controller import Controller
from annotator.ui.edit_commit import commit_cell_editors
from annotator.ui.memos.commands import hub, run_memo

Index = QModelIndex | QPersistentModelIndex
#: Keys of the project log window (listed by Help → Keyboard shortcuts).
LOG_KEYS = (
    ("Ctrl+Return", "Add the new entry", "Project log and memos"),
    ("Delete", "Delete the selected log entry", "Project log and memos"),
)
ROOT = QModelIndex()
LOG_COLUMNS = ("When (UTC)", "Coder", "Entry")
SEARCH_COLUMNS = ("On", "Coder", "Updated (UTC)", "Memo")


def _time(stamp: str) -> str:
    return stamp.replace("T", " ").removesuffix("Z")[:16]


class ProjectLogModel(QAbstractTableModel):
    """The project's log entries, newest first; a coder edits the text of their own entries."""

    #: An edit the project refused (why).
    refused = Signal(str)

    def __init__(self, controller: Controller) -> None:
        super().__init__()
        self.controller = controller
        self.entries: list[Memo] = []
        self._coders: dict[int, str] = {}
        self.reload()
        hub(controller).changed.connect(self._changed)
        controller.changed.connect(self._project_changed)

    def reload(self) -> None:
        self.beginResetModel()
        self.entries = memos.project_log(self.controller.project)
        self._coders = {c.id: c.name for c in self.controller.project.coders.all()}
        self.endResetModel()

    def _project_changed(self, changes: Changes) -> None:
        if changes.memos or changes.coders:  # a merge, an import or a restore in this window
            self.reload()

    def _changed(self, change: MemoChange) -> None:
        memo = change.after or change.before
        if memo is not None and memo.target == "project":
            self.reload()

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(LOG_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return LOG_COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        memo = self.entries[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == 0:
                return _time(memo.created_at)
            if column == 1:
                return self._coders.get(memo.coder_id, "") if memo.coder_id is not None else ""
            return memo.text if role == Qt.ItemDataRole.EditRole else memo.text.replace("\n", " ⏎ ")
        if role == Qt.ItemDataRole.ToolTipRole and column == 2:
            edited = (
                "" if memo.updated_at == memo.created_at else f"\n(edited {_time(memo.updated_at)})"
            )
            return memo.text + edited
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == 2 and self._mine(self.entries[index.row()]):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def _mine(self, memo: Memo) -> bool:
        return memo.coder_id == self.controller.coder.id and not self.controller.project.read_only

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        shown, project = self.entries[index.row()], self.controller.project
        text = str(value)
        try:
            run_memo(
                self.controller,
                "edit log entry",
                # Compared with the entry as shown: another window's edit is never overwritten.
                lambda: memos.edit_memo(project, shown.id, text, expected=shown),
            )
        except ChangedSince as error:  # changed elsewhere: its text now, the typed text kept
            self.reload()
            self.refused.emit(f"{error}. What you typed: {text}")
            return False
        except UserError as error:  # the coder was merged away meanwhile: the view says so
            self.refused.emit(str(error))
            return False
        return True


class MemoSearchModel(QAbstractTableModel):
    """Every memo whose text (or what it is on, or its coder) contains the filter text."""

    def __init__(self, controller: Controller) -> None:
        super().__init__()
        self.controller = controller
        self.rows: list[MemoRow] = []
        self.text = ""
        self.search("")
        hub(controller).changed.connect(lambda _: self.search(self.text))
        controller.changed.connect(lambda changes: changes.codings and self.search(self.text))
        controller.visibilityChanged.connect(lambda: self.search(self.text))
        controller.coderChanged.connect(lambda: self.search(self.text))

    def search(self, text: str) -> None:
        self.beginResetModel()
        self.text = text
        # Blind mode: other coders' memos on articles and codings stay hidden, as their codings.
        blind = not self.controller.show_all_coders
        self.rows = memos.search(
            self.controller.project, text, only_coder=self.controller.coder.name if blind else None
        )
        self.endResetModel()

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(SEARCH_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return SEARCH_COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.about, row.coder, _time(row.updated_at), row.text.replace("\n", " ⏎ "))[
                index.column()
            ]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.about}\n\n{row.text}"
        return None


def _table(model: QAbstractTableModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    for column in range(model.columnCount() - 1):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return view


class MemosDialog(QDialog):
    """The project's log (write, edit, delete entries) and a search over every memo."""

    #: An article to open (its id): a memo on it or on one of its codings was activated.
    articleRequested = Signal(int)
    #: The coded passages whose memos hold this text ("": all) are asked for.
    passagesRequested = Signal(str)

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle("Project log and memos")
        self.tabs = QTabWidget()
        # The log.
        self.log_model = ProjectLogModel(controller)
        self.log = _table(self.log_model)
        self.log.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.entry = QPlainTextEdit()
        self.entry.setPlaceholderText(
            "A new entry: what was decided, changed or found (Ctrl+Return adds it)"
        )
        self.entry.setMaximumHeight(72)
        # The entry is the coder's who started typing it, even if the coder is switched before
        # it is added (as the memo pane keeps a memo to the coder who typed it).
        self._entry_coder: Coder | None = None
        self.entry.textChanged.connect(self._entry_typed)
        self.state = QLabel()
        self.state.setWordWrap(True)
        # A refused cell edit's text is shown here: it can be selected and copied.
        self.state.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.log_model.refused.connect(lambda why: self.state.setText(f"Not saved: {why}"))
        self.add_button = QPushButton("&Add entry")
        self.add_button.clicked.connect(self.add_entry)
        self.delete_button = QPushButton("&Delete entry")
        self.delete_button.clicked.connect(self.delete_selected)
        # Keys handled where they are typed (a shortcut would need the dialog to be active).
        self.entry.installEventFilter(self)
        self.log.installEventFilter(self)
        buttons = QVBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        writing = QHBoxLayout()
        writing.addWidget(self.entry, 1)
        writing.addLayout(buttons)
        log_page = QWidget()
        log_layout = QVBoxLayout(log_page)
        log_layout.addWidget(self.log, 1)
        log_layout.addLayout(writing)
        log_layout.addWidget(self.state)
        self.tabs.addTab(log_page, "Project &log")
        # The search.
        self.search_model = MemoSearchModel(controller)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Search every memo: text, article, code or coder")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.search_model.search)
        self.found = _table(self.search_model)
        self.found.activated.connect(self._open)
        self.count = QLabel()
        self.search_model.modelReset.connect(self._count)
        search_page = QWidget()
        search_layout = QVBoxLayout(search_page)
        search_layout.addWidget(self.filter)
        search_layout.addWidget(self.found, 1)
        self.passages_button = QPushButton("Show coded &passages with this memo text")
        self.passages_button.setToolTip(
            "The coded-passages view (Ctrl+R) keeps the passages whose coding, article or code "
            "memo holds this text; an empty search shows them all again"
        )
        self.passages_button.clicked.connect(
            lambda: self.passagesRequested.emit(self.filter.text().strip())
        )
        below = QHBoxLayout()
        below.addWidget(self.count, 1)
        below.addWidget(self.passages_button)
        search_layout.addLayout(below)
        self.tabs.addTab(search_page, "All &memos")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self._count()
        self._enable()
        self.log.selectionModel().selectionChanged.connect(self._enable)
        self.resize(820, 480)

    def _enable(self) -> None:
        writable = not self.controller.project.read_only
        for widget in (self.entry, self.add_button):
            widget.setEnabled(writable)
        rows = {i.row() for i in self.log.selectionModel().selectedRows()}
        mine = any(self.log_model.entries[r].coder_id == self.controller.coder.id for r in rows)
        self.delete_button.setEnabled(writable and mine)
        self.delete_button.setToolTip("Deletes your own selected entries (Delete)")

    def _count(self) -> None:
        shown, text = len(self.search_model.rows), self.search_model.text.strip()
        noun = "memo" if shown == 1 else "memos"
        self.count.setText(f"{shown} {noun}" + (f" containing '{text}'" if text else ""))

    def _entry_typed(self) -> None:
        if not self.entry.toPlainText():
            self._entry_coder = None
        elif self._entry_coder is None:
            self._entry_coder = self.controller.coder

    def add_entry(self) -> str:
        """Add what is typed as a new log entry by the coder who typed it; why it was refused
        ("" if it was added, or nothing is typed): then the text stays in the box."""
        text, project = self.entry.toPlainText(), self.controller.project
        if not text.strip():
            return ""
        coder = self._entry_coder or self.controller.coder
        try:
            run_memo(
                self.controller,
                "add log entry",
                lambda: memos.add_log_entry(project, text, coder.id),
                coder,
            )
        except UserError as error:
            self.state.setText(f"Not added: {error}")
            return str(error)
        self.state.setText("")
        self.entry.clear()
        return ""

    def finish(self) -> str:
        """Write what is being typed: an entry's cell being edited, and the new entry (added,
        not dropped: typing it is what the log is for, and it can be edited or deleted after);
        why the new entry was refused ("" when nothing was)."""
        commit_cell_editors(self)
        return self.add_entry()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closing()
        super().closeEvent(event)

    def reject(self) -> None:  # Escape closes too, and writes first
        self._closing()
        super().reject()

    def _closing(self) -> None:
        refused = self.finish()
        if refused:  # the text stays in the box: the dialog is hidden, not destroyed
            QMessageBox.warning(
                self,
                "Log entry not added",
                f"The new log entry was not added: {refused}.\n"
                "It stays in the entry box of this window (File → Project log and memos).",
            )

    def delete_selected(self) -> None:
        """Delete the selected log entries that are the current coder's own."""
        rows = {i.row() for i in self.log.selectionModel().selectedRows()}
        entries = [self.log_model.entries[row] for row in sorted(rows)]
        project = self.controller.project
        for memo in entries:  # ids first: the list reloads after each deletion
            if memo.coder_id == self.controller.coder.id:
                run_memo(
                    self.controller,
                    "delete log entry",
                    lambda memo_id=memo.id: memos.delete_memo(project, memo_id),
                )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        deleting = isinstance(event, QKeyEvent) and event.matches(QKeySequence.StandardKey.Delete)
        if watched is self.log and deleting and event.type() == QEvent.Type.ShortcutOverride:
            event.accept()  # Delete here deletes a log entry, never the window's coding
            return True
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            control = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            if watched is self.entry and control and enter:
                self.add_entry()
                return True
            editing = self.log.state() == QAbstractItemView.State.EditingState
            if watched is self.log and deleting and not editing:
                self.delete_selected()
                return True
        return super().eventFilter(watched, event)

    def _open(self, index: QModelIndex) -> None:
        row = self.search_model.rows[index.row()]
        if row.document:
            document = self.controller.project.documents.by_name(row.document)
            if document is not None:
                self.articleRequested.emit(document.id)
