"""After each coding action the window adjusts its counts and redraws only the lines that
changed; what it then shows must equal what a fresh look at the database shows."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from annotator.storage import Project
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import Dialogs, open_window


def _shown_counts(window: MainWindow) -> dict[str, tuple[int, int]]:
    """(article, project) counts per code path, as the codebook tree shows them."""
    model = window.codebook.codebook_model()
    codebook = window.controller.codebook
    return {
        codebook.path(code.id): (
            model.index_of(code.id, 2).data(),
            model.index_of(code.id, 3).data(),
        )
        for code in codebook.walk()  # dimensions and codes
    }


def _counts_in_database(window: MainWindow) -> dict[str, tuple[int, int]]:
    controller = window.controller
    codings = controller.project.codings
    visible = controller.visible_coder_ids()
    article = codings.counts_by_code(controller.document_id, visible)
    project = codings.counts_by_code(None, visible)
    codebook = controller.codebook
    counts = {}
    for code in codebook.walk():
        ids = [code.id, *(c.id for c in codebook.walk(code.id))]  # a dimension sums its codes
        counts[codebook.path(code.id)] = (
            sum(article.get(i, 0) for i in ids),
            sum(project.get(i, 0) for i in ids),
        )
    return counts


def _document_list_count(window: MainWindow) -> int:
    model = window.documents.model
    row = model.row_of(window.controller.document_id or 0)
    assert row is not None
    return int(model.index(row, 2).data())


def _check_window_agrees_with_database(window: MainWindow) -> None:
    controller = window.controller
    assert controller.document_id is not None
    visible = controller.visible_coder_ids()
    codings = controller.project.codings
    in_article = [
        c
        for c in codings.for_document(controller.document_id)
        if visible is None or c.coder_id in visible
    ]
    assert _shown_counts(window) == _counts_in_database(window)
    assert _document_list_count(window) == len(in_article)
    assert window.reader.span_count() == sum(1 for c in in_article if c.start is not None)
    assert window.codings.model.rowCount() == len(in_article)
    listed = {window.codings.model.coding_id(r) for r in range(window.codings.model.rowCount())}
    assert listed == {c.id for c in in_article}


def _pixel(window: MainWindow, position: int) -> QColor:
    """The colour drawn behind the character at ``position`` (code points)."""
    reader = window.reader
    reader.select_span(position, position)  # scrolls there without a selection highlight
    rect = reader.cursorRect()
    image = reader.viewport().grab().toImage()
    return image.pixelColor(QPoint(rect.right() + 3, rect.bottom() - 2))


def _act_and_check(window: MainWindow, qtbot: QtBot, dialogs: Dialogs) -> None:
    reader = window.reader
    controller = window.controller
    window.documents.step(2)  # 03_construction-crew
    qtbot.waitUntil(lambda: window.codings.model.rowCount() == window.controller.summary.total)
    _check_window_agrees_with_database(window)
    passage = "rice with salt"
    start = reader.text.index(passage)
    plain = _pixel(window, start + 2)

    reader.select_span(start, start + len(passage))
    qtbot.keyClick(reader, "1")  # Motive > Subsistence
    _check_window_agrees_with_database(window)
    coded = _pixel(window, start + 2)
    assert coded != plain
    # A second, overlapping code of the same exclusive dimension replaces the first.
    reader.select_span(start, start + 4)
    dialogs.answer(QMessageBox.StandardButton.Yes)
    qtbot.keyClick(reader, "2")  # Motive > Political: the window asks first
    assert "'Motive' is exclusive" in dialogs.shown[-1][1]
    _check_window_agrees_with_database(window)
    assert _pixel(window, start + 2) not in (plain, coded)
    # Undo the replacement, then the first coding: back to the plain text.
    for _ in range(2):
        qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        _check_window_agrees_with_database(window)
    assert _pixel(window, start + 2) == plain
    # Redo both.
    for _ in range(2):
        qtbot.keyClick(
            window,
            Qt.Key.Key_Z,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
        _check_window_agrees_with_database(window)
    # Move the political coding's boundaries off the passage, then remove it.
    political = [
        c
        for c in controller.project.codings.for_document(controller.document_id or 0)
        if c.coder_id == controller.coder.id and c.start == start
    ]
    assert len(political) == 1
    controller.change_span(political[0].id, 0, 5)
    _check_window_agrees_with_database(window)
    assert _pixel(window, start + 2) == plain
    controller.set_memo(political[0].id, "first lines only")
    _check_window_agrees_with_database(window)
    controller.remove_codings([political[0].id])
    _check_window_agrees_with_database(window)
    # An article-level code from the codebook's context menu path.
    family = controller.codebook.find("Actor type > Family member")
    assert family is not None
    controller.apply_code(family.id, None)
    _check_window_agrees_with_database(window)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    _check_window_agrees_with_database(window)


def test_counts_and_highlights_follow_every_action_in_blind_mode(
    qtbot: QtBot, demo_project: Project, dialogs: Dialogs
) -> None:
    window = open_window(qtbot, demo_project, "Newcomer")
    assert window.controller.visible_coder_ids() == {window.controller.coder.id}
    _act_and_check(window, qtbot, dialogs)


def test_counts_and_highlights_follow_every_action_showing_all_coders(
    qtbot: QtBot, demo_project: Project, dialogs: Dialogs
) -> None:
    window = open_window(qtbot, demo_project, "Newcomer")
    window.show_all_action.trigger()
    assert window.controller.visible_coder_ids() is None
    _act_and_check(window, qtbot, dialogs)
