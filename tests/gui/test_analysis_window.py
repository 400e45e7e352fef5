"""The Analysis window driven as a user would: opened with its key, options changed through
its widgets, cells read as shown and checked against codings counted one by one; it follows
coding while open, keeps its options across a restart and opens on a read-only project."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMenu
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from annotator.storage import Project
from annotator.ui.analysis.actions import ANALYSIS_KEY
from annotator.ui.main_window import MainWindow
from tests.gui.analysis_support import (
    NO_VALUE,
    by_hand,
    choose,
    headers,
    open_analysis,
    row_of,
    shown,
    values_of,
)
from tests.gui.conftest import open_window
from tests.gui.test_shortcuts_sheet import every_action, press_f1


def test_opens_with_its_key_once_per_window_and_not_modal(window: MainWindow, qtbot: QtBot) -> None:
    analysis = open_analysis(window, qtbot)
    assert analysis.isVisible()
    assert not analysis.isModal()
    assert analysis.windowTitle().startswith("Analysis — demo")
    # From the menu, the same window comes up again.
    menu = next(
        a.menu()
        for a in window.menuBar().actions()
        if isinstance(a.menu(), QMenu) and a.text() == "Anal&ysis"
    )
    assert window.analysis_action in menu.actions()
    analysis.close()
    window.analysis_action.trigger()
    assert window.analysis_window is analysis
    assert analysis.isVisible()
    # Its key is its own, and F1 lists it with what it does and the window's own keys.
    keys = [a for a in every_action(window) if QKeySequence(ANALYSIS_KEY) in a.shortcuts()]
    assert len({id(a) for a in keys}) == 1
    sheet = press_f1(window, qtbot)
    assert "Ctrl+Shift+T\nFrequencies and co-occurrence" in sheet
    assert "List the passages behind the chosen cell" in sheet
    # It fits the screen it opens on.
    screen = analysis.screen().availableGeometry()
    assert analysis.width() <= screen.width()
    assert analysis.height() <= screen.height()


def test_frequencies_as_shown_agree_with_codings_counted_by_hand(
    window: MainWindow, qtbot: QtBot, request: pytest.FixtureRequest
) -> None:
    window.show_all_action.trigger()  # every coder's codings
    analysis = open_analysis(window, qtbot)
    project = window.controller.project
    panel = analysis.panel
    assert panel.by.currentData() == "outlet"  # grouped by outlet first
    outlets = values_of(project, "outlet")
    expected = by_hand(project, outlets)
    groups = sorted(set(outlets.values()))
    assert headers(analysis) == ["Code", *groups, "Total"]
    paths = [project.codebook.tree().path(c.id) for c in project.codebook.tree().codes()]
    for path in paths:
        for group in groups:
            assert shown(analysis, path, group) == str(expected[(path, group)])
        assert shown(analysis, path, "Total") == str(
            sum(n for (p, _), n in expected.items() if p == path)
        )
    for group in groups:
        articles = sum(1 for v in outlets.values() if v == group)
        assert shown(analysis, "N articles", group) == str(articles)
        assert shown(analysis, "Total", group) == str(
            sum(n for (_, g), n in expected.items() if g == group)
        )
    assert analysis.caption.text() == "Coded segments per code by outlet; all coders."
    assert analysis.test_line.text().startswith("χ² = ")
    assert analysis.warning.text().startswith("Warning: ")  # eight articles: small counts
    ModelTester(request.config).check(analysis.model)

    # By year of the date, Ana's codings only.
    dates = values_of(project, "date")
    choose(panel.by, "date")
    assert panel.bin.isEnabled()
    choose(panel.bin, "year")
    ana = project.coders.by_name("Ana")
    assert ana is not None
    panel.coders.action_of(ana.id).trigger()
    years = {d: v[:4] for d, v in dates.items()}
    expected = by_hand(project, years, {"Ana"})
    assert headers(analysis) == ["Code", *sorted(set(years.values())), "Total"]
    for path in paths:
        for year in set(years.values()):
            assert shown(analysis, path, year) == str(expected[(path, year)])
    assert analysis.caption.text() == "Coded segments per code by date, per year; coder Ana."

    # Articles coded, as a share of each year's articles.
    choose(panel.unit, "articles")
    choose(panel.show_as, "article-percent")
    assert not panel.unit.isEnabled()  # the share is of articles whatever the unit
    code = "Source reliability > Defector testimony"
    year = sorted(set(years.values()))[0]
    holding = {
        c.document_id
        for c in project.codings.all()
        if c.coder_id == ana.id
        and project.codebook.tree().path(c.code_id) == code
        and years[c.document_id] == year
    }
    in_year = sum(1 for y in years.values() if y == year)
    assert shown(analysis, code, year) == f"{100 * len(holding) / in_year:.1f}%"
    assert analysis.caption.text().startswith("Articles coded with each code by date")


def test_unit_and_show_show_the_same_counts_again(window: MainWindow, qtbot: QtBot) -> None:
    window.show_all_action.trigger()
    analysis = open_analysis(window, qtbot)
    counted = analysis.counted
    row = row_of(analysis, "Motive > Subsistence")
    total = analysis.model.index(row, analysis.model.columnCount() - 1)
    segments = int(total.data())
    choose(analysis.panel.unit, "characters")
    choose(analysis.panel.show_as, "row-percent")
    assert analysis.counted is counted  # not counted again: shown again
    assert analysis.model.index(row, analysis.model.columnCount() - 1).data() == "100.0%"
    choose(analysis.panel.show_as, "counts")
    characters = int(analysis.model.index(row, analysis.model.columnCount() - 1).data())
    assert characters > segments
    choose(analysis.panel.by, "coder")  # a new grouping is counted
    assert analysis.counted is not counted


def test_blind_mode_counts_only_your_codings(window: MainWindow, qtbot: QtBot) -> None:
    analysis = open_analysis(window, qtbot)  # Ana, blind: Ben's codings hidden
    project = window.controller.project
    assert not analysis.panel.coders.isEnabled()
    assert analysis.panel.blind_note.isVisible()
    outlets = values_of(project, "outlet")
    expected = by_hand(project, outlets, {"Ana"})
    assert shown(analysis, "Total", "Total") == str(sum(expected.values()))
    assert analysis.caption.text().endswith("; coder Ana.")
    window.show_all_action.trigger()  # others' codings shown: counted too
    qtbot.waitUntil(lambda: analysis.caption.text().endswith("; all coders."))
    assert shown(analysis, "Total", "Total") == str(project.codings.count())


def test_dimensions_groups_by_coder_and_the_consensus(demo_project: Project, qtbot: QtBot) -> None:
    consensus = demo_project.coders.add("consensus")
    tree = demo_project.codebook.tree()
    code = tree.find("Actor type > Diplomat")
    assert code is not None
    first = demo_project.documents.all()[0]
    demo_project.codings.add(first.id, consensus.id, code.id, 0, 12)
    window = open_window(qtbot, demo_project)
    window.show_all_action.trigger()
    analysis = open_analysis(window, qtbot)
    panel = analysis.panel
    choose(panel.by, "coder")
    choose(panel.rows, "dimensions")
    assert headers(analysis) == ["Dimension", "Ana", "Ben", "consensus", "Total"]
    assert shown(analysis, "Actor type", "consensus") == "1"
    counts: Counter[tuple[str, str]] = Counter()
    names = {c.id: c.name for c in demo_project.coders.all()}
    for coding in demo_project.codings.all():
        counts[(tree.dimension_of(coding.code_id).name, names[coding.coder_id])] += 1
    for (dimension, coder), count in counts.items():
        assert shown(analysis, dimension, coder) == str(count)
    # N articles per coder: the articles each coded; the total counts each article once.
    assert shown(analysis, "N articles", "consensus") == "1"
    assert shown(analysis, "N articles", "Total") == str(demo_project.documents.count())
    # Only the consensus coder, ticked in the checklist.
    panel.coders.action_of(consensus.id).trigger()
    assert headers(analysis) == ["Dimension", "consensus", "Total"]


def test_copy_selected_cells_as_tab_separated_text(window: MainWindow, qtbot: QtBot) -> None:
    analysis = open_analysis(window, qtbot)
    view = analysis.view
    model = analysis.model
    view.setFocus()
    view.setCurrentIndex(model.index(0, 0))
    view.selectionModel().select(
        model.index(1, 1),
        view.selectionModel().SelectionFlag.Select,
    )
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    text = QGuiApplication.clipboard().text()
    assert text == f"{model.text(0, 0)}\t\n\t{model.text(1, 1)}"


def test_follows_coding_while_open(window: MainWindow, qtbot: QtBot) -> None:
    analysis = open_analysis(window, qtbot)
    controller = window.controller
    project = controller.project
    code = project.codebook.tree().find("Actor type > Diplomat")
    assert code is not None
    document = project.documents.all()[0]
    outlet = values_of(project, "outlet")[document.id]
    before = int(shown(analysis, "Actor type > Diplomat", outlet))
    controller.open_document(document.id)
    window.reader.select_span(0, 10)
    with qtbot.waitSignal(analysis.updated):
        assert window.apply(code.id)
    assert shown(analysis, "Actor type > Diplomat", outlet) == str(before + 1)
    kept = analysis.source.tallies()
    with qtbot.waitSignal(analysis.updated):
        window.undo_action.trigger()
    assert shown(analysis, "Actor type > Diplomat", outlet) == str(before)
    assert analysis.source.tallies() is kept  # followed, not read again


def test_options_survive_closing_and_a_restart(demo_path: Path, qtbot: QtBot) -> None:
    with Project.open(demo_path) as project:
        window = open_window(qtbot, project)
        analysis = open_analysis(window, qtbot)
        panel = analysis.panel
        choose(panel.by, "date")
        choose(panel.bin, "quarter")
        choose(panel.rows, "dimensions")
        choose(panel.unit, "characters")
        choose(panel.show_as, "column-percent")
        motive = window.controller.codebook.find("Motive")
        assert motive is not None
        panel.codes.action_of(motive.id).trigger()
        choose(analysis.chart.kind, "stacked")
        wanted = analysis.options()
        analysis.close()
        window.close()
    with Project.open(demo_path) as project:
        window = open_window(qtbot, project)
        analysis = open_analysis(window, qtbot)
        assert analysis.options() == wanted
        assert analysis.panel.codes.summary() == "Motive (all its codes)"
        assert analysis.caption.text().startswith(
            "Coded characters per dimension by date, per quarter, as % of the group's total"
        )
        window.close()


def test_opens_on_a_read_only_project(demo_path: Path, qtbot: QtBot) -> None:
    with Project.open(demo_path, read_only=True) as project:
        window = open_window(qtbot, project)
        assert window.analysis_action.isEnabled()
        analysis = open_analysis(window, qtbot)
        assert "[read-only]" in analysis.windowTitle()
        assert analysis.model.rowCount() > 2
        assert int(shown(analysis, "Total", "Total")) > 0
        window.close()


def test_no_value_group_and_an_unknown_variable(demo_project: Project, qtbot: QtBot) -> None:
    outlet = demo_project.documents.variable("outlet")
    assert outlet is not None
    first = demo_project.documents.all()[0]
    demo_project.documents.set_values(first.id, {outlet.id: None})
    window = open_window(qtbot, demo_project)
    window.show_all_action.trigger()
    analysis = open_analysis(window, qtbot)
    assert headers(analysis)[-2:] == [NO_VALUE, "Total"]
    assert shown(analysis, "N articles", NO_VALUE) == "1"
    assert "(no value) left out" in analysis.test_line.text()


def test_the_coding_window_closes_with_it_open(demo_path: Path, qtbot: QtBot) -> None:
    with Project.open(demo_path) as project:
        window = open_window(qtbot, project)
        analysis = open_analysis(window, qtbot)
        choose(analysis.panel.by, "coder")  # counted again, chart to draw
        window.close()
    assert not analysis.isVisible()
    qtbot.wait(50)  # let anything left on the event loop run: nothing reads the project
