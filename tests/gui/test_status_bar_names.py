"""The status bar's progress of every coder: elided to the room it has, so that any number of
coders leaves the window at 1280 pixels; coder names shown as text, never as markup."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.services.editing import apply_code
from annotator.storage import Project
from annotator.ui.dialogs.review import ReviewWindow
from tests.gui.conftest import open_window

NAMES = [
    "Hye-won Kang",
    "Paul Okonkwo",
    "Maria Fernández",
    "Jonas Weber",
    "Aiko Tanaka",
    "Li Wei",
    "Sofia Rossi",
    "Omar Haddad",
    "Emma Johansson",
    "Lucas Martin",
]


def test_many_coders_leave_the_window_at_1280(qtbot: QtBot, demo_project: Project) -> None:
    code = demo_project.codebook.tree().codes()[5]
    for k, name in enumerate(NAMES):
        coder = demo_project.coders.add(name)
        apply_code(demo_project, 2, coder.id, code.id, 10 * k, 10 * k + 5)
    window = open_window(qtbot, demo_project)
    window.controller.open_document(2)
    window.show_all_action.trigger()
    window.resize(1280, 720)
    QApplication.processEvents()

    assert window.minimumSizeHint().width() <= 1280
    assert window.width() == 1280
    label = window.status_label
    assert label.text().endswith("…")  # elided: not every coder fits
    assert label.geometry().right() < window.statusBar().width()
    for name in ["Ana", "Ben", *NAMES]:  # every one in the tooltip
        assert f"{name} " in label.toolTip()
    # With room again, everyone is shown.
    window.resize(4000, 720)
    QApplication.processEvents()
    assert not label.text().endswith("…")
    assert "Lucas Martin 0/8" in label.text()


def test_a_name_holding_markup_is_shown_as_text(qtbot: QtBot, demo_project: Project) -> None:
    with demo_project.transaction():
        demo_project.db.execute("UPDATE coders SET name = '<h1>BEN</h1>' WHERE name = 'Ben'")
    window = open_window(qtbot, demo_project, "<h1>BEN</h1>")
    label = window.status_label
    assert "&lt;h1&gt;BEN&lt;/h1&gt; 8/8" in label.text()
    assert "<h1>" not in label.text()
    assert "<h1>" not in label.toolTip()
    assert "&lt;h1&gt;BEN" in label.toolTip()
    progress = window.documents.progress
    assert progress.textFormat() == Qt.TextFormat.PlainText
    assert progress.text() == "8 of 8 done by <h1>BEN</h1>"

    window.review_action.trigger()
    review = window.review_window
    assert isinstance(review, ReviewWindow)
    qtbot.waitExposed(review)
    review.table.setCurrentIndex(review.proxy.index(0, 0))
    titles = [pane.title.text() for pane in review.panes]
    assert any("&lt;h1&gt;BEN&lt;/h1&gt;" in title for title in titles), titles
    assert not any("<h1>" in title for title in titles)
    review.close()
