"""`annotator agreement PROJECT --pairs`: every pair of coders and each coder against the
others (the option lives on the agreement command, in :mod:`annotator.cli.reports`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from annotator.cli.support import open_project, print_json
from annotator.domain.errors import UserError
from annotator.services.agreement import Request


def coders_file(target: Path) -> Path:
    """Where the per-coder table goes beside a CSV of the pairs."""
    return target.with_name(f"{target.stem}_coders{target.suffix}")


def _progress(done: int, total: int) -> bool:
    if sys.stderr.isatty():
        end = "\n" if done == total else "\r"
        click.echo(f"comparing coders: {done} of {total} runs{end}", err=True, nl=False)
    return True


def run_pairs(
    project: str, request: Request, as_json: bool, target: Path | None, set_name: str | None = None
) -> None:
    """Print or write the pairs tables (target: .csv, with FILE_coders.csv beside it, or
    .html), of the articles of the article set ``set_name`` if one is named."""
    from annotator.io.csvfiles import atomic_output
    from annotator.io.output import check_output
    from annotator.io.reliability_files import (
        pairs_html,
        pairs_text,
        write_coders_csv,
        write_pairs_csv,
    )
    from annotator.services.agreement_pairs import measure_pairs
    from annotator.services.article_sets import in_set

    if target is not None and target.suffix.lower() == ".csv":
        check_output(coders_file(target), [Path(project)])
    with open_project(project, write=False) as opened:
        report = measure_pairs(opened, in_set(opened, request, set_name), _progress)
    if len(report.coders) < 3:
        note = "with two coders there is one pair and no coder 'without' figure"
        click.echo(f"note: {note}", err=True)
    data = report.as_dict()
    if as_json:
        print_json(data)
    elif target is None:
        click.echo(pairs_text(data))
    if target is None:
        return
    protect = [Path(project)]
    if target.suffix.lower() == ".csv":
        with atomic_output(target, protect=protect) as handle:
            rows = write_pairs_csv(handle, data)
        with atomic_output(coders_file(target), protect=protect) as handle:
            write_coders_csv(handle, data)
        click.echo(
            f"wrote {rows} pair rows to {target} and each coder's to {coders_file(target)}",
            err=as_json,
        )
    elif target.suffix.lower() in (".html", ".htm"):
        with atomic_output(target, protect=protect) as handle:
            handle.write(pairs_html(data, title=f"Agreement of each pair: {Path(project).stem}"))
        click.echo(f"wrote {len(report.pairs)} pairs to {target}", err=as_json)
    else:
        raise UserError(f"{target.name}: the pairs tables are written as .csv or .html")
