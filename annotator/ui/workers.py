"""Worker threads outlive nothing they need: before a window (and its project) goes, its
workers are cancelled and joined, or — when they need neither the window nor the project —
let go to finish on their own, their results dropped.

Qt aborts the process ("QThread: Destroyed while thread is still running") when a running
QThread is deleted with the widget that owns it: File → Open while agreement computes, for
instance. :func:`stop_workers` is called before a window closes or its project is closed.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QThread
from PySide6.QtWidgets import QWidget

#: Threads let go by their windows, running until their work is done: (thread, worker).
_let_go: list[tuple[QThread, QObject | None]] = []


def let_go(thread: QThread, worker: QObject | None) -> None:
    """Let ``thread`` finish its work away from the window that started it (which may be
    deleted meanwhile). The caller has disconnected the worker's signals from the window;
    the thread ends once the work returns, and is deleted then."""
    thread.setParent(None)
    pair = (thread, worker)
    _let_go.append(pair)

    def ended() -> None:
        if pair in _let_go:
            _let_go.remove(pair)
        thread.deleteLater()
        if worker is not None:
            worker.deleteLater()

    thread.finished.connect(ended)
    thread.quit()  # the thread's loop ends as soon as the work returns


def running_let_go() -> int:
    """How many threads let go are still at work."""
    return sum(1 for thread, _ in _let_go if thread.isRunning())


def join_let_go() -> None:
    """Wait for every thread let go (at exit: none may outlive the application)."""
    for thread, _ in list(_let_go):
        thread.quit()
        thread.wait()
    _let_go.clear()


def stop_workers(window: QWidget) -> None:
    """Before ``window`` or its project goes: each dialog that can let its work go on
    without it (``release_worker``) does; each that can cancel (``cancel``) does; then every
    thread still running under the window is joined."""
    for child in window.findChildren(QWidget):
        release = getattr(child, "release_worker", None)
        if callable(release):
            release()
        elif child.findChildren(QThread) and callable(getattr(child, "cancel", None)):
            child.cancel()
    for thread in window.findChildren(QThread):
        if thread.isRunning():
            thread.quit()
            thread.wait()
