"""The review window over a read-only project: Accept / Both / Neither / Edit and Copy
agreements are off and say why, and their slots refuse (with the reason) rather than raise."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.storage import Project
from annotator.ui.dialogs.review import ReviewWindow
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import open_window

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def read_only_window(qtbot: QtBot, demo_path: Path) -> Iterator[MainWindow]:
    project = Project.open(demo_path, read_only=True)
    window = open_window(qtbot, project)
    yield window
    window.close()
    project.close()


def _written(path: Path) -> tuple[int, int]:
    with sqlite3.connect(path) as db:
        codings = db.execute("select count(*) from codings").fetchone()[0]
        decisions = db.execute("select count(*) from decisions").fetchone()[0]
    return codings, decisions


def test_review_decisions_are_off_and_refused_when_read_only(
    read_only_window: MainWindow, qtbot: QtBot, demo_path: Path
) -> None:
    window = read_only_window
    before = _written(demo_path)
    window.review_action.trigger()
    review = window.review_window
    assert isinstance(review, ReviewWindow)
    qtbot.waitExposed(review)
    assert review.proxy.rowCount() > 0
    review.table.setCurrentIndex(review.proxy.index(0, 0))
    for button in (*review.buttons.values(), review.adopt):
        assert not button.isEnabled(), button.text()
        assert "Read-only: it was opened read-only" in button.toolTip(), button.text()
    assert not review.reason.isEnabled()
    # The shortcuts and the slots themselves refuse, saying why; nothing is written.
    qtbot.keyClick(review.table, Qt.Key.Key_3, CTRL)
    review.decide(next(iter(review.buttons)))
    assert review.status.text().startswith("Read-only:")
    review.adopt_agreements()
    assert review.status.text().startswith("Read-only:")
    assert _written(demo_path) == before
    review.close()
