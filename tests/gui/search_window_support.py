"""Driving the Search window as a user does: open it with its key, type a query, press
Enter, wait for the hits; tick, preview, apply."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from annotator.services.search import Hit
from annotator.ui.main_window import MainWindow
from annotator.ui.search.search_page import SearchPage
from annotator.ui.search.window import SearchWindow

WAIT_MS = 20_000


def open_search(qtbot: QtBot, window: MainWindow) -> SearchWindow:
    """Ctrl+Shift+F in the coding window."""
    if not window.isActiveWindow():
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(
        window.reader,
        Qt.Key.Key_F,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    search = window.search_window
    assert search is not None
    assert search.isVisible()
    qtbot.waitUntil(search.isActiveWindow)  # as for a user: keys go to it from now on
    return search


def run_search(
    qtbot: QtBot,
    page: SearchPage,
    query: str,
    *,
    regex: bool = False,
    match_case: bool = False,
) -> object:
    """Type ``query`` (replacing what is there), set the options, press Enter and wait for
    the search to end; what it ended with (the counts, or None)."""
    bar = page.query_bar
    bar.regex.setChecked(regex)
    bar.match_case.setChecked(match_case)
    bar.query.clear()
    bar.query.insert(query)  # as typed or pasted (QTest types Latin-1 only)
    with qtbot.waitSignal(page.searched, timeout=WAIT_MS) as ended:
        qtbot.keyClick(bar.query, Qt.Key.Key_Return)
    return ended.args[0] if ended.args else None


def shown_hits(page: SearchPage) -> list[Hit]:
    """The hits in the table's order."""
    return [page.model.hit(row) for row in range(page.model.rowCount())]


def preview(qtbot: QtBot, page: SearchPage) -> None:
    """Click Preview and wait for its list."""
    assert page.preview_button.isEnabled()
    qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: not page.previewer.busy and page.preview_model.previewed is not None,
        timeout=WAIT_MS,
    )


def press(qtbot: QtBot, widget: QWidget, keys: QKeySequence | QKeySequence.StandardKey) -> None:
    """Keys pressed in ``widget``'s window, made active first (shortcuts act on the active
    window, as for a user)."""
    window = widget.window()
    if not window.isActiveWindow():
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
    qtbot.keySequence(widget, keys)
