"""The article list over 10,000 news articles: open the window, sort by date, filter by value.

Run by ``run.py`` (keys ``article_list_*``); each measurement runs in a fresh process, so
nothing is cached from the previous one:

    python tests/benchmarks/article_list_bench.py --child PROJECT
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from annotator.domain.model import VariableType
from annotator.services import create_project

ARTICLE_LIST_KEYS = {
    "article_list_open_10k_s",
    "article_list_sort_10k_ms",
    "article_list_sort_again_10k_ms",
    "article_list_filter_10k_ms",
}
OUTLETS = ["Seoul Ledger", "Pacific Wire", "Border Monitor", "Northeast Asia Dispatch"]


def build_news_project(path: Path, documents: int) -> None:
    """Articles with outlet, date (one in ten without), author and words; a few codings."""
    project = create_project(path)
    rng = random.Random(5)
    coder = project.coders.add("Ana").id
    variables = {
        name: project.documents.define_variable(name, type_).id
        for name, type_ in (
            ("outlet", VariableType.CATEGORY),
            ("date", VariableType.DATE),
            ("author", VariableType.TEXT),
            ("words", VariableType.NUMBER),
        )
    }
    now = "2026-01-01T00:00:00Z"
    rows = []
    for number in range(documents):
        text = f"Article {number}\n\n" + " ".join(
            rng.choice(("defector", "border", "broker", "Seoul", "family")) for _ in range(300)
        )
        rows.append(
            (
                str(uuid.uuid4()),
                f"Headline number {number}",
                f"export-{number // 100}.html",
                text,
                len(text),
                hashlib.sha256(text.encode()).hexdigest(),
                now,
            )
        )
    code = project.codebook.tree().codes()[1].id
    with project.transaction():
        project.db.conn.executemany(
            "INSERT INTO documents (guid, name, source, text, length, sha256, imported_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        ids = [row[0] for row in project.db.execute("SELECT id FROM documents")]
        values = []
        first = date(2010, 1, 1)
        for document_id in ids:
            values.append((document_id, variables["outlet"], rng.choice(OUTLETS)))
            if rng.random() > 0.1:
                day = first + timedelta(days=rng.randrange(5000))
                values.append((document_id, variables["date"], day.isoformat()))
            values.append((document_id, variables["author"], f"Author {rng.randrange(400)}"))
            values.append((document_id, variables["words"], str(rng.randint(80, 3000))))
        project.db.conn.executemany(
            "INSERT INTO document_values (document_id, variable_id, value) VALUES (?, ?, ?)",
            values,
        )
        project.db.conn.executemany(
            'INSERT INTO codings (guid, document_id, coder_id, code_id, start, "end", created_at, '
            "updated_at) VALUES (?, ?, ?, ?, 0, 7, ?, ?)",
            [(str(uuid.uuid4()), i, coder, code, now, now) for i in ids[::3]],
        )
    project.close()


def child(path: str) -> None:
    """In a fresh process: open the window, sort by date (newest first, then oldest first:
    the rows shown then are new ones, read from the project), filter by a month."""
    from PySide6.QtCore import Qt

    from annotator.storage import Project
    from annotator.ui.app import application
    from annotator.ui.controller import Controller
    from annotator.ui.main_window import MainWindow

    app = application()
    started = time.perf_counter()
    project = Project.open(path)
    window = MainWindow(Controller(project, project.coders.find("Ana")))
    window.resize(1400, 900)
    window.show()
    window.repaint()
    app.processEvents()
    opened = time.perf_counter() - started
    panel = window.documents
    model = panel.model
    column = next(
        c
        for c in range(model.columnCount())
        if model.headerData(c, Qt.Orientation.Horizontal) == "date"
    )

    def timed(action: object) -> float:
        began = time.perf_counter()
        action()  # type: ignore[operator]
        panel.view.viewport().repaint()
        app.processEvents()
        return (time.perf_counter() - began) * 1000

    header = panel.view.horizontalHeader()  # a click on it sets its sort indicator
    sort = timed(lambda: header.setSortIndicator(column, Qt.SortOrder.DescendingOrder))
    again = timed(lambda: header.setSortIndicator(column, Qt.SortOrder.AscendingOrder))
    filtered = timed(lambda: filter_march(panel))
    print(
        json.dumps(
            {
                "article_list_open_10k_s": opened,
                "article_list_sort_10k_ms": sort,
                "article_list_sort_again_10k_ms": again,
                "article_list_filter_10k_ms": filtered,
            }
        )
    )
    window.close()
    project.close()


def filter_march(panel: object) -> None:
    """Only the articles of March 2015 (where the list can filter by a variable's value)."""
    add = getattr(panel, "add_condition", None)
    if add is None:
        return
    from annotator.ui.article_filter import Condition

    add(Condition.range_of("date", VariableType.DATE, "2015-03", "2015-03"))


def bench_article_list(folder: Path, documents: int) -> dict[str, float]:
    path = folder / "news.annotator"
    build_news_project(path, documents)
    runs = []
    for _ in range(3):
        result = subprocess.run(
            [sys.executable, __file__, "--child", str(path)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "ANNOTATOR_HOME": str(folder / "home")},
        )
        runs.append(json.loads(result.stdout.strip().splitlines()[-1]))
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2])
    else:
        import tempfile

        with tempfile.TemporaryDirectory() as temporary:
            size = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
            print(json.dumps(bench_article_list(Path(temporary), size)))
