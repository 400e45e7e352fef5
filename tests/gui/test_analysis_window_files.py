"""The Analysis window's files: the table exported as CSV and .xlsx (read back: what the table
shows, totals and N, and a caption row), the chart saved as PNG (at the DPI chosen), SVG and
PDF; refusals as one-line messages with nothing written; without matplotlib the chart pane
says what to install and the table works on."""

from __future__ import annotations

import csv
import struct
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot
from python_calamine import CalamineWorkbook

from annotator.storage import Project
from annotator.ui.analysis.chart import NO_MATPLOTLIB
from annotator.ui.main_window import MainWindow
from tests.gui.analysis_support import choose, headers, open_analysis, shown
from tests.gui.conftest import Dialogs, open_window


def answer_save(monkeypatch: pytest.MonkeyPatch, path: Path, chosen: str = "") -> None:
    """The save dialog answers ``path``, as a user typing it would."""
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(path), chosen))
    )


def as_shown(window: MainWindow) -> list[list[str]]:
    analysis = window.analysis_window
    assert analysis is not None
    model = analysis.model
    return [[model.text(r, c) for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_table_exported_as_csv_and_xlsx(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.show_all_action.trigger()
    analysis = open_analysis(window, qtbot)
    choose(analysis.panel.show_as, "row-percent")
    table = as_shown(window)
    header = analysis.grid.header()

    target = tmp_path / "table.csv"
    answer_save(monkeypatch, target)
    analysis.export_button.click()
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == header
    body = rows[1 : 1 + len(table)]
    assert [r[0] for r in body] == [r[0] for r in table]
    assert body[-2][0] == "Total"
    assert body[-1][0] == "N articles"
    for written, seen in zip(body, table, strict=True):
        for number, text in zip(written[1:], seen[1:], strict=True):
            if text == "—":
                assert number == ""
            elif text.endswith("%"):
                assert float(number) == pytest.approx(float(text[:-1]), abs=0.051)
            else:
                assert number == text
    assert rows[-1] == ["Coded segments per code by outlet, as % of the code's total; all coders."]
    assert analysis.note.text() == f"Table saved to {target}."

    workbook = tmp_path / "table.xlsx"
    answer_save(monkeypatch, tmp_path / "table", "Excel workbook (*.xlsx)")  # no suffix typed
    analysis.export_button.click()
    sheet = CalamineWorkbook.from_path(str(workbook)).get_sheet_by_name("frequencies")
    cells = sheet.to_python()
    assert [str(v) for v in cells[0]] == header
    code = table[0][0]
    assert cells[1][0] == code
    figure = shown(analysis, code, "Total")
    assert isinstance(cells[1][len(header) - 1], float)  # numbers stay numbers
    assert cells[1][len(header) - 1] == pytest.approx(float(figure[:-1]), abs=0.051)
    assert cells[-1][0].startswith("Coded segments per code by outlet")


def test_export_refusals_write_nothing(
    window: MainWindow,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    dialogs: Dialogs,
) -> None:
    analysis = open_analysis(window, qtbot)
    wrong = tmp_path / "table.txt"
    assert analysis.export_table(wrong) is None
    assert not wrong.exists()
    project = window.controller.project
    before = Path(project.path).read_bytes()
    assert analysis.export_table(Path(project.path).with_suffix(".csv")) is not None  # beside
    answer_save(monkeypatch, Path(project.path))  # onto the project itself: refused
    analysis.export_button.click()
    assert Path(project.path).read_bytes() == before
    refusals = [text for kind, text in dialogs.shown if kind == "warning"]
    assert len(refusals) == 2
    assert all("\n" not in text for text in refusals)
    assert "table.txt" in refusals[0]


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_chart_saved_as_png_svg_and_pdf(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.show_all_action.trigger()
    analysis = open_analysis(window, qtbot)
    qtbot.waitUntil(lambda: analysis.chart.figure is not None)
    chart = analysis.chart
    chart.dpi.setCurrentIndex(chart.dpi.findData(150))
    small = tmp_path / "small.png"
    answer_save(monkeypatch, small)
    chart.save_button.click()
    chart.dpi.setCurrentIndex(chart.dpi.findData(300))
    large = tmp_path / "large.png"
    answer_save(monkeypatch, large)
    chart.save_button.click()
    (w1, h1), (w2, h2) = png_size(small), png_size(large)
    assert (w2, h2) == pytest.approx((2 * w1, 2 * h1), abs=2)
    svg = tmp_path / "chart"
    answer_save(monkeypatch, svg, "SVG drawing (*.svg)")
    chart.save_button.click()
    text = svg.with_suffix(".svg").read_text(encoding="utf-8")
    assert "<svg" in text
    assert "Coded segments by outlet" in text  # the text stays text
    pdf = tmp_path / "chart.pdf"
    answer_save(monkeypatch, pdf)
    chart.save_button.click()
    assert pdf.read_bytes()[:5] == b"%PDF-"

    # Lines of code shares over the years, then the co-occurrence heat map.
    choose(analysis.panel.by, "date")
    assert chart.chosen_kind() == "lines"  # periods are drawn as lines
    qtbot.waitUntil(lambda: chart.figure is not None and bool(chart.figure.axes[0].get_lines()))
    choose(analysis.panel.table, "cooccurrence")
    qtbot.waitUntil(lambda: chart.figure is not None and bool(chart.figure.axes[0].images))
    assert not chart.kind.isVisible()  # a heat map is of one kind


def test_without_matplotlib_the_table_works(
    window: MainWindow,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("matplotlib", "matplotlib.figure", "matplotlib.backends.backend_qtagg"):
        monkeypatch.setitem(sys.modules, name, None)  # import fails as if not installed
    analysis = open_analysis(window, qtbot)
    chart = analysis.chart
    qtbot.waitUntil(lambda: bool(chart.message.text()))
    assert chart.message.isVisible()
    assert "pip install 'annotator[analysis]'" in chart.message.text()
    assert "\n" not in chart.message.text()
    assert chart.canvas is None
    assert not chart.save_button.isEnabled()
    assert analysis.model.rowCount() > 2
    assert int(shown(analysis, "Total", "Total")) > 0
    target = tmp_path / "table.csv"
    assert analysis.export_table(target) == target
    assert NO_MATPLOTLIB.startswith("Charts need")


def test_an_outlet_named_total_is_told_apart_from_the_totals_column(
    demo_project: Project, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outlet = demo_project.documents.variable("outlet")
    assert outlet is not None
    renamed = demo_project.documents.all()[0].id
    demo_project.documents.set_values(renamed, {outlet.id: "Total"})
    window = open_window(qtbot, demo_project)
    window.show_all_action.trigger()
    analysis = open_analysis(window, qtbot)
    seen = headers(analysis)
    assert seen.count("Total") == 1  # the outlet, as it is called
    assert seen[-1] == "Total (all groups)"  # ours, last
    n_row = as_shown(window)[-1]
    assert n_row[seen.index("Total")] == "1"  # the outlet holds the one article
    assert int(n_row[-1]) == len(demo_project.documents.all())

    target = tmp_path / "table.csv"
    answer_save(monkeypatch, target)
    analysis.export_button.click()
    with target.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert len(set(header)) == len(header)
    assert header[-1] == "Total (all groups)"
