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
from annotator.services import set_status
from annotator.services.agreement import CONSENSUS
from annotator.services.editing import apply_code
from annotator.services.exports import export_segments
from annotator.storage import Project
from annotator.ui.dialogs.agreement import AgreementWindow
from annotator.ui.dialogs.review import ReviewWindow
from annotator.ui.dialogs.sample import SampleDialog
from annotator.ui.main_window import MainWindow
from annotator.ui.models.agreement import CODERS_COLUMN, KAPPA_COLUMN, ConfusionModel
from tests.gui.conftest import open_window
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
    dialog.sample_size.setValue(3)
    dialog.coders.choose(["Ana"])
    dialog.draw()
    assert len(dialog.drawn) == 3
    assigned = window.controller.project.statuses.assigned()
    ana = window.controller.project.coders.find("Ana").id
    assert {d for d, c in assigned if c == ana} == set(dialog.drawn)
    assert window.controller.project.statuses.get(dialog.drawn[0], ana) is DocumentStatus.DONE


def test_three_coders_light_kappa_not_applied_and_warnings_in_the_window(
    demo_project: Project, qtbot: QtBot
) -> None:
    """Issue 11.12 and 22.6–7 as the window shows them: the κ column is Light's κ for three
    coders, a code nobody applied reads "not applied", pooled rows say how many codes they
    pool, each row names its coders, and a coder on few articles is warned about."""
    project = demo_project
    motive = project.codebook.tree().find("Motive")
    assert motive is not None
    project.codebook.add("Exile", motive.id)  # a code nobody applied
    cleo = project.coders.add("Cleo")
    subsistence = project.codebook.tree().find("Motive > Subsistence")
    assert subsistence is not None
    first, second = [d for d, _ in project.documents.names()[:2]]
    apply_code(project, first, cleo.id, subsistence.id, 0, 40)
    set_status(project, "Cleo", DocumentStatus.DONE, [str(first), str(second)])
    window = open_window(qtbot, project)
    view = window.show_agreement()
    qtbot.waitExposed(view)
    assert view.chosen_coders() == ["Ana", "Ben", "Cleo"]
    with qtbot.waitSignal(view.computed, timeout=20_000):
        view.compute_button.click()
    assert view.model.headerData(KAPPA_COLUMN, Qt.Orientation.Horizontal) == "Light κ"
    assert "Light's κ" in view.summary.text()
    exile = _row(view, "document", "Motive > Exile")
    cells = [view.proxy.index(exile, c).data() for c in range(CODERS_COLUMN)]
    assert cells[3] == "not applied"
    assert cells[4:] == ["", "", "", "", "", ""]
    assert view.proxy.index(_row(view, "document", "All codes"), 1).data() == "All codes (17 codes)"
    assert view.proxy.index(exile, CODERS_COLUMN).data() == "Ana, Ben, Cleo"
    details = view.details.toPlainText()
    assert "Cleo shares only 2 articles with the other coders" in details
    SCREENSHOTS.mkdir(exist_ok=True)
    view.filter.setText("Motive")
    assert view.grab().save(str(SCREENSHOTS / "agreement_three_coders.png"))
