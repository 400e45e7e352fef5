"""The drift chart: Krippendorff's α window by window, a point per window with its 95 %
interval as an error bar, one line per measure (all codes, a dimension, a code), and dashed
reference lines at Krippendorff's thresholds, α = .800 and α = .667.

Plain values in, a matplotlib :class:`~matplotlib.figure.Figure` out, built without pyplot
like every chart of :mod:`annotator.analysis.charts` (whose layout helpers it uses), so the
command line saves it and the window embeds it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from annotator.analysis.charts import (
    LEGEND_LINES,
    LEGEND_WIDTH,
    MAX_TICKS,
    TICK_WIDTH,
    _empty,
    _figure,
    _finished,
    _height,
    _legend,
    _legend_width,
    _plain,
    shorten,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Krippendorff (Content Analysis, 2004, 241): rely on variables with α ≥ .800; draw only
#: tentative conclusions from those between .667 and .800.
THRESHOLDS = ((0.800, "α = .800: reliable"), (0.667, "α = .667: tentative only"))
# Okabe and Ito's colour-blind-safe palette, dark enough for thin lines on white.
PALETTE = ("#000000", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#999933")
MARKERS = "osD^vP*X"
Point = tuple[float | None, float | None, float | None]  # α, low, high


def drift_chart(
    windows: Sequence[str],
    series: Mapping[str, Sequence[Point]],
    *,
    title: str,
    window_label: str,
    left_out: int = 0,
) -> Figure:
    """One line per entry of ``series`` (``(α, low, high)`` per window; ``None`` where α is
    undefined: a gap), its points a little apart from the other lines' so that the bars do
    not hide each other; ``left_out`` measures not drawn are named in the legend."""
    if any(len(points) != len(windows) for points in series.values()):
        raise ValueError(f"each series must have {len(windows)} points")
    names = [*series, *(["+ more"] if left_out else [])]
    # The thresholds' labels stand between the plot and the legend: 1.6 inches.
    width = min(15.5, max(5.0, 1.8 + 0.55 * len(windows)) + 1.6 + _legend_width(names))
    figure, axes = _figure(width, _height(names))
    drawn = [
        value
        for points in series.values()
        for point in points
        for value in point
        if value is not None
    ]
    if not windows or not drawn:
        return _empty(figure, axes, title)
    spread = min(0.3, 0.08 * len(series))  # how far apart the lines' points stand
    for index, (name, points) in enumerate(series.items()):
        offset = (index / max(1, len(series) - 1) - 0.5) * spread if len(series) > 1 else 0.0
        color = PALETTE[index % len(PALETTE)]
        xs = [k + offset for k in range(len(windows))]
        ys = [math.nan if a is None else a for a, _, _ in points]
        axes.plot(
            xs,
            ys,
            color=color,
            marker=MARKERS[index % len(MARKERS)],
            markersize=5,
            linewidth=1.3,
            label=shorten(name, LEGEND_WIDTH, LEGEND_LINES),
        )
        bars = [
            (x, a, lo, hi)
            for x, (a, lo, hi) in zip(xs, points, strict=True)
            if a is not None and lo is not None and hi is not None
        ]
        if bars:
            axes.errorbar(
                [x for x, _, _, _ in bars],
                [a for _, a, _, _ in bars],
                yerr=[[a - lo for _, a, lo, _ in bars], [hi - a for _, a, _, hi in bars]],
                fmt="none",
                ecolor=color,
                elinewidth=1.0,
                capsize=3,
                alpha=0.8,
            )
    if left_out:
        axes.plot([], [], linestyle="none", label=f"+ {left_out} more not drawn (see the table)")
    _references(axes)
    low = min(0.0, min(drawn))
    axes.set_ylim(low - 0.05, 1.05)
    step = max(1, math.ceil(len(windows) / MAX_TICKS))
    shown = list(range(0, len(windows), step))
    slanted = len(shown) > 6
    axes.set_xticks(shown)
    axes.set_xticklabels(
        [shorten(windows[k], 2 * TICK_WIDTH) for k in shown],
        rotation=40 if slanted else 0,
        ha="right" if slanted else "center",
        rotation_mode="anchor",
    )
    axes.set_xlim(-0.6, len(windows) - 0.4)
    axes.set_xlabel(_plain(window_label))
    axes.set_ylabel("Krippendorff's α (95 % interval)")
    axes.yaxis.grid(True, color="#EEEEEE", linewidth=0.6)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_title(_plain(title))
    _legend(figure, axes)
    return _finished(figure)


def _references(axes: Axes) -> None:
    """The thresholds as dashed grey lines, each labelled just right of the plot (never over
    a point)."""
    for value, label in THRESHOLDS:
        axes.axhline(value, color="#777777", linestyle="--", linewidth=0.9, zorder=1)
        axes.annotate(
            label,
            (1.01, value),
            xycoords=("axes fraction", "data"),
            color="#555555",
            fontsize=8,
            ha="left",
            va="center",
            annotation_clip=False,
        )
