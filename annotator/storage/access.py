"""Where a project lies decides how it can be opened: for writing, read-only, or immutable.

SQLite opens a project in write-ahead-log mode with two side files beside it (``-wal``,
``-shm``), and annotator adds its lock file. In a folder that cannot be written (a mounted share,
a CD, a replication package unpacked read-only) none of them can be made, and even a read-only
connection fails with "unable to open database file". There the file is opened with SQLite's
``immutable=1``: no side files, no locks, the file taken as it is — unless a ``-wal`` left beside
it holds commits not yet in the file, which ``immutable`` would silently ignore; then SQLite is
asked to read it normally (it can, when the ``-shm`` is there too) and refused otherwise.

A reader opens the file read-only (a read-write connection reads a large file two to five
times slower); a read-only connection cannot remove the ``-wal`` and ``-shm`` SQLite makes
for it, so where it made them, a read-write connection that writes nothing opens and closes
after it, and SQLite removes them when that one is the last (:class:`Reader`).

The side files themselves are looked at before SQLite opens anything: a ``-wal``, ``-shm`` or
``-journal`` that is a link, a pipe or a device would have SQLite read and write through it
(into another project), and a ``-journal`` that is not SQLite's (a copy saved under that
name) would be taken for a journal to roll back and deleted.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from annotator import interrupts
from annotator.domain.errors import ProjectError
from annotator.storage.lock import several_names

#: A write-ahead log this size or smaller holds no commits (its header is 32 bytes).
WAL_HEADER_BYTES = 32


def _can_write(path: Path) -> bool:
    return os.access(path, os.W_OK)


#: Whether this process may write ``path`` (a file or folder). Tests replace it to simulate a
#: read-only folder where chmod cannot (as root).
can_write: Callable[[Path], bool] = _can_write


@dataclass(frozen=True)
class Access:
    """How a project file can be opened where it lies.

    ``reason`` says why it cannot be written ('' when it can); ``immutable``: read it with
    SQLite's ``immutable=1``, since no side file can be made beside it."""

    reason: str = ""
    immutable: bool = False

    @property
    def writable(self) -> bool:
        return not self.reason


def wal_of(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def has_pending_log(path: Path) -> bool:
    """Whether a ``-wal`` beside the project holds commits not yet folded into the file."""
    try:
        return wal_of(path).stat().st_size > WAL_HEADER_BYTES
    except OSError:
        return False


#: The first bytes of a rollback journal SQLite wrote (a zeroed header is one it finished).
JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")
_LOGS = {"-wal": "write-ahead log", "-shm": "log index", "-journal": "rollback journal"}


def side_file_problem(path: Path) -> str:
    """What is wrong with the side files SQLite would use beside the project ('' if
    nothing): a link, a pipe or a device where its log should be, or a ``-journal`` that is
    not SQLite's."""
    resolved = path.resolve()
    for suffix, what in _LOGS.items():
        side = resolved.with_name(resolved.name + suffix)
        try:
            status = os.lstat(side)
        except FileNotFoundError:
            continue
        except OSError as error:
            return f"{side.name} beside it cannot be looked at ({error.strerror or error})"
        if stat.S_ISLNK(status.st_mode):
            return (
                f"{side.name} beside it is a symbolic link (to {os.readlink(side)}), and SQLite "
                f"would read and write the project's {what} through it; remove the link"
            )
        if not stat.S_ISREG(status.st_mode):
            return (
                f"{side.name} beside it is not a plain file (a pipe, a device or a folder) "
                f"where SQLite keeps the project's {what}; remove it"
            )
        if status.st_nlink > 1:
            return (
                f"{side.name} beside it has another name (a hard link to another file), and "
                f"SQLite would write the project's {what} into it; remove it"
            )
        if suffix == "-journal" and status.st_size > 0:
            try:
                with open(side, "rb") as handle:
                    head = handle.read(len(JOURNAL_MAGIC))
            except OSError as error:
                return f"{side.name} beside it cannot be read ({error.strerror or error})"
            if head not in (JOURNAL_MAGIC, bytes(len(JOURNAL_MAGIC))):
                return (
                    f"{side.name} beside it is not a journal of SQLite's (a file saved under "
                    "that name?), and SQLite would delete it; move it elsewhere"
                )
    return ""


def check_side_files(path: Path) -> None:
    """Raise :class:`ProjectError` naming the project and its side file when
    :func:`side_file_problem` finds one."""
    problem = side_file_problem(path)
    if problem:
        raise ProjectError(f"{path.name}: {problem}")


def read_only_uri(path: Path) -> str:
    """The URI that opens ``path`` for reading only, never creating it: immutable where no
    side file can be made beside it."""
    immutable = path.exists() and access_of(path).immutable
    return f"{path.resolve().as_uri()}?mode=ro{'&immutable=1' if immutable else ''}"


def access_of(path: Path) -> Access:
    """How the project file at ``path`` (it exists) can be opened."""
    resolved = path.resolve()
    folder = resolved.parent
    if not can_write(folder):
        return Access(
            f"its folder {folder} is read-only (a mounted share or a disc?); copy the project "
            "to a writable folder to change it",
            immutable=not has_pending_log(resolved),
        )
    if not can_write(resolved):
        return Access("the file is read-only; make it writable, or copy it, to change it")
    return Access(several_names(path))


def reading_uri(path: Path, access: Access) -> str:
    """The URI a reader of ``path`` opens: read-only, never creating it; immutable where no
    side file can be made beside it."""
    return f"{path.resolve().as_uri()}?mode={'ro&immutable=1' if access.immutable else 'ro'}"


def _side_logs(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]


class Reader(sqlite3.Connection):
    """A read-only connection that, when closed, leaves behind no ``-wal`` or ``-shm`` it
    made (see :func:`tidy_side_logs`)."""

    #: The project file whose side logs this reader made (``None``: it made none).
    made_side_logs: Path | None = None

    def close(self) -> None:
        with interrupts.held():  # a signal meanwhile is raised once the side logs are gone
            super().close()
            path, self.made_side_logs = self.made_side_logs, None
            if path is not None and any(side.exists() for side in _side_logs(path)):
                tidy_side_logs(path)


def tidy_side_logs(path: Path) -> None:
    """Let SQLite remove the ``-wal`` and ``-shm`` a reader made beside ``path``: a
    read-only connection cannot, so a read-write one that writes nothing reads the file and
    closes; as the last connection SQLite folds the (empty) log and removes both. While
    another connection has the project open, SQLite leaves them to it."""
    try:
        janitor = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=rw", uri=True, isolation_level=None, timeout=0
        )
    except sqlite3.Error:
        return
    try:
        janitor.execute("PRAGMA query_only = ON")
        janitor.execute("PRAGMA trusted_schema = OFF")
        janitor.execute("PRAGMA schema_version").fetchone()
    except sqlite3.Error:
        pass
    finally:
        janitor.close()


def connect_reader(path: Path, access: Access) -> sqlite3.Connection:
    """A read-only connection to the project file ``path`` (see :class:`Reader`); the
    caller sets ``PRAGMA trusted_schema`` and ``query_only`` first thing."""
    resolved = path.resolve()
    tidy = access.writable and not any(side.exists() for side in _side_logs(resolved))
    connection = sqlite3.connect(
        reading_uri(path, access), uri=True, isolation_level=None, factory=Reader
    )
    connection.made_side_logs = resolved if tidy else None
    return connection


def reading_connection(path: Path) -> sqlite3.Connection:
    """A connection that can only read ``path`` (never creating it, writing nothing, trusting
    nothing in its schema) and leaves no side file behind where it can help it."""
    check_side_files(path)
    if not path.exists():
        connection = sqlite3.connect(read_only_uri(path), uri=True, isolation_level=None)
    else:
        connection = connect_reader(path, access_of(path))
    try:
        connection.execute("PRAGMA query_only = ON")
        connection.execute("PRAGMA trusted_schema = OFF")
    except BaseException:
        connection.close()
        raise
    return connection
