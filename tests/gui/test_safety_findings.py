"""What a hostile tester found in the window's project safety: a project renamed while open,
a trap hidden behind an index's name, restoring the oldest snapshot, restoring with backups
off, a repair or restore that must not hang on a never-ending view."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from annotator.domain.errors import ProjectLockedError
from annotator.services import backups, create_project
from annotator.storage import Project
from annotator.ui.app import Session
from annotator.ui.main_window import MainWindow
from annotator.ui.project_banner import DamagedProjectDialog
from tests.gui.conftest import Dialogs, open_window
from tests.helpers import run_sql
from tests.storage.test_schema_check import HIDDEN_BOOBY


def _codings_in_file_alone(path: Path, folder: Path) -> int:
    """The codings a copy of the file alone holds (without any log beside it)."""
    copy = folder / "alone.annotator"
    shutil.copyfile(path, copy)
    connection = sqlite3.connect(copy)
    try:
        return int(connection.execute("SELECT count(*) FROM codings").fetchone()[0])
    finally:
        connection.close()
        copy.unlink()


@pytest.fixture
def p_project(tmp_path: Path) -> Iterator[Project]:
    """The demo project as p.annotator (asked for before qtbot: closed after the windows)."""
    project = create_project(tmp_path / "p.annotator", demo=True)
    yield project
    project.close()


def test_a_project_renamed_while_open_keeps_every_coding_in_the_file(
    p_project: Project, qtbot: QtBot, tmp_path: Path
) -> None:
    window = open_window(qtbot, p_project)
    code = window.controller.codebook.find("Actor type > Diplomat")
    assert code is not None
    window.controller.open_document(1)
    window.reader.select_span(0, 12)
    assert window.apply(code.id)
    assert not window.banner.isVisible()
    os.rename(tmp_path / "p.annotator", tmp_path / "q.annotator")
    window.reader.select_span(20, 30)
    assert window.apply(code.id)
    assert window.banner.isVisible()
    assert "p.annotator was renamed or moved" in window.banner.label.text()
    # The file under its new name holds both codings, whatever happens to the window.
    assert _codings_in_file_alone(tmp_path / "q.annotator", tmp_path) == 173
    with pytest.raises(ProjectLockedError, match=f"process {os.getpid()}"):
        Project.open(tmp_path / "q.annotator")
    window.close()
    p_project.close()
    assert _codings_in_file_alone(tmp_path / "q.annotator", tmp_path) == 173


def _code(window: MainWindow, start: int = 0) -> bool:
    code = window.controller.codebook.find("Actor type > Diplomat")
    assert code is not None
    window.reader.select_span(start, start + 12)
    return window.apply(code.id)


def test_a_trigger_hidden_behind_an_index_name_opens_read_only_with_the_banner(
    session: Session, demo_path: Path, qtbot: QtBot
) -> None:
    run_sql(demo_path, *HIDDEN_BOOBY)
    assert session.open(demo_path)
    window = session.window
    assert window is not None
    project = window.controller.project
    assert project.read_only
    assert "trigger &#x27;codings_by_code&#x27; (on codings)" in window.banner.label.text()
    assert window.banner.repair_button.isVisibleTo(window.banner)
    assert project.codings.count() == 171


def test_restoring_the_oldest_snapshot_of_the_day_from_the_window(
    qtbot: QtBot, window: MainWindow, dialogs: Dialogs
) -> None:
    """The tenth snapshot is the oldest the schedule keeps: the snapshot of the current state
    taken first must not prune it before it is read."""
    project = window.controller.project
    assert project.path is not None
    for number in range(1, 11):
        backups.take_snapshot(project, f"n{number}")
    _code(window)
    dialog = window.show_backups()
    qtbot.addWidget(dialog)
    dialog.table.selectRow(9)
    chosen = dialog.chosen()
    assert chosen is not None
    assert chosen.reason == "n1"
    dialogs.answer(QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(window.projectReplaced):
        restored = dialog.restore_chosen()
    assert restored is not None
    assert [kind for kind, _ in dialogs.shown] == ["question"]  # no warning
    assert project.codings.count() == 171
    assert chosen.path.exists()
    reasons = [s.reason for s in backups.list_snapshots(project.path)]
    assert reasons[0] == "before restore"
    assert "n1" in reasons


def test_a_restore_keeps_the_current_state_with_snapshots_off_and_says_where(
    session: Session, demo_path: Path, qtbot: QtBot, dialogs: Dialogs
) -> None:
    with Project.open(demo_path) as project:
        early = backups.take_snapshot(project, "early")
    assert early is not None
    backups.save_settings(replace(backups.load_settings(), enabled=False))
    assert session.open(demo_path)
    first = session.window
    assert first is not None
    assert _code(first)
    dialog = first.show_backups()
    qtbot.addWidget(dialog)
    dialogs.answer(QMessageBox.StandardButton.Yes)
    dialog.restore_chosen()
    assert "even with automatic snapshots off" in dialogs.shown[0][1]
    qtbot.waitUntil(lambda: session.window is not first)
    window = session.window
    assert window is not None
    assert window.controller.project.codings.count() == 171
    kept = [s for s in backups.list_snapshots(demo_path) if s.reason == "before restore"]
    assert len(kept) == 1
    assert kept[0].counts is not None
    assert kept[0].counts.codings == 172  # the coding made before the restore
    assert f"kept as {kept[0].path}" in window.statusBar().currentMessage()


NEVER_ENDING = (
    "ALTER TABLE documents RENAME TO docs_hidden",
    "CREATE VIEW documents AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
    "SELECT x AS id FROM c",
)


def _choose(choice: str, offered: list[DamagedProjectDialog]) -> object:
    def choose(dialog: DamagedProjectDialog) -> int:
        offered.append(dialog)
        button = dialog.repair_button if choice == "repair" else dialog.restore_button
        assert button.isEnabled()
        button.click()
        return int(dialog.result())

    return choose


@pytest.mark.timeout(120, method="thread")  # before the fix, both never finished
@pytest.mark.parametrize("choice", ["repair", "restore"])
def test_a_never_ending_view_neither_hangs_repair_nor_restore(
    session: Session,
    demo_path: Path,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    choice: str,
) -> None:
    if choice == "restore":
        with Project.open(demo_path) as project:
            backups.take_snapshot(project, "good")
    run_sql(demo_path, *NEVER_ENDING)
    offered: list[DamagedProjectDialog] = []
    monkeypatch.setattr(DamagedProjectDialog, "exec", _choose(choice, offered))
    assert session.open(demo_path)
    assert offered[0].error.repairable
    window = session.window
    assert window is not None
    project = window.controller.project
    assert not project.read_only
    assert project.documents.count() == 8
    assert project.codings.count() == 171
    kept = [s for s in backups.list_snapshots(demo_path) if s.reason.startswith("before")]
    assert [s.counts for s in kept] == [None]  # the trapped file was never counted


def test_save_a_copy_refuses_a_side_file_name(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dialogs: Dialogs
) -> None:
    project_path = window.controller.project.path
    assert project_path is not None
    for suffix in ("-journal", "-wal"):
        target = project_path.with_name(project_path.name + suffix)
        monkeypatch.setattr(
            QFileDialog, "getSaveFileName", staticmethod(lambda *a, t=target, **k: (str(t), ""))
        )
        before = target.exists()
        assert window.save_copy() is None
        assert f"of the project {project_path.name}" in dialogs.shown[-1][1]
        assert target.exists() == before
    assert window.controller.project.codings.count() == 171
