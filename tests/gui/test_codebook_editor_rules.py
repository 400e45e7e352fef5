"""The codebook editor keeps what the user types and saves as the rest of the app does (issue 21
item 5, issue 14 item 8), and every route keeps an exclusive dimension's rule (issue 21 item 6):
each driven through the real window and editor, each checked on the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from annotator.domain.exclusive import exclusive_clashes
from annotator.domain.model import Code
from annotator.storage import Project
from annotator.ui.dialogs.codebook_editor import CodebookDialog
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import Dialogs

DEFINITION = (
    "Definition: a member of a foreign embassy or consulate.\n"
    "Include: ambassadors, attaches, consuls.\nExclude: trade delegations."
)


def _dialog(window: MainWindow, qtbot: QtBot) -> CodebookDialog:
    dialog = CodebookDialog(window.controller, window.codebook_model, window)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    return dialog


def _code(project: Project, path: str) -> Code:
    code = project.codebook.tree().find(path)
    assert code is not None
    return code


def _type_definition_and_a_taken_key(dialog: CodebookDialog, qtbot: QtBot) -> None:
    """The issue's case: a long new definition, and the key of another code."""
    dialog.description.setFocus()
    dialog.description.selectAll()
    qtbot.keyClick(dialog.description, Qt.Key.Key_Delete)
    for number, line in enumerate(DEFINITION.split("\n")):
        if number:
            qtbot.keyClick(dialog.description, Qt.Key.Key_Return)
        qtbot.keyClicks(dialog.description, line)
    dialog.shortcut.selectAll()
    qtbot.keyClicks(dialog.shortcut, "e")  # "Security agent or minder" has it


def test_a_taken_key_keeps_the_form_when_another_code_is_chosen(
    window: MainWindow, qtbot: QtBot, dialogs: Dialogs
) -> None:
    project = window.controller.project
    diplomat = _code(project, "Actor type > Diplomat")
    returnee = _code(project, "Actor type > Returnee")
    dialog = _dialog(window, qtbot)
    dialog.select(diplomat.id)
    _type_definition_and_a_taken_key(dialog, qtbot)
    # the key is refused where it was typed: red frame, reason in the tooltip and below the form
    assert dialog.shortcut.property("invalid") is True
    assert "already used by 'Security agent or minder'" in dialog.shortcut.toolTip()
    assert dialog.state.text().startswith("Not saved — Key: shortcut 'e' is already used")
    assert project.codebook.get(diplomat.id).shortcut == "r"

    dialogs.answer(QMessageBox.StandardButton.Cancel)  # "… Discard, or Cancel to correct it?"
    dialog.select(returnee.id)
    kind, text = dialogs.shown[-1]
    assert kind == "question"
    assert "'Diplomat'" in text
    assert "Key: shortcut 'e' is already used by 'Security agent or minder'" in text
    # back on Diplomat, nothing typed lost: the definition is saved, the key kept as typed
    assert dialog.current() == project.codebook.get(diplomat.id)
    assert project.codebook.get(diplomat.id).description == DEFINITION
    assert dialog.description.toPlainText() == DEFINITION
    assert dialog.shortcut.text() == "e"
    assert dialog.shortcut.property("invalid") is True

    # corrected, the key is saved as typed and the editor moves on without a question
    asked = len(dialogs.shown)
    dialog.shortcut.selectAll()
    qtbot.keyClicks(dialog.shortcut, "x")
    assert project.codebook.get(diplomat.id).shortcut == "x"
    assert dialog.shortcut.property("invalid") is False
    dialog.select(returnee.id)
    assert len(dialogs.shown) == asked
    assert dialog.name.text() == "Returnee"


def test_discarding_a_refused_field_keeps_what_is_stored(
    window: MainWindow, qtbot: QtBot, dialogs: Dialogs
) -> None:
    project = window.controller.project
    diplomat = _code(project, "Actor type > Diplomat")
    returnee = _code(project, "Actor type > Returnee")
    dialog = _dialog(window, qtbot)
    dialog.select(diplomat.id)
    dialog.name.selectAll()
    qtbot.keyClick(dialog.name, Qt.Key.Key_Backspace)
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)  # an empty name: refused, kept, marked
    assert dialog.name.property("invalid") is True
    assert "cannot be empty" in dialog.name.toolTip()
    assert project.codebook.get(diplomat.id).name == "Diplomat"
    dialogs.answer(QMessageBox.StandardButton.Discard)
    dialog.select(returnee.id)
    assert "Name: a name cannot be empty" in dialogs.shown[-1][1]
    assert dialog.current() == project.codebook.get(returnee.id)
    assert dialog.name.text() == "Returnee"
    assert dialog.name.property("invalid") is False
    assert project.codebook.get(diplomat.id).name == "Diplomat"


def test_closing_with_a_refused_field_asks_and_cancel_keeps_the_editor_open(
    window: MainWindow, qtbot: QtBot, dialogs: Dialogs
) -> None:
    project = window.controller.project
    diplomat = _code(project, "Actor type > Diplomat")
    dialog = _dialog(window, qtbot)
    dialog.select(diplomat.id)
    _type_definition_and_a_taken_key(dialog, qtbot)
    close = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Close")
    dialogs.answer(QMessageBox.StandardButton.Cancel)
    qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    assert dialogs.shown[-1][0] == "question"
    assert dialogs.shown[-1][1].startswith("Codebook: Closing the codebook editor")
    assert dialog.isVisible()
    assert dialog.shortcut.text() == "e"
    assert project.codebook.get(diplomat.id).description == DEFINITION
    dialogs.answer(QMessageBox.StandardButton.Discard)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    stored = project.codebook.get(diplomat.id)
    assert (stored.shortcut, stored.description) == ("r", DEFINITION)


def test_each_field_is_saved_when_left_and_undone_in_the_window(
    window: MainWindow, qtbot: QtBot, dialogs: Dialogs
) -> None:
    """No "Save changes" to forget: leaving a field saves it, the line under the form says
    what is not saved yet, and Ctrl+Z in the window takes each change back."""
    project = window.controller.project
    diplomat = _code(project, "Actor type > Diplomat")
    dialog = _dialog(window, qtbot)
    assert not [b for b in dialog.findChildren(QPushButton) if "Save" in b.text()]
    dialog.select(diplomat.id)
    assert dialog.state.text().startswith("All changes saved")
    dialog.name.selectAll()
    qtbot.keyClicks(dialog.name, "Diplomat or consul")
    assert dialog.state.text() == "Not saved yet: Name (saved when you leave the field)."
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert project.codebook.get(diplomat.id).name == "Diplomat or consul"
    assert window.codebook_model.index_of(diplomat.id).data() == "Diplomat or consul"
    dialog.shortcut.selectAll()
    qtbot.keyClicks(dialog.shortcut, "z")
    assert project.codebook.get(diplomat.id).shortcut == "z"
    dialog.description.selectAll()
    qtbot.keyClick(dialog.description, Qt.Key.Key_Delete)
    qtbot.keyClicks(dialog.description, "Definition: a foreign envoy.")
    assert "Not saved yet: Definition" in dialog.state.text()
    dialog.reject()  # closing saves what is typed
    assert project.codebook.get(diplomat.id).description == "Definition: a foreign envoy."
    assert dialogs.shown == []
    for expected in (("z", diplomat.description), ("r", diplomat.description)):
        window.undo_action.trigger()
        stored = project.codebook.get(diplomat.id)
        assert (stored.shortcut, stored.description) == expected
    window.undo_action.trigger()
    assert project.codebook.get(diplomat.id).name == "Diplomat"


def test_screenshot_of_the_editor_at_1280x720(
    window: MainWindow, qtbot: QtBot, dialogs: Dialogs
) -> None:
    project = window.controller.project
    dialog = _dialog(window, qtbot)
    dialog.resize(1280, 720)
    dialog.select(_code(project, "Actor type > Diplomat").id)
    _type_definition_and_a_taken_key(dialog, qtbot)
    assert dialog.state.isVisible()
    assert dialog.grab().save(str(Path("/tmp/codebook_editor.png")))
    dialog.form.discard()


# -- issue 21 item 6: Ctrl+B keeps the exclusive rule ---------------------------------------------


@pytest.fixture
def two_motives(window: MainWindow) -> tuple[int, int]:
    """Ana's only Motive codings in the open article: Subsistence at 0–10, Political at 20–30."""
    controller = window.controller
    project, coder, document = controller.project, controller.coder, controller.document_id
    assert document is not None
    tree = project.codebook.tree()
    motive = [c.id for c in tree.walk(_code(project, "Motive").id)]
    controller.remove_codings(
        [c.id for c in project.codings.for_document(document, coder.id) if c.code_id in motive]
    )
    assert controller.apply_code(_code(project, "Motive > Subsistence").id, (0, 10))
    assert controller.apply_code(_code(project, "Motive > Political").id, (20, 30))
    mine = {
        c.start: c.id
        for c in project.codings.for_document(document, coder.id)
        if c.code_id in motive
    }
    window.reader.snap_to_words = False
    return mine[0], mine[20]


def _spans(project: Project, ids: tuple[int, int]) -> list[tuple[int, int] | None]:
    spans: list[tuple[int, int] | None] = []
    for coding_id in ids:
        found = [c for c in project.codings.all() if c.id == coding_id]
        spans.append((found[0].start or 0, found[0].end or 0) if found else None)
    return spans


def _ctrl_b(window: MainWindow, qtbot: QtBot, coding_id: int, start: int, end: int) -> None:
    window.codings.select([coding_id])
    window.reader.select_span(start, end)
    qtbot.keyClick(window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)


def test_ctrl_b_onto_another_motive_asks_and_no_changes_nothing(
    window: MainWindow, qtbot: QtBot, dialogs: Dialogs, two_motives: tuple[int, int]
) -> None:
    project = window.controller.project
    dialogs.answer(QMessageBox.StandardButton.No)
    _ctrl_b(window, qtbot, two_motives[1], 5, 30)
    kind, text = dialogs.shown[-1]
    assert (kind, text.split(":")[0]) == ("question", "Replace coding?")
    assert "Motive > Subsistence" in text
    assert _spans(project, two_motives) == [(0, 10), (20, 30)]


def test_ctrl_b_onto_another_motive_replaces_it_in_one_undoable_step(
    window: MainWindow, qtbot: QtBot, dialogs: Dialogs, two_motives: tuple[int, int]
) -> None:
    project = window.controller.project
    dialogs.answer(QMessageBox.StandardButton.Yes)
    _ctrl_b(window, qtbot, two_motives[1], 5, 30)
    assert _spans(project, two_motives) == [None, (5, 30)]
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _spans(project, two_motives) == [(0, 10), (20, 30)]


# -- issue 21 item 6: Merge into and Move to keep the exclusive rule ------------------------------


def _passage_clashes(project: Project) -> list[object]:
    tree = project.codebook.tree()
    rows = [(c.document_id, c.coder_id, c.code_id, c.start, c.end) for c in project.codings.all()]
    return list(exclusive_clashes(tree, rows))


@pytest.mark.parametrize("button", ["&Merge into…", "Move &to…"])
def test_merge_or_move_into_an_exclusive_dimension_removes_the_clashing_codings_when_asked_to(
    window: MainWindow,
    qtbot: QtBot,
    dialogs: Dialogs,
    monkeypatch: pytest.MonkeyPatch,
    button: str,
) -> None:
    """Ana coded article 01 as a whole "Motive > Other / unclear" (the demo); a Diplomat
    passage of hers there would contradict it as a Motive code. Yes removes that coding (and
    only that one), and the merge or move happens; nothing breaks the rule."""
    project = window.controller.project
    document = project.documents.by_name("01_restaurant-workers")
    ana = project.coders.by_name("Ana")
    assert document is not None
    assert ana is not None
    diplomat = _code(project, "Actor type > Diplomat")
    clashing = project.codings.add(document.id, ana.id, diplomat.id, 0, 10)
    others = {c.id for c in project.codings.for_code(diplomat.id)} - {clashing.id}
    assert others  # Diplomat codings elsewhere, which clash with nothing
    assert _passage_clashes(project) == []
    target = "Motive > Political" if button.startswith("&Merge") else "Motive"
    dialog = _dialog(window, qtbot)
    dialog.select(diplomat.id)
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(lambda *args: (target, True)))
    if button.startswith("&Merge"):
        dialogs.answer(QMessageBox.StandardButton.Yes)  # "Move the … codings …?"
    dialogs.answer(QMessageBox.StandardButton.Yes)  # "Remove the codings … that clash?"
    qtbot.mouseClick(
        next(b for b in dialog.findChildren(QPushButton) if b.text() == button),
        Qt.MouseButton.LeftButton,
    )
    kind, text = dialogs.shown[-1]
    assert kind == "question"
    assert "Remove the codings of 'Actor type > Diplomat' that clash" in text
    assert "'01_restaurant-workers', coder Ana: 'Motive > Other / unclear'" in text
    remaining = {c.id for c in project.codings.all()}
    assert clashing.id not in remaining
    assert others <= remaining
    assert _passage_clashes(project) == []
    if button.startswith("&Merge"):
        assert project.codebook.tree().find("Actor type > Diplomat") is None
    else:
        assert project.codebook.tree().path(diplomat.id) == "Motive > Diplomat"


def test_a_name_typed_then_a_click_on_another_code_is_saved(
    window: MainWindow, qtbot: QtBot, dialogs: Dialogs
) -> None:
    """The click that leaves the field saves it, and the clicked code is the one shown."""
    project = window.controller.project
    diplomat = _code(project, "Actor type > Diplomat")
    returnee = _code(project, "Actor type > Returnee")
    dialog = _dialog(window, qtbot)
    with qtbot.waitActive(dialog):
        dialog.activateWindow()
    dialog.select(diplomat.id)
    dialog.name.setFocus()
    dialog.name.selectAll()
    qtbot.keyClicks(dialog.name, "Envoy")
    rect = dialog.tree.visualRect(window.codebook_model.index_of(returnee.id))
    qtbot.mouseClick(dialog.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert project.codebook.get(diplomat.id).name == "Envoy"
    assert dialog.current() == project.codebook.get(returnee.id)
    assert dialog.name.text() == "Returnee"
    assert dialogs.shown == []


def test_ticking_exclusive_over_many_clashes_lists_every_one(
    window: MainWindow, qtbot: QtBot, dialogs: Dialogs
) -> None:
    """The refusal names every clash, not the first three (the box shows what is stored)."""
    project = window.controller.project
    worker = _code(project, "Actor type > Overseas worker")
    for document, _name in project.documents.names():
        for coder in project.coders.all():
            project.codings.add(document, coder.id, worker.id, None, None)
    dialog = _dialog(window, qtbot)
    actor = _code(project, "Actor type")
    dialog.select(actor.id)
    qtbot.mouseClick(dialog.exclusive, Qt.MouseButton.LeftButton)
    kind, text = dialogs.shown[-1]
    places = int(text.split(" in ")[1].split(" places")[0])
    assert kind == "warning"
    assert places > 3
    assert text.count("\n• ") == places
    assert not project.codebook.get(actor.id).exclusive
    assert not dialog.exclusive.isChecked()
