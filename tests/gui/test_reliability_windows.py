"""The Pairs tab of the agreement window and the training report dialog: computed in the
background, the figures the services give, the deviating coder marked, a passage opened in
the coding window, the report saved."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from annotator.services.agreement import Request
from annotator.services.agreement_pairs import measure_pairs
from annotator.services.training import training_report
from annotator.storage import Project
from annotator.ui.main_window import MainWindow
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
