"""``annotator agreement … --by-period month|quarter|week|batch``: agreement window by window
(drift), as a table, JSON, a tidy CSV or an HTML page, and a chart of α over the windows.

:func:`drift_options` adds the options to the ``agreement`` command and, when
``--by-period`` is given, answers in its place (with the same coders, codes, levels and
options); without it, the command runs as before."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from annotator.cli.agreement_options import RequestOptions
from annotator.cli.support import open_project, print_json
from annotator.domain.errors import UserError

PERIOD_HELP = (
    "Agreement window by window, to see whether it held over time: by the month, quarter or "
    "ISO week in which the articles were finished (the later of their coders' times, UTC), or "
    "in batches of articles in the order they were finished (--batch-size or --batches; 10 "
    "batches by default). Each window is the engine run on its articles alone."
)
DRIFT_ONLY = "--batch-size, --batches, --dated-by and --chart go with --by-period"


def drift_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add --by-period, --batch-size, --batches, --dated-by, --chart and --dpi to the
    ``agreement`` command; with --by-period, run :func:`run_drift` instead of it."""

    @functools.wraps(command)
    def agreement(
        by_period: str | None,
        batch_size: int | None,
        batches: int | None,
        dated_by: str | None,
        chart: str | None,
        dpi: int | None,
        **options: Any,
    ) -> None:
        if by_period is None:
            if any(v is not None for v in (batch_size, batches, dated_by, chart, dpi)):
                raise UserError(DRIFT_ONLY)
            command(**options)
            return
        run_drift(
            by_period,
            batch_size=batch_size,
            batches=batches,
            dated_by=dated_by or "done",
            chart=chart,
            dpi=300 if dpi is None else dpi,
            **options,
        )

    for decorator in reversed(
        (
            click.option(
                "--by-period",
                type=click.Choice(["month", "quarter", "week", "batch"]),
                help=PERIOD_HELP,
            ),
            click.option(
                "--batch-size",
                type=int,
                help="--by-period batch: this many articles a batch (the last may be smaller).",
            ),
            click.option(
                "--batches",
                type=int,
                help="--by-period batch: this many batches, their sizes differing by one at most.",
            ),
            click.option(
                "--dated-by",
                type=click.Choice(["done", "coded"]),
                help="An article's time: when its coders marked it done (default; their latest "
                "coding where a status has no time), or their latest coding in it.",
            ),
            click.option(
                "--chart",
                type=click.Path(dir_okay=False),
                help="--by-period: also draw α over the windows (points with their 95 % "
                "intervals, a line per measure, the .800 and .667 thresholds) into FILE.png, "
                ".svg or .pdf — of the first level chosen (article level with --level all).",
            ),
            click.option("--dpi", type=int, help="Resolution of a .png chart [default: 300]."),
        )
    ):
        agreement = decorator(agreement)
    return agreement


def run_drift(
    period: str,
    *,
    project: str,
    request_options: RequestOptions,
    set_: str | None,
    pairs: bool,
    as_json: bool,
    output: str | None,
    batch_size: int | None,
    batches: int | None,
    dated_by: str,
    chart: str | None,
    dpi: int,
) -> None:
    """Drift in PROJECT: the text table, or --json, or -o FILE.csv|.html; and --chart. The
    article set (--set) and codebook version (--codebook-version) limit every window."""
    from annotator.analysis.chart_fonts import glyph_warning
    from annotator.io.chart_files import check_chart, save_chart
    from annotator.io.csvfiles import atomic_output
    from annotator.io.drift_files import drift_html, text_table, write_drift_csv
    from annotator.io.output import check_output
    from annotator.services.article_sets import in_set
    from annotator.services.drift import drift, drift_figure

    if pairs:
        raise UserError("--pairs and --by-period: choose one")
    protect = [Path(project)]
    target = Path(output) if output else None
    if target is not None:
        if target.suffix.lower() not in (".csv", ".html", ".htm"):
            raise UserError(f"{target.name}: drift is written as .csv or .html")
        check_output(target, protect)  # refused before the figures are computed
    if chart is not None:
        check_chart(Path(chart), dpi, protect=protect)
    request = request_options.request()
    with open_project(project, write=False) as opened:
        result = drift(
            opened,
            in_set(opened, request, set_),
            period,
            batch_size=batch_size,
            batches=batches,
            dated_by=dated_by,
        )
    if as_json:
        print_json(result.as_dict())
    elif target is None:
        click.echo(text_table(result))
    if target is not None:
        with atomic_output(target, protect=protect) as handle:
            if target.suffix.lower() == ".csv":
                rows = write_drift_csv(handle, result)
            else:
                handle.write(drift_html(result, title=f"Agreement over time: {Path(project).stem}"))
                rows = len(result.windows)
        what = f"{rows} rows" if target.suffix.lower() == ".csv" else f"{rows} windows"
        click.echo(f"wrote {what} to {target}", err=as_json)
    if chart is not None:
        figure = drift_figure(result)
        save_chart(figure, Path(chart), dpi, protect=protect)
        click.echo(f"wrote the chart to {chart}", err=as_json)
        left = _left_out(result)
        if left:
            click.echo(f"  not drawn (see the table): {left}", err=as_json)
        warning = glyph_warning(figure)
        if warning:
            click.echo(f"warning: {warning}", err=True)


def _left_out(result: Any) -> str:
    """The measures the chart leaves out, by name ("" when it draws them all)."""
    from annotator.agreement.drift import chart_tracks

    levels = result.levels
    if not levels:
        return ""
    _, left = chart_tracks(result.tracks(levels[0]))
    return ", ".join(" > ".join(t.path) if t.scope == "code" and t.path else t.name for t in left)
