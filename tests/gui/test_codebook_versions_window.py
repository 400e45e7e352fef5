"""Codebook → History and versions…: the change log shows the editor's changes as they are
made (undo and redo too, by the window's coder), a version is tagged from there, and the
Agreement and Export dialogs limit their codings to a chosen version."""

from __future__ import annotations

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from annotator.services.codebook_versions import tag_version
from annotator.ui.codebook_commands import CodebookEditor, CodeFields
from annotator.ui.dialogs.agreement import AgreementWindow
from annotator.ui.dialogs.export import ExportDialog
from annotator.ui.main_window import MainWindow
from annotator.ui.reliability.codebook_history import CodebookHistory


def _menu_action(window: MainWindow, text: str):  # type: ignore[no-untyped-def]
    for menu_action in window.menuBar().actions():
        for action in menu_action.menu().actions():
            if action.text().replace("&", "") == text:
                return action
    raise AssertionError(text)


def _shown(dialog: CodebookHistory) -> list[str]:
    model = dialog.proxy
    return [str(model.index(row, 4).data()) for row in range(model.rowCount())]


def test_history_shows_editor_changes_live_with_undo_and_redo(
    window: MainWindow, qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    _menu_action(window, "History and versions…").trigger()
    dialog = window.codebook_history  # type: ignore[attr-defined]
    assert isinstance(dialog, CodebookHistory)
    assert dialog.isVisible()
    qtmodeltester.check(dialog.model)
    project = window.controller.project
    political = project.codebook.tree().find("Motive > Political")
    assert political is not None
    editor = CodebookEditor(window.controller)
    before = len(_shown(dialog))
    fields = CodeFields.of(political)
    editor.update(political.id, CodeFields(**{**fields.__dict__, "name": "Politics"}))
    assert _shown(dialog)[0] == "Motive > Politics: renamed 'Political' → 'Politics'"
    window.controller.undo_stack.undo()
    assert _shown(dialog)[0] == "Motive > Political: renamed 'Politics' → 'Political'"
    window.controller.undo_stack.redo()
    assert len(_shown(dialog)) == before + 3
    rows = project.db.execute(
        "SELECT coder, route FROM codebook_changes ORDER BY id DESC LIMIT 3"
    ).fetchall()
    assert rows == [
        ("Ana", "redo edit Political"),
        ("Ana", "undo edit Political"),
        ("Ana", "window"),
    ]
    dialog.filter.setText("renamed 'Politics'")  # the undo's row; a code shows by its path now
    assert _shown(dialog) == ["Motive > Politics: renamed 'Politics' → 'Political'"]
    assert dialog.shown.text() == f"1 of {before + 3} changes shown"


def test_tagging_from_the_dialog_and_choosing_the_version_elsewhere(
    window: MainWindow, qtbot: QtBot
) -> None:
    _menu_action(window, "History and versions…").trigger()
    dialog = window.codebook_history  # type: ignore[attr-defined]
    assert dialog.tag_current("v1 pilot", "first round")
    assert "v1 pilot" in dialog.current.text()
    assert "first round" in dialog.tags.text()
    project = window.controller.project
    assert project.db.execute("SELECT name, coder FROM codebook_tags").fetchall() == [
        ("v1 pilot", "Ana")
    ]
    assert dialog.model.changes[0].tags == ("v1 pilot",)
    agreement = AgreementWindow(window.controller, window)
    qtbot.addWidget(agreement)
    assert agreement.version.itemText(0).startswith("All codings")
    agreement.version.choose("v1 pilot")
    assert agreement.request().codebook_version == "v1 pilot"
    export = ExportDialog(window.controller, window)
    qtbot.addWidget(export)
    export.set_format("segments")
    export.version.choose("v1 pilot")
    assert export.job().selection.codebook_version == "v1 pilot"
    export.set_format("documents")
    assert not export.version.isEnabled()


@pytest.mark.parametrize("size", [(1400, 900), (1280, 720)])
def test_history_dialog_fits(window: MainWindow, qtbot: QtBot, size: tuple[int, int]) -> None:
    tag_version(window.controller.project, "v1 pilot")
    window.resize(*size)
    _menu_action(window, "History and versions…").trigger()
    dialog = window.codebook_history  # type: ignore[attr-defined]
    dialog.resize(min(1100, size[0] - 40), min(640, size[1] - 60))
    assert dialog.table.isVisible()
    assert dialog.tag_button.isVisible()
    assert dialog.model.rowCount() > 10
