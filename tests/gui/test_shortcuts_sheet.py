"""F1 lists every key of the window, read from its actions (so the sheet cannot drift)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from annotator.ui.dialogs.shortcuts import ShortcutsDialog, keys_of
from annotator.ui.main_window import MainWindow


def press_f1(window: MainWindow, qtbot: QtBot) -> str:
    qtbot.keyClick(window.reader, Qt.Key.Key_F1)
    dialogs = [d for d in window.findChildren(ShortcutsDialog) if d.isVisible()]
    assert len(dialogs) == 1
    text = dialogs[0].sheet.toPlainText()
    dialogs[0].close()
    return text


def every_action(window: MainWindow) -> list[QAction]:
    found = list(window.actions())
    menus = [a.menu() for a in window.menuBar().actions()]
    while menus:
        menu = menus.pop()
        if isinstance(menu, QMenu):
            for action in menu.actions():
                found.append(action)
                menus.append(action.menu())
    return [a for a in found if a.shortcuts()]


def test_f1_lists_every_key(window: MainWindow, qtbot: QtBot) -> None:
    sheet = press_f1(window, qtbot)
    for keys, name in (
        ("Ctrl+Z", "Undo"),
        ("Ctrl+Shift+Z, Ctrl+Y", "Redo"),
        ("Ctrl+R", "Coded passages (retrieval)"),
        ("Ctrl+Q", "Quit"),
        ("Ctrl+F", "Find in article"),
        ("F3", "Find next"),
        ("Shift+F3", "Find previous"),
        ("F1", "Keyboard shortcuts"),
        ("Esc", "Close the find bar"),
    ):
        assert f"{keys}\n{name}" in sheet  # a row of the table: the keys, then what they do
    actions = every_action(window)
    assert len(actions) > 25
    for action in actions:
        assert keys_of(action) in sheet
    # The codes' own keys are on the sheet too.
    assert "Actor type > Overseas worker" in sheet


def test_a_new_key_appears_without_editing_the_sheet(window: MainWindow, qtbot: QtBot) -> None:
    action = QAction("Frobnicate the passage", window)
    action.setShortcut(QKeySequence("Ctrl+Alt+J"))
    window.addAction(action)
    sheet = press_f1(window, qtbot)
    assert "Ctrl+Alt+J\nFrobnicate the passage" in sheet


def test_f1_lists_the_review_and_log_windows_keys(window: MainWindow, qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QPushButton

    from annotator.ui.dialogs.review import REVIEW_KEYS, ReviewWindow
    from annotator.ui.memos.log import LOG_KEYS

    sheet = press_f1(window, qtbot)
    for keys, name in (
        ("Ctrl+1", "Accept the first coder's version"),
        ("Ctrl+2", "Accept the second coder's version"),
        ("Ctrl+5", "Edit: use the selection in a coder's pane"),
        ("Ctrl+6", "Accept the third coder's version (all coders)"),
        ("Ctrl+7", "Accept the fourth coder's version (all coders)"),
        ("Ctrl+Return", "Add the new entry"),
    ):
        assert f"{keys}\n{name}" in sheet
    # The review window binds exactly the keys the sheet lists for it (they cannot drift).
    window.review_action.trigger()
    review = window.review_window
    assert isinstance(review, ReviewWindow)
    bound = {
        b.shortcut().toString() for b in review.findChildren(QPushButton) if b.shortcut().count()
    }
    review.close()
    assert {keys for keys, _, _ in REVIEW_KEYS} <= bound
    assert {keys for keys, _, _ in LOG_KEYS} == {"Ctrl+Return", "Delete"}
