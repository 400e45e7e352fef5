"""Coding a passage in each of the four ways, and what the window and database then hold."""

from __future__ import annotations

import json

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from annotator.ui.main_window import MainWindow
from annotator.ui.reader import SPAN_MIME
from tests.gui.conftest import EMOJI_ARTICLE, Dialogs


def _select(window: MainWindow, passage: str) -> tuple[int, int]:
    start = window.reader.text.index(passage)
    window.reader.select_span(start, start + len(passage))
    return start, start + len(passage)


def _codings(window: MainWindow) -> set[tuple[str, int | None, int | None]]:
    """Ana's codings of the open article, as (code path, start, end), from the database."""
    controller = window.controller
    assert controller.document_id is not None
    codebook = controller.codebook
    return {
        (codebook.path(c.code_id), c.start, c.end)
        for c in controller.project.codings.for_document(
            controller.document_id, controller.coder.id
        )
    }


def _code_id(window: MainWindow, path: str) -> int:
    code = window.controller.codebook.find(path)
    assert code is not None
    return code.id


def test_passage_after_an_emoji_is_stored_in_code_points(
    emoji_window: MainWindow, qtbot: QtBot
) -> None:
    window = emoji_window
    start, end = _select(window, "North Korean workers")
    qtbot.keyClick(window.reader, "q")  # Actor type > Overseas worker
    assert ("Actor type > Overseas worker", start, end) in _codings(window)
    assert EMOJI_ARTICLE[start:end] == "North Korean workers"
    # Qt counts the two emoji as two UTF-16 units each; the stored offsets must not.
    assert window.reader.textCursor().selectionStart() == start + 2
    assert window.codings.model.rowCount() == 1
    assert window.codings.model.data(window.codings.model.index(0, 2)) == "“North Korean workers”"


def test_click_in_codebook_applies_the_code(window: MainWindow, qtbot: QtBot) -> None:
    start, end = _select(window, "Why the workers chose to leave remains unclear")
    political = window.codebook.codebook_model().index_of(_code_id(window, "Actor type > Returnee"))
    rect = window.codebook.visualRect(political)
    qtbot.mouseClick(window.codebook.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert ("Actor type > Returnee", start, end) in _codings(window)
    assert window.reader.span_count() > 0
    assert window.codebook_model.data(political.siblingAtColumn(2)) == 1


def test_shortcut_key_applies_the_code_and_snaps_to_words(window: MainWindow, qtbot: QtBot) -> None:
    start, _ = _select(window, "hy the workers cho")  # part words: snaps to "Why … chose"
    before = window.reader.span_count()
    qtbot.keyClick(window.reader, "w")  # Actor type > Official or elite
    expected = (start - 1, start - 1 + len("Why the workers chose"))
    assert ("Actor type > Official or elite", *expected) in _codings(window)
    assert window.reader.span_count() == before + 1


def test_dropping_a_dragged_selection_on_a_code_applies_it(
    window: MainWindow, qtbot: QtBot
) -> None:
    start, end = _select(window, "A woman who answered the telephone")
    mime = window.reader.createMimeDataFromSelection()
    assert json.loads(bytes(mime.data(SPAN_MIME).data()).decode())["start"] == start
    target = window.codebook_model.index_of(_code_id(window, "Source reliability > Named official"))
    point = window.codebook.visualRect(target).center()
    viewport = window.codebook.viewport()
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    action = Qt.DropAction.CopyAction
    # What a drag from the reader delivers to the codebook: enter, move over the code, drop.
    for event in (
        QDragEnterEvent(point, action, mime, buttons, keys),
        QDragMoveEvent(point, action, mime, buttons, keys),
        QDropEvent(QPointF(point), action, mime, buttons, keys),
    ):
        QApplication.sendEvent(viewport, event)
        assert event.isAccepted()
    assert ("Source reliability > Named official", start, end) in _codings(window)


def test_context_menu_offers_recently_used_codes(window: MainWindow, qtbot: QtBot) -> None:
    _select(window, "Pyongyang operates dozens of restaurants")
    qtbot.keyClick(window.reader, "d")  # becomes a recent code
    start, end = _select(window, "hung up")
    menu = window.reader_menu(window.reader.cursorRect().center())
    recent = [
        a for a in menu.actions() if a.text().startswith("Source reliability > Anonymous source")
    ]
    assert recent, [a.text() for a in menu.actions()]
    recent[0].trigger()
    assert ("Source reliability > Anonymous source inside North Korea", start, end) in _codings(
        window
    )


def test_article_level_code_from_the_codebook_menu(window: MainWindow, dialogs: Dialogs) -> None:
    index = window.codebook_model.index_of(_code_id(window, "Actor type > Diplomat"))
    menu = window.codebook_menu(window.codebook.visualRect(index).center())
    [whole] = [a for a in menu.actions() if a.text() == "Apply to whole article"]
    whole.trigger()
    assert ("Actor type > Diplomat", None, None) in _codings(window)
    assert "Diplomat" in window.article.heading.text()
    assert dialogs.shown == []


def test_exclusive_dimension_offers_to_replace(window: MainWindow, dialogs: Dialogs) -> None:
    # Ana coded the whole article "Motive > Other / unclear"; Motive is exclusive.
    political = _code_id(window, "Motive > Political")
    dialogs.answer(QMessageBox.StandardButton.No)
    window.apply(political, whole_article=True)
    assert ("Motive > Political", None, None) not in _codings(window)
    assert "'Motive' is exclusive" in dialogs.shown[-1][1]
    dialogs.answer(QMessageBox.StandardButton.Yes)
    window.apply(political, whole_article=True)
    whole = {
        path for path, start, _ in _codings(window) if start is None and path.startswith("Motive")
    }
    assert whole == {"Motive > Political"}
    window.undo_action.trigger()
    whole = {
        path for path, start, _ in _codings(window) if start is None and path.startswith("Motive")
    }
    assert whole == {"Motive > Other / unclear"}


def test_a_passage_beside_a_whole_article_code_offers_to_replace_it(
    window: MainWindow, dialogs: Dialogs, qtbot: QtBot
) -> None:
    """Ana coded the whole article "Other / unclear": a Subsistence passage would contradict
    it (a whole-article coding covers the article), so the window offers to replace it."""
    before = _codings(window)
    assert ("Motive > Other / unclear", None, None) in before
    start, end = _select(window, "hung up")
    dialogs.answer(QMessageBox.StandardButton.No)
    qtbot.keyClick(window.reader, "1")  # Subsistence
    assert _codings(window) == before
    assert "• Motive > Other / unclear: the whole article" in dialogs.shown[-1][1]
    dialogs.answer(QMessageBox.StandardButton.Yes)
    qtbot.keyClick(window.reader, "1")
    after = _codings(window)
    assert after == (before - {("Motive > Other / unclear", None, None)}) | {
        ("Motive > Subsistence", start, end)
    }
    window.undo_action.trigger()
    assert _codings(window) == before


def test_no_selection_means_no_coding_and_a_hint(window: MainWindow, qtbot: QtBot) -> None:
    before = _codings(window)
    window.reader.moveCursor(window.reader.textCursor().MoveOperation.Start)
    qtbot.keyClick(window.reader, "1")
    assert _codings(window) == before
    assert "Select a passage first" in window.statusBar().currentMessage()


def test_clicking_highlighted_text_selects_its_codings(window: MainWindow, qtbot: QtBot) -> None:
    passage = "Why the workers chose to leave remains unclear."
    start = window.reader.text.index(passage)
    window.reader.select_span(start + 5, start + 6)
    point = window.reader.cursorRect().center() + QPoint(2, 0)
    window.reader.setTextCursor(window.reader.cursorForPosition(point))
    qtbot.mouseClick(window.reader.viewport(), Qt.MouseButton.LeftButton, pos=point)
    selected = window.codings.selected_ids()
    assert selected
    coding = window.controller.project.codings.get(selected[0])
    assert window.reader.text[coding.start : coding.end] == passage
