"""``annotator sets``: named article sets (a pilot set, a training set) — made from article
names or variable conditions, listed, shown, changed and deleted. ``agreement --set NAME``
compares the coders on a set's articles."""

from __future__ import annotations

import click

from annotator.cli.coders import _ProjectGroup
from annotator.cli.support import (
    NAMES_HELP,
    json_option,
    names,
    open_project,
    print_json,
    project_argument,
)

_DOCUMENTS_HELP = f"Articles by name or id: a,b ({NAMES_HELP})."
_WHERE_HELP = (
    "Articles whose variable meets this: VARIABLE=VALUE, VARIABLE~TEXT, VARIABLE=LOW..HIGH "
    "(outlet=Yonhap, date=2016); repeat for more (all must hold)."
)


@click.group(cls=_ProjectGroup, invoke_without_command=True)
@project_argument
@json_option
@click.pass_context
def sets(ctx: click.Context, project: str, as_json: bool) -> None:
    """The named article sets of PROJECT (pilot, training…): with no command, list them.
    The commands below make, show, change and delete them.

    \b
    Examples: annotator sets study.annotator create pilot --where date=2016-01
              annotator sets study.annotator add pilot --documents a,b
              annotator agreement study.annotator --set pilot
    """
    ctx.obj = (project, as_json)
    if ctx.invoked_subcommand is not None:
        return
    _list(project, as_json)


@sets.command("list")
@json_option
@click.pass_obj
def list_(obj: tuple[str, bool], as_json: bool) -> None:
    """List the sets with their number of articles."""
    _list(obj[0], as_json or obj[1])


def _list(project: str, as_json: bool) -> None:
    from annotator.services.article_sets import article_sets

    with open_project(project, write=False) as opened:
        listed = article_sets(opened)
    if as_json:
        print_json([{**s.as_dict(), "count": s.count} for s in listed])
        return
    if not listed:
        click.echo(f"no article sets yet: make one with 'annotator sets {project} create NAME'")
    for item in listed:
        about = f" — {item.description}" if item.description else ""
        click.echo(f"{item.name}: {item.count} article{'' if item.count == 1 else 's'}{about}")


@sets.command()
@click.argument("name")
@click.option("--documents", "documents_", help=_DOCUMENTS_HELP)
@click.option("--where", multiple=True, help=_WHERE_HELP)
@click.option("--description", default="", help="What the set is for.")
@json_option
@click.pass_obj
def create(
    obj: tuple[str, bool],
    as_json: bool,
    name: str,
    documents_: str | None,
    where: tuple[str, ...],
    description: str,
) -> None:
    """Make a set NAME of the articles named (--documents) or meeting --where (both: all of
    them)."""
    from annotator.services.article_sets import chosen_documents, create_set

    project, as_json = obj[0], as_json or obj[1]
    with open_project(project, write=True) as opened:
        made = create_set(
            opened, name, chosen_documents(opened, names(documents_), where), description
        )
    if as_json:
        print_json(made.as_dict())
        return
    click.echo(f"made set '{made.name}' of {made.count} article{'' if made.count == 1 else 's'}")


@sets.command()
@click.argument("name")
@json_option
@click.pass_obj
def show(obj: tuple[str, bool], as_json: bool, name: str) -> None:
    """The articles of set NAME."""
    from annotator.services.article_sets import article_set

    project, as_json = obj[0], as_json or obj[1]
    with open_project(project, write=False) as opened:
        shown = article_set(opened, name)
    if as_json:
        print_json(shown.as_dict())
        return
    about = f" — {shown.description}" if shown.description else ""
    click.echo(f"{shown.name}: {shown.count} articles{about}")
    for _, title in shown.documents:
        click.echo(f"  {title}")


@sets.command()
@click.argument("name")
@json_option
@click.pass_obj
def delete(obj: tuple[str, bool], as_json: bool, name: str) -> None:
    """Delete set NAME (its articles stay in the project)."""
    from annotator.services.article_sets import delete_set

    project, as_json = obj[0], as_json or obj[1]
    with open_project(project, write=True) as opened:
        gone = delete_set(opened, name)
    if as_json:
        print_json({"deleted": gone.name, "articles": gone.count})
        return
    click.echo(f"deleted set '{gone.name}' ({gone.count} articles stay in the project)")


def _change(
    obj: tuple[str, bool], name: str, documents_: str | None, where: tuple[str, ...], adding: bool
) -> None:
    from annotator.services.article_sets import change_set, chosen_documents

    project, as_json = obj
    with open_project(project, write=True) as opened:
        chosen = chosen_documents(opened, names(documents_), where)
        changed, count = change_set(opened, name, **{"add" if adding else "remove": chosen})
    if as_json:
        print_json({**changed.as_dict(), "changed": count})
        return
    verb = "added to" if adding else "taken out of"
    click.echo(
        f"{count} article{'' if count == 1 else 's'} {verb} '{changed.name}' (now {changed.count})"
    )


@sets.command()
@click.argument("name")
@click.option("--documents", "documents_", help=_DOCUMENTS_HELP)
@click.option("--where", multiple=True, help=_WHERE_HELP)
@json_option
@click.pass_obj
def add(
    obj: tuple[str, bool], as_json: bool, name: str, documents_: str | None, where: tuple[str, ...]
) -> None:
    """Add articles to set NAME."""
    _change((obj[0], as_json or obj[1]), name, documents_, where, adding=True)


@sets.command()
@click.argument("name")
@click.option("--documents", "documents_", help=_DOCUMENTS_HELP)
@click.option("--where", multiple=True, help=_WHERE_HELP)
@json_option
@click.pass_obj
def remove(
    obj: tuple[str, bool], as_json: bool, name: str, documents_: str | None, where: tuple[str, ...]
) -> None:
    """Take articles out of set NAME."""
    _change((obj[0], as_json or obj[1]), name, documents_, where, adding=False)
