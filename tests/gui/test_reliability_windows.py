"""The Pairs tab of the agreement window and the training report dialog: computed in the
background, the figures the services give, the deviating coder marked, a passage opened in
the coding window, the report saved."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6 import QtGui
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QLabel
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from annotator.services.agreement import Request
from annotator.services.agreement_pairs import measure_pairs
from annotator.services.changes import Changes
from annotator.services.codebook_versions import tag_version
from annotator.services.coders import add_coder, rename_coder
from annotator.services.training import training_report
from annotator.storage import Project
from annotator.ui.main_window import MainWindow
from annotator.ui.reliability.codebook_history import show_history
from annotator.ui.reliability.fit import fitted
from annotator.ui.reliability.pairs_models import LOWEST_MARK
from tests.gui.conftest import open_window
from tests.services.reliability_project import build


@pytest.fixture
def three(tmp_path: Path) -> Iterator[Project]:
    project = build(tmp_path / "three.annotator")
    yield project
    project.close()


@pytest.fixture
def window(qtbot: QtBot, three: Project) -> MainWindow:
    return open_window(qtbot, three)


def test_pairs_tab_shows_each_pair_and_marks_the_deviating_coder(
    window: MainWindow, qtbot: QtBot, three: Project, qtmodeltester: ModelTester
) -> None:
    view = window.show_agreement()
    qtbot.waitExposed(view)
    view.level.setCurrentIndex(1)  # article level
    view.tabs.setCurrentWidget(view.pairs)
    tab = view.pairs
    with qtbot.waitSignal(tab.computed, timeout=30_000):
        tab.compute_button.click()
    assert not tab.cancel_button.isEnabled()
    tab.choose("document", "All codes", figure=0)
    expected = measure_pairs(three, Request(levels=("document",)))
    ana_cleo = expected.pair("Ana", "Cleo").measure(("document", "overall", "All codes"))
    model = tab.matrix_model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)]
    assert headers == ["Ana", "Ben", "Cleo"]
    assert model.index(0, 2).data() == f"{ana_cleo.krippendorff_alpha:.3f}"
    assert model.index(2, 0).data() == model.index(0, 2).data()
    assert model.index(1, 1).data() == ""
    tab.choose("document", "All codes", figure=1)  # Cohen's κ
    assert model.index(0, 2).data() == f"{ana_cleo.cohen_kappa:.3f}"
    coders = tab.coder_model
    shown = [coders.index(r, 0).data() for r in range(coders.rowCount())]
    assert shown == ["Ana", "Ben", "Cleo" + LOWEST_MARK]
    qtmodeltester.check(model)
    qtmodeltester.check(coders)
    view.resize(1400, 900)
    tab.grab().save(str(Path("/tmp") / "pairs-tab-1400.png"))
    view.resize(1280, 720)
    tab.grab().save(str(Path("/tmp") / "pairs-tab-1280.png"))


def test_training_report_dialog_figures_passages_jump_and_save(
    window: MainWindow, qtbot: QtBot, three: Project, tmp_path: Path, qtmodeltester: ModelTester
) -> None:
    dialog = window.show_training_report()
    qtbot.waitExposed(dialog)
    dialog.choose("Cleo", "Ana")
    with qtbot.waitSignal(dialog.computed, timeout=30_000):
        dialog.compute_button.click()
    expected = training_report(
        three, "Cleo", "Ana", request=Request(levels=("document", "character"))
    )
    model = dialog.model
    assert model.rowCount() == len(expected.passages)
    first = expected.passages[0]
    assert model.index(0, 2).data() == first.document
    assert model.index(0, 3).data() == first.text
    assert f"{len(expected.missed)} passages missed" in dialog.summary.text()
    assert "Motive" in dialog.figures.toPlainText()
    qtmodeltester.check(model)
    # Double-click a passage: the article opens with the passage selected.
    dialog.open_passage(model.index(0, 3))
    assert window.controller.document_id == first.document_id
    assert window.reader.selected_span() == (first.start, first.end)
    saved = dialog.save(tmp_path / "cleo.html")
    assert saved is not None
    page = saved.read_text(encoding="utf-8")
    assert "Passages missed" in page
    assert first.text in page
    dialog.resize(1400, 900)
    dialog.grab().save("/tmp/training-1400.png")
    dialog.resize(1280, 720)
    dialog.grab().save("/tmp/training-1280.png")


def test_agreement_window_reopened_offers_new_tags_and_renamed_coders(
    window: MainWindow, qtbot: QtBot, three: Project
) -> None:
    view = window.show_agreement()
    qtbot.waitExposed(view)
    view.set_coders(["Ana", "Ben"])  # the user's choice: Cleo left out
    view.close()
    tag_version(three, "v1 pilot")
    rename_coder(three, "Ben", "Bea")
    add_coder(three, "Finn")
    assert window.show_agreement() is view
    listed = view.coder_list.coders
    assert [listed.item(r).text() for r in range(listed.rowCount())] == [
        "Ana",
        "Bea",
        "Cleo",
        "Finn",
    ]
    # the user's checks kept (Ben's under the new name); Finn has done nothing yet
    assert view.chosen_coders() == ["Ana", "Bea"]
    view.version.choose("v1 pilot")  # offered now
    # while shown: a change the controller announces is read at once
    tag_version(three, "v2 final")
    window.controller.notify(Changes(codebook=True))
    view.version.choose("v2 final")
    view.set_coders(["Ana", "Cleo"])
    view.level.setCurrentIndex(1)
    with qtbot.waitSignal(view.pairs.computed, timeout=30_000):
        view.pairs.compute_button.click()
    assert "Ana, Cleo" in view.pairs.status.text()


def test_pairs_tab_cleared_when_the_options_change(
    window: MainWindow, qtbot: QtBot, three: Project
) -> None:
    view = window.show_agreement()
    qtbot.waitExposed(view)
    view.level.setCurrentIndex(1)
    tab = view.pairs
    with qtbot.waitSignal(tab.computed, timeout=30_000):
        tab.compute_button.click()
    assert tab.matrix_model.rowCount() == 3
    window.controller.notify(Changes(codebook=True))  # nothing the options hang on changed: kept
    assert tab.matrix_model.rowCount() == 3
    view.set_coders(["Ana", "Ben"])
    assert tab.matrix_model.rowCount() == 0
    assert tab.coder_model.rowCount() == 0
    assert tab.row_choice.count() == 0
    assert tab.status.text() == "Options changed: Compute pairs again."
    with qtbot.waitSignal(tab.computed, timeout=30_000):
        tab.compute_button.click()
    assert tab.matrix_model.rowCount() == 2
    view.level.setCurrentIndex(2)
    assert tab.matrix_model.rowCount() == 0


def test_closing_during_compute_pairs_resets_the_tab(
    window: MainWindow, qtbot: QtBot, three: Project
) -> None:
    view = window.show_agreement()
    qtbot.waitExposed(view)
    tab = view.pairs
    tab.compute_button.click()
    assert tab.status.text() == "Comparing every pair…"
    view.close()
    assert window.show_agreement() is view
    assert tab.status.text() == "Stopped when the window was closed: Compute pairs again."
    assert tab.compute_button.isEnabled()
    assert not tab.cancel_button.isEnabled()
    assert not tab.progress.isVisible()


def _seen(label: QLabel) -> str:
    """The text a label shows: its markup rendered when Qt takes it for rich text."""
    text = label.text()
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and QtGui.Qt.mightBeRichText(text)
    )
    return QTextDocumentFragment.fromHtml(text).toPlainText() if rich else text


def test_names_holding_markup_are_shown_as_typed(qtbot: QtBot, three: Project) -> None:
    rename_coder(three, "Cleo", "Cleo <u>x</u>")
    tag_version(three, "v1 <b>pilot</b>", note="<i>first</i>")
    first = three.documents.all()[0]
    three.db.execute("UPDATE documents SET name = ? WHERE id = ?", ["Wages <b>up</b>", first.id])
    window = open_window(qtbot, three, "Tom <i>trainee</i>")
    tom = three.coders.by_name("Tom <i>trainee</i>")
    assert tom is not None
    three.statuses.assign_many(tom.id, [first.id])
    panel = window.queue_dock.widget()
    panel.refresh()
    assert _seen(panel.summary).startswith("Tom <i>trainee</i>: 1 to do")
    assert "Next: Wages <b>up</b>." in _seen(panel.summary)
    history = show_history(window)
    assert _seen(history.current).startswith("Current version: v1 <b>pilot</b> (")
    assert "v1 <b>pilot</b>" in _seen(history.tags)
    assert "<i>first</i>" in _seen(history.tags)
    view = window.show_agreement()
    view.set_coders(["Ana", "Cleo <u>x</u>"])
    view.level.setCurrentIndex(1)
    with qtbot.waitSignal(view.pairs.computed, timeout=30_000):
        view.pairs.compute_button.click()
    assert "of Ana, Cleo <u>x</u> on" in _seen(view.pairs.status)
    with qtbot.waitSignal(view.computed, timeout=30_000):
        view.compute_button.click()
    assert _seen(view.summary).startswith("Ana, Cleo <u>x</u>: ")
    dialog = window.show_training_report()
    dialog.choose("Cleo <u>x</u>", "Ana")
    with qtbot.waitSignal(dialog.computed, timeout=30_000):
        dialog.compute_button.click()
    assert _seen(dialog.summary).startswith("Cleo <u>x</u> against Ana: ")


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Project]:
    path = tmp_path / "read-only.annotator"
    build(path).close()
    project = Project.open(path, read_only=True)
    yield project
    project.close()


def test_history_keeps_the_tag_column_in_sight_and_says_why_tagging_is_off(
    qtbot: QtBot, read_only: Project
) -> None:
    window = open_window(qtbot, read_only)
    history = show_history(window)
    qtbot.waitExposed(history)
    for size in ((1100, 640), (900, 600)):
        history.resize(*size)
        table = history.table
        left = table.columnViewportPosition(5)
        assert left >= 0
        assert left + table.columnWidth(5) <= table.viewport().width()
        assert table.columnWidth(4) >= 150  # the description has the room left
    assert not history.tag_button.isEnabled()
    assert history.tag_button.toolTip().startswith("Tag current version is off. Read-only: ")
    assert history.tag_button.statusTip().startswith("Read-only: ")


def test_reliability_windows_open_no_larger_than_the_screen(
    window: MainWindow, qtbot: QtBot
) -> None:
    available = window.screen().availableGeometry()  # offscreen: 800 × 800
    for opened in (window.show_agreement(), window.show_training_report(), show_history(window)):
        qtbot.waitExposed(opened)
        assert opened.width() <= available.width() * 9 // 10
        assert opened.height() <= available.height() * 9 // 10
    small = fitted(QSize(1180, 720), QRect(0, 0, 900, 600))
    assert (small.width(), small.height()) == (810, 540)
    large = fitted(QSize(1180, 720), QRect(0, 0, 1920, 1080))
    assert (large.width(), large.height()) == (1180, 720)
