"""The coding window's actions and its menu bar (File, Edit, Code, View, Article, Codebook,
Coder, Agreement, Analysis, Machine, Help). A mixin of
:class:`~annotator.ui.main_window.MainWindow`, whose panels, controller and slots it uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from annotator.domain.model import DocumentStatus
from annotator.ui import settings
from annotator.ui.coder_menu import CoderActions
from annotator.ui.dialogs.codebook_editor import import_codebook_file
from annotator.ui.find import find_actions
from annotator.ui.machine.menu import MachineMenu
from annotator.ui.reliability.codebook_history import show_history
from annotator.ui.undo_actions import undo_actions


class WindowMenus:
    """Builds every action of the window (``self`` is the MainWindow) and lays out its menus."""

    controller: Any
    store: Any
    reader: Any
    documents: Any
    find_bar: Any
    retrieval_dock: Any

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        *,
        checkable: bool = False,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if isinstance(shortcut, list):
            action.setShortcuts(shortcut)
        elif shortcut is not None:
            action.setShortcut(shortcut)
        action.setCheckable(checkable)
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda *_: self._guarded(slot))
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        # Through the controller: a refused step stays on the stack and says why (undo_actions).
        self.undo_action, self.redo_action = undo_actions(self.controller, self)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.controller.stepTaken.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.delete_action = self._action(
            "&Remove selected codings",
            self.remove_selected_codings,
            QKeySequence.StandardKey.Delete,
        )
        self.boundaries_action = self._action(
            "Set coding &boundaries to selection",
            self.set_boundaries,
            "Ctrl+B",
            tip="Move the chosen coding's start and end to the selected text",
        )
        self.snap_action = self._action(
            "Snap selection to whole &words", self._toggle_snap, checkable=True
        )
        self.snap_action.setChecked(settings.SNAP_TO_WORDS.get(self.store))
        self.reader.snap_to_words = self.snap_action.isChecked()
        self.show_all_action = self._action(
            "Show &other coders' codings",
            self._toggle_show_all,
            "Ctrl+Shift+A",
            checkable=True,
            tip="Off (blind mode): you see only your own codings",
        )
        self.show_all_action.setChecked(self.controller.show_all_coders)
        self.done_action = self._action(
            "Mark article &done", lambda: self._mark(DocumentStatus.DONE), "Ctrl+D"
        )
        self.progress_action = self._action(
            "Mark article in &progress",
            lambda: self._mark(DocumentStatus.IN_PROGRESS),
            "Ctrl+Shift+D",
        )
        self.next_action = self._action(
            "&Next article", lambda: self.documents.step(1), "Ctrl+PgDown"
        )
        self.previous_action = self._action(
            "&Previous article", lambda: self.documents.step(-1), "Ctrl+PgUp"
        )
        self.variables_action = self._action(
            "&Variables…",
            lambda: self.edit_variables(),
            "Ctrl+Shift+I",
            tip="See and edit this article's variables (outlet, date, …)",
        )
        # Ctrl+Q (Cmd+Q on macOS) everywhere: Windows and some desktops define no standard key.
        self.quit_action = self._action("&Quit", self.close, "Ctrl+Q")
        self.new_action = self._action(
            "&New project…", self.new_project, QKeySequence.StandardKey.New
        )
        self.open_action = self._action(
            "&Open project…", self.open_project, QKeySequence.StandardKey.Open
        )
        self.import_action = self._action("&Import articles…", self.import_articles, "Ctrl+I")
        self.export_action = self._action("&Export…", self.export, "Ctrl+Shift+E")
        self.package_action = self._action(
            "Export coder &package…", lambda: self.export("package", ".annpkg")
        )
        self.merge_action = self._action("&Merge coders' work…", self.merge, "Ctrl+Shift+M")
        self.refi_import_action = self._action(
            "Import REFI-QDA project (.qdpx)…", lambda: self.merge(refi=True)
        )
        self.refi_export_action = self._action(
            "Export REFI-QDA project (.qdpx)…", lambda: self.export("qdpx", ".qdpx")
        )
        self.codebook_action = self._action("&Edit codebook…", self.edit_codebook, "Ctrl+E")
        self.retrieval_action = self.retrieval_dock.toggleViewAction()
        self.retrieval_action.setText("Coded &passages (retrieval)")
        self.retrieval_action.setShortcut("Ctrl+R")
        self.coder_action = self._action("&Switch coder…", self.switch_coder, "Ctrl+Shift+C")
        self.agreement_action = self._action(
            "Inter-coder &agreement…", self.show_agreement, "Ctrl+Shift+G"
        )
        self.review_action = self._action(
            "&Review disagreements…", lambda: self.show_review(), "Ctrl+Shift+V"
        )
        self.sample_action = self._action("Draw a reliability &sample…", self.draw_sample)
        self.training_action = self._action("&Training report…", self.show_training_report)
        self.restore_action = self._action(
            "&Restore from backup…",
            self.show_backups,
            tip="The project's snapshots: restore one, take one now, backup settings",
        )
        self.copy_action = self._action(
            "Save a &copy…",
            self.save_copy,
            tip="One complete file of the project as it is now, to mail, sync or archive",
        )

        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        self.file_menu = file_menu
        for action in (self.new_action, self.open_action, self.import_action, self.export_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        for action in (
            self.package_action,
            self.merge_action,
            self.refi_import_action,
            self.refi_export_action,
        ):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.copy_action)
        file_menu.addAction(self.restore_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit = menus.addMenu("&Edit")
        edit.addAction(self.undo_action)
        edit.addAction(self.redo_action)
        edit.addSeparator()
        edit.addAction(self.delete_action)
        edit.addAction(self.boundaries_action)
        edit.addAction(self.snap_action)
        edit.addSeparator()
        edit.addActions(find_actions(self, self.find_bar))
        self._install_search(edit)
        self.code_menu = menus.addMenu("&Code")
        self.code_menu.aboutToShow.connect(self._fill_code_menu)
        view = menus.addMenu("&View")
        view.addAction(self.show_all_action)
        view.addAction(self.retrieval_action)
        self.view_menu = view
        article = menus.addMenu("&Article")
        for action in (
            self.done_action,
            self.progress_action,
            self.next_action,
            self.previous_action,
        ):
            article.addAction(action)
        article.addSeparator()
        article.addAction(self.variables_action)
        codebook = menus.addMenu("Code&book")
        codebook.addAction(self.codebook_action)
        self.codebook_import_action = self._action(
            "&Import codebook…", lambda: import_codebook_file(self.controller, self)
        )
        codebook.addAction(self.codebook_import_action)
        codebook.addAction(self._action("E&xport codebook…", lambda: self.export("codebook")))
        codebook.addAction(self._action("&History and versions…", lambda: show_history(self)))
        self.coder_menu = menus.addMenu("C&oder")
        self.coder_menu.addAction(self.coder_action)
        self.coder_actions = CoderActions(self, self.controller)
        self.coder_menu.addActions(self.coder_actions.actions())
        self.agreement_menu = menus.addMenu("A&greement")
        for action in (
            self.agreement_action,
            self.review_action,
            self.sample_action,
            self.training_action,
        ):
            self.agreement_menu.addAction(action)
        self.analysis_menu = self._install_analysis(menus)
        self.machine_menu = MachineMenu(self, menus)
        self.help_menu = menus.addMenu("&Help")
        self.help_menu.addAction(self._action("&Keyboard shortcuts", self._show_shortcuts, "F1"))
        self._install_memos(article, file_menu)

    def show_training_report(self) -> Any:
        """Agreement → Training report…: a trainee against a reference coder; a passage
        double-clicked opens in this window."""
        from annotator.ui.reliability.training_dialog import TrainingDialog

        dialog = TrainingDialog(self.controller, self)  # type: ignore[arg-type]
        dialog.jumpRequested.connect(self.jump_to)  # type: ignore[attr-defined]
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog
