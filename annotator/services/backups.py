"""Automatic backups of a project: snapshots, their schedule, listing and restoring.

A snapshot is a complete, checked copy of the project file (see
:mod:`annotator.storage.snapshots`) with a small JSON file beside it saying when it was taken,
why, and what it holds (articles, codings, coders). Snapshots of a project live in a folder of
their own under the user's data folder (``backups/<project name>-<key>/``, the key derived from
the project file's full path), not beside the project, which may sit on a shared drive — unless
the settings say so. They are taken when a project is opened for writing and the newest one is
older than a few hours, before every bulk change, when the window closes after changes, and on
request; old ones are pruned to a schedule (the last 10, one a day for 14 days, one a week for 8
weeks by default).
"""

from __future__ import annotations

import configparser
import contextlib
import hashlib
import json
import os
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from annotator import __version__, paths
from annotator.domain.errors import BadFileError, ProjectError, UserError
from annotator.domain.project_file import side_file_of
from annotator.io.output import check_output
from annotator.storage import Project
from annotator.storage.snapshots import (
    CopyProgress,
    Counts,
    check_snapshot,
    copy_project_file,
    counts_of,
    read_only_connection,
    remove_stale_partials,
    restore_into,
    unknown_counts,
)

SUFFIX = ".annotator"
META_SUFFIX = ".json"
SECTION = "backups"
#: The folder setting that keeps snapshots beside the project instead of in the data folder.
BESIDE = "beside the project"
_STAMP = "%Y%m%dT%H%M%SZ"
_NEVER_COPIED = "a copy is never written there: choose another file name"


# -- settings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupSettings:
    """Whether snapshots are taken, where, how often at most on opening, and how many are kept.

    ``folder`` empty: the data folder's ``backups``; :data:`BESIDE`: a folder next to the project
    file; anything else: that folder."""

    enabled: bool = True
    folder: str = ""
    every_hours: float = 4.0
    keep_last: int = 10
    keep_daily: int = 14
    keep_weekly: int = 8

    def validated(self) -> BackupSettings:
        for name in ("keep_last", "keep_daily", "keep_weekly"):
            if getattr(self, name) < 0:
                raise UserError(f"backups: {name.replace('_', ' ')} cannot be negative")
        if self.keep_last < 1:
            raise UserError("backups: keep at least the last one (keep last ≥ 1)")
        if not 0 <= self.every_hours <= 24 * 365:
            raise UserError("backups: the hours between snapshots must be between 0 and 8760")
        return self


def settings_file() -> Path:
    """The settings file the window also uses (``settings.ini`` in the data folder)."""
    return paths.data_dir() / "settings.ini"


def load_settings() -> BackupSettings:
    """The backup settings, or the defaults for anything unset or unreadable."""
    parser = _parser()
    defaults = BackupSettings()
    if not parser.has_section(SECTION):
        return defaults
    section = parser[SECTION]
    values: dict[str, Any] = {}
    for name, default in defaults.__dict__.items():
        raw = section.get(name)
        if raw is None:
            continue
        with contextlib.suppress(ValueError):
            if isinstance(default, bool):
                values[name] = raw.strip().lower() in ("true", "1", "yes", "on")
            elif isinstance(default, int):
                values[name] = int(raw)
            elif isinstance(default, float):
                values[name] = float(raw)
            else:
                values[name] = raw
    try:
        return replace(defaults, **values).validated()
    except UserError:
        return defaults


def save_settings(settings: BackupSettings) -> None:
    """Write the backup settings, keeping every other section of the file as it is."""
    settings.validated()
    parser = _parser()
    if not parser.has_section(SECTION):
        parser.add_section(SECTION)
    for name, value in settings.__dict__.items():
        parser[SECTION][name] = str(value).lower() if isinstance(value, bool) else str(value)
    path = settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".writing")
    with open(temporary, "w", encoding="utf-8") as handle:
        parser.write(handle)
    os.replace(temporary, path)


def _parser() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keep the window's keys
    with contextlib.suppress(OSError, configparser.Error, UnicodeDecodeError):
        parser.read(settings_file(), encoding="utf-8")
    return parser


# -- where and what ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """One snapshot: its file, when and why it was taken, and what it holds (``counts``
    ``None``: unknown, for a copy of a project whose schema was not annotator's)."""

    path: Path
    taken_at: datetime
    reason: str
    counts: Counts | None
    size: int
    schema: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.name

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "path": str(self.path),
            "taken_at": self.taken_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "reason": self.reason,
            **(self.counts.as_dict() if self.counts else unknown_counts()),
            "bytes": self.size,
            "schema": self.schema,
        }


def backups_folder(project_path: Path, settings: BackupSettings | None = None) -> Path:
    """The folder holding the snapshots of the project at ``project_path`` (not created)."""
    settings = settings or load_settings()
    resolved = project_path.resolve()
    stem = re.sub(r"[^\w.-]+", "_", resolved.stem)[:60] or "project"
    key = hashlib.sha256(str(resolved).encode("utf-8", "surrogatepass")).hexdigest()[:10]
    if settings.folder == BESIDE:
        return resolved.parent / f"{resolved.stem} backups"
    base = Path(settings.folder).expanduser() if settings.folder else paths.data_dir() / "backups"
    return base / f"{stem}-{key}"


def list_snapshots(project_path: Path, settings: BackupSettings | None = None) -> list[Snapshot]:
    """The project's snapshots, newest first (damaged or foreign files left out)."""
    folder = backups_folder(project_path, settings)
    if not folder.is_dir():
        return []
    found = [
        snapshot
        for file in folder.glob(f"*{SUFFIX}")
        if not file.name.startswith(".") and (snapshot := _read_snapshot(file)) is not None
    ]
    return sorted(found, key=lambda s: (s.taken_at, s.name), reverse=True)


def _read_snapshot(file: Path) -> Snapshot | None:
    try:
        meta = json.loads(file.with_suffix(META_SUFFIX).read_text(encoding="utf-8"))
        numbers = [meta["articles"], meta["codings"], meta["coders"]]
        counts = None if None in numbers else Counts(*(int(n) for n in numbers))
        taken = datetime.fromisoformat(str(meta["taken_at"]).replace("Z", "+00:00"))
        if taken.tzinfo is None:
            taken = taken.replace(tzinfo=UTC)
        return Snapshot(
            file,
            taken,
            str(meta.get("reason", "")),
            counts,
            file.stat().st_size,
            str(meta.get("schema", "")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


# -- taking and pruning ------------------------------------------------------------------------


def take_snapshot(
    project: Project,
    reason: str,
    *,
    settings: BackupSettings | None = None,
    progress: CopyProgress | None = None,
    now: datetime | None = None,
    protect: Collection[Path] = (),
) -> Snapshot | None:
    """Snapshot the project now (``None`` if backups are off or it has no file), then prune
    (never the snapshots in ``protect``)."""
    settings = settings or load_settings()
    if not settings.enabled or project.path is None or project.being_created:
        return None
    return snapshot_file(
        project.path,
        reason,
        schema=(project.schema_version() or [""])[-1],
        settings=settings,
        progress=progress,
        now=now,
        protect=protect,
    )


def snapshot_file(
    project_path: Path,
    reason: str,
    *,
    schema: str = "",
    settings: BackupSettings | None = None,
    progress: CopyProgress | None = None,
    now: datetime | None = None,
    protect: Collection[Path] = (),
) -> Snapshot:
    """Snapshot the project file at ``project_path`` (it may be open elsewhere: the copy is
    consistent all the same), whether automatic snapshots are on or not, then prune (never
    the snapshots in ``protect``). Works on a connection of its own, so a window can run it in
    a worker thread."""
    settings = settings or load_settings()
    folder = backups_folder(project_path, settings)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ProjectError(
            f"backups: cannot make the folder {folder} ({error.strerror or error}); "
            "choose another folder in the backup settings"
        ) from None
    taken = (now or datetime.now(UTC)).astimezone(UTC)
    target = _free_name(folder, taken, reason)
    counts = copy_project_file(project_path, target, progress)
    meta = {
        "taken_at": taken.isoformat().replace("+00:00", "Z"),
        "reason": reason,
        **(counts.as_dict() if counts else unknown_counts()),
        "project": str(project_path.resolve()),
        "schema": schema,
        "annotator": __version__,
    }
    temporary = target.with_name(f".{target.stem}{META_SUFFIX}.writing")
    temporary.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(temporary, target.with_suffix(META_SUFFIX))
    snapshot = Snapshot(target, taken, reason, counts, target.stat().st_size, schema)
    prune(project_path, settings, now=taken, protect=protect)
    return snapshot


def _free_name(folder: Path, taken: datetime, reason: str) -> Path:
    label = re.sub(r"[^\w-]+", "-", reason.lower()).strip("-")[:40] or "snapshot"
    stem = f"{taken.strftime(_STAMP)}-{label}"
    candidate, number = folder / f"{stem}{SUFFIX}", 1
    while candidate.exists() or candidate.with_suffix(META_SUFFIX).exists():
        number += 1
        candidate = folder / f"{stem}-{number}{SUFFIX}"
    return candidate


def to_keep(snapshots: list[Snapshot], settings: BackupSettings, now: datetime) -> set[Path]:
    """The snapshots a schedule keeps: the newest ``keep_last``, and the newest of each of the
    last ``keep_daily`` days and ``keep_weekly`` weeks (UTC) that have one."""
    newest_first = sorted(snapshots, key=lambda s: s.taken_at, reverse=True)
    keep = {s.path for s in newest_first[: settings.keep_last]}
    today = now.astimezone(UTC).date()
    days: set[object] = set()
    weeks: set[object] = set()
    for snapshot in newest_first:
        day = snapshot.taken_at.astimezone(UTC).date()
        age = (today - day).days
        if age < settings.keep_daily and day not in days:
            days.add(day)
            keep.add(snapshot.path)
        week = day.isocalendar()[:2]
        if age < 7 * settings.keep_weekly and week not in weeks:
            weeks.add(week)
            keep.add(snapshot.path)
    return keep


def prune(
    project_path: Path,
    settings: BackupSettings | None = None,
    *,
    now: datetime | None = None,
    protect: Collection[Path] = (),
) -> list[Path]:
    """Delete the snapshots the schedule no longer keeps — never one in ``protect`` (the
    snapshot a restore is about to read) — and copies cut off halfway (a snapshot killed
    while it was written); return the snapshots deleted."""
    settings = settings or load_settings()
    snapshots = list_snapshots(project_path, settings)
    keep = to_keep(snapshots, settings, now or datetime.now(UTC))
    protected = {Path(path).resolve() for path in protect}
    with contextlib.suppress(OSError):
        remove_stale_partials(backups_folder(project_path, settings))
    removed = []
    for snapshot in snapshots:
        if snapshot.path not in keep and snapshot.path.resolve() not in protected:
            for file in (snapshot.path, snapshot.path.with_suffix(META_SUFFIX)):
                with contextlib.suppress(FileNotFoundError):
                    file.unlink()
            removed.append(snapshot.path)
    return removed


def is_due(project_path: Path, settings: BackupSettings, now: datetime | None = None) -> bool:
    """Whether opening the project should take a snapshot: backups are on and the newest
    snapshot is older than ``every_hours`` (or there is none)."""
    if not settings.enabled:
        return False
    snapshots = list_snapshots(project_path, settings)
    if not snapshots:
        return True
    age = (now or datetime.now(UTC)) - snapshots[0].taken_at
    return age >= timedelta(hours=settings.every_hours)


def snapshot_if_due(project: Project, *, now: datetime | None = None) -> Snapshot | None:
    """The snapshot taken on opening a project for writing, if one is due."""
    settings = load_settings()
    if project.path is None or project.read_only or not is_due(project.path, settings, now):
        return None
    return take_snapshot(project, "opened", settings=settings, now=now)


def open_for_writing(path: str | Path) -> Project:
    """Open a project for writing; a project of an earlier version is snapshotted before it is
    brought up to date (if backups are on)."""
    settings = load_settings()

    def before_upgrade(project_path: Path) -> None:
        if settings.enabled:
            snapshot_file(project_path, "before upgrading", settings=settings)

    return Project.open(path, before_upgrade=before_upgrade)


def before_bulk_change(project: Project, what: str) -> Snapshot | None:
    """The snapshot taken before a change of many records (merge, import, codebook merge…).

    Inside a transaction (a project being made, a larger use case) there is nothing to add:
    the change is part of something bigger, which took its own snapshot if it needed one."""
    if project.read_only or project.db.conn.in_transaction:
        return None
    return take_snapshot(project, f"before {what}")


@contextlib.contextmanager
def discarded_on_failure(snapshot: Snapshot | None) -> Iterator[None]:
    """Delete ``snapshot`` if the bulk change it was taken for is refused (nothing changed,
    so it would only crowd the list)."""
    try:
        yield
    except BaseException:
        if snapshot is not None:
            for file in (snapshot.path, snapshot.path.with_suffix(META_SUFFIX)):
                with contextlib.suppress(OSError):
                    file.unlink()
        raise


def save_copy(
    project: Project, target: str | Path, progress: CopyProgress | None = None
) -> Counts | None:
    """Write one complete copy of the open project to the new file ``target`` (File → Save a
    copy, ``annotator backup --to``), under the rules of every file annotator writes for the
    user (:func:`annotator.io.output.check_output`): never onto a project or a project's side
    file (SQLite would take a copy named ``study.annotator-journal`` for a journal to roll
    back), never into a pipe or device, never over any file or link."""
    target = Path(target)
    if os.path.lexists(target) and side_file_of(target.name) is None:
        raise BadFileError(target, "already exists; a copy is never written over a file")
    where = check_output(target, protect=[project.path], never=_NEVER_COPIED)
    if where.stream:
        raise BadFileError(target, "is a pipe or a device; a copy is a new file: name one")
    if os.path.lexists(target):
        raise BadFileError(target, "already exists; a copy is never written over a file")
    return project.save_copy(target, progress)


# -- restoring ---------------------------------------------------------------------------------


def find_snapshot(project_path: Path, name: str) -> Snapshot:
    """A snapshot named as ``annotator backups`` lists it: its number (1 = newest), ``latest``,
    its file name, or a path to a snapshot file."""
    snapshots = list_snapshots(project_path)
    if name.lower() in ("latest", "newest") and snapshots:
        return snapshots[0]
    if name.isdigit() and 1 <= int(name) <= len(snapshots):
        return snapshots[int(name) - 1]
    for snapshot in snapshots:
        if name in (snapshot.name, snapshot.path.stem):
            return snapshot
    given = Path(name)
    if given.suffix == SUFFIX and given.is_file():
        found = _read_snapshot(given)
        if found is not None:
            return found
        check_snapshot(given)
        connection = read_only_connection(given)
        try:
            counts = counts_of(connection)
        finally:
            connection.close()
        taken = datetime.fromtimestamp(given.stat().st_mtime, UTC)
        return Snapshot(given, taken, "a copy", counts, given.stat().st_size)
    listed = f"{len(snapshots)} snapshots: see 'annotator backups'" if snapshots else "none yet"
    raise UserError(f"there is no snapshot '{name}' of {project_path.name} ({listed})")


@dataclass(frozen=True)
class Restored:
    """What a restore did: the snapshot put back, the one taken of the state it replaced, and
    the counts now in the project (equal to the snapshot's)."""

    snapshot: Snapshot
    safety: Snapshot
    counts: Counts


def restore(
    project: Project,
    snapshot: Snapshot,
    *,
    progress: Callable[[str], None] | None = None,
) -> Restored:
    """Put ``snapshot`` back into the open ``project`` (open for writing), after snapshotting
    the current state — always, even with automatic snapshots off, and never pruning the
    snapshot being restored. The project keeps its file; the snapshot is checked first (a
    snapshot of another program, a newer annotator or a damaged file is refused with nothing
    changed)."""
    if project.read_only or project.path is None:
        raise ProjectError(f"{project.name}: open the project for writing to restore into it")
    if snapshot.path.resolve() == project.path.resolve():
        raise UserError(f"{snapshot.name}: that is the project itself, not a snapshot")
    check_snapshot(snapshot.path)
    if progress:
        progress("taking a snapshot of the current state")
    safety = snapshot_file(
        project.path,
        "before restore",
        schema=(project.schema_version() or [""])[-1],
        protect=[snapshot.path],
    )
    if progress:
        progress(f"restoring {snapshot.name}")
    handed_out = _sequences(project)
    counts = restore_into(snapshot.path, project.db)
    _keep_sequences(project, handed_out)
    return Restored(snapshot, safety, counts)


def _sequences(project: Project) -> dict[str, int]:
    """The highest id each AUTOINCREMENT table has handed out (``sqlite_sequence``)."""
    present = project.db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'"
    ).fetchone()
    if present is None:
        return {}
    rows = project.db.execute("SELECT name, seq FROM sqlite_sequence").fetchall()
    return {str(name): int(seq) for name, seq in rows}


def _keep_sequences(project: Project, handed_out: dict[str, int]) -> None:
    """After a restore: an id handed out before it (to a coding an undo step, a package or a
    second window still knows) is never handed out again — each table's sequence is raised to
    at least what it was (the snapshot's is older, so lower)."""
    if not handed_out:
        return
    with project.transaction():
        for table, seq in sorted(handed_out.items()):
            row = project.db.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]
            ).fetchone()
            if row is None or "AUTOINCREMENT" not in str(row[0]).upper():
                continue
            now = project.db.execute(
                "SELECT seq FROM sqlite_sequence WHERE name = ?", [table]
            ).fetchone()
            if now is None:
                project.db.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", [table, seq]
                )
            elif int(now[0]) < seq:
                project.db.execute(
                    "UPDATE sqlite_sequence SET seq = ? WHERE name = ?", [seq, table]
                )
