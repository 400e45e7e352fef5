"""Read-only is a mode of the coding window: when the project can only be read, every action
that would write is off and says why, and nothing reaches SQLite's "attempt to write a
readonly database".

A project is read-only when the user chose it (another annotator writes it), when its file
or folder cannot be written, or when it is damaged. The window then disables its editing
actions (each one's tooltip and status tip give the reason), turns off in-place editing of
memos, refuses code keys before anything is asked, and keeps the reason in the status bar.
"""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemView, QLabel, QMainWindow, QMenu

from annotator.storage import Project

#: The window's actions that write to the project (attribute names of the main window).
EDITING_ACTIONS = (
    "delete_action",
    "boundaries_action",
    "done_action",
    "progress_action",
    "codebook_action",
    "codebook_import_action",
    "import_action",
    "merge_action",
    "refi_import_action",
    "sample_action",
    "coder_action",
    "coder_actions.add_action",
    "coder_actions.rename_action",
    "coder_actions.merge_action",
    "suggestions.accept_action",
    "suggestions.reject_action",
    "suggestions.accept_all_action",
    "machine_menu.code_action",
    "machine_menu.train_action",
)


def _attribute(owner: object, dotted: str) -> object:
    """``owner.a.b`` for ``"a.b"`` (None where a part is missing)."""
    for name in dotted.split("."):
        owner = getattr(owner, name, None)
        if owner is None:
            return None
    return owner


def why_read_only(project: Project) -> str:
    """Why the project can only be read, in a few words ('' if it can be written)."""
    if not project.read_only:
        return ""
    if project.problems:
        return "the project file is damaged (see above)"
    if project.read_only_reason:
        return project.read_only_reason
    return "it was opened read-only (another annotator may be writing it)"


class ReadOnlyMode:
    """Puts one window in read-only mode when its project can only be read."""

    def __init__(self, window: QMainWindow, project: Project) -> None:
        self.window = window
        self.project = project
        self.label = QLabel()
        self.label.setObjectName("readOnlyState")
        self.label.setStyleSheet("QLabel { color: #8a5a00; font-weight: bold; padding: 0 6px; }")
        self.label.hide()

    @property
    def active(self) -> bool:
        return self.project.read_only

    @property
    def reason(self) -> str:
        return why_read_only(self.project)

    def apply(self) -> None:
        """Disable every editing action of the window, saying why (call once the actions
        exist)."""
        if not self.active:
            return
        why = f"Read-only: {self.reason}"
        for name in EDITING_ACTIONS:
            action = _attribute(self.window, name)
            if isinstance(action, QAction):
                action.setEnabled(False)
                name = action.text().split("\t")[0].replace("&", "")
                action.setToolTip(f"{name} is off. {why}.")
                action.setStatusTip(f"{why}.")
        for menu in self.window.menuBar().findChildren(QMenu):
            menu.setToolTipsVisible(True)  # a disabled entry's tooltip says why
        for view in self.window.findChildren(QAbstractItemView):
            view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            # A selection dragged onto a code would code it: Qt offers no drop here.
            view.setAcceptDrops(False)
            view.viewport().setAcceptDrops(False)
        # Short, so that it fits beside the progress; the reason in full is in its tooltip,
        # in every disabled action's, and in the banner the session shows above the panes.
        self.label.setText("Read-only: nothing can be changed here")
        self.label.setToolTip(f"{why}.")
        self.window.statusBar().addWidget(self.label)
        self.label.show()

    def refuses(self, what: str) -> bool:
        """Whether ``what`` (an edit the user asked for) is refused; if so the status bar
        says why."""
        if not self.active:
            return False
        self.window.statusBar().showMessage(f"Cannot {what}: read-only — {self.reason}.", 6000)
        return True
