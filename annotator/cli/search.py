"""``annotator search``: find words and phrases in the articles, show the hits in context or
code them (``search-rules`` and ``words`` are in their own modules: ``cli/search_rules.py``,
``cli/frequent_words.py``)."""

from __future__ import annotations

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
from annotator.services import autocode, saved_searches, search
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


def scope_of(
    project: Project, where: tuple[str, ...], within: tuple[str, ...], coders: str | None
) -> search.Scope:
    """The scope the options --where, --within and --coders describe."""
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
        scope = scope_of(opened, where, within, coders)
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
    from annotator.services.coders import coding_as

    coder = coding_as(project, coder_name)
    hits = search.hit_spans(project, request)
    preview = autocode.preview(project, hits, code.id, coder.id, unit)
    if dry_run:
        report_coding(preview, None, path, coder.name, as_json)
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
    report_coding(preview, coded, path, coder.name, as_json, saved=save_as)


def report_coding(
    preview: autocode.Preview,
    coded: autocode.AutoCoded | None,
    code_path: str,
    coder: str,
    as_json: bool,
    saved: str | None = None,
) -> None:
    """Say what auto-coding did (or would do: ``coded`` None), as text or JSON."""
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
