"""A memo being typed is never dropped by what the window does within the moment before it is
written on its own (the tester's finding: Ctrl+Shift+A reloaded the memo pane over the text)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.storage import Project
from annotator.ui.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _memo(
    project: Project, coder: str, *, document_id: int | None = None, code_id: int | None = None
) -> str | None:
    memo = project.memos.own(
        project.coders.find(coder).id, document_id=document_id, code_id=code_id
    )
    return None if memo is None else memo.text


def _typing_in_pane(window: MainWindow, qtbot: QtBot, text: str) -> int:
    window.controller.open_document(1)
    qtbot.keyClick(window, Qt.Key.Key_M, CTRL)
    editor = window.memo_pane.editor
    editor.setFocus()
    qtbot.keyClicks(editor, text)
    assert window.memo_pane._timer.isActive()  # not written yet: within the delay
    return 1


def test_show_all_coders_pressed_while_typing_keeps_the_article_memo(
    window: MainWindow, qtbot: QtBot
) -> None:
    project = window.controller.project
    document = _typing_in_pane(window, qtbot, "An op-ed, not news")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, CTRL | SHIFT)
    assert window.controller.show_all_coders
    assert _memo(project, "Ana", document_id=document) == "An op-ed, not news"
    assert window.memo_pane.editor.toPlainText() == "An op-ed, not news"
    assert not window.memo_pane._timer.isActive()
    window.undo_action.trigger()  # one undoable step, as any memo edit
    assert _memo(project, "Ana", document_id=document) is None


def test_a_reload_commits_first_to_the_coder_who_typed(window: MainWindow, qtbot: QtBot) -> None:
    project = window.controller.project
    document = _typing_in_pane(window, qtbot, "Ana's doubt")
    ben = project.coders.find("Ben")
    window.controller.set_coder(ben)  # not through an action: the reload itself commits
    assert _memo(project, "Ana", document_id=document) == "Ana's doubt"
    assert _memo(project, "Ben", document_id=document) is None
    assert window.memo_pane.editor.toPlainText() == ""  # Ben's own memo: none yet


def test_an_action_commits_the_code_memo_window(window: MainWindow, qtbot: QtBot) -> None:
    project = window.controller.project
    code = window.controller.codebook.find("Motive > Political")
    assert code is not None
    dialog = window.edit_code_memo(code.id)
    qtbot.keyClicks(dialog.memo.editor, "Names a party")
    assert dialog.memo._timer.isActive()
    window.show_all_action.trigger()
    assert _memo(project, "Ana", code_id=code.id) == "Names a party"
    assert dialog.memo.editor.toPlainText() == "Names a party"
    dialog.close()
