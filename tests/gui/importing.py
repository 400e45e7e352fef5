"""Driving File → Import articles as a user does: the main button reads, then imports."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from annotator.services.imports import ImportReport
from annotator.ui.intake.dialog import ImportDialog

TIMEOUT = 30_000


def press_main_button(dialog: ImportDialog) -> None:
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()


def read(dialog: ImportDialog, qtbot: QtBot) -> None:
    """Press "Read and preview" and wait for the preview."""
    assert dialog.buttons.button(dialog.buttons.StandardButton.Ok).text() == "&Read and preview"
    with qtbot.waitSignal(dialog.previewed, timeout=TIMEOUT):
        press_main_button(dialog)


def import_ticked(dialog: ImportDialog, qtbot: QtBot) -> ImportReport:
    """Press "Import N articles" and wait for the report."""
    assert dialog.buttons.button(dialog.buttons.StandardButton.Ok).text().startswith("&Import ")
    with qtbot.waitSignal(dialog.imported, timeout=TIMEOUT) as blocker:
        press_main_button(dialog)
    report = blocker.args[0]
    assert isinstance(report, ImportReport)
    return report


def read_and_import(dialog: ImportDialog, qtbot: QtBot) -> ImportReport:
    read(dialog, qtbot)
    return import_ticked(dialog, qtbot)
