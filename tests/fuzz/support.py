"""What every fuzz test shares: the settings, a fresh folder and project per example, and the
property every reader of outside files must keep.

The property (:func:`read_into`): the call returns, or raises a :class:`UserError` whose
message names the file; any other exception is a bug and fails the test. When it raises, the
project file is byte-for-byte what it was, no transaction is left open, and no file was
written anywhere but the example's own folder.

*Byte-for-byte* is checked on the ``.annotator`` file itself after a ``wal_checkpoint(TRUNCATE)``
before and after the call, rather than on an ``iterdump()``: the file's bytes also change
when a write was committed and later undone (a "refusal" that wrote and took back), when a
page was touched without a row changing, or when the schema or a pragma changed (the
application id, the user version), none of which a dump of the rows shows. When the bytes
differ, the dumps are compared to say which rows changed.

*Nothing written elsewhere* is checked with an audit hook (:pep:`578`): while the reader
runs, every file opened for writing, created, renamed, linked, removed or connected to as a
database is recorded, and each must lie inside the example's folder (where the project, the
input and the data folder, ``ANNOTATOR_HOME``, are).

``ANNOTATOR_FUZZ_EXAMPLES`` sets the number of examples per test for a long local run (the
default run keeps each test to a few seconds); a test's own count scales with it.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, settings
from hypothesis.errors import InvalidArgument

from annotator import paths
from annotator.domain.errors import UserError
from annotator.storage import Project

EXAMPLES_VARIABLE = "ANNOTATOR_FUZZ_EXAMPLES"
#: A reader that runs longer than this on one small file hangs.
HANG_SECONDS = float(os.environ.get("ANNOTATOR_FUZZ_HANG_SECONDS", "30"))

settings.register_profile(
    "annotator-fuzz",
    deadline=None,  # a slow example is not a failure; a hang is (see HANG_SECONDS)
    # The examples make their own folders and projects (not pytest's function fixtures).
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
        HealthCheck.filter_too_much,
    ],
    print_blob=True,
)


def long_run() -> int:
    """The examples per test asked for by ``ANNOTATOR_FUZZ_EXAMPLES`` (0: the default run)."""
    value = os.environ.get(EXAMPLES_VARIABLE, "").strip()
    return int(value) if value else 0


def fuzz(examples: int) -> settings:
    """Settings for one fuzz test: ``examples`` in the default run (kept small: the whole
    fuzz suite runs in about a minute), ``ANNOTATOR_FUZZ_EXAMPLES`` in a long run."""
    return settings(settings.get_profile("annotator-fuzz"), max_examples=long_run() or examples)


def timeout_seconds(examples: int) -> int:
    """pytest-timeout's limit for a fuzz test: generous in a long run."""
    return max(300, int((long_run() or examples) * 2))


# -- nothing written outside the example's folder -----------------------------------------

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_recording: list[tuple[str, str]] | None = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _recording is None:
        return
    if event == "open":
        path, _, flags = args
        if isinstance(flags, int) and flags & _WRITE_FLAGS and not isinstance(path, int):
            _recording.append((event, os.fsdecode(path)))
    elif event in ("os.rename", "os.link", "os.symlink", "shutil.copyfile", "shutil.move"):
        _recording.append((event, os.fsdecode(args[1])))
    elif event in (
        "os.mkdir",
        "os.remove",
        "os.rmdir",
        "os.truncate",
        "os.chmod",
        "os.utime",
        "tempfile.mkstemp",
        "tempfile.mkdtemp",
        "shutil.rmtree",
    ):
        if not isinstance(args[0], int):
            _recording.append((event, os.fsdecode(args[0])))
    elif event == "sqlite3.connect":
        database = os.fsdecode(args[0])
        if database != ":memory:" and "mode=ro" not in database:
            _recording.append((event, database.removeprefix("file://").split("?")[0]))


sys.addaudithook(_audit)


@contextlib.contextmanager
def recording_writes() -> Iterator[list[tuple[str, str]]]:
    """The files written (created, renamed, removed…) while the block runs."""
    global _recording
    found: list[tuple[str, str]] = []
    _recording = found
    try:
        yield found
    finally:
        _recording = None


def outside(folder: Path, writes: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The writes that are not inside ``folder``."""
    root = os.path.realpath(folder)
    return [
        (event, path)
        for event, path in writes
        if os.path.commonpath([root, os.path.realpath(path)]) != root
    ]


# -- hangs ------------------------------------------------------------------------------------


class Hang(Exception):
    """A reader ran past HANG_SECONDS on a small file."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`Hang` in the block after ``seconds``; pytest-timeout's own alarm (if
    any) is put back afterwards with the time it had left."""

    def expired(signum: int, frame: object) -> None:
        raise Hang(f"still running after {seconds:.0f} s")

    previous = signal.signal(signal.SIGALRM, expired)
    remaining, interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if remaining:
            left = max(remaining - (time.monotonic() - started), 0.001)
            signal.setitimer(signal.ITIMER_REAL, left, interval)


# -- one example: a folder, a project, the call --------------------------------------------


@dataclass
class Example:
    """A fresh folder for one example, holding the project and the files given to it."""

    folder: Path
    home: Path

    def file(self, name: str, data: bytes) -> Path:
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path


@contextlib.contextmanager
def example(base: Path) -> Iterator[Example]:
    """A new folder under ``base`` for one example (the data folder, ANNOTATOR_HOME, inside
    it), removed afterwards."""
    folder = Path(tempfile.mkdtemp(dir=base))
    home = folder / "home"
    home.mkdir()
    before = os.environ.get(paths.HOME_VARIABLE)
    os.environ[paths.HOME_VARIABLE] = str(home)
    try:
        yield Example(folder, home)
    finally:
        if before is None:
            os.environ.pop(paths.HOME_VARIABLE, None)
        else:
            os.environ[paths.HOME_VARIABLE] = before
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Outcome:
    """What a reader call gave: its result, or the user error it raised."""

    result: Any = None
    error: UserError | None = None
    changed: bool = False  # the project file's bytes differ from before
    writes: list[tuple[str, str]] = field(default_factory=list)


def _fold(project: Project) -> bytes:
    project.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert project.path is not None
    return project.path.read_bytes()


def _dump(project: Project) -> list[str]:
    return list(project.db.conn.iterdump())


def read_into(
    ex: Example,
    template: Path,
    call: Callable[[Project], Any],
    named: Path | list[Path],
) -> Outcome:
    """Copy the project ``template`` into the example's folder, open it for writing, run
    ``call`` on it and check the property (see the module's docstring). ``named`` is the
    file (or files) a refusal must name."""
    project_path = ex.folder / "project.annotator"
    shutil.copyfile(template, project_path)
    names = [named] if isinstance(named, Path) else named
    with Project.open(project_path) as project:
        before = _fold(project)
        dump_before = _dump(project)
        outcome = Outcome()
        with recording_writes() as writes, time_limit(HANG_SECONDS):
            try:
                outcome.result = call(project)
            except UserError as error:
                outcome.error = error
        outcome.writes = writes
        escaped = outside(ex.folder, writes)
        assert not escaped, f"written outside the example's folder: {escaped}"
        assert not project.db.conn.in_transaction, "a transaction was left open"
        after = _fold(project)
        outcome.changed = after != before
        if outcome.error is not None:
            message = str(outcome.error)
            assert "\n" not in message.strip(), f"not one line: {message!r}"
            assert any(p.name in message for p in names), (
                f"the message does not name the file: {message!r}"
            )
            if outcome.changed:
                dump_after = _dump(project)
                gone = [line for line in dump_before if line not in dump_after][:5]
                new = [line for line in dump_after if line not in dump_before][:5]
                raise AssertionError(
                    f"refused ({message}) but the project changed: rows gone {gone}, rows new {new}"
                )
        _note(outcome)
        problems = project.integrity_problems()
        assert not problems, f"the project is damaged: {problems}"
    return outcome


def _note(outcome: Outcome) -> None:
    """What became of the example, for ``--hypothesis-show-statistics``: how deep the
    examples reach (which refusals, how many accepted)."""
    if outcome.error is None:
        what = "accepted"
    else:
        problem = getattr(outcome.error, "problem", str(outcome.error))
        what = f"refused: {re.sub(r'[0-9]+', 'N', problem)[:60]}"
    with contextlib.suppress(InvalidArgument):  # outside a Hypothesis test: nothing to count
        event(what)


def assert_sqlite_text(value: str) -> None:
    """A text SQLite can store and give back: no lone surrogates."""
    value.encode("utf-8")
