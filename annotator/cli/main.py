"""The ``annotator`` command. Each command's docstring is its ``--help``.

Commands that change a project take its lock (a project open in the window is refused with a
message naming that process); commands that only read open it read-only and work alongside.
Errors are one line on standard error and a non-zero exit status.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from annotator import __version__, interrupts, paths, services
from annotator.cli import (
    analysis,
    article_sets,
    backups,
    codebook_versions,
    coders,
    frequent_words,
    intake,
    machine,
    machine_classifier,
    machine_llm,
    reports,
    sample_design,
    search,
    search_rules,
    team,
    training,
)
from annotator.cli.support import (
    EXIT_REFUSED,
    Group,
    json_option,
    open_project,
    print_json,
    project_argument,
    shown,
)
from annotator.cli.support import progress_bar as _progress_bar
from annotator.domain.errors import UserError
from annotator.domain.model import DocumentStatus
from annotator.services.checks import CLASH_ADVICE, check_project


@click.group(cls=Group, invoke_without_command=True)
@click.version_option(__version__, prog_name="annotator")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    help=f"Folder for the default project (default: {paths.data_dir()}; "
    f"or set {paths.HOME_VARIABLE}).",
)
@click.pass_context
def cli(ctx: click.Context, data_dir: str | None) -> None:
    """Code news articles, measure inter-coder agreement, export for R, SPSS and Stata.

    With no command, opens the coding window on the default project (made from the demo
    articles on first run).

    Example: annotator new study.annotator --demo
    """
    if data_dir:
        os.environ[paths.HOME_VARIABLE] = data_dir
    if ctx.invoked_subcommand is None:
        ctx.invoke(gui)


@cli.command()
@click.argument("project", type=click.Path(dir_okay=False), required=False)
def gui(project: str | None) -> None:
    """Open the coding window on PROJECT (default: the default project).

    Example: annotator gui study.annotator
    """
    from annotator.ui.platform_check import choose_platform, platform_problem

    chosen = choose_platform()  # a Wayland session: its plugin where it can load, else X11
    if chosen is not None:
        os.environ["QT_QPA_PLATFORM"] = chosen
    problem = platform_problem()  # before Qt loads its X11 plugin and aborts on a gap
    if problem is not None:
        raise UserError(problem)
    try:
        from annotator.ui.app import run
    except ImportError as error:  # Qt missing or broken: the commands still work
        raise UserError(
            f"the coding window cannot start ({error}); the commands in 'annotator --help' work"
        ) from None
    sys.exit(run(Path(project) if project else None))


@cli.command()
@project_argument
@click.option(
    "--codebook",
    type=click.Path(exists=True, dir_okay=False),
    help="Codebook (.json or .csv) to start with.",
)
@click.option("--demo", is_flag=True, help="Add the bundled demo articles and two coders' codings.")
@click.option("--no-codebook", is_flag=True, help="Start with an empty codebook.")
def new(project: str, codebook: str | None, demo: bool, no_codebook: bool) -> None:
    """Create a new project file PROJECT.

    The codebook is the default one for news on North Korean defection unless --codebook or
    --no-codebook says otherwise.

    Example: annotator new study.annotator --demo
    """
    created = services.create_project(
        project, codebook=codebook, demo=demo, with_default_codebook=not no_codebook
    )
    with created:
        click.echo(
            f"created {created.name}: {created.documents.count()} documents, "
            f"{created.codebook.count()} codebook entries, {created.codings.count()} codings"
        )


@cli.command()
@project_argument
@json_option
def documents(project: str, as_json: bool) -> None:
    """List the documents of PROJECT with their variables, codings and status per coder.

    Each article is one line (id, name, characters, codings, the coders who are done with it
    or have it in progress), its variables on the line below ("outlet: Pacific Wire · date:
    2017-09-12"). --json gives all of it, and where each article came from.

    Example: annotator documents study.annotator --json
    """
    with open_project(project, write=False) as opened:
        coders = {c.id: c.name for c in opened.coders.all()}
        values = opened.documents.all_values()
        counts = opened.codings.counts_by_document()
        statuses = opened.statuses.all()
        listing: list[dict[str, Any]] = [
            {
                "id": d.id,
                "name": d.name,
                "source": d.source,
                "sha256": d.sha256,
                "characters": d.length,
                "imported_at": d.imported_at,
                # Where it came from: the file (an export holds many articles) and database.
                "source_file": values.get(d.id, {}).get("source_file", d.source),
                "database": values.get(d.id, {}).get("database"),
                "variables": values.get(d.id, {}),
                "codings": counts.get(d.id, 0),
                "status": {
                    name: statuses.get((d.id, coder_id), DocumentStatus.NOT_STARTED).value
                    for coder_id, name in coders.items()
                },
            }
            for d in opened.documents.all()
        ]
    if as_json:
        print_json(listing)
        return
    if not listing:
        click.echo("no documents yet: add some with 'annotator import'")
        return
    width = max(len(shown(item["name"])) for item in listing)
    click.echo(f"{'id':>4}  {'name':<{width}}  {'characters':>10}  {'codings':>7}  status")
    for item in listing:
        name, characters = shown(item["name"]), item["characters"]
        click.echo(
            f"{item['id']:>4}  {name:<{width}}  {characters:>10,}  {item['codings']:>7}  "
            f"{shown(_statuses(item['status']))}"
        )
        variables = item["variables"]
        if variables:  # one line under the article, as "name: value", in the project's order
            click.echo(
                "      "
                + " · ".join(
                    f"{shown(n)}: {shown(' '.join(v.split()))}" for n, v in variables.items()
                )
            )


def _statuses(by_coder: dict[str, str]) -> str:
    """``done: Ana, Ben; in progress: Cleo`` (coders who have not started are left out)."""
    parts = []
    for status, words in (("done", "done"), ("in_progress", "in progress")):
        names = [name for name, s in by_coder.items() if s == status]
        if names:
            parts.append(f"{words}: {', '.join(names)}")
    return "; ".join(parts) or "-"


@cli.group()
def codebook() -> None:
    """Read or write the codebook of a project (.json, .csv or REFI-QDA .qdc).

    Example: annotator codebook export study.annotator codebook.csv
    """


@codebook.command("import")
@project_argument
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def codebook_import(project: str, file: str) -> None:
    """Merge the codebook FILE into PROJECT by path; report what was added and changed.

    Example: annotator codebook import study.annotator my-codebook.csv
    """
    with open_project(project, write=True) as opened, _progress_bar("merging") as progress:
        report = services.import_codebook(opened, file, progress=progress)
    click.echo(report.summary())
    for line in report.details():
        click.echo(f"  {line}")
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)


@codebook.command("export")
@project_argument
@click.argument("file", type=click.Path(dir_okay=False))
def codebook_export(project: str, file: str) -> None:
    """Write the codebook of PROJECT to FILE (.json with GUIDs, or .csv).

    Example: annotator codebook export study.annotator codebook.json
    """
    with open_project(project, write=False) as opened:
        count = services.export_codebook(opened, file)
    click.echo(f"wrote {count} codebook entries to {file}")


@cli.group()
def codings() -> None:
    """Bring codings into a project.

    Example: annotator codings import study.annotator segments.csv --mark-done
    """


@codings.command("import")
@project_argument
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--mark-done", is_flag=True, help="Mark every (coder, document) pair in the file done."
)
@json_option
def codings_import(project: str, file: str, mark_done: bool, as_json: bool) -> None:
    """Import codings from a long CSV (the columns of 'export --format segments').

    Rows whose text does not match the document, or whose document or code is unknown, are
    listed and nothing from the file is written. Rows already present are skipped.

    Example: annotator codings import study.annotator ana.csv --mark-done
    """
    with open_project(project, write=True) as opened:
        report = services.import_codings(opened, file, mark_done=mark_done)
    summary = {
        "added": report.added,
        "unchanged": report.unchanged,
        "memos_updated": report.memos_updated,
        "coders_added": report.coders_added,
        "marked_done": report.marked_done,
    }
    if as_json:
        print_json(summary)
        return
    click.echo(
        f"added {report.added} codings, {report.unchanged} already present"
        + (f", {report.memos_updated} memos updated" if report.memos_updated else "")
        + (f"; new coders: {', '.join(report.coders_added)}" if report.coders_added else "")
        + (f"; marked {report.marked_done} (coder, document) pairs done" if mark_done else "")
    )


@cli.command()
@project_argument
@click.option("--coder", required=True, help="The coder whose status to set (created if new).")
@click.option("--done", is_flag=True, help="Mark the documents done.")
@click.option("--in-progress", is_flag=True, help="Mark them in progress.")
@click.option("--not-started", is_flag=True, help="Mark them not started.")
@click.argument("documents", nargs=-1, required=True)
def status(
    project: str,
    coder: str,
    done: bool,
    in_progress: bool,
    not_started: bool,
    documents: tuple[str, ...],
) -> None:
    """Set CODER's status on DOCUMENTS (names, or ids) in PROJECT: one of --done,
    --in-progress or --not-started.

    Agreement counts a document for a coder only once that coder has marked it done.

    Example: annotator status study.annotator --coder Ana --done 01_restaurant-workers 2
    """
    chosen = [
        value
        for flag, value in (
            (done, DocumentStatus.DONE),
            (in_progress, DocumentStatus.IN_PROGRESS),
            (not_started, DocumentStatus.NOT_STARTED),
        )
        if flag
    ]
    if len(chosen) != 1:
        # Two flags would leave the status to their order on the line: refuse, never guess.
        raise click.UsageError("say one of --done, --in-progress or --not-started")
    [wanted] = chosen
    with open_project(project, write=True) as opened:
        changes, new_coder = services.set_status(opened, coder, wanted, documents)
    if new_coder:
        click.echo(f"new coder: {coder}")
    click.echo(
        f"{coder}: {len(changes.statuses)} documents marked {wanted.value.replace('_', ' ')}"
    )


@cli.command()
@project_argument
@json_option
def check(project: str, as_json: bool) -> None:
    """Check PROJECT: its schema against annotator's (no trigger, view, table or column the
    migrations did not make), file integrity, document hashes, spans, exclusive-dimension
    overlaps.

    Exit status 1 when the project is damaged or was changed outside annotator, or holds
    codings that break an exclusive dimension's rule; warnings alone exit 0.

    Example: annotator check study.annotator
    """
    with open_project(project, write=False, accept_problems=True) as opened:
        report = check_project(opened)
    name = Path(project).name
    advice = ""
    if report.damaged:
        advice = (
            f"'annotator repair {name}' mends it (after a snapshot)"
            if report.repairable
            else f"'annotator restore {name} latest' puts the newest snapshot back "
            f"('annotator backups {name}' lists them)"
        )
    elif report.clashes:
        advice = CLASH_ADVICE
    if as_json:
        print_json(
            {
                "ok": report.ok,
                "errors": report.errors,
                "warnings": report.warnings,
                "counts": report.counts,
                "repairable": report.repairable,
                "advice": advice,
            }
        )
    else:
        counts = ", ".join(
            f"{value} {key}" for key, value in report.counts.items() if key != "schema"
        )
        click.echo(f"{name}: {counts or 'not read'} (schema {report.counts.get('schema')})")
        for error in report.errors:
            click.echo(f"error: {error}")
        for warning in report.warnings:
            click.echo(f"warning: {warning}")
        if report.ok:
            click.echo("ok")
        elif report.damaged:
            what = "was changed outside annotator" if report.repairable else "is damaged"
            click.echo(f"{len(report.errors)} errors: the project {what}; {advice}")
        else:
            click.echo(f"{len(report.errors)} errors: {advice}")
    if not report.ok:
        sys.exit(EXIT_REFUSED)


for command in (
    intake.import_,
    intake.imports,
    reports.export,
    reports.agreement,
    sample_design.sample,
    article_sets.sets,
    team.merge,
    coders.coders,
    backups.backup,
    backups.list_backups,
    backups.restore,
    backups.repair,
    analysis.analyze,
    search.search_command,
    search_rules.search_rules,
    frequent_words.words,
    frequent_words.stop_words,
    training.trainee_report,
    machine.machine,
):
    cli.add_command(command)
codebook.add_command(codebook_versions.versions)
codebook.add_command(codebook_versions.tag)
for _command in (*machine_llm.COMMANDS, *machine_classifier.COMMANDS):
    machine.machine.add_command(_command)  # add and code (both kinds); train, validate, …


def main() -> None:
    """Entry point of the ``annotator`` console script."""
    interrupts.install()  # Ctrl+C, SIGTERM: the project closed, one line, exit 130 / 143
    cli(prog_name="annotator")
