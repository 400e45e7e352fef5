"""The one way annotator writes a file for the user: every export, report, codebook, coder
package and REFI-QDA archive goes through here, so that the rules about where output may go
live in one place.

- **All or nothing.** A regular file is written to a temporary file beside it and renamed
  over it at the end: a failed export never leaves half a file, and a full disk is one line.
- **Never onto a project.** A target that is an annotator project (told by its header, not by
  opening it), the project being exported (by path or by inode, so a hard link counts), or a
  project's side file (``-wal``, ``-shm``, ``-journal``, ``.lock``) is refused with the reason;
  nothing is written.
- **Never over a pipe or a device.** A FIFO or a character device (``/dev/null``, a terminal)
  is written to directly, never replaced by a file; a full device or a pipe whose reader went
  away is a one-line error (what was streamed before that is out of our hands). Disk devices,
  sockets and folders are refused.
- **Links are followed.** A symbolic link stays as it is; the file it points to is written.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from annotator.domain.errors import BadFileError
from annotator.domain.project_file import HEADER_BYTES, is_project_header, side_file_of

#: Project files an export must not touch; ``None`` entries (a project in memory) are skipped.
Protected = Iterable[str | Path | None]

SIDE_NAMES = {
    "-wal": "write-ahead log",
    "-shm": "shared-memory index",
    "-journal": "rollback journal",
    ".lock": "lock file",
}
_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
_NEVER = "an export never replaces it: choose another file name"


@dataclass(frozen=True)
class Target:
    """Where output goes: the path as named, the file it resolves to, and whether it is a
    pipe or character device written to directly (``stream``) rather than replaced."""

    path: Path
    real: Path
    stream: bool


def check_output(path: Path, protect: Protected = (), *, never: str = _NEVER) -> Target:
    """Where writing ``path`` would put the bytes, or :class:`BadFileError` saying why it may
    not be written. Nothing is written; use it to refuse early (before a long computation,
    or before the first of two files). ``never``: what a refusal to write over a project or
    its side file adds (for writers other than exports)."""
    path = Path(path)
    real = Path(os.path.realpath(path))
    try:
        status: os.stat_result | None = os.stat(path)
    except FileNotFoundError:  # a new file, or a link to one
        status = None
    except OSError as error:
        raise BadFileError(path, f"cannot be written ({error.strerror or error})") from None
    if status is not None:
        if stat.S_ISDIR(status.st_mode):
            raise BadFileError(path, "is a folder; name a file to write")
        if stat.S_ISFIFO(status.st_mode) or stat.S_ISCHR(status.st_mode):
            return Target(path, real, stream=True)
        if not stat.S_ISREG(status.st_mode):
            raise BadFileError(path, "is a disk device or a socket; annotator does not write there")
    _refuse_projects(path, real, status, protect, never)
    folder = real.parent
    if not folder.is_dir():
        raise BadFileError(path, f"cannot be written: the folder {folder} does not exist")
    if status is not None and not os.access(real, os.W_OK):
        raise BadFileError(path, "is read-only; annotator does not replace it")
    return Target(path, real, stream=False)


def _refuse_projects(
    path: Path, real: Path, status: os.stat_result | None, protect: Protected, never: str
) -> None:
    for project in protect:
        if project is None:
            continue
        project = Path(project)
        if _same_file(project, real, status):
            raise BadFileError(path, f"is the project being exported; {never}")
        for suffix, what in SIDE_NAMES.items():
            if _same_file(project.with_name(project.name + suffix), real, status):
                raise BadFileError(path, f"is the {what} of the project {project.name}; {never}")
    if status is not None:
        try:
            header = _header(real)
        except OSError as error:
            raise BadFileError(
                path, f"cannot be read to check that it is not a project ({error.strerror})"
            ) from None
        if is_project_header(header):
            raise BadFileError(path, f"is an annotator project; {never}")
    side = side_file_of(real.name)
    if side is not None:
        owner = real.with_name(side[0])
        with contextlib.suppress(OSError):
            if owner.is_file() and is_project_header(_header(owner)):
                raise BadFileError(
                    path, f"is the {SIDE_NAMES[side[1]]} of the project {owner.name}; {never}"
                )


def _same_file(candidate: Path, real: Path, status: os.stat_result | None) -> bool:
    if os.path.realpath(candidate) == str(real):
        return True
    if status is None:
        return False
    try:
        other = os.stat(candidate)
    except OSError:
        return False
    return (other.st_dev, other.st_ino) == (status.st_dev, status.st_ino)


def _header(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(HEADER_BYTES)


@contextlib.contextmanager
def _plain_errors(path: Path) -> Iterator[None]:
    """A full disk or a closed pipe as one line naming the output, not the temporary file."""
    try:
        yield
    except BrokenPipeError:
        raise BadFileError(
            path, "cannot be written: the program reading it closed the pipe"
        ) from None
    except OSError as error:
        if error.errno in _FULL:
            raise BadFileError(path, "cannot be written: the disk or device is full") from None
        raise


class _Stream(io.BufferedWriter):
    """A pipe or device as what it is: no position to seek to. (/dev/null answers a seek
    with 0, which would make a zip archive written into it compute its offsets from 0.)"""

    def seekable(self) -> bool:
        return False

    def tell(self) -> int:
        raise io.UnsupportedOperation("a pipe or device has no position")

    def seek(self, offset: int, whence: int = 0) -> int:
        raise io.UnsupportedOperation("a pipe or device has no position")


@contextlib.contextmanager
def _streamed(target: Target, *, binary: bool, encoding: str) -> Iterator[IO[Any]]:
    try:  # opening a FIFO waits for its reader, as writing into one from a shell does
        raw = open(target.path, "wb", buffering=0)  # noqa: SIM115 - closed below
    except OSError as error:
        raise BadFileError(target.path, f"cannot be written ({error.strerror or error})") from None
    stream = _Stream(raw)
    handle: IO[Any] = stream if binary else io.TextIOWrapper(stream, encoding=encoding, newline="")
    with _plain_errors(target.path), handle:
        yield handle


def _temporary(target: Target, suffix: str = "") -> str:
    # Beside the target so that the rename is atomic; a stream's bytes wait in the system's
    # temporary folder instead (a device's folder is no place for them).
    folder = None if target.stream else target.real.parent
    try:
        handle, name = tempfile.mkstemp(
            dir=folder, prefix=f".{target.real.name}.", suffix=suffix or ".part"
        )
    except OSError as error:
        where = folder or Path(tempfile.gettempdir())
        raise BadFileError(
            target.path, f"cannot be written in {where} ({error.strerror or error})"
        ) from None
    os.close(handle)
    return name


def _finish(temporary: str, target: Target, protect: Protected) -> None:
    """Rename the finished temporary file over the target, checked once more: the target
    may have become something else while the export ran."""
    again = check_output(target.path, protect)
    if again.stream or again.real != target.real:
        raise BadFileError(target.path, "changed while it was being written; nothing was replaced")
    try:
        mode = os.stat(again.real).st_mode & 0o777
    except FileNotFoundError:
        mode = 0o644  # a temporary file is private to its owner; an export is not
    os.chmod(temporary, mode)
    os.replace(temporary, again.real)


@contextlib.contextmanager
def open_output(
    path: Path | None,
    *,
    binary: bool = False,
    encoding: str = "utf-8",
    protect: Protected = (),
) -> Iterator[IO[Any]]:
    """A handle to write ``path`` through (text with ``newline=""``, or bytes): all or
    nothing for a file, directly for a pipe or device, standard output for ``None``.
    ``protect`` names the project being exported (see the module's rules)."""
    if path is None:
        out: IO[Any] = sys.stdout.buffer if binary else sys.stdout
        yield out
        out.flush()
        return
    target = check_output(path, protect)
    if target.stream:
        with _streamed(target, binary=binary, encoding=encoding) as handle:
            yield handle
        return
    temporary = _temporary(target)
    try:
        with _plain_errors(target.path):
            with (
                open(temporary, "wb")
                if binary
                else open(temporary, "w", encoding=encoding, newline="")
            ) as handle:
                yield handle
            _finish(temporary, target, protect)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def write_output(
    path: Path, write: Callable[[str], None], *, protect: Protected = (), suffix: str = ""
) -> None:
    """For a writer that needs a file name (pyreadstat): ``write`` fills a temporary file
    (named with ``suffix``), which then replaces ``path`` or is streamed into it."""
    target = check_output(path, protect)
    temporary = _temporary(target, suffix)
    try:
        with _plain_errors(target.path):
            write(temporary)
            if target.stream:
                with (
                    open(temporary, "rb") as source,
                    _streamed(target, binary=True, encoding="") as handle,
                ):
                    shutil.copyfileobj(source, handle, 1 << 20)
            else:
                _finish(temporary, target, protect)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
