"""Undo and redo of review steps and of removals check what the step left (hostile-tester
findings): a review decision or "Copy agreements" undone after a merge or a second window
changed the consensus codings is refused, nothing lost; undo of a removal that would put two
codes of an exclusive dimension on one passage is refused. Driven through the real window,
checked in the database."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from annotator.domain.model import Choice, Coding
from annotator.services.agreement import CONSENSUS
from annotator.services.consensus import Difference
from annotator.storage import Project
from annotator.ui.dialogs.merge import MergeDialog
from annotator.ui.dialogs.review import ReviewWindow
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import Dialogs, open_window

CTRL = Qt.KeyboardModifier.ControlModifier


def _key(window: MainWindow, qtbot: QtBot, key: Qt.Key) -> None:
    if not window.isActiveWindow():
        with qtbot.waitActive(window):
            window.activateWindow()
    qtbot.keyClick(window, key, CTRL)


def _refused(dialogs: Dialogs) -> list[str]:
    return [text for _, text in dialogs.shown if "cannot be undone or redone" in text]


@pytest.fixture
def second(window: MainWindow, qtbot: QtBot) -> Iterator[MainWindow]:
    """A second window on the same file (its own connection), as the consensus coder."""
    other = window.controller.project.worker_connection()
    yield open_window(qtbot, other, CONSENSUS)
    other.close()


@pytest.fixture
def twin(window: MainWindow, qtbot: QtBot) -> Iterator[MainWindow]:
    """A second window on the same file as the same coder (Ana at two desks)."""
    other = window.controller.project.worker_connection()
    yield open_window(qtbot, other, "Ana")
    other.close()


def _review(window: MainWindow, qtbot: QtBot) -> ReviewWindow:
    window.review_action.trigger()
    review = window.review_window
    assert isinstance(review, ReviewWindow)
    qtbot.waitExposed(review)
    review.review("Ana", "Ben", [])
    return review


def _decide_ben_s_passage(window: MainWindow, qtbot: QtBot) -> Difference:
    """In the review, accept Ben's version of a passage only Ben coded."""
    review = _review(window, qtbot)
    for row in range(review.proxy.rowCount()):
        review.table.setCurrentIndex(review.proxy.index(row, 0))
        item = review.current()
        if item is not None and item.extent is not None and item.sides[1]:
            review.decide(Choice.SECOND)
            review.close()
            return item
    raise AssertionError("the demo has no passage Ben coded alone")


def _consensus(project: Project) -> list[Coding]:
    consensus = project.coders.by_name(CONSENSUS)
    assert consensus is not None
    return project.codings.for_coder(consensus.id)


def _decisions(project: Project) -> int:
    return project.decisions.count()


def test_undo_of_a_decision_keeps_a_memo_a_merge_brought(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, dialogs: Dialogs
) -> None:
    project = window.controller.project
    _decide_ben_s_passage(window, qtbot)
    [made] = _consensus(project)
    lead = tmp_path / "lead.annotator"
    assert project.path is not None
    with sqlite3.connect(project.path) as source, sqlite3.connect(lead) as copy:
        source.backup(copy)
    with Project.open(lead) as other:
        # the lead's edit is later than the decision (times have one-second precision)
        later = (datetime.now(UTC) + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
        other.codings.overwrite(
            made.id, made.code_id, made.start, made.end, "lead: checked the source", later
        )
    dialog: MergeDialog = window.merge()
    qtbot.waitExposed(dialog)
    dialog.files.setText(str(lead))
    with qtbot.waitSignal(dialog.merged, timeout=3000, raising=False) as blocker:
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert blocker.signal_triggered, dialog.report.toPlainText()
    dialog.close()
    assert project.codings.get(made.id).memo == "lead: checked the source"
    index = window.controller.undo_stack.index()
    _key(window, qtbot, Qt.Key.Key_Z)
    assert _refused(dialogs)
    assert project.codings.get(made.id).memo == "lead: checked the source"
    assert _decisions(project) == 1
    assert window.controller.undo_stack.index() == index


def test_undo_of_a_decision_keeps_a_memo_another_window_wrote(
    window: MainWindow, second: MainWindow, qtbot: QtBot, dialogs: Dialogs
) -> None:
    project = window.controller.project
    _decide_ben_s_passage(window, qtbot)
    [made] = _consensus(project)
    second.controller.open_document(made.document_id)
    second.controller.set_memo(made.id, "consensus: keep")
    _key(window, qtbot, Qt.Key.Key_Z)
    assert _refused(dialogs)
    assert project.codings.get(made.id).memo == "consensus: keep"
    assert _decisions(project) == 1


def test_redo_of_a_decision_refused_when_its_coding_came_back_otherwise(
    window: MainWindow, second: MainWindow, qtbot: QtBot, dialogs: Dialogs
) -> None:
    """Undo, then the other window codes the same passage for the consensus with another
    code of the exclusive dimension: redo would put two Motive codes on it — refused."""
    project = window.controller.project
    item = _decide_ben_s_passage(window, qtbot)
    [made] = _consensus(project)
    _key(window, qtbot, Qt.Key.Key_Z)
    assert not _consensus(project)
    assert _decisions(project) == 0
    tree = project.codebook.tree()
    dimension = tree.dimension_of(item.code_id)
    assert dimension.exclusive
    other = next(c for c in tree.children(dimension.id) if c.id != item.code_id)
    second.controller.open_document(made.document_id)
    assert made.start is not None
    assert made.end is not None
    assert second.controller.apply_code(other.id, (made.start, made.end))
    _key(window, qtbot, Qt.Key.Key_Y)
    assert _refused(dialogs)
    assert [c.code_id for c in _consensus(project)] == [other.id]
    assert _decisions(project) == 0


def test_undo_of_copy_agreements_keeps_a_coding_edited_since(
    window: MainWindow, second: MainWindow, qtbot: QtBot, dialogs: Dialogs
) -> None:
    project = window.controller.project
    review = _review(window, qtbot)
    review.adopt_agreements()
    review.close()
    made = _consensus(project)
    assert made
    second.controller.open_document(made[0].document_id)
    second.controller.set_memo(made[0].id, "consensus: keep")
    _key(window, qtbot, Qt.Key.Key_Z)
    assert _refused(dialogs)
    assert [c.id for c in _consensus(project)] == [c.id for c in made]
    assert project.codings.get(made[0].id).memo == "consensus: keep"


def test_undo_of_copy_agreements_untouched_takes_them_back(
    window: MainWindow, qtbot: QtBot, dialogs: Dialogs
) -> None:
    project = window.controller.project
    review = _review(window, qtbot)
    review.adopt_agreements()
    review.close()
    assert _consensus(project)
    _key(window, qtbot, Qt.Key.Key_Z)
    assert not _refused(dialogs)
    assert not _consensus(project)


def test_undo_of_a_removal_refused_when_it_would_break_an_exclusive_dimension(
    window: MainWindow, twin: MainWindow, qtbot: QtBot, dialogs: Dialogs
) -> None:
    """Ana removes a Motive passage; a second window (Ana too) gives the same passage another
    Motive code; Ctrl+Z would put both back on one passage: refused, nothing written."""
    project = window.controller.project
    tree = project.codebook.tree()
    motive = tree.find("Motive")
    assert motive is not None
    assert motive.exclusive
    codes = [c.id for c in tree.children(motive.id)]
    ana = window.controller.coder
    mine = next(
        c
        for c in project.codings.for_document(1, ana.id)
        if c.code_id in codes and c.start is not None
    )
    assert mine.start is not None
    assert mine.end is not None
    window.controller.open_document(1)
    window.codings.select([mine.id])
    window.delete_action.trigger()
    assert not project.codings.taken(mine.id, mine.guid)
    replacement = next(c for c in codes if c != mine.code_id)
    # The twin opens the article afresh (a window does not see another's writes until then).
    twin.controller.open_document(None)
    twin.controller.open_document(1)
    dialogs.answer(QMessageBox.StandardButton.Yes)  # it replaces Ana's whole-article one
    assert twin.controller.apply_code(replacement, (mine.start, mine.end))
    _key(window, qtbot, Qt.Key.Key_Z)
    [reason] = _refused(dialogs)
    assert "changed since" in reason
    assert "Motive" in reason
    held = [
        c.code_id
        for c in project.codings.for_document(1, ana.id)
        if c.code_id in codes and c.start == mine.start
    ]
    assert held == [replacement]
    assert not project.codings.taken(mine.id, mine.guid)
