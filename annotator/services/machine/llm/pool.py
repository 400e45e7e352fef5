"""Several requests in flight, one writer.

:func:`run_pool` hands items to ``concurrency`` worker threads, which only do the slow part
(the HTTP request and the pure work on its answer, nothing that touches the project), and
gives each result back, in the order they end, to ``write`` in the thread that called it:
the thread that owns the project's connection (SQLite connections stay in the thread that
made them), so every write happens there, one after another.

A cancel (the event) stops new items at once: ``run_pool`` returns without waiting for the
requests still in flight, whose results are dropped. The workers are daemon threads, so one
still waiting for a slow server keeps neither the caller nor the process waiting; it ends on
its own at its request's timeout. ``write`` returning False stops the pool the same way (a
fatal failure). An exception in a worker is a bug: it is raised again in the caller.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar, cast

__all__ = ["PoolEnd", "run_pool"]

Item = TypeVar("Item")
Result = TypeVar("Result")
#: How often the caller looks at the cancel event while it waits for a result.
_POLL = 0.05


@dataclass(frozen=True)
class PoolEnd:
    """How a pool ended: ``done`` (every item written), ``cancelled`` or ``stopped`` (by
    ``write``), and how many results were written."""

    how: str
    written: int


@dataclass
class _Ended(Generic[Item, Result]):
    item: Item
    result: Result | None
    error: BaseException | None


def run_pool(
    items: Iterable[Item],
    work: Callable[[Item], Result],
    write: Callable[[Item, Result], bool],
    *,
    concurrency: int,
    cancel: threading.Event | None = None,
) -> PoolEnd:
    """Run ``work`` on every item in up to ``concurrency`` threads and ``write`` each result
    in this thread; see the module's notes on cancel and stop."""
    cancel = cancel or threading.Event()
    stop = threading.Event()  # this pool's end, whatever the reason: workers take no more
    pending: queue.Queue[Item | None] = queue.Queue()
    ended: queue.Queue[_Ended[Item, Result]] = queue.Queue()
    total = 0
    for item in items:
        pending.put(item)
        total += 1
    workers = max(1, min(concurrency, total))

    def worker() -> None:
        while not stop.is_set() and not cancel.is_set():
            try:
                item = pending.get_nowait()
            except queue.Empty:
                return
            if item is None:  # pragma: no cover - never queued
                return
            try:
                ended.put(_Ended(item, work(item), None))
            except BaseException as error:  # a bug: the caller raises it
                ended.put(_Ended(item, None, error))

    threads = [
        threading.Thread(target=worker, name=f"machine-llm-{n}", daemon=True)
        for n in range(workers if total else 0)
    ]
    for thread in threads:
        thread.start()
    written = 0
    try:
        while written < total:
            if cancel.is_set():
                return PoolEnd("cancelled", written)
            try:
                end = ended.get(timeout=_POLL)
            except queue.Empty:
                continue
            if end.error is not None:
                raise end.error
            if cancel.is_set():  # what ends after a cancel is dropped
                return PoolEnd("cancelled", written)
            written += 1
            if not write(end.item, cast(Result, end.result)):
                return PoolEnd("stopped", written)
        return PoolEnd("done", written)
    finally:
        stop.set()
