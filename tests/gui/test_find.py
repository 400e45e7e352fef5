"""Find in the article (Ctrl+F): matches counted and highlighted, also among emoji and CJK."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.services import import_files
from annotator.storage import Project
from annotator.ui.find import find_all
from annotator.ui.main_window import MainWindow
from annotator.ui.offsets import OffsetMap
from tests.gui.conftest import open_window

# Emoji (two UTF-16 units each) before and between the matches, so a slip between code points
# and UTF-16 units would select the wrong characters.
ARTICLE = (
    "😀 北京の記者 Smile 🇰🇷 first.\n\n"
    "Then 😀😀 北京 again: SMILE, said the 記者 from 北京.\n\n"
    "smiles 👀 end"
)


@pytest.fixture
def window(qtbot: QtBot, demo_project: Project, tmp_path: Path) -> MainWindow:
    path = tmp_path / "mixed.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    import_files(demo_project, [path])
    window = open_window(qtbot, demo_project)
    document = demo_project.documents.by_name("mixed")
    assert document is not None
    window.controller.open_document(document.id)
    return window


def selected(window: MainWindow) -> tuple[int, int, str]:
    """The reader's selection in code points, and its text."""
    cursor = window.reader.textCursor()
    offsets = OffsetMap(window.reader.text)
    start = offsets.to_code_points(cursor.selectionStart())
    end = offsets.to_code_points(cursor.selectionEnd())
    return start, end, window.reader.text[start:end]


def highlighted(window: MainWindow) -> list[str]:
    return [s.cursor.selectedText() for s in window.reader.extraSelections()]


def test_ctrl_f_finds_cjk_among_emoji(qtbot: QtBot, window: MainWindow) -> None:
    bar = window.find_bar
    assert bar.isHidden()
    qtbot.keyClick(window.reader, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert bar.isVisible()
    assert bar.query.hasFocus()
    bar.query.insert("北京")  # as an input method commits it (QTest types Latin-1 only)
    expected = [(m, m + 2) for m in range(len(ARTICLE)) if ARTICLE.startswith("北京", m)]
    assert len(expected) == 3
    assert bar.count_label.text() == "1 of 3"
    assert selected(window) == (*expected[0], "北京")
    assert highlighted(window) == ["北京"] * 3
    qtbot.keyClick(bar.query, Qt.Key.Key_Return)
    assert bar.count_label.text() == "2 of 3"
    assert selected(window) == (*expected[1], "北京")
    qtbot.keyClick(window.reader, Qt.Key.Key_F3)
    assert bar.count_label.text() == "3 of 3"
    assert selected(window) == (*expected[2], "北京")
    qtbot.keyClick(window.reader, Qt.Key.Key_F3)  # wraps round
    assert bar.count_label.text() == "1 of 3"
    qtbot.keyClick(bar.query, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert bar.count_label.text() == "3 of 3"
    qtbot.keyClick(window.reader, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert bar.count_label.text() == "2 of 3"
    assert selected(window) == (*expected[1], "北京")


def test_case_insensitive_by_default_and_emoji(qtbot: QtBot, window: MainWindow) -> None:
    bar = window.find_bar
    window.find_bar.open_bar()
    bar.query.setText("smile")
    assert bar.count_label.text() == "1 of 3"  # Smile, SMILE, smiles
    assert highlighted(window) == ["Smile", "SMILE", "smile"]
    bar.match_case.setChecked(True)
    assert bar.count_label.text() == "1 of 1"
    assert selected(window)[2] == "smile"
    bar.query.setText("😀")
    assert bar.count_label.text() == "1 of 3"
    qtbot.keyClick(bar.query, Qt.Key.Key_Return)
    assert selected(window) == (ARTICLE.index("😀😀"), ARTICLE.index("😀😀") + 1, "😀")
    bar.query.setText("🇰🇷 first")
    assert bar.count_label.text() == "1 of 1"
    assert selected(window)[2] == "🇰🇷 first"
    bar.query.setText("nowhere")
    assert bar.count_label.text() == "no matches"
    assert highlighted(window) == []


def test_escape_closes_and_nothing_is_written(qtbot: QtBot, window: MainWindow) -> None:
    project = window.controller.project
    before = len(project.codings.rows())
    qtbot.keyClick(window.reader, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.find_bar.query, "the")
    assert highlighted(window) == ["The", "the"]
    qtbot.keyClick(window.find_bar.query, Qt.Key.Key_Escape)
    assert window.find_bar.isHidden()
    assert highlighted(window) == []
    assert window.reader.hasFocus()
    # Typing in the find bar coded nothing (its letters are not code keys).
    assert len(project.codings.rows()) == before


def test_find_all_keeps_spans_true_to_the_text_when_case_folding() -> None:
    # Case folding makes "strasse" find "Straße" too, whose length differs: each span is
    # still the stored text's.
    text = "Straße und STRASSE"
    assert [text[a:b] for a, b in find_all(text, "strasse")] == ["Straße", "STRASSE"]
    assert find_all(text, "") == []
    assert find_all(text, "a.") == []  # the query is literal, not a pattern


def test_find_bar_search_finds_decomposed_accents() -> None:
    # What the bar searches with: "café" typed (one code point) finds e + U+0301, whole.
    text = "Le cafe\u0301 du coin."
    assert [text[a:b] for a, b in find_all(text, "caf\u00e9")] == ["cafe\u0301"]
    assert find_all(text, "cafe") == []  # never cuts the accent off
