"""The Analysis window on the large project (200,000 codings over 10,000 articles, with a
date added to each article): how long the table takes to show new figures when an option
changes — from the change to the end of the table's repaint — for a new grouping (outlet,
year of the date, coder, all articles), other coders, and another unit. The key
``analysis_window_update_ms`` is the slowest of the three medians; the chart, drawn after the
table, and the co-occurrence table (within, rows) are timed apart.

Run by ``run.py`` (keys ``analysis_window_*``), in a fresh process:

    python tests/benchmarks/analysis_window_bench.py --child PROJECT
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from annotator.domain.model import VariableType
from annotator.storage import Project

ANALYSIS_WINDOW_KEYS = {
    "analysis_window_update_ms",
    "analysis_window_group_ms",
    "analysis_window_coders_ms",
    "analysis_window_unit_ms",
    "analysis_window_chart_ms",
    "analysis_window_cooccurrence_ms",
    "analysis_window_open_s",
}
REPEATS = 5


def with_dates(large: Path, folder: Path) -> Path:
    """A copy of the large project whose articles have dates over six years."""
    path = folder / "large-dated.annotator"
    if path.exists():
        return path
    shutil.copyfile(large, path)
    rng = random.Random(7)
    with Project.open(path) as project:
        day = project.documents.define_variable("date", VariableType.DATE)
        first = date(2016, 1, 1)
        ids = [d for (d,) in project.db.execute("SELECT id FROM documents")]
        with project.transaction():
            project.db.conn.executemany(
                "INSERT INTO document_values (document_id, variable_id, value) VALUES (?, ?, ?)",
                [
                    (i, day.id, (first + timedelta(days=rng.randrange(2190))).isoformat())
                    for i in ids
                ],
            )
    return path


def bench_analysis_window(large: Path, folder: Path, repeats: int = REPEATS) -> dict[str, float]:
    """Measure in a child process (nothing cached from other benchmarks)."""
    path = with_dates(large, folder)
    found = subprocess.run(
        [sys.executable, __file__, "--child", str(path), str(repeats)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "ANNOTATOR_HOME": str(folder / "analysis-window-home")},
    )
    results: dict[str, float] = json.loads(found.stdout.strip().splitlines()[-1])
    return results


def child(path: str, repeats: int = REPEATS) -> None:
    from annotator.ui.app import application
    from annotator.ui.controller import Controller
    from annotator.ui.main_window import MainWindow

    app = application()
    project = Project.open(path, read_only=True)
    coder = project.coders.find("Ana")
    assert coder is not None
    window = MainWindow(Controller(project, coder))
    window.resize(1400, 860)
    window.show()
    window.show_all_action.trigger()
    app.processEvents()
    started = time.perf_counter()
    analysis = window.show_analysis()
    analysis.resize(1400, 900)
    analysis.view.viewport().repaint()
    opened = time.perf_counter() - started
    app.processEvents()
    panel = analysis.panel

    def settle() -> None:
        """Let the window finish what the last change started — the chart drawn, laid out
        and painted — as it has when the user next acts."""
        if analysis._chart_timer.isActive():  # the user pauses: the chart is drawn
            analysis._chart_timer.stop()
            analysis.draw_chart()
        for _ in range(4):
            app.processEvents()
            if analysis.chart.canvas is not None:
                analysis.chart.canvas.repaint()

    def timed(change: Callable[[], None]) -> float:
        """From the change to the table repainted (the chart waits on the event loop)."""
        settle()
        began = time.perf_counter()
        change()
        analysis.view.viewport().repaint()
        return (time.perf_counter() - began) * 1000

    def pick(combo: object, value: str) -> Callable[[], None]:
        return lambda: combo.setCurrentIndex(combo.findData(value))  # type: ignore[attr-defined]

    groups, coders, units = [], [], []
    ana = project.coders.find("Ana")
    ben = project.coders.find("Ben")
    assert ana is not None
    assert ben is not None
    for _ in range(repeats):
        for value in ("date", "coder", "all", "outlet"):
            groups.append(timed(pick(panel.by, value)))
        for coder_id in (ana.id, ben.id, ana.id, ben.id):  # Ana; both; Ben; everyone
            coders.append(timed(panel.coders.action_of(coder_id).trigger))
        for value in ("articles", "characters", "segments"):
            units.append(timed(pick(panel.unit, value)))
    assert (
        int(analysis.model.text(analysis.model.rowCount() - 2, analysis.model.columnCount() - 1))
        == project.codings.count()
    )
    pick(panel.table, "cooccurrence")()  # the codings' places read once, here
    pairs = []
    for _ in range(repeats):
        for value in ("article", "passage"):
            pairs.append(timed(pick(panel.within, value)))
        for value in ("dimensions", "codes"):
            pairs.append(timed(pick(panel.rows, value)))
    pick(panel.table, "frequencies")()
    charts = []
    for _ in range(repeats):
        began = time.perf_counter()
        analysis.draw_chart()
        assert analysis.chart.canvas is not None
        analysis.chart.canvas.repaint()
        charts.append((time.perf_counter() - began) * 1000)
    results = {
        "analysis_window_group_ms": statistics.median(groups),
        "analysis_window_coders_ms": statistics.median(coders),
        "analysis_window_unit_ms": statistics.median(units),
        "analysis_window_chart_ms": statistics.median(charts),
        "analysis_window_cooccurrence_ms": statistics.median(pairs),
        "analysis_window_open_s": opened,
    }
    results["analysis_window_update_ms"] = max(
        results[k]
        for k in (
            "analysis_window_group_ms",
            "analysis_window_coders_ms",
            "analysis_window_unit_ms",
        )
    )
    window.close()
    project.close()
    print(json.dumps(results))


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--child":
        child(sys.argv[2], *(int(a) for a in sys.argv[3:4]))
