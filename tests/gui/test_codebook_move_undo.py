"""Moving a code in the codebook editor, undone and redone from the window."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from annotator.ui.dialogs.codebook_editor import CodebookDialog
from annotator.ui.main_window import MainWindow


def test_a_move_undone_is_redone(window: MainWindow, qtbot: QtBot) -> None:
    dialog = CodebookDialog(window.controller, window.codebook_model, window)
    qtbot.addWidget(dialog)
    codebook = window.controller.codebook
    other, actor = codebook.find("Motive > Other / unclear"), codebook.find("Actor type")
    assert other is not None
    assert actor is not None
    dialog.select(other.id)
    dialog.move_to(actor.id, ask=False)
    assert window.controller.codebook.path(other.id) == "Actor type > Other / unclear"
    window.undo_action.trigger()
    assert window.controller.codebook.path(other.id) == "Motive > Other / unclear"
    window.redo_action.trigger()
    assert window.controller.codebook.path(other.id) == "Actor type > Other / unclear"
    assert window.statusBar().currentMessage() == "Redone: move Other / unclear"
    window.undo_action.trigger()  # and back again, twice over
    window.redo_action.trigger()
    assert window.controller.codebook.path(other.id) == "Actor type > Other / unclear"
