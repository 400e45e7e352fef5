"""Quitting (as a signal or the end of the desktop session does: :meth:`Session.end`, then
what :func:`annotator.ui.app.run` does last) while a background job of the window runs: no
crash, no wait longer than a few seconds, and the project file sound after, nothing half
written (``annotator check`` passes)."""

from __future__ import annotations

import csv
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.services import search
from annotator.services.checks import check_project
from annotator.services.machine import add_machine
from annotator.storage import Project
from annotator.ui import main_window, settings
from annotator.ui.app import Session
from annotator.ui.dialogs import export as export_dialog
from annotator.ui.intake.jobs import CancellableJob
from annotator.ui.machine import train_dialog
from annotator.ui.workers import join_let_go
from tests.gui.conftest import Dialogs
from tests.gui.importing import press_main_button, read
from tests.machine.llm_server import LLMServer, slow
from tests.services.machine_project import MachineProject

#: The longest a quit may take with a job under way (the server below answers in a minute).
BOUND = 10.0


@pytest.fixture(autouse=True)
def no_loop_to_end(monkeypatch: pytest.MonkeyPatch) -> None:
    """No event loop runs here for end() to end (called without one, Qt's exit() would end
    the next one at once)."""
    monkeypatch.setattr(QApplication, "exit", staticmethod(lambda status=0: None))


@pytest.fixture
def server() -> Iterator[LLMServer]:
    with LLMServer() as running:
        yield running


def _quit(session: Session) -> float:
    """Quit as a signal does, then close as run() does; how long it took."""
    began = time.monotonic()
    session.end()
    session.close()
    join_let_go()
    return time.monotonic() - began


def _sound(path: Path) -> Project:
    project = Project.open(path, read_only=True)
    report = check_project(project)
    assert report.ok, report.errors
    return project


def test_quitting_while_a_language_model_codes(
    qtbot: QtBot, session: Session, demo_path: Path, server: LLMServer
) -> None:
    server.script("", slow(60), first=True)  # every article: an answer in a minute
    with Project.open(demo_path) as project:
        add_machine(
            project,
            "Llama",
            "llm",
            url=server.url,
            model="llama3.1:8b",
            settings={"backoff": 0.01, "concurrency": 2},
        )
    assert session.open(demo_path)
    window = session.window
    assert window is not None
    dialog = window.machine_menu.show_code_dialog()
    dialog.choose_machine("Llama")
    dialog.unvalidated.setChecked(True)
    dialog.choose_articles("all")
    dialog.code_button.click()
    assert server.wait_for_requests(2, timeout=10)
    assert _quit(session) < BOUND
    with _sound(demo_path) as project:
        assert [run.status for run in project.machine.runs()] == ["cancelled"]


def test_quitting_while_an_export_is_written(
    qtbot: QtBot,
    session: Session,
    demo_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The export is waited for: held until the closing window stops its work, it then
    finishes, its file whole."""
    started, stopping = threading.Event(), threading.Event()
    real, real_stop = export_dialog.run_export, main_window.stop_workers

    def held(project: Project, job: Any, progress: Any = None) -> int:
        started.set()
        assert stopping.wait(BOUND)  # under way until the quit stops the window's work
        return real(project, job, progress)

    def stop_workers(window: Any) -> None:
        stopping.set()
        real_stop(window)

    monkeypatch.setattr(export_dialog, "run_export", held)
    monkeypatch.setattr(main_window, "stop_workers", stop_workers)
    assert session.open(demo_path)
    window = session.window
    assert window is not None
    dialog = window.export("segments")
    target = tmp_path / "out.csv"
    dialog.path.setText(str(target))
    dialog.start()
    assert started.wait(10)
    assert _quit(session) < BOUND
    with _sound(demo_path) as project:
        with target.open(encoding="utf-8", newline="") as written:
            rows = list(csv.reader(written))
        assert len(rows) == 1 + project.codings.count()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("out")) == ["out.csv"]


def test_quitting_while_articles_are_stored(
    qtbot: QtBot, session: Session, demo_path: Path, tmp_path: Path, dialogs: Dialogs
) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for number in range(300):
        (folder / f"a{number:03}.txt").write_text(
            " ".join(f"word{(number * 7919 + k) % 100_003}" for k in range(300)),
            encoding="utf-8",
        )
    assert session.open(demo_path)
    window = session.window
    assert window is not None
    dialog = window.import_articles(sorted(folder.iterdir()))
    read(dialog, qtbot)
    assert dialogs.shown == []
    press_main_button(dialog)
    qtbot.waitUntil(lambda: dialog._job is not None and dialog._job.stage == "storing")
    assert _quit(session) < BOUND
    with _sound(demo_path) as project:
        assert project.documents.count() in (8, 308)  # all or nothing


def test_quitting_while_a_search_runs(
    qtbot: QtBot, session: Session, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search is let go (its own read-only connection): the quit does not wait for it
    beyond its next look at the cancel, and the project is one file after."""
    held, told = threading.Event(), threading.Event()
    real, real_cancel = search.iter_hits, CancellableJob.cancel

    def held_hits(project: Project, request: Any, cancelled: Any) -> Iterator[Any]:
        for hit in real(project, request, cancelled):
            held.set()
            assert told.wait(BOUND)  # still searching when the quit comes, until cancelled
            yield hit

    def cancel(self: CancellableJob) -> None:
        real_cancel(self)
        told.set()

    monkeypatch.setattr(search, "iter_hits", held_hits)
    monkeypatch.setattr(CancellableJob, "cancel", cancel)
    assert session.open(demo_path)
    window = session.window
    assert window is not None
    window.show_search()
    assert window.search_window is not None
    page = window.search_window.search
    page.query_bar.query.insert("the")
    page.run()
    assert held.wait(10)
    assert _quit(session) < BOUND
    with _sound(demo_path):
        pass
    assert sorted(p.name for p in demo_path.parent.iterdir()) == ["demo.annotator"]


def test_quitting_while_a_machine_trains(
    qtbot: QtBot, session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Training is not cut short (it takes seconds): the quit waits for it, and the machine
    is stored whole or not at all."""
    pytest.importorskip("sklearn")
    path = tmp_path / "m.annotator"
    made = MachineProject(path, 60)
    made.code("Ana", range(1, 41), miss=0.05, seed=1)
    made.project.close()
    settings.CODER.set(settings.open_settings(), "Ana")
    started = threading.Event()
    real = train_dialog.train

    def noted(*args: Any, **options: Any) -> object:
        started.set()
        return real(*args, **options)

    monkeypatch.setattr(train_dialog, "train", noted)
    assert session.open(path)
    window = session.window
    assert window is not None
    dialog = window.machine_menu.show_train_dialog()
    dialog.name.setEditText("Clf")
    dialog.coder.setCurrentText("Ana")
    dialog.train_button.click()
    assert started.wait(10)
    assert _quit(session) < BOUND
    with _sound(path) as project:
        assert [b.name for b in project.machine.backends()] in ([], ["Clf"])
