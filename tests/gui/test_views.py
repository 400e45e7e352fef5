"""Blind mode, retrieval and jumping, article workflow, the models, and the screenshot."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from annotator.domain.model import DocumentStatus, VariableType
from annotator.services.changes import Changes
from annotator.storage import Project
from annotator.ui.main_window import MainWindow
from annotator.ui.models.documents import NAME_ROLE
from tests.gui.conftest import open_window

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def _coders_shown(window: MainWindow) -> set[str]:
    model = window.codings.model
    return {model.data(model.index(row, 1)) for row in range(model.rowCount())}


def test_blind_mode_is_the_default_with_several_coders(window: MainWindow, qtbot: QtBot) -> None:
    assert not window.show_all_action.isChecked()
    assert _coders_shown(window) == {"Ana"}
    project = window.controller.project
    document_id = window.controller.document_id
    assert document_id is not None
    ana_spans = len(project.codings.spans(document_id, [window.controller.coder.id]))
    assert window.reader.span_count() == ana_spans
    qtbot.keyClick(
        window,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.show_all_action.isChecked()
    assert _coders_shown(window) == {"Ana", "Ben"}
    assert window.reader.span_count() == len(project.codings.spans(document_id))
    window.show_all_action.trigger()
    assert _coders_shown(window) == {"Ana"}


def test_single_coder_project_shows_everything(qtbot: QtBot, tmp_path: Path) -> None:
    from annotator.services import create_project

    with create_project(tmp_path / "solo.annotator") as project:
        window = open_window(qtbot, project, "Solo")
        assert window.controller.show_all_coders


def test_retrieval_lists_passages_and_jumps_to_them(window: MainWindow, qtbot: QtBot) -> None:
    codebook = window.controller.codebook
    motive = codebook.find("Motive")
    subsistence = codebook.find("Motive > Subsistence")
    assert motive is not None
    assert subsistence is not None
    window.retrieve(subsistence.id)
    assert window.retrieval_dock.isVisible()
    project, ana = window.controller.project, window.controller.coder
    expected = [c for c in project.codings.for_code(subsistence.id) if c.coder_id == ana.id]
    panel = window.retrieval
    assert panel.proxy.rowCount() == len(expected) > 0
    window.retrieve(motive.id)  # a dimension: all its codes
    motive_codes = {c.id for c in codebook.walk(motive.id)}
    every = [c for c in project.codings.all() if c.code_id in motive_codes and c.coder_id == ana.id]
    assert panel.proxy.rowCount() == len(every)
    panel.filter.setText("hungry")
    assert 0 < panel.proxy.rowCount() < len(every)
    for row in range(panel.proxy.rowCount()):
        assert "hungry" in panel.proxy.index(row, 3).data().lower()
    index = panel.proxy.index(0, 3)
    panel.view.doubleClicked.emit(index)
    coding_id = panel.model.coding_at(panel.proxy.mapToSource(index).row())[0]
    coding = project.codings.get(coding_id)
    assert window.controller.document_id == coding.document_id
    selected = window.reader.selected_span()
    assert selected is not None
    assert (
        window.reader.text[selected[0] : selected[1]]
        == window.reader.text[coding.start : coding.end]
    )
    assert (
        window.documents.view.currentIndex().data(NAME_ROLE)
        == project.documents.get(coding.document_id).name
    )


def test_mark_done_and_move_between_articles(window: MainWindow, qtbot: QtBot) -> None:
    project, ana = window.controller.project, window.controller.coder
    first = window.controller.document_id
    qtbot.keyClick(window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    second = window.controller.document_id
    assert second is not None
    assert second != first
    window.progress_action.trigger()
    assert project.statuses.get(second, ana.id) is DocumentStatus.IN_PROGRESS
    row = window.documents.view.currentIndex().row()
    assert window.documents.proxy.index(row, 1).data() == "in progress"
    assert "in progress" in window.article.heading.text()
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert project.statuses.get(second, ana.id) is DocumentStatus.DONE
    assert window.documents.proxy.index(row, 1).data() == "✓ done"
    qtbot.keyClick(window, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.controller.document_id == first
    assert "Ana 8/8" in window.status_label.text()


PACIFIC = {"02_security-officer", "06_returnee-on-tv"}


def test_document_filter_and_sort(window: MainWindow) -> None:
    panel = window.documents
    panel.filter.setText("famine")
    assert panel.proxy.rowCount() == 1
    assert panel.shown_names() == ["07_famine-memoir"]
    panel.filter.setText("PACIFIC wire")  # a variable's value, any case
    assert set(panel.shown_names()) == PACIFIC
    panel.filter.clear()
    assert panel.proxy.rowCount() == 8
    panel.view.setCurrentIndex(panel.proxy.index(3, 0))  # open 04_diplomat
    diplomat = window.controller.document_id
    panel.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # by headline
    headlines = panel.shown_headlines()
    assert headlines == sorted(headlines, key=str.casefold, reverse=True)
    # The open article stays the current row wherever the sort puts it.
    current = panel.view.currentIndex()
    assert current.row() == panel.shown_names().index("04_diplomat")
    assert current.data(NAME_ROLE) == "04_diplomat"
    assert window.controller.document_id == diplomat
    # A number variable sorts by value, not as text; empty values go last.
    project = window.controller.project
    words = project.documents.define_variable("words", VariableType.NUMBER)
    for name, value in [("01_restaurant-workers", "900"), ("02_security-officer", "85")]:
        document = project.documents.by_name(name)
        assert document is not None
        project.documents.set_values(document.id, {words.id: value})
    window.controller.notify(Changes(variables=True))
    column = panel.model.columnCount() - 1
    assert panel.model.headerData(column, Qt.Orientation.Horizontal) == "words"
    panel.view.sortByColumn(column, Qt.SortOrder.AscendingOrder)
    names = panel.shown_names()[:3]
    assert names == ["02_security-officer", "01_restaurant-workers", "03_construction-crew"]
    panel.view.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # by status: all done for Ana
    panel.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # back to import order
    assert panel.shown_names()[0] == "01_restaurant-workers"


def test_every_model_passes_the_model_tester(
    window: MainWindow, request: pytest.FixtureRequest
) -> None:
    codebook = window.controller.codebook
    political = codebook.find("Motive > Political")
    assert political is not None
    window.retrieve(political.id)
    for model in (
        window.documents.model,
        window.documents.proxy,
        window.codebook_model,
        window.codings.model,
        window.retrieval.model,
    ):
        assert model.rowCount() > 0
        tester = ModelTester(request.config)  # one each: a tester follows one model's signals
        request.addfinalizer(tester._cleanup)
        tester.check(model, force_py=True)
    # The testers stay connected: they check each model again through a sort, a filter and a
    # coding action.
    window.documents.view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    window.documents.filter.setText("0")
    window.documents.filter.clear()
    start = window.reader.text.index("hung up")
    window.reader.select_span(start, start + 7)
    other = codebook.find("Motive > Other / unclear")  # Ana's motive for the whole article
    assert other is not None
    assert window.apply(other.id)
    window.controller.undo_stack.undo()


def test_window_state_is_remembered(qtbot: QtBot, demo_project: Project) -> None:
    first = open_window(qtbot, demo_project)
    first.main.setSizes([250, 700, 450])
    sizes = first.main.sizes()
    first.close()
    second = open_window(qtbot, demo_project)
    assert second.main.sizes() == sizes


def test_screenshot_of_the_demo_project(window: MainWindow, qtbot: QtBot) -> None:
    """Saved for people to look at: screenshots/main-window.png."""
    SCREENSHOTS.mkdir(exist_ok=True)
    window.show_all_action.trigger()
    path = SCREENSHOTS / "main-window.png"
    assert window.grab().save(str(path))
    assert path.stat().st_size > 20_000


def test_many_void_qt_calls_do_not_crash(qtbot: QtBot) -> None:
    """PySide6 6.12.0 on Python 3.11 aborts after a few thousand calls of Qt methods that return
    nothing (none_dealloc). This keeps such a build from passing unnoticed."""
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    qtbot.addWidget(label)
    for number in range(50_000):
        label.setText(str(number))
    assert label.text() == "49999"


def test_codings_list_follows_a_new_article_without_mixing_them(
    window: MainWindow, qtbot: QtBot
) -> None:
    """The list fills after the article is drawn; until then it keeps showing the old one."""
    model = window.codings.model
    first = window.controller.document_id
    old_rows = model.rowCount()
    old_ids = {model.coding_id(row) for row in range(old_rows)}
    window.documents.step(1)
    second = window.controller.document_id
    assert second != first
    # Before the list's turn: still the first article's rows, all readable.
    assert {model.coding_id(row) for row in range(model.rowCount())} == old_ids
    project = window.controller.project
    expected = {c.id for c in project.codings.for_document(second, window.controller.coder.id)}
    qtbot.waitUntil(lambda: {model.coding_id(r) for r in range(model.rowCount())} == expected)
