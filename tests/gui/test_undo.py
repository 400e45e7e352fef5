"""Every coding action is undoable and redoable from the keyboard, and saved at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.domain.errors import UserError
from annotator.domain.model import Coding, DocumentStatus
from annotator.services import editing
from annotator.storage import Project
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import Dialogs


def _count(window: MainWindow) -> int:
    project, coder = window.controller.project, window.controller.coder
    assert window.controller.document_id is not None
    return len(project.codings.for_document(window.controller.document_id, coder.id))


def test_undo_and_redo_with_the_keyboard(window: MainWindow, qtbot: QtBot) -> None:
    before, shown = _count(window), window.reader.span_count()
    start = window.reader.text.index("hung up")
    window.reader.select_span(start, start + 7)
    # Ana's motive for the whole article (another would offer to replace it: Motive is exclusive)
    qtbot.keyClick(window.reader, "4")
    assert _count(window) == before + 1
    assert window.reader.span_count() == shown + 1
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _count(window) == before
    assert window.reader.span_count() == shown
    assert window.statusBar().currentMessage() == "Undone: apply Other / unclear"
    qtbot.keyClick(
        window,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert _count(window) == before + 1
    assert window.reader.span_count() == shown + 1
    assert window.statusBar().currentMessage() == "Redone: apply Other / unclear"


def test_remove_memo_boundaries_and_status_undo(window: MainWindow, qtbot: QtBot) -> None:
    project = window.controller.project
    coding_id = window.codings.model.coding_id(3)
    window.codings.select([coding_id])
    assert window.codings.selected_ids() == [coding_id]
    original = project.codings.get(coding_id)
    # memo, edited in place
    memo_index = window.codings.model.index(3, 3)
    assert window.codings.model.setData(memo_index, "check with Ben")
    assert project.codings.get(coding_id).memo == "check with Ben"
    # boundaries to a new selection
    window.reader.select_span(0, 10)
    window.codings.select([coding_id])
    window.boundaries_action.trigger()
    moved = project.codings.get(coding_id)
    assert (moved.start, moved.end) != (original.start, original.end)
    # remove
    window.codings.select([coding_id])
    window.delete_action.trigger()
    assert coding_id not in {c.id for c in project.codings.for_coder(window.controller.coder.id)}
    # status
    document_id = window.controller.document_id
    assert document_id is not None
    window.progress_action.trigger()
    assert (
        project.statuses.get(document_id, window.controller.coder.id) is DocumentStatus.IN_PROGRESS
    )
    for _ in range(4):
        window.undo_action.trigger()
    restored = project.codings.get(coding_id)
    # As it was, its time included (a later merge compares true times).
    assert restored == original
    assert project.statuses.get(document_id, window.controller.coder.id) is DocumentStatus.DONE


def test_codings_survive_a_killed_process(window: MainWindow, qtbot: QtBot) -> None:
    """No Save step: another connection sees the coding as soon as the key press returns."""
    start = window.reader.text.index("hung up")
    window.reader.select_span(start, start + 7)
    qtbot.keyClick(window.reader, "4")
    path = window.controller.project.path
    assert isinstance(path, Path)
    with Project.open(path, read_only=True) as other:
        codes = {
            other.codebook.get(c.code_id).name for c in other.codings.all() if c.start == start
        }
    assert "Other / unclear" in codes


def two_motive_passages(window: MainWindow) -> tuple[int, Coding, Coding]:
    """The open article with the coder's Motive codings replaced by two passages: 0–10
    Subsistence and 20–30 Political (a Ctrl+B of one onto the other clashes)."""
    controller = window.controller
    project, coder = controller.project, controller.coder
    document = controller.document_id
    assert document is not None
    tree = project.codebook.tree()
    subsistence, political = tree.find("Motive > Subsistence"), tree.find("Motive > Political")
    assert subsistence is not None
    assert political is not None
    motive = [c.id for c in tree.walk(tree.dimension_of(subsistence.id).id)]
    editing.remove_codings(
        project,
        [c.id for c in project.codings.for_document(document, coder.id) if c.code_id in motive],
    )
    first = editing.apply_code(project, document, coder.id, subsistence.id, 0, 10).coding
    second = editing.apply_code(project, document, coder.id, political.id, 20, 30).coding
    return document, first, second


def test_exclusive_rule_on_moving_a_passage_and_on_undo(
    window: MainWindow, qtbot: QtBot, dialogs: Dialogs
) -> None:
    """Ctrl+B keeps the exclusive rule; an undo step that would break it (a coding came in by
    another route meanwhile) tells the user, writes nothing and stays on the stack."""
    controller = window.controller
    project, coder = controller.project, controller.coder
    document, first, second = two_motive_passages(window)
    tree = project.codebook.tree()
    subsistence = tree.find("Motive > Subsistence")
    political = tree.find("Motive > Political")
    assert subsistence is not None
    assert political is not None
    # Ctrl+B onto the other passage: refused, nothing moved
    with pytest.raises(UserError, match="Motive"):
        controller.change_span(second.id, 5, 30)
    assert (project.codings.get(second.id).start, project.codings.get(second.id).end) == (20, 30)
    # an undoable move, then a coding by another route where the passage was
    controller.change_span(first.id, 0, 5)
    editing.apply_code(project, document, coder.id, political.id, 5, 10)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert any("cannot be undone" in text for _, text in dialogs.shown)
    moved = project.codings.get(first.id)
    assert (moved.start, moved.end) == (0, 5)  # nothing written
    # the refused step is not popped: it is still the one Ctrl+Z would take back
    assert controller.undo_stack.index() == controller.undo_stack.count()
    assert controller.undo_stack.undoText() == "change boundaries"
