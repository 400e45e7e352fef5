"""``annotator search-rules``: saved searches kept as rules — list them, run them again on the
articles added since, rename, tie to a code, delete."""

from __future__ import annotations

import contextlib

import click

from annotator.cli.search import report_coding
from annotator.cli.support import (
    json_option,
    open_project,
    print_json,
    project_argument,
    shown,
)
from annotator.domain.errors import UserError
from annotator.services import saved_searches
from annotator.services.autocode import Unit
from annotator.storage import Project


@click.group(name="search-rules")
def search_rules() -> None:
    """Saved searches: list them, run them again (on articles added since), rename, tie to a
    code, delete. Save one with 'annotator search … --save NAME'.

    Example: annotator search-rules run study.annotator remittances --coder Ana
    """


@search_rules.command(name="list")
@project_argument
@json_option
def list_rules(project: str, as_json: bool) -> None:
    """List the saved searches: query, code, unit, scope, and the last article each ran on.

    Example: annotator search-rules list study.annotator --json
    """
    with open_project(project, write=False) as opened:
        specs = {spec.name: spec for spec in saved_searches.search_specs(opened)}
        store = saved_searches.store(opened)
        names = {coder.id: coder.name for coder in opened.coders.all()}
        rows = []
        for saved in saved_searches.list_searches(opened):
            spec = specs[saved.name]
            rows.append(
                {
                    "name": saved.name,
                    "query": saved.query,
                    "regex": saved.regex,
                    "match_case": saved.match_case,
                    "match_diacritics": saved.match_diacritics,
                    "code": spec.code,
                    "unit": saved.unit,
                    "where": list(spec.where),
                    "within": list(spec.within),
                    "coders": list(spec.coders),
                    # Per coder: the highest article id the rule has run on for them.
                    "marks": {
                        names.get(coder_id, str(coder_id)): mark
                        for coder_id, mark in sorted(store.marks(saved.id).items())
                    },
                }
            )
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo("no saved searches (save one with 'annotator search … --save NAME')")
    for row in rows:
        code = f" → {shown(row['code'])} ({row['unit']})" if row["code"] else " (no code)"
        click.echo(f"{shown(row['name'])}: {shown(row['query'])}{code}")


@search_rules.command(name="run")
@project_argument
@click.argument("rules", nargs=-1, required=True)
@click.option("--coder", required=True, help="Whose codings they become.")
@click.option(
    "--on",
    "on",
    type=click.Choice([saved_searches.NEW, saved_searches.ALL]),
    default=saved_searches.NEW,
    show_default=True,
    help="The articles added since the rule last ran, or all of them.",
)
@click.option(
    "--after-import",
    type=int,
    help="Only the articles imported after this import ('annotator imports' lists them).",
)
@click.option("--dry-run", is_flag=True, help="Say what would be coded, code nothing.")
@json_option
def run_rules(
    project: str,
    rules: tuple[str, ...],
    coder: str,
    on: str,
    after_import: int | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Run saved searches (by name; 'all' for every one tied to a code) and code what they
    find with their code and unit; a passage the coder has already coded so is left alone.

    Example: annotator search-rules run study.annotator all --coder Ana --after-import 3
    """
    since: str | int = after_import if after_import is not None else on
    results = []
    with open_project(project, write=not dry_run) as opened:
        from annotator.services.coders import coding_as

        chosen_coder = coding_as(opened, coder)
        chosen = _rules(opened, rules)
        # Every rule's codings in one transaction: all of them, or none.
        with opened.transaction() if not dry_run else contextlib.nullcontext():
            for saved in chosen:
                run = saved_searches.rule_preview(opened, saved, chosen_coder.id, since=since)
                if not dry_run:
                    run = saved_searches.rule_apply(opened, run)
                results.append(run)
        codebook = opened.codebook.tree()
        for run in results:
            code_path = codebook.path(run.preview.code_id)
            if as_json:
                continue
            click.echo(f"{shown(run.saved.name)}:", nl=False)
            click.echo(" ", nl=False)
            report_coding(run.preview, run.coded, code_path, chosen_coder.name, False)
    if as_json:
        print_json(
            [
                {
                    "name": run.saved.name,
                    "articles_searched": None if run.documents is None else len(run.documents),
                    "codings": len(run.coded.codings) if run.coded else len(run.preview.planned),
                    "dry_run": run.coded is None,
                    "already_coded": run.preview.skipped,
                    "exclusive_clashes": run.preview.clashing,
                }
                for run in results
            ]
        )


def _rules(project: Project, wanted: tuple[str, ...]) -> list[saved_searches.SavedSearch]:
    if list(wanted) == ["all"]:
        chosen = [s for s in saved_searches.list_searches(project) if s.code_id is not None]
        if not chosen:
            raise UserError("no saved search is tied to a code")
        return chosen
    return [saved_searches.find(project, name) for name in wanted]


@search_rules.command(name="delete")
@project_argument
@click.argument("name")
def delete_rule(project: str, name: str) -> None:
    """Delete a saved search (the codings it made stay).

    Example: annotator search-rules delete study.annotator remittances
    """
    with open_project(project, write=True) as opened:
        saved = saved_searches.delete(opened, saved_searches.find(opened, name))
    click.echo(f"deleted the saved search '{shown(saved.name)}'")


@search_rules.command(name="rename")
@project_argument
@click.argument("name")
@click.argument("new_name")
def rename_rule(project: str, name: str, new_name: str) -> None:
    """Rename a saved search.

    Example: annotator search-rules rename study.annotator brokers "broker fees"
    """
    with open_project(project, write=True) as opened:
        saved = saved_searches.rename(opened, saved_searches.find(opened, name), new_name)
    click.echo(f"renamed '{shown(name)}' to '{shown(saved.name)}'")


@search_rules.command(name="tie")
@project_argument
@click.argument("name")
@click.argument("code", required=False)
@click.option(
    "--unit",
    type=click.Choice([u.value for u in Unit]),
    help="What of each hit the rule codes.",
)
def tie_rule(project: str, name: str, code: str | None, unit: str | None) -> None:
    """Tie a saved search to CODE (a path), or, without CODE, to none.

    Example: annotator search-rules tie study.annotator brokers 'Motive > Subsistence'
    """
    with open_project(project, write=True) as opened:
        saved = saved_searches.find(opened, name)
        code_id = None
        if code is not None:
            found = opened.codebook.tree().find(code)
            if found is None:
                raise UserError(f"the codebook has no code '{code}'")
            code_id = found.id
        saved = saved_searches.tie(opened, saved, code_id)
        if unit is not None:
            saved = saved_searches.store(opened).update(saved.id, unit=unit)
    where = f"'{shown(code)}'" if code else "no code"
    click.echo(f"'{shown(saved.name)}' now codes {where} ({saved.unit})")


# -- words ---------------------------------------------------------------------------------------
