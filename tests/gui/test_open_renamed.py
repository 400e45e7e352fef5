"""The open project renamed under its window (``mv p.annotator final.annotator``), then opened
by its new name: it is the same file, so it is opened again there (not refused as held by
"another annotator", this one), and its snapshots follow it; a snapshot that cannot be taken
because of the rename says so."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from annotator.services import backups
from annotator.ui.app import Session
from tests.gui.conftest import Dialogs


def test_the_renamed_project_opened_by_its_new_name_is_opened_again_there(
    session: Session, demo_path: Path, dialogs: Dialogs
) -> None:
    assert session.open(demo_path)
    old_window = session.window
    assert old_window is not None
    old_window.keeper.wait()  # the opening snapshot, taken before the rename
    new = demo_path.with_name("final.annotator")
    os.rename(demo_path, new)
    assert session.open(new)
    assert dialogs.shown == []  # neither "open in another annotator" nor "disk I/O error"
    window, project = session.window, session.project
    assert window is not None
    assert project is not None
    assert window is not old_window
    assert project.path == new
    assert not project.read_only
    assert "renamed or moved while open" in window.banner.label.text()
    # Work goes on in the file under its new name.
    controller = window.controller
    controller.open_document(1)
    code = controller.codebook.find("Actor type > Diplomat")
    assert code is not None
    assert controller.apply_code(code.id, (0, 5))
    window.keeper.checkpoint()
    rows = sqlite3.connect(new).execute(
        "select count(*) from codings where document_id = 1 and start = 0 and end = 5"
    )
    assert rows.fetchone()[0] >= 1
    # Its snapshots follow it: the closing one is taken of the file under its new name.
    session.close()
    session.window = None
    assert any(s.reason == "window closed" for s in backups.list_snapshots(new))


def test_a_snapshot_refused_by_a_rename_says_so(
    session: Session, demo_path: Path, dialogs: Dialogs
) -> None:
    assert session.open(demo_path)
    window = session.window
    assert window is not None
    window.keeper.wait()
    failures: list[str] = []
    window.keeper.snapshotFailed.connect(failures.append)
    os.rename(demo_path, demo_path.with_name("final.annotator"))
    window.keeper._failed("demo.annotator: cannot be read for a copy")
    assert failures == [
        "demo.annotator was renamed or moved while open; open it where it is now "
        "(File → Open) and its snapshots are taken again"
    ]
