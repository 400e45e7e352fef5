"""Typed memo text the project refuses (its code deleted, its coder merged away in another
window) is never written to another memo, never lost silently, never a traceback; and the
project log keeps what is typed in it (hostile-test findings on the memo windows)."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from annotator.services import memos as memo_service
from annotator.services.changes import Changes
from annotator.services.codebook_editing import delete_code
from annotator.services.coders import merge_coders
from annotator.storage import Project
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import Dialogs, open_window

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
RETURNEE, POLITICAL = "Actor type > Returnee", "Motive > Political"


def _log(project: Project) -> list[tuple[str | None, str]]:
    names = {c.id: c.name for c in project.coders.all()}
    return [
        (names.get(m.coder_id or 0), m.text) for m in project.memos.all() if m.target == "project"
    ]


@pytest.fixture
def errors() -> Iterator[list[str]]:
    """Exceptions reaching the event loop (an internal error is a defect, not a message)."""
    caught: list[str] = []
    old = sys.excepthook
    sys.excepthook = lambda kind, error, tb: caught.append(f"{kind.__name__}: {error}")
    yield caught
    sys.excepthook = old


def test_text_typed_for_a_deleted_code_is_kept_not_written_over_another_code(
    window: MainWindow, qtbot: QtBot, dialogs: Dialogs
) -> None:
    project, controller = window.controller.project, window.controller
    x, y = controller.codebook.find(RETURNEE), controller.codebook.find(POLITICAL)
    memo_service.write_memo(project, "Y's own memo: week 2", controller.coder.id, code_id=y.id)
    dialog = window.edit_code_memo(x.id)
    delete_code(project, x.id)
    controller.notify(Changes(codebook=True))
    qtbot.keyClicks(dialog.memo.editor, "three paragraphs of careful notes")
    again = window.edit_code_memo(y.id)  # the same window, now on Y
    assert again is dialog
    assert [m.text for m in project.memos.all() if m.code_id == y.id] == ["Y's own memo: week 2"]
    assert dialog.memo.editor.toPlainText() == "Y's own memo: week 2"
    assert dialog.memo.kept.isVisible()
    assert dialog.memo.kept.toPlainText() == "three paragraphs of careful notes"
    assert "Returnee" in dialog.memo.kept_label.text()
    assert "Not saved" in dialog.memo.kept_label.text()
    # Working on Y's memo afterwards writes Y's text only.
    qtbot.keyClick(dialog.memo.editor, Qt.Key.Key_End, CTRL)
    qtbot.keyClicks(dialog.memo.editor, ", confirmed")
    dialog.memo.commit()
    assert [m.text for m in project.memos.all() if m.code_id == y.id] == [
        "Y's own memo: week 2, confirmed"
    ]


def test_closing_the_memo_window_of_a_deleted_code_asks(
    window: MainWindow, qtbot: QtBot, dialogs: Dialogs
) -> None:
    project, controller = window.controller.project, window.controller
    code = controller.codebook.find(RETURNEE)
    dialog = window.edit_code_memo(code.id)
    delete_code(project, code.id)
    controller.notify(Changes(codebook=True))
    qtbot.keyClicks(dialog.memo.editor, "a long careful definition note")
    dialogs.answer(QMessageBox.StandardButton.Cancel)
    dialog.close()
    assert dialog.isVisible()  # kept open: the text can still be copied
    assert dialog.memo.editor.toPlainText() == "a long careful definition note"
    assert "Not saved" in dialog.memo.state.text()
    dialogs.answer(QMessageBox.StandardButton.Discard)
    dialog.close()
    assert not dialog.isVisible()
    assert [kind for kind, _ in dialogs.shown] == ["warning", "warning"]
    assert "could not be saved" in dialogs.shown[0][1]
    assert project.memos.all() == []


def test_log_entry_typed_is_added_when_the_dialog_closes(
    window: MainWindow, qtbot: QtBot, dialogs: Dialogs
) -> None:
    qtbot.keyClick(window, Qt.Key.Key_L, CTRL | SHIFT)
    log = window.memos_dialog
    assert log is not None
    qtbot.keyClicks(log.entry, "Decided: op-eds are coded as news")
    log.close()
    assert _log(window.controller.project) == [("Ana", "Decided: op-eds are coded as news")]
    assert log.entry.toPlainText() == ""


def test_log_entry_typed_is_added_when_the_main_window_closes(
    window: MainWindow, qtbot: QtBot, dialogs: Dialogs
) -> None:
    project = window.controller.project
    qtbot.keyClick(window, Qt.Key.Key_L, CTRL | SHIFT)
    log = window.memos_dialog
    assert log is not None
    qtbot.keyClicks(log.entry, "Last thing before leaving")
    log.entry.setFocus()
    assert _log(project) == []
    window.close()
    rows = project.db.execute("SELECT text FROM memos WHERE target = 'project'").fetchall()
    assert [r[0] for r in rows] == ["Last thing before leaving"]


def test_log_entry_cell_edit_is_committed_when_the_dialog_closes(
    window: MainWindow, qtbot: QtBot, dialogs: Dialogs
) -> None:
    project = window.controller.project
    memo_service.add_log_entry(project, "first entry", window.controller.coder.id)
    qtbot.keyClick(window, Qt.Key.Key_L, CTRL | SHIFT)
    log = window.memos_dialog
    assert log is not None
    log.log_model.reload()
    index = log.log_model.index(0, 2)
    log.log.setCurrentIndex(index)
    log.log.edit(index)
    assert log.log.state() == QAbstractItemView.State.EditingState
    editor = log.log.indexWidget(index)
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "first entry, corrected after the meeting")
    qtbot.keyClick(log, Qt.Key.Key_Escape)  # Escape closes the dialog
    assert not log.isVisible()
    assert _log(project) == [("Ana", "first entry, corrected after the meeting")]


def test_log_entry_is_the_coder_who_typed_it(
    window: MainWindow, qtbot: QtBot, dialogs: Dialogs
) -> None:
    project = window.controller.project
    qtbot.keyClick(window, Qt.Key.Key_L, CTRL | SHIFT)
    log = window.memos_dialog
    assert log is not None
    qtbot.keyClicks(log.entry, "Ana: agreed to recode article 3")
    window.controller.set_coder(project.coders.find("Ben"))
    qtbot.keyClick(log.entry, Qt.Key.Key_Return, CTRL)
    assert _log(project) == [("Ana", "Ana: agreed to recode article 3")]
    qtbot.keyClicks(log.entry, "Ben's own")
    qtbot.keyClick(log.entry, Qt.Key.Key_Return, CTRL)
    assert sorted(_log(project)) == [
        ("Ana", "Ana: agreed to recode article 3"),
        ("Ben", "Ben's own"),
    ]


@pytest.fixture
def zed(demo_project: Project, qtbot: QtBot) -> Iterator[MainWindow]:
    """A window of coder Zed, whom the lead then merges into Ana elsewhere."""
    other = demo_project.worker_connection()
    window = open_window(qtbot, other, "Zed")
    merge_coders(demo_project, "Zed", "Ana")
    window.controller.open_document(1)
    yield window
    other.close()


def test_stale_coder_article_memo_is_refused_and_kept(
    zed: MainWindow, demo_project: Project, qtbot: QtBot, dialogs: Dialogs, errors: list[str]
) -> None:
    qtbot.keyClick(zed, Qt.Key.Key_M, CTRL)
    pane = zed.memo_pane
    pane.editor.setFocus()
    qtbot.keyClicks(pane.editor, "A long thought about this op-ed")
    pane.commit()
    assert "no longer in" in pane.state.text()
    assert pane.editor.toPlainText() == "A long thought about this op-ed"
    zed.controller.open_document(2)  # the pane follows; the text stays in it, aside
    assert pane.kept.toPlainText() == "A long thought about this op-ed"
    assert "no longer in" in pane.kept_label.text()
    assert demo_project.memos.all() == []
    dialogs.answer(QMessageBox.StandardButton.Cancel)
    zed.close()  # asked; Cancel keeps the window open
    assert zed.isVisible()
    dialogs.answer(QMessageBox.StandardButton.Discard)
    zed.close()
    assert not zed.isVisible()
    assert errors == []
    assert demo_project.memos.all() == []


def test_stale_coder_code_memo_and_log_are_refused_with_a_message(
    zed: MainWindow, demo_project: Project, qtbot: QtBot, dialogs: Dialogs, errors: list[str]
) -> None:
    code = zed.controller.codebook.find(POLITICAL)
    dialog = zed.edit_code_memo(code.id)
    qtbot.keyClicks(dialog.memo.editor, "typed")
    assert not dialog.memo.commit()
    assert "no longer in" in dialog.memo.state.text()
    assert dialog.memo.editor.toPlainText() == "typed"
    qtbot.keyClick(zed, Qt.Key.Key_L, CTRL | SHIFT)
    log = zed.memos_dialog
    assert log is not None
    qtbot.keyClicks(log.entry, "a log line")
    qtbot.keyClick(log.entry, Qt.Key.Key_Return, CTRL)
    assert "no longer in" in log.state.text()
    assert log.entry.toPlainText() == "a log line"
    dialogs.answer(QMessageBox.StandardButton.Discard)
    zed.close()
    assert errors == []
    assert demo_project.memos.all() == []
