"""`annotator trainee-report`: a coder in training against a reference coder."""

from __future__ import annotations

from pathlib import Path

import click

from annotator.cli.agreement_options import LEVEL_CHOICES
from annotator.cli.support import json_option, open_project, print_json, project_argument
from annotator.domain.codebook import split_path_list
from annotator.domain.errors import UserError


@click.command("trainee-report")
@project_argument
@click.option("--coder", "trainee", required=True, help="The coder in training.")
@click.option(
    "--reference",
    required=True,
    help="The reference coder: a gold standard, or 'consensus' (the review's decisions).",
)
@click.option(
    "--codes",
    help="Only these codes or dimensions: 'Motive,Actor type > Diplomat' (default: all; in a "
    "name, write > as \\> and a comma as \\,).",
)
@click.option(
    "--level",
    type=click.Choice(list(LEVEL_CHOICES)),
    default="all",
    show_default=True,
    help="The levels of the agreement figures (as for 'annotator agreement').",
)
@click.option(
    "--counted-by",
    type=click.Choice(["done", "assigned"]),
    default="done",
    show_default=True,
    help="An article counts for a coder once marked done, or once assigned and done.",
)
@json_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="FILE.html: the report to hand to the coder; FILE.csv: the passages missed and added.",
)
def trainee_report(
    project: str,
    trainee: str,
    reference: str,
    codes: str | None,
    level: str,
    counted_by: str,
    as_json: bool,
    output: str | None,
) -> None:
    """A training report: how the coder (--coder) agrees with a reference coder (--reference)
    in PROJECT, the article-level confusion matrix of each exclusive dimension, and the
    passages the coder missed (the reference coded them, the coder did not) or added.

    \b
    Example: annotator trainee-report study.annotator --coder Tom --reference consensus -o tom.html
    """
    from annotator.io.csvfiles import atomic_output
    from annotator.io.output import check_output
    from annotator.io.reliability_files import training_html, training_text, write_passages_csv
    from annotator.services.agreement import Request
    from annotator.services.training import training_report

    target = Path(output) if output else None
    if target is not None:
        if target.suffix.lower() not in (".csv", ".html", ".htm"):
            raise UserError(f"{target.name}: the training report is written as .html or .csv")
        check_output(target, [Path(project)])
    request = Request(levels=LEVEL_CHOICES[level], counted_by=counted_by)
    with open_project(project, write=False) as opened:
        report = training_report(opened, trainee, reference, split_path_list(codes or ""), request)
    data = report.as_dict()
    if as_json:
        print_json(data)
    elif target is None:
        click.echo(training_text(data))
    if target is None:
        return
    with atomic_output(target, protect=[Path(project)]) as handle:
        if target.suffix.lower() == ".csv":
            write_passages_csv(handle, data)
        else:
            handle.write(training_html(data))
    click.echo(
        f"wrote the report ({len(report.missed)} passages missed, {len(report.added)} added) "
        f"to {target}",
        err=as_json,
    )
