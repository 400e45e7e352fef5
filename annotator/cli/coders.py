"""``annotator coders``: the people coding a project, their progress, and adding, renaming and
merging them."""

from __future__ import annotations

import unicodedata

import click

from annotator.cli.support import json_option, open_project, print_json, project_argument


class _ProjectGroup(click.Group):
    """A group whose own options may follow PROJECT when no command is named (``coders
    study.annotator --json``), as with every other command: a group would take ``--json``
    for a command's name; after a command's name, options are the command's own."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not any(arg in self.commands for arg in args):
            args = [a for a in args if a.startswith("-")] + [
                a for a in args if not a.startswith("-")
            ]
        return super().parse_args(ctx, args)


@click.group(cls=_ProjectGroup, invoke_without_command=True)
@project_argument
@json_option
@click.pass_context
def coders(ctx: click.Context, project: str, as_json: bool) -> None:
    """List the coders of PROJECT with their progress: articles done, in progress and not
    started, and codings. The commands below add, rename and merge coders.

    Examples: annotator coders study.annotator --json;
    annotator coders study.annotator merge "A. Kim" Ana
    """
    ctx.obj = (project, as_json)
    if ctx.invoked_subcommand is not None:
        return
    from annotator.services.coders import coder_progress

    with open_project(project, write=False) as opened:
        listing = coder_progress(opened)
    if as_json:
        print_json([entry.as_dict() for entry in listing])
        return
    if not listing:
        click.echo(f"no coders yet: add one with 'annotator coders {project} add NAME'")
        return
    width = max(len("coder"), *(_columns(entry.coder.name) for entry in listing))
    click.echo(
        f"{'coder':<{width}}  {'done':>6}  {'in progress':>11}  {'not started':>11}  codings"
    )
    for entry in listing:
        click.echo(
            f"{_padded(entry.coder.name, width)}  {entry.done:>6}  {entry.in_progress:>11}  "
            f"{entry.not_started:>11}  {entry.codings:>7}"
        )


def _columns(text: str) -> int:
    """How many terminal columns ``text`` takes: wide (East Asian) characters two, combining
    marks and other zero-width characters none."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _padded(text: str, width: int) -> str:
    return text + " " * max(width - _columns(text), 0)


@coders.command()
@click.argument("name")
@click.pass_obj
def add(obj: tuple[str, bool], name: str) -> None:
    """Add a coder called NAME to PROJECT.

    Example: annotator coders study.annotator add Cleo
    """
    from annotator.services.coders import add_coder

    project, _ = obj
    with open_project(project, write=True) as opened:
        coder = add_coder(opened, name)
    click.echo(f"added coder {coder.name}")


@coders.command()
@click.argument("old")
@click.argument("new")
@click.pass_obj
def rename(obj: tuple[str, bool], old: str, new: str) -> None:
    """Rename the coder OLD to NEW; their codings, statuses and memos stay theirs.

    Example: annotator coders study.annotator rename ana Ana
    """
    from annotator.services.coders import rename_coder

    project, _ = obj
    with open_project(project, write=True) as opened:
        coder = rename_coder(opened, old, new)
    click.echo(f"renamed coder {old} to {coder.name}")


@coders.command()
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="INTO")
@json_option
@click.pass_obj
def merge(obj: tuple[str, bool], source: str, target: str, as_json: bool) -> None:
    """Merge the coder FROM into INTO (two names one person coded under); FROM is gone after.

    FROM's codings, article statuses, memos and review decisions become INTO's (decided
    differences stay decided). A passage both coded with the same code is kept once (INTO's
    coding, every distinct memo text joined) and listed; an article or code memo both wrote
    becomes one, the texts joined; of two statuses on an article the further one is kept.
    Decisions between FROM and INTO (one person) are dropped: their consensus codings stay and
    are listed. FROM's GUID is remembered, so packages FROM sends later merge as INTO's. If
    the codings together would break an exclusive dimension's rule, nothing changes and the
    places are named. One transaction,
    after a snapshot ('annotator backups PROJECT').

    Example: annotator coders study.annotator merge "A. Kim" Ana --json
    """
    from annotator.services.coders import merge_coders

    project, listing_json = obj
    as_json = as_json or listing_json  # coders P --json merge A B
    with open_project(project, write=True) as opened:
        report = merge_coders(opened, source, target)
    if as_json:
        print_json(report.as_dict())
        return
    click.echo(report.summary())
    for conflict in report.conflicts:
        click.echo(f"  kept once: {conflict}")
    for coding in report.undecided_consensus:
        click.echo(f"  consensus coding without a decision: {coding}")
