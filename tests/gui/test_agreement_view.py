"""The agreement view and the disagreement review: from a low figure in the table to the
disagreeing passages, a decision for the consensus, undo, and the consensus in the export."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from annotator.domain.model import Choice, DocumentStatus
from annotator.services.agreement import CONSENSUS
from annotator.services.exports import export_segments
from annotator.ui.dialogs.agreement import AgreementWindow
from annotator.ui.dialogs.review import ReviewWindow
from annotator.ui.dialogs.sample import SampleDialog
from annotator.ui.main_window import MainWindow
from annotator.ui.models.agreement import ConfusionModel
from tests.gui.test_views import SCREENSHOTS


def _computed(window: MainWindow, qtbot: QtBot) -> AgreementWindow:
    view = window.show_agreement()
    qtbot.waitExposed(view)
    assert view.chosen_coders() == ["Ana", "Ben"]
    with qtbot.waitSignal(view.computed, timeout=20_000):
        view.compute_button.click()
    return view


def _row(view: AgreementWindow, level: str, name: str) -> int:
    for row in range(view.proxy.rowCount()):
        m = view.model.measure(view.proxy.mapToSource(view.proxy.index(row, 0)).row())
        if (m.level, m.name) == (level, name):
            return row
    raise AssertionError(f"no row {level} {name}")


def test_agreement_table_shows_the_figures(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    view = _computed(window, qtbot)
    row = _row(view, "document", "Motive > Subsistence")
    cells = [view.proxy.index(row, c).data() for c in range(6)]
    assert cells[:5] == ["Article", "    Motive > Subsistence", "8", "0.625", "0.250"]
    assert "articles compared" in view.summary.text()
    # Sortable by α, filterable by name.
    view.table.sortByColumn(6, Qt.SortOrder.AscendingOrder)
    lowest = view.model.measure(view.proxy.mapToSource(view.proxy.index(0, 0)).row())
    alphas = [m.krippendorff_alpha for m in view.model._rows if m.krippendorff_alpha is not None]
    assert lowest.krippendorff_alpha is None or lowest.krippendorff_alpha <= min(alphas)
    view.filter.setText("political")
    assert view.proxy.rowCount() > 0
    assert all("Political" in view.proxy.index(r, 1).data() for r in range(view.proxy.rowCount()))
    view.filter.clear()
    assert view.report is not None
    confusion = ConfusionModel(view.report.confusions[0])
    for model in (view.model, confusion):
        tester = ModelTester(request.config)
        request.addfinalizer(tester._cleanup)
        tester.check(model, force_py=True)
    assert "Definitions" in view.details.toPlainText()
    saved = view.save(tmp_path / "report.html")
    assert saved is not None
    assert "Krippendorff" in saved.read_text(encoding="utf-8")
    view.tabs.setCurrentIndex(0)
    view.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    view.table.setCurrentIndex(view.proxy.index(_row(view, "document", "Motive > Subsistence"), 1))
    assert view.review_button.isEnabled()
    SCREENSHOTS.mkdir(exist_ok=True)
    assert view.grab().save(str(SCREENSHOTS / "agreement.png"))


def test_from_a_low_figure_to_a_decision_and_back(window: MainWindow, qtbot: QtBot) -> None:
    project = window.controller.project
    view = _computed(window, qtbot)
    view.table.setCurrentIndex(view.proxy.index(_row(view, "document", "Motive > Subsistence"), 1))
    view.review_selected()
    review = window.review_window
    assert isinstance(review, ReviewWindow)
    qtbot.waitExposed(review)
    differences = [review.model.difference(r) for r in range(review.model.rowCount())]
    assert differences
    assert {d.code_path for d in differences} == {"Motive > Subsistence"}
    assert review.model.headerData(3, Qt.Orientation.Horizontal) == "Ana"
    item = review.current()
    assert item is not None
    assert item.decision is None
    # Both coders' versions of the article are shown side by side.
    assert review.panes[0].coder is not None
    assert review.panes[0].coder.name == "Ana"
    assert review.panes[1].coder is not None
    assert review.panes[1].coder.name == "Ben"
    assert review.panes[0].reader.document_id == item.document_id
    review.reason.setText("the article says so")
    choice = Choice.FIRST if item.first or item.whole_article_by == 0 else Choice.SECOND
    review.buttons[choice].click()
    consensus = project.coders.find(CONSENSUS)
    made = project.codings.for_coder(consensus.id)
    assert made
    assert made[0].memo == "the article says so"
    decided = review.model.difference(
        next(
            r
            for r in range(review.model.rowCount())
            if review.model.difference(r).decision is not None
        )
    )
    assert decided.decision is not None
    assert decided.decision.choice is choice
    # Undo from the review window takes it back; redo restores it.
    review.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is review)
    qtbot.keyClick(review, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert project.codings.for_coder(consensus.id) == []
    assert project.decisions.count() == 0
    qtbot.keyClick(
        review,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert project.codings.for_coder(consensus.id) == made
    # The consensus coder is in the long export like any coder.
    handle = io.StringIO()
    target = Path(window.controller.project.path).with_name("segments.csv")  # type: ignore[arg-type]
    export_segments(project, target)
    handle.write(target.read_text(encoding="utf-8"))
    rows = list(csv.DictReader(io.StringIO(handle.getvalue())))
    assert [r["coder"] for r in rows].count(CONSENSUS) == len(made)
    SCREENSHOTS.mkdir(exist_ok=True)
    assert review.grab().save(str(SCREENSHOTS / "review.png"))


def test_copying_agreements_to_the_consensus_is_undoable(window: MainWindow, qtbot: QtBot) -> None:
    project = window.controller.project
    review = window.show_review("Ana", "Ben", [])
    qtbot.waitExposed(review)
    review.adopt.click()
    consensus = project.coders.find(CONSENSUS)
    adopted = len(project.codings.for_coder(consensus.id))
    assert adopted > 50
    assert f"took {adopted} agreed codings" in review.status.text()
    window.controller.undo_stack.undo()
    assert project.codings.for_coder(consensus.id) == []


def test_reliability_sample_dialog_assigns(window: MainWindow, qtbot: QtBot) -> None:
    dialog = SampleDialog(window.controller, window)
    qtbot.addWidget(dialog)
    dialog.size.setValue(3)
    dialog.coders.choose(["Ana"])
    dialog.draw()
    assert len(dialog.drawn) == 3
    assigned = window.controller.project.statuses.assigned()
    ana = window.controller.project.coders.find("Ana").id
    assert {d for d, c in assigned if c == ana} == set(dialog.drawn)
    assert window.controller.project.statuses.get(dialog.drawn[0], ana) is DocumentStatus.DONE
