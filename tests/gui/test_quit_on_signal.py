"""SIGTERM, Ctrl+C (SIGINT), a closed terminal (SIGHUP) and the end of the desktop session
close the project as File → Quit does: what is typed saved, the last snapshot taken, the log
folded into the file, the lock removed — the project one file again (issue 17, point 4). After
``kill -9`` the next start still opens it."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.exceptions import TimeoutError as WaitTimeout
from pytestqt.qtbot import QtBot

from annotator.services import backups
from annotator.services.changes import Changes
from annotator.services.codebook_editing import delete_code
from annotator.storage import Project
from annotator.storage.lock import locks_folder
from annotator.ui import app
from annotator.ui.app import Session
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import Dialogs

ROOT = Path(__file__).resolve().parents[2]
TYPED = "typed a moment before the signal"
Starter = Callable[[Path], subprocess.Popen[str]]


def _left(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


def _no_locks() -> bool:
    return not locks_folder().exists() or list(locks_folder().iterdir()) == []


def _sound(path: Path) -> None:
    with Project.open(path) as project:  # for writing: nothing holds it
        assert project.integrity_problems() == []
        assert project.documents.count() == 8


# -- the window in a process of its own -------------------------------------------------------


@pytest.fixture
def start() -> Iterator[Callable[[Path], subprocess.Popen[str]]]:
    """Starts ``annotator gui PROJECT`` in a process of its own (killed if a test fails)."""
    started: list[subprocess.Popen[str]] = []

    def starting(path: Path) -> subprocess.Popen[str]:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
        process = subprocess.Popen(
            [sys.executable, "-m", "annotator", "gui", str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        started.append(process)
        return process

    yield starting
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate()


def _wait_until_open(
    qtbot: QtBot, window: subprocess.Popen[str], path: Path, timeout: float = 90
) -> None:
    """Until the window is up on the project: its lock names this process, and the opening
    snapshot (taken once the window shows) is written."""
    lock = path.with_name(path.name + ".lock")

    def opened() -> bool:
        if window.poll() is not None:
            pytest.fail(f"the window ended early: {window.communicate()[1]}")
        try:
            holder = json.loads(lock.read_text(encoding="utf-8")).get("pid")
        except (OSError, ValueError):
            holder = None
        return holder == window.pid and bool(backups.list_snapshots(path))

    try:
        qtbot.waitUntil(opened, timeout=int(timeout * 1000))
    except WaitTimeout:
        window.kill()
        pytest.fail(f"the window did not open the project: {window.communicate()[1]}")


@pytest.mark.parametrize(
    "signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP], ids=["TERM", "INT", "HUP"]
)
def test_a_signal_closes_the_project_and_leaves_one_file(
    qtbot: QtBot, start: Starter, demo_path: Path, signum: int
) -> None:
    window = start(demo_path)
    _wait_until_open(qtbot, window, demo_path)
    assert "demo.annotator-wal" in _left(demo_path)
    window.send_signal(signum)
    _, stderr = window.communicate(timeout=30)
    assert window.returncode == 0, stderr
    assert "closing the project" in stderr
    assert "Traceback" not in stderr
    assert _left(demo_path) == ["demo.annotator"]
    assert _no_locks()
    _sound(demo_path)


def test_after_kill_9_the_next_start_opens_the_project(
    qtbot: QtBot, start: Starter, demo_path: Path
) -> None:
    first = start(demo_path)
    _wait_until_open(qtbot, first, demo_path)
    first.kill()
    first.communicate(timeout=30)
    assert "demo.annotator.lock" in _left(demo_path)  # stale: its process is gone
    for snapshot in backups.list_snapshots(demo_path):  # so the next start snapshots again
        snapshot.path.unlink()
        snapshot.path.with_suffix(backups.META_SUFFIX).unlink()
    second = start(demo_path)
    _wait_until_open(qtbot, second, demo_path)  # the lock is the second's now
    second.send_signal(signal.SIGTERM)
    _, stderr = second.communicate(timeout=30)
    assert second.returncode == 0, stderr
    assert _left(demo_path) == ["demo.annotator"]
    _sound(demo_path)


# -- in this process: what the window held when the signal came -------------------------------


def _main_window() -> MainWindow:
    [window] = [
        w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
    ]
    return window


def _run_with(qtbot: QtBot, path: Path, act: Callable[[], None]) -> int:
    """``app.run(path)`` with ``act`` run once the window is up; a quit that never comes
    fails the test instead of hanging it. Event loops started afterwards still run (a quit
    left behind would end each at once)."""
    stuck: list[str] = []

    def watchdog() -> None:
        stuck.append("still running")
        QApplication.closeAllWindows()
        QApplication.quit()

    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(watchdog)
    timer.start(60_000)
    QTimer.singleShot(300, act)
    try:
        status = app.run(path)
    finally:
        timer.stop()
    assert stuck == [], "the signal did not quit the window"
    fired: list[str] = []
    later = QTimer()
    later.setSingleShot(True)
    later.timeout.connect(lambda: fired.append("fired"))
    later.start(5)
    qtbot.wait(300)
    assert fired == ["fired"]
    return status


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_a_memo_typed_when_the_signal_comes_is_saved(
    qtbot: QtBot, demo_path: Path, signum: int
) -> None:
    handlers = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    opened: list[int] = []

    def type_then_signal() -> None:
        window = _main_window()
        window.memo_action.trigger()
        qtbot.keyClicks(window.memo_pane.editor, TYPED)
        opened.append(window.controller.document_id)
        os.kill(os.getpid(), signum)  # before the memo's own pause commits it

    assert _run_with(qtbot, demo_path, type_then_signal) == 0
    with Project.open(demo_path, read_only=True) as project:
        ana = project.coders.by_name("Ana")
        assert ana is not None
        assert [(m.document_id, m.coder_id, m.text) for m in project.memos.all()] == [
            (opened[0], ana.id, TYPED)
        ]
    assert "window closed" in [s.reason for s in backups.list_snapshots(demo_path)]
    assert _left(demo_path) == ["demo.annotator"]
    assert _no_locks()
    assert {s: signal.getsignal(s) for s in handlers} == handlers  # as they were


def test_a_question_open_when_the_signal_comes_does_not_hold_the_quit(
    qtbot: QtBot, demo_path: Path
) -> None:
    answers: list[int] = []

    def ask() -> None:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Question",
            "Go on?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            _main_window(),
        )
        QTimer.singleShot(200, lambda: os.kill(os.getpid(), signal.SIGTERM))
        answers.append(box.exec())  # its own event loop: the signal must end it

    assert _run_with(qtbot, demo_path, ask) == 0
    assert answers == [0]  # rejected, no button chosen
    assert _left(demo_path) == ["demo.annotator"]


def test_memo_text_the_project_refuses_is_not_asked_about_but_told(
    qtbot: QtBot, demo_path: Path, dialogs: Dialogs, capfd: pytest.CaptureFixture[str]
) -> None:
    """File → Quit asks whether to lose text the project refused (its code deleted); a quit
    on a signal asks nobody and writes the text to standard error."""

    def refuse_then_signal() -> None:
        window = _main_window()
        controller = window.controller
        code = controller.codebook.find("Motive > Political")
        dialog = window.edit_code_memo(code.id)
        delete_code(controller.project, code.id)
        controller.notify(Changes(codebook=True))
        qtbot.keyClicks(dialog.memo.editor, "notes for a code now gone")
        os.kill(os.getpid(), signal.SIGTERM)

    assert _run_with(qtbot, demo_path, refuse_then_signal) == 0
    assert dialogs.shown == []
    stderr = capfd.readouterr().err
    assert "annotator: the text not saved: notes for a code now gone" in stderr
    assert _left(demo_path) == ["demo.annotator"]


def test_the_end_of_the_desktop_session_commits_and_closes_without_asking(
    qtbot: QtBot,
    session: Session,
    demo_path: Path,
    dialogs: Dialogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    exits: list[int] = []
    monkeypatch.setattr(QApplication, "exit", staticmethod(exits.append))  # no loop runs here
    assert session.open(demo_path)
    window, project = session.window, session.project
    assert window is not None
    assert project is not None
    window.memo_action.trigger()
    qtbot.keyClicks(window.memo_pane.editor, TYPED)
    session.commit_data(None)  # Qt's commitDataRequest, before the session manager quits us
    assert not window.ask_before_closing
    # The file alone, without its log, holds the memo.
    alone = sqlite3.connect(f"{demo_path.resolve().as_uri()}?immutable=1", uri=True)
    try:
        assert alone.execute("SELECT text FROM memos").fetchall() == [(TYPED,)]
    finally:
        alone.close()
    session.end()
    assert exits == [0]
    session.close()
    session.close()  # twice is harmless
    assert project.closed
    assert dialogs.shown == []
    assert _left(demo_path) == ["demo.annotator"]
