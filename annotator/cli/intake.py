"""``annotator import`` (articles, news-database exports, article sheets) and ``annotator
imports`` (the project's record of every import)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from annotator.cli.support import (
    EXIT_REFUSED,
    json_option,
    open_project,
    print_json,
    progress_bar,
    project_argument,
    shown,
)
from annotator.domain.errors import UserError
from annotator.io.encoding import check_encoding
from annotator.io.encoding import label as encoding_label
from annotator.io.variables_csv import read_variables_csv
from annotator.services.duplicates import MAX_THRESHOLD, MIN_THRESHOLD
from annotator.services.imports import ImportReport, read_articles, store_articles
from annotator.services.intake import ARTICLE_FORMAT, DUPLICATE_CHOICES, ImportOptions
from annotator.storage.imports import ImportedFile, ImportRun

#: Problems printed per file (all of them are in --json and in the project's record).
PROBLEMS_SHOWN = 10


def _encoding_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """The codec name for ``--encoding``, or a usage error naming what is wrong."""
    if value is None:
        return None
    try:
        return check_encoding(value)
    except UserError as error:
        raise click.BadParameter(str(error)) from None


def _column_option(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> tuple[tuple[str, str], ...]:
    """``--column NAME=variable`` as (column, variable) pairs."""
    pairs: list[tuple[str, str]] = []
    for value in values:
        column, equals, variable = value.rpartition("=")
        if not equals or not column.strip() or not variable.strip():
            raise click.BadParameter(f"'{value}': write it as COLUMN=variable (title=headline)")
        pairs.append((column.strip(), variable.strip()))
    return tuple(pairs)


@click.command("import")
@project_argument
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--variables",
    type=click.Path(exists=True, dir_okay=False),
    help="CSV of document variables keyed by file (column 'file': the path relative to the "
    "folder imported, or the bare name where it is unique); a row for an export or a sheet "
    "applies to every article in it.",
)
@click.option(
    "--encoding",
    metavar="NAME",
    callback=_encoding_option,
    help="Encoding of plain-text files that are not UTF-8 (shift_jis, euc_jp, euc_kr, gb18030, "
    "big5, cp1251, koi8_r, cp1252…); without it the encoding is detected and a file whose "
    "encoding is unclear is refused.",
)
@click.option(
    "--text-column",
    metavar="NAME",
    help="The column of an article sheet that holds the text (default: text, body, content "
    "or full_text).",
)
@click.option(
    "--column",
    "columns",
    metavar="NAME=VARIABLE",
    multiple=True,
    callback=_column_option,
    help="Store a sheet's column NAME as VARIABLE (title, date, outlet, author, url or any "
    "name); repeatable.",
)
@click.option(
    "--duplicates",
    type=click.Choice(DUPLICATE_CHOICES),
    default="skip",
    show_default=True,
    help="Near-duplicates: leave them out, import them with the variable duplicate_of (the "
    "name of the document they repeat), or import them all. The same text is never stored "
    "twice.",
)
@click.option(
    "--similarity",
    type=click.FloatRange(MIN_THRESHOLD, MAX_THRESHOLD),
    default=0.9,
    show_default=True,
    help=f"How alike two texts must be to count as near-duplicates, from {MIN_THRESHOLD} to "
    f"{MAX_THRESHOLD} (the Jaccard similarity of their five-word sequences).",
)
@json_option
def import_(
    project: str,
    paths: tuple[str, ...],
    variables: str | None,
    encoding: str | None,
    text_column: str | None,
    columns: tuple[tuple[str, str], ...],
    duplicates: str,
    similarity: float,
    as_json: bool,
) -> None:
    """Import articles into PROJECT: article files (.txt, .md, .html, .docx, .pdf), files of
    news databases that hold many articles, and article sheets (.csv, .tsv, .xlsx, JSON Lines,
    one article per row), or folders of them. Formats are recognised by content.

    Unusable files are refused one by one with a reason (exit status 1); the rest are imported,
    each file whole or not at all. Text already in the project is reported and not imported
    twice. Every import is recorded in the project ('annotator imports' lists them).

    Example: annotator import study.annotator exports/ --variables exports/meta.csv
    """
    options = ImportOptions(text_column, columns, duplicates, similarity, encoding)
    with open_project(project, write=True) as opened:
        table = read_variables_csv(Path(variables)) if variables else None
        with progress_bar("reading") as progress:
            batch = read_articles(
                paths,
                progress=progress,
                options=options,
                leave_out=[variables] if variables else [],
            )
        with progress_bar("storing") as progress:
            report = store_articles(opened, batch, table, options=options, progress=progress)
    if as_json:
        print_json(_report_json(report))
    else:
        _print_report(report)
    if report.refused:
        sys.exit(EXIT_REFUSED)


def _file_json(entry: ImportedFile) -> dict[str, Any]:
    return {
        "source": entry.source,
        "format": entry.format if entry.refused is None or entry.articles else None,
        "database": entry.database,
        "articles": entry.articles,
        "imported": entry.imported,
        "duplicates": entry.duplicates,
        "problems": list(entry.problems),
        "refused": entry.refused,
    }


def _report_json(report: ImportReport) -> dict[str, Any]:
    return {
        "import_id": report.import_id,
        "files": [_file_json(entry) for entry in report.files],
        "imported": [
            {
                "id": i.document_id,
                "name": i.name,
                "source": i.source,
                "characters": i.characters,
                "encoding": i.encoding,
            }
            for i in report.imported
        ],
        "duplicates": [
            {
                "source": d.source,
                "existing": d.existing,
                "similarity": d.similarity,
                "imported": d.kept,
            }
            for d in report.duplicates
        ],
        "refused": [
            {"file": str(r.path), "source": r.source or r.path.name, "reason": r.reason}
            for r in report.refused
        ],
        "warnings": report.warnings,
        "variables_set": report.variables_set,
    }


def _print_report(report: ImportReport) -> None:
    """The report, a line each: names and texts from the files go through :func:`shown`, so
    a file named with a line break or a terminal escape cannot break a line or the terminal."""
    characters = sum(i.characters for i in report.imported)
    for entry in report.files:
        if entry.refused is None and entry.format != ARTICLE_FORMAT:
            click.echo(
                shown(
                    f"{entry.source}: {entry.format}, {entry.articles} articles, "
                    f"{entry.imported} imported, {entry.duplicates} duplicates"
                )
            )
            for problem in entry.problems[:PROBLEMS_SHOWN]:
                click.echo(f"  {shown(problem)}", err=True)
            if len(entry.problems) > PROBLEMS_SHOWN:
                more = len(entry.problems) - PROBLEMS_SHOWN
                click.echo(f"  … {more} more (see --json or 'annotator imports')", err=True)
    if report.imported or not report.variables_set:
        click.echo(f"imported {len(report.imported)} articles ({characters:,} characters)")
    if report.variables_set:
        # A variables CSV for articles already present is a common second step: say what it did.
        click.echo(
            f"set the variables of {report.variables_set} "
            f"article{'' if report.variables_set == 1 else 's'} already in the project"
        )
    for imported in report.imported:
        if imported.encoding not in (None, "utf-8", "utf-16", "utf-32"):
            click.echo(f"read as {encoding_label(imported.encoding)}: {shown(imported.source)}")
    for duplicate in report.duplicates:
        click.echo(f"duplicate: {shown(duplicate)}")
    for warning in report.warnings:
        click.echo(f"warning: {shown(warning)}", err=True)
    for refusal in report.refused:
        click.echo(f"refused: {shown(refusal)}", err=True)


@click.command()
@project_argument
@json_option
def imports(project: str, as_json: bool) -> None:
    """List the imports recorded in PROJECT: when, with which options, and per file the
    format recognised, articles found, imported, duplicates and problems.

    Example: annotator imports study.annotator --json
    """
    with open_project(project, write=False) as opened:
        runs = opened.imports.all()
    if as_json:
        print_json([_run_json(run) for run in runs])
        return
    if not runs:
        click.echo("no imports recorded (imports before this version of annotator are not)")
        return
    for run in runs:
        chosen = ", ".join(f"{k}={v}" for k, v in run.options.items() if v not in (None, {}))
        click.echo(
            f"#{run.id} {run.started_at}: {len(run.files)} files, {run.imported} imported, "
            f"{run.duplicates} duplicates, {run.refused} refused ({chosen})"
        )
        for entry in run.files:
            what = (
                f"refused: {entry.refused}"
                if entry.refused is not None
                else f"{entry.format}, {entry.articles} articles, {entry.imported} imported, "
                f"{entry.duplicates} duplicates, {len(entry.problems)} problems"
            )
            click.echo(f"  {entry.source}: {what}")


def _run_json(run: ImportRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "version": run.version,
        "options": run.options,
        "imported": run.imported,
        "duplicates": run.duplicates,
        "refused": run.refused,
        "files": [{**_file_json(entry), "sha256": entry.sha256} for entry in run.files],
    }
