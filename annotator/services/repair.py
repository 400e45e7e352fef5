"""A project that opening refuses: repair its schema, or put a snapshot back in its place.

Both work on the file without opening it as a project (opening refuses it), under the
project's lock, after keeping a copy of it as it was: a snapshot where one can be taken, or
where the file is too damaged for that, its bytes (``….damaged`` in the backups folder).
"""

from __future__ import annotations

import contextlib
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from annotator.domain.errors import (
    DamagedProjectError,
    NotWritableError,
    OutdatedProjectError,
    UserError,
)
from annotator.services import backups
from annotator.services.backups import Snapshot
from annotator.storage import Project, search_index
from annotator.storage.access import access_of
from annotator.storage.lock import ProjectLock
from annotator.storage.repair import RepairReport, connect_for_repair, repair_schema
from annotator.storage.snapshots import (
    Counts,
    check_snapshot,
    counts_of,
    replace_project_file,
)
from annotator.storage.verify import Problem, damage_of_file


@dataclass(frozen=True)
class Repaired:
    """What a repair did, where the project as it was is kept, and what it holds now."""

    report: RepairReport
    kept: Path | None
    counts: Counts | None


@dataclass(frozen=True)
class PutBack:
    """A snapshot put in the place of a damaged project, and where the damaged one is kept."""

    snapshot: Snapshot
    kept: Path
    counts: Counts | None


def problems_of(path: str | Path) -> list[Problem]:
    """What opening finds wrong with the project (empty when nothing). Raises
    :class:`DamagedProjectError` when it cannot be read at all."""
    try:
        with Project.open(path, read_only=True, accept_problems=True) as project:
            return list(project.problems)
    except OutdatedProjectError:  # raised only when nothing was found wrong
        return []


def keep_copy(path: Path, reason: str, protect: Path | None = None) -> Path:
    """Keep the project as it is now, before it is mended or replaced — whether automatic
    snapshots are on or not: a snapshot (listed by ``annotator backups``; pruning then never
    removes ``protect``, the snapshot about to be put back), or, where the file is too damaged
    to be copied as a project, its bytes and its log's, as ``….damaged`` files in the backups
    folder."""
    try:
        return backups.snapshot_file(path, reason, protect=[protect] if protect else []).path
    except UserError:
        pass
    folder = backups.backups_folder(path)
    folder.mkdir(parents=True, exist_ok=True)
    label = re.sub(r"[^\w-]+", "-", reason.lower()).strip("-")
    target = folder / f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}-{label}.damaged"
    source = path.resolve()
    shutil.copyfile(source, target)
    log = source.with_name(source.name + "-wal")
    with contextlib.suppress(FileNotFoundError):
        shutil.copyfile(log, target.with_name(target.name + "-wal"))
    return target


def _refill_search_index(path: Path) -> Repaired:
    """A project whose schema is sound but whose search index is out of step with its
    articles (``annotator check`` says so): the index is made anew, after a snapshot."""
    with Project.open(path, read_only=True) as project:
        if not search_index.index_problems(project.db.conn):
            return Repaired(RepairReport(), None, None)
    lock = _writable(path)
    try:
        kept = keep_copy(path, "before repair")
        connection = connect_for_repair(path)
        try:
            connection.execute("BEGIN IMMEDIATE")
            try:
                articles = search_index.remake(connection)
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            counts = counts_of(connection)
            if connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
    finally:
        lock.release()
    report = RepairReport(rebuilt=[f"the search index ({articles} articles indexed anew)"])
    return Repaired(report, kept, counts)


def _writable(path: Path) -> ProjectLock:
    access = access_of(path)
    if not access.writable:
        raise NotWritableError(f"{path.name}: {access.reason}")
    lock = ProjectLock(path)
    lock.acquire()
    return lock


def repair_project(path: str | Path) -> Repaired:
    """Mend a project whose schema is not as annotator made it (see
    :mod:`annotator.storage.repair`), after keeping a copy of it. A project with nothing to
    mend is left untouched; one whose pages are damaged is refused (a snapshot brings it back,
    a repair cannot)."""
    path = Path(path)
    problems = problems_of(path)
    problems += [p for p in damage_of_file(path) if p not in problems]
    if not problems:
        return _refill_search_index(path)
    if not all(problem.repairable for problem in problems):
        raise DamagedProjectError(path, [p.text for p in problems], repairable=False)
    lock = _writable(path)
    try:
        kept = keep_copy(path, "before repair")
        connection = connect_for_repair(path)
        try:
            try:
                report = repair_schema(connection)
            except UserError as error:
                raise UserError(f"{path.name}: {error}") from None
            counts = counts_of(connection)
            if connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
    finally:
        lock.release()
    return Repaired(report, kept, counts)


def put_back(path: str | Path, snapshot: Snapshot) -> PutBack:
    """Put ``snapshot`` in the place of the project file without opening the project (for
    one too damaged to be opened for writing): under its lock, after keeping a copy of it."""
    path = Path(path)
    check_snapshot(snapshot.path)
    if snapshot.path.resolve() == path.resolve():
        raise UserError(f"{snapshot.name}: that is the project itself, not a snapshot")
    lock = _writable(path)
    try:
        kept = keep_copy(path, "before restore", protect=snapshot.path)
        counts = replace_project_file(snapshot.path, path)
    finally:
        lock.release()
    return PutBack(snapshot, kept, counts)


def newest_good_snapshot(path: str | Path) -> Snapshot | None:
    """The newest snapshot of the project that checks out (a restore would accept it)."""
    for snapshot in backups.list_snapshots(Path(path)):
        try:
            check_snapshot(snapshot.path)
        except UserError:
            continue
        return snapshot
    return None
