"""``annotator search``, ``annotator search-rules``, ``annotator words`` and
``annotator stop-words``: find words and phrases in the articles, code the hits, keep a
search as a rule, count the most frequent words."""

from __future__ import annotations

import contextlib
import itertools
from pathlib import Path
from typing import Any

import click

from annotator.cli.support import (
    NAMES_HELP,
    json_option,
    names,
    open_project,
    print_json,
    project_argument,
    shown,
)
from annotator.domain.errors import UserError
from annotator.io.csvfiles import atomic_output, write_csv
from annotator.io.output import check_output
from annotator.services import autocode, saved_searches, search, word_frequencies
from annotator.services.autocode import Unit
from annotator.storage import Project

WHERE_HELP = (
    "Only articles whose variable meets this: VARIABLE=VALUE, VARIABLE~TEXT (holds the text), "
    "VARIABLE=LOW..HIGH (dates or numbers; an end may be left open) or VARIABLE= (no value). "
    "Repeat for more."
)
WITHIN_HELP = (
    "Only inside the passages coded with this code (a path: 'Motive > Political'). Repeat for more."
)
CODERS_HELP = f"With --within: only these coders' passages: A,B ({NAMES_HELP})."
QUERY_HELP = """QUERY: words (remittance), "phrases", prefixes (remit*), AND, OR, NOT (in
capitals; words side by side mean AND) and parentheses; case and accents ignored. With
--regex, a regular expression on the text as stored."""


def _scope(
    project: Project, where: tuple[str, ...], within: tuple[str, ...], coders: str | None
) -> search.Scope:
    return search.resolve_scope(project, where=where, within=within, coders=names(coders))


def _one_line(text: str) -> str:
    return shown(" ".join(text.split()))


def _hit_rows(project: Project, hits: list[search.Hit]) -> tuple[list[str], list[list[object]]]:
    """The CSV of hits: one row per hit, with the article's name and variables."""
    variables = [v.name for v in project.documents.variables()]
    documents = sorted({hit.document_id for hit in hits})
    values = project.documents.all_values(documents) if documents else {}
    article_names = dict(project.documents.names())
    header = ["document_id", "document", "start", "end", "left", "hit", "right", *variables]
    rows: list[list[object]] = []
    for hit in hits:
        own = values.get(hit.document_id, {})
        rows.append(
            [
                hit.document_id,
                article_names.get(hit.document_id, ""),
                hit.start,
                hit.end,
                hit.left,
                hit.hit,
                hit.right,
                *(own.get(name, "") for name in variables),
            ]
        )
    return header, rows


def _print_hits(project: Project, hits: list[search.Hit], total: search.Counts, width: int) -> None:
    article_names = dict(project.documents.names())
    for hit in hits:
        left = _one_line(hit.left)[-width:] if width else ""
        right = _one_line(hit.right)[:width] if width else ""
        name = shown(article_names.get(hit.document_id, str(hit.document_id)))
        click.echo(f"{name}  {left:>{width}} [{_one_line(hit.hit)}] {right}")
    more = f" (showing {len(hits)})" if len(hits) < total.hits else ""
    click.echo(f"{total.hits} hits in {total.articles} articles{more}")


@click.command(name="search")
@project_argument
@click.argument("query")
@click.option("--regex", is_flag=True, help="QUERY is a regular expression (Python's regex).")
@click.option("--match-case", is_flag=True, help="Tell capitals from small letters.")
@click.option(
    "--match-diacritics", is_flag=True, help="Tell accented letters from plain ones (é from e)."
)
@click.option("--where", multiple=True, help=WHERE_HELP)
@click.option("--within", multiple=True, help=WITHIN_HELP)
@click.option("--coders", help=CODERS_HELP)
@click.option(
    "--context",
    type=click.IntRange(0, search.MAX_CONTEXT),
    default=search.DEFAULT_CONTEXT,
    show_default=True,
    help="Characters of context on each side of a hit.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    help="Show only the first N hits (the counts are of all of them).",
)
@click.option("--code", help="Code the hits with this code (a path); needs --coder.")
@click.option(
    "--unit",
    type=click.Choice([u.value for u in Unit]),
    default="hit",
    show_default=True,
    help="With --code: what of each hit is coded: the hit, its sentence, its paragraph or the "
    "whole article.",
)
@click.option("--coder", help="With --code: whose codings they become.")
@click.option("--dry-run", is_flag=True, help="With --code: say what would be coded, code nothing.")
@click.option(
    "--save",
    "save_as",
    help="Keep the search under this name (with --code, as a rule tied to that code and unit).",
)
@json_option
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Write the hits to this CSV file."
)
def search_command(
    project: str,
    query: str,
    regex: bool,
    match_case: bool,
    match_diacritics: bool,
    where: tuple[str, ...],
    within: tuple[str, ...],
    coders: str | None,
    context: int,
    limit: int | None,
    code: str | None,
    unit: str,
    coder: str | None,
    dry_run: bool,
    save_as: str | None,
    as_json: bool,
    output: str | None,
) -> None:
    """Find QUERY in the articles of PROJECT: every hit with its context (one row per hit:
    document_id, start, end, left, hit, right; a CSV adds the article's name and variables).

    \b
    QUERY: words (remittance), "phrases", prefixes (remit*), AND, OR, NOT (in capitals;
    words side by side mean AND) and parentheses; case and accents are ignored. With --regex,
    a regular expression on the text as stored (^ and $ at line ends), stopped if it runs
    longer than 10 s.

    With --code and --coder, codes the hits (or their sentences, paragraphs or articles:
    --unit) and says how many codings it made; passages the coder already coded with that code
    are left alone; --dry-run only says what it would code. --save keeps the search by name.

    Example: annotator search study.annotator 'remit* OR broker*' --where outlet=Yonhap
    """
    if code is None and (coder is not None or dry_run or unit != "hit"):
        raise UserError("--coder, --unit and --dry-run go with --code CODE")
    if code is not None and coder is None:
        raise UserError("--code needs --coder NAME: whose codings they become")
    if code is not None and output:
        raise UserError("-o writes hits; with --code the report is printed (--json for JSON)")
    target = Path(output) if output else None
    if target is not None:
        check_output(target, [Path(project)])
    # A malformed query is refused before the project is opened at all.
    search.compile_request(search.Request(query, regex=regex, match_case=match_case))
    writes = (code is not None and not dry_run) or (save_as is not None and not dry_run)
    with open_project(project, write=writes) as opened:
        scope = _scope(opened, where, within, coders)
        request = search.Request(
            query,
            regex=regex,
            match_case=match_case,
            match_diacritics=match_diacritics,
            scope=scope,
            context=context,
        )
        search.compile_request(request)  # a malformed query: refused before anything else
        if code is not None:
            assert coder is not None
            _code_hits(opened, request, code, coder, Unit(unit), dry_run, save_as, as_json)
            return
        if save_as is not None and not dry_run:
            saved = saved_searches.save(opened, save_as, request)
            click.echo(f"saved the search as '{shown(saved.name)}'", err=True)
        _show_hits(opened, request, limit, as_json, target)


def _show_hits(
    project: Project,
    request: search.Request,
    limit: int | None,
    as_json: bool,
    target: Path | None,
) -> None:
    found = search.iter_hits(project, request)
    if limit is not None and target is None:
        hits = list(itertools.islice(found, limit))
        total = search.count_hits(project, request) if len(hits) == limit else None
    else:
        hits = list(found)
        total = None
    counts = total or search.Counts(len(hits), len({h.document_id for h in hits}))
    if target is not None:
        header, rows = _hit_rows(project, hits)
        with atomic_output(target, protect=[project.path]) as handle:
            write_csv(handle, header, rows)
        click.echo(f"wrote {counts.hits} hits in {counts.articles} articles to {target}")
        return
    if as_json:
        print_json(
            {
                "query": request.query,
                "regex": request.regex,
                "hits": counts.hits,
                "articles": counts.articles,
                "rows": [hit._asdict() for hit in hits],
            }
        )
        return
    _print_hits(project, hits, counts, min(request.context, 40))


def _code_hits(
    project: Project,
    request: search.Request,
    code_path: str,
    coder_name: str,
    unit: Unit,
    dry_run: bool,
    save_as: str | None,
    as_json: bool,
) -> None:
    codebook = project.codebook.tree()
    code = codebook.find(code_path)
    if code is None:
        raise UserError(f"the codebook has no code '{code_path}'")
    path = codebook.path(code.id)
    coder = project.coders.find(coder_name)
    hits = search.hit_spans(project, request)
    preview = autocode.preview(project, hits, code.id, coder.id, unit)
    if dry_run:
        _report(preview, None, path, coder.name, as_json)
        return
    if save_as is not None:
        saved = saved_searches.save(project, save_as, request, code_id=code.id, unit=unit)
        run = saved_searches.rule_apply(
            project, saved_searches.RuleRun(saved, request.scope.documents, preview)
        )
        coded = run.coded
    else:
        origin = autocode.Origin(request.query, regex=request.regex, unit=unit)
        coded = autocode.apply(project, preview, origin)
    _report(preview, coded, path, coder.name, as_json, saved=save_as)


def _report(
    preview: autocode.Preview,
    coded: autocode.AutoCoded | None,
    code_path: str,
    coder: str,
    as_json: bool,
    saved: str | None = None,
) -> None:
    made = len(coded.codings) if coded is not None else 0
    if as_json:
        data: dict[str, Any] = {
            "code": code_path,
            "coder": coder,
            "unit": preview.unit.value,
            "dry_run": coded is None,
            "codings": made if coded is not None else len(preview.planned),
            "articles": preview.articles,
            "already_coded": preview.skipped,
            "exclusive_clashes": preview.clashing,
            "passages": [
                {"document_id": p.document_id, "start": p.start, "end": p.end, "hits": p.hits}
                for p in preview.planned
            ],
        }
        if saved:
            data["saved_as"] = saved
        print_json(data)
        return
    verb = "would code" if coded is None else "coded"
    count = len(preview.planned) if coded is None else made
    noun = "passage" if preview.unit is not Unit.ARTICLE else "article"
    click.echo(
        f"{verb} {count} {noun}{'s' if count != 1 else ''} in {preview.articles} "
        f"article{'s' if preview.articles != 1 else ''} "
        f"with '{shown(code_path)}' for {shown(coder)}"
    )
    if preview.skipped:
        click.echo(f"  {preview.skipped} left alone: {shown(coder)} already coded them so")
    if preview.clashing:
        click.echo(
            f"  {preview.clashing} left out: {shown(coder)} gave them another code of the "
            "same exclusive dimension"
        )
    if saved:
        click.echo(f"  saved the search as '{shown(saved)}'")


# -- rules ---------------------------------------------------------------------------------------


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
                    "last_document_id": saved.last_document_id,
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
        chosen_coder = opened.coders.find(coder)
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
            _report(run.preview, run.coded, code_path, chosen_coder.name, False)
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


@click.command(name="words")
@project_argument
@click.option("--where", multiple=True, help=WHERE_HELP)
@click.option("--within", multiple=True, help=WITHIN_HELP)
@click.option("--coders", help=CODERS_HELP)
@click.option("--top", type=click.IntRange(min=1), default=50, show_default=True)
@click.option(
    "--language",
    help="Take this language's stop words (ISO 639-1: en, de, ko) for every article "
    "(default: each article's language variable, else English).",
)
@click.option("--keep-stop-words", is_flag=True, help="Count stop words too.")
@json_option
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Write the table to this CSV file."
)
def words(
    project: str,
    where: tuple[str, ...],
    within: tuple[str, ...],
    coders: str | None,
    top: int,
    language: str | None,
    keep_stop_words: bool,
    as_json: bool,
    output: str | None,
) -> None:
    """The most frequent words of PROJECT's articles (of those --where says, or inside the
    passages of a code: --within), stop words of each article's language left out
    ('annotator stop-words' edits the lists).

    Example: annotator words study.annotator --within 'Motive > Political' --top 20
    """
    target = Path(output) if output else None
    if target is not None:
        check_output(target, [Path(project)])
    with open_project(project, write=False) as opened:
        scope = _scope(opened, where, within, coders)
        result = word_frequencies.word_frequencies(
            opened, scope, top=top, language=language, keep_stop_words=keep_stop_words
        )
    rows = [[w.word, w.count, w.articles] for w in result.words]
    if target is not None:
        with atomic_output(target, protect=[Path(project)]) as handle:
            write_csv(handle, ["word", "count", "articles"], rows)
        click.echo(f"wrote {len(rows)} words to {target}")
        return
    if as_json:
        print_json(
            {
                "words_counted": result.total,
                "articles": result.articles,
                "languages": result.languages,
                "rows": [
                    {"word": w.word, "count": w.count, "articles": w.articles} for w in result.words
                ],
            }
        )
        return
    wide = max((len(w.word) for w in result.words), default=4)
    for w in result.words:
        click.echo(f"{shown(w.word):<{wide}}  {w.count:>7}  {w.articles:>6} articles")
    click.echo(f"{result.total} words counted in {result.articles} articles")


@click.command(name="stop-words")
@project_argument
@click.argument("language")
@click.option("--add", help="Add these words to the list: a,b,c.")
@click.option("--remove", help="Take these words off the list: a,b,c.")
@click.option("--reset", is_flag=True, help="Forget every change to this language's list.")
@json_option
def stop_words(
    project: str,
    language: str,
    add: str | None,
    remove: str | None,
    reset: bool,
    as_json: bool,
) -> None:
    """Show or change LANGUAGE's stop-word list (ISO 639-1: en, de, ko) in PROJECT: the
    words added to it and taken off it ('annotator words' leaves the list's words out).

    Example: annotator stop-words study.annotator en --add korea,korean --remove world
    """
    changing = bool(add or remove or reset)
    if reset and (add or remove):
        raise UserError("--reset forgets every change: give it alone")
    with open_project(project, write=changing) as opened:
        if reset:
            word_frequencies.reset_stop_words(opened, language)
        elif changing:
            word_frequencies.change_stop_words(
                opened, language, add=names(add), remove=names(remove)
            )
        added, removed = word_frequencies.stop_word_changes(opened, language)
        size = len(word_frequencies.stop_words(opened, language))
    if as_json:
        print_json({"language": language, "words": size, "added": added, "removed": removed})
        return
    click.echo(f"{shown(language)}: {size} stop words")
    click.echo(f"  added: {', '.join(map(shown, added)) or 'none'}")
    click.echo(f"  taken off: {', '.join(map(shown, removed)) or 'none'}")
