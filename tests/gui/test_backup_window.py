"""Backups in the window: the opening snapshot in the background, the log folded into the file
after edits, the closing snapshot, File → Restore from backup and File → Save a copy."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from annotator.services import backups, create_project
from annotator.storage import Project
from annotator.ui import settings
from annotator.ui.app import Session
from annotator.ui.dialogs.backups import BackupSettingsDialog, RestoreDialog
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import Dialogs, open_window

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def _codings_in_file_alone(path: Path, tmp_path: Path) -> int:
    alone = tmp_path / f"alone-{path.stat().st_mtime_ns}.annotator"
    shutil.copy(path, alone)
    connection = sqlite3.connect(alone)
    try:
        return int(connection.execute("SELECT count(*) FROM codings").fetchone()[0])
    finally:
        connection.close()


def _code(window: MainWindow, start: int = 0) -> None:
    code = window.controller.codebook.find("Actor type > Diplomat")
    assert code is not None
    window.reader.select_span(start, start + 12)
    assert window.apply(code.id)


def test_the_opening_snapshot_is_taken_in_the_background(window: MainWindow, qtbot: QtBot) -> None:
    path = window.controller.project.path
    assert path is not None
    with qtbot.waitSignal(window.keeper.snapshotTaken, timeout=10_000) as taken:
        assert window.keeper.start()
        assert window.keeper.busy  # the window goes on while the copy is made
    snapshot = taken.args[0]
    assert snapshot.reason == "opened"
    assert snapshot.counts.codings == 171
    assert backups.list_snapshots(path) == [snapshot]
    assert not window.keeper.start()  # not due again for hours


def test_after_a_burst_of_edits_the_file_alone_holds_every_coding(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    project = window.controller.project
    assert project.path is not None
    project.checkpoint()
    _code(window)
    assert window.keeper.idle.isActive()
    assert _codings_in_file_alone(project.path, tmp_path) == 171  # still in the log
    qtbot.waitUntil(lambda: not window.keeper.idle.isActive(), timeout=10_000)
    assert _codings_in_file_alone(project.path, tmp_path) == 172


def test_closing_after_changes_takes_a_snapshot_and_without_changes_does_not(
    qtbot: QtBot, demo_project: Project
) -> None:
    path = demo_project.path
    assert path is not None
    window = open_window(qtbot, demo_project)
    window.close()
    assert backups.list_snapshots(path) == []
    window = open_window(qtbot, demo_project)
    _code(window)
    window.close()
    (snapshot,) = backups.list_snapshots(path)
    assert snapshot.reason == "window closed"
    assert snapshot.counts.codings == 172


def test_restore_from_backup_lists_counts_and_restores_after_a_confirmation(
    window: MainWindow, qtbot: QtBot, dialogs: Dialogs
) -> None:
    project = window.controller.project
    assert project.path is not None
    first = backups.take_snapshot(project, "on request")
    assert first is not None
    for start in (0, 20, 40):
        _code(window, start)
    dialog = window.show_backups()
    qtbot.addWidget(dialog)
    ModelTester(None).check(dialog.model)  # type: ignore[arg-type]
    model = dialog.model
    assert model.rowCount() == 1
    assert [model.data(model.index(0, c)) for c in (1, 2, 3, 4)] == ["on request", "8", "171", "2"]
    dialogs.answer(QMessageBox.StandardButton.No)
    assert dialog.restore_chosen() is None
    assert project.codings.count() == 174
    dialogs.answer(QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(window.projectReplaced):
        restored = dialog.restore_chosen()
    assert restored is not None
    assert "171 codings" in dialogs.shown[-1][1]
    assert project.codings.count() == 171
    assert window.controller.undo_stack.count() == 0  # nothing to undo into the old state
    reasons = [s.reason for s in backups.list_snapshots(project.path)]
    assert reasons == ["before restore", "on request"]


def test_restoring_rebuilds_the_window_over_the_restored_project(
    qtbot: QtBot, tmp_path: Path, dialogs: Dialogs
) -> None:
    path = tmp_path / "study.annotator"
    create_project(path, demo=True).close()
    settings.CODER.set(settings.open_settings(), "Ana")
    session = Session()
    try:
        assert session.open(path)
        first_window = session.window
        assert first_window is not None
        qtbot.addWidget(first_window)
        with qtbot.waitSignal(first_window.keeper.snapshotTaken, timeout=10_000):
            pass  # Session.open started the opening snapshot
        _code(first_window)
        dialog = first_window.show_backups()
        qtbot.addWidget(dialog)
        dialogs.answer(QMessageBox.StandardButton.Yes)
        dialog.restore_chosen()
        assert session.window is not first_window
        assert session.window is not None
        qtbot.addWidget(session.window)
        assert session.window.controller.project.codings.count() == 171
        assert session.window.controller.coder.name == "Ana"
    finally:
        session.close()


def test_save_a_copy_writes_one_complete_file(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dialogs: Dialogs
) -> None:
    target = tmp_path / "for-the-lead.annotator"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    _code(window)
    assert window.save_copy() == target
    connection = sqlite3.connect(target)
    assert connection.execute("SELECT count(*) FROM codings").fetchone()[0] == 172
    connection.close()
    assert window.save_copy() is None  # never over a file
    assert "already exists" in dialogs.shown[-1][1]


def test_backup_settings_are_saved_from_the_dialog(qtbot: QtBot) -> None:
    dialog = BackupSettingsDialog(None)
    qtbot.addWidget(dialog)
    dialog.enabled.setChecked(False)
    dialog.last.setValue(25)
    dialog.folder.setCurrentIndex(dialog.folder.findData(backups.BESIDE))
    dialog.save()
    saved = backups.load_settings()
    assert (saved.enabled, saved.keep_last, saved.folder) == (False, 25, backups.BESIDE)


def test_screenshot_of_the_restore_dialog(window: MainWindow, qtbot: QtBot) -> None:
    project = window.controller.project
    backups.take_snapshot(project, "opened")
    backups.take_snapshot(project, "before merging ana.annpkg")
    dialog = RestoreDialog(window.controller, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.model.rowCount() == 2
    SCREENSHOTS.mkdir(exist_ok=True)
    assert dialog.grab().save(str(SCREENSHOTS / "restore-from-backup.png"))
