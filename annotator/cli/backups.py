"""The commands that keep a project safe: snapshots, their list and settings, restoring one,
repairing a project whose schema was changed outside annotator."""

from __future__ import annotations

from pathlib import Path

import click

from annotator.cli.support import json_option, open_project, print_json, project_argument
from annotator.domain.errors import DamagedProjectError, UserError
from annotator.services import backups
from annotator.services.repair import put_back, repair_project
from annotator.storage.snapshots import describe_counts, unknown_counts


def _when(snapshot: backups.Snapshot) -> str:
    return snapshot.taken_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")


@click.command()
@project_argument
@click.option(
    "--to",
    "target",
    type=click.Path(dir_okay=False),
    help="Write one complete copy of the project to this new file instead (a file to mail, "
    "sync or archive: it holds every commit, even while the project is open).",
)
@click.option("--reason", default="on request", show_default=True, help="Why, for the list.")
@json_option
def backup(project: str, target: str | None, reason: str, as_json: bool) -> None:
    """Take a snapshot of PROJECT now (kept with its other snapshots), or write a complete
    copy of it to a new file with --to. Works while the project is open in the window.

    Example: annotator backup study.annotator --to study-2026-12-06.annotator
    """
    with open_project(project, write=False) as opened:
        if target is not None:
            counts = backups.save_copy(opened, Path(target))
            if as_json:
                print_json({"copy": target, **(counts.as_dict() if counts else unknown_counts())})
            else:
                click.echo(f"wrote a complete copy to {target}: {describe_counts(counts)}")
            return
        settings = backups.load_settings()
        snapshot = backups.snapshot_file(
            Path(project), reason, schema=opened.schema_version()[-1], settings=settings
        )
    if as_json:
        print_json(snapshot.as_dict())
    else:
        click.echo(
            f"snapshot {snapshot.name}: {describe_counts(snapshot.counts)} "
            f"(in {snapshot.path.parent})"
        )


@click.command("backups")
@project_argument
@click.option("--on/--off", "enabled", default=None, help="Turn automatic snapshots on or off.")
@click.option(
    "--folder",
    help="Where snapshots go: a folder, 'beside' (next to each project) or 'default' (the "
    "data folder's 'backups').",
)
@click.option("--keep-last", type=click.IntRange(min=1), help="Keep the newest N snapshots.")
@click.option("--keep-daily", type=click.IntRange(min=0), help="…and one a day for N days.")
@click.option("--keep-weekly", type=click.IntRange(min=0), help="…and one a week for N weeks.")
@click.option(
    "--every-hours",
    type=click.FloatRange(0, 8760),
    help="On opening, take a snapshot when the newest is older than this.",
)
@json_option
def list_backups(
    project: str,
    enabled: bool | None,
    folder: str | None,
    keep_last: int | None,
    keep_daily: int | None,
    keep_weekly: int | None,
    every_hours: float | None,
    as_json: bool,
) -> None:
    """List the snapshots of PROJECT, newest first, with what each holds. The options change
    the backup settings (for every project; the window has the same settings).

    Example: annotator backups study.annotator --keep-last 20
    """
    path = Path(project)
    if not path.is_file():  # before any setting is saved: a mistyped name changes nothing
        raise UserError(f"{path.name}: no such project")
    settings = backups.load_settings()
    changes: dict[str, object] = {
        name: value
        for name, value in (
            ("enabled", enabled),
            ("keep_last", keep_last),
            ("keep_daily", keep_daily),
            ("keep_weekly", keep_weekly),
            ("every_hours", every_hours),
        )
        if value is not None
    }
    if folder is not None:
        changes["folder"] = {"default": "", "beside": backups.BESIDE}.get(folder, folder)
        if changes["folder"] not in ("", backups.BESIDE):
            changes["folder"] = str(Path(folder).expanduser().resolve())
    if changes:
        settings = backups.BackupSettings(**{**settings.__dict__, **changes})
        backups.save_settings(settings)
    snapshots = backups.list_snapshots(path, settings)
    if as_json:
        print_json(
            {
                "folder": str(backups.backups_folder(path, settings)),
                "settings": settings.__dict__,
                "snapshots": [s.as_dict() for s in snapshots],
            }
        )
        return
    state = "on" if settings.enabled else "OFF"
    click.echo(
        f"automatic snapshots {state}: on opening after {settings.every_hours:g} hours, before "
        f"bulk changes, when the window closes; keeping the last {settings.keep_last}, one a "
        f"day for {settings.keep_daily} days, one a week for {settings.keep_weekly} weeks"
    )
    click.echo(f"folder: {backups.backups_folder(path, settings)}")
    if not snapshots:
        click.echo("no snapshots yet: take one with 'annotator backup'")
        return
    for number, snapshot in enumerate(snapshots, 1):
        counts = snapshot.counts
        held = (
            f"{counts.articles:>6} articles  {counts.codings:>8} codings  {counts.coders:>3} coders"
            if counts
            else f"{'counts unknown':<42}"
        )
        click.echo(f"{number:>3}  {_when(snapshot)}  {held}  {snapshot.reason}")


@click.command()
@project_argument
@click.argument("snapshot")
@json_option
def restore(project: str, snapshot: str, as_json: bool) -> None:
    """Put SNAPSHOT back into PROJECT: its number in 'annotator backups' (1 is the newest),
    'latest', its name, or a snapshot file. The current state is snapshotted first (even
    with automatic snapshots off), so a restore can itself be undone. A project too damaged
    to be opened is replaced by the snapshot, after a copy of it is kept.

    Example: annotator restore study.annotator 2
    """
    chosen = backups.find_snapshot(Path(project), snapshot)
    try:
        with open_project(project, write=True, snapshot_on_open=False) as opened:
            restored = backups.restore(opened, chosen)
    except DamagedProjectError:
        _put_back(project, chosen, as_json)
        return
    now = restored.counts
    if as_json:
        print_json(
            {
                "restored": chosen.as_dict(),
                "before_restore": restored.safety.as_dict(),
                **now.as_dict(),
            }
        )
        return
    click.echo(f"restored {chosen.name}: {describe_counts(now)}")
    click.echo(f"the state before the restore is kept as {restored.safety.path}")


def _put_back(project: str, chosen: backups.Snapshot, as_json: bool) -> None:
    """Restore into a project that opening refuses: the snapshot takes the file's place."""
    done = put_back(project, chosen)
    now = done.counts
    if as_json:
        counts = now.as_dict() if now else unknown_counts()
        print_json({"restored": chosen.as_dict(), "damaged_kept": str(done.kept), **counts})
        return
    click.echo(f"restored {chosen.name} in place of the damaged project: {describe_counts(now)}")
    click.echo(f"the damaged project is kept as {done.kept}")


@click.command()
@project_argument
@json_option
def repair(project: str, as_json: bool) -> None:
    """Mend PROJECT when its schema was changed outside annotator: drop every trigger, view,
    index or table the migrations did not make, and make again those of annotator's that are
    missing or were altered (a changed table is rebuilt, keeping its rows). A snapshot of the
    project as it was is taken first; the command lists what it dropped. A project whose
    pages are damaged cannot be repaired: restore a snapshot instead.

    Example: annotator repair study.annotator
    """
    repaired = repair_project(project)
    kept = str(repaired.kept) if repaired.kept else None
    counts = repaired.counts.as_dict() if repaired.counts else None
    if as_json:
        print_json({**repaired.report.__dict__, "kept": kept, "counts": counts})
        return
    name = Path(project).name
    if not repaired.report.changed:
        click.echo(f"{name}: nothing to repair; the schema is annotator's")
        return
    click.echo(f"{name}: the project as it was is kept in {repaired.kept}")
    for line in repaired.report.lines():
        click.echo(line)
    if repaired.counts is not None:
        click.echo(f"repaired: {describe_counts(repaired.counts)}")
