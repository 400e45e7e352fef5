"""Coding in a "not started" article moves it to "in progress" for that coder, and only then."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.domain.model import DocumentStatus
from annotator.ui.main_window import MainWindow


def _code_passage(window: MainWindow, qtbot: QtBot, passage: str, key: str) -> None:
    start = window.reader.text.index(passage)
    window.reader.select_span(start, start + len(passage))
    qtbot.keyClick(window.reader, key)


def test_first_coding_starts_the_article(emoji_window: MainWindow, qtbot: QtBot) -> None:
    window = emoji_window
    project, controller = window.controller.project, window.controller
    document_id = controller.document_id
    assert document_id is not None
    ana, ben = project.coders.by_name("Ana"), project.coders.by_name("Ben")
    assert ana is not None
    assert ben is not None
    assert project.statuses.get(document_id, ana.id) == DocumentStatus.NOT_STARTED
    assert "not started" in window.article.heading.text()
    _code_passage(window, qtbot, "North Korean workers", "q")
    assert len(project.codings.for_document(document_id, ana.id)) == 1
    assert project.statuses.get(document_id, ana.id) == DocumentStatus.IN_PROGRESS
    assert project.statuses.get(document_id, ben.id) == DocumentStatus.NOT_STARTED
    assert "in progress" in window.article.heading.text()
    # Undo takes the coding back but not the start: the coder has begun this article.
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert project.codings.for_document(document_id, ana.id) == []
    assert project.statuses.get(document_id, ana.id) == DocumentStatus.IN_PROGRESS


def test_a_done_article_stays_done(window: MainWindow, qtbot: QtBot) -> None:
    project, controller = window.controller.project, window.controller
    document_id = controller.document_id
    assert document_id is not None
    assert project.statuses.get(document_id, controller.coder.id) == DocumentStatus.DONE
    before = len(project.codings.for_document(document_id, controller.coder.id))
    _code_passage(window, qtbot, window.reader.text.split()[0], "w")
    assert len(project.codings.for_document(document_id, controller.coder.id)) == before + 1
    assert project.statuses.get(document_id, controller.coder.id) == DocumentStatus.DONE
