"""Several requests in flight, every result written in the calling thread, cancel prompt."""

from __future__ import annotations

import threading
import time

import pytest

from annotator.services.machine.llm.pool import run_pool


def test_every_result_is_written_in_the_calling_thread_with_several_in_flight() -> None:
    lock = threading.Lock()
    in_flight = peak = 0
    writers: set[int] = set()
    written: dict[int, int] = {}

    together = threading.Barrier(4)  # the first four are in flight at once, or this breaks

    def work(item: int) -> int:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        if item < 4:
            together.wait(timeout=10)
        with lock:
            in_flight -= 1
        return item * item

    def write(item: int, result: int) -> bool:
        writers.add(threading.get_ident())
        written[item] = result
        return True

    end = run_pool(range(40), work, write, concurrency=4)
    assert (end.how, end.written) == ("done", 40)
    assert written == {n: n * n for n in range(40)}
    assert writers == {threading.get_ident()}
    assert 2 <= peak <= 4


def test_a_cancel_returns_at_once_without_waiting_for_requests_in_flight() -> None:
    cancel = threading.Event()
    release = threading.Event()
    started: list[int] = []
    written: list[int] = []

    def work(item: int) -> int:
        started.append(item)
        if item >= 3:
            release.wait(10)  # a slow server
        return item

    def write(item: int, result: int) -> bool:
        written.append(item)
        if len(written) == 3:
            threading.Timer(0.1, cancel.set).start()
        return True

    began = time.monotonic()
    end = run_pool(range(100), work, write, concurrency=2, cancel=cancel)
    took = time.monotonic() - began
    release.set()
    assert end.how == "cancelled"
    assert end.written == 3
    assert sorted(written) == [0, 1, 2]
    assert took < 2
    assert len(started) <= 6  # no new item after the cancel


def test_write_can_stop_the_pool() -> None:
    end = run_pool(range(50), lambda n: n, lambda n, r: n < 4, concurrency=1)
    assert (end.how, end.written) == ("stopped", 5)


def test_an_error_in_a_worker_is_raised_in_the_caller() -> None:
    def work(item: int) -> int:
        if item == 3:
            raise ZeroDivisionError("bug")
        return item

    with pytest.raises(ZeroDivisionError, match="bug"):
        run_pool(range(10), work, lambda n, r: True, concurrency=3)


def test_no_items_is_done_at_once() -> None:
    assert run_pool([], lambda n: n, lambda n, r: True, concurrency=4).how == "done"
