"""`annotator analyze` on a table too large to chart: the chart is refused in one line naming
how many codes × groups and what to choose instead, and nothing is written."""

from __future__ import annotations

from pathlib import Path

from annotator.storage import Project
from tests.test_cli import assert_one_line_error, run


def _many_codes(path: Path, count: int) -> None:
    with Project.open(path) as project:
        many = project.codebook.add("Many").id
        document = next(iter(project.documents.all())).id
        coder = project.coders.by_name("Ana").id
        for number in range(count):
            code = project.codebook.add(f"Code {number:03d}", many).id
            project.codings.add(document, coder, code, 0, 5)


def test_a_chart_of_too_many_codes_is_refused_and_nothing_written(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    assert run("new", path, "--demo").exit_code == 0
    _many_codes(path, 70)
    chart, table = tmp_path / "codes.png", tmp_path / "codes.csv"
    result = run("analyze", "frequencies", path, "--by", "outlet", "-o", table, "--chart", chart)
    assert_one_line_error(result, "codes × ")
    assert "rows = dimensions" in result.stderr
    assert result.exit_code == 1
    assert not chart.exists()
    assert not table.exists()
    pairs = run("analyze", "cooccurrence", path, "--within", "article", "--chart", chart)
    assert_one_line_error(pairs, "more than 60 a side")
    assert not chart.exists()
    # Fewer codes draw.
    fine = run(
        "analyze", "frequencies", path, "--by", "outlet", "--codes", "Motive", "--chart", chart
    )
    assert fine.exit_code == 0, fine.output
    assert chart.stat().st_size > 0


def test_an_output_without_a_file_name_is_named_as_typed(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    assert run("new", path, "--demo").exit_code == 0
    table = run("analyze", "frequencies", path, "--by", "outlet", "-o", ".")
    assert_one_line_error(table, "Error: .: is not a table file")
    chart = run("analyze", "frequencies", path, "--by", "outlet", "--chart", "/")
    assert_one_line_error(chart, "Error: /: is not a chart file")
