"""Pipes and devices for tests of where output goes."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest


def device(folder: Path, name: str, minor: int) -> Path:
    """A character device like /dev/null (minor 3) or /dev/full (minor 7): made in ``folder``
    when we may (so that a bug never replaces the system's own), else the system's."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        path = folder / name
        try:
            os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
            return path
        except OSError:
            pass
        pytest.skip("as root, a test may not risk the system's own devices")
    system = Path("/dev") / name
    if not system.exists():
        pytest.skip(f"{system} is not here")
    return system


class Reader:
    """Reads a FIFO in a thread, as a program at the other end of a pipe would."""

    def __init__(self, fifo: Path, *, stop_after: int | None = None) -> None:
        self.fifo, self.stop_after = fifo, stop_after
        self.data = b""
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        descriptor = os.open(self.fifo, os.O_RDONLY)
        try:
            while chunk := os.read(descriptor, 65536):
                self.data += chunk
                if self.stop_after is not None and len(self.data) >= self.stop_after:
                    return
        finally:
            os.close(descriptor)

    def result(self) -> bytes:
        self.thread.join(timeout=20)
        assert not self.thread.is_alive(), "nothing was written into the pipe"
        return self.data
