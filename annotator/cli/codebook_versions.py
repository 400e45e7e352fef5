"""``annotator codebook versions`` and ``annotator codebook tag``: the codebook's change log and
its tagged versions (registered under the ``codebook`` group in ``cli/main.py``)."""

from __future__ import annotations

import click

from annotator.cli.support import json_option, open_project, print_json, project_argument

#: The help of every ``--codebook-version`` option (agreement, export).
VERSION_HELP = (
    "Only codings made under this codebook version (a tag of 'annotator codebook tag'): made "
    "while it was the latest tag, from the tag up to the next tag."
)


@click.command("versions")
@project_argument
@click.option("--find", "text", default="", help="Only changes whose code or values hold TEXT.")
@click.option("--coder", help="Only changes made by this coder.")
@json_option
def versions(project: str, text: str, coder: str | None, as_json: bool) -> None:
    """The codebook's change log of PROJECT (what changed, old → new, when, by whom, by which
    route) and its tagged versions.

    Example: annotator codebook versions study.annotator --find Motive
    """
    from annotator.services.codebook_versions import history

    with open_project(project, write=False) as opened:
        found = history(opened, text=text, coder=coder)
    if as_json:
        print_json(found.as_dict())
        return
    click.echo(f"current version: {found.current}")
    if found.tags:
        click.echo("tags:")
        for tag in found.tags:
            note = f" — {tag.note}" if tag.note else ""
            click.echo(f"  {tag.name}  (change {tag.change_id}, {tag.made_at}){note}")
    click.echo(f"{len(found.changes)} changes:")
    for change in found.changes:
        tags = "".join(f"  [tag: {name}]" for name in change.tags)
        who = change.coder or "-"
        route = f" ({change.route})" if change.route else ""
        click.echo(f"  {change.id:>5}  {change.made_at}  {who}{route}  {change.summary()}{tags}")


@click.command("tag")
@project_argument
@click.argument("name")
@click.option("--note", default="", help="What the version is (shown in the history).")
@click.option("--coder", help="Who tags it (recorded with the tag).")
def tag(project: str, name: str, note: str, coder: str | None) -> None:
    """Name the current state of PROJECT's codebook NAME ("v1 pilot"): codings made from now
    until the next tag are of this version (see --codebook-version on agreement and export).

    Example: annotator codebook tag study.annotator "v2 final" --note "after the pilot"
    """
    from annotator.services.codebook_versions import tag_version

    with open_project(project, write=True) as opened:
        made = tag_version(opened, name, note, coder)
    click.echo(f"tagged the codebook as of change {made.change_id} '{made.name}'")
