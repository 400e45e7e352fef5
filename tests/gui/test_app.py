"""Starting the window as `annotator` does: the default project, the coder, and quitting."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator import paths
from annotator.storage import Project
from annotator.ui import app, settings
from annotator.ui.dialogs.coder import NEW_CODER, CoderDialog
from annotator.ui.main_window import MainWindow


def _close_soon(check: list[str]) -> None:
    def close() -> None:
        windows = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        ]
        check.extend(w.windowTitle() for w in windows)
        QApplication.closeAllWindows()

    QTimer.singleShot(200, close)


def test_first_run_opens_the_demo_as_a_new_coder(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def answer(dialog: CoderDialog) -> int:
        dialog.choice.setCurrentText(NEW_CODER)
        dialog.name.setText("Dana")
        dialog.accept()
        return int(CoderDialog.DialogCode.Accepted)

    monkeypatch.setattr(CoderDialog, "exec", answer)
    titles: list[str] = []
    _close_soon(titles)
    assert app.run(None) == 0
    assert titles == ["default.annotator — coder: Dana — annotator"]
    assert settings.CODER.get(settings.open_settings()) == "Dana"
    with Project.open(paths.default_project_path()) as project:
        assert project.documents.count() == 8
        assert project.coders.by_name("Dana") is not None


def test_remembered_coder_is_not_asked_again(
    qtbot: QtBot, demo_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = demo_project.path
    assert isinstance(path, Path)
    demo_project.close()
    settings.CODER.set(settings.open_settings(), "Ben")
    monkeypatch.setattr(CoderDialog, "exec", lambda dialog: pytest.fail("asked for the coder"))
    titles: list[str] = []
    _close_soon(titles)
    assert app.run(path) == 0
    assert titles == ["demo.annotator — coder: Ben — annotator"]
