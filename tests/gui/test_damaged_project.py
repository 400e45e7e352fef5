"""A damaged, booby-trapped or read-only project in the window: opened read-only with a banner
saying what is wrong, the newest good snapshot and a repair offered, and both carried out."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from annotator.services import backups
from annotator.storage import Project, access
from annotator.ui import app
from annotator.ui.app import Session
from annotator.ui.main_window import MainWindow
from annotator.ui.project_banner import DamagedProjectDialog
from tests.gui.conftest import Dialogs
from tests.helpers import run_sql

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
BOOBY = (
    "CREATE TRIGGER booby AFTER INSERT ON codings BEGIN DELETE FROM codings WHERE id < new.id; END"
)


def _corrupt_page_of(path: Path, name: str) -> None:
    connection = sqlite3.connect(path)
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    [root] = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [name])
    connection.close()
    with open(path, "r+b") as handle:
        handle.seek((root[0] - 1) * page_size)
        handle.write(b"\xde\xad\xbe\xef" * 64)


def _window(session: Session, qtbot: QtBot) -> MainWindow:
    """The session's window (the session closes and deletes it, not qtbot)."""
    assert session.window is not None
    return session.window


def _new_window(session: Session, qtbot: QtBot, old: MainWindow) -> MainWindow:
    qtbot.waitUntil(lambda: session.window is not old and session.window is not None)
    return _window(session, qtbot)


def test_a_booby_trapped_project_opens_read_only_with_a_banner(
    session: Session, demo_path: Path, qtbot: QtBot
) -> None:
    run_sql(demo_path, BOOBY)
    assert session.open(demo_path)
    window = _window(session, qtbot)
    qtbot.waitExposed(window)
    assert window.controller.project.read_only
    assert window.windowTitle() == "demo.annotator — coder: Ana [read-only] — annotator"
    banner = window.banner
    assert banner.isVisible()
    text = banner.label.text()
    assert "This project was changed outside annotator" in text
    assert "trigger &#x27;booby&#x27; (on codings) was not made by annotator" in text
    assert banner.repair_button.isVisible()
    assert not banner.restore_button.isEnabled()  # no snapshot yet
    assert "There is no snapshot of it that checks out." in text
    qtbot.waitUntil(lambda: window.codings.model.rowCount() > 0)  # the list fills next turn
    SCREENSHOTS.mkdir(exist_ok=True)
    assert window.grab().save(str(SCREENSHOTS / "damaged-project-banner.png"))


def test_repair_from_the_banner_brings_back_a_project_to_code_in(
    session: Session, demo_path: Path, qtbot: QtBot, dialogs: Dialogs
) -> None:
    run_sql(demo_path, BOOBY)
    assert session.open(demo_path)
    window = _window(session, qtbot)
    dialogs.answer(QMessageBox.StandardButton.Yes)
    window.banner.repair_button.click()
    assert "trigger 'booby' (on codings) was not made by annotator" in dialogs.shown[-1][1]
    repaired = _new_window(session, qtbot, window)
    project = repaired.controller.project
    assert not project.read_only
    assert not repaired.banner.isVisible()
    assert repaired.statusBar().currentMessage() == (
        "Repaired: dropped trigger 'booby' (on codings)"
    )
    code = repaired.controller.codebook.find("Actor type > Diplomat")
    assert code is not None
    repaired.reader.select_span(0, 12)
    assert repaired.apply(code.id)
    assert project.codings.count() == 172


def _good_snapshot(path: Path) -> backups.Snapshot:
    with Project.open(path) as project:
        good = backups.take_snapshot(project, "opened")
    assert good is not None
    return good


def test_restore_from_the_banner_puts_the_newest_good_snapshot_in_place(
    session: Session, demo_path: Path, qtbot: QtBot, dialogs: Dialogs
) -> None:
    good = _good_snapshot(demo_path)
    run_sql(demo_path, BOOBY)
    with Project.open(demo_path, read_only=True, accept_problems=True) as trapped:
        backups.snapshot_file(demo_path, "trapped")  # newer, but refused by a restore
    assert trapped.problems
    assert session.open(demo_path)
    window = _window(session, qtbot)
    assert "The newest good snapshot is of" in window.banner.label.text()
    assert window.banner.restore_button.isEnabled()
    dialog = session.restore_damaged()
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.restore_button.isEnabled()  # though the project is open read-only
    assert dialog.chosen() == good
    dialogs.answer(QMessageBox.StandardButton.Yes)
    dialog.restore_chosen()
    restored = _new_window(session, qtbot, window)
    project = restored.controller.project
    assert not project.read_only
    assert not restored.banner.isVisible()
    assert project.codings.count() == 171
    names = {row[0] for row in project.db.execute("SELECT name FROM sqlite_master")}
    assert "booby" not in names


def _restore_newest(offered: list[DamagedProjectDialog]) -> object:
    def choose(dialog: DamagedProjectDialog) -> int:
        offered.append(dialog)
        assert dialog.restore_button.isEnabled()
        dialog.restore_button.click()
        return int(dialog.result())

    return choose


def test_damaged_pages_found_after_opening_offer_the_newest_good_snapshot(
    session: Session,
    demo_path: Path,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    good = _good_snapshot(demo_path)
    _corrupt_page_of(demo_path, "codings_by_position")  # a page the window does not read
    offered: list[DamagedProjectDialog] = []
    monkeypatch.setattr(DamagedProjectDialog, "exec", _restore_newest(offered))
    assert session.open(demo_path)  # the small tables are sound: it opens
    first = _window(session, qtbot)
    assert not first.controller.project.read_only
    # Every page is checked in the background; damaged pages cannot be shown: the dialog
    # offers the newest good snapshot, which takes the file's place.
    restored = _new_window(session, qtbot, first)
    assert offered[0].newest == good
    assert offered[0].error.path == demo_path
    assert not restored.controller.project.read_only
    assert restored.controller.project.codings.count() == 171
    assert not restored.banner.isVisible()
    damaged = [p for p in good.path.parent.iterdir() if p.suffix == ".damaged"]
    assert len(damaged) == 1  # the damaged file, kept as it was


def test_a_project_that_cannot_be_shown_offers_the_way_back(
    session: Session, demo_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (SQLite refuses to drop a column a trigger names: the change log's goes first.)
    run_sql(
        demo_path,
        "DROP TRIGGER codes_logged_description",
        "ALTER TABLE codes DROP COLUMN description",
    )
    offered: list[DamagedProjectDialog] = []

    def choose_repair(dialog: DamagedProjectDialog) -> int:
        offered.append(dialog)
        assert dialog.repair_button.isVisibleTo(dialog)
        assert not dialog.restore_button.isEnabled()
        dialog.repair_button.click()
        return int(dialog.result())

    monkeypatch.setattr(DamagedProjectDialog, "exec", choose_repair)
    assert session.open(demo_path)
    assert offered[0].error.problems == (
        "table 'codes': column 'description' missing",
        "trigger 'codes_logged_description' (on codes) is missing",
    )
    window = _window(session, qtbot)
    assert not window.controller.project.read_only
    assert window.controller.project.codings.count() == 171


def test_a_dropped_table_the_window_can_do_without_opens_read_only(
    session: Session, demo_path: Path, qtbot: QtBot
) -> None:
    run_sql(demo_path, "DROP TABLE memos")
    assert session.open(demo_path)
    window = _window(session, qtbot)
    assert window.controller.project.read_only
    assert "table &#x27;memos&#x27; is missing" in window.banner.label.text()
    assert window.banner.repair_button.isVisibleTo(window.banner)


def test_a_read_only_folder_says_so(
    session: Session, demo_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = demo_path.parent.resolve()
    writable = access.can_write
    monkeypatch.setattr(access, "can_write", lambda p: Path(p).resolve() != folder and writable(p))
    assert session.open(demo_path)
    window = _window(session, qtbot)
    assert "[read-only]" in window.windowTitle()
    assert window.banner.label.text().startswith(f"Read-only: its folder {folder} is read-only")
    assert not window.banner.restore_button.isVisibleTo(window.banner)


def test_a_damaged_page_met_while_reading_is_no_internal_error(
    session: Session,
    demo_path: Path,
    qtbot: QtBot,
    dialogs: Dialogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    good = _good_snapshot(demo_path)
    assert session.open(demo_path)
    window = _window(session, qtbot)
    qtbot.waitUntil(lambda: session.page_check is None)  # sound
    offered: list[DamagedProjectDialog] = []
    monkeypatch.setattr(DamagedProjectDialog, "exec", _restore_newest(offered))
    error = sqlite3.DatabaseError("database disk image is malformed")
    for _ in range(3):  # a burst of them, as a repaint reading a damaged page gives
        app._report_crash(type(error), error, None, session=session)
    assert [kind for kind, _ in dialogs.shown] == ["critical"]
    assert dialogs.shown[0][1].startswith("Damaged project: The project file is damaged")
    restored = _new_window(session, qtbot, window)
    assert [dialog.newest for dialog in offered] == [good]
    assert "database disk image is malformed" in offered[0].error.problems[0]
    assert not restored.controller.project.read_only
