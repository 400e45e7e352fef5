"""The commands that take data out of a project: exports for statistics packages and
spreadsheets, and inter-coder agreement (the reliability sample: ``cli/sample_design``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from annotator.cli.agreement_options import RequestOptions, request_options
from annotator.cli.codebook_versions import VERSION_HELP
from annotator.cli.reliability_drift import drift_options
from annotator.cli.support import (
    NAMES_HELP,
    json_option,
    names,
    open_project,
    print_json,
    project_argument,
)
from annotator.domain.codebook import split_path_list
from annotator.domain.errors import UserError
from annotator.services import exports
from annotator.services.export_job import KINDS as EXPORT_FORMATS
from annotator.services.export_job import ExportJob, run_export


def _day(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(f"{option} takes a day as YYYY-MM-DD, not '{value}'") from None


@click.command()
@project_argument
@click.option(
    "--format",
    "format_",
    required=True,
    type=click.Choice(EXPORT_FORMATS),
    help="segments: one row per coding; matrix: one row per (article, coder), one column per "
    "code, with FILE_codebook.csv beside it; sav/dta: the matrix for SPSS/Stata with labels; "
    "codebook: .json/.csv, or an appendix as .html/.md; documents: one row per article; "
    "agreement: one row per agreement measure; package: one coder's work (--coders NAME), "
    "for the lead to merge; qdpx: the whole project for other QDA tools (REFI-QDA); memos: "
    "one row per memo (project log, articles', codes' and codings' memos).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="File to write (default: standard output; required for sav and dta).",
)
@click.option("--coders", help=f"Only these coders: A,B ({NAMES_HELP}).")
@click.option(
    "--codes",
    help="Only these codes or dimensions: 'Motive,Actor type > Diplomat' (in a name, write > "
    "as \\> and a comma as \\,).",
)
@click.option(
    "--documents", "documents_", help=f"Only these articles (names or ids): a,b ({NAMES_HELP})."
)
@click.option("--since", help="Only codings made on or after this day (YYYY-MM-DD, UTC).")
@click.option("--until", help="Only codings made on or before this day.")
@click.option("--codebook-version", help=f"segments, matrix, sav, dta, agreement: {VERSION_HELP}")
@click.option("--counts", is_flag=True, help="matrix, sav, dta: how many codings, not 0/1.")
@click.option(
    "--dimension-columns",
    is_flag=True,
    help="matrix, sav, dta: also one column per exclusive dimension holding its code.",
)
@click.option("--excel", is_flag=True, help="CSV: UTF-8 with a byte-order mark, as Excel wants it.")
@click.option(
    "--allow-formulas",
    is_flag=True,
    help="CSV: write text starting with = + - @ as it is (by default such cells get a leading "
    "apostrophe, so a spreadsheet never runs them; annotator reads them back unchanged).",
)
def export(
    project: str,
    format_: str,
    output: str | None,
    coders: str | None,
    codes: str | None,
    documents_: str | None,
    since: str | None,
    until: str | None,
    codebook_version: str | None,
    counts: bool,
    dimension_columns: bool,
    excel: bool,
    allow_formulas: bool,
) -> None:
    """Export data from PROJECT for R, SPSS, Stata or a spreadsheet.

    Example: annotator export study.annotator --format matrix --dimension-columns -o matrix.csv
    """
    target = Path(output) if output else None
    job = ExportJob(
        format_,
        target,
        exports.Selection(
            coders=names(coders),
            codes=split_path_list(codes or ""),
            documents=names(documents_),
            since=_day(since, "--since"),
            until=_day(until, "--until"),
            codebook_version=codebook_version or "",
        ),
        exports.Format(safe=not allow_formulas, excel=excel),
        counts=counts,
        dimensions=dimension_columns,
    )
    with open_project(project, write=False) as opened:
        count = run_export(opened, job)
    if target is not None:
        noun = {
            "segments": "codings",
            "documents": "documents",
            "agreement": "measures",
            "codebook": "codebook entries",
            "package": "codings",
            "qdpx": "codings",
            "memos": "memos",
        }.get(format_, "rows")
        extra = "".join(f" and its columns to {path}" for path in job.companions)
        click.echo(f"wrote {count} {noun} to {target}{extra}")
        for note in job.notes:
            click.echo(f"  not carried: {note}")


@click.command()
@project_argument
@request_options
@click.option("--set", "set_", help="Only the articles of this article set ('annotator sets').")
@click.option(
    "--pairs",
    is_flag=True,
    help="Every pair of coders and each coder against the others (mean pairwise α, α without "
    "them), to spot the coder who deviates; -o FILE.csv writes FILE_coders.csv beside it.",
)
@json_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the report to FILE.csv (one row per measure) or FILE.html (a page to keep).",
)
@drift_options
def agreement(
    project: str,
    request_options: RequestOptions,
    set_: str | None,
    pairs: bool,
    as_json: bool,
    output: str | None,
) -> None:
    """Inter-coder agreement in PROJECT: percent agreement, Cohen's and Fleiss' κ,
    Krippendorff's α (with a 95 % bootstrap interval), Gwet's AC1 and positive agreement, per
    code, dimension and overall, at article and character level, with α_U and segment matching.

    Example: annotator agreement study.annotator --coders Ana,Ben -o agreement.html
    """
    from annotator.io.agreement_files import report_html, text_table, write_report_csv
    from annotator.io.csvfiles import atomic_output
    from annotator.io.output import check_output
    from annotator.services.agreement import measure
    from annotator.services.article_sets import in_set
    from annotator.services.methods import methods_of

    target = Path(output) if output else None
    if target is not None:
        if target.suffix.lower() not in (".csv", ".html", ".htm"):
            raise UserError(f"{target.name}: the report is written as .csv or .html")
        check_output(target, [Path(project)])  # refused before the figures are computed
    request = request_options.request()
    if pairs:
        from annotator.cli.reliability_pairs import run_pairs

        return run_pairs(project, request, as_json, target, set_)
    with open_project(project, write=False) as opened:
        request = in_set(opened, request, set_)
        report = measure(opened, request)
        if not report.documents:  # a table of "not applied" would read as a result
            raise UserError(report.warnings[0])
        methods = methods_of(opened, request, report)
    if as_json:
        print_json({**report.as_dict(), "methods": methods.as_dict()})
    elif target is None:
        click.echo(text_table(report))
    if target is not None:
        with atomic_output(target, protect=[Path(project)]) as handle:
            if target.suffix.lower() == ".csv":
                write_report_csv(handle, report)
            else:
                handle.write(
                    report_html(
                        report,
                        title=f"Inter-coder agreement: {Path(project).stem}",
                        methods=methods.text,
                    )
                )
        click.echo(f"wrote {len(report.measures)} measures to {target}", err=as_json)
