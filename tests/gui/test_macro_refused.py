"""A step made of several (Ctrl+B onto a passage of another code of an exclusive dimension:
the clashing coding removed and the passage moved) is refused as a whole, like any step."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from annotator.services import editing
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import Dialogs
from tests.gui.test_undo import two_motive_passages


def test_a_replacing_move_changed_since_is_refused_whole(
    window: MainWindow, qtbot: QtBot, dialogs: Dialogs
) -> None:
    controller = window.controller
    project, coder = controller.project, controller.coder
    document, first, second = two_motive_passages(window)
    controller.notify(editing.coding_changes(after=(first, second)))
    # Ctrl+B: the first passage onto the second's; replacing it is confirmed
    window.reader.select_span(15, 30)
    target = window.reader.selected_span()  # snapped to words
    assert target is not None
    assert target[0] < 30
    window.codings.select([first.id])
    dialogs.answer(QMessageBox.StandardButton.Yes)
    window.boundaries_action.trigger()
    moved = project.codings.get(first.id)
    assert (moved.start, moved.end) == target

    def ids() -> set[int]:
        return {c.id for c in project.codings.for_document(document, coder.id)}

    assert second.id not in ids()
    # undone and redone whole, as one step
    window.undo_action.trigger()
    assert second.id in ids()
    assert project.codings.get(first.id) == first
    window.redo_action.trigger()
    assert second.id not in ids()
    assert project.codings.get(first.id) == moved
    assert window.statusBar().currentMessage() == "Redone: move Subsistence, replacing 1"
    # another window moves the passage back where it was
    editing.change_span(project, first.id, 0, 10)
    index = controller.undo_stack.index()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert any("cannot be undone" in text for _, text in dialogs.shown)
    # nothing written: the removed coding stays removed, the step stays on the stack
    assert second.id not in ids()
    assert window.codings.model.rowCount() == len(project.codings.for_document(document, coder.id))
    assert (project.codings.get(first.id).start, project.codings.get(first.id).end) == (0, 10)
    assert controller.undo_stack.index() == index
