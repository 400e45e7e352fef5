"""Charts of the analysis tables: each kind saved as PNG, SVG and PDF, the files read back as
what they claim to be (PNG header, SVG as XML holding the labels, PDF with TrueType fonts),
code colours in the pixels, long names shortened, output refused where the writer refuses it,
and no display or pyplot needed."""

from __future__ import annotations

import colorsys
import re
import struct
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from defusedxml import ElementTree

from annotator.analysis import charts
from annotator.domain.errors import BadFileError, UserError
from annotator.io.chart_files import save_chart
from annotator.services import create_project

ROOT = Path(__file__).resolve().parents[2]
CODES = ["Economy", "Migration and the border regime of the union", "Costs in $ and $ again"]
COLORS = ["#FFD6A5", "#9BF6FF", "#BDB2FF"]
GROUPS = ["Der Spiegel", "taz", "Süddeutsche Zeitung"]
VALUES = [[12.0, 5.0, 7.0], [4.0, 9.0, 2.0], [6.0, 0.0, 1.0]]
PERIODS = ["2021", "2022", "2023", "2024"]
SERIES = {CODES[0]: [10.0, 20.0, 15.0, 5.0], CODES[1]: [30.0, float("nan"), 25.0, 40.0]}
MATRIX = [[5.0, 2.0, 0.0], [2.0, 7.0, 1.0], [0.0, 1.0, 3.0]]


def _bar(stacked: bool = False) -> Any:
    return charts.bar_chart(
        CODES,
        GROUPS,
        VALUES,
        colors=COLORS,
        stacked=stacked,
        title="Codings per outlet",
        value_label="Coded segments",
        group_label="Outlet",
    )


def _line() -> Any:
    return charts.line_chart(
        PERIODS, SERIES, colors=COLORS[:2], title="Shares by year", value_label="% of articles"
    )


def _heat() -> Any:
    return charts.heatmap(CODES, MATRIX, title="Together in articles", value_label="Articles")


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _svg_texts(path: Path) -> str:
    root = ElementTree.parse(path).getroot()
    return "\n".join(
        "".join(node.itertext()) for node in root.iter("{http://www.w3.org/2000/svg}text")
    )


def _pixels(path: Path) -> set[tuple[int, int, int]]:
    from PIL import Image

    with Image.open(path) as image:
        counted = image.convert("RGB").getcolors(1 << 24)
    assert counted is not None
    return {color for _, color in counted}


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


@pytest.mark.parametrize("make", [_bar, lambda: _bar(stacked=True), _line, _heat])
@pytest.mark.parametrize("dpi", [100, 300])
def test_png_is_a_png_of_the_size_the_dpi_asks(make: Any, dpi: int, tmp_path: Path) -> None:
    figure = make()
    save_chart(figure, tmp_path / "chart.png", dpi=dpi)
    width, height = _png_size((tmp_path / "chart.png").read_bytes())
    assert (width, height) == (
        round(figure.get_figwidth() * dpi),
        round(figure.get_figheight() * dpi),
    )


def test_svg_holds_every_label_as_text(tmp_path: Path) -> None:
    save_chart(_bar(), tmp_path / "bars.svg")
    texts = _svg_texts(tmp_path / "bars.svg")
    for label in ["Codings per outlet", "Coded segments", "Outlet", "Economy", "taz"]:
        assert label in texts
    # A dollar sign is drawn as itself, not taken for the start of mathematics.
    assert "Costs in $ and $ again" in texts
    save_chart(_line(), tmp_path / "lines.svg")
    texts = _svg_texts(tmp_path / "lines.svg")
    for label in ["Shares by year", "% of articles", "Period", "2021", "2024", "Economy"]:
        assert label in texts
    save_chart(_heat(), tmp_path / "heat.svg")
    texts = _svg_texts(tmp_path / "heat.svg")
    for label in ["Together in articles", "Articles", "Economy", "7", "0"]:
        assert label in texts


@pytest.mark.parametrize("make", [_bar, _line, _heat])
def test_pdf_is_a_pdf_with_truetype_fonts(make: Any, tmp_path: Path) -> None:
    save_chart(make(), tmp_path / "chart.pdf")
    data = (tmp_path / "chart.pdf").read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    # Journals refuse Type 3 fonts; matplotlib's default would embed them.
    assert b"/Type3" not in data
    assert b"/TrueType" in data or b"/CIDFontType2" in data


def test_the_same_chart_saved_twice_is_the_same_bytes(tmp_path: Path) -> None:
    for suffix in (".svg", ".pdf", ".png"):
        save_chart(_bar(), tmp_path / f"one{suffix}")
        save_chart(_bar(), tmp_path / f"two{suffix}")
        assert (tmp_path / f"one{suffix}").read_bytes() == (tmp_path / f"two{suffix}").read_bytes()


@pytest.mark.parametrize("stacked", [False, True])
def test_bars_are_filled_with_the_code_colours(stacked: bool, tmp_path: Path) -> None:
    save_chart(_bar(stacked), tmp_path / "bars.png", dpi=100)
    pixels = _pixels(tmp_path / "bars.png")
    for color in COLORS:
        assert _rgb(color) in pixels
    other = charts.bar_chart(
        CODES,
        GROUPS,
        VALUES,
        colors=["#A0C4FF", "#FFADAD", "#D0F4DE"],
        stacked=stacked,
        title="t",
        value_label="v",
    )
    save_chart(other, tmp_path / "other.png", dpi=100)
    assert not {_rgb(color) for color in COLORS} & _pixels(tmp_path / "other.png")


def test_lines_are_a_darker_shade_of_the_code_colour(tmp_path: Path) -> None:
    save_chart(_line(), tmp_path / "lines.svg")
    svg = (tmp_path / "lines.svg").read_text(encoding="utf-8")
    strokes = {s.upper() for s in re.findall(r"stroke: (#[0-9a-fA-F]{6})", svg)}
    for code_color in COLORS[:2]:
        hue, light, _ = colorsys.rgb_to_hls(*(c / 255 for c in _rgb(code_color)))
        matches = [
            stroke
            for stroke in strokes
            if abs(colorsys.rgb_to_hls(*(c / 255 for c in _rgb(stroke)))[0] - hue) < 0.01
            and colorsys.rgb_to_hls(*(c / 255 for c in _rgb(stroke)))[1] < 0.5 < light
        ]
        assert matches, f"no darker line of {code_color} among {sorted(strokes)}"


def test_long_names_are_shortened_with_an_ellipsis(tmp_path: Path) -> None:
    name = "Actors / Government / Ministries of the interior and their spokespeople at length"
    outlet = "The Frankfurter Allgemeine Zeitung am Sonntag, regional edition"
    figure = charts.bar_chart(
        [name], [outlet], [[3.0]], colors=COLORS[:1], stacked=False, title="t", value_label="v"
    )
    save_chart(figure, tmp_path / "long.svg")
    texts = _svg_texts(tmp_path / "long.svg")
    assert "Actors / Government /" in texts
    assert "spokespeople at length" not in texts
    assert "The\nFrankfurter" in texts
    assert "regional edition" not in texts
    assert texts.count("…") == 2
    assert charts.shorten(name, 28, 2).count("\n") == 1
    assert all(len(line) <= 28 for line in charts.shorten(name, 28, 2).splitlines())


def test_many_periods_show_at_most_a_dozen_labels(tmp_path: Path) -> None:
    periods = [f"2020-W{week:02d}" for week in range(1, 53)]
    figure = charts.line_chart(
        periods, {"Economy": [1.0] * 52}, colors=COLORS[:1], title="t", value_label="v"
    )
    labels = [tick.get_text() for tick in figure.axes[0].get_xticklabels()]
    assert 6 <= len(labels) <= charts.MAX_TICKS
    assert labels[0] == "2020-W01"


def test_heatmap_leaves_undefined_cells_blank(tmp_path: Path) -> None:
    matrix = [[1.0, 0.25], [0.25, float("nan")]]
    figure = charts.heatmap(CODES[:2], matrix, title="Jaccard", value_label="Jaccard")
    written = [text.get_text() for text in figure.axes[0].texts]
    assert sorted(written) == ["0.25", "0.25", "1.00"]
    save_chart(figure, tmp_path / "heat.png", dpi=100)
    assert (0xE6, 0xE6, 0xE6) in _pixels(tmp_path / "heat.png")


def test_no_data_is_a_chart_that_says_so(tmp_path: Path) -> None:
    figure = charts.bar_chart([], [], [], colors=[], stacked=True, title="Empty", value_label="v")
    save_chart(figure, tmp_path / "empty.svg")
    assert "No data to show" in _svg_texts(tmp_path / "empty.svg")
    figure = charts.heatmap([], [], title="Empty", value_label="v")
    save_chart(figure, tmp_path / "empty.png")
    assert _png_size((tmp_path / "empty.png").read_bytes())[0] > 0


def test_values_of_the_wrong_shape_are_refused() -> None:
    with pytest.raises(ValueError, match="2 rows of 3 groups"):
        charts.bar_chart(
            CODES[:2], GROUPS, VALUES, colors=COLORS[:2], stacked=True, title="", value_label=""
        )
    with pytest.raises(ValueError, match="2 colours for 3 rows"):
        charts.bar_chart(
            CODES, GROUPS, VALUES, colors=COLORS[:2], stacked=True, title="", value_label=""
        )
    with pytest.raises(ValueError, match="3 × 3"):
        charts.heatmap(CODES, MATRIX[:2], title="", value_label="")
    with pytest.raises(UserError, match="not of the form #RRGGBB"):
        charts.line_chart(PERIODS, SERIES, colors=["red", "blue"], title="", value_label="")


def test_output_is_refused_onto_a_project_a_folder_or_an_unknown_format(tmp_path: Path) -> None:
    project = tmp_path / "study.annotator"
    with create_project(project):
        pass
    before = project.read_bytes()
    renamed = tmp_path / "study.png"
    renamed.write_bytes(before)
    with pytest.raises(BadFileError, match=r"study\.png: is an annotator project"):
        save_chart(_bar(), renamed)
    assert renamed.read_bytes() == before
    # The project the chart was made from, known by its inode even without our header.
    old = tmp_path / "old.pdf"
    old.write_bytes(b"SQLite format 3\x00" + bytes(84))
    with pytest.raises(BadFileError, match=r"old\.pdf: is the project being exported"):
        save_chart(_bar(), old, protect=[old])
    assert old.read_bytes() == b"SQLite format 3\x00" + bytes(84)
    with pytest.raises(
        BadFileError, match=r"chart\.jpg: is not a chart file: name it \.png, \.svg or \.pdf"
    ):
        save_chart(_bar(), tmp_path / "chart.jpg")
    (tmp_path / "folder.png").mkdir()
    with pytest.raises(BadFileError, match="is a folder"):
        save_chart(_bar(), tmp_path / "folder.png")
    with pytest.raises(UserError, match="0 dots per inch"):
        save_chart(_bar(), tmp_path / "chart.png", dpi=0)
    assert project.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "folder.png",
        "old.pdf",
        "study.annotator",
        "study.png",
    ]


def test_charts_saved_from_several_threads_all_keep_their_text(tmp_path: Path) -> None:
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            save_chart(_bar(), tmp_path / f"bars{index}.png", dpi=72)
            save_chart(_heat(), tmp_path / f"heat{index}.svg")
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for index in range(4):
        assert "Together in articles" in _svg_texts(tmp_path / f"heat{index}.svg")


def test_missing_matplotlib_is_one_line_naming_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(UserError) as caught:
        _bar()
    assert str(caught.value) == (
        "charts need the optional package matplotlib: pip install 'annotator[analysis]'"
    )


def test_charts_need_no_display_and_no_pyplot(tmp_path: Path) -> None:
    script = (
        "import sys; from pathlib import Path; from annotator.analysis import charts\n"
        "from annotator.io.chart_files import save_chart\n"
        "f = charts.heatmap(['a', 'b'], [[1.0, 2.0], [2.0, 1.0]], title='t', value_label='v')\n"
        f"save_chart(f, Path({str(tmp_path / 'out.png')!r}))\n"
        "print('matplotlib.pyplot' in sys.modules)\n"
    )
    environment = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "MPLBACKEND": "QtAgg"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
    assert _png_size((tmp_path / "out.png").read_bytes())[0] > 0


def test_a_long_code_path_keeps_the_code_name() -> None:
    path = "Source reliability > Anonymous source inside the government"
    assert charts.shorten(path, 28) == "… > Anonymous source inside…"
    assert charts.shorten("Source reliability > Named official", 28) == "… > Named official"
    assert charts.shorten("Motive > Political", 28) == "Motive > Political"
    assert charts.shorten(path, 28, 2) == "… > Anonymous source inside\nthe government"
    # as many leading names go as must, and no more
    assert charts.shorten("A > B > C > Defector testimony", 24) == "… > Defector testimony"
    assert charts.shorten("A > B > C > Defector testimony", 26) == "… > C > Defector testimony"


@pytest.mark.parametrize("count", [3, 17, 30])
def test_a_long_legend_fits_in_the_figure(count: int, tmp_path: Path) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    names = [f"Source reliability > Anonymous source number {i} of many" for i in range(count)]
    colors = [COLORS[i % 3] for i in range(count)]
    for figure in (
        charts.bar_chart(
            names,
            GROUPS,
            [[1.0] * 3] * count,
            colors=colors,
            stacked=False,
            title="t",
            value_label="v",
        ),
        charts.line_chart(
            PERIODS, {n: [1.0] * 4 for n in names}, colors=colors, title="t", value_label="v"
        ),
    ):
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
        legend = figure.legends[0].get_window_extent(canvas.get_renderer())
        page = figure.bbox
        assert legend.y0 >= page.y0
        assert legend.y1 <= page.y1
        assert len(figure.legends[0].get_texts()) == count


def test_control_characters_in_names_are_drawn_as_a_placeholder_not_a_box() -> None:
    name = "tab\tand\x1b[31mred\x00"
    figure = charts.bar_chart(
        [name], [name], [[1.0]], colors=["#AABBCC"], stacked=False, title=name, value_label="n"
    )
    texts = [t.get_text() for t in figure.findobj(lambda a: hasattr(a, "get_text"))]
    drawn = [t for t in texts if "red" in t]
    assert drawn
    for text in drawn:
        assert not any(c in text for c in "\t\x1b\x00"), repr(text)
        assert charts.CONTROL in text


def test_an_undefined_heat_map_cell_is_grey_apart_from_the_white_of_zero() -> None:
    import numpy

    nan = float("nan")
    figure = charts.heatmap(
        ["a", "b"], [[nan, 0.0], [0.0, nan]], title="t", value_label="Jaccard coefficient"
    )
    image = figure.axes[0].images[0]
    rgba = image.to_rgba(numpy.ma.masked_invalid(image.get_array()))
    undefined, zero = rgba[0][0][:3], rgba[0][1][:3]
    assert max(abs(u - z) for u, z in zip(undefined, zero, strict=True)) > 0.2


def test_many_groups_of_bars_thin_their_labels() -> None:
    groups = [f"Outlet {n:02d}" for n in range(55)]
    figure = charts.bar_chart(
        ["A"], groups, [[1.0] * 55], colors=["#AABBCC"], stacked=False, title="t", value_label="n"
    )
    labels = [t.get_text() for t in figure.axes[0].get_xticklabels()]
    assert len(labels) <= charts.MAX_GROUP_TICKS
    assert labels[0] == "Outlet 00"
    assert set(labels) <= set(groups)
