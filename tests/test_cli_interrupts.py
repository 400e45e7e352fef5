"""Ctrl+C and SIGTERM in a running command, in a real process: the command stops with one line
and exit status 130 (143 for SIGTERM), nothing half-written, and the project closed — one file,
no lock (issue 17, point 4).

The commands are held at a known point by a patch (the process prints ``stalled`` and sleeps)
so that the signal comes exactly where it matters, on a loaded machine too."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from annotator import interrupts
from annotator.services import backups
from annotator.storage import Project
from annotator.storage.documents import DocumentStore
from annotator.storage.lock import locks_folder
from tests.test_cli import run

ROOT = Path(__file__).resolve().parents[1]

#: The console script's entry point, after ``PATCH`` (which stalls the command). A stall
#: waits for the test's signal (``signalled``, set by every signal the command's handler
#: gets), not for a time: at most a minute when none comes.
DRIVER = """
import sys, threading
from annotator import interrupts
signalled = threading.Event()
_handler = interrupts._handler
def _noting(signum, frame):
    signalled.set()
    _handler(signum, frame)
interrupts._handler = _noting
{patch}
from annotator.cli.main import main
sys.argv[0] = "annotator"
main()
"""

#: Stall in the middle of an import: two articles stored, in the import's open transaction.
IMPORT_STALL = """
from annotator.services import imports
_store = imports._Run.store_file
def store_file(self, *args, **kwargs):
    _store(self, *args, **kwargs)
    if self.stored == 2:
        print("stalled", flush=True)
        signalled.wait(60)
imports._Run.store_file = store_file
"""

#: Stall a reading command while it reads (its connection made the -wal and -shm).
READ_STALL = """
from annotator.storage import documents
_all = documents.DocumentStore.all
def all_documents(self, *args, **kwargs):
    print("stalled", flush=True)
    signalled.wait(60)
    return _all(self, *args, **kwargs)
documents.DocumentStore.all = all_documents
"""

#: Closing (folding the log into the file) held until a signal comes while it is under way,
#: announced; after the import stall.
SLOW_CLOSE = """
from annotator.storage import project as _project
_checkpoint = _project.Project.checkpoint
def checkpoint(self, *args, **kwargs):
    signalled.clear()
    print("closing", flush=True)
    signalled.wait(60)
    return _checkpoint(self, *args, **kwargs)
_project.Project.checkpoint = checkpoint
"""


@pytest.fixture
def demo_path(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    path = folder / "p.annotator"
    assert run("new", path, "--demo").exit_code == 0
    return path


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    for number in range(1, 7):
        (folder / f"article-{number}.txt").write_text(
            f"Article {number}\n\nWorkers left the factory on day {number}.\n", encoding="utf-8"
        )
    return folder


Starter = Callable[..., subprocess.Popen[str]]


@pytest.fixture
def start() -> Iterator[Starter]:
    """Starts the command (``PATCH``, then its arguments); killed if a test fails."""
    started: list[subprocess.Popen[str]] = []

    def starting(patch: str, *args: str | Path) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, "-c", DRIVER.format(patch=textwrap.dedent(patch)), *map(str, args)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        started.append(process)
        return process

    yield starting
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate()


def _wait_for(process: subprocess.Popen[str], line: str) -> None:
    assert process.stdout is not None
    said = process.stdout.readline().strip()
    if said != line:
        process.kill()
        _, stderr = process.communicate()
        pytest.fail(f"expected {line!r}, got {said!r}; stderr: {stderr}")


def _left(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


def _no_locks() -> bool:
    return not locks_folder().exists() or list(locks_folder().iterdir()) == []


def _documents(path: Path) -> int:
    with Project.open(path, read_only=True) as project:
        return project.documents.count()


@pytest.mark.parametrize(
    ("signum", "status", "said"),
    [(signal.SIGINT, 130, "Ctrl+C (SIGINT)"), (signal.SIGTERM, 143, "SIGTERM")],
)
def test_an_import_interrupted_writes_nothing_and_closes_the_project(
    start: Starter, demo_path: Path, articles: Path, signum: int, status: int, said: str
) -> None:
    command = start(IMPORT_STALL, "import", demo_path, articles)
    _wait_for(command, "stalled")
    assert sorted(_left(demo_path)) == [
        "p.annotator",
        "p.annotator-shm",
        "p.annotator-wal",
        "p.annotator.lock",
    ]
    command.send_signal(signum)
    stdout, stderr = command.communicate(timeout=60)
    assert command.returncode == status, stderr
    assert stderr.splitlines() == [f"Error: interrupted by {said}; p.annotator is closed"]
    assert stdout == ""
    assert _left(demo_path) == ["p.annotator"]
    assert _no_locks()
    assert _documents(demo_path) == 8  # the two articles stored were rolled back
    reasons = [snapshot.reason for snapshot in backups.list_snapshots(demo_path)]
    assert not [reason for reason in reasons if reason.startswith("importing")]
    with Project.open(demo_path) as project:
        assert project.integrity_problems() == []


def test_a_reading_command_interrupted_leaves_no_side_files(
    start: Starter, demo_path: Path
) -> None:
    command = start(READ_STALL, "documents", demo_path)
    _wait_for(command, "stalled")
    assert _left(demo_path) == ["p.annotator", "p.annotator-shm", "p.annotator-wal"]
    command.send_signal(signal.SIGINT)
    _, stderr = command.communicate(timeout=60)
    assert command.returncode == 130
    assert stderr.splitlines() == ["Error: interrupted by Ctrl+C (SIGINT); p.annotator is closed"]
    assert _left(demo_path) == ["p.annotator"]


def test_a_second_ctrl_c_does_not_cut_the_closing_short(
    start: Starter, demo_path: Path, articles: Path
) -> None:
    command = start(IMPORT_STALL + SLOW_CLOSE, "import", demo_path, articles)
    _wait_for(command, "stalled")
    command.send_signal(signal.SIGINT)
    _wait_for(command, "closing")  # folding the log into the file, lock still held
    command.send_signal(signal.SIGINT)
    command.send_signal(signal.SIGTERM)
    _, stderr = command.communicate(timeout=60)
    assert command.returncode == 130
    assert stderr.splitlines() == ["Error: interrupted by Ctrl+C (SIGINT); p.annotator is closed"]
    assert _left(demo_path) == ["p.annotator"]
    assert _no_locks()
    assert _documents(demo_path) == 8


def test_ctrl_c_while_the_project_closes_lets_it_close_first(
    start: Starter, demo_path: Path
) -> None:
    command = start(SLOW_CLOSE, "status", demo_path, "--coder", "Ana", "--in-progress", "1")
    _wait_for(command, "closing")  # the change is made; folding the log, the lock held
    command.send_signal(signal.SIGINT)
    _, stderr = command.communicate(timeout=60)
    assert command.returncode == 130
    assert stderr.splitlines() == ["Error: interrupted by Ctrl+C (SIGINT); p.annotator is closed"]
    assert _left(demo_path) == ["p.annotator"]
    assert _no_locks()


def test_a_signal_ignored_from_the_start_stays_ignored() -> None:
    """`nohup annotator …`: SIGHUP ignored by the parent stays ignored; SIGTERM is handled."""
    script = (
        "import signal; from annotator import interrupts; interrupts.install(); "
        "print(signal.getsignal(signal.SIGHUP) is signal.SIG_IGN, "
        "signal.getsignal(signal.SIGTERM) is interrupts._handler)"
    )
    done = subprocess.run(
        ["sh", "-c", 'trap "" HUP; exec "$0" -c "$1"', sys.executable, script],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
    )
    assert done.stdout.split() == ["True", "True"]


def test_a_signal_while_held_is_raised_when_the_block_ends() -> None:
    previous = {signum: signal.getsignal(signum) for signum in interrupts.handled_signals()}
    interrupts.install()
    steps: list[str] = []

    def held_code() -> None:
        with interrupts.held():
            os.kill(os.getpid(), signal.SIGINT)
            steps.append("held code went on")
            os.kill(os.getpid(), signal.SIGINT)  # a second one changes nothing
            steps.append("to its end")
        steps.append("not after it")

    try:
        with pytest.raises(interrupts.Interrupted) as caught:
            held_code()
        assert caught.value.exit_status == 130
        assert steps == ["held code went on", "to its end"]
        assert interrupts.received() == signal.SIGINT
    finally:
        interrupts.reset()
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def test_an_interruption_sqlite_swallowed_is_still_told(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+C inside a function SQLite calls (a search's filter) reaches SQLite as an error in
    that function; the command still says it was interrupted, not that the project failed."""

    def interrupted_inside_sqlite(self: object) -> None:
        interrupts._state.received = signal.SIGINT  # as the handler notes it
        raise sqlite3.OperationalError("user-defined function raised exception")

    monkeypatch.setattr(DocumentStore, "all", interrupted_inside_sqlite)
    try:
        result = run("documents", demo_path)
    finally:
        interrupts.reset()
    assert result.exit_code == 130
    assert result.stderr.splitlines() == [
        "Error: interrupted by Ctrl+C (SIGINT); p.annotator is closed"
    ]
    assert _left(demo_path) == ["p.annotator"]


@pytest.mark.parametrize(("name", "status"), [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_signal_while_the_commands_load_is_one_line_not_a_traceback(
    name: str, status: int, tmp_path: Path
) -> None:
    """The signal arrives while ``annotator.cli.main`` is being imported (sent by an import
    hook at that moment: no race with the clock)."""
    driver = textwrap.dedent(
        f"""
        import builtins, os, signal, sys
        _import = builtins.__import__
        def hooked(name, *args, **kwargs):
            if name == "annotator.cli.main":
                os.kill(os.getpid(), signal.{name})
            return _import(name, *args, **kwargs)
        builtins.__import__ = hooked
        sys.argv = ["annotator", "--version"]
        from annotator.cli.entry import main
        main()
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", driver],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT), "ANNOTATOR_HOME": str(tmp_path / "home")},
        timeout=120,
    )
    assert done.returncode == status, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"annotator: stopped by {interrupts.describe(getattr(signal, name))} while starting; "
        "nothing was changed"
    ]
    assert done.stdout == ""  # --version never ran
    assert list(tmp_path.iterdir()) == []  # nothing written, not even the home folder
