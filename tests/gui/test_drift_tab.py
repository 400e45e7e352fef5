"""The Agreement window's Drift tab: the table and the chart of the windows the service gives,
batches, another level, Save chart, Stop, and how it looks at 1400×900 and 1280×720."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from annotator.services.agreement import Request
from annotator.services.drift import drift
from annotator.storage import Project
from annotator.ui.dialogs.agreement import AgreementWindow
from annotator.ui.reliability import drift_tab
from annotator.ui.reliability.drift_tab import DriftTab
from tests.gui.conftest import open_window
from tests.services.drift_project import build


@pytest.fixture
def project(tmp_path: Path) -> Project:
    opened = build(tmp_path / "drift.annotator")
    yield opened  # type: ignore[misc]
    opened.close()


def _tab(qtbot: QtBot, project: Project) -> tuple[AgreementWindow, DriftTab]:
    window = open_window(qtbot, project)
    view = window.show_agreement()
    qtbot.waitExposed(view)
    view.level.setCurrentIndex(1)  # article level
    view.tabs.setCurrentWidget(view.drift_tab)
    return view, view.drift_tab


def _compute(qtbot: QtBot, tab: DriftTab) -> None:
    with qtbot.waitSignal(tab.computed, timeout=30_000):
        tab.compute_button.click()


def _cells(tab: DriftTab, row: int) -> list[str]:
    return [tab.model.index(row, c).data() for c in range(tab.model.columnCount())]


def test_monthly_drift_shows_the_services_figures(
    qtbot: QtBot, project: Project, tmp_path: Path, qtmodeltester: ModelTester
) -> None:
    _view, tab = _tab(qtbot, project)
    tab.set_period("month")
    _compute(qtbot, tab)
    expected = drift(project, Request(coders=["Ana", "Ben", "Cleo"], levels=("document",)), "month")
    tracks = expected.tracks("document")
    assert tab.model.rowCount() == len(tracks) * 7
    first = tracks[0].measures[0]
    assert first is not None
    assert first.krippendorff_alpha is not None
    assert first.alpha_ci95
    assert _cells(tab, 0)[:5] == [
        "All codes",
        "2024-01",
        "5",
        "20",
        f"{first.krippendorff_alpha:.3f}",
    ]
    assert _cells(tab, 0)[5] == f"[{first.alpha_ci95[0]:.2f}, {first.alpha_ci95[1]:.2f}]"
    assert _cells(tab, 6)[:3] == ["", "2024-07", "1"]  # the measure named once, on its first row
    assert _cells(tab, 6)[5] == "—"
    assert "36 articles compared in 7 windows" in tab.status.text()
    assert tab.level.currentText() == "Article level"
    assert tab.chart.figure is not None
    qtmodeltester.check(tab.model)
    saved = tab.save_chart(tmp_path / "drift.svg")
    assert saved is not None
    assert "α = .800: reliable" in saved.read_text(encoding="utf-8")


def test_batches_and_another_level(qtbot: QtBot, project: Project) -> None:
    view, tab = _tab(qtbot, project)
    view.level.setCurrentIndex(0)  # every level
    tab.set_period("batch", 10)
    assert tab.batch_size.isEnabled()
    _compute(qtbot, tab)
    assert [tab.model.index(r, 1).data() for r in range(4)] == [f"Batch {k}" for k in range(1, 5)]
    assert [tab.model.index(r, 2).data() for r in range(4)] == ["10", "10", "10", "6"]
    assert tab.level.count() == 4
    tab.level.setCurrentIndex(tab.level.findData("character"))
    expected = drift(project, Request(coders=["Ana", "Ben", "Cleo"]), "batch", batch_size=10)
    overall = expected.tracks("character")[0].measures[0]
    assert overall is not None
    assert overall.krippendorff_alpha is not None
    assert tab.model.index(0, 3).data() == f"{overall.units:,}"
    assert tab.model.index(0, 4).data() == f"{overall.krippendorff_alpha:.3f}"


def test_stop_keeps_what_was_shown(
    qtbot: QtBot, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The worker waits after its first window until Stop is pressed: a fast machine measured
    # all 36 windows between "Measured" and Stop, and the test found nothing stopped.
    pressed = threading.Event()
    measure = drift_tab.measure_drift

    def held(plan: object, going_on: Callable[[int, int], bool]) -> object:
        def going_on_held(done: int, total: int) -> bool:
            if not going_on(done, total):
                return False
            pressed.wait(30)
            return going_on(done, total)

        return measure(plan, going_on_held)  # type: ignore[arg-type]

    monkeypatch.setattr(drift_tab, "measure_drift", held)
    _view, tab = _tab(qtbot, project)
    tab.set_period("batch", 1)
    tab.compute_button.click()
    assert tab.stop_button.isVisibleTo(tab)
    assert not tab.compute_button.isEnabled()
    qtbot.waitUntil(lambda: "Measured" in tab.status.text(), timeout=30_000)
    tab.cancel()
    pressed.set()
    qtbot.waitUntil(lambda: tab.compute_button.isEnabled(), timeout=30_000)
    assert tab.status.text().startswith("Stopped")
    assert tab.drift is None
    assert tab.model.rowCount() == 0


@pytest.mark.parametrize("size", [(1400, 900), (1280, 720)])
def test_screenshot(qtbot: QtBot, project: Project, size: tuple[int, int]) -> None:
    view, tab = _tab(qtbot, project)
    view.resize(*size)
    tab.set_period("month")
    _compute(qtbot, tab)
    assert tab.chart.canvas is not None
    tab.chart.canvas.draw()
    QApplication.processEvents()  # the canvas's resize and repaint, queued
    image = view.grab()
    assert image.save(f"/tmp/an15drift-window-{size[0]}.png")
    assert tab.chart.canvas is not None
    assert tab.chart.canvas.width() > 300


def test_figures_for_other_options_are_taken_away(qtbot: QtBot, project: Project) -> None:
    view, tab = _tab(qtbot, project)
    _compute(qtbot, tab)
    assert tab.model.rowCount() > 0
    view.level.setCurrentIndex(view.level.currentIndex())  # the same options: kept
    assert tab.model.rowCount() > 0
    view.level.setCurrentIndex(2)  # another level above: the drift shown answers no longer
    assert tab.model.rowCount() == 0
    assert tab.status.text() == "Options changed: Compute drift again."
    _compute(qtbot, tab)
    assert tab.model.rowCount() > 0
