"""The window's Machine menu: Code articles with a machine… and Train a machine… (both off
in read-only mode: see :mod:`annotator.ui.read_only`)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenuBar

from annotator.ui.models.documents import DOCUMENT_ID_ROLE


class MachineMenu:
    """The menu's actions and the dialogs they open (``window`` is the MainWindow)."""

    def __init__(self, window: Any, menus: QMenuBar) -> None:
        self.window = window
        self.menu = menus.addMenu("&Machine")
        self.code_action = QAction("&Code articles with a machine…", window)
        self.code_action.setStatusTip(
            "Code articles with a trained classifier or a language model, as the machine's coder"
        )
        self.code_action.triggered.connect(lambda *_: self.show_code_dialog())
        self.train_action = QAction("&Train a machine…", window)
        self.train_action.setStatusTip(
            "Train a classifier on a coder's codings; shows its cross-validated α per code"
        )
        self.train_action.triggered.connect(lambda *_: self.show_train_dialog())
        self.menu.addAction(self.code_action)
        self.menu.addAction(self.train_action)

    def shown_ids(self) -> list[int]:
        """The articles the article list shows (its filters applied), in its order."""
        proxy = self.window.documents.proxy
        return [int(proxy.index(row, 0).data(DOCUMENT_ID_ROLE)) for row in range(proxy.rowCount())]

    def show_code_dialog(self) -> Any:
        from annotator.ui.machine.code_dialog import CodeDialog

        dialog = CodeDialog(self.window.controller, self.shown_ids, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def show_train_dialog(self) -> Any:
        from annotator.ui.machine.train_dialog import TrainDialog

        dialog = TrainDialog(self.window.controller, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog
