"""One writer per project: a second annotator is refused, naming the process that has it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.domain.errors import ProjectLockedError
from annotator.storage import Project

HOLDER = """
import sys
from annotator.storage import Project
project = Project.open(sys.argv[1])
print("holding", flush=True)
sys.stdin.readline()
"""


@pytest.fixture
def held_project(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    path = tmp_path / "p.annotator"
    Project.create(path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "holding"
    yield path, holder
    holder.kill()
    holder.communicate()


def test_second_writer_is_refused_with_the_holders_pid(
    held_project: tuple[Path, subprocess.Popen[str]],
) -> None:
    path, holder = held_project
    with pytest.raises(ProjectLockedError) as caught:
        Project.open(path)
    message = str(caught.value)
    assert f"process {holder.pid}" in message
    assert message.startswith("p.annotator is open in another annotator")


def test_readers_are_let_in_while_another_process_writes(
    held_project: tuple[Path, subprocess.Popen[str]],
) -> None:
    path, _ = held_project
    with Project.open(path, read_only=True) as project:
        assert project.documents.count() == 0


def test_lock_dies_with_its_process(held_project: tuple[Path, subprocess.Popen[str]]) -> None:
    path, holder = held_project
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    with Project.open(path) as project:
        project.coders.add("Ana")
    with Project.open(path) as project:
        assert [c.name for c in project.coders.all()] == ["Ana"]


def test_same_process_cannot_open_twice_for_writing(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    first = Project.create(path)
    with pytest.raises(ProjectLockedError, match=f"process {os.getpid()}"):
        Project.open(path)
    first.close()
    Project.open(path).close()
    assert not (tmp_path / "p.annotator.lock").exists()
