"""The preview's similarity threshold: checking again keeps the ticks the user chose on rows
whose flag stays the same, and Import pressed before the threshold shown was checked checks
it first (the import never uses a threshold other than the one shown)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.ui.intake.dialog import ImportDialog
from annotator.ui.intake.model import DUPLICATE, HEADLINE
from annotator.ui.main_window import MainWindow
from tests.gui.importing import TIMEOUT, import_ticked, read
from tests.gui.test_import_window import (
    open_dialog,
    shown,
    ticks,
    wire,  # noqa: F401  (the fixture)
)


def _press_space_on(dialog: ImportDialog, qtbot: QtBot, row: int) -> None:
    view = dialog.preview_page.view
    view.setFocus()
    view.setCurrentIndex(dialog.preview_page.model.index(row, HEADLINE))
    qtbot.keyClick(view, Qt.Key.Key_Space)


def test_a_tick_the_user_set_survives_a_new_threshold_that_keeps_its_flag(
    window: MainWindow,
    qtbot: QtBot,
    wire: Path,  # noqa: F811
) -> None:
    dialog = open_dialog(window, qtbot, wire)
    read(dialog, qtbot)
    assert shown(dialog, DUPLICATE)[1].endswith("like 'Wire story' (row 1)")
    assert ticks(dialog) == [True, False, True]
    _press_space_on(dialog, qtbot, 1)  # the user wants the reprint
    _press_space_on(dialog, qtbot, 2)  # and not the story of its own
    assert ticks(dialog) == [True, True, False]
    with qtbot.waitSignal(dialog.previewed, timeout=TIMEOUT):
        dialog.preview_page.similarity.setValue(0.91)
    assert shown(dialog, DUPLICATE)[1].endswith("like 'Wire story' (row 1)")
    assert ticks(dialog) == [True, True, False]
    # A threshold that changes the row's flag gives it its default tick again.
    with qtbot.waitSignal(dialog.previewed, timeout=TIMEOUT):
        dialog.preview_page.similarity.setValue(0.99)
    assert shown(dialog, DUPLICATE)[1] == ""
    assert ticks(dialog) == [True, True, False]
    with qtbot.waitSignal(dialog.previewed, timeout=TIMEOUT):
        dialog.preview_page.similarity.setValue(0.9)
    assert ticks(dialog) == [True, False, False]


def test_import_pressed_before_the_threshold_shown_was_checked_checks_it_first(
    window: MainWindow,
    qtbot: QtBot,
    wire: Path,  # noqa: F811
) -> None:
    project = window.controller.project
    dialog = open_dialog(window, qtbot, wire)
    read(dialog, qtbot)
    dialog.preview_page.similarity.setValue(0.5)  # the re-check has not run yet
    import_ticked(dialog, qtbot)
    assert project.imports.all()[-1].options["similarity"] == 0.5


def test_import_waits_for_the_user_when_the_check_it_ran_changed_the_ticks(
    window: MainWindow,
    qtbot: QtBot,
    wire: Path,  # noqa: F811
) -> None:
    project = window.controller.project
    before = project.documents.count()
    dialog = open_dialog(window, qtbot, wire)
    read(dialog, qtbot)
    assert ticks(dialog) == [True, False, True]
    dialog.preview_page.similarity.setValue(0.99)  # the reprint is no longer flagged there
    with qtbot.waitSignal(dialog.previewed, timeout=TIMEOUT):
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert ticks(dialog) == [True, True, True]
    assert project.documents.count() == before
    assert "press Import again" in dialog.status.text()
    import_ticked(dialog, qtbot)
    assert project.imports.all()[-1].options["similarity"] == 0.99
