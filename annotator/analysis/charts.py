"""Charts a researcher can put in a paper: bars of a crosstab, code shares over time, a heat
map of co-occurrence. One implementation for the command line and the window.

Plain values in, a :class:`matplotlib.figure.Figure` out. The figures are built without
pyplot (no global figure registry, no display, safe in a worker thread); the window embeds
the same figure in a Qt canvas, the command line saves it with
:func:`annotator.io.chart_files.save_chart`.

matplotlib is an optional extra (``annotator[analysis]``); without it every function here
raises a one-line :class:`UserError` saying what to install.
"""

from __future__ import annotations

import colorsys
import math
import textwrap
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from annotator.analysis.chart_fonts import apply_fonts
from annotator.domain.colors import normalise_color
from annotator.domain.errors import UserError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

EXTRA = "pip install 'annotator[analysis]'"
EDGE = "#333333"  # the code colours are pastels: a dark outline keeps a bar apart from white
LEGEND_WIDTH = 28  # characters per line of a code's name in a legend
LEGEND_LINES = 2
TICK_WIDTH = 14  # characters per line of a group's name under its bars
TICK_LINES = 3
MAX_TICKS = 12  # period labels shown at most; the others are thinned out
MAX_GROUP_TICKS = 30  # group labels under bars shown at most; the others are thinned out
CONTROL = "\ufffd"  # in a label, what stands for a control character
UNDEFINED = "#B0B0B0"  # a heat map's undefined cell: grey, far from the white of 0
ANNOTATED_CELLS = 15  # a heat map up to this many codes a side shows its numbers


def _matplotlib() -> Any:
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError:
        raise UserError(f"charts need the optional package matplotlib: {EXTRA}") from None
    return matplotlib, Figure


def shorten(text: str, width: int, lines: int = 1) -> str:
    """``text`` wrapped to ``lines`` lines of at most ``width`` characters, the last ending
    in … when the rest does not fit. A code's path (``Dimension > Code``) that does not fit
    loses its leading names first (``… > Code``): the code's own name tells rows apart.
    Dollar signs are escaped so that matplotlib draws them instead of reading the text
    between two of them as mathematics."""
    text = _visible(text)
    wrapped = textwrap.wrap(text, width) or [""]
    parts = text.split(" > ")
    while len(wrapped) > lines and len(parts) > 1:
        parts = parts[1:]
        wrapped = textwrap.wrap("… > " + " > ".join(parts), width)
    if len(wrapped) > lines:
        last = wrapped[lines - 1]
        wrapped = [*wrapped[: lines - 1], last[: width - 1].rstrip() + "…"]
    return "\n".join(wrapped).replace("$", r"\$")


def _plain(text: str) -> str:
    """A title or axis label as matplotlib should draw it: literally."""
    return _visible(text).replace("$", r"\$")


def _visible(text: str) -> str:
    """``text`` on one line, runs of white space as one space and any other control
    character (an escape, a NUL) as ``�``, which every font draws, instead of a box."""
    text = " ".join(text.split())
    if text.isprintable():
        return text
    return "".join(CONTROL if unicodedata.category(c) == "Cc" else c for c in text)


def _colors(colors: Sequence[str], count: int, what: str) -> list[str]:
    if len(colors) != count:
        raise ValueError(f"{len(colors)} colours for {count} {what}")
    return [normalise_color(color) for color in colors]


def _darker(color: str, lightness: float = 0.42) -> str:
    """A pastel code colour, same hue, dark enough to read as a thin line on white."""
    red, green, blue = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue, light, saturation = colorsys.rgb_to_hls(red, green, blue)
    red, green, blue = colorsys.hls_to_rgb(
        hue, min(light, lightness), max(saturation, 0.55 if saturation > 0.05 else 0)
    )
    return "#{:02X}{:02X}{:02X}".format(*(round(c * 255) for c in (red, green, blue)))


def _figure(width: float, height: float) -> tuple[Figure, Axes]:
    _, figure_class = _matplotlib()
    # Whole half inches: at any even resolution the image is a whole number of pixels,
    # exactly the size times the dots per inch.
    size = (math.ceil(width * 2) / 2, math.ceil(height * 2) / 2)
    figure: Figure = figure_class(figsize=size, layout="constrained")
    return figure, figure.add_subplot()


def _height(names: Iterable[str]) -> float:
    """A figure's height in inches: 4.5, or more when the legend of ``names`` needs it (the
    legend stands beside the plot and is never cut off)."""
    lines = [shorten(name, LEGEND_WIDTH, LEGEND_LINES).count("\n") + 1 for name in names]
    # Per entry its lines at 9 pt (1.2 line spacing) and half a line between entries;
    # a title's height above and a little margin below.
    points = sum(10.8 * count + 5.4 for count in lines)
    return max(4.5, points / 72 + 0.8)


def _legend_width(names: Iterable[str]) -> float:
    """Inches beside the plot for the legend of ``names``: its longest line at 9 pt (about
    0.075 inch a character) and the colour patch before it."""
    longest = max(
        (
            len(line)
            for name in names
            for line in shorten(name, LEGEND_WIDTH, LEGEND_LINES).split("\n")
        ),
        default=0,
    )
    return 0.8 + 0.075 * longest if longest else 0.3


def _finished(figure: Figure) -> Figure:
    """The figure with its fonts: labels in any script drawn where a font has them."""
    apply_fonts(figure)
    return figure


def _empty(figure: Figure, axes: Axes, title: str) -> Figure:
    axes.set_axis_off()
    axes.text(0.5, 0.5, "No data to show", ha="center", va="center", color="#666666")
    figure.suptitle(_plain(title))
    return _finished(figure)


def _legend(figure: Figure, axes: Axes) -> None:
    handles, labels = axes.get_legend_handles_labels()
    if handles:
        figure.legend(handles, labels, loc="outside right upper", frameon=False, fontsize=9)


def bar_chart(
    rows: Sequence[str],
    groups: Sequence[str],
    values: Sequence[Sequence[float]],
    *,
    colors: Sequence[str],
    stacked: bool,
    title: str,
    value_label: str,
    group_label: str = "",
) -> Figure:
    """Bars of a crosstab: one cluster (or one stacked bar) per group, one bar (or one
    segment) per row in that row's colour; ``values[row][group]``. ``group_label`` names the
    horizontal axis (the variable the articles are grouped by)."""
    if len(values) != len(rows) or any(len(line) != len(groups) for line in values):
        raise ValueError(f"values must be {len(rows)} rows of {len(groups)} groups")
    fills = _colors(colors, len(rows), "rows")
    per_group = 0.55 if stacked else max(0.5, 0.22 * len(rows))
    if len(groups) <= 6:  # wrapped names stand under their bars: room for the longest line
        longest = max(
            (len(line) for g in groups for line in shorten(g, TICK_WIDTH, TICK_LINES).split("\n")),
            default=0,
        )
        per_group = max(per_group, 0.1 + 0.085 * longest)
    width = min(16.0, max(4.0, 1.2 + per_group * len(groups)) + _legend_width(rows))
    figure, axes = _figure(width, _height(rows))
    if not rows or not groups:
        return _empty(figure, axes, title)
    slot = 0.8 / (1 if stacked else len(rows))
    bottom = [0.0] * len(groups)
    for index, (row, line, fill) in enumerate(zip(rows, values, fills, strict=True)):
        heights = [float(value) for value in line]
        if stacked:
            positions = [float(group) for group in range(len(groups))]
        else:
            offset = (index - (len(rows) - 1) / 2) * slot
            positions = [group + offset for group in range(len(groups))]
        axes.bar(
            positions,
            heights,
            slot,
            bottom=bottom if stacked else None,
            color=fill,
            edgecolor=EDGE,
            linewidth=0.6,
            label=shorten(row, LEGEND_WIDTH, LEGEND_LINES),
        )
        if stacked:  # a missing value stacks as nothing
            bottom = [
                b + (h if math.isfinite(h) else 0.0) for b, h in zip(bottom, heights, strict=True)
            ]
    _group_ticks(axes, groups)
    _whole_numbers(axes, values)
    axes.set_ylabel(_plain(value_label))
    if group_label:
        axes.set_xlabel(_plain(group_label))
    axes.set_axisbelow(True)
    axes.yaxis.grid(True, color="#DDDDDD", linewidth=0.6)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_title(_plain(title))
    _legend(figure, axes)
    return _finished(figure)


def _whole_numbers(axes: Axes, values: Iterable[Sequence[float]]) -> None:
    """Counts get whole-number ticks (no 2.5 codings); any fraction keeps the default."""
    if all(float(v).is_integer() for line in values for v in line if math.isfinite(v)):
        from matplotlib.ticker import MaxNLocator

        axes.yaxis.set_major_locator(MaxNLocator(integer=True))


def _group_ticks(axes: Axes, groups: Sequence[str]) -> None:
    axes.set_xticks(range(len(groups)))
    if len(groups) <= 6:  # few: wrapped under their bars
        axes.set_xticklabels([shorten(group, TICK_WIDTH, TICK_LINES) for group in groups])
    else:  # many: one slanted line each, every step-th when too many to stand side by side
        step = max(1, math.ceil(len(groups) / MAX_GROUP_TICKS))
        axes.set_xticks(range(0, len(groups), step))
        axes.set_xticklabels(
            [shorten(group, 2 * TICK_WIDTH) for group in groups[::step]],
            rotation=40,
            ha="right",
            rotation_mode="anchor",
        )


def line_chart(
    periods: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    colors: Sequence[str],
    title: str,
    value_label: str,
    period_label: str = "Period",
) -> Figure:
    """One line per code over time: ``series[code][period]``, a darker shade of the code's
    colour (``colors`` in the order of ``series``) with a marker at each period. A missing
    value (NaN) leaves a gap."""
    if any(len(line) != len(periods) for line in series.values()):
        raise ValueError(f"each series must have {len(periods)} values")
    strokes = [_darker(color) for color in _colors(colors, len(series), "series")]
    width = min(14.0, max(4.0, 1.5 + 0.35 * len(periods)) + _legend_width(series))
    figure, axes = _figure(width, _height(series))
    if not periods or not series:
        return _empty(figure, axes, title)
    positions = list(range(len(periods)))
    markers = "osD^vP*Xh<>p"
    for index, ((name, line), stroke) in enumerate(zip(series.items(), strokes, strict=True)):
        axes.plot(
            positions,
            [float(value) for value in line],
            color=stroke,
            marker=markers[index % len(markers)],
            markersize=4,
            linewidth=1.6,
            clip_on=False,  # a marker at 0 shows whole, not cut by the axis
            label=shorten(name, LEGEND_WIDTH, LEGEND_LINES),
        )
    step = max(1, math.ceil(len(periods) / MAX_TICKS))
    shown = positions[::step]
    axes.set_xticks(shown)
    axes.set_xticklabels(
        [shorten(periods[i], 2 * TICK_WIDTH) for i in shown],
        rotation=40 if len(shown) > 6 else 0,
        ha="right" if len(shown) > 6 else "center",
        rotation_mode="anchor",
    )
    axes.set_xlabel(_plain(period_label))
    _whole_numbers(axes, series.values())
    axes.set_ylabel(_plain(value_label))
    axes.set_ylim(bottom=0)
    axes.yaxis.grid(True, color="#DDDDDD", linewidth=0.6)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_title(_plain(title))
    _legend(figure, axes)
    return _finished(figure)


def heatmap(
    labels: Sequence[str],
    matrix: Sequence[Sequence[float]],
    *,
    title: str,
    value_label: str,
) -> Figure:
    """A code × code matrix (co-occurrence counts or coefficients) as shaded cells, with the
    numbers written in when there are few enough codes; an undefined cell (NaN) is grey."""
    if len(matrix) != len(labels) or any(len(line) != len(labels) for line in matrix):
        raise ValueError(f"matrix must be {len(labels)} × {len(labels)}")
    matplotlib, _ = _matplotlib()
    side = min(14.0, max(5.5, 2.5 + 0.45 * len(labels)))
    figure, axes = _figure(side + 1.2, side)
    if not labels:
        return _empty(figure, axes, title)
    import numpy

    cells = numpy.array(matrix, dtype=float)  # imshow draws NaN in the "bad" colour
    palette = matplotlib.colormaps["Blues"].with_extremes(bad=UNDEFINED)
    defined = cells[numpy.isfinite(cells)]
    top = float(defined.max()) if defined.size else 1.0
    image = axes.imshow(cells, cmap=palette, vmin=0, vmax=top or 1.0)
    ticks = range(len(labels))
    names = [shorten(label, LEGEND_WIDTH) for label in labels]
    axes.set_xticks(ticks, names, rotation=45, ha="right", rotation_mode="anchor", fontsize=8)
    axes.set_yticks(ticks, names, fontsize=8)
    axes.tick_params(length=0)
    axes.spines[:].set_visible(False)
    if len(labels) <= ANNOTATED_CELLS:
        _write_numbers(axes, cells, top)
    bar = figure.colorbar(image, ax=axes, shrink=0.8)
    bar.set_label(_plain(value_label))
    axes.set_title(_plain(title))
    return _finished(figure)


def _write_numbers(axes: Axes, cells: Any, top: float) -> None:
    values = cells.tolist()
    whole = all(v.is_integer() for line in values for v in line if math.isfinite(v))
    for row, line in enumerate(values):
        for column, value in enumerate(line):
            if not math.isfinite(value):
                continue
            text = f"{value:.0f}" if whole else f"{value:.2f}"
            dark = top > 0 and value / top > 0.55  # white on the darker blues
            axes.text(
                column,
                row,
                text,
                ha="center",
                va="center",
                fontsize=7,
                color="white" if dark else "#222222",
            )
