"""A memo being typed is committed before any navigation or action (issue 21.4)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QFileDialog, QLineEdit, QMenu
from pytestqt.qtbot import QtBot

from annotator.ui.dialogs.coder import CoderDialog
from annotator.ui.main_window import MainWindow
from annotator.ui.models.codings import MEMO_COLUMN

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _type_memo(window: MainWindow, qtbot: QtBot, text: str) -> int:
    """Double-click Ana's first coding's memo cell and type, leaving the editor open; the
    coding's id."""
    view = window.codings.view
    model = window.codings.model
    row = next(
        r
        for r in range(model.rowCount())
        if model.index(r, MEMO_COLUMN).flags() & Qt.ItemFlag.ItemIsEditable
    )
    index = model.index(row, MEMO_COLUMN)
    view.scrollTo(index)
    rect = view.visualRect(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.state() == QAbstractItemView.State.EditingState
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    return model.coding_id(row)


def _memo(window: MainWindow, coding_id: int) -> str:
    memos = window.controller.project.codings.memos(
        window.controller.project.codings.get(coding_id).document_id
    )
    return memos.get(coding_id, "")


def _key(key: Qt.Key, modifiers: Qt.KeyboardModifier) -> Callable[[MainWindow, QtBot], None]:
    def press(window: MainWindow, qtbot: QtBot) -> None:
        qtbot.keyClick(QApplication.focusWidget(), key, modifiers)

    return press


@pytest.mark.parametrize(
    "act",
    [
        _key(Qt.Key.Key_PageDown, CTRL),  # next article
        _key(Qt.Key.Key_A, CTRL | SHIFT),  # show all coders
        _key(Qt.Key.Key_D, CTRL),  # mark done
        lambda window, qtbot: window.next_action.trigger(),  # Article → Next, from the menu
    ],
    ids=["ctrl-pgdown", "ctrl-shift-a", "ctrl-d", "menu-next"],
)
def test_a_memo_being_typed_is_saved_before_the_action(
    window: MainWindow, qtbot: QtBot, act: Callable[[MainWindow, QtBot], None]
) -> None:
    coding_id = _type_memo(window, qtbot, "seen in the second source too")
    act(window, qtbot)
    assert _memo(window, coding_id) == "seen in the second source too"


# A menu popping up offscreen cannot grab the keyboard; nothing a user sees.
OFFSCREEN_MENU = pytest.mark.qt_log_ignore("does not support grabbing the keyboard")


@OFFSCREEN_MENU
def test_undo_from_the_menu_undoes_the_memo_being_typed(window: MainWindow, qtbot: QtBot) -> None:
    """Edit → Undo commits the memo first, then undoes that step: redo brings it back."""
    coding_id = _type_memo(window, qtbot, "typed, then undone")
    [edit_menu] = [m for m in window.menuBar().findChildren(QMenu) if m.title() == "&Edit"]
    edit_menu.popup(window.mapToGlobal(window.rect().center()))
    window.undo_action.trigger()  # as a click on Edit → Undo does
    edit_menu.hide()
    assert window.codings.view.state() != QAbstractItemView.State.EditingState
    assert _memo(window, coding_id) == ""
    assert window.controller.undo_stack.count() == 1
    window.redo_action.trigger()
    assert _memo(window, coding_id) == "typed, then undone"


def test_a_memo_being_typed_is_saved_before_a_coder_switch(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def answer(dialog: CoderDialog) -> int:
        dialog.choice.setCurrentText("Ben")
        dialog.accept()
        return int(CoderDialog.DialogCode.Accepted)

    monkeypatch.setattr(CoderDialog, "exec", answer)
    coding_id = _type_memo(window, qtbot, "Ana's note")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_C, CTRL | SHIFT)
    assert window.controller.coder.name == "Ben"
    assert _memo(window, coding_id) == "Ana's note"


@OFFSCREEN_MENU
def test_a_memo_being_typed_is_saved_when_a_menu_opens(window: MainWindow, qtbot: QtBot) -> None:
    coding_id = _type_memo(window, qtbot, "before the menu")
    window.file_menu.popup(window.mapToGlobal(window.rect().center()))
    window.file_menu.hide()
    assert _memo(window, coding_id) == "before the menu"


def test_a_memo_being_typed_is_saved_before_opening_another_project(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def choose(*args: object, **kwargs: object) -> tuple[str, str]:
        asked.append("open")
        return "", ""  # the user looks, then cancels

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(choose))
    coding_id = _type_memo(window, qtbot, "kept across File, Open")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_O, CTRL)
    assert asked == ["open"]
    assert _memo(window, coding_id) == "kept across File, Open"
