"""Speed benchmarks. Prints one JSON object whose keys are the figures the issues name.

    python tests/benchmarks/run.py            # full sizes
    python tests/benchmarks/run.py --quick    # small sizes, a smoke run
    python tests/benchmarks/run.py --only open_ratio,apply_code_ms
    python tests/benchmarks/run.py --keys     # every key it can print, measuring nothing

Times are medians of repeated runs, in seconds (``_s``) or milliseconds (``_ms``). Synthetic
projects are built in a temporary folder; GUI figures are measured offscreen, from the action
to the end of the repaint it causes.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from analysis_bench import ANALYSIS_KEYS, bench_analysis
from analysis_window_bench import ANALYSIS_WINDOW_KEYS, bench_analysis_window
from article_list_bench import ARTICLE_LIST_KEYS, bench_article_list
from bundle_smoke import BUNDLE_KEYS, NOTE_KEY, bench_bundle
from drift_bench import DRIFT_KEYS, bench_drift
from import_preview_bench import IMPORT_PREVIEW_KEYS, bench_import_preview
from machine_bench import MACHINE_KEYS, bench_machine
from machine_llm_bench import MACHINE_LLM_KEYS, bench_machine_llm
from machine_suggestions_bench import MACHINE_SUGGESTIONS_KEYS, bench_machine_suggestions
from news_imports_bench import (
    BIGKINDS_KEYS,
    NEW_FORMATS,
    PROQUEST_CLI_KEYS,
    bench_bigkinds,
    bench_proquest_cli,
)
from reliability_pairs_bench import PAIRS_KEYS, bench_pairs
from retrieval_bench import RETRIEVAL_KEYS, bench_retrieval
from search_bench import SEARCH_KEYS, bench_search

from annotator.domain.model import VariableType
from annotator.services import create_project
from annotator.storage import Project

PROSE = (
    "the official said workers defected from a restaurant abroad and crossed the border into a "
    "third country where brokers arranged passage to Seoul according to sources inside the North "
    "who asked not to be named because of security concerns while state media denounced the "
    "defectors as traitors and families received remittances"
)
WORDS = PROSE.split()

OPEN_REPEATS = 41
FULL = {
    "article_chars": 1_000_000,
    "codings": 10_000,
    "documents": 10_000,
    "project_codings": 200_000,
    "agreement_articles": 1_000,
    "character_chars": 1_000_000,
    "refi_codings": 25_000,
    "codebook_codes": 10_000,
    "backup_mb": 200,
    "near_duplicate_project": 50_000,
    "near_duplicate_batch": 1_000,
    "near_duplicate_index": 10_000,
    "import_articles": 10_000,
    "import_sheet_mb": 127,
    "import_bigkinds_rows": 100_000,
    "search_articles": 10_000,
    "machine_trained": 2_000,
    "machine_coded": 1_000,
}
QUICK = {
    "article_chars": 100_000,
    "codings": 1_000,
    "documents": 500,
    "project_codings": 5_000,
    "agreement_articles": 50,
    "character_chars": 100_000,
    "refi_codings": 2_000,
    "codebook_codes": 1_000,
    "backup_mb": 20,
    "near_duplicate_project": 2_000,
    "near_duplicate_batch": 200,
    "near_duplicate_index": 500,
    "import_articles": 1_000,
    "import_sheet_mb": 8,
    "import_bigkinds_rows": 5_000,
    "search_articles": 500,
    "machine_trained": 200,
    "machine_coded": 100,
}


def article_text(characters: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    paragraphs, size = [], 0
    while size < characters:
        words = [rng.choice(WORDS) for _ in range(rng.randint(40, 160))]
        paragraph = " ".join(words).capitalize() + "."
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(paragraphs)


def _insert_codings(project: Project, rows: list[tuple[object, ...]]) -> None:
    """Codings straight into the table (guid, document, coder, code, start, end, times)."""
    project.db.conn.executemany(
        'INSERT INTO codings (guid, document_id, coder_id, code_id, start, "end", '
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def median_time(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _bulk_codings(
    project: Project, document_id: int, length: int, count: int, coder_id: int, seed: int
) -> None:
    rng = random.Random(seed)
    codes = [code.id for code in project.codebook.tree().codes()]
    now = "2026-01-01T00:00:00Z"
    rows = []
    for _ in range(count):
        start = rng.randrange(0, length - 1)
        end = min(length, start + rng.randint(15, 400))
        rows.append(
            (str(uuid.uuid4()), document_id, coder_id, rng.choice(codes), start, end, now, now)
        )
    with project.transaction():
        _insert_codings(project, rows)


# -- the reader: opening a long article, applying and removing one code ------------------------


def bench_reader(folder: Path, sizes: dict[str, int], only: set[str] | None) -> dict[str, float]:
    from annotator.ui.app import application
    from annotator.ui.controller import Controller
    from annotator.ui.main_window import MainWindow

    app = application()
    text = article_text(sizes["article_chars"])
    results: dict[str, float] = {}

    def open_window(coded: bool) -> tuple[MainWindow, int, int]:
        name = "coded" if coded else "uncoded"
        project = create_project(folder / f"{name}.annotator")
        small = project.documents.add("small", "small.txt", "A short article.")
        big = project.documents.add("long", "long.txt", text)
        coder = project.coders.add("Ana")
        if coded:
            _bulk_codings(project, big.id, len(text), sizes["codings"], coder.id, seed=1)
        window = MainWindow(Controller(project, coder))
        window.resize(1400, 860)
        window.show()
        app.processEvents()
        return window, small.id, big.id

    def open_once(window: MainWindow, small: int, big: int) -> tuple[float, float]:
        """Open the long article, coming from the short one. Returns the time until the article
        is on screen with all its highlights and stripes, and until the whole window has
        settled (the codings list and the codebook's counts follow the article)."""
        controller = window.controller
        controller.open_document(small)
        app.processEvents()
        started = time.perf_counter()
        controller.open_document(big)
        window.reader.viewport().repaint()
        window.reader.stripes.repaint()
        shown = time.perf_counter() - started
        window.repaint()
        app.processEvents()
        return shown, time.perf_counter() - started

    # Both windows stay open and are measured in turn, so that drift in the machine's speed
    # falls on both sides of the ratio alike.
    uncoded, small_u, big_u = open_window(coded=False)
    coded, small_c, big_c = open_window(coded=True)
    plain_times, coded_times = [], []
    for _ in range(OPEN_REPEATS):
        plain_times.append(open_once(uncoded, small_u, big_u))
        coded_times.append(open_once(coded, small_c, big_c))
    results["open_uncoded_s"] = statistics.median(t[0] for t in plain_times)
    results["open_10k_s"] = statistics.median(t[0] for t in coded_times)
    results["open_ratio"] = results["open_10k_s"] / results["open_uncoded_s"]
    results["open_uncoded_idle_s"] = statistics.median(t[1] for t in plain_times)
    results["open_10k_idle_s"] = statistics.median(t[1] for t in coded_times)
    results["open_idle_ratio"] = results["open_10k_idle_s"] / results["open_uncoded_idle_s"]
    assert coded.reader.span_count() == sizes["codings"]
    uncoded.close()

    # Apply and remove one code on the visible part of the long article.
    controller = coded.controller
    controller.open_document(big_c)
    app.processEvents()
    code = controller.codebook.find("Actor type > Diplomat")
    assert code is not None
    rng = random.Random(3)
    applied: list[int] = []
    apply_times, remove_times = [], []
    for _ in range(15):
        start = rng.randrange(0, 1500)
        coded.reader.select_span(start, start + 40)
        coded.reader.moveCursor(coded.reader.textCursor().MoveOperation.Start)
        coded.reader.select_span(start, start + 40)
        app.processEvents()
        before = controller.project.codings.count()
        started = time.perf_counter()
        coded.apply(code.id)
        coded.repaint()
        app.processEvents()
        apply_times.append(time.perf_counter() - started)
        if controller.project.codings.count() == before + 1:
            applied.append(max(c.id for c in controller.project.codings.for_code(code.id)))
    for coding_id in applied:
        started = time.perf_counter()
        controller.remove_codings([coding_id])
        coded.repaint()
        app.processEvents()
        remove_times.append(time.perf_counter() - started)
    results["apply_code_ms"] = statistics.median(apply_times) * 1000
    results["remove_code_ms"] = statistics.median(remove_times) * 1000
    coded.close()
    return results


# -- a large project: opening its window ----------------------------------------------------------


def build_large_project(path: Path, sizes: dict[str, int]) -> None:
    project = create_project(path)
    rng = random.Random(11)
    coder_ids = [project.coders.add(name).id for name in ("Ana", "Ben")]
    outlet = project.documents.define_variable("outlet", VariableType.CATEGORY)
    now = "2026-01-01T00:00:00Z"
    documents = []
    for number in range(sizes["documents"]):
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(250, 450)))
        text = f"Article {number}\n\n{body}."
        documents.append(
            (
                str(uuid.uuid4()),
                f"article-{number:05d}",
                f"article-{number:05d}.txt",
                text,
                len(text),
                hashlib.sha256(text.encode()).hexdigest(),
                now,
            )
        )
    codes = [code.id for code in project.codebook.tree().codes()]
    with project.transaction():
        project.db.conn.executemany(
            "INSERT INTO documents (guid, name, source, text, length, sha256, imported_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            documents,
        )
        ids = [row[0] for row in project.db.execute("SELECT id, length FROM documents")]
        lengths = dict(project.db.execute("SELECT id, length FROM documents").fetchall())
        project.db.conn.executemany(
            "INSERT INTO document_values (document_id, variable_id, value) VALUES (?, ?, ?)",
            [
                (i, outlet.id, rng.choice(["Seoul Ledger", "Pacific Wire", "Border Monitor"]))
                for i in ids
            ],
        )
        codings = []
        for _ in range(sizes["project_codings"]):
            document_id = rng.choice(ids)
            start = rng.randrange(0, lengths[document_id] - 10)
            end = min(lengths[document_id], start + rng.randint(10, 300))
            codings.append(
                (
                    str(uuid.uuid4()),
                    document_id,
                    rng.choice(coder_ids),
                    rng.choice(codes),
                    start,
                    end,
                    now,
                    now,
                )
            )
        _insert_codings(project, codings)
        project.db.conn.executemany(
            "INSERT INTO document_status (document_id, coder_id, status, updated_at) "
            "VALUES (?, ?, 'done', ?)",
            [(i, coder_ids[0], now) for i in ids[: len(ids) // 2]],
        )
    project.close()


def open_large_project_child(path: str) -> None:
    """In a fresh process: open the project's window, scroll the list; report time and memory."""
    from annotator.ui.app import application
    from annotator.ui.controller import Controller
    from annotator.ui.main_window import MainWindow

    app = application()
    started = time.perf_counter()
    project = Project.open(path)
    coder = project.coders.find("Ana")
    window = MainWindow(Controller(project, coder))
    window.resize(1400, 860)
    window.show()
    window.repaint()
    app.processEvents()
    opened = time.perf_counter() - started
    view = window.documents.view
    bar = view.verticalScrollBar()
    steps = []
    for value in range(0, bar.maximum(), max(bar.pageStep(), 1)):
        step_started = time.perf_counter()
        bar.setValue(value)
        view.viewport().repaint()
        app.processEvents()
        steps.append(time.perf_counter() - step_started)
    rss_kb = _own_peak_kb()
    print(
        json.dumps(
            {
                "open_project_10k_docs_s": opened,
                "scroll_page_ms": statistics.median(steps) * 1000 if steps else 0.0,
                "scroll_page_max_ms": max(steps) * 1000 if steps else 0.0,
                "peak_rss_mb": rss_kb / 1024,
            }
        )
    )
    window.close()
    project.close()


def bench_large_project(folder: Path, sizes: dict[str, int]) -> dict[str, float]:
    path = folder / "large.annotator"
    build_large_project(path, sizes)
    runs = []
    for _ in range(3):
        child = subprocess.run(
            [sys.executable, __file__, "--child-open", str(path)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "ANNOTATOR_HOME": str(folder / "home")},
        )
        runs.append(json.loads(child.stdout.strip().splitlines()[-1]))
    results = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    results.update(bench_open_checks(path))
    results.update(bench_exports(path, folder))
    return results


def bench_open_checks(path: Path) -> dict[str, float]:
    """What checking the large project costs: the checks every opening runs (the schema
    against the migrations, the small tables page by page), and every page of the file
    (PRAGMA quick_check, which the window runs in the background and writing commands first)."""
    import sqlite3

    from annotator.storage import verify

    def open_checks() -> None:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            assert verify.schema_problems(connection) == []
            assert verify.small_tables_damage(connection) == []
        finally:
            connection.close()

    return {
        "open_checks_10k_docs_ms": median_time(open_checks, 9) * 1000,
        "page_check_10k_docs_s": median_time(lambda: verify.damage_of_file(path), 3),
    }


def bench_exports(path: Path, folder: Path) -> dict[str, float]:
    """The long and the wide CSV of the large project (its 200,000 codings)."""
    from annotator.services.exports import export_segments
    from annotator.services.matrix import export_matrix

    with Project.open(path, read_only=True) as project:
        long = median_time(lambda: export_segments(project, folder / "long.csv"), 3)
        wide = median_time(lambda: export_matrix(project, folder / "wide.csv"), 3)
    return {"export_long_200k_s": long, "export_wide_200k_s": wide}


# -- agreement: 3 coders × 1,000 articles × 20 codes; character level over 1 MB ---------------


def build_agreement_project(
    path: Path, articles: int, length: int, per_article: int, seed: int
) -> tuple[int, int]:
    """Three coders code the same articles with 20 codes (4 dimensions, the first exclusive):
    they mostly agree, each moving some boundaries and dropping or adding some codings.
    Returns (codings, characters)."""
    project = Project.create(path)
    rng = random.Random(seed)
    codes = []
    for d in range(4):
        dimension = project.codebook.add(f"Dimension {d + 1}", exclusive=d == 0)
        codes += [project.codebook.add(f"Code {d + 1}.{k + 1}", dimension.id).id for k in range(5)]
    coders = [project.coders.add(name).id for name in ("Ana", "Ben", "Cleo")]
    now = "2026-01-01T00:00:00Z"
    documents, codings, statuses = [], [], []
    for number in range(articles):
        text = article_text(length, seed=number)[:length]
        documents.append(
            (
                str(uuid.uuid4()),
                f"a{number:05d}",
                f"a{number:05d}.txt",
                text,
                len(text),
                hashlib.sha256(text.encode()).hexdigest(),
                now,
            )
        )
    with project.transaction():
        project.db.conn.executemany(
            "INSERT INTO documents (guid, name, source, text, length, sha256, imported_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            documents,
        )
        for document_id, text_length in project.db.execute("SELECT id, length FROM documents"):
            base: list[tuple[int, int, int]] = []
            for _ in range(per_article):
                start = rng.randrange(0, text_length - 60)
                code, end = rng.choice(codes), start + rng.randint(20, 300)
                # Dimension 1 is exclusive: no two of its codes on overlapping passages (every
                # route refuses them), 10 characters apart so that moved boundaries keep so.
                if code in codes[:5] and any(
                    other in codes[:5] and other != code and start < e + 10 and s < end + 10
                    for other, s, e in base
                ):
                    code = rng.choice(codes[5:])
                base.append((code, start, end))
            for coder in coders:
                statuses.append((document_id, coder, "done", now))
                for code, start, end in base:
                    if rng.random() < 0.08:
                        continue  # this coder missed it
                    shift = rng.randint(-5, 5) if rng.random() < 0.3 else 0
                    start, end = max(0, start + shift), min(text_length, end + shift)
                    codings.append(
                        (str(uuid.uuid4()), document_id, coder, code, start, end, now, now)
                    )
        _insert_codings(project, codings)
        project.db.conn.executemany(
            "INSERT INTO document_status (document_id, coder_id, status, updated_at) "
            "VALUES (?, ?, ?, ?)",
            statuses,
        )
    characters = sum(d[4] for d in documents)
    project.close()
    return len(codings), characters


def bench_agreement(folder: Path, sizes: dict[str, int], only: set[str] | None) -> dict[str, float]:
    from annotator.services.agreement import Request, measure

    results: dict[str, float] = {}
    if only is None or only & AGREEMENT_60K_KEYS:
        path = folder / "agreement.annotator"
        count, _ = build_agreement_project(path, sizes["agreement_articles"], 2_000, 20, seed=5)
        with Project.open(path, read_only=True) as project:
            results["agreement_60k_s"] = median_time(lambda: measure(project), 5)
        results["agreement_codings"] = count
    if only is None or only & CHARACTER_LEVEL_KEYS:
        path = folder / "characters.annotator"
        articles = sizes["character_chars"] // 10_000
        _, characters = build_agreement_project(path, articles, 10_000, 60, seed=6)
        with Project.open(path, read_only=True) as project:
            request = Request(levels=("character",))
            results["character_level_1mb_s"] = median_time(lambda: measure(project, request), 5)
        results["character_level_chars"] = characters
    return results


def bench_refi(folder: Path, sizes: dict[str, int]) -> dict[str, float]:
    """About 25,000 codings (three coders on 500 articles) out to .qdpx and into a fresh
    project."""
    from annotator.services.merge import merge_file
    from annotator.services.refi import export_qdpx

    path = folder / "refi.annotator"
    articles = sizes["refi_codings"] // 50
    count, _ = build_agreement_project(path, articles, 3_000, 18, seed=7)
    archive = folder / "refi.qdpx"
    with Project.open(path, read_only=True) as project:
        export = median_time(lambda: export_qdpx(project, archive), 3)

    def import_once() -> None:
        target = folder / "imported.annotator"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        with Project.create(target) as fresh:
            merge_file(fresh, archive)

    return {
        "qdpx_export_25k_s": export,
        "qdpx_import_25k_s": median_time(import_once, 3),
        "qdpx_codings": count,
    }


def bench_codebook(folder: Path, sizes: dict[str, int]) -> dict[str, float]:
    """A codebook of 10,000 codes (100 dimensions, some codes nested) merged into a fresh
    project: from a codebook file (.json) and from a REFI-QDA codebook (.qdc)."""
    from annotator.services import import_codebook

    count = sizes["codebook_codes"]
    per = 100
    dimensions = []
    for d in range(count // per):
        codes: list[dict[str, object]] = []
        for c in range(per - 1):
            node = {"name": f"Code {d}.{c}", "guid": str(uuid.UUID(int=d * per + c + 1))}
            if c % 3 == 2:  # every third code nested below the one before
                codes[-1].setdefault("codes", []).append(node)  # type: ignore[union-attr]
            else:
                codes.append(node)
        dimensions.append({"name": f"Dimension {d}", "codes": codes})
    source = folder / "codebook.json"
    source.write_text(json.dumps({"format": "annotator-codebook", "dimensions": dimensions}))

    def merge_into_fresh(path: Path) -> None:
        target = folder / "codebook.annotator"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        with Project.create(target) as fresh:
            report = import_codebook(fresh, path)
            assert len(report.added) == count, report.summary()

    qdc = folder / "codebook.qdc"
    merge_into_fresh(source)
    from annotator.services.refi import export_qdc

    with Project.open(folder / "codebook.annotator") as project:
        export_qdc(project, qdc)
    return {
        "codebook_import_10k_s": median_time(lambda: merge_into_fresh(source), 3),
        "qdc_import_10k_s": median_time(lambda: merge_into_fresh(qdc), 3),
        "codebook_codes": count,
    }


CODEBOOK_KEYS = {"codebook_import_10k_s", "qdc_import_10k_s", "codebook_codes"}


# -- backups: a snapshot of a large project, in the window's background, and a restore --------


def bench_backups(folder: Path, sizes: dict[str, int]) -> dict[str, float]:
    """A project of about ``backup_mb`` megabytes: how long a snapshot and a restore take, and
    the longest the window's event loop waits while the opening snapshot runs in its thread."""
    from PySide6.QtCore import QElapsedTimer, QTimer

    from annotator.services import backups
    from annotator.ui.app import application
    from annotator.ui.controller import Controller
    from annotator.ui.main_window import MainWindow

    app = application()
    base = article_text(100_000, seed=11)
    path = folder / "large-for-backups.annotator"
    project = create_project(path)
    coder = project.coders.add("Ana")
    count = sizes["backup_mb"] * 10
    with project.transaction():
        for number in range(count):
            project.documents.add(f"article {number}", f"a{number}.txt", f"{number}. {base}")
    for number in range(1, min(count, 200)):
        _bulk_codings(project, number, len(base), 100, coder.id, seed=number)
    project.checkpoint()
    size_mb = path.stat().st_size / 2**20
    snapshot_time = median_time(lambda: backups.snapshot_file(path, "benchmark"), 3)
    snapshot = backups.list_snapshots(path)[0]
    restore_time = median_time(lambda: backups.restore(project, snapshot), 3)

    window = MainWindow(Controller(project, coder))
    window.show()
    app.processEvents()
    backups.save_settings(backups.BackupSettings(every_hours=0))
    ticks: list[int] = []
    clock = QElapsedTimer()
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(clock.elapsed()))
    clock.start()
    timer.start()
    assert window.keeper.start()
    while window.keeper.busy:
        app.processEvents()
    timer.stop()
    gaps = [b - a for a, b in itertools.pairwise(ticks)] or [0]
    window.close()
    project.close()
    return {
        "backup_project_mb": round(size_mb, 1),
        "snapshot_200mb_s": snapshot_time,
        "restore_200mb_s": restore_time,
        "snapshot_window_stall_ms": float(max(gaps)),
    }


# -- imports: many articles per file ---------------------------------------------------------


def _factiva_html(stories: list[tuple[int, str]]) -> str:
    """A Factiva "Article Format" page as the browser saves it, one article per story."""
    parts = []
    for number, text in stories:
        paragraphs = "".join(
            f'<p class="articleParagraph enarticleParagraph">{p}</p>' for p in text.split("\n\n")
        )
        parts.append(
            f'<div id="article-CLEDG000{number:08d}ef4g0000a" class="article">'
            '<div class="article enArticle"><p>\n</p><div>Harbour</div>\n'
            f'<div id="hd"><span class="enHeadline">Story {number}: talks at the harbour</span>'
            f'\n</div><div class="author">Reporter {number % 50} </div>'
            f"<div>{len(text.split())} words</div><div>{1 + number % 28} April 2019</div>"
            "<div>The Coastal Ledger</div><div>CLEDG</div><div>English</div>"
            f"<div>(c) 2019 Coastal Ledger Media Ltd </div><p></p>{paragraphs}"
            f"<p>Document CLEDG000{number:08d}ef4g0000a</p></div></div><br><span></span>"
        )
    return (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8">'
        '<title>Factiva</title></head><body><div id="navcontainer" class="fcpNavContainer">'
        '<h1>Dow Jones Factiva</h1></div><form name="PageBaseForm" method="post" '
        'action="/hp/printsavews.aspx?pp=Save&amp;hc=Publication" id="PageBaseForm">'
        '<div id="contentWrapper"><div id="contentLeft" class="carryOverOpen"><span></span>'
        + "".join(parts)
        + '</div></div></form><div id="pageFooter"><div class="footerBG">© 2019 Factiva, Inc. '
        "All rights reserved.</div></div></body></html>"
    )


def _lexis_academic_text(stories: list[tuple[int, str]]) -> str:
    """A LexisNexis Academic plain-text download ("1 of 100 DOCUMENTS")."""
    parts = ["\ufeff\n\nDownload Request: Selected Items: 1-100\n\n"]
    for position, (number, text) in enumerate(stories, start=1):
        parts.append(
            f"\n                               {position} of {len(stories)} DOCUMENTS\n\n\n\n"
            "                                 Velmar Courier\n\n"
            f"                             April {1 + number % 28}, 2019 Tuesday\n\n"
            f"Story {number}: talks at the harbour\n\nBYLINE: Reporter {number % 50}\n\n"
            f"SECTION: NEWS; Pg. 4\n\nLENGTH: {len(text.split())} words\n\n\n{text}\n\n"
            "LOAD-DATE: April 30, 2019\n\nLANGUAGE: ENGLISH\n\n"
            "PUBLICATION-TYPE: Newspaper\n\n\n"
            "                      Copyright 2019 Velmar Courier Company\n"
            "                              All Rights Reserved\n"
        )
    return "".join(parts).replace("\n", "\r\n")


def build_article_exports(folder: Path, count: int) -> Path:
    """``count`` articles in database exports of 100 each, as the readers on main recognise
    them, the formats in turn: Factiva "Article Format" pages (HTML), LexisNexis Academic
    text, and those of issue 19 (news_imports_bench.NEW_FORMATS: ProQuest text and e-mail,
    Europresse HTML, Factiva tagged text and XML, APA RTF, a BIGKinds-shaped sheet); one story
    in a hundred is downloaded a second time (duplicates are checked). Also the same articles
    as one article sheet (.xlsx), for ``import_xlsx_10k_s``."""
    from tests.io.news.workbooks import ExcelDate, workbook

    exports = folder / "exports"
    exports.mkdir(exist_ok=True)
    stories = []
    for number in range(count):
        source = number - 1 if number % 100 == 99 else number  # a repeated story
        stories.append((source, article_text(2_500, seed=1_000 + source)))
    formats = (
        ("factiva-{:05d}.html", lambda path, batch: path.write_text(_factiva_html(batch), "utf-8")),
        (
            "lexis-{:05d}.TXT",
            lambda path, batch: path.write_bytes(_lexis_academic_text(batch).encode("utf-8")),
        ),
        *NEW_FORMATS,
    )
    for start in range(0, count, 100):
        name, write = formats[(start // 100) % len(formats)]
        write(exports / name.format(start), stories[start : start + 100])
    header = ["title", "text", "publish_date", "media_name", "author", "words"]
    rows: list[list[object]] = [header]
    for number, text in stories:
        rows.append(
            [
                f"Story {number}: talks at the harbour",
                text,
                ExcelDate(43556 + number % 28),
                "The Coastal Ledger",
                f"Reporter {number % 50}",
                len(text.split()),
            ]
        )
    (folder / "articles.xlsx").write_bytes(workbook(rows))
    return exports


def import_child(files: str, target: str) -> None:
    """In a fresh process: import ``files`` (comma-separated) into a new project; report the
    time and the peak memory."""
    from annotator.services.imports import import_files

    started = time.perf_counter()
    with create_project(target, with_default_codebook=False) as project:
        report = import_files(project, files.split(","))
    elapsed = time.perf_counter() - started
    rss_kb = _own_peak_kb()
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "imported": len(report.imported),
                "duplicates": len(report.duplicates),
                "peak_rss_mb": rss_kb / 1024,
            }
        )
    )


def import_in_child(files: str, target: Path) -> dict[str, float]:
    """``import_child`` run in a fresh process: its time, counts and peak memory."""
    child = subprocess.run(
        [sys.executable, __file__, "--child-import", files, "--target", str(target)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "ANNOTATOR_HOME": str(target.parent / "home")},
    )
    result: dict[str, float] = json.loads(child.stdout.strip().splitlines()[-1])
    return result


def bench_imports(folder: Path, sizes: dict[str, int]) -> dict[str, float]:
    """10,000 articles from database exports into a fresh project, duplicates checked; the
    time includes creating the project and reading the files (in a fresh process each run,
    whose peak memory is reported too)."""
    count = sizes["import_articles"]
    exports = build_article_exports(folder, count)
    results: dict[str, float] = {}
    for key, files in (
        ("import_exports_10k", str(exports)),
        ("import_xlsx_10k", str(folder / "articles.xlsx")),
    ):
        runs = []
        for attempt in range(3):
            runs.append(import_in_child(files, folder / f"{key}-{attempt}.annotator"))
        expected = count - count // 100
        assert all(run["imported"] == expected for run in runs), runs
        results[f"{key}_s"] = statistics.median(run["seconds"] for run in runs)
        results[f"{key}_peak_rss_mb"] = max(run["peak_rss_mb"] for run in runs)
    results["import_articles"] = count
    return results


def bench_largest_sheet(folder: Path, megabytes: int) -> dict[str, float]:
    """The peak memory of importing one CSV sheet of nearly the largest size accepted (127 MB
    of 3,500-character articles: the issue's bound is 1 GB for any accepted file)."""
    path = folder / "largest.csv"
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("title,text,date\n")
        while handle.tell() < megabytes * 2**20:
            text = article_text(3_500, seed=5_000 + rows)  # each its own: no duplicates
            handle.write(f'Story {rows},"{text}",2020-01-{rows % 28 + 1:02d}\n')
            rows += 1
    run = import_in_child(str(path), folder / "largest.annotator")
    assert run["imported"] + run["duplicates"] == rows, (run, rows)
    return {
        "import_largest_sheet_s": run["seconds"],
        "import_largest_sheet_peak_rss_mb": run["peak_rss_mb"],
        "import_largest_sheet_rows": rows,
    }


IMPORT_KEYS = {
    "import_exports_10k_s",
    "import_exports_10k_peak_rss_mb",
    "import_xlsx_10k_s",
    "import_xlsx_10k_peak_rss_mb",
    "import_articles",
}
LARGEST_SHEET_KEYS = {
    "import_largest_sheet_s",
    "import_largest_sheet_peak_rss_mb",
    "import_largest_sheet_rows",
}


def bench_legacy_text() -> dict[str, float]:
    """Reading a 5,000-character article in Windows-1252 (quotes, dashes, a café and a
    no-break space): every legacy encoding is tried and judged."""
    from annotator.io.encoding import decode_text

    text = article_text(5_000).replace(" said ", " “said” — ").replace(" the ", " the café ")
    data = text.replace("  ", "\u00a0").encode("cp1252")
    path = Path("article.txt")
    assert decode_text(data, path) == (text.replace("  ", "\u00a0"), "cp1252")
    return {"legacy_text_5k_ms": median_time(lambda: decode_text(data, path), 7) * 1000}


LEGACY_KEYS = {"legacy_text_5k_ms"}
# -- near-duplicates: a batch checked against a large project, and indexing -------------------


def news_articles(count: int, seed: int) -> list[str]:
    """``count`` articles of about 500 words drawn from a vocabulary with news-like (Zipf)
    word frequencies, quickly (NumPy)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    syllables = np.array(["ka", "ro", "mi", "te", "su", "na", "li", "po", "de", "an", "vi", "or"])
    shape = (30_000, 3)
    vocabulary = np.array(
        ["".join(parts) for parts in syllables[rng.integers(0, syllables.size, shape)]]
    )
    ranks = np.minimum(rng.zipf(1.15, size=(count, 520)), vocabulary.size) - 1
    lengths = rng.integers(440, 520, size=count)
    return [
        " ".join(vocabulary[ranks[row, : lengths[row]]].tolist()).capitalize() + "."
        for row in range(count)
    ]


def _bulk_documents(project: Project, texts: list[str], prefix: str) -> list[int]:
    now = "2026-01-01T00:00:00Z"
    rows = [
        (
            str(uuid.uuid4()),
            f"{prefix}-{number:05d}",
            f"{prefix}-{number:05d}.txt",
            text,
            len(text),
            hashlib.sha256(text.encode()).hexdigest(),
            now,
        )
        for number, text in enumerate(texts)
    ]
    with project.transaction():
        project.db.conn.executemany(
            "INSERT INTO documents (guid, name, source, text, length, sha256, imported_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    return [int(row[0]) for row in project.db.execute("SELECT id FROM documents ORDER BY id")]


def _rewritten(text: str, rng: random.Random) -> str:
    """``text`` with its first sentence (12 words) rewritten: about 0.94 alike."""
    words = text.split()
    return " ".join([*(rng.choice(WORDS) for _ in range(12)), *words[12:]])


def near_duplicate_batch(project_texts: list[str], count: int, seed: int) -> list[str]:
    """A batch as a new download brings it: mostly new articles, some copies of the project's
    with the first sentence rewritten (5 %), some exact (1 %), some repeated within the batch
    with a sentence changed (2 %)."""
    rng = random.Random(seed)
    batch = news_articles(count, seed)
    for index in range(count):
        roll = rng.random()
        if roll < 0.05:
            batch[index] = _rewritten(rng.choice(project_texts), rng)
        elif roll < 0.06:
            batch[index] = rng.choice(project_texts)
        elif roll < 0.08 and index > 0:
            batch[index] = _rewritten(batch[rng.randrange(index)], rng)
    return batch


def _own_peak_kb() -> int:
    """This process's peak resident memory. Linux keeps ru_maxrss across exec, so a child
    started by a large parent would report the parent's; VmHWM is the child's own."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def near_duplicate_child(path: str, batch_path: str) -> None:
    """In a fresh process: check the batch against the project (read-only), report the time
    and the process's peak memory."""
    from annotator.services.duplicates import find_near_duplicates

    batch = json.loads(Path(batch_path).read_text(encoding="utf-8"))
    with Project.open(path, read_only=True) as project:
        found: list[object] = []
        started = time.process_time()
        elapsed = median_time(lambda: found.append(find_near_duplicates(project, batch)), 3)
        cpu = (time.process_time() - started) / 3  # the machine may be busy: CPU time too
    print(
        json.dumps(
            {
                "near_duplicate_check_50k_s": elapsed,
                "near_duplicate_check_50k_cpu_s": cpu,
                "near_duplicate_check_found": len(found[-1]),  # type: ignore[arg-type]
                "near_duplicate_peak_rss_mb": _own_peak_kb() / 1024,
            }
        )
    )


def bench_near_duplicates(folder: Path, sizes: dict[str, int]) -> dict[str, float]:
    """Check a batch against a large project (in a fresh process, for its peak memory); index
    a project's articles (the first use on a project made by an earlier version)."""
    from annotator.services.duplicates import index_missing

    path = folder / "near-duplicates.annotator"
    project = create_project(path)
    texts = news_articles(sizes["near_duplicate_project"], seed=21)
    _bulk_documents(project, texts, "article")
    started = time.perf_counter()
    index_missing(project)
    build_index = time.perf_counter() - started
    project.checkpoint()
    project.close()
    batch_path = folder / "near-duplicate-batch.json"
    batch = near_duplicate_batch(texts, sizes["near_duplicate_batch"], seed=22)
    batch_path.write_text(json.dumps(batch), encoding="utf-8")
    child = subprocess.run(
        [sys.executable, __file__, "--child-near-duplicates", f"{path}{os.pathsep}{batch_path}"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "ANNOTATOR_HOME": str(folder / "home")},
    )
    results: dict[str, float] = json.loads(child.stdout.strip().splitlines()[-1])
    results["near_duplicate_project_index_s"] = build_index
    results["near_duplicate_project_mb"] = path.stat().st_size / 2**20

    fresh = create_project(folder / "index-10k.annotator")
    _bulk_documents(fresh, news_articles(sizes["near_duplicate_index"], seed=23), "article")

    def index_again() -> None:
        with fresh.transaction():
            fresh.db.execute("DELETE FROM near_duplicate_signatures")
        index_missing(fresh)

    started = time.process_time()
    results["near_duplicate_index_10k_s"] = median_time(index_again, 3)
    results["near_duplicate_index_10k_cpu_s"] = (time.process_time() - started) / 3
    fresh.close()
    return results


NEAR_DUPLICATE_KEYS = {
    "near_duplicate_check_50k_s",
    "near_duplicate_check_50k_cpu_s",
    "near_duplicate_check_found",
    "near_duplicate_peak_rss_mb",
    "near_duplicate_project_index_s",
    "near_duplicate_project_mb",
    "near_duplicate_index_10k_s",
    "near_duplicate_index_10k_cpu_s",
}
BACKUP_KEYS = {
    "snapshot_200mb_s",
    "restore_200mb_s",
    "snapshot_window_stall_ms",
    "backup_project_mb",
}
AGREEMENT_60K_KEYS = {"agreement_60k_s", "agreement_codings"}
CHARACTER_LEVEL_KEYS = {"character_level_1mb_s", "character_level_chars"}
AGREEMENT_KEYS = AGREEMENT_60K_KEYS | CHARACTER_LEVEL_KEYS
REFI_KEYS = {"qdpx_export_25k_s", "qdpx_import_25k_s", "qdpx_codings"}
READER_KEYS = {
    "open_uncoded_s",
    "open_10k_s",
    "open_ratio",
    "open_uncoded_idle_s",
    "open_10k_idle_s",
    "open_idle_ratio",
    "apply_code_ms",
    "remove_code_ms",
}
PROJECT_KEYS = {
    "open_project_10k_docs_s",
    "open_checks_10k_docs_ms",
    "page_check_10k_docs_s",
    "peak_rss_mb",
    "scroll_page_ms",
    "scroll_page_max_ms",
    "export_long_200k_s",
    "export_wide_200k_s",
}
#: Printed by every run: which sizes were measured ("full" or "quick").
RUN_KEYS = {"sizes"}
#: BUNDLE_KEYS (bundle_smoke.py): the standalone bundle's figures, measured only where
#: packaging/build.py has built the bundle; otherwise NOTE_KEY says why they are missing.
#: Every key a run of this script prints: each KEYS set (here and in the modules beside it)
#: holds all that its benchmark prints.
MEASURED_KEYS = (
    READER_KEYS
    | AGREEMENT_KEYS
    | REFI_KEYS
    | CODEBOOK_KEYS
    | PROJECT_KEYS
    | RETRIEVAL_KEYS
    | ANALYSIS_KEYS
    | ANALYSIS_WINDOW_KEYS
    | BACKUP_KEYS
    | IMPORT_KEYS
    | LARGEST_SHEET_KEYS
    | PROQUEST_CLI_KEYS
    | BIGKINDS_KEYS
    | ARTICLE_LIST_KEYS
    | IMPORT_PREVIEW_KEYS
    | LEGACY_KEYS
    | NEAR_DUPLICATE_KEYS
    | SEARCH_KEYS
    | PAIRS_KEYS
    | DRIFT_KEYS
    | MACHINE_LLM_KEYS
    | MACHINE_KEYS
    | MACHINE_SUGGESTIONS_KEYS
)
ALL_KEYS = MEASURED_KEYS | RUN_KEYS | BUNDLE_KEYS


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--only", help="comma-separated keys to measure")
    parser.add_argument(
        "--keys", action="store_true", help="print every key, one a line, and measure nothing"
    )
    parser.add_argument("--child-open", help=argparse.SUPPRESS)
    parser.add_argument("--child-near-duplicates", help=argparse.SUPPRESS)
    parser.add_argument("--child-import", help=argparse.SUPPRESS)
    parser.add_argument("--target", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child_open:
        open_large_project_child(arguments.child_open)
        return
    if arguments.child_near_duplicates:
        near_duplicate_child(*arguments.child_near_duplicates.split(os.pathsep))
        return
    if arguments.child_import:
        import_child(arguments.child_import, arguments.target)
        return
    if arguments.keys:
        print("\n".join(sorted(ALL_KEYS)))
        return
    sizes = QUICK if arguments.quick else FULL
    only = set(arguments.only.split(",")) if arguments.only else None
    if only is not None and only - ALL_KEYS:
        parser.error(f"no such key: {', '.join(sorted(only - ALL_KEYS))} (--keys lists them)")
    results: dict[str, float | int | bool | str] = {}
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        os.environ["ANNOTATOR_HOME"] = str(folder / "home")
        if only is None or only & READER_KEYS:
            results.update(bench_reader(folder, sizes, only))
        if only is None or only & AGREEMENT_KEYS:
            results.update(bench_agreement(folder, sizes, only))
        if only is None or only & REFI_KEYS:
            results.update(bench_refi(folder, sizes))
        if only is None or only & CODEBOOK_KEYS:
            results.update(bench_codebook(folder, sizes))
        if only is None or only & PROJECT_KEYS:
            results.update(bench_large_project(folder, sizes))
        if only is None or only & RETRIEVAL_KEYS:
            large = folder / "large.annotator"
            if not large.exists():
                build_large_project(large, sizes)
            results.update(bench_retrieval(large))
        if only is None or only & ANALYSIS_KEYS:
            large = folder / "large.annotator"
            if not large.exists():
                build_large_project(large, sizes)
            results.update(bench_analysis(large))
        if only is None or only & ANALYSIS_WINDOW_KEYS:
            large = folder / "large.annotator"
            if not large.exists():
                build_large_project(large, sizes)
            results.update(
                bench_analysis_window(large, folder, repeats=1 if arguments.quick else 5)
            )
        if only is None or only & BACKUP_KEYS:
            results.update(bench_backups(folder, sizes))
        if only is None or only & IMPORT_KEYS:
            results.update(bench_imports(folder, sizes))
        if only is None or only & LARGEST_SHEET_KEYS:
            results.update(bench_largest_sheet(folder, sizes["import_sheet_mb"]))
        if only is None or only & PROQUEST_CLI_KEYS:
            results.update(bench_proquest_cli(folder))
        if only is None or only & BIGKINDS_KEYS:
            results.update(bench_bigkinds(folder, sizes["import_bigkinds_rows"], import_in_child))
        if only is None or only & ARTICLE_LIST_KEYS:
            results.update(bench_article_list(folder, sizes["documents"]))
        if only is None or only & IMPORT_PREVIEW_KEYS:
            results.update(bench_import_preview(sizes["documents"]))
        if only is None or only & LEGACY_KEYS:
            results.update(bench_legacy_text())
        if only is None or only & NEAR_DUPLICATE_KEYS:
            results.update(bench_near_duplicates(folder, sizes))
        if only is None or only & SEARCH_KEYS:
            results.update(bench_search(folder, sizes["search_articles"]))
        if only is None or only & PAIRS_KEYS:
            results.update(bench_pairs(folder, sizes["agreement_articles"]))
        if only is None or only & DRIFT_KEYS:
            results.update(bench_drift(folder, 5_000 if arguments.quick else 60_000))
        if only is None or only & MACHINE_LLM_KEYS:
            results.update(bench_machine_llm(folder, 200 if arguments.quick else 1_000))
        if only is None or only & MACHINE_KEYS:
            results.update(bench_machine(folder, sizes["machine_trained"], sizes["machine_coded"]))
        if only is None or only & MACHINE_SUGGESTIONS_KEYS:
            results.update(bench_machine_suggestions(folder))
        if only is None or only & BUNDLE_KEYS:
            # The standalone app, if packaging/build.py made one; --quick starts it only when
            # --only names a bundle key.
            asked = only is not None and bool(only & BUNDLE_KEYS)
            results.update(bench_bundle(measure_start=asked or not arguments.quick))
    if only is not None:
        results = {key: value for key, value in results.items() if key in only or key == NOTE_KEY}
    results = {
        key: round(value, 4) if isinstance(value, float) else value
        for key, value in results.items()
    }
    results["sizes"] = "quick" if arguments.quick else "full"
    print(json.dumps(results))
    unlisted = set(results) - MEASURED_KEYS - RUN_KEYS - BUNDLE_KEYS - {NOTE_KEY}
    if unlisted:  # the figures are printed all the same: a long run is not lost
        sys.exit(f"run.py: keys missing from its KEYS sets: {', '.join(sorted(unlisted))}")


if __name__ == "__main__":
    main()
