"""The commands of a team coding on several machines: merging coders' work."""

from __future__ import annotations

from pathlib import Path

import click

from annotator.cli.support import json_option, open_project, print_json, project_argument
from annotator.services.merge import (
    ARTICLE_CHOICES,
    CODE_CHOICES,
    CODER_CHOICES,
    DELETION_CHOICES,
)


@click.command()
@project_argument
@click.argument("others", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--missing-articles",
    type=click.Choice(ARTICLE_CHOICES),
    default="fail",
    show_default=True,
    help="Articles the project lacks: stop, leave their codings out, or (merging a project) "
    "import them. A .qdpx brings its articles: they are imported unless 'skip'.",
)
@click.option(
    "--missing-codes",
    type=click.Choice(CODE_CHOICES),
    default="fail",
    show_default=True,
    help="Codes the codebook lacks: stop, add them, use the codebook's code of the same path "
    "(adding the rest), or leave their codings out. A .qdpx's codes are added unless told.",
)
@click.option(
    "--coder-clash",
    type=click.Choice(CODER_CHOICES),
    default="fail",
    show_default=True,
    help="A coder whose name the project gives someone else: stop, take them in renamed, or "
    "treat them as that coder.",
)
@click.option(
    "--deletion-clash",
    type=click.Choice(DELETION_CHOICES),
    default="fail",
    show_default=True,
    help="A coding or memo the coder deleted that the project changed after the deletion: "
    "stop, delete it all the same, or keep the project's version.",
)
@json_option
def merge(
    project: str,
    others: tuple[str, ...],
    missing_articles: str,
    missing_codes: str,
    coder_clash: str,
    deletion_clash: str,
    as_json: bool,
) -> None:
    """Merge coder packages, other annotator projects or REFI-QDA .qdpx projects (from NVivo,
    MAXQDA, ATLAS.ti, QualCoder…) into PROJECT.

    Codings are matched by GUID and articles by their text's SHA-256; merging the same file
    twice changes nothing; a coding or memo the coder deleted is deleted here too. Every file
    is read and checked first, then all are merged in one transaction: anything that does not
    fit is listed and nothing is written until you choose what to do with it. A package of a
    coder since merged into another ('annotator coders PROJECT merge') lands with that one.

    Example: annotator merge study.annotator ana.annpkg ben.annpkg --missing-codes add
    """
    from annotator.services.merge import MergeChoices, MergeConflictError, merge_files

    choices = MergeChoices(missing_articles, missing_codes, coder_clash, deletion_clash)
    with open_project(project, write=True) as opened:
        try:
            reports = merge_files(opened, [Path(other) for other in others], choices)
        except MergeConflictError as error:
            for conflict in error.conflicts[:20]:
                click.echo(f"  {conflict}", err=True)
            raise
    if as_json:
        print_json(
            [
                {
                    "source": r.source,
                    "coder": r.coder,
                    "added": r.added,
                    "updated": r.updated,
                    "unchanged": r.unchanged,
                    "kept": r.kept,
                    "kept_deleted": r.kept_deleted,
                    "folded": r.folded,
                    "folded_memos": r.folded_memos,
                    "deleted": r.deleted,
                    "statuses": r.statuses,
                    "memos": r.memos,
                    "memos_deleted": r.memos_deleted,
                    "memos_kept_deleted": r.memos_kept_deleted,
                    "memos_no_coder": r.memos_no_coder,
                    "memos_skipped_empty": r.memos_skipped_empty,
                    "codes_added": r.codes_added,
                    "articles_added": r.articles_added,
                    "left_out": r.left_out,
                    "notes": r.notes,
                }
                for r in reports
            ]
        )
        return
    for report in reports:
        click.echo(report.summary())
        for item in report.left_out:
            click.echo(f"  left out: {item}")
        for note in report.notes:
            click.echo(f"  {note}")
