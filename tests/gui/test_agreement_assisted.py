"""The agreement window's "Codings:" choice: with the codings Ana accepted from a machine's
suggestions left out, the window shows the figures the service gives for that request, and
its warnings say how many were left out."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from annotator.services.agreement import Request, measure
from annotator.ui.main_window import MainWindow
from tests.services.test_agreement_assisted_codings import accept_bens_codings_as_anas


def test_the_window_leaves_assisted_codings_out(window: MainWindow, qtbot: QtBot) -> None:
    project = window.controller.project
    accepted = accept_bens_codings_as_anas(project)
    assert accepted > 0
    view = window.show_agreement()
    qtbot.waitExposed(view)
    view.set_coders(["Ana", "Ben"])
    labels = [view.codings.itemText(i) for i in range(view.codings.count())]
    view.codings.setCurrentIndex(labels.index("Without those accepted from machine suggestions"))
    request = view.request()
    assert (request.search_codings, request.assisted_codings) == ("with", "without")
    with qtbot.waitSignal(view.computed, timeout=30_000):
        view.compute_button.click()
    assert view.report is not None
    expected = measure(project, request)
    assert [(m.level, m.name, m.krippendorff_alpha) for m in view.report.measures] == [
        (m.level, m.name, m.krippendorff_alpha) for m in expected.measures
    ]
    counted = measure(project, Request(coders=("Ana", "Ben"), levels=request.levels))
    assert [m.krippendorff_alpha for m in counted.measures] != [
        m.krippendorff_alpha for m in view.report.measures
    ]
    note = f"{accepted} codings accepted from a machine's suggestions are left out"
    assert view.report.warnings[0].startswith(note)
    assert note in view.details.toPlainText()
