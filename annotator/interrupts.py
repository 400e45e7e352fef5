"""Ctrl+C, SIGTERM and SIGHUP in a command: raised as :class:`Interrupted` where the command
is, never in the middle of closing a project.

The commands install :func:`install` once. The first signal raises :class:`Interrupted` (a
``KeyboardInterrupt``) in the main thread, so the ``with`` blocks around the command unwind:
an open transaction is rolled back, a temporary output file removed, the project closed (its
log folded into the file, its lock removed). Code that must not be cut in half — closing a
project, taking or releasing its lock — runs under :func:`held`: a signal arriving there is
raised when the held code is done. Later signals change nothing (closing goes on to its end;
``kill -9`` remains for a process that must go at once).

A signal ignored when the process started (``nohup``, a command run in the background by a
script) stays ignored. The window installs handlers of its own (see annotator/ui/quitting.py).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

#: The signals a command stops on, with how they are named to the user.
SIGNALS: dict[str, str] = {
    "SIGINT": "Ctrl+C (SIGINT)",
    "SIGTERM": "SIGTERM",
    "SIGHUP": "SIGHUP (the terminal closed)",
}


class Interrupted(KeyboardInterrupt):
    """A signal asked the command to stop."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_status(self) -> int:
        """128 plus the signal's number, as shells report a process a signal ended."""
        return 128 + self.signum

    @property
    def what(self) -> str:
        return describe(self.signum)


class _State:
    received: int | None = None  # the first signal, once one came
    pending = False  # it came while held: raise when the held code is done
    depth = 0  # how many held blocks the main thread is in


_state = _State()


def describe(signum: int) -> str:
    """How a signal is named in messages (``Ctrl+C (SIGINT)``)."""
    try:
        name = signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"
    return SIGNALS.get(name, name)


def handled_signals() -> list[signal.Signals]:
    """The signals of :data:`SIGNALS` this system has (Windows has no SIGHUP)."""
    return [getattr(signal, name) for name in SIGNALS if hasattr(signal, name)]


def install() -> None:
    """Raise :class:`Interrupted` on the first of :func:`handled_signals` (main thread only;
    a signal ignored from the start stays ignored)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in handled_signals():
        if signal.getsignal(signum) is signal.SIG_IGN:
            continue
        signal.signal(signum, _handler)


def _handler(signum: int, frame: FrameType | None) -> None:
    if _state.received is not None:
        return  # stopping already: what runs now is the closing, let it end
    _state.received = signum
    if _state.depth:
        _state.pending = True
        return
    raise Interrupted(signum)


def received() -> int | None:
    """The signal that interrupted this process (None: none came). An :class:`Interrupted`
    raised inside a callback SQLite made (a search function) is swallowed there and turned
    into an SQLite error: this still tells what happened."""
    return _state.received


def reset() -> None:
    """Forget a signal received (for tests running commands in one process)."""
    _state.received = None
    _state.pending = False


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Run the block whole: a handled signal arriving meanwhile is raised when it ends. (Only
    the main thread runs signal handlers; in other threads this does nothing.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _state.depth += 1
    try:
        yield
    finally:
        _state.depth -= 1
        if not _state.depth and _state.pending and _state.received is not None:
            _state.pending = False
            raise Interrupted(_state.received)
