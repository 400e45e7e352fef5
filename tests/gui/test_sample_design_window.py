"""The window's side of sample designs: the dialog previews the allocation and draws a
stratified share with the rest split (one undo step, the stored design included), each
coder's queue, and agreement limited to an article set."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.domain.model import DocumentStatus
from annotator.services.article_sets import create_set
from annotator.services.sample_design import current_design
from annotator.ui.dialogs.sample import SampleDialog
from annotator.ui.main_window import MainWindow


def _assigned(window: MainWindow) -> set[tuple[int, int]]:
    return window.controller.project.statuses.assigned()


def test_a_stratified_share_previewed_drawn_and_undone_in_one_step(
    window: MainWindow, qtbot: QtBot
) -> None:
    project = window.controller.project
    dialog = SampleDialog(window.controller, window)
    qtbot.addWidget(dialog)
    dialog.by_share.setChecked(True)
    dialog.share.setValue(50)
    dialog.strata.choose(["outlet"])
    dialog.split_rest.setChecked(True)
    preview = dialog.preview.toPlainText()
    assert "4 of 8 articles (50%) for Ana, Ben, seed 1." in preview
    # Four outlets of two articles: one drawn from each.
    assert "Border Monitor\n2\n1\nNortheast Asia Dispatch\n2\n1\nPacific Wire\n2\n1\n" in preview
    assert "The rest: Ana 2 articles" in preview
    assert _assigned(window) == set()  # a preview writes nothing
    dialog.strata.choose(["year(date)", "author"])  # 8 strata of one: still 4 drawn
    assert "4 of 8 articles" in dialog.preview.toPlainText()
    dialog.rest_where.setText("colour=red")
    dialog.rest_where.editingFinished.emit()
    assert "there is no variable 'colour'" in dialog.preview.toPlainText()
    dialog.rest_where.setText("")
    dialog.strata.choose(["outlet"])
    dialog.draw()
    assert dialog.message.startswith("Drew 4 articles for the reliability sample (added)")
    design = current_design(project)
    assert design is not None
    assert design.design["strata"] == ["outlet"]
    assert [a["drawn"] for a in design.design["allocation"]] == [1, 1, 1, 1]
    drawn = _assigned(window)
    assert len(drawn) == 4 * 2 + 4  # the sample to both, the rest to one each
    # One Ctrl+Z takes back the draw and its design; redo puts both back as they were.
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _assigned(window) == set()
    assert current_design(project) is None
    window.redo_action.trigger()
    assert _assigned(window) == drawn
    again = current_design(project)
    assert again is not None
    assert (again.id, again.design) == (design.id, design.design)


def test_the_queue_shows_what_is_left_and_opens_it(window: MainWindow, qtbot: QtBot) -> None:
    controller = window.controller
    panel = window.queue_dock.widget()
    assert "No articles are assigned to Ana" in panel.summary.text()
    assert not window.queue_dock.isVisible()
    qtbot.keyClick(
        window,
        Qt.Key.Key_U,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.queue_dock.isVisible()
    dialog = SampleDialog(controller, window)
    qtbot.addWidget(dialog)
    dialog.sample_size.setValue(3)
    dialog.draw()
    assert panel.model.rowCount() == 3
    # The demo's articles are all done for Ana: set one back and it comes first, in bold.
    first = panel.model.document_at(2)
    controller.set_status(DocumentStatus.IN_PROGRESS, first)
    assert panel.model.document_at(0) == first
    assert panel.model.index(0, 2).data() == "in progress"
    assert panel.model.index(0, 1).data() == "sample"
    assert "1 to do, 2 done of 3 assigned" in panel.summary.text()
    panel.view.setCurrentIndex(panel.model.index(0, 0))
    panel.open(0)
    assert controller.document_id == first


def test_agreement_on_an_article_set_in_the_window(window: MainWindow, qtbot: QtBot) -> None:
    project = window.controller.project
    ids = sorted(d for d, _ in project.documents.names())
    create_set(project, "pilot", set(ids[:3]))
    view = window.show_agreement()
    qtbot.waitExposed(view)
    view.article_set.fill()  # as opening the list does: sets made since are offered
    view.article_set.setCurrentIndex(view.article_set.findData("pilot"))
    assert view.request().documents == frozenset(ids[:3])
    with qtbot.waitSignal(view.computed, timeout=20_000) as computed:
        view.compute_button.click()
    assert computed.args[0].documents == 3
