"""One writer per project file: OS locks on two small files of annotator's own.

SQLite itself keeps two processes from corrupting the file; this lock keeps two running
annotators from coding into one project at once. Each lock is held on an open file
descriptor, so the operating system releases it when the process dies: a crash never leaves
a project locked. A lock file records who holds it, so the refusal can name the other process.

The lock belongs to the file, not to the name it was opened by. Two lock files are taken:

- **beside the file** (``study.annotator.lock``, beside the path the name resolves to, so a
  symbolic link leads to it): other users and other machines sharing the folder see it;
- **by the file's identity** — its device and inode — in the user's lock folder
  (``locks/`` in the data folder): a project renamed or moved while it is open
  (``mv p.annotator q.annotator``) is still the same file, and a second annotator opening it
  under its new name finds the lock of the first. (Two annotators run with different data
  folders, or by different users, see only the lock beside the file.)

annotator never takes an OS lock on the project file itself. SQLite holds POSIX (fcntl)
locks on it, and a process's fcntl locks on a file all go when any descriptor of that file is
closed; on macOS and the BSDs flock and fcntl locks interact; on Windows byte-range locks are
mandatory and would stop SQLite's own reads. Locks on files of our own avoid all of that:
``flock`` on POSIX, ``msvcrt.locking`` on Windows (on a byte far past the content, so the
holder's record stays readable).

A lock file is never followed or reused when it is not plainly ours: a symbolic link, a hard
link (a second name of another file), a pipe, a device, or a file holding anything but our
record refuses writing with a one-line reason; nothing is truncated or written through it.

A file with several names (hard links) is never written: SQLite keeps its write-ahead log
beside the name it was opened by, so two writers through two names would each have a log of
their own and damage the file.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import socket
import stat
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from annotator import interrupts, paths
from annotator.domain.errors import NotWritableError, ProjectLockedError

#: Where the OS lock sits in a lock file (Windows locks byte ranges; past the record).
_LOCK_OFFSET = 1 << 30
#: A lock file larger than this holds something else than our record.
_RECORD_BYTES = 64 * 1024

_OPEN_FLAGS = (
    os.O_RDWR
    | os.O_CREAT
    | getattr(os, "O_NOFOLLOW", 0)  # a symbolic link is refused (ELOOP), never followed
    | getattr(os, "O_NONBLOCK", 0)  # a pipe opens at once (then is refused), never waits
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def lock_path_for(project_path: Path) -> Path:
    """The lock file beside a project: beside the file the path resolves to."""
    resolved = project_path.resolve()
    return resolved.with_name(resolved.name + ".lock")


def locks_folder() -> Path:
    """The user's folder of locks by file identity (not created here)."""
    return paths.data_dir() / "locks"


def identity_lock_path(identity: tuple[int, int]) -> Path:
    """The lock file of the project file with this (device, inode), in :func:`locks_folder`
    (the host is part of the name: a data folder may be shared by several machines)."""
    host = re.sub(r"[^\w.-]+", "_", socket.gethostname())[:60] or "host"
    return locks_folder() / f"{host}-{identity[0]:x}-{identity[1]:x}.lock"


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


class _LockFile:
    """One lock file, opened without following links and checked to be plainly ours."""

    def __init__(self, path: Path, project_name: str) -> None:
        self.path = path
        self.project_name = project_name
        self.fd: int | None = None

    def _refuse(self, why: str) -> NotWritableError:
        return NotWritableError(
            f"{self.project_name}: its lock file {self.path} {why}; annotator does not open "
            "the project for writing until it is removed"
        )

    def _open(self) -> int:
        if not hasattr(os, "O_NOFOLLOW") and os.path.islink(self.path):  # pragma: no cover
            raise self._refuse("is a symbolic link")
        try:
            fd = os.open(self.path, _OPEN_FLAGS, 0o644)
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise self._refuse("is a symbolic link") from None
            raise NotWritableError(
                f"{self.project_name}: its lock file {self.path} cannot be made or opened "
                f"({error.strerror or error})"
            ) from None
        try:
            status = os.fstat(fd)
            if not stat.S_ISREG(status.st_mode):
                raise self._refuse("is not a plain file (a pipe, a device or a folder)")
            if status.st_nlink != 1:
                raise self._refuse("has another name (a hard link to another file)")
            if status.st_size > _RECORD_BYTES:
                raise self._refuse("holds something else than annotator's lock")
        except BaseException:
            os.close(fd)
            raise
        return fd

    def try_acquire(self) -> dict[str, Any] | None:
        """Take the lock: ``None`` when taken, else the record of the process holding it."""
        for _attempt in range(5):
            fd = self._open()
            if not _try_lock(fd):
                holder = _read_record(fd)
                os.close(fd)
                return holder if isinstance(holder, dict) else {}
            # Another process may have removed the file between our open and our lock; then
            # we hold a lock on a file nobody else can see. Start again in that case.
            try:
                same_file = os.path.samestat(os.fstat(fd), os.lstat(self.path))
            except FileNotFoundError:
                same_file = False
            if same_file:
                if _read_record(fd) is None:
                    _unlock(fd)
                    os.close(fd)
                    raise self._refuse("holds something else than annotator's lock")
                self.fd = fd
                return None
            _unlock(fd)
            os.close(fd)
        return {}

    def write(self, record: dict[str, Any]) -> None:
        assert self.fd is not None
        data = json.dumps(record).encode("utf-8")
        os.ftruncate(self.fd, 0)
        os.lseek(self.fd, 0, os.SEEK_SET)
        os.write(self.fd, data)

    def release(self) -> None:
        if self.fd is None:
            return
        fd, self.fd = self.fd, None
        # Remove the file while still holding the lock, so no other process can lock a file
        # that is about to vanish — only if the name still is this file. Windows cannot remove
        # an open file: there it stays behind, unlocked and harmless, and is reused.
        with contextlib.suppress(OSError):
            if os.path.samestat(os.fstat(fd), os.lstat(self.path)):
                self.path.unlink()
        with contextlib.suppress(OSError):
            _unlock(fd)
        os.close(fd)


def _read_record(fd: int) -> dict[str, Any] | None:
    """The record in a lock file: ``{}`` when empty or unreadable (another process may be
    writing it), ``None`` when it holds something that is not a record of ours."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        data = os.read(fd, _RECORD_BYTES + 1)
    except OSError:
        return {}
    if not data.strip():
        return {}
    try:
        record = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return record if isinstance(record, dict) else None


class ProjectLock:
    """An exclusive, crash-safe lock on a project file, held until :meth:`release`."""

    def __init__(self, project_path: Path) -> None:
        self.path = lock_path_for(project_path)
        self.project_path = project_path
        self.file = project_path.resolve()
        #: (device, inode) of the project file when the lock was taken.
        self.identity: tuple[int, int] | None = None
        self._held: list[_LockFile] = []

    def acquire(self) -> None:
        """Take the lock or raise :class:`ProjectLockedError` naming the holder (or
        :class:`NotWritableError` for a file with several names, or a lock file that is not
        plainly ours)."""
        reason = several_names(self.project_path)
        if reason:
            raise NotWritableError(f"{self.project_path.name}: {reason}")
        status = os.stat(self.file)
        self.identity = (status.st_dev, status.st_ino)
        folder = locks_folder()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise NotWritableError(
                f"{self.project_path.name}: the lock folder {folder} cannot be made "
                f"({error.strerror or error})"
            ) from None
        try:
            with interrupts.held():  # a lock file half made is no lock
                self._acquire_all()
        except interrupts.Interrupted:  # the command stops: it does not keep the lock
            self.release()
            raise

    def _acquire_all(self) -> None:
        assert self.identity is not None
        name = self.project_path.name
        record = {
            **_this_process(),
            "file": str(self.file),
            "device": self.identity[0],
            "inode": self.identity[1],
        }
        try:
            for lock_file in (_LockFile(self.path, name), _LockFile(self._identity_path(), name)):
                holder = lock_file.try_acquire()
                if holder is not None:
                    raise ProjectLockedError(_locked_message(self.project_path, self.file, holder))
                self._held.append(lock_file)
                lock_file.write(record)
        except BaseException:
            self.release()
            raise

    def _identity_path(self) -> Path:
        assert self.identity is not None
        return identity_lock_path(self.identity)

    def still_the_same_file(self) -> bool:
        """Whether the project's path still leads to the file that was locked (not replaced
        by another file meanwhile, not given a second name)."""
        try:
            status = os.stat(self.file)
        except OSError:
            return False
        return (status.st_dev, status.st_ino) == self.identity and status.st_nlink <= 1

    def release(self) -> None:
        with interrupts.held():  # every lock file removed, not the first alone
            held, self._held = self._held, []
            for lock_file in reversed(held):
                lock_file.release()


def _this_process() -> dict[str, Any]:
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "program": " ".join(Path(sys.argv[0]).name.split() + sys.argv[1:2]) or "python",
        "since": datetime.now().astimezone().isoformat(timespec="seconds"),
    }


def _locked_message(project_path: Path, file: Path, holder: dict[str, Any]) -> str:
    who = f"process {holder['pid']}" if "pid" in holder else "another process"
    if holder.get("program"):
        who += f" '{holder['program']}'"
    if holder.get("host") and holder["host"] != socket.gethostname():
        who += f" on {holder['host']}"
    if holder.get("since"):
        who += f", since {str(holder['since'])[:16].replace('T', ' ')}"
    opened_as = holder.get("file")
    if isinstance(opened_as, str) and opened_as != str(file):
        who += f", which opened it as {opened_as}"
    return (
        f"{project_path.name} is open in another annotator ({who}); "
        "close it there first, or open the project read-only"
    )
