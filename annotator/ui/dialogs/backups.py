"""File → Restore from backup (the project's snapshots, what each holds, restoring one) and
the backup settings (on or off, the folder, the schedule)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserError
from annotator.services import backups
from annotator.services.backups import BackupSettings, Restored, Snapshot
from annotator.storage.snapshots import describe_counts
from annotator.ui.controller import Controller

Index = QModelIndex | QPersistentModelIndex


def when(snapshot: Snapshot) -> str:
    return snapshot.taken_at.astimezone().strftime("%Y-%m-%d %H:%M")


class SnapshotsModel(QAbstractTableModel):
    """The snapshots of one project, newest first."""

    HEADERS = ("Taken", "Why", "Articles", "Codings", "Coders", "Size")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.snapshots: list[Snapshot] = []

    def set_snapshots(self, snapshots: list[Snapshot]) -> None:
        self.beginResetModel()
        self.snapshots = list(snapshots)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.snapshots)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        snapshot = self.snapshots[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            counts = snapshot.counts
            held = (
                (f"{counts.articles:,}", f"{counts.codings:,}", f"{counts.coders:,}")
                if counts
                else ("?", "?", "?")  # a copy of a project whose schema was not annotator's
            )
            return (
                when(snapshot),
                snapshot.reason,
                *held,
                f"{snapshot.size / 2**20:.1f} MB",
            )[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(snapshot.path)
        return None


class RestoreDialog(QDialog):
    """The project's snapshots; restore the chosen one after a confirmation."""

    #: The project's content was replaced by a snapshot (the Restored report).
    restored = Signal(object)

    def __init__(
        self,
        controller: Controller,
        parent: QWidget | None = None,
        *,
        restore: Callable[[Snapshot], Any] | None = None,
    ) -> None:
        """``restore`` replaces the restore into the open project (for a project opened
        read-only because it is damaged: the snapshot then takes the file's place)."""
        super().__init__(parent)
        self.setWindowTitle("Restore from backup")
        self._restore = restore
        self.resize(720, 420)
        self.controller = controller
        self.model = SnapshotsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.restore_chosen())
        self.folder = QLabel()
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder.setWordWrap(True)
        self.take_button = QPushButton("Take a snapshot now")
        self.take_button.clicked.connect(self.take_now)
        self.settings_button = QPushButton("Settings…")
        self.settings_button.clicked.connect(self.edit_settings)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.restore_button = buttons.addButton("Restore…", QDialogButtonBox.ButtonRole.ActionRole)
        self.restore_button.clicked.connect(self.restore_chosen)
        buttons.addButton(self.take_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.settings_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Snapshots are complete copies of the project, taken on opening, before bulk "
                "changes and when the window closes. Restoring one first takes a snapshot of "
                "the current state, so a restore can itself be undone."
            )
        )
        layout.itemAt(0).widget().setWordWrap(True)  # type: ignore[union-attr]
        layout.addWidget(self.table, 1)
        layout.addWidget(self.folder)
        layout.addWidget(buttons)
        read_only = (
            controller.project.read_only and restore is None
        ) or controller.project.path is None
        self.restore_button.setEnabled(not read_only)
        self.take_button.setEnabled(controller.project.path is not None)
        self.refresh()

    def refresh(self) -> None:
        path = self.controller.project.path
        settings = backups.load_settings()
        self.model.set_snapshots(backups.list_snapshots(path) if path else [])
        if path is None:
            self.folder.setText("A project in memory has no backups.")
        else:
            state = "" if settings.enabled else "Automatic snapshots are OFF. "
            self.folder.setText(f"{state}Folder: {backups.backups_folder(path, settings)}")
        if self.model.rowCount():
            self.table.selectRow(0)
        self.table.resizeColumnsToContents()

    def chosen(self) -> Snapshot | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.snapshots[rows[0].row()] if rows else None

    def take_now(self) -> None:
        project = self.controller.project
        if project.path is None:
            return
        try:
            backups.snapshot_file(project.path, "on request", schema=project.schema_version()[-1])
        except UserError as error:
            QMessageBox.warning(self, "Backups", str(error))
        self.refresh()

    def restore_chosen(self) -> Restored | None:
        snapshot = self.chosen()
        if snapshot is None or not self.restore_button.isEnabled():
            return None
        answer = QMessageBox.question(
            self,
            "Restore from backup",
            f"Replace the project by the snapshot of {when(snapshot)} ({snapshot.reason}):\n"
            f"{describe_counts(snapshot.counts)}?\n\nThe current state is kept as a snapshot "
            "first (even with automatic snapshots off); undo history is cleared.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        try:
            if self._restore is not None:
                restored = self._restore(snapshot)
            else:
                restored = backups.restore(self.controller.project, snapshot)
        except UserError as error:
            QMessageBox.warning(self, "Restore from backup", str(error))
            return None
        self.restored.emit(restored)
        self.accept()
        return restored

    def edit_settings(self) -> None:
        BackupSettingsDialog(self.controller.project.path, self).exec()
        self.refresh()


class BackupSettingsDialog(QDialog):
    """On or off, where snapshots go, how often on opening, and how many are kept."""

    def __init__(self, project_path: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Backup settings")
        self.project_path = project_path
        current = backups.load_settings()
        self.enabled = QCheckBox("Take snapshots automatically")
        self.enabled.setChecked(current.enabled)
        self.folder = QComboBox()
        self.folder.addItem("In annotator's data folder (recommended)", "")
        self.folder.addItem("Beside each project", backups.BESIDE)
        if current.folder not in ("", backups.BESIDE):
            self.folder.addItem(current.folder, current.folder)
        self.folder.addItem("Choose a folder…", None)
        self.folder.setCurrentIndex(max(self.folder.findData(current.folder), 0))
        self.folder.activated.connect(self._folder_chosen)
        self.every = QDoubleSpinBox()
        self.every.setRange(0, 8760)
        self.every.setDecimals(1)
        self.every.setSuffix(" hours")
        self.every.setValue(current.every_hours)
        self.last, self.daily, self.weekly = QSpinBox(), QSpinBox(), QSpinBox()
        for box, value, low, suffix in (
            (self.last, current.keep_last, 1, " snapshots"),
            (self.daily, current.keep_daily, 0, " days"),
            (self.weekly, current.keep_weekly, 0, " weeks"),
        ):
            box.setRange(low, 10_000)
            box.setValue(value)
            box.setSuffix(suffix)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.enabled)
        form.addRow("Folder:", self.folder)
        form.addRow("On opening, when the newest is older than:", self.every)
        form.addRow("Keep the newest:", self.last)
        form.addRow("and one a day for:", self.daily)
        form.addRow("and one a week for:", self.weekly)
        form.addRow(buttons)

    def _folder_chosen(self, index: int) -> None:
        if self.folder.itemData(index) is not None:
            return
        chosen = QFileDialog.getExistingDirectory(self, "Folder for snapshots")
        if chosen:
            self.folder.insertItem(index, chosen, chosen)
            self.folder.setCurrentIndex(index)
        else:
            self.folder.setCurrentIndex(0)

    def settings(self) -> BackupSettings:
        return BackupSettings(
            enabled=self.enabled.isChecked(),
            folder=self.folder.currentData() or "",
            every_hours=self.every.value(),
            keep_last=self.last.value(),
            keep_daily=self.daily.value(),
            keep_weekly=self.weekly.value(),
        )

    def save(self) -> None:
        try:
            backups.save_settings(self.settings())
        except (UserError, OSError) as error:
            QMessageBox.warning(self, "Backup settings", str(error))
            return
        self.accept()
