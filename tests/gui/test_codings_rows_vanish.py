"""The codings list tolerates rows that vanish between counting and reading them (another
window or program deleted codings): no IndexError in the painting ("Error calling Python
override"), blank rows at most, and the list counts again on the next turn."""

from __future__ import annotations

import sqlite3

from pytestqt.qtbot import QtBot

from annotator.ui.main_window import MainWindow


def test_codings_deleted_elsewhere_between_counting_and_reading(
    window: MainWindow, qtbot: QtBot
) -> None:
    project = window.controller.project
    assert project.path is not None
    ana = window.controller.coder.id
    document = next(
        d.id for d in project.documents.all() if len(project.codings.for_document(d.id, ana)) > 1
    )
    window.controller.open_document(document)
    model = window.codings.model
    qtbot.waitUntil(lambda: model.rowCount() > 1)
    model.reload()  # counted now ...
    counted = model.rowCount()
    with sqlite3.connect(project.path) as other:  # ... then another program deletes
        other.execute(
            "delete from codings where id in (select id from codings where document_id = ? "
            "and coder_id = ? order by id desc limit 1)",
            (document, ana),
        )
    window.codings.view.selectAll()
    assert len(window.codings.selected_ids()) == counted - 1  # the vanished row left out
    window.codings.view.grab()  # painting reads the rows: none raises
    left = len(project.codings.for_document(document, ana))
    assert left == counted - 1
    qtbot.waitUntil(lambda: model.rowCount() == left)
