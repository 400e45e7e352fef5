"""Quitting when the system asks, as File → Quit does: SIGTERM, SIGINT (Ctrl+C in the terminal
that started the window) and SIGHUP (that terminal closed).

Python runs a signal handler only when the interpreter gets control, and an idle Qt event loop
never gives it: the signal's number is written to a socket (``signal.set_wakeup_fd``) that a
:class:`QSocketNotifier` watches, so the window hears it at once. Then every modal dialog is
rejected (a question box must not hold the quit; one opened while closing is rejected too), the
window closes as by File → Quit — what is typed committed, the last snapshot taken — without
asking anything, and the application quits; :func:`annotator.ui.app.run` then closes the
project (its log folded into the file, its lock removed). A second signal while closing changes
nothing. A signal ignored when the process started (``nohup``) stays ignored.

The end of a desktop session is :meth:`annotator.ui.app.Session.commit_data` (Qt's
``commitDataRequest``); the session manager then quits the application, or sends SIGTERM.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSocketNotifier, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from annotator import interrupts

#: How long a quit waits, at most, for modal dialogs to go (each retry rejects them again).
RETRY_MS = 20
RETRIES = 250


def tell(line: str) -> None:
    """A line on standard error, if it can still be written (after SIGHUP the terminal is
    gone, and writing to it fails)."""
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


def reject_modals(limit: int = 20) -> int:
    """Reject the modal dialogs open now, innermost first (as Escape would: a question box
    answers no button); how many went."""
    gone = 0
    for _ in range(limit):
        widget = QApplication.activeModalWidget()
        if widget is None:
            break
        if isinstance(widget, QDialog):
            widget.reject()
        else:
            widget.close()
        if QApplication.activeModalWidget() is widget:
            widget.hide()  # a dialog that refuses to go still stops holding the quit
        gone += 1
    return gone


class SignalQuit(QObject):
    """Turns SIGTERM, SIGINT and SIGHUP into ``quit()`` (see the module's text)."""

    def __init__(self, quit: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._quit = quit
        #: The signal that asked to quit (None: none has).
        self.requested: int | None = None
        self._previous: dict[int, Any] = {}
        self._previous_wakeup = -1
        self._sockets: tuple[socket.socket, socket.socket] | None = None
        self._notifier: QSocketNotifier | None = None
        self._retries = 0
        self._watching = False

    def install(self) -> None:
        """Handle the signals (call once, in the main thread, before the project opens)."""
        reader, writer = socket.socketpair()
        reader.setblocking(False)
        writer.setblocking(False)
        self._sockets = (reader, writer)
        self._previous_wakeup = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
        for signum in interrupts.handled_signals():
            previous = signal.getsignal(signum)
            if previous is signal.SIG_IGN:
                continue
            self._previous[signum] = previous
            signal.signal(signum, _noted)
        self._notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._readable)

    def uninstall(self) -> None:
        """The handlers and wakeup descriptor as they were before :meth:`install`."""
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        self._previous.clear()
        if self._sockets is None:
            return
        signal.set_wakeup_fd(self._previous_wakeup)
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        for end in self._sockets:
            end.close()
        self._sockets = None
        app = QApplication.instance()
        if self._watching and app is not None:
            app.removeEventFilter(self)
        self._watching = False

    def _readable(self) -> None:
        if self._sockets is None:
            return
        received = b""
        with contextlib.suppress(BlockingIOError, InterruptedError):
            while chunk := self._sockets[0].recv(64):
                received += chunk
        for signum in received:
            if signum in self._previous:
                self.request(signum)

    def request(self, signum: int) -> None:
        """Quit as File → Quit does (once: a second signal while closing changes nothing)."""
        if self.requested is not None:
            return
        self.requested = signum
        tell(f"annotator: {interrupts.describe(signum)}: closing the project")
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)  # dialogs opened while closing are rejected too
            self._watching = True
        reject_modals()
        QTimer.singleShot(0, self._quit_when_free)

    def _quit_when_free(self) -> None:
        """Quit once no modal dialog holds the event loop (it returns from its own loop first:
        the code that opened it goes on, then this runs)."""
        if reject_modals() and self._retries < RETRIES:
            self._retries += 1
            QTimer.singleShot(RETRY_MS, self._quit_when_free)
            return
        self._quit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QDialog) and watched.isModal():
            QTimer.singleShot(0, watched.reject)
        return False


def _noted(signum: int, frame: FrameType | None) -> None:
    """The Python handler: nothing to do here; the wakeup socket carries the signal."""
