"""An agreement result already queued when its view lets the worker go (File → Open, Restore)
is dropped, never shown over the released view (it raised an AssertionError in ``_stop``).
The computation is held on an Event and its result is known to be queued before the view lets
go: no sleeps."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.agreement.report import Report
from annotator.ui import workers
from annotator.ui.dialogs import agreement
from annotator.ui.main_window import MainWindow


@pytest.fixture
def measured(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """measure_agreement runs for real once the test sets the returned Event."""
    release, real = threading.Event(), agreement.measure_agreement

    def held(study: object, options: object) -> Report:
        assert release.wait(30)
        return real(study, options)  # type: ignore[arg-type]

    monkeypatch.setattr(agreement, "measure_agreement", held)
    yield release
    release.set()
    workers.join_let_go()


def test_a_result_queued_before_the_worker_is_let_go_is_dropped(
    window: MainWindow, measured: threading.Event, qtbot: QtBot
) -> None:
    view = window.show_agreement()
    view.compute()
    worker = view.background.worker
    assert worker is not None
    queued = threading.Event()  # set in the worker's thread, after the result was posted
    worker.finished.connect(lambda *_: queued.set(), Qt.ConnectionType.DirectConnection)
    measured.set()
    assert queued.wait(30)
    view.release_worker()  # what File → Open and Restore do before the window goes
    QApplication.processEvents()  # the queued result is delivered now
    assert view.report is None
    assert view.summary.text() == ""
    assert view.compute_button.isEnabled()
    # The view still computes afterwards, and shows that result.
    view.compute()
    qtbot.waitUntil(lambda: view.report is not None, timeout=30000)
    assert view.report is not None
    assert view.report.documents > 0
