"""``annotator analyze``: code frequencies by group and code co-occurrence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from annotator.analysis.chart_fonts import glyph_warning
from annotator.analysis.cooccurrence import Within
from annotator.analysis.crosstab import Unit
from annotator.cli.support import (
    NAMES_HELP,
    json_option,
    names,
    open_project,
    print_json,
    project_argument,
    shown,
)
from annotator.domain.codebook import split_path_list
from annotator.domain.errors import BadFileError, UserError
from annotator.io.chart_files import check_chart, save_chart
from annotator.io.output import check_output
from annotator.io.tables import TABLE_SUFFIXES, encoded_columns, write_records, write_table
from annotator.services import analysis
from annotator.services.analysis_charts import (
    MEASURES,
    ChartKind,
    cooccurrence_chart,
    frequencies_chart,
)
from annotator.storage import Project

CODES_HELP = (
    "Only these codes or dimensions, each with the codes below it: 'Motive,Actor type > "
    "Diplomat' (in a name, write > as \\> and a comma as \\,)."
)
OUTPUT_HELP = (
    "Write the rows to this file: .csv, or .xlsx for Excel (numbers as numbers, text as text)."
)
CHART_HELP = (
    "Also draw a chart into this file: .png (at --dpi), .svg or .pdf. Needs matplotlib: "
    "pip install 'annotator[analysis]'."
)
DPI_HELP = "Resolution of a .png chart, in dots per inch (30 to 2400)."
CHART_ONLY = "--show, --chart-kind, --measure and --dpi say how to draw --chart FILE; add it"


def chart_options(function: Any) -> Any:
    """--chart and --dpi, which both commands take."""
    function = click.option("--dpi", type=int, help=DPI_HELP + " [default: 300]")(function)
    return click.option("--chart", type=click.Path(), help=CHART_HELP)(function)


@click.group(name="analyze")
def analyze() -> None:
    """Count codes by group of articles, and codes applied together.

    Example: annotator analyze frequencies study.annotator --by outlet --coders Ana
    """


@analyze.command()
@project_argument
@click.option(
    "--by",
    required=True,
    help="Group articles by this variable (outlet, date, …), or 'coder', or 'all'.",
)
@click.option(
    "--bin",
    "bin_",
    type=click.Choice([b.value for b in analysis.Bin]),
    help="Group a date variable by year, quarter, month or ISO week.",
)
@click.option("--coders", help=f"Only these coders (consensus is a coder): A,B ({NAMES_HELP}).")
@click.option("--codes", help=CODES_HELP)
@click.option(
    "--rows",
    type=click.Choice([r.value for r in analysis.Rows]),
    default="codes",
    show_default=True,
    help="One row per code, or per dimension.",
)
@click.option(
    "--unit",
    type=click.Choice([u.value for u in Unit]),
    default="segments",
    show_default=True,
    help="What the table and its percentages count: codings, articles coded, characters coded.",
)
@json_option
@click.option("-o", "--output", type=click.Path(), help=OUTPUT_HELP)
@chart_options
@click.option(
    "--chart-kind",
    type=click.Choice([k.value for k in ChartKind]),
    help="Grouped bars, stacked bars, or lines across the groups. [default: lines for --bin, "
    "else bars]",
)
@click.option(
    "--show",
    type=click.Choice([s.value for s in analysis.Show]),
    help="What the chart plots, in --unit: counts, % of the code's total (row), % of the "
    "group's total (column), or the articles coded as % of the group's articles. [default: "
    "column-percent for lines, else counts]",
)
def frequencies(
    project: str,
    by: str,
    bin_: str | None,
    coders: str | None,
    codes: str | None,
    rows: str,
    unit: str,
    as_json: bool,
    output: str | None,
    chart: str | None,
    dpi: int | None,
    chart_kind: str | None,
    show: str | None,
) -> None:
    """How often each code was applied in each group of articles, with a χ² test.

    --json prints one row per (code, group): code_path, group, segments (codings, span and
    whole-article), articles (distinct articles among them), characters (covered, summed over
    codings; a whole-article coding covers the article), articles_in_group (every article of
    the group), row_percent and column_percent (of --unit), article_percent (articles coded
    of articles_in_group) and coders.

    --chart draws the table: bars by group, or each code's share of the period's codings
    over time with --bin.

    Example: annotator analyze frequencies study.annotator --by date --bin year --coders Ana

    Example: annotator analyze frequencies study.annotator --by outlet --chart outlets.png
    """
    if chart is None and (dpi is not None or chart_kind or show):
        raise UserError(CHART_ONLY)
    target = _target(output, project)
    request = analysis.Request(
        by=by,
        bin=analysis.Bin(bin_) if bin_ else None,
        coders=names(coders),
        codes=split_path_list(codes or ""),
        rows=analysis.Rows(rows),
    )
    chosen_unit = Unit(unit)
    with open_project(project, write=False) as opened:
        drawing = _drawing(chart, dpi, opened)
        result = analysis.frequencies(opened, request)
        # The rows are one per (code, group): built only for -o or --json.
        records = result.records(chosen_unit) if target is not None or as_json else []
        figure = None
        if drawing is not None:
            figure = frequencies_chart(
                result,
                chosen_unit,
                analysis.Show(show) if show else None,
                ChartKind(chart_kind) if chart_kind else None,
            )
        _finish(opened, target, "frequencies", records, figure, drawing, as_json)
    if target is None and not as_json:
        _print_table(result, chosen_unit)


@analyze.command()
@project_argument
@click.option(
    "--within",
    required=True,
    type=click.Choice([w.value for w in Within]),
    help="passage: two codings by one coder sharing a character; article: both codes in one "
    "article by one coder.",
)
@click.option("--coders", help=f"Only these coders (consensus is a coder): A,B ({NAMES_HELP}).")
@click.option("--codes", help=CODES_HELP)
@click.option(
    "--rows",
    type=click.Choice([r.value for r in analysis.Rows]),
    default="codes",
    show_default=True,
    help="Pair codes, or dimensions.",
)
@json_option
@click.option("-o", "--output", type=click.Path(), help=OUTPUT_HELP)
@chart_options
@click.option(
    "--measure",
    type=click.Choice(list(MEASURES)),
    help="What the heat map shows: the count, or (within articles) the Jaccard coefficient. "
    "[default: count]",
)
def cooccurrence(
    project: str,
    within: str,
    coders: str | None,
    codes: str | None,
    rows: str,
    as_json: bool,
    output: str | None,
    chart: str | None,
    dpi: int | None,
    measure: str | None,
) -> None:
    """Which codes one coder applied together, within a passage or within an article.

    --json prints one row per pair of codes: code_a, code_b, count (passage: pairs of
    overlapping codings; article: (article, coder) pairs holding both) and jaccard (article
    level: count over the (article, coder) pairs holding either; null at passage level).

    --chart draws the code × code heat map (--measure count or jaccard).

    Example: annotator analyze cooccurrence study.annotator --within article --json

    Example: annotator analyze cooccurrence study.annotator --within article --chart pairs.svg
    """
    if chart is None and (dpi is not None or measure):
        raise UserError(CHART_ONLY)
    if measure == "jaccard" and Within(within) is Within.PASSAGE:
        raise UserError(
            "the Jaccard coefficient is defined within articles: use --within article, "
            "or --measure count"
        )
    target = _target(output, project)
    with open_project(project, write=False) as opened:
        drawing = _drawing(chart, dpi, opened)
        chosen_coders = names(coders)
        result = analysis.cooccurrences(
            opened,
            Within(within),
            coders=chosen_coders,
            codes=split_path_list(codes or ""),
            rows=analysis.Rows(rows),
        )
        records = analysis.cooccurrence_records(result)
        figure = None
        if drawing is not None:
            whose = ", ".join(chosen_coders) if chosen_coders else "all coders"
            figure = cooccurrence_chart(result, measure or "count", coders=whose)
        _finish(opened, target, "co-occurrence", records, figure, drawing, as_json)
    if target is not None or as_json:
        return
    shown_rows = [r for r in records if r["count"]]
    if not shown_rows:
        click.echo("no two codes co-occur")
    for record in sorted(shown_rows, key=lambda r: -r["count"]):
        jaccard = "" if record["jaccard"] is None else f"  jaccard {record['jaccard']:.3f}"
        click.echo(
            f"{record['count']:>6}  {shown(record['code_a'])} + {shown(record['code_b'])}{jaccard}"
        )


def _target(output: str | None, project: str) -> Path | None:
    """The -o file, checked before any work: its suffix, and where it would go."""
    if output is None:
        return None
    target = Path(output)
    if target.suffix.lower() not in TABLE_SUFFIXES:
        raise BadFileError(target, "is not a table file: name it .csv or .xlsx")
    check_output(target, [project])
    return target


def _drawing(chart: str | None, dpi: int | None, project: Project) -> tuple[Path, int] | None:
    """The --chart file and resolution, checked before any work (the file's name, the
    resolution, where it would go), or ``None`` without --chart."""
    if chart is None:
        return None
    drawing = Path(chart), 300 if dpi is None else dpi
    check_chart(*drawing, protect=[project.path])
    return drawing


def _finish(
    project: Project,
    target: Path | None,
    sheet: str,
    records: list[dict[str, Any]],
    figure: Any,
    drawing: tuple[Path, int] | None,
    as_json: bool,
) -> None:
    """Write what was asked: the -o table, the chart, the --json rows. With --json, standard
    output holds the JSON alone; what was written is said on standard error."""
    if target is not None:
        if records:
            write_records(target, records, protect=[project.path], sheet=sheet)
        else:
            write_table(target, ["code_path", "group"], [], protect=[project.path], sheet=sheet)
        click.echo(f"wrote {len(records)} rows to {target}", err=as_json)
    if drawing is not None:
        path, dpi = drawing
        save_chart(figure, path, dpi, protect=[project.path])
        click.echo(f"wrote the chart to {path}", err=as_json)
        warning = glyph_warning(figure)
        if warning:
            click.echo(f"warning: {warning}", err=True)
    if as_json:
        print_json_rows(records)


def print_json_rows(records: list[dict[str, Any]]) -> None:
    """Print ``records`` (flat dicts) exactly as ``print_json`` does (``json.dumps`` with
    ``indent=2``), a column at a time: json's indenting encoder is pure Python and takes
    12 s for a million rows."""
    encoded = encoded_columns(records, lambda v: json.dumps(v, ensure_ascii=False))
    if encoded is None:
        print_json(records)
        return
    fields = ",\n".join(
        "    " + json.dumps(k, ensure_ascii=False).replace("%", "%%") + ": %s" for k in records[0]
    )
    template = "  {\n" + fields + "\n  }"
    lines = [template % values for values in zip(*encoded, strict=True)]
    click.echo("[")
    for start in range(0, len(lines), 10_000):
        end = start + 10_000
        tail = ",\n" if end < len(lines) else "\n"
        click.echo(",\n".join(lines[start:end]) + tail, nl=False)
    click.echo("]")


def _print_table(result: analysis.Frequencies, unit: Unit) -> None:
    table = result.table
    click.echo(f"{unit.value} by {shown(result.by)}; coders: {shown(result.coders)}")
    if not table.rows:
        click.echo("no codes chosen")
        return
    labels = [shown(r) for r in table.rows]
    groups = [shown(g) for g in table.groups]
    width = max(len(x) for x in [*labels, "N articles", "Total"])
    columns = [max(len(g), 6) for g in groups]

    def line(label: str, values: list[str], total: str) -> str:
        cells = "  ".join(v.rjust(w) for v, w in zip(values, columns, strict=True))
        return f"{label.ljust(width)}  {cells}  {total.rjust(6)}"

    click.echo(line("", groups, "Total"))
    counts = table.table(unit)
    for row, label, values in zip(table.rows, labels, counts, strict=True):
        click.echo(line(label, [str(v) for v in values], str(table.row_totals[row].count(unit))))
    totals = [str(table.group_totals[g].count(unit)) for g in table.groups]
    click.echo(line("Total", totals, str(table.total.count(unit))))
    in_group = [str(table.articles_in_group[g]) for g in table.groups]
    click.echo(line("N articles", in_group, str(sum(table.articles_in_group.values()))))
    test = result.independence(unit)
    if test is None:
        click.echo("χ²: not defined (needs two codes and two groups with codings)")
        return
    counted = "segments" if unit is Unit.CHARACTERS else unit.value
    click.echo(
        f"χ² = {test.chi2:.3f}, df = {test.df}, p = {test.p:.4g}, Cramér's V = "
        f"{test.cramers_v:.3f} (on {counted}, n = {test.n})"
    )
    if test.warning:
        click.echo(f"warning: {test.warning}")
