"""Consistent copies of a project file, and putting one back, through SQLite's backup API.

A copy is taken on a connection of its own, in one read transaction: it is the project as it
was at one commit, even while a window keeps coding into it (write-ahead log), and it never
blocks that window. The copy is written under a temporary name, made a single file (no
write-ahead log), checked, flushed to disk and only then given its name. Restoring copies a
snapshot's pages into the project's own connection, in one write transaction: the project file
keeps its name, its inode and its lock, and either all of the snapshot is in it or none.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from annotator.domain.errors import BadFileError, ProjectError
from annotator.storage import schema, verify
from annotator.storage.access import reading_connection

#: Called with (pages copied, pages in all) while a copy is made.
CopyProgress = Callable[[int, int], None]
#: Pages copied per step; between steps the progress callback runs.
STEP_PAGES = 4096
#: Counting what a file holds never takes longer than this (a sound file counts in well under
#: a second; the limit guards against anything the schema check did not foresee).
COUNT_SECONDS = 30.0
#: A copy under way is written as ``.<name>.<pid>@<host>.partial``; one whose process is gone,
#: or older than this, was cut off (killed, a power cut) and is removed when pruning.
PARTIAL_SUFFIX = ".partial"
STALE_PARTIAL_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Counts:
    """What a project (or a snapshot of one) holds, as a restore must bring back."""

    articles: int
    codings: int
    coders: int

    def as_dict(self) -> dict[str, int]:
        return {"articles": self.articles, "codings": self.codings, "coders": self.coders}


def describe_counts(counts: Counts | None) -> str:
    """'8 articles, 171 codings, 2 coders', or 'counts unknown' (a file whose schema is not
    annotator's is never counted)."""
    if counts is None:
        return "counts unknown"
    return f"{counts.articles:,} articles, {counts.codings:,} codings, {counts.coders:,} coders"


def unknown_counts() -> dict[str, None]:
    """What :meth:`Counts.as_dict` gives for counts that are not known."""
    return {"articles": None, "codings": None, "coders": None}


@contextlib.contextmanager
def time_limit(connection: sqlite3.Connection, seconds: float) -> Iterator[None]:
    """Interrupt any statement of ``connection`` that runs past ``seconds`` from now (it then
    raises ``sqlite3.OperationalError``)."""
    deadline = time.monotonic() + seconds
    connection.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    try:
        yield
    finally:
        connection.set_progress_handler(None, 0)


def counts_of(connection: sqlite3.Connection) -> Counts | None:
    """Articles, codings and coders in a project database; ``None`` (counts unknown) when its
    schema is not annotator's — ``documents`` may then be a view that never ends — or counting
    runs past :data:`COUNT_SECONDS`."""
    try:
        with time_limit(connection, COUNT_SECONDS):
            if verify.schema_problems(connection):
                return None
            row = connection.execute(
                "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM codings), "
                "(SELECT count(*) FROM coders)"
            ).fetchone()
    except sqlite3.DatabaseError:
        return None
    return Counts(int(row[0]), int(row[1]), int(row[2]))


def read_only_connection(path: Path) -> sqlite3.Connection:
    """A connection that can only read ``path`` (and never creates it); in a read-only folder,
    one that reads it as an immutable file (no side file can be made there). See
    :func:`annotator.storage.access.reading_connection`."""
    return reading_connection(path)


def _host() -> str:
    return re.sub(r"[^\w-]+", "_", socket.gethostname())[:60] or "host"


def partial_name(target: Path) -> Path:
    """The name a copy to ``target`` is written under until it is complete."""
    return target.with_name(f".{target.name}.{os.getpid()}@{_host()}{PARTIAL_SUFFIX}")


def _process_gone(pid: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - os.kill would end the process there
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # another user's process: still there
        return False
    return False


def stale_partials(folder: Path, now: float | None = None) -> list[Path]:
    """The copies cut off halfway in ``folder`` (see :data:`PARTIAL_SUFFIX`): written by a
    process of this machine that is gone, or untouched for :data:`STALE_PARTIAL_SECONDS`. A
    copy under way is never among them."""
    now = time.time() if now is None else now
    stale = []
    for file in folder.glob(f".*{PARTIAL_SUFFIX}"):
        try:
            age = now - file.lstat().st_mtime
        except OSError:
            continue
        owner = file.name[: -len(PARTIAL_SUFFIX)].rsplit(".", 1)[-1]
        pid, _, host = owner.partition("@")
        gone = host == _host() and pid.isdigit() and _process_gone(int(pid))
        if gone or age > STALE_PARTIAL_SECONDS:
            stale.append(file)
    return stale


def remove_stale_partials(folder: Path, now: float | None = None) -> list[Path]:
    """Delete the copies cut off halfway in ``folder`` (with their journals); return them."""
    removed = []
    for file in stale_partials(folder, now):
        for leftover in (file, file.with_name(file.name + "-journal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        removed.append(file)
    return removed


def copy_project_file(
    source: Path, target: Path, progress: CopyProgress | None = None
) -> Counts | None:
    """Write a consistent copy of the project at ``source`` to the new file ``target``.

    Returns the copy's counts (``None``: unknown, for a file whose schema is not annotator's).
    ``target`` must not exist; it appears only once it is complete, checked and on disk. Safe
    to call from a worker thread while the project is open elsewhere.
    """
    if os.path.lexists(target):  # a file, a link (even a dangling one), a pipe, a device
        raise BadFileError(target, "already exists; a copy is never written over a file")
    directory = target.parent
    temporary = partial_name(target)
    try:
        source_connection = read_only_connection(source)
    except sqlite3.DatabaseError as error:
        raise ProjectError(f"{source.name}: cannot be read for a copy ({error})") from None
    try:
        copy = sqlite3.connect(temporary, isolation_level=None)
        try:
            copy.execute("PRAGMA trusted_schema = OFF")
            _copy(source_connection, copy, progress)
            # A snapshot is one file: the copied header says WAL, which would give it side files.
            copy.execute("PRAGMA journal_mode = DELETE")
            problems = verify.damage_problems(copy)
            if problems:
                raise ProjectError(
                    f"{source.name}: the copy does not check out ({problems[0].text}); "
                    "the project itself may be damaged: run 'annotator check'"
                )
            counts = counts_of(copy)
        finally:
            copy.close()
        _flush(temporary)
        _place(temporary, target)
        _flush_directory(directory)
        return counts
    except sqlite3.DatabaseError as error:
        raise ProjectError(f"{source.name}: the copy failed ({_one_line(error)})") from None
    finally:
        source_connection.close()
        for leftover in (temporary, temporary.with_name(temporary.name + "-journal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def _copy(
    source: sqlite3.Connection, target: sqlite3.Connection, progress: CopyProgress | None
) -> None:
    """All pages in one read transaction of ``source``, so the copy is one consistent state.

    The backup API restarts a copy that spans several steps whenever another connection writes
    to the source between them; holding a read transaction open across the steps prevents that
    (in WAL mode the writers go on, into the log, unseen by this copy)."""
    source.execute("BEGIN")
    try:
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()

        def report(_status: int, remaining: int, total: int) -> None:
            if progress is not None:
                progress(total - remaining, total)

        source.backup(target, pages=STEP_PAGES, progress=report, sleep=0)
    finally:
        source.execute("COMMIT")


def check_snapshot(snapshot: Path) -> None:
    """Refuse a file that is not a sound annotator project this version can open: another
    program's database, a damaged file, a newer annotator's, or one whose schema holds what
    annotator did not make (a trigger, a view, a changed table)."""
    try:
        with open(snapshot, "rb") as handle:
            header = handle.read(16)
    except OSError as error:
        raise BadFileError(snapshot, f"cannot be read ({error.strerror or error})") from None
    if header != b"SQLite format 3\x00":
        raise BadFileError(snapshot, "is not an annotator project (not an SQLite database)")
    try:
        connection = read_only_connection(snapshot)
    except sqlite3.DatabaseError as error:
        raise BadFileError(snapshot, f"cannot be read ({error})") from None
    try:
        if connection.execute("PRAGMA application_id").fetchone()[0] != schema.APPLICATION_ID:
            raise BadFileError(snapshot, "is not an annotator project")
        problems = verify.damage_problems(connection)
        if problems:
            raise BadFileError(snapshot, f"is damaged ({problems[0].text})")
        applied = {
            str(row[0])
            for row in connection.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ?",
                [schema.MIGRATION_SET],
            )
        }
        unknown = applied - set(schema.known_migrations())
        if unknown:
            raise BadFileError(snapshot, "was made by a newer version of annotator")
        foreign = verify.schema_problems(connection)
        if foreign:
            raise BadFileError(
                snapshot, f"is not as annotator made it ({foreign[0].text}); not restored"
            )
    except sqlite3.DatabaseError as error:
        raise BadFileError(snapshot, f"is damaged ({_one_line(error)})") from None
    finally:
        connection.close()


def _one_line(error: BaseException) -> str:
    """SQLite's message, its first line only (a finding may span several)."""
    lines = [line for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def replace_project_file(snapshot: Path, project: Path) -> Counts | None:
    """Put a copy of ``snapshot`` in the place of the project file, for a project too damaged
    to be opened (the caller holds its lock and has kept a copy of it as it was).

    The copy is made beside the project and checked first; then the project's side files go
    (its write-ahead log belongs to the file being replaced and would be replayed into the new
    one) and the copy takes the project's name in one rename."""
    check_snapshot(snapshot)
    project = project.resolve()  # a symbolic link stays a link, to the restored file
    temporary = project.with_name(f".{project.name}.{os.getpid()}.restoring")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    counts = copy_project_file(snapshot, temporary)
    try:
        with contextlib.suppress(OSError):
            shutil.copymode(project, temporary)
        for suffix in ("-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                project.with_name(project.name + suffix).unlink()
        os.replace(temporary, project)
        _flush_directory(project.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    return counts


def restore_into(snapshot: Path, target: Database) -> Counts:
    """Replace the whole content of the open project database ``target`` by the snapshot's,
    then bring it up to this version's schema.

    SQLite writes the snapshot's pages into ``target`` in one transaction (all or nothing); the
    project keeps its file, lock and journal mode. Returns the counts now in the project."""
    check_snapshot(snapshot)
    source = read_only_connection(snapshot)
    try:
        source.backup(target.conn)
    except sqlite3.DatabaseError as error:
        raise ProjectError(f"{snapshot.name}: could not be restored ({error})") from None
    finally:
        source.close()
    schema.migrations.apply(target)
    counts = counts_of(target.conn)
    if counts is None:  # pragma: no cover - the snapshot was checked, the migrations are ours
        raise ProjectError(f"{snapshot.name}: the restored project does not check out")
    return counts


def _place(temporary: Path, target: Path) -> None:
    """Give the finished copy its name, never over a file that appeared meanwhile: a hard
    link fails if the name is taken (where links are not supported, check and rename)."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise BadFileError(target, "appeared while the copy was made; not replaced") from None
    except OSError:
        if os.path.lexists(target):
            raise BadFileError(target, "appeared while the copy was made; not replaced") from None
        os.replace(temporary, target)
    else:
        temporary.unlink()


def _flush(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _flush_directory(directory: Path) -> None:
    """Make a rename durable (POSIX); a no-op where directories cannot be opened (Windows)."""
    try:
        handle = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
