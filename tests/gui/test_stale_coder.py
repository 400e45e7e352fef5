"""A window whose coder another window merged away (or removed) does not write under that
coder's id: coding there is refused with a clear message, nothing written, and no coder added
since gets the codings (ids of coders are never given twice)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from annotator.services.coders import add_coder, merge_coders
from annotator.storage import Project
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import Dialogs, open_window


@pytest.fixture
def zed(demo_project: Project, qtbot: QtBot) -> Iterator[MainWindow]:
    """A second window on the demo file (its own connection), coding as Zed."""
    other = demo_project.worker_connection()
    yield open_window(qtbot, other, "Zed")
    other.close()


def test_a_window_s_coder_merged_away_elsewhere_cannot_code(
    demo_project: Project, zed: MainWindow, qtbot: QtBot, dialogs: Dialogs
) -> None:
    stale = zed.controller.coder
    merge_coders(demo_project, "Zed", "Ana")  # the lead, in another window
    carl = add_coder(demo_project, "Carl")
    assert carl.id != stale.id
    zed.controller.open_document(2)
    text = zed.reader.text
    start = text.index(text.split()[0])
    zed.reader.select_span(start, start + 5)
    before = demo_project.codings.count()
    qtbot.keyClick(zed.reader, "q")  # Actor type > Overseas worker
    assert demo_project.codings.count() == before
    assert demo_project.codings.for_coder(carl.id) == []
    [(_, message)] = dialogs.shown
    assert "Zed is no longer in" in message
    assert "Switch coder" in message
