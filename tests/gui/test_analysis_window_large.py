"""The Analysis window on a table of hundreds of codes: the model is asked only for the cells
on screen (and the label column), not for every cell; the chart area says in one line that
the chart would be too large, and the table stays."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from annotator.storage import Project
from annotator.ui.analysis.table import GridModel
from tests.gui.analysis_support import choose, open_analysis, shown
from tests.gui.conftest import open_window

CODES = 300


def _many_codes(project: Project) -> None:
    many = project.codebook.add("Many").id
    document = project.documents.all()[0].id
    coder = project.coders.by_name("Ana")
    assert coder is not None
    for number in range(CODES):
        code = project.codebook.add(f"Code {number:03d}", many).id
        project.codings.add(document, coder.id, code, 0, 5)


def test_large_table_asks_for_cells_on_screen_and_refuses_its_chart(
    demo_project: Project, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    _many_codes(demo_project)
    asked: list[tuple[int, int]] = []
    text = GridModel.text

    def counted(self: GridModel, row: int, column: int) -> str:
        asked.append((row, column))
        return text(self, row, column)

    monkeypatch.setattr(GridModel, "text", counted)
    window = open_window(qtbot, demo_project)
    analysis = open_analysis(window, qtbot)
    choose(analysis.panel.by, "title")  # a group per article: many columns
    asked.clear()
    analysis.refresh()
    qtbot.waitUntil(lambda: "codes × " in analysis.chart.message.text())
    assert analysis.chart.message.isVisible()
    model = analysis.model
    cells = model.rowCount() * model.columnCount()
    assert model.rowCount() > CODES
    # Column 0 is measured (labels), figure columns are not: far fewer than every cell.
    assert len(asked) < cells / 4, (len(asked), cells)
    message = analysis.chart.message.text()
    assert "codes × " in message
    assert "more than 60" in message
    assert "rows = dimensions" in message
    assert shown(analysis, "Many > Code 007", "Total") == "1"
