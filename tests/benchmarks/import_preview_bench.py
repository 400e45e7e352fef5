"""The import preview with 10,000 articles: show them, untick them all, sort by date.

Run by ``run.py`` (keys ``import_preview_*``), offscreen, from the action to the end of the
repaint it causes:

    python tests/benchmarks/import_preview_bench.py [ROWS]
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from annotator.services.import_preview import DuplicateFlag, PreviewRow

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

IMPORT_PREVIEW_KEYS = {
    "import_preview_show_10k_ms",
    "import_preview_tick_10k_ms",
    "import_preview_sort_10k_ms",
}
OUTLETS = ["Seoul Ledger", "Pacific Wire", "Border Monitor", "Northeast Asia Dispatch"]


def preview_rows(count: int) -> tuple[list[PreviewRow], dict[int, DuplicateFlag]]:
    """Rows as a reading of exports gives them; one in fifty a duplicate of an earlier one."""
    rng = random.Random(3)
    first = date(2010, 1, 1)
    rows = [
        PreviewRow(
            index,
            f"Headline number {index} about the border and the brokers",
            rng.choice(OUTLETS),
            (first + timedelta(days=rng.randrange(5000))).isoformat(),
            rng.randint(80, 3000),
            f"export-{index // 100}.html",
        )
        for index in range(count)
    ]
    flags = {
        index: DuplicateFlag(rows[index - 1].headline, rng.choice((1.0, 0.93)), index - 1)
        for index in range(1, count, 50)
    }
    return rows, flags


def bench_import_preview(rows_count: int, repeat: int = 3) -> dict[str, float]:
    from annotator.ui.app import application

    app = application()
    rows, flags = preview_rows(rows_count)
    runs = [_once(app, rows, flags) for _ in range(repeat)]
    return {key: statistics.median(run[key] for run in runs) for key in IMPORT_PREVIEW_KEYS}


def _once(
    app: QApplication, rows: list[PreviewRow], flags: dict[int, DuplicateFlag]
) -> dict[str, float]:
    from PySide6.QtCore import Qt

    from annotator.services.imports import ReadBatch
    from annotator.ui.intake.jobs import Preview
    from annotator.ui.intake.model import DATE
    from annotator.ui.intake.preview import PreviewPage

    page = PreviewPage()
    page.resize(1190, 700)
    page.show()
    app.processEvents()

    def timed(action: Callable[[], object]) -> float:
        began = time.perf_counter()
        action()
        page.view.viewport().repaint()
        app.processEvents()
        return (time.perf_counter() - began) * 1000

    preview = Preview(ReadBatch(), rows, flags)
    header = page.view.horizontalHeader()
    result = {
        "import_preview_show_10k_ms": timed(lambda: page.show_preview(preview)),
        "import_preview_tick_10k_ms": timed(lambda: page.tick_none.click()),
        "import_preview_sort_10k_ms": timed(
            lambda: header.setSortIndicator(DATE, Qt.SortOrder.DescendingOrder)
        ),
    }
    assert page.model.rowCount() == len(rows)
    page.close()
    page.deleteLater()
    app.processEvents()
    return result


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    print(json.dumps(bench_import_preview(size)))
