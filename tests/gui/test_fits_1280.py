"""At 1280×720 nothing a user needs is cut off: the memo column, the article list's columns;
names elided in a narrow column have their full path as a tooltip."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from annotator.ui.main_window import MainWindow
from annotator.ui.models.codings import MEMO_COLUMN


def right_edge(view: QTableView, column: int) -> int:
    return view.columnViewportPosition(column) + view.columnWidth(column)


def small(window: MainWindow, qtbot: QtBot) -> MainWindow:
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.width() == 1280)
    assert window.height() <= 720
    return window


def test_memo_column_on_screen_in_both_modes(qtbot: QtBot, window: MainWindow) -> None:
    small(window, qtbot)
    view = window.codings.view
    for _ in range(2):  # blind, then all coders shown (the Coder column appears)
        assert window.codings.model.rowCount() > 0
        assert view.columnViewportPosition(MEMO_COLUMN) >= 0
        assert right_edge(view, MEMO_COLUMN) <= view.viewport().width()
        assert view.columnWidth(MEMO_COLUMN) >= view.fontMetrics().horizontalAdvance("Memo")
        window.show_all_action.trigger()
    # A memo written in the column is shown there and stored.
    index = window.codings.model.index(0, MEMO_COLUMN)
    for row in range(window.codings.model.rowCount()):
        if window.codings.model.flags(window.codings.model.index(row, MEMO_COLUMN)) & (
            Qt.ItemFlag.ItemIsEditable
        ):
            index = window.codings.model.index(row, MEMO_COLUMN)
            break
    assert window.codings.model.setData(index, "check with Ben")
    coding_id = window.codings.model.coding_id(index.row())
    assert window.controller.project.codings.get(coding_id).memo == "check with Ben"
    assert index.data() == "check with Ben"


def test_article_list_columns_whole(qtbot: QtBot, window: MainWindow) -> None:
    small(window, qtbot)
    view = window.documents.view
    for column in range(3):  # article, status, codings
        assert right_edge(view, column) <= view.viewport().width(), column


def test_elided_code_names_have_their_path_as_tooltip(qtbot: QtBot, window: MainWindow) -> None:
    small(window, qtbot)
    model, view = window.codings.model, window.codings.view
    codebook = window.controller.codebook
    elided = 0
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        name = str(index.data())
        if view.fontMetrics().horizontalAdvance(name) + 24 > view.columnWidth(0):
            elided += 1
        code_path = str(index.data(Qt.ItemDataRole.ToolTipRole))
        assert code_path.endswith(name)
        assert codebook.find(code_path) is not None
    assert elided  # the demo has long names: the tooltip is what shows them
