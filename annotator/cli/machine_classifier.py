"""``annotator machine train|validate|report|next``: the supervised machine coder trained on
the team's codings (offline, the default), validation against human coders with an α gate,
the methods report, and which article to code next. The commands join the ``machine`` group
(see :mod:`annotator.cli.main`); ``machine code`` serves both kinds of machine
(:mod:`annotator.cli.machine_llm`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from annotator.cli.support import (
    NAMES_HELP,
    json_option,
    names,
    open_project,
    print_json,
    progress_bar,
    project_argument,
    shown,
)
from annotator.domain.errors import UserError

_NAME = click.option("--name", required=True, help="The machine (its coder's name).")


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


@click.command()
@project_argument
@_NAME
@click.option("--from", "from_coder", required=True, help="The human coder to learn from.")
@click.option("--set", "set_", help="Only the articles of this article set (a training set).")
@json_option
def train(project: str, name: str, from_coder: str, set_: str | None, as_json: bool) -> None:
    """Train the classifier NAME (made, as a machine coder, when missing) on the articles
    CODER marked done (of an article set with --set): per code a sentence classifier
    (article-level codes at article level) and per exclusive dimension one multiclass model,
    TF-IDF and logistic regression, on this computer, nothing downloaded. Prints the
    cross-validated α against CODER per code, with N. Training again retrains on the codings
    as they are now.

    Example: annotator machine train study.annotator --name Classifier --from Ana
    """
    from annotator.services.article_sets import set_documents
    from annotator.services.machine.classifier import train as train_model

    with open_project(project, write=True) as opened:
        chosen = set_documents(opened, set_) if set_ else None
        trained = train_model(opened, name, from_coder, documents=chosen)
    if as_json:
        print_json(trained.as_dict())
        return
    report = trained.report
    click.echo(
        f"trained '{trained.machine.name}' on {report.documents} articles "
        f"({report.sentences:,} sentences) coded by {trained.coder}; "
        f"{report.folds}-fold cross-validation over articles:"
    )
    width = max(len(s.path) for s in report.scores)
    click.echo(f"  {'code':<{width}}  {'unit':<8}  {'α':>6}  {'N':>10}  {'coded':>6}  {'F1':>6}")
    for score in report.scores:
        if score.skipped:
            click.echo(f"  {shown(score.path):<{width}}  {score.skipped}")
            continue
        click.echo(
            f"  {shown(score.path):<{width}}  {score.unit:<8}  {_number(score.alpha):>6}  "
            f"{score.n_units:>10,}  {score.n_positive:>6}  {_number(score.f1):>6}"
        )
    click.echo(
        "α at character level for codes learned on sentences (N characters), at article level "
        "for codes learned on articles (N articles); coded: units the coder coded."
    )


@click.command()
@project_argument
@_NAME
@click.option(
    "--against", required=True, help=f"The human coders to compare with: A,B ({NAMES_HELP})."
)
@click.option(
    "--level",
    type=click.Choice(["character", "document", "unitizing", "segment"]),
    default="character",
    show_default=True,
    help="The agreement level α is measured at (as in 'agreement'; the segment level has no "
    "α, so its figure is the share of segments matched).",
)
@json_option
def validate(project: str, name: str, against: str, level: str, as_json: bool) -> None:
    """Compare the machine NAME with human coders on the articles they all marked done
    (coding them first where the machine has not, with its current settings; articles it was
    trained on are left out and counted): per code and dimension, α of the machine with each
    coder and their mean with a 95 % bootstrap interval over articles (1,000 resamples),
    the coders' α among themselves, precision, recall and F1, stability across replicates,
    and a verdict: reliable (α ≥ .800), tentative (≥ .667) or unreliable. Stored in the
    project: coding other articles needs a validation of the same settings.

    Example: annotator machine validate study.annotator --name Classifier --against Ana,Ben
    """
    from annotator.services.machine.validate import validate as run_validation

    with open_project(project, write=True) as opened, progress_bar("coding") as progress:
        found = run_validation(opened, name, names(against), level, progress=progress)
    if as_json:
        print_json(list(found.rows))
        return
    click.echo(
        f"'{found.machine}' against {', '.join(found.against)} on {found.articles} articles "
        f"({found.excluded_trained} left out as trained on; {found.coded_first} coded first), "
        f"{found.level} level; validation {found.guid[:8]}"
    )
    width = max([len(r["code_path"]) for r in found.rows] + [4])
    click.echo(
        f"  {'code':<{width}}  {'α machine':>9}  {'95 % interval':>15}  {'α coders':>8}  "
        f"{'N':>10}  verdict"
    )
    for row in found.rows:
        low, high = row["alpha_machine_low"], row["alpha_machine_high"]
        interval = f"[{_number(low)}, {_number(high)}]" if low is not None else "–"
        click.echo(
            f"  {shown(row['code_path']):<{width}}  {_number(row['alpha_machine']):>9}  "
            f"{interval:>15}  {_number(row['alpha_humans']):>8}  {row['n_units']:>10,}  "
            f"{row['verdict']}"
        )
        if row["note"]:
            click.echo(f"  {'':<{width}}  ({shown(row['note'])})")


@click.command()
@project_argument
@_NAME
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the report to FILE.html (a page to keep).",
)
@json_option
def report(project: str, name: str, output: str | None, as_json: bool) -> None:
    """What a methods section states about the machine NAME: model and version, prompt hash,
    settings, the validation (articles, units, α with intervals against the coders, their
    own α, stability, verdicts), runs without a validation, and the share of its suggestions
    coders accepted, edited and rejected.

    Example: annotator machine report study.annotator --name Classifier -o machine.html
    """
    from annotator.io.csvfiles import atomic_output
    from annotator.io.output import check_output
    from annotator.services.machine.report import machine_report, report_html

    target = Path(output) if output else None
    if target is not None:
        if target.suffix.lower() not in (".html", ".htm"):
            raise UserError(f"{target.name}: the report is written as .html")
        check_output(target, [Path(project)])
    with open_project(project, write=False) as opened:
        found = machine_report(opened, name)
    if as_json:
        print_json(found.as_dict())
    elif target is None:
        click.echo(found.text)
    if target is not None:
        with atomic_output(target, protect=[Path(project)]) as handle:
            handle.write(report_html(found))
        click.echo(f"wrote the report of '{found.data['machine']}' to {target}", err=as_json)


@click.command("next")
@project_argument
@_NAME
@click.option("--coder", required=True, help="The coder whose queue is ordered.")
@click.option("--count", default=10, show_default=True, help="How many articles to list.")
@json_option
def next_(project: str, name: str, coder: str, count: int, as_json: bool) -> None:
    """The articles CODER should code next to teach the classifier NAME most: those of the
    coder's queue not done (every article not done, with nothing assigned) that the model is
    least sure of, most uncertain first. Retrain with 'machine train' once they are coded.

    Example: annotator machine next study.annotator --name Classifier --coder Ana --count 5
    """
    from annotator.services.machine.next_articles import uncertain_first

    with open_project(project, write=False) as opened:
        found = uncertain_first(opened, name, coder, count)
    if as_json:
        print_json([c.as_dict() for c in found])
        return
    for rank, candidate in enumerate(found, start=1):
        where = f" ({candidate.part})" if candidate.part else ""
        click.echo(
            f"{rank:>3}. {shown(candidate.name)}{where}  uncertainty {candidate.uncertainty:.3f}"
        )


COMMANDS: tuple[Any, ...] = (train, validate, report, next_)
