"""Keyword in context: what each column shows, sorting by the words beside the hit, ticks,
and a hit opened in the reader (exactly, after an emoji)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, QPoint, Qt
from PySide6.QtWidgets import QStyleOptionViewItem
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from annotator.services import import_files
from annotator.services.search import Hit
from annotator.storage import Project
from annotator.ui.main_window import MainWindow
from annotator.ui.offsets import OffsetMap
from annotator.ui.search.hits_model import ARTICLE, HIT, LEFT, RIGHT
from annotator.ui.search.search_page import SearchPage
from tests.gui.conftest import EMOJI_ARTICLE, open_window
from tests.gui.search_window_support import open_search, run_search, shown_hits

BROKERS = (
    "The broker said yes to the family.\n\n"
    "A broker took money from them.\n\n"
    "Another broker said no at first.\n\n"
    "One broker took a fee in cash.\n\n"
    "The broker said yes again."
)


def words(text: str) -> list[str]:
    return [w.lower() for w in re.findall(r"\w+", text)]


@pytest.fixture
def brokers(qtbot: QtBot, demo_project: Project, tmp_path: Path) -> MainWindow:
    path = tmp_path / "brokers.txt"
    path.write_text(BROKERS, encoding="utf-8")
    import_files(demo_project, [path])
    return open_window(qtbot, demo_project)


def click_header(qtbot: QtBot, page: SearchPage, column: int) -> None:
    """Click a column's title, as a user sorts."""
    header = page.view.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def test_each_row_shows_article_contexts_hit_and_variables(
    qtbot: QtBot, window: MainWindow, demo_project: Project, qtmodeltester: ModelTester
) -> None:
    page = open_search(qtbot, window).search
    run_search(qtbot, page, "security official")
    model = page.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == [
        "Article",
        "Left context",
        "Hit",
        "Right context",
        "outlet",
        "date",
        "author",
    ]
    hit = model.hit(0)
    values = demo_project.documents.values(hit.document_id)
    row = [model.index(0, c).data() for c in range(model.columnCount())]
    assert row == [
        values["title"],
        " ".join(hit.left.split()),
        demo_project.documents.text(hit.document_id)[hit.start : hit.end],
        " ".join(hit.right.split()),
        values["outlet"],
        values["date"],
        values["author"],
    ]
    # The left context is right-aligned and cut on its left (the words by the hit stay).
    left = model.index(0, LEFT)
    option = QStyleOptionViewItem()
    page.view.itemDelegateForColumn(LEFT).initStyleOption(option, left)
    assert option.textElideMode == Qt.TextElideMode.ElideLeft
    assert option.displayAlignment & Qt.AlignmentFlag.AlignRight
    assert model.index(0, HIT).data(Qt.ItemDataRole.FontRole).bold()
    assert not model.index(0, RIGHT).data(Qt.ItemDataRole.FontRole)
    qtmodeltester.check(model)


def test_sorting_by_context_groups_the_phrasings(qtbot: QtBot, brokers: MainWindow) -> None:
    page = open_search(qtbot, brokers).search
    run_search(qtbot, page, "broker")
    found = shown_hits(page)
    assert len(found) == 5

    def order(key: object, *, reverse: bool = False) -> list[Hit]:
        return sorted(found, key=key, reverse=reverse)  # type: ignore[arg-type]

    click_header(qtbot, page, RIGHT)
    right = [" ".join(words(h.right)[:2]) for h in shown_hits(page)]
    assert right == ["said no", "said yes", "said yes", "took a", "took money"]
    assert shown_hits(page) == order(lambda h: words(h.right))
    click_header(qtbot, page, RIGHT)  # again: the other way
    assert shown_hits(page) == order(lambda h: words(h.right), reverse=True)
    # By the left context: by the word nearest the hit first.
    click_header(qtbot, page, LEFT)
    nearest = [words(h.left)[-1] for h in shown_hits(page)]
    assert nearest == ["a", "another", "one", "the", "the"]
    assert shown_hits(page) == order(lambda h: words(h.left)[::-1])
    # Back to the order found by sorting by article, whose ties keep it.
    click_header(qtbot, page, ARTICLE)
    assert shown_hits(page) == found


def test_a_date_column_sorts_by_date_and_ticks_follow_their_hits(
    qtbot: QtBot, window: MainWindow
) -> None:
    page = open_search(qtbot, window).search
    run_search(qtbot, page, "official*")
    date = page.model.columnCount() - 2
    assert page.model.headerData(date, Qt.Orientation.Horizontal) == "date"
    first, second = page.model.hit(0), page.model.hit(2)
    page.view.setFocus()
    for row in (0, 2):  # as Ctrl+click picks rows
        page.view.selectionModel().select(
            page.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    qtbot.keyClick(page.view, Qt.Key.Key_Space)
    assert page.ticked.text() == f"2 of {page.model.rowCount()} hits ticked"
    page.view.sortByColumn(date, Qt.SortOrder.DescendingOrder)
    dates = [page.model.index(r, date).data() for r in range(page.model.rowCount())]
    assert dates == sorted(dates, reverse=True)
    assert set(page.model.checked_hits()) == {first, second}
    ticked = [page.model.hit(r) for r in range(page.model.rowCount()) if page.model.is_checked(r)]
    assert set(ticked) == {first, second}
    qtbot.mouseClick(page.tick_all, Qt.MouseButton.LeftButton)
    assert page.model.checked_count() == page.model.rowCount()
    qtbot.mouseClick(page.tick_none, Qt.MouseButton.LeftButton)
    assert page.model.checked_count() == 0
    assert page.ticked.text() == f"0 of {page.model.rowCount()} hits ticked"


def test_enter_opens_the_hit_in_the_reader_after_an_emoji(
    qtbot: QtBot, emoji_window: MainWindow, demo_project: Project
) -> None:
    window = emoji_window
    emoji = demo_project.documents.by_name("emoji")
    assert emoji is not None
    window.controller.open_document(1)
    page = open_search(qtbot, window).search
    run_search(qtbot, page, "watched OR paragraph")
    rows = [r for r in range(page.model.rowCount()) if page.model.hit(r).document_id == emoji.id]
    assert len(rows) == 2
    hit = page.model.hit(rows[0])
    assert EMOJI_ARTICLE[: hit.start].count("😀") == 1  # emoji before it
    page.view.setFocus()
    page.view.selectRow(rows[0])
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    assert window.controller.document_id == emoji.id
    assert window.reader.selected_span() == (hit.start, hit.end)
    assert window.reader.textCursor().selectedText() == "watched"
    offsets = OffsetMap(window.reader.text)
    assert window.reader.textCursor().selectionStart() == offsets.to_utf16(hit.start)
    assert window.reader.viewport().rect().intersects(window.reader.cursorRect())
    # A double-click on the other hit opens it in turn.
    other = page.model.hit(rows[1])
    rect = page.view.visualRect(page.model.index(rows[1], HIT))
    qtbot.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.reader.selected_span() == (other.start, other.end)
    assert window.reader.textCursor().selectedText() == "paragraph"


def test_a_new_search_is_sorted_as_the_last_one_was(qtbot: QtBot, brokers: MainWindow) -> None:
    page = open_search(qtbot, brokers).search
    run_search(qtbot, page, "said")
    click_header(qtbot, page, RIGHT)
    run_search(qtbot, page, "broker")  # its hits arrive into the sorted table
    right = [" ".join(words(h.right)[:2]) for h in shown_hits(page)]
    assert right == ["said no", "said yes", "said yes", "took a", "took money"]
    assert page.view.horizontalHeader().sortIndicatorSection() == RIGHT
