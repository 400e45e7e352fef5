"""Worker threads outlive nothing they need: before a window (and its project) goes, its
workers are cancelled and joined, or — when they need neither the window nor the project —
let go to finish on their own, their results dropped.

Qt aborts the process ("QThread: Destroyed while thread is still running") when a running
QThread is deleted with the widget that owns it: File → Open while agreement computes, for
instance. :func:`stop_workers` is called before a window closes or its project is closed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtCore import QObject, QThread, SignalInstance
from PySide6.QtWidgets import QWidget

W = TypeVar("W", bound=QObject)

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


class Background(Generic[W]):
    """One piece of work at a time for a window, run by a worker in a thread the window owns.

    The worker's signals carry the worker itself first: a result queued before the window let
    the worker go still arrives, and :meth:`end` tells it apart. A project in memory has one
    connection only, so work that reaches it (``threaded`` False) runs here and now."""

    def __init__(self, owner: QObject) -> None:
        self.owner = owner
        #: The worker under way (None: none).
        self.worker: W | None = None
        self._thread: QThread | None = None
        self._signals: tuple[SignalInstance, ...] = ()

    @property
    def busy(self) -> bool:
        return self.worker is not None

    def start(
        self,
        worker: W,
        *connections: tuple[SignalInstance, Callable[..., object]],
        threaded: bool = True,
    ) -> None:
        """Connect each (signal, slot) of ``worker`` and run it: in a thread of its own, or
        (``threaded`` False) at once in this one."""
        self.worker = worker
        self._signals = tuple(signal for signal, _ in connections)
        if not threaded:
            for signal, slot in connections:
                signal.connect(slot)
            worker.run()  # type: ignore[attr-defined]
            return
        self._thread = QThread(self.owner)
        worker.moveToThread(self._thread)
        self._thread.started.connect(worker.run)  # type: ignore[attr-defined]
        for signal, slot in connections:
            signal.connect(slot)
        self._thread.start()

    def end(self, worker: object) -> bool:
        """Whether ``worker`` (that sent a result) is the one under way; if so its thread is
        joined and forgotten. A worker let go meanwhile is not: its result is to be dropped."""
        if worker is None or worker is not self.worker:
            return False
        self._join()
        return True

    def wait(self) -> None:
        """Let the work under way finish here (the caller waits for it), and forget it: its
        result, already queued, still arrives, and :meth:`end` answers False to it."""
        self._join()

    def _join(self) -> None:
        """Join the thread under way (deleted then: a window that runs many pieces of work,
        a search a keystroke, keeps no thread for each) and forget its worker."""
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
            self._thread.deleteLater()
        self._thread = self.worker = None

    def let_go(self) -> bool:
        """Disconnect the worker under way from the window and let it finish on its own
        (:func:`let_go`); whether one was under way. One running here and now (``threaded``
        False: a slot of its own signals lets it go) is disconnected, and returns to it."""
        worker, thread = self.worker, self._thread
        if worker is None:
            return False
        for signal in self._signals:
            signal.disconnect()
        if thread is not None:
            let_go(thread, worker)
        self._thread = self.worker = None
        return True
