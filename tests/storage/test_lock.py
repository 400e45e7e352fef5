"""One writer per project: a second annotator is refused, naming the process that has it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.domain.errors import NotWritableError, ProjectLockedError
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


def test_a_symbolic_link_leads_to_the_same_lock(
    held_project: tuple[Path, subprocess.Popen[str]], tmp_path: Path
) -> None:
    path, holder = held_project
    link = tmp_path / "link.annotator"
    link.symlink_to(path)
    with pytest.raises(ProjectLockedError, match=f"process {holder.pid}"):
        Project.open(link)
    with Project.open(link, read_only=True) as project:  # reading goes on
        assert project.documents.count() == 0


def test_a_file_with_a_second_name_is_never_written(
    held_project: tuple[Path, subprocess.Popen[str]], tmp_path: Path
) -> None:
    """Through a hard link, SQLite would keep a second write-ahead log and the lock beside the
    other name would not be seen: the file is only read while it has two names."""
    path, _ = held_project
    second = tmp_path / "second.annotator"
    os.link(path, second)
    for name in (second, path):
        with pytest.raises(NotWritableError, match="has 2 names") as caught:
            Project.open(name)
        assert str(caught.value).startswith(f"{name.name}: the file has 2 names (hard links)")
    assert not (tmp_path / "second.annotator.lock").exists()
    assert not (tmp_path / "second.annotator-wal").exists()
    with Project.open(second, read_only=True) as project:
        assert project.read_only_reason.startswith("the file has 2 names")
        assert project.documents.count() == 0


def test_two_projects_in_one_process_through_two_names(tmp_path: Path) -> None:
    path = tmp_path / "m.annotator"
    first = Project.create(path)
    try:
        os.link(path, tmp_path / "h.annotator")
        with pytest.raises(NotWritableError, match=r"h\.annotator: the file has 2 names"):
            Project.open(tmp_path / "h.annotator")
        os.unlink(tmp_path / "h.annotator")
        link = tmp_path / "s.annotator"
        link.symlink_to(path)
        with pytest.raises(ProjectLockedError, match=f"process {os.getpid()}"):
            Project.open(link)
        first.coders.add("Ana")  # the holder goes on writing
    finally:
        first.close()
    with Project.open(path) as project:
        assert [c.name for c in project.coders.all()] == ["Ana"]


def test_the_lock_names_the_file_it_locks(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    with Project.create(path):
        holder = json.loads((tmp_path / "p.annotator.lock").read_text(encoding="utf-8"))
    status = path.stat()
    assert (holder["file"], holder["device"], holder["inode"]) == (
        str(path.resolve()),
        status.st_dev,
        status.st_ino,
    )


def test_a_project_renamed_while_open_keeps_its_lock(
    held_project: tuple[Path, subprocess.Popen[str]], tmp_path: Path
) -> None:
    """The file manager renames the project while a window writes it: a second annotator
    opening it under its new name is refused (two writers would each keep a write-ahead log
    beside their own name and damage the file)."""
    path, holder = held_project
    renamed = tmp_path / "q.annotator"
    os.rename(path, renamed)
    with pytest.raises(ProjectLockedError) as caught:
        Project.open(renamed)
    message = str(caught.value)
    assert message.startswith(f"q.annotator is open in another annotator (process {holder.pid}")
    assert f"which opened it as {path}" in message
    assert not (tmp_path / "q.annotator-wal").exists()
    moved = tmp_path / "elsewhere" / "r.annotator"
    moved.parent.mkdir()
    os.rename(renamed, moved)  # moved to another folder, still the same file
    with pytest.raises(ProjectLockedError, match=f"process {holder.pid}"):
        Project.open(moved)
    with Project.open(moved, read_only=True) as project:  # reading goes on
        assert project.documents.count() == 0


def test_a_renamed_project_in_this_process_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    first = Project.create(path)
    try:
        os.rename(path, tmp_path / "q.annotator")
        with pytest.raises(ProjectLockedError, match=f"process {os.getpid()}"):
            Project.open(tmp_path / "q.annotator")
    finally:
        first.close()
    Project.open(tmp_path / "q.annotator").close()  # free again once the first is closed


@pytest.fixture
def two_projects(tmp_path: Path) -> tuple[Path, Path]:
    study = tmp_path / "study.annotator"
    Project.create(study).close()
    received = tmp_path / "received.annotator"
    Project.create(received).close()
    return study, received


def _digest(path: Path) -> bytes:
    return path.read_bytes()


@pytest.mark.parametrize(
    ("make", "named"),
    [
        (lambda lock, other: lock.symlink_to(other), "is a symbolic link"),
        (lambda lock, other: os.link(other, lock), "has another name"),
    ],
    ids=["symbolic link", "hard link"],
)
def test_a_lock_file_that_is_a_link_is_never_written_through(
    two_projects: tuple[Path, Path], make: object, named: str
) -> None:
    study, received = two_projects
    before = _digest(study)
    lock = received.with_name("received.annotator.lock")
    make(lock, study)  # type: ignore[operator]
    with pytest.raises(NotWritableError) as caught:
        Project.open(received)
    assert str(caught.value).startswith(f"received.annotator: its lock file {lock} {named}")
    assert _digest(study) == before
    assert lock.is_symlink() or lock.exists()  # left as it was for the user to look at
    with Project.open(study, read_only=True) as project:
        assert project.documents.count() == 0


def test_a_dangling_link_as_lock_file_creates_nothing(two_projects: tuple[Path, Path]) -> None:
    _, received = two_projects
    target = received.with_name("somewhere-else.txt")
    lock = received.with_name("received.annotator.lock")
    lock.symlink_to(target)
    with pytest.raises(NotWritableError, match="is a symbolic link"):
        Project.open(received)
    assert not target.exists()


@pytest.mark.parametrize("kind", ["fifo", "dev-null"])
def test_a_lock_that_is_a_pipe_or_a_device_gets_one_clear_line(
    two_projects: tuple[Path, Path], kind: str
) -> None:
    _, received = two_projects
    lock = received.with_name("received.annotator.lock")
    if kind == "fifo":
        os.mkfifo(lock)
    else:
        lock.symlink_to("/dev/null")
    with pytest.raises(NotWritableError) as caught:
        Project.open(received)
    message = str(caught.value)
    assert message.startswith(f"received.annotator: its lock file {lock} ")
    assert "not a plain file" in message or "symbolic link" in message
    assert "\n" not in message


def test_a_lock_file_holding_something_else_is_left_alone(
    two_projects: tuple[Path, Path],
) -> None:
    study, received = two_projects
    lock = received.with_name("received.annotator.lock")
    lock.write_bytes(_digest(study)[:4000])  # someone's file under that name
    with pytest.raises(NotWritableError, match="holds something else than annotator's lock"):
        Project.open(received)
    assert lock.read_bytes() == _digest(study)[:4000]


def test_a_lock_left_by_a_killed_annotator_is_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    Project.create(path).close()
    lock = tmp_path / "p.annotator.lock"
    lock.write_text(json.dumps({"pid": 1, "host": "gone"}), encoding="utf-8")
    with Project.open(path) as project:
        project.coders.add("Ana")
        assert json.loads(lock.read_text(encoding="utf-8"))["pid"] == os.getpid()
    assert not lock.exists()
