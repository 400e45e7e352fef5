"""One writer per project file: an OS lock on a small file beside the project.

SQLite itself keeps two processes from corrupting the file; this lock keeps two running
annotators from coding into one project at once. The lock is held on an open file descriptor,
so the operating system releases it when the process dies: a crash never leaves a project
locked. The lock file records who holds it, so the refusal can name the other process.
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

from annotator.domain.errors import ProjectLockedError

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
    return project_path.with_name(project_path.name + ".lock")


class ProjectLock:
    """An exclusive, crash-safe lock on a project file, held until :meth:`release`."""

    def __init__(self, project_path: Path) -> None:
        self.path = lock_path_for(project_path)
        self.project_path = project_path
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock or raise :class:`ProjectLockedError` naming the holder."""
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
                json.dump(_this_process(), handle)
                handle.flush()
                self._handle = handle
                return
            _unlock(handle)
            handle.close()
        raise ProjectLockedError(f"{self.project_path.name}: could not take the project's lock")

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
