"""Nobody codes as a machine coder in the window: "Who is coding?" lists people only, refuses
a machine's name typed as a new coder, and a remembered machine's name is asked again."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from annotator.services.machine import add_machine
from annotator.storage import Project
from annotator.ui import app, settings
from annotator.ui.dialogs.coder import NEW_CODER, CoderDialog


def test_the_coder_dialog_lists_people_only(qtbot: QtBot, demo: Project) -> None:
    add_machine(demo, "Gemma", "classifier")
    dialog = CoderDialog(demo, "Gemma")
    qtbot.addWidget(dialog)
    choices = [dialog.choice.itemText(k) for k in range(dialog.choice.count())]
    assert choices == ["Ana", "Ben", NEW_CODER]
    dialog.choice.setCurrentText(NEW_CODER)
    dialog.name.setText("gemma")
    dialog.accept()
    assert dialog.coder is None
    assert dialog.error.text().startswith("Gemma is a machine coder")
    dialog.name.setText("Dana")
    dialog.accept()
    assert dialog.coder is not None
    assert dialog.coder.name == "Dana"
    assert not dialog.coder.is_machine


def test_a_remembered_machine_coder_is_asked_again(
    qtbot: QtBot, demo: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_machine(demo, "Gemma", "classifier")
    settings.CODER.set(settings.open_settings(), "Gemma")
    asked: list[str] = []

    def answer(dialog: CoderDialog) -> int:
        asked.append(dialog.choice.currentText())
        dialog.choice.setCurrentText("Ben")
        dialog.accept()
        return int(CoderDialog.DialogCode.Accepted)

    monkeypatch.setattr(CoderDialog, "exec", answer)
    coder = app.choose_coder(demo)
    assert asked
    assert coder is not None
    assert coder.name == "Ben"
    assert settings.CODER.get(settings.open_settings()) == "Ben"
