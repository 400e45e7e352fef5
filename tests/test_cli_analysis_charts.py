"""`annotator analyze … --chart` and `-o FILE.xlsx`: charts drawn headless in a real process
(no display, no Qt platform) and read back as what they claim to be; the table as a workbook;
the glyph warning; refusals that write nothing."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from defusedxml import ElementTree
from python_calamine import CalamineWorkbook

from annotator.domain.model import VariableType
from annotator.services import analysis, create_project
from annotator.services.analysis_charts import frequencies_chart
from annotator.storage import Project
from tests.test_cli import assert_one_line_error, run

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def demo_path(tmp_path: Path) -> Path:
    path = tmp_path / "p.annotator"
    assert run("new", path, "--demo").exit_code == 0
    return path


def _headless(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The command in its own process, as on a server: no display and no Qt platform."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "MPLBACKEND")
    }
    return subprocess.run(
        [sys.executable, "-m", "annotator", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )


def _png(path: Path) -> tuple[int, int, float]:
    """Width and height in pixels, and the resolution the file records (dots per inch)."""
    data = path.read_bytes()
    assert data[:8] == PNG
    width, height = struct.unpack(">II", data[16:24])
    at = data.index(b"pHYs")
    per_metre, _, unit = struct.unpack(">IIB", data[at + 4 : at + 13])
    assert unit == 1
    return width, height, per_metre * 0.0254


def _svg_texts(path: Path) -> str:
    root = ElementTree.parse(path).getroot()
    return "\n".join(
        "".join(node.itertext()) for node in root.iter("{http://www.w3.org/2000/svg}text")
    )


def test_charts_are_drawn_headless_in_every_format(demo_path: Path, tmp_path: Path) -> None:
    png, table = tmp_path / "outlets.png", tmp_path / "outlets.xlsx"
    done = _headless(
        "analyze", "frequencies", demo_path, "--by", "outlet", "--coders", "Ana",
        "--chart", png, "--dpi", "150", "-o", table,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"wrote the chart to {png}" in done.stdout
    assert done.stderr == ""
    with Project.open(demo_path, read_only=True) as project:
        result = analysis.frequencies(project, analysis.Request(by="outlet", coders=["Ana"]))
        figure = frequencies_chart(result)
        codes = list(result.table.rows)
    width, height, dpi = _png(png)
    assert (width, height) == (
        round(figure.get_figwidth() * 150),
        round(figure.get_figheight() * 150),
    )
    assert dpi == pytest.approx(150, abs=0.5)
    assert CalamineWorkbook.from_path(str(table)).sheet_names == ["frequencies"]

    svg = tmp_path / "years.svg"
    done = _headless(
        "analyze", "frequencies", demo_path, "--by", "date", "--bin", "year", "--chart", svg,
        "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)  # standard output holds the JSON alone …
    assert done.stderr.strip() == f"wrote the chart to {svg}"  # … the news goes to stderr
    texts = _svg_texts(svg)
    for code in codes:
        assert code.split(" > ")[-1].split()[0] in texts
    assert "Coded segments by date, per year — all coders" in texts
    assert "% of the period's coded segments" in texts

    pdf = tmp_path / "pairs.pdf"
    done = _headless(
        "analyze", "cooccurrence", demo_path, "--within", "article", "--chart", pdf,
        "--measure", "jaccard",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")


@pytest.mark.parametrize("command", ["frequencies", "cooccurrence"])
def test_xlsx_holds_the_json_rows(command: str, demo_path: Path, tmp_path: Path) -> None:
    choice = ["--by", "outlet"] if command == "frequencies" else ["--within", "article"]
    target = tmp_path / f"{command}.xlsx"
    written = run("analyze", command, demo_path, *choice, "-o", target)
    assert written.exit_code == 0, written.output
    records = json.loads(run("analyze", command, demo_path, *choice, "--json").stdout)
    workbook = CalamineWorkbook.from_path(str(target))
    sheet = workbook.get_sheet_by_name(workbook.sheet_names[0])
    header, *rows = sheet.to_python()
    assert header == list(records[0])
    assert len(rows) == len(records)
    for row, record in zip(rows, records, strict=True):
        for key, cell in zip(header, row, strict=True):
            expected = record[key]
            if expected is None:
                assert cell == ""
            elif isinstance(expected, int | float):
                assert isinstance(cell, int | float)
                assert cell == pytest.approx(expected)
            else:
                assert cell == expected


def test_without_matplotlib_one_line_and_nothing_written(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    chart, table = tmp_path / "c.png", tmp_path / "t.xlsx"
    result = run(
        "analyze", "frequencies", demo_path, "--by", "outlet", "--chart", chart, "-o", table
    )
    assert result.exit_code == 1
    assert_one_line_error(
        result, "charts need the optional package matplotlib: pip install 'annotator[analysis]'"
    )
    assert not chart.exists()
    assert not table.exists()
    result = run("analyze", "cooccurrence", demo_path, "--within", "passage", "--chart", chart)
    assert result.exit_code == 1
    assert_one_line_error(result, "pip install 'annotator[analysis]'")
    assert not chart.exists()


def test_refusals_are_one_line_and_write_nothing(demo_path: Path, tmp_path: Path) -> None:
    before = demo_path.read_bytes()
    frequencies = ("analyze", "frequencies", demo_path, "--by", "outlet")
    folder = tmp_path / "charts.png"
    folder.mkdir()
    disguised = tmp_path / "copy.png"
    disguised.write_bytes(before)
    cases = [
        (("--chart", demo_path), "p.annotator: is not a chart file"),
        (("--chart", disguised), "copy.png: is an annotator project"),
        (("--chart", folder), "charts.png: is a folder"),
        (("--chart", tmp_path / "gone" / "c.png"), "the folder"),
        (("--chart", tmp_path / "c.jpg"), "c.jpg: is not a chart file: name it .png, .svg or .pdf"),
        (("--chart", tmp_path / "c.png", "--dpi", "5"), "5 dots per inch"),
        (("--show", "row-percent"), "add it"),
        (("--dpi", "100"), "add it"),
        (("--dpi", "0"), "add it"),
        (("-o", tmp_path / "t.ods"), "t.ods: is not a table file: name it .csv or .xlsx"),
        (("-o", disguised.with_suffix(".xlsx")), "does not exist"),
    ]
    disguised.with_suffix(".xlsx").symlink_to(tmp_path / "nowhere" / "t.xlsx")
    for options, message in cases:
        assert_one_line_error(run(*frequencies, *options), message)
    assert_one_line_error(
        run(
            "analyze",
            "cooccurrence",
            demo_path,
            "--within",
            "passage",
            "--chart",
            tmp_path / "j.png",
            "--measure",
            "jaccard",
        ),
        "the Jaccard coefficient is defined within articles",
    )
    assert_one_line_error(
        run("analyze", "cooccurrence", demo_path, "--within", "article", "--measure", "count"),
        "add it",
    )
    assert demo_path.read_bytes() == before
    assert disguised.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "charts.png",
        "copy.png",
        "copy.xlsx",
        "p.annotator",
    ]


def test_labels_no_font_draws_get_one_warning_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.analysis import chart_fonts

    monkeypatch.setattr(chart_fonts, "families", lambda: ["DejaVu Sans"])
    monkeypatch.setattr(chart_fonts, "_refresh_fonts", lambda: None)
    path = tmp_path / "cjk.annotator"
    with create_project(path, with_default_codebook=False) as project:
        document = project.documents.add("one", "one.txt", "Ein Text über Grenzen.").id
        outlet = project.documents.define_variable("outlet", VariableType.CATEGORY)
        project.documents.set_values(document, {outlet.id: "Wire"})
        motive = project.codebook.add("動機").id
        coder = project.coders.add("Ana").id
        project.codings.add(document, coder, project.codebook.add("経済", motive).id, 0, 3)
        project.codings.add(document, coder, project.codebook.add("Family 🙂", motive).id, 4, 8)
    chart = tmp_path / "cjk.png"
    result = run("analyze", "frequencies", path, "--by", "outlet", "--chart", chart)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line]
    assert len(warnings) == 1
    assert warnings[0].startswith("warning: no installed font draws some characters")
    assert "Chinese, Japanese or Korean" in warnings[0]
    assert "fonts-noto-cjk" in warnings[0]
    assert "emoji (🙂)" in warnings[0]
    assert chart.read_bytes()[:8] == PNG
