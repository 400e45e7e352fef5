"""``annotator analyze``: code frequencies by group and code co-occurrence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

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
from annotator.domain.errors import BadFileError
from annotator.io.csvfiles import atomic_output, write_csv
from annotator.services import analysis
from annotator.storage import Project

CODES_HELP = (
    "Only these codes or dimensions, each with the codes below it: 'Motive,Actor type > "
    "Diplomat' (in a name, write > as \\> and a comma as \\,)."
)
OUTPUT_HELP = (
    "Write the rows to this CSV file (.xlsx is not supported: no xlsx writer is installed)."
)


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
@click.option("-o", "--output", type=click.Path(dir_okay=False), help=OUTPUT_HELP)
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
) -> None:
    """How often each code was applied in each group of articles, with a χ² test.

    --json prints one row per (code, group): code_path, group, segments (codings, span and
    whole-article), articles (distinct articles among them), characters (covered, summed over
    codings; a whole-article coding covers the article), articles_in_group (every article of
    the group), row_percent and column_percent (of --unit), article_percent (articles coded
    of articles_in_group) and coders.

    Example: annotator analyze frequencies study.annotator --by date --bin year --coders Ana
    """
    target = _target(output)
    request = analysis.Request(
        by=by,
        bin=analysis.Bin(bin_) if bin_ else None,
        coders=names(coders),
        codes=split_path_list(codes or ""),
        rows=analysis.Rows(rows),
    )
    chosen_unit = Unit(unit)
    with open_project(project, write=False) as opened:
        result = analysis.frequencies(opened, request)
        records = result.records(chosen_unit)
        if target is not None:
            _write(opened, target, records)
            click.echo(f"wrote {len(records)} rows to {target}")
            return
    if as_json:
        print_json(records)
        return
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
@click.option("-o", "--output", type=click.Path(dir_okay=False), help=OUTPUT_HELP)
def cooccurrence(
    project: str,
    within: str,
    coders: str | None,
    codes: str | None,
    rows: str,
    as_json: bool,
    output: str | None,
) -> None:
    """Which codes one coder applied together, within a passage or within an article.

    --json prints one row per pair of codes: code_a, code_b, count (passage: pairs of
    overlapping codings; article: (article, coder) pairs holding both) and jaccard (article
    level: count over the (article, coder) pairs holding either; null at passage level).

    Example: annotator analyze cooccurrence study.annotator --within article --json
    """
    target = _target(output)
    with open_project(project, write=False) as opened:
        result = analysis.cooccurrences(
            opened,
            Within(within),
            coders=names(coders),
            codes=split_path_list(codes or ""),
            rows=analysis.Rows(rows),
        )
        records = analysis.cooccurrence_records(result)
        if target is not None:
            _write(opened, target, records)
            click.echo(f"wrote {len(records)} rows to {target}")
            return
    if as_json:
        print_json(records)
        return
    shown_rows = [r for r in records if r["count"]]
    if not shown_rows:
        click.echo("no two codes co-occur")
    for record in sorted(shown_rows, key=lambda r: -r["count"]):
        jaccard = "" if record["jaccard"] is None else f"  jaccard {record['jaccard']:.3f}"
        click.echo(
            f"{record['count']:>6}  {shown(record['code_a'])} + {shown(record['code_b'])}{jaccard}"
        )


def _target(output: str | None) -> Path | None:
    if output is None:
        return None
    target = Path(output)
    if target.suffix.lower() == ".xlsx":
        raise BadFileError(
            target,
            "cannot be written: .xlsx needs a library annotator does not "
            "ship; write .csv (it opens in Excel)",
        )
    return target


def _write(project: Project, target: Path, records: list[dict[str, Any]]) -> None:
    header = list(records[0]) if records else ["code_path", "group"]
    with atomic_output(target, protect=[project.path]) as handle:
        write_csv(handle, header, ([r[k] for k in header] for r in records))


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
    for row, label in zip(table.rows, labels, strict=True):
        values = [str(table.cell(row, g).count(unit)) for g in table.groups]
        click.echo(line(label, values, str(table.row_totals[row].count(unit))))
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
