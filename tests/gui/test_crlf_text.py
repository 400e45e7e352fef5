"""An article whose stored text holds CRLF line endings (a project file written by another
program; imports and merges refuse such text): the reader counts every character as the project
does, so that what is selected and coded is what is stored."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from annotator.storage import Project
from tests.gui.conftest import open_window

CRLF_TEXT = "First line\r\nSecond line\r\nThird line names the minders.\r\n"


def _merged_crlf_article(tmp_path: Path, project: Project) -> int:
    """The article as a project file written by another program holds it (imports and merges
    never store CR, but a file opened is read as it is)."""
    document = project.documents.add("crlf", "crlf", CRLF_TEXT)
    assert project.documents.text(document.id) == CRLF_TEXT
    return document.id


def test_a_word_after_crlf_is_coded_as_selected(
    qtbot: QtBot, demo_project: Project, tmp_path: Path
) -> None:
    document_id = _merged_crlf_article(tmp_path, demo_project)
    window = open_window(qtbot, demo_project)
    window.controller.open_document(document_id)
    reader = window.reader
    start = CRLF_TEXT.index("minders")
    reader.select_span(start, start + len("minders"))
    assert reader.textCursor().selectedText() == "minders"
    qtbot.keyClick(reader, "4")  # a code's shortcut: the passage is stored as shown
    (coding,) = demo_project.codings.for_document(document_id, window.controller.coder.id)
    assert coding.start is not None
    assert CRLF_TEXT[coding.start : coding.end] == "minders"
    # and by keyboard: from the start of the third line, a word to the right
    cursor = reader.textCursor()
    cursor.setPosition(reader._offsets.to_utf16(CRLF_TEXT.index("Third")))
    reader.setTextCursor(cursor)
    qtbot.keyClick(reader, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(reader, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert reader.textCursor().selectedText() == "Th"
    span = reader.raw_selected_span()
    assert span is not None
    assert CRLF_TEXT[span[0] : span[1]] == "Th"
    # the last character of the article can be reached and selected
    cursor.movePosition(QTextCursor.MoveOperation.End)
    reader.setTextCursor(cursor)
    assert reader.cursor_position() == len(CRLF_TEXT)
