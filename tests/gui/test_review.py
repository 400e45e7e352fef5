"""The disagreement review from the real window: decisions keep the exclusive rule, know what
they were made on (stale when a coder changes it, decided again), each coder's own passage in
their own pane, the passages as marked text, and three coders reviewed at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from annotator.domain.model import Choice, DocumentStatus
from annotator.services.agreement import CONSENSUS
from annotator.services.editing import apply_code
from annotator.storage import Project
from annotator.ui.dialogs.review import ALL_CODERS, ReviewWindow
from annotator.ui.main_window import MainWindow
from annotator.ui.review_text import ONLY_STYLE
from tests.gui.conftest import Dialogs

ARTICLE = 1  # 01_restaurant-workers
SUBSISTENCE, OTHER, ANONYMOUS = (
    "Motive > Subsistence",
    "Motive > Other / unclear",
    ("Source reliability > Anonymous official"),
)


def _review(window: MainWindow, qtbot: QtBot) -> ReviewWindow:
    window.review_action.trigger()
    review = window.review_window
    assert isinstance(review, ReviewWindow)
    qtbot.waitExposed(review)
    return review


def _select(review: ReviewWindow, code_path: str, kind: str | None = None) -> int:
    """Select the row of article 1 with this code (and what differs); returns its row."""
    for row in range(review.proxy.rowCount()):
        item = review.model.difference(review.proxy.mapToSource(review.proxy.index(row, 0)).row())
        what = review.proxy.index(row, 2).data()
        if (
            item.document_id == ARTICLE
            and item.code_path == code_path
            and (kind is None or what == kind)
        ):
            review.table.setCurrentIndex(review.proxy.index(row, 0))
            return row
    raise AssertionError(f"no row {code_path} {kind}")


def _consensus(project: Project, code_path: str) -> list[tuple[int | None, int | None]]:
    consensus = project.coders.by_name(CONSENSUS)
    if consensus is None:
        return []
    tree = project.codebook.tree()
    return sorted(
        (
            (c.start, c.end)
            for c in project.codings.for_document(ARTICLE, consensus.id)
            if tree.path(c.code_id) == code_path
        ),
        key=lambda s: (s[0] or -1, s[1] or -1),
    )


def test_a_second_code_of_an_exclusive_dimension_asks_and_replaces_the_first(
    window: MainWindow, qtbot: QtBot, dialogs: Dialogs
) -> None:
    """Ben's Subsistence, then Ana's Other / unclear on the same passage: the consensus does
    not get both codes of Motive; the second choice asks, and replaces the first."""
    project = window.controller.project
    review = _review(window, qtbot)
    _select(review, SUBSISTENCE, "Ben only")
    review.buttons[Choice.SECOND].click()  # Accept Ben
    assert _consensus(project, SUBSISTENCE) == [(1493, 1618)]
    _select(review, OTHER, "Ana only")
    dialogs.answer(QMessageBox.StandardButton.No)
    review.buttons[Choice.FIRST].click()  # Accept Ana
    assert "'Motive > Subsistence' at 1493–1618" in dialogs.shown[-1][1]
    assert _consensus(project, OTHER) == []  # said no: nothing changed
    assert _consensus(project, SUBSISTENCE) == [(1493, 1618)]
    dialogs.answer(QMessageBox.StandardButton.Yes)
    review.buttons[Choice.FIRST].click()
    assert _consensus(project, OTHER) == [(1493, 1618)]
    assert _consensus(project, SUBSISTENCE) == []  # replaced, not beside it
    assert project.decisions.count() == 1
    # The Subsistence difference is open again; Ctrl+Z brings the first decision back.
    _select(review, SUBSISTENCE, "Ben only")
    current = review.current()
    assert current is not None
    assert current.decision is None
    review.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is review)
    qtbot.keyClick(review, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _consensus(project, SUBSISTENCE) == [(1493, 1618)]
    assert _consensus(project, OTHER) == []
    assert project.decisions.count() == 1


def test_a_decision_goes_stale_when_a_coder_changes_its_passage(
    window: MainWindow, qtbot: QtBot
) -> None:
    """Accept Ana (299–452); Ana widens her passage to 299–596 in the window: the decision
    shows as changed, Copy agreements adds no 299–596 beside the consensus' 299–452, and
    deciding again replaces the decision."""
    project = window.controller.project
    review = _review(window, qtbot)
    _select(review, ANONYMOUS, "boundaries differ")
    review.buttons[Choice.FIRST].click()  # Accept Ana
    assert (299, 452) in _consensus(project, ANONYMOUS)
    # Ana widens her passage in the coding window.
    window.activateWindow()
    window.controller.open_document(ARTICLE)
    window.reader.select_span(299, 596)
    window.codings.select([3])
    window.boundaries_action.trigger()
    assert (project.codings.get(3).start, project.codings.get(3).end) == (299, 596)
    row = _select(review, ANONYMOUS, "changed since decided")
    assert review.proxy.index(row, 5).data().startswith("changed since decided (accept Ana)")
    assert review.buttons[Choice.FIRST].isEnabled()
    assert "changed since decided" in review.status.text()
    # Copy agreements: nothing beside the consensus coding the stale decision made.
    review.adopt.click()
    assert (299, 596) not in _consensus(project, ANONYMOUS)
    assert (299, 452) in _consensus(project, ANONYMOUS)
    # Decide again: Ana's passage as it is now replaces the stale decision's.
    _select(review, ANONYMOUS, "changed since decided")
    review.buttons[Choice.FIRST].click()
    assert (299, 596) in _consensus(project, ANONYMOUS)
    assert (299, 452) not in _consensus(project, ANONYMOUS)
    assert len([d for d in project.decisions.for_document(ARTICLE) if d.code_id == 16]) == 1
    assert not [
        r
        for r in range(review.proxy.rowCount())
        if review.proxy.index(r, 2).data() == "changed since decided"
    ]


def test_each_coder_s_own_passage_in_their_own_pane_and_as_marked_text(
    window: MainWindow, qtbot: QtBot
) -> None:
    project = window.controller.project
    text = project.documents.text(ARTICLE)
    review = _review(window, qtbot)
    review.resize(1280, 720)
    row = _select(review, ANONYMOUS, "boundaries differ")
    assert [p.coder.name for p in review.panes if p.coder] == ["Ana", "Ben"]
    assert review.panes[0].reader.selected_span() == (299, 452)
    assert review.panes[1].reader.selected_span() == (299, 596)
    # The table shows the passages as words, not offsets.
    ana_cell, ben_cell = review.proxy.index(row, 3).data(), review.proxy.index(row, 4).data()
    assert ana_cell.startswith("“")
    assert "299" not in ana_cell
    assert ana_cell.startswith("“The official, … ")
    assert ana_cell.endswith(" ".join(text[299:452].split()[-3:]) + "”")
    assert ben_cell != ana_cell
    # The comparison: the common part plain, the part only Ben has marked in his row.
    html = review.compared.toHtml()
    assert "Ana" in review.compared.toPlainText()
    assert "Ben" in review.compared.toPlainText()
    ben_row = review.compared.toPlainText().split("Ben")[1]
    assert " ".join(text[452:596].split())[:30] in " ".join(ben_row.split())
    assert "underline" in html
    assert ONLY_STYLE.split(";")[0].split(":")[1] in html  # the marked background colour
    assert review.grab().save("/tmp/review_boundary.png")


@pytest.fixture
def three_coders(demo_project: Project) -> Project:
    """Cy coded article 1 like Ana, but Anonymous official on 299–523."""
    cy = demo_project.coders.add("Cy")
    ana = demo_project.coders.by_name("Ana")
    assert ana is not None
    for coding in demo_project.codings.for_document(ARTICLE, ana.id):
        end = 523 if coding.start == 299 else coding.end  # after "restaurant,”"
        apply_code(demo_project, ARTICLE, cy.id, coding.code_id, coding.start, end)
    demo_project.statuses.mark(ARTICLE, cy.id, DocumentStatus.DONE)
    return demo_project


def test_three_coders_reviewed_at_once_one_pane_each(
    three_coders: Project, qtbot: QtBot, tmp_path: Path
) -> None:
    from tests.gui.conftest import open_window

    window = open_window(qtbot, three_coders)
    review = _review(window, qtbot)
    review.resize(1280, 720)
    review.second_combo.setCurrentText(ALL_CODERS)
    assert [review.model.headerData(c, Qt.Orientation.Horizontal) for c in (3, 4, 5)] == [
        "Ana",
        "Ben",
        "Cy",
    ]
    row = _select(review, ANONYMOUS, "boundaries differ")
    cy = three_coders.coders.by_name("Cy")
    assert cy is not None
    (cy_end,) = [c.end for c in three_coders.codings.for_document(ARTICLE, cy.id) if c.start == 299]
    assert cy_end is not None
    assert 515 < cy_end < 530
    assert [p.coder.name for p in review.panes if p.coder] == ["Ana", "Ben", "Cy"]
    assert [p.reader.selected_span() for p in review.panes] == [
        (299, 452),
        (299, 596),
        (299, cy_end),
    ]
    assert review.compared.toPlainText().count(":") >= 3
    review.layout().activate()  # the buttons just shown take their place before the picture
    assert review.grab().save("/tmp/review_three.png")
    assert review.more_buttons[0].isVisible()
    assert review.more_buttons[0].text() == "Accept Cy"
    review.more_buttons[0].click()
    assert _consensus(three_coders, ANONYMOUS)[-1] == (299, cy_end)
    assert review.proxy.index(row, 6).data() == "accept Cy"
