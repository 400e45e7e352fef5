"""The real window over a real temporary project, driven like a user would."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from annotator.services import create_project, import_files
from annotator.storage import Project
from annotator.ui import settings
from annotator.ui.app import Session
from annotator.ui.controller import Controller
from annotator.ui.main_window import MainWindow

EMOJI_ARTICLE = (
    "Smile 😀 first. The minders 👀 watched North Korean workers abroad.\n\nSecond paragraph."
)


@pytest.fixture
def demo_project(tmp_path: Path) -> Iterator[Project]:
    project = create_project(tmp_path / "demo.annotator", demo=True)
    yield project
    project.close()


def open_window(qtbot: QtBot, project: Project, coder_name: str = "Ana") -> MainWindow:
    coder = project.coders.by_name(coder_name) or project.coders.add(coder_name)
    window = MainWindow(Controller(project, coder))
    qtbot.addWidget(window)
    window.resize(1400, 860)
    with qtbot.waitExposed(window):
        window.show()
    with qtbot.waitActive(window):  # keyboard shortcuts act on the active window, as for a user
        window.activateWindow()
    return window


@pytest.fixture
def window(qtbot: QtBot, demo_project: Project) -> MainWindow:
    """The demo project as Ana sees it (blind mode: Ben's codings hidden)."""
    return open_window(qtbot, demo_project)


@pytest.fixture
def emoji_window(qtbot: QtBot, demo_project: Project, tmp_path: Path) -> MainWindow:
    """The demo project with an extra article holding emoji, opened on that article."""
    path = tmp_path / "emoji.txt"
    path.write_text(EMOJI_ARTICLE, encoding="utf-8")
    import_files(demo_project, [path])
    window = open_window(qtbot, demo_project)
    document = demo_project.documents.by_name("emoji")
    assert document is not None
    window.controller.open_document(document.id)
    return window


class Dialogs:
    """Stands in for QMessageBox's static functions: records each message and gives the answer
    the test queued; a message nobody expected fails the test instead of blocking it."""

    def __init__(self) -> None:
        self.answers: list[QMessageBox.StandardButton] = []
        self.shown: list[tuple[str, str]] = []

    def answer(self, *answers: QMessageBox.StandardButton) -> None:
        self.answers.extend(answers)

    def _ask(self, kind: str, title: str, text: str) -> QMessageBox.StandardButton:
        self.shown.append((kind, f"{title}: {text}"))
        if kind in ("warning", "information", "critical") and not self.answers:
            return QMessageBox.StandardButton.Ok
        if not self.answers:
            raise AssertionError(f"unexpected {kind} dialog: {title}: {text}")
        return self.answers.pop(0)


@pytest.fixture(autouse=True)
def dialogs(monkeypatch: pytest.MonkeyPatch) -> Dialogs:
    fake = Dialogs()
    for kind in ("question", "warning", "information", "critical"):

        def stand_in(
            parent: object, title: str, text: str, *args: object, _kind: str = kind, **kw: object
        ) -> object:
            return fake._ask(_kind, title, text)

        monkeypatch.setattr(QMessageBox, kind, staticmethod(stand_in))
    return fake


@pytest.fixture
def demo_path(tmp_path: Path) -> Path:
    path = tmp_path / "demo.annotator"
    create_project(path, demo=True).close()
    settings.CODER.set(settings.open_settings(), "Ana")
    return path


@pytest.fixture
def session(qtbot: QtBot) -> Iterator[Session]:
    opened = Session()
    yield opened
    opened.close()
