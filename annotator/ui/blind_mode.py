"""Blind mode starts when a project's second coder arrives.

A project with one coder opens showing everyone's codings (there is no one to hide). When a
merge, an import or Coder → Add brings in another coder, what that coder did must not be shown
to this one unasked: the window switches to blind mode (only one's own codings) and says so.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QStatusBar

from annotator.services.changes import Changes
from annotator.ui.controller import Controller


class _Window(Protocol):
    controller: Controller
    show_all_action: QAction

    def statusBar(self) -> QStatusBar: ...


class BlindWhenOthersJoin(QObject):
    """Watches the number of coders of the window's project (see the module's text)."""

    def __init__(self, window: _Window, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.window = window
        self.controller = window.controller
        self._coders = self._count()
        self.controller.changed.connect(self._changed)

    def _count(self) -> int:
        return len(self.controller.project.coders.all())

    def _changed(self, changes: Changes) -> None:
        if not changes.coders:
            return
        before, self._coders = self._coders, self._count()
        if before > 1 or self._coders <= 1 or not self.controller.show_all_coders:
            return
        self.window.show_all_action.setChecked(False)
        self.controller.set_show_all_coders(False)
        self.window.statusBar().showMessage(
            f"The project has {self._coders} coders now: blind mode is on, you see only your "
            "own codings (View → Show other coders' codings, Ctrl+Shift+A, shows them all)."
        )
