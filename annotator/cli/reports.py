"""The commands that take data out of a project: exports for statistics packages and
spreadsheets, and inter-coder agreement (the reliability sample: ``cli/sample_design``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

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


def codings_choice(kind: str, without: bool, only: bool) -> str:
    """``--without-KIND-codings`` / ``--only-KIND-codings`` as the request's with, without or
    only (both given: one line)."""
    if without and only:
        raise UserError(f"--without-{kind}-codings and --only-{kind}-codings exclude each other")
    return "without" if without else "only" if only else "with"


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


LEVEL_CHOICES = {
    "document": ("document",),
    "character": ("character",),
    "unitizing": ("unitizing",),
    "segment": ("segment",),
    "span": ("character", "unitizing", "segment"),
    "all": ("document", "character", "unitizing", "segment"),
}


@click.command()
@project_argument
@click.option(
    "--level",
    type=click.Choice(list(LEVEL_CHOICES)),
    default="all",
    show_default=True,
    help="document: per article (code applied or not); character: each character coded or not; "
    "unitizing: Krippendorff's α_U; segment: passages matched by overlap (--overlap); "
    "span: character, unitizing and segment; all: every level.",
)
@click.option(
    "--coders",
    help="Coders to compare, by name: A,B (default: all who have done "
    f"articles, except the consensus coder; {NAMES_HELP}).",
)
@click.option(
    "--codes",
    help="Codes or dimensions to compare: 'Motive,Actor type > Diplomat' (default: all; in a "
    "name, write > as \\> and a comma as \\,).",
)
@click.option(
    "--counted-by",
    type=click.Choice(["done", "assigned"]),
    default="done",
    show_default=True,
    help="An article counts for a coder once marked done, or once assigned to them and done "
    "(an assigned article not done is left out for that coder, and the report says how many).",
)
@click.option(
    "--overlap",
    type=click.IntRange(1, 100),
    default=90,
    show_default=True,
    help="Segment matching: the overlap (in % of both segments together) that counts as agreement.",
)
@click.option("--no-interval", is_flag=True, help="Skip the bootstrap interval for α.")
@click.option(
    "--without-search-codings",
    is_flag=True,
    help="Leave out the codings a search made ('annotator search … --code'): only codings "
    "made by hand count.",
)
@click.option(
    "--only-search-codings",
    is_flag=True,
    help="Compare only the codings a search made (to show them apart).",
)
@click.option(
    "--without-assisted-codings",
    is_flag=True,
    help="Leave out the codings accepted from a machine coder's suggestions (in the window): "
    "only codings the coders made themselves count.",
)
@click.option(
    "--only-assisted-codings",
    is_flag=True,
    help="Compare only the codings accepted from a machine coder's suggestions.",
)
@click.option("--codebook-version", help=VERSION_HELP)
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
    level: str,
    coders: str | None,
    codes: str | None,
    counted_by: str,
    overlap: int,
    no_interval: bool,
    without_search_codings: bool,
    only_search_codings: bool,
    without_assisted_codings: bool,
    only_assisted_codings: bool,
    codebook_version: str | None,
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
    from annotator.services.agreement import Request, measure
    from annotator.services.article_sets import in_set
    from annotator.services.methods import methods_of

    target = Path(output) if output else None
    if target is not None:
        if target.suffix.lower() not in (".csv", ".html", ".htm"):
            raise UserError(f"{target.name}: the report is written as .csv or .html")
        check_output(target, [Path(project)])  # refused before the figures are computed
    request = Request(
        coders=names(coders),
        codes=split_path_list(codes or ""),
        levels=LEVEL_CHOICES[level],
        counted_by=counted_by,
        threshold=overlap / 100,
        interval=not no_interval,
        search_codings=codings_choice("search", without_search_codings, only_search_codings),
        assisted_codings=codings_choice(
            "assisted", without_assisted_codings, only_assisted_codings
        ),
        codebook_version=codebook_version or "",
    )
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
