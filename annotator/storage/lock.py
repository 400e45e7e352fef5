"""One writer per project file: an OS lock on a small file beside the project.

SQLite itself keeps two processes from corrupting the file; this lock keeps two running
annotators from coding into one project at once. The lock is held on an open file descriptor,
so the operating system releases it when the process dies: a crash never leaves a project
locked. The lock file records who holds it, so the refusal can name the other process.

The lock belongs to the file, not to the name it was opened by: it sits beside the file's
resolved path (a symbolic link leads to the same lock) and records the file's device and inode.
A file with several names (hard links) is never written: SQLite keeps its write-ahead log
beside the name it was opened by, so two writers through two names would each have a log of
their own and damage the file, and no lock beside a name can see the other name.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from annotator.domain.errors import NotWritableError, ProjectLockedError

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(handle: IO[str]) -> bool:
        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(handle: IO[str]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def lock_path_for(project_path: Path) -> Path:
    """The lock file of a project: beside the file the path resolves to."""
    resolved = project_path.resolve()
    return resolved.with_name(resolved.name + ".lock")


def several_names(project_path: Path) -> str:
    """Why the file cannot be written because it has more than one name ('' if it has one)."""
    try:
        links = os.stat(project_path).st_nlink
    except OSError:
        return ""
    if links <= 1:
        return ""
    return (
        f"the file has {links} names (hard links), and a project written through two names "
        "is damaged; keep one name (remove the other links, or copy it: 'annotator backup "
        f"{project_path.name} --to NEW-FILE')"
    )


class ProjectLock:
    """An exclusive, crash-safe lock on a project file, held until :meth:`release`."""

    def __init__(self, project_path: Path) -> None:
        self.path = lock_path_for(project_path)
        self.project_path = project_path
        self.file = project_path.resolve()
        #: (device, inode) of the project file when the lock was taken.
        self.identity: tuple[int, int] | None = None
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock or raise :class:`ProjectLockedError` naming the holder (or
        :class:`NotWritableError` for a file with several names)."""
        reason = several_names(self.project_path)
        if reason:
            raise NotWritableError(f"{self.project_path.name}: {reason}")
        status = os.stat(self.file)
        self.identity = (status.st_dev, status.st_ino)
        for _attempt in range(5):
            handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held open
            if not _try_lock(handle):
                holder = _read_holder(handle)
                handle.close()
                raise ProjectLockedError(_locked_message(self.project_path, holder))
            # Another process may have removed the file between our open and our lock; then
            # we hold a lock on a file nobody else can see. Start again in that case.
            try:
                same_file = os.path.samestat(os.fstat(handle.fileno()), os.stat(self.path))
            except FileNotFoundError:
                same_file = False
            if same_file:
                handle.seek(0)
                handle.truncate()
                json.dump(
                    {
                        **_this_process(),
                        "file": str(self.file),
                        "device": self.identity[0],
                        "inode": self.identity[1],
                    },
                    handle,
                )
                handle.flush()
                self._handle = handle
                return
            _unlock(handle)
            handle.close()
        raise ProjectLockedError(f"{self.project_path.name}: could not take the project's lock")

    def still_the_same_file(self) -> bool:
        """Whether the project's path still leads to the file that was locked (not replaced
        by another file meanwhile, not given a second name)."""
        try:
            status = os.stat(self.file)
        except OSError:
            return False
        return (status.st_dev, status.st_ino) == self.identity and status.st_nlink <= 1

    def release(self) -> None:
        if self._handle is None:
            return
        handle, self._handle = self._handle, None
        # Remove the file while still holding the lock, so no other process can lock a file
        # that is about to vanish. Windows cannot remove an open file: there it stays behind,
        # unlocked and harmless, and the next opener reuses it.
        with contextlib.suppress(OSError):
            self.path.unlink()
        _unlock(handle)
        handle.close()


def _this_process() -> dict[str, Any]:
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "program": " ".join(Path(sys.argv[0]).name.split() + sys.argv[1:2]) or "python",
        "since": datetime.now().astimezone().isoformat(timespec="seconds"),
    }


def _read_holder(handle: IO[str]) -> dict[str, Any]:
    try:
        handle.seek(0)
        holder = json.loads(handle.read() or "{}")
    except (OSError, ValueError):
        return {}
    return holder if isinstance(holder, dict) else {}


def _locked_message(project_path: Path, holder: dict[str, Any]) -> str:
    who = f"process {holder['pid']}" if "pid" in holder else "another process"
    if holder.get("program"):
        who += f" '{holder['program']}'"
    if holder.get("host") and holder["host"] != socket.gethostname():
        who += f" on {holder['host']}"
    if holder.get("since"):
        who += f", since {str(holder['since'])[:16].replace('T', ' ')}"
    return (
        f"{project_path.name} is open in another annotator ({who}); "
        "close it there first, or open the project read-only"
    )
