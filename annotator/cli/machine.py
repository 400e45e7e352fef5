"""``annotator machine``: machine coders — a classifier trained on the team's codings or a
language model — and their runs. ``machine list`` shows the machines, ``machine runs`` every
run with what made its codings (model and version, prompt hash, codebook version, settings,
counts, tokens)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from annotator.cli.coders import _columns, _padded
from annotator.cli.support import json_option, open_project, print_json, project_argument, shown


@click.group()
def machine() -> None:
    """Machine coders: a classifier trained on the team's codings, or a language model the
    user runs or chooses. Every machine coding belongs to a run that records its model,
    prompt, settings and codebook version.

    \b
    Examples: annotator machine list study.annotator
              annotator machine runs study.annotator --json
              annotator machine train study.annotator --name Classifier --from Ana
              annotator machine validate study.annotator --name Classifier --against Ana,Ben
    """


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> None:
    """Print rows under a header, each column as wide as its widest cell (numbers, the
    columns in ``right``, aligned right)."""
    widths = [
        max(_columns(header[k]), *(_columns(row[k]) for row in rows)) for k in range(len(header))
    ]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            " " * (widths[k] - _columns(cell)) + cell if k in right else _padded(cell, widths[k])
            for k, cell in enumerate(cells)
        ).rstrip()

    click.echo(line(header))
    for row in rows:
        click.echo(line(row))


@machine.command("list")
@project_argument
@json_option
def list_(project: str, as_json: bool) -> None:
    """List the machines of PROJECT: name, kind, URL, model, whether sending articles to a
    remote address was allowed (and by whom, when). An API key is never shown: only the name
    of the environment variable it is read from.

    Example: annotator machine list study.annotator
    """
    with open_project(project, write=False) as opened:
        machines = opened.machine.backends()
        models = {b.id: opened.machine.latest_model(b.id) for b in machines}
    if as_json:
        listing = []
        for backend in machines:
            entry: dict[str, Any] = backend.as_dict()
            model = models[backend.id]
            entry["trained_at"] = model.trained_at if model else None
            entry["model_sha256"] = model.sha256 if model else None
            listing.append(entry)
        print_json(listing)
        return
    if not machines:
        click.echo(f"no machines yet: add one with 'annotator machine add {project} …'")
        return
    rows = []
    for backend in machines:
        consent = backend.remote_consent or {}
        remote = (
            f"allowed by {consent.get('who') or '?'} on {str(consent.get('when', ''))[:10]}"
            if backend.allow_remote
            else "no (this computer)"
        )
        if backend.kind == "classifier":
            model = models[backend.id]
            what = f"trained {model.trained_at[:10]}" if model else "not trained"
            rows.append([backend.name, backend.kind, "", what, "", ""])
            continue
        rows.append(
            [backend.name, backend.kind, backend.url, backend.model, backend.api_key_env, remote]
        )
    _table(
        ["machine", "kind", "url", "model", "key from", "remote"],
        [[shown(cell) for cell in row] for row in rows],
        set(),
    )


@machine.command("runs")
@project_argument
@json_option
def runs(project: str, as_json: bool) -> None:
    """List the runs of PROJECT's machines, oldest first: run (the start of its GUID),
    machine, kind, model and version, start and end, status, articles done, codings,
    dropped answers, tokens, and whether the run relied on a validation. --json prints
    everything a run records: the full prompt template and its SHA-256, settings, the
    codebook version and hash, the app version, counts, the articles asked for and the
    reason each failed one failed.

    Example: annotator machine runs study.annotator --json
    """
    from annotator.services.machine.coders import replicate_name
    from annotator.services.machine.runs import SHORT_GUID, runs_listing

    with open_project(project, write=False) as opened:
        listing = runs_listing(opened)
    if as_json:
        print_json(listing)
        return
    if not listing:
        click.echo("no machine runs yet")
        return
    header = [
        "run",
        "machine",
        "kind",
        "model",
        "version",
        "started",
        "ended",
        "status",
        "articles",
        "codings",
        "dropped",
        "tokens",
        "validated",
    ]
    rows = []
    for run in listing:
        counts = run["counts"]
        done = f"{counts['articles_done']}/{run['articles_asked']}"
        if counts["articles_failed"]:
            done += f" ({counts['articles_failed']} failed)"
        rows.append(
            [
                run["guid"][:SHORT_GUID],
                replicate_name(run["machine"], run["replicate"]),
                run["kind"],
                run["model"],
                (run["model_version"] or "")[:12],
                run["started_at"].replace("T", " ").rstrip("Z"),
                (run["ended_at"] or "").replace("T", " ").rstrip("Z"),
                run["status"],
                done,
                str(counts["codings"]),
                str(run["dropped"]),
                str(run["tokens_prompt"] + run["tokens_completion"]),
                "UNVALIDATED" if run["unvalidated"] else ("yes" if run["validated_by"] else "-"),
            ]
        )
    _table(header, [[shown(cell) for cell in row] for row in rows], {9, 10, 11})
