"""The reliability sample dialog (assignments listed, added to or replaced, taken back, all
undoable) and deletions in the window (a deletion leaves a tombstone, undoing it clears it)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from annotator.services.coder_packages import package_of
from annotator.storage import Project
from annotator.ui.dialogs.sample import SampleDialog
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import Dialogs


def _assigned(project: Project, coder: str) -> set[int]:
    coder_id = project.coders.find(coder).id
    return {d for d, c in project.statuses.assigned() if c == coder_id}


def _dialog(window: MainWindow, qtbot: QtBot) -> SampleDialog:
    dialog = SampleDialog(window.controller, window)
    qtbot.addWidget(dialog)
    return dialog


def test_a_second_draw_shows_the_total_and_replace_starts_over(
    window: MainWindow, qtbot: QtBot
) -> None:
    project = window.controller.project
    dialog = _dialog(window, qtbot)
    assert dialog.assigned.toPlainText() == "Ana (0): none\nBen (0): none"
    dialog.sample_size.setValue(2)
    dialog.seed.setValue(3)
    dialog.draw()
    first = set(dialog.drawn)
    again = _dialog(window, qtbot)
    names = dict(project.documents.names())
    listed = again.assigned.toPlainText()
    assert listed.startswith(f"Ana (2): {', '.join(sorted(names[d] for d in first))}")
    again.sample_size.setValue(2)
    again.seed.setValue(5)
    again.draw()
    union = first | set(again.drawn)
    assert _assigned(project, "Ana") == _assigned(project, "Ben") == union
    assert again.message == (
        f"Drew 2 articles for the reliability sample (added); assigned now: Ana {len(union)}, "
        f"Ben {len(union)}."
    )
    # Replacing: only the new draw stays assigned.
    third = _dialog(window, qtbot)
    third.coders.choose(["Ben"])
    assert third.assigned.toPlainText().startswith(f"Ben ({len(union)}): ")
    third.sample_size.setValue(2)
    third.seed.setValue(5)
    third.replace.setChecked(True)
    third.draw()
    assert _assigned(project, "Ben") == set(third.drawn)
    assert _assigned(project, "Ana") == union
    assert "in place of their earlier assignments" in third.message
    # Ctrl+Z in the window undoes the replacement, then the second draw.
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _assigned(project, "Ben") == union
    assert window.statusBar().currentMessage() == "Undone: draw a reliability sample"
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _assigned(project, "Ana") == _assigned(project, "Ben") == first


def test_taking_assignments_back_asks_first_and_can_be_undone(
    window: MainWindow, qtbot: QtBot, dialogs: Dialogs
) -> None:
    project = window.controller.project
    dialog = _dialog(window, qtbot)
    assert not dialog.clear_button.isEnabled()  # nothing assigned yet
    dialog.sample_size.setValue(3)
    dialog.draw()
    drawn = set(dialog.drawn)
    sampled = _dialog(window, qtbot)
    sampled.coders.choose([])
    assert not sampled.clear_button.isEnabled()
    assert sampled.assigned.toPlainText() == "Choose coders above."
    sampled.coders.choose(["Ben"])
    assert sampled.clear_button.isEnabled()
    dialogs.answer(QMessageBox.StandardButton.No)
    sampled.clear_button.click()
    assert _assigned(project, "Ben") == drawn
    dialogs.answer(QMessageBox.StandardButton.Yes)
    sampled.clear_button.click()
    assert "Take back every article assigned to Ben?" in dialogs.shown[-1][1]
    assert _assigned(project, "Ben") == set()
    assert _assigned(project, "Ana") == drawn
    assert sampled.message == "Took back 3 assignments (Ben 3)."
    assert sampled.assigned.toPlainText() == "Ben (0): none"
    assert not sampled.clear_button.isEnabled()
    window.undo_action.trigger()
    assert _assigned(project, "Ben") == drawn
    window.redo_action.trigger()
    assert _assigned(project, "Ben") == set()


def test_a_deletion_leaves_a_tombstone_that_undo_clears(window: MainWindow) -> None:
    project, coder = window.controller.project, window.controller.coder
    coding_id = window.codings.model.coding_id(0)
    guid = project.codings.get(coding_id).guid
    window.codings.select([coding_id])
    window.delete_action.trigger()
    [deletion] = package_of(project, coder.name).deletions
    assert deletion.guid == guid
    window.undo_action.trigger()
    assert project.codings.get(coding_id).guid == guid
    assert package_of(project, coder.name).deletions == ()
    window.redo_action.trigger()
    assert [d.guid for d in package_of(project, coder.name).deletions] == [guid]
