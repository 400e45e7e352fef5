"""File → Open (New, Restore, close) while agreement computes: the worker is let go or
joined before its window goes, never destroyed running (issue 21.11). The computation is held
on an Event, so the test decides when it ends: no sleeps."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QThread
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.agreement.report import Report
from annotator.services import create_project
from annotator.ui import workers
from annotator.ui.app import Session
from annotator.ui.dialogs import agreement
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import Dialogs


class Held:
    """measure_agreement held until released; says when it started and whether it ended."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.ended = threading.Event()

    def __call__(self, study: object, options: object) -> Report:
        self.started.set()
        assert self.release.wait(30), "the test never released the computation"
        self.ended.set()
        raise ValueError("held computation ended")  # reported as failed, if anyone listens


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[Held]:
    computation = Held()
    monkeypatch.setattr(agreement, "measure_agreement", computation)
    yield computation
    computation.release.set()
    workers.join_let_go()


def _computing(window: MainWindow, held: Held) -> QThread:
    view = window.show_agreement()
    view.compute()
    assert held.started.wait(10)
    [thread] = [t for t in view.findChildren(QThread) if t.isRunning()]
    return thread


def _delete_later_now() -> None:
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()


def test_file_open_while_agreement_computes(
    session: Session, demo_path: Path, tmp_path: Path, held: Held, dialogs: Dialogs
) -> None:
    assert session.open(demo_path)
    old = session.window
    assert old is not None
    thread = _computing(old, held)
    other = tmp_path / "other.annotator"
    create_project(other, demo=True).close()
    old.projectRequested.emit(other)  # File → Open, the other project chosen
    _delete_later_now()  # the old window and its agreement view are deleted here
    assert session.window is not old
    assert session.project is not None
    assert session.project.path == other
    assert thread.isRunning()  # let go: still at its work, owned by nobody
    assert workers.running_let_go() == 1
    held.release.set()
    workers.join_let_go()
    assert held.ended.is_set()
    _delete_later_now()
    assert workers.running_let_go() == 0
    assert dialogs.shown == []  # the dropped result shows nothing


def test_closing_the_window_while_agreement_computes_does_not_wait(
    session: Session, demo_path: Path, held: Held, dialogs: Dialogs
) -> None:
    assert session.open(demo_path)
    window = session.window
    assert window is not None
    _computing(window, held)
    session.close()  # the window closes (and is deleted) while the computation is held
    _delete_later_now()
    assert not held.ended.is_set()
    assert workers.running_let_go() == 1
    held.release.set()
    workers.join_let_go()
    assert held.ended.is_set()


def test_restore_while_agreement_computes(
    session: Session, demo_path: Path, held: Held, qtbot: QtBot, dialogs: Dialogs
) -> None:
    assert session.open(demo_path)
    window = session.window
    assert window is not None
    _computing(window, held)
    # What Restore does: the project closed, the file replaced, opened again in a new window.
    session._replace_file(lambda path: None)
    qtbot.waitUntil(lambda: session.window is not window and session.project is not None)
    _delete_later_now()
    assert workers.running_let_go() == 1
    held.release.set()
    workers.join_let_go()
    assert dialogs.shown == []
