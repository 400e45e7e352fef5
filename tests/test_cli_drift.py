"""`annotator agreement --by-period`: drift as text, JSON, a tidy CSV, an HTML page and a
chart, equal to the service (itself tested equal to the engine on each window's articles),
and one-line errors for options that do not fit."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from annotator.services.agreement import Request
from annotator.services.drift import drift
from annotator.storage import Project
from tests.services.drift_project import build
from tests.test_cli import assert_one_line_error, run


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("drift") / "template.annotator"
    build(path).close()
    return path


@pytest.fixture
def path(template: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "drift.annotator"
    shutil.copyfile(template, copy)
    return copy


def test_json_is_the_service_result(path: Path) -> None:
    result = run("agreement", path, "--by-period", "month", "--level", "document", "--json")
    assert result.exit_code == 0, result.output
    with Project.open(path, read_only=True) as project:
        expected = drift(project, Request(levels=("document",)), "month").as_dict()
    assert json.loads(result.stdout) == json.loads(json.dumps(expected))
    assert [w["window"] for w in expected["windows"]][:2] == ["2024-01", "2024-02"]


def test_text_table_lists_each_window_with_n_and_alpha(path: Path) -> None:
    result = run("agreement", path, "--by-period", "batch", "--batches", "3", "--level", "document")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Drift by batch: coders Ana, Ben, Cleo; 36 articles compared in 3")
    assert "marked it done" in lines[0]
    start = lines.index("All codes")
    assert [line.split()[:4] for line in lines[start + 1 : start + 4]] == [
        ["Batch", "1", "12", "48"],
        ["Batch", "2", "12", "48"],
        ["Batch", "3", "12", "48"],
    ]  # 12 articles, N = 12 articles × 4 codes


def test_csv_is_tidy_one_row_per_window_and_measure(path: Path, tmp_path: Path) -> None:
    target = tmp_path / "drift.csv"
    result = run("agreement", path, "--by-period", "quarter", "-o", target)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    with Project.open(path, read_only=True) as project:
        expected = drift(project, Request(), "quarter")
    assert len(rows) == sum(len(w.report.measures) for w in expected.windows)
    assert f"wrote {len(rows)} rows to {target}" in result.stdout
    first = expected.windows[0]
    overall = next(
        m for m in first.report.measures if m.level == "character" and m.scope == "overall"
    )
    row = next(
        r
        for r in rows
        if r["window"] == "2024-Q1" and r["level"] == "character" and r["scope"] == "overall"
    )
    assert (row["articles"], int(row["units"])) == ("17", overall.units)
    assert float(row["krippendorff_alpha"]) == pytest.approx(overall.krippendorff_alpha, abs=1e-6)
    assert overall.alpha_ci95 is not None
    assert float(row["alpha_ci95_low"]) == pytest.approx(overall.alpha_ci95[0], abs=1e-6)
    assert row["first"] == first.window.first


def test_html_page_and_chart(path: Path, tmp_path: Path) -> None:
    page, chart = tmp_path / "drift.html", tmp_path / "drift.svg"
    result = run(
        "agreement",
        path,
        "--by-period",
        "month",
        "--level",
        "document",
        "-o",
        page,
        "--chart",
        chart,
    )
    assert result.exit_code == 0, result.output
    assert "wrote 7 windows to" in result.stdout
    assert "wrote the chart to" in result.stdout
    text = page.read_text(encoding="utf-8")
    assert "<th>2024-07<br><small>1 article</small></th>" in text
    drawn = chart.read_text(encoding="utf-8")
    for label in (
        "α = .800: reliable",
        "α = .667: tentative only",
        "All codes",
        "Actor &gt; Worker",
    ):
        assert label in drawn
    assert "more not drawn" not in drawn


def test_the_chart_says_what_it_leaves_out(path: Path, tmp_path: Path) -> None:
    with Project.open(path) as project:
        actor = project.codebook.tree().find("Actor")
        assert actor is not None
        for name in ("Judge", "Broker", "Priest"):
            project.codebook.add(name, actor.id)
    chart = tmp_path / "drift.png"
    result = run(
        "agreement", path, "--by-period", "quarter", "--level", "document", "--chart", chart
    )
    assert result.exit_code == 0, result.output
    assert chart.read_bytes().startswith(b"\x89PNG")
    # 10 measures: all codes, 2 dimensions, 7 codes; 8 drawn, the last two codes named.
    assert "not drawn (see the table): Actor > Broker, Actor > Priest" in result.stdout


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--batch-size", "5"], "go with --by-period"),
        (["--by-period", "month", "--batches", "3"], "goes with batches, not periods"),
        (["--by-period", "batch", "--batches", "0"], "at least one article"),
        (["--by-period", "month", "-o", "x.txt"], "x.txt: drift is written as .csv or .html"),
        (["--by-period", "month", "--chart", "x.gif"], "x.gif: is not a chart file"),
    ],
)
def test_options_that_do_not_fit_are_refused_in_one_line(
    path: Path, tmp_path: Path, options: list[str], message: str
) -> None:
    fixed = [str(tmp_path / o) if o.startswith("x.") else o for o in options]
    assert_one_line_error(run("agreement", path, *fixed), message)


def test_an_article_set_limits_every_window(path: Path) -> None:
    from annotator.services.article_sets import create_set

    with Project.open(path) as project:
        first = {project.documents.find(f"article {k:02d}").id for k in range(11)}
        create_set(project, "pilot", first)
    result = run("agreement", path, "--by-period", "month", "--set", "pilot", "--json")
    assert result.exit_code == 0, result.output
    windows = json.loads(result.stdout)["windows"]
    assert [(w["window"], w["articles"]) for w in windows] == [("2024-01", 5), ("2024-02", 6)]


def test_pairs_and_drift_are_one_or_the_other(path: Path) -> None:
    result = run("agreement", path, "--by-period", "month", "--pairs")
    assert_one_line_error(result, "--pairs and --by-period: choose one")
