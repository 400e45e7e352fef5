"""The one output writer: all or nothing for files, never onto a project or its side files,
never a pipe or a device replaced by a file, links written through."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from annotator.domain.errors import BadFileError
from annotator.domain.project_file import APPLICATION_ID, is_project_header
from annotator.io.output import check_output, open_output, write_output
from annotator.services import create_project
from annotator.storage import schema
from tests.io.pipes import Reader, device


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


def _write(path: Path, text: str) -> None:
    with open_output(path) as handle:
        handle.write(text)


def test_the_application_id_is_the_one_the_schema_sets() -> None:
    assert APPLICATION_ID == schema.APPLICATION_ID


def test_a_file_is_written_whole_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    with open_output(target) as handle:
        handle.write("a,b\r\n")
    assert target.read_bytes() == b"a,b\r\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_a_failure_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")

    def fail() -> None:
        with open_output(target) as handle:
            handle.write("half")
            raise RuntimeError("export failed")

    with pytest.raises(RuntimeError):
        fail()
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_projects_are_refused_by_their_header_however_named(tmp_path: Path) -> None:
    with create_project(tmp_path / "study.annotator"):
        pass
    project = tmp_path / "study.annotator"
    before = project.read_bytes()
    assert is_project_header(before[:100])
    (tmp_path / "link.csv").symlink_to(project)
    os.link(project, tmp_path / "hard.csv")
    for name in ("study.annotator", "link.csv", "hard.csv"):
        with pytest.raises(BadFileError, match="is an annotator project; an export never"):
            _write(tmp_path / name, "a,b\r\n")
    assert project.read_bytes() == before
    assert (tmp_path / "link.csv").is_symlink()


def test_the_side_files_of_a_project_are_refused(tmp_path: Path) -> None:
    with create_project(tmp_path / "study.annotator"):
        for suffix, what in (("-wal", "write-ahead log"), (".lock", "lock file")):
            side = tmp_path / f"study.annotator{suffix}"
            before = side.read_bytes() if side.exists() else None
            with pytest.raises(BadFileError, match=f"is the {what} of the project study"):
                check_output(side)
            assert (side.read_bytes() if side.exists() else None) == before
        # -shm and -journal are refused even when SQLite has none at the moment
        for suffix in ("-shm", "-journal"):
            with pytest.raises(BadFileError, match=r"of the project study\.annotator"):
                check_output(tmp_path / f"study.annotator{suffix}")


def test_the_protected_project_is_refused_by_inode_whatever_its_header(tmp_path: Path) -> None:
    project = tmp_path / "old.annotator"
    project.write_bytes(b"SQLite format 3\x00" + bytes(84))  # no application id yet
    os.link(project, tmp_path / "other-name.csv")
    for name in ("old.annotator", "other-name.csv"):
        with pytest.raises(BadFileError, match="is the project being exported"):
            check_output(tmp_path / name, [project])
    with pytest.raises(BadFileError, match=r"write-ahead log of the project old\.annotator"):
        check_output(tmp_path / "old.annotator-wal", [project, None])
    assert check_output(tmp_path / "fine.csv", [project, None]).real == tmp_path / "fine.csv"


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    with open_output(link) as handle:
        handle.write("new")
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "new"
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "made.csv")
    with open_output(dangling) as handle:
        handle.write("made")
    assert dangling.is_symlink()
    assert (tmp_path / "made.csv").read_text(encoding="utf-8") == "made"


def test_folders_missing_folders_and_read_only_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(BadFileError, match="is a folder"):
        check_output(tmp_path)
    with pytest.raises(BadFileError, match=r"the folder .* does not exist"):
        check_output(tmp_path / "missing" / "out.csv")
    if hasattr(os, "geteuid") and os.geteuid() != 0:  # root may write anything
        locked = tmp_path / "locked.csv"
        locked.write_text("keep", encoding="utf-8")
        locked.chmod(0o444)
        with pytest.raises(BadFileError, match="is read-only"):
            check_output(locked)


def test_a_fifo_is_streamed_into_and_stays_a_fifo(fifo: Path) -> None:
    reader = Reader(fifo)
    with open_output(fifo) as handle:
        handle.write("a,b\r\n1,2\r\n")
    assert reader.result() == b"a,b\r\n1,2\r\n"
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    reader = Reader(fifo)
    write_output(fifo, lambda name: Path(name).write_bytes(b"\x00binary"))
    assert reader.result() == b"\x00binary"
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_pipe_whose_reader_goes_away_is_one_line(fifo: Path) -> None:
    reader = Reader(fifo, stop_after=1)

    def write() -> None:
        with open_output(fifo, binary=True) as handle:
            handle.write(b"x")
            handle.flush()
            reader.result()  # the reader has gone
            handle.write(b"y" * 200_000)

    with pytest.raises(BadFileError, match="pipe: cannot be written: the program reading it"):
        write()
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_device_is_written_to_never_replaced(tmp_path: Path) -> None:
    null = device(tmp_path, "null", 3)
    before = os.stat(null)
    with open_output(null) as handle:
        handle.write("a,b\r\n" * 1000)
    write_output(null, lambda name: Path(name).write_bytes(b"data"))
    after = os.stat(null)
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_a_full_device_is_one_line_and_stays_a_device(tmp_path: Path) -> None:
    full = device(tmp_path, "full", 7)
    with pytest.raises(BadFileError, match="full: cannot be written: the disk or device is full"):
        _write(full, "a,b\r\n" * 10_000)
    assert stat.S_ISCHR(os.stat(full).st_mode)


def test_a_full_disk_names_the_output_not_the_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.csv"

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", "/tmp/.out.csv.x.part")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(BadFileError) as caught:
        _write(target, "a")
    assert str(caught.value) == "out.csv: cannot be written: the disk or device is full"
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_target_that_becomes_a_project_meanwhile_is_not_replaced(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"

    def write() -> None:
        with open_output(target) as handle:
            handle.write("a")
            with create_project(target):  # someone made a project of that name meanwhile
                pass

    with pytest.raises(BadFileError, match="is an annotator project"):
        write()
    assert is_project_header(target.read_bytes()[:100])
