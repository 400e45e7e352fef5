"""From a cell of the Analysis window to its passages: double-click (or Enter) lists in the
coding window's retrieval view exactly the codings the cell counts — as many as it shows —
and a double-click there opens the passage."""

from __future__ import annotations

from itertools import combinations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.domain.model import Coding
from annotator.storage import Project
from annotator.ui.analysis.window import AnalysisWindow
from annotator.ui.main_window import MainWindow
from tests.gui.analysis_support import (
    NO_VALUE,
    choose,
    column_of,
    open_analysis,
    row_of,
    shown,
    values_of,
)
from tests.gui.conftest import open_window


def listed(window: MainWindow) -> set[int]:
    """The coding ids the retrieval view lists."""
    panel = window.retrieval
    return {
        panel.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 1)
        for r in range(panel.proxy.rowCount())
    }


def double_click(analysis: AnalysisWindow, qtbot: QtBot, row: int, column: int) -> None:
    view = analysis.view
    index = analysis.model.index(row, column)
    view.scrollTo(index)
    point = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)


def press_enter(analysis: AnalysisWindow, qtbot: QtBot, row: int, column: int) -> None:
    analysis.view.setCurrentIndex(analysis.model.index(row, column))
    qtbot.keyClick(analysis.view, Qt.Key.Key_Return)


def open_cell(
    window: MainWindow, analysis: AnalysisWindow, qtbot: QtBot, label: str, header: str
) -> set[int]:
    """Double-click the cell; the retrieval view lists as many passages as the cell shows."""
    double_click(analysis, qtbot, row_of(analysis, label), column_of(analysis, header))
    assert window.retrieval_dock.isVisible()
    found = listed(window)
    assert window.retrieval.count.text() == f"{len(found)} passages"
    return found


def test_frequency_cells_list_their_passages(demo_project: Project, qtbot: QtBot) -> None:
    outlet = demo_project.documents.variable("outlet")
    assert outlet is not None
    without = demo_project.documents.all()[0]
    demo_project.documents.set_values(without.id, {outlet.id: None})  # a (no value) group
    window = open_window(qtbot, demo_project)
    window.show_all_action.trigger()
    analysis = open_analysis(window, qtbot)
    project = demo_project
    tree = project.codebook.tree()
    codings = list(project.codings.all())
    names = {c.id: c.name for c in project.coders.all()}
    outlets = values_of(project, "outlet")
    path = "Source reliability > Defector testimony"

    def of(code: str) -> list[Coding]:
        return [c for c in codings if tree.path(c.code_id) == code]

    # A (no value) cell: the code used most in the article without an outlet.
    held = [tree.path(c.code_id) for c in codings if c.document_id == without.id]
    most = max(held, key=held.count)
    found = open_cell(window, analysis, qtbot, most, NO_VALUE)
    expected = {c.id for c in of(most) if outlets[c.document_id] == ""}
    assert len(expected) > 1
    assert found == expected
    assert shown(analysis, most, NO_VALUE) == str(len(expected))
    assert window.retrieval.conditions_label.text().startswith("analysis cell " + most)

    # An outlet's Total (a column total), opened with Enter.
    group = sorted(set(outlets.values()) - {""})[0]
    press_enter(analysis, qtbot, row_of(analysis, "Total"), column_of(analysis, group))
    expected = {c.id for c in codings if outlets[c.document_id] == group}
    assert listed(window) == expected
    assert shown(analysis, "Total", group) == str(len(expected))

    # A year of the date, Ben's codings only.
    dates = values_of(project, "date")
    choose(analysis.panel.by, "date")
    choose(analysis.panel.bin, "year")
    ben = project.coders.by_name("Ben")
    assert ben is not None
    analysis.panel.coders.action_of(ben.id).trigger()
    bens = [c for c in of(path) if c.coder_id == ben.id]
    year = max(
        {v[:4] for v in dates.values()},
        key=lambda y: [dates[c.document_id][:4] for c in bens].count(y),
    )
    found = open_cell(window, analysis, qtbot, path, year)
    expected = {c.id for c in bens if dates[c.document_id][:4] == year}
    assert expected
    assert found == expected
    assert shown(analysis, path, year) == str(len(expected))
    assert {window.retrieval.proxy.index(r, 1).data() for r in range(len(found))} == {"Ben"}

    # A coder's column, rows as dimensions; and a row's Total.
    analysis.panel.coders.action_of(ben.id).trigger()  # every coder again
    choose(analysis.panel.by, "coder")
    choose(analysis.panel.rows, "dimensions")
    found = open_cell(window, analysis, qtbot, "Actor type", "Ana")
    expected = {
        c.id
        for c in codings
        if tree.dimension_of(c.code_id).name == "Actor type" and names[c.coder_id] == "Ana"
    }
    assert found == expected
    assert shown(analysis, "Actor type", "Ana") == str(len(expected))
    found = open_cell(window, analysis, qtbot, "Motive", "Total")
    expected = {c.id for c in codings if tree.dimension_of(c.code_id).name == "Motive"}
    assert found == expected
    assert shown(analysis, "Motive", "Total") == str(len(expected))

    # N articles stands for articles, not passages: nothing is listed anew.
    before = listed(window)
    double_click(analysis, qtbot, row_of(analysis, "N articles"), column_of(analysis, "Ana"))
    assert listed(window) == before

    # A passage listed jumps to its place in the article.
    panel = window.retrieval
    first = panel.proxy.index(0, 0)
    coding = project.codings.get(first.data(Qt.ItemDataRole.UserRole + 1))
    panel.view.doubleClicked.emit(first)
    assert window.controller.document_id == coding.document_id
    if coding.start is not None:
        assert window.reader.selected_span() == (coding.start, coding.end)

    # Clear filters: the view lists by its own choices again.
    panel.clear_button.click()
    assert panel.only is None
    assert not panel.conditions_label.text()


def overlapping(a: Coding, b: Coding) -> bool:
    if a.start is None or b.start is None or a.end is None or b.end is None:
        return True
    return a.start < b.end and b.start < a.end


def test_cooccurrence_cells_list_their_passages(window: MainWindow, qtbot: QtBot) -> None:
    window.show_all_action.trigger()
    analysis = open_analysis(window, qtbot)
    panel = analysis.panel
    choose(panel.table, "cooccurrence")
    choose(panel.rows, "dimensions")
    assert not panel.by.isVisible()
    assert panel.within.isVisible()
    project = window.controller.project
    tree = project.codebook.tree()
    codings = list(project.codings.all())
    dimensions = [d.name for d in tree.dimensions()]

    def of(name: str) -> list[Coding]:
        return [c for c in codings if tree.dimension_of(c.code_id).name == name]

    for a, b in combinations(dimensions, 2):
        pairs = [
            (x.id, y.id)
            for x in of(a)
            for y in of(b)
            if (x.document_id, x.coder_id) == (y.document_id, y.coder_id) and overlapping(x, y)
        ]
        assert shown(analysis, a, b) == shown(analysis, b, a) == str(len(pairs))
        found = open_cell(window, analysis, qtbot, a, b)
        assert found == {i for pair in pairs for i in pair}
    assert shown(analysis, "Motive", "Motive") == ""  # a code with itself: blank

    choose(panel.within, "article")
    choose(panel.measure, "jaccard")
    a, b = dimensions[0], dimensions[1]
    units_a = {(c.document_id, c.coder_id) for c in of(a)}
    units_b = {(c.document_id, c.coder_id) for c in of(b)}
    both = units_a & units_b
    assert shown(analysis, a, b) == f"{len(both) / len(units_a | units_b):.3f}"
    found = open_cell(window, analysis, qtbot, a, b)
    assert found == {c.id for c in of(a) + of(b) if (c.document_id, c.coder_id) in both}
    assert analysis.caption.text().startswith("Jaccard coefficient")
    choose(panel.within, "passage")
    assert not panel.measure.isEnabled()
    assert panel.measure.currentData() == "count"
