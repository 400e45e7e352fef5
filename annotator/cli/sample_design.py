"""``annotator sample``: the reliability sample as a design (a share or a number, strata, a
seed, the rest split among coders), each coder's queue, and the assignments listed or taken
back."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from annotator.cli.support import (
    NAMES_HELP,
    json_option,
    names,
    open_project,
    print_json,
    project_argument,
)
from annotator.domain.errors import UserError

if TYPE_CHECKING:
    from annotator.services.sample_design import DesignSpec, Plan

WHERE_HELP = (
    "With --split-rest: only the rest's articles whose variable meets this (VARIABLE=VALUE, "
    "VARIABLE~TEXT, VARIABLE=LOW..HIGH, VARIABLE=); repeat for more."
)


@click.command()
@project_argument
@click.option("--size", type=click.IntRange(min=1), help="How many articles to draw.")
@click.option(
    "--share",
    help="Or: the share of all articles to draw, 15% or 0.15 (rounded to the nearest article, "
    "a half up).",
)
@click.option(
    "--stratify",
    help="Strata variables: outlet,year(date) (year(…) or month(…) of a date variable). Each "
    "stratum draws its proportional share (largest remainder); no value is a stratum too.",
)
@click.option(
    "--coders",
    help=f"Coders to assign the sample to: A,B (to list or clear: default all; {NAMES_HELP}).",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the draw.")
@click.option(
    "--split-rest",
    is_flag=True,
    help="Split the articles not drawn among the coders, balanced by their characters.",
)
@click.option("--where", multiple=True, help=WHERE_HELP)
@click.option(
    "--replace", is_flag=True, help="Take back the coders' earlier assignments before drawing."
)
@click.option("--preview", is_flag=True, help="Show the allocation only; assign nothing.")
@click.option("--list", "list_", is_flag=True, help="List the articles assigned to each coder.")
@click.option("--clear", is_flag=True, help="Take back assignments (of --documents, or all).")
@click.option(
    "--documents", help=f"With --clear: only these articles, A,B (names or ids; {NAMES_HELP})."
)
@click.option(
    "--queue", is_flag=True, help="Each coder's queue: assigned articles, done or not, sample/rest."
)
@click.option("--design", is_flag=True, help="The design drawn last, as stored.")
@json_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the allocation (a draw, --preview) or the queues (--queue) to FILE.csv.",
)
def sample(
    project: str,
    size: int | None,
    share: str | None,
    stratify: str | None,
    coders: str | None,
    seed: int,
    split_rest: bool,
    where: tuple[str, ...],
    replace: bool,
    preview: bool,
    list_: bool,
    clear: bool,
    documents: str | None,
    queue: bool,
    design: bool,
    as_json: bool,
    output: str | None,
) -> None:
    """Draw a reliability sample of PROJECT: --size N articles or a --share, stratified by
    variables if asked, the same articles for the same seed on every computer (the SHA-256
    of "seed:article GUID" ranks them), assigned to each of the CODERS; --split-rest gives
    every other article to one coder, balanced by size. The design is stored for the report.
    `agreement --counted-by assigned` then compares the coders on the articles assigned.

    A draw adds to the coders' earlier assignments (the report gives the total now assigned);
    --replace takes those back first. --list shows what is assigned, --clear takes it back,
    --queue shows each coder's queue.

    \b
    Example: annotator sample study.annotator --share 15% --stratify outlet,year(date) \\
                 --coders Ana,Ben,Cleo --split-rest --seed 7
             annotator sample study.annotator --size 20 --coders Ana,Ben --seed 7
             annotator sample study.annotator --queue --coders Ana
             annotator sample study.annotator --clear --coders Ben
    """
    drawing = size is not None or share is not None
    chosen = [n for n, on in (("--list", list_), ("--clear", clear), ("--queue", queue)) if on]
    chosen += ["--design"] if design else []
    if len(chosen) > 1:
        raise click.UsageError(f"{' and '.join(chosen)}: choose one")
    if chosen and (drawing or replace or split_rest or stratify or where or preview):
        raise click.UsageError("--size, --share and the draw's options not with " + chosen[0])
    if documents and not clear:
        raise click.UsageError("--documents chooses the articles to --clear")
    target = _target(output, project) if output else None
    if output and not (queue or drawing):
        raise click.UsageError("-o writes a draw's allocation or the queues (--queue)")
    if list_:
        _list(project, coders, as_json)
    elif clear:
        _clear(project, coders, documents, as_json)
    elif queue:
        _queues(project, coders, as_json, target)
    elif design:
        _design(project, as_json)
    else:
        if not drawing or not coders:
            raise click.UsageError(
                "say --size or --share, and --coders, to draw (or --list, --queue, --clear)"
            )
        if size is not None and share is not None:
            raise click.UsageError("--size or --share: choose one")
        from annotator.services.sample_design import DesignSpec

        spec = DesignSpec(
            coders=names(coders),
            seed=seed,
            share=share,
            size=size,
            strata=[s for s in (stratify or "").split(",") if s.strip()],
            split_rest=split_rest,
            where=where,
            replace=replace,
        )
        _draw(project, spec, preview, as_json, target)


def _target(output: str, project: str) -> Path:
    from annotator.io.output import check_output

    target = Path(output)
    if target.suffix.lower() != ".csv":
        raise UserError(f"{target.name}: the table is written as .csv")
    check_output(target, [Path(project)])
    return target


def _draw(
    project: str, spec: DesignSpec, preview: bool, as_json: bool, target: Path | None
) -> None:
    from annotator.services.assignments import assigned_counts
    from annotator.services.sample_design import draw_design, plan_design

    with open_project(project, write=not preview) as opened:
        if preview:
            plan = plan_design(opened, spec)
            before = after = assigned_counts(opened, spec.coders)
        else:
            before = assigned_counts(opened, spec.coders)
            plan = draw_design(opened, spec).plan
            after = assigned_counts(opened, spec.coders)
    if target is not None:
        _write_allocation(target, plan, project)
    if as_json:
        print_json(
            {**plan.as_dict(), "preview": preview, "replaced": spec.replace, "assigned": after}
        )
        return
    _print_plan(plan, preview)
    if preview:
        return
    if spec.replace:
        click.echo("their earlier assignments were taken back first")
    elif any(before.values()):
        note = "added to the earlier assignments (--replace takes those back first)"
        # What a coder got of the sample: a drawn article assigned already adds nothing.
        given = {c: plan.size + sum(r.articles for r in plan.rest if r.coder == c) for c in after}
        short = {c: given[c] - (after[c] - before[c]) for c in after}
        if any(short.values()):
            note += "; drawn but assigned already: " + ", ".join(
                f"{coder} {count}" for coder, count in short.items()
            )
        click.echo(note)
    now = ", ".join(f"{coder} {_articles(count)}" for coder, count in after.items())
    click.echo(f"now assigned: {now}")


def _print_plan(plan: Plan, preview: bool) -> None:
    verb = "would draw" if preview else "drew"
    share = f" ({plan.share} of {plan.population})" if plan.share else ""
    click.echo(
        f"{verb} {_articles(plan.size)}{share} for {', '.join(plan.coders)} (seed {plan.seed}):"
    )
    if plan.variables:
        click.echo(f"strata by {' × '.join(plan.variables)}:")
        width = max(len("stratum"), *(len(s.label) for s in plan.strata))
        click.echo(f"  {'stratum':<{width}}  {'articles':>8}  {'drawn':>5}")
        for stratum in plan.strata:
            click.echo(f"  {stratum.label:<{width}}  {stratum.articles:>8}  {stratum.drawn:>5}")
    if not preview or not plan.variables:
        for _, name in plan.sample:
            click.echo(f"  {name}")
    if plan.split_rest:
        limited = f" ({' and '.join(plan.where)})" if plan.where else ""
        click.echo(f"the rest{limited}, split by size:")
        for share_of in plan.rest:
            click.echo(
                f"  {share_of.coder}: {_articles(share_of.articles)}, "
                f"{share_of.characters:,} characters"
            )


def _write_allocation(target: Path, plan: Plan, project: str) -> None:
    from annotator.io.csvfiles import atomic_output, write_csv

    header = ["stratum", *plan.variables, "articles", "drawn"]
    rows = [[s.label, *s.values, s.articles, s.drawn] for s in plan.strata]
    with atomic_output(target, protect=[Path(project)]) as handle:
        write_csv(handle, header, rows)


def _list(project: str, coders: str | None, as_json: bool) -> None:
    from annotator.services.assignments import assignments

    with open_project(project, write=False) as opened:
        listed = assignments(opened, names(coders))
    if as_json:
        print_json({a.coder: [name for _, name in a.documents] for a in listed})
        return
    for item in listed:
        click.echo(f"{item.coder}: {_articles(item.count)} assigned")
        for _, name in item.documents:
            click.echo(f"  {name}")


def _clear(project: str, coders: str | None, documents: str | None, as_json: bool) -> None:
    from annotator.services.assignments import clear_assignments

    with open_project(project, write=True) as opened:
        chosen = None
        if documents:
            chosen = {opened.documents.find(name).id for name in names(documents)}
        cleared = clear_assignments(opened, names(coders), chosen)
    if as_json:
        print_json({"cleared": cleared.counts})
        return
    each = ", ".join(f"{coder} {count}" for coder, count in cleared.counts.items())
    click.echo(f"took back {_articles(cleared.total, 'assignment')} ({each or 'no coders'})")


def _queues(project: str, coders: str | None, as_json: bool, target: Path | None) -> None:
    from annotator.io.csvfiles import atomic_output, write_csv
    from annotator.services.sample_queue import queues

    with open_project(project, write=False) as opened:
        listed = queues(opened, names(coders))
    if target is not None:
        rows = [
            [q.coder, i.name, i.status.value, i.part, i.characters] for q in listed for i in q.items
        ]
        with atomic_output(target, protect=[Path(project)]) as handle:
            write_csv(handle, ["coder", "article", "status", "part", "characters"], rows)
    if as_json:
        print_json([q.as_dict() for q in listed])
        return
    if not listed:
        click.echo("no coder has articles assigned (draw a sample first)")
    for item in listed:
        click.echo(f"{item.coder}: {item.to_do} to do, {item.done} done")
        for article in item.items:
            mark = "done" if article.done else "to do"
            part = f" [{article.part}]" if article.part else ""
            click.echo(f"  {mark:<5}  {article.name}{part}")


def _design(project: str, as_json: bool) -> None:
    from annotator.services.sample_design import current_design

    with open_project(project, write=False) as opened:
        found = current_design(opened)
    if as_json:
        print_json(None if found is None else found.as_dict())
        return
    click.echo("no sample design drawn yet" if found is None else found.sentence())


def _articles(count: int, what: str = "article") -> str:
    return f"{count} {what}" + ("" if count == 1 else "s")
