"""Codebook → History and versions…: the codebook's change log (filterable), its tags, and
tagging the current version. Changes made in the codebook editor show up as they happen."""

from __future__ import annotations

import html

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserError
from annotator.services.changes import Changes
from annotator.services.codebook_versions import Change, History, history, tag_version
from annotator.ui.controller import Controller
from annotator.ui.panels import one_line_rows
from annotator.ui.read_only import why_read_only
from annotator.ui.reliability.fit import fit_to_screen

_Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("#", "When (UTC)", "Who", "Route", "Change", "Tag")
CHANGE_COLUMN = COLUMNS.index("Change")


class ChangesModel(QAbstractTableModel):
    """The change log, newest first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.changes: list[Change] = []

    def set_changes(self, changes: list[Change]) -> None:
        self.beginResetModel()
        self.changes = list(reversed(changes))
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.changes)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        change = self.changes[index.row()]
        column = index.column()
        if column == 0:
            return change.id
        if column == 1:
            return change.made_at.replace("T", " ").removesuffix("Z")
        if column == 2:
            return change.coder or "—"
        if column == 3:
            return change.route or "—"
        if column == 4:
            return change.summary()
        return ", ".join(change.tags)


class CodebookHistory(QDialog):
    """The change log and the tagged versions of the project's codebook."""

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Codebook history and versions")
        self.setWindowFlag(Qt.WindowType.Window)
        fit_to_screen(self, 1100, 640)  # a small screen gets what it can show
        self.controller = controller
        self.found: History | None = None
        self.current = QLabel()
        self.current.setWordWrap(True)
        self.current.setTextFormat(Qt.TextFormat.RichText)  # its parts escaped
        self.tags = QLabel()
        self.tags.setWordWrap(True)
        self.tags.setTextFormat(Qt.TextFormat.PlainText)  # tag names and notes as typed
        self.tags.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = ChangesModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter changes (code, value, coder, route)…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.filter.textChanged.connect(lambda _: self._count())
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        one_line_rows(self.table)
        # The description takes what is left, so that the Tag column stays in sight at any
        # width the dialog fits (fixed widths pushed it past a 1100-pixel dialog's edge).
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for column, width in enumerate((50, 140, 90, 200, 0, 120)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(CHANGE_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.shown = QLabel()
        self.tag_button = QPushButton("&Tag current version…")
        self.tag_button.clicked.connect(self.ask_tag)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.shown, 1)
        buttons.addWidget(self.tag_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.current)
        layout.addWidget(self.tags)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.tag_button.setEnabled(not controller.project.read_only)
        if controller.project.read_only:  # off, saying why, as the window's editing actions
            why = f"Read-only: {why_read_only(controller.project)}."
            self.tag_button.setToolTip(f"Tag current version is off. {why}")
            self.tag_button.setStatusTip(why)
        controller.changed.connect(self._changed)
        self.refresh()

    def refresh(self) -> None:
        """Read the log and the tags again."""
        self.found = history(self.controller.project)
        self.model.set_changes(list(self.found.changes))
        self.current.setText(f"<b>Current version:</b> {html.escape(str(self.found.current))}")
        if self.found.tags:
            listed = "; ".join(
                f"{t.name} (change {t.change_id}, {t.made_at[:10]}"
                + (f", {t.note}" if t.note else "")
                + ")"
                for t in reversed(self.found.tags)
            )
            self.tags.setText(f"Tags: {listed}")
        else:
            self.tags.setText("No version tagged yet.")
        self._count()

    def _count(self) -> None:
        self.shown.setText(f"{self.proxy.rowCount()} of {self.model.rowCount()} changes shown")

    def _changed(self, changes: Changes) -> None:
        if changes.codebook:
            self.refresh()

    def tag_current(self, name: str, note: str = "") -> bool:
        """Tag the codebook as it is now; a refusal (a name taken) is shown, not raised."""
        try:
            tag_version(self.controller.project, name, note, self.controller.coder.name)
        except UserError as error:
            QMessageBox.warning(self, "Tag the codebook version", str(error))
            return False
        self.refresh()
        self.controller.notify(Changes(codebook=True))
        return True

    def ask_tag(self) -> None:
        name, ok = QInputDialog.getText(
            self, "Tag current version", "Name of this codebook version (e.g. 'v2 final'):"
        )
        if not ok or not name.strip():
            return
        note, ok = QInputDialog.getText(self, "Tag current version", "Note (optional):")
        if ok:
            self.tag_current(name, note)


def show_history(window: QWidget) -> CodebookHistory:
    """Codebook → History and versions…: open (or raise) the window's history dialog."""
    dialog = getattr(window, "codebook_history", None)
    if not isinstance(dialog, CodebookHistory):
        dialog = CodebookHistory(window.controller, window)  # type: ignore[attr-defined]
        window.codebook_history = dialog  # type: ignore[attr-defined]
    dialog.refresh()
    dialog.show()
    dialog.raise_()
    return dialog
