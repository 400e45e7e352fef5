"""Typed text is never dropped: an open cell editor (a memo being written) is committed
before any action of the window runs.

One mechanism for every route to an action: the window's actions call :meth:`commit` first
(shortcut, menu or ``trigger()``); a shortcut of an action made elsewhere (the undo stack's
Undo/Redo, a dock's toggle) is caught on its way to the action; and opening any menu of the
menu bar commits too, since a menu takes no focus from the editor. Clicking elsewhere in the
window already commits: the editor loses the focus.

The memo editors (the article memo pane, a code memo window) commit a moment after typing
stops; an action within that moment commits them first, by the same route.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemDelegate, QAbstractItemView, QMainWindow, QMenu

from annotator.ui.memos.editor import MemoEditor


class EditCommitter(QObject):
    """Commits the open cell editors of one window before its actions run."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window

    def watch(self) -> None:
        """Catch the shortcuts of every action of the window and the opening of its menus
        (call once the actions and menus are built)."""
        for action in self.window.findChildren(QAction):
            action.installEventFilter(self)
        for menu in self.window.menuBar().findChildren(QMenu):
            menu.aboutToShow.connect(self.commit)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Shortcut:
            self.commit()
        return False  # the action still gets its shortcut

    def commit(self) -> int:
        """Write what the open editors hold through their models and close them, and what the
        memo editors hold that is not written yet; how many cell editors were open."""
        for memo in self.window.findChildren(MemoEditor):
            memo.commit()  # writes nothing when the text is as the project holds it
        return commit_cell_editors(self.window)


def commit_cell_editors(root: QObject) -> int:
    """Write what the open cell editors of the views under ``root`` hold through their models
    and close them; how many were open. (The window's committer and the project log window,
    when it closes, both use this.)"""
    committed = 0
    for view in root.findChildren(QAbstractItemView):
        if view.state() != QAbstractItemView.State.EditingState:
            continue
        index = view.currentIndex()
        editor = view.indexWidget(index)
        if editor is None:
            continue
        delegate = view.itemDelegateForIndex(index)
        delegate.commitData.emit(editor)
        # The write may have reset the model, which drops the editor without closing it;
        # either way it must not commit again when it loses the focus on its way out.
        editor.removeEventFilter(delegate)
        if view.state() == QAbstractItemView.State.EditingState:
            delegate.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        committed += 1
    return committed
