"""The window refuses a project whose codebook is damaged, saying why; and it shows a
codebook nested deeper than Python recurses (a project edited with another tool)."""

from __future__ import annotations

import sqlite3

import pytest
from pytestqt.qtbot import QtBot

from annotator.storage import Project
from annotator.ui.app import Session
from tests.gui.conftest import Dialogs, open_window
from tests.services.test_codebook_cycles import REASON, make_cycle


@pytest.mark.timeout(60)
def test_the_window_refuses_a_cycle_with_the_reason(
    demo_project: Project, qtbot: QtBot, dialogs: Dialogs
) -> None:
    assert demo_project.path is not None
    path = demo_project.path
    demo_project.close()
    connection = sqlite3.connect(path)
    make_cycle(connection)
    connection.commit()
    connection.close()
    session = Session()
    assert session.open(path) is False
    assert session.window is None
    [(kind, text)] = dialogs.shown
    assert kind == "critical"
    assert REASON in text


def test_a_codebook_deeper_than_python_recurses_is_shown(
    demo_project: Project, qtbot: QtBot
) -> None:
    levels = 1500
    parent = demo_project.codebook.tree().find("Motive > Political")
    assert parent is not None
    columns = {row[1] for row in demo_project.db.execute("PRAGMA table_info(codes)")}
    key = ", name_key" if "name_key" in columns else ""  # the schema before 0005 had none
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
