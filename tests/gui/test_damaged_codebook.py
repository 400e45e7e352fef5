"""The window refuses a project whose codebook is damaged, saying why; and it shows a
codebook nested deeper than Python recurses (a project edited with another tool)."""

from __future__ import annotations

import html
import sqlite3

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from annotator.storage import Project
from annotator.ui.app import Session
from annotator.ui.project_banner import DamagedProjectDialog
from tests.gui.conftest import open_window
from tests.services.test_codebook_cycles import REASON, make_cycle


@pytest.mark.timeout(60)
def test_the_window_refuses_a_cycle_with_the_reason(
    demo_project: Project, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert demo_project.path is not None
    path = demo_project.path
    demo_project.close()
    connection = sqlite3.connect(path)
    make_cycle(connection)
    connection.commit()
    connection.close()
    offered: list[DamagedProjectDialog] = []

    def cancel(dialog: DamagedProjectDialog) -> int:
        offered.append(dialog)
        return int(DamagedProjectDialog.DialogCode.Rejected)

    monkeypatch.setattr(DamagedProjectDialog, "exec", cancel)
    session = Session()
    assert session.open(path) is False
    assert session.window is None
    [dialog] = offered
    assert any(REASON in problem for problem in dialog.error.problems)
    assert not dialog.error.repairable  # repair mends schemas; a snapshot brings this back
    shown = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert REASON in html.unescape(shown)


def test_a_codebook_deeper_than_python_recurses_is_shown(
    demo_project: Project, qtbot: QtBot
) -> None:
    levels = 1500
    parent = demo_project.codebook.tree().find("Motive > Political")
    assert parent is not None
    columns = {row[1] for row in demo_project.db.execute("PRAGMA table_info(codes)")}
    key = ", name_key" if "name_key" in columns else ""  # the schema before 0006 had none
    with demo_project.transaction():  # as another tool would: past the store's limit
        for level in range(levels):
            values = [f"00000000-0000-4000-8000-{level:012d}", parent.id, f"L{level}"]
            demo_project.db.execute(
                f"INSERT INTO codes (guid, parent_id, name, color{key}) "
                f"VALUES (?, ?, ?, '#FFFFFF'{', ?' if key else ''})",
                values + ([f"l{level}"] if key else []),
            )
            parent = demo_project.codebook.by_guid(f"00000000-0000-4000-8000-{level:012d}")
            assert parent is not None
    window = open_window(qtbot, demo_project)
    model = window.codebook_model
    index = model.index_of(parent.id)
    assert model.data(index) == f"L{levels - 1}"
    steps = 0
    while index.isValid():
        index = model.parent(index)
        steps += 1
    assert steps == levels + 2  # L0 lies below 'Motive > Political'
