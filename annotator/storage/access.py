"""Where a project lies decides how it can be opened: for writing, read-only, or immutable.

SQLite opens a project in write-ahead-log mode with two side files beside it (``-wal``,
``-shm``), and annotator adds its lock file. In a folder that cannot be written (a mounted share,
a CD, a replication package unpacked read-only) none of them can be made, and even a read-only
connection fails with "unable to open database file". There the file is opened with SQLite's
``immutable=1``: no side files, no locks, the file taken as it is — unless a ``-wal`` left beside
it holds commits not yet in the file, which ``immutable`` would silently ignore; then SQLite is
asked to read it normally (it can, when the ``-shm`` is there too) and refused otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

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
