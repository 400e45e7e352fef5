"""Opening, creating and refusing project files."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.domain.errors import NotWritableError, ProjectError
from annotator.storage import Project, access
from annotator.storage.schema import APPLICATION_ID


def test_create_then_reopen_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    with Project.create(path) as project:
        guid = project.guid
        dimension = project.codebook.add("Motive", exclusive=True)
        code = project.codebook.add("Political", dimension.id)
        document = project.documents.add("a", "a.txt", "Some text")
        coder = project.coders.add("Ana")
        project.codings.add(document.id, coder.id, code.id, 0, 4)
    with Project.open(path) as project:
        assert project.guid == guid
        [coding] = project.codings.all()
        assert project.documents.text(coding.document_id)[coding.start : coding.end] == "Some"


def test_file_is_plain_sqlite_marked_as_ours_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    Project.create(path).close()
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    connection.close()
    with Project.open(path) as project:
        assert project.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_create_refuses_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    path.write_text("keep me")
    with pytest.raises(ProjectError, match="already exists"):
        Project.create(path)
    assert path.read_text() == "keep me"


def test_failed_setup_leaves_no_file_behind(tmp_path: Path) -> None:
    def setup(project: Project) -> None:
        project.documents.add("a", "a.txt", "text")
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        Project.create(tmp_path / "p.annotator", setup)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just some words", "not an SQLite database"),
        (b"", "not an SQLite database"),
        (b"SQLite format 3\x00" + b"\xff" * 200, "is damaged: file is not a database"),
    ],
)
def test_hostile_files_are_refused_untouched(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.annotator"
    path.write_bytes(content)
    with pytest.raises(ProjectError, match=message) as caught:
        Project.open(path)
    assert str(caught.value).startswith("x.annotator: ")
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.annotator"]


def test_sqlite_file_of_another_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE notes (x)")
    connection.commit()
    connection.close()
    with pytest.raises(ProjectError, match="another program"):
        Project.open(path)
    assert sqlite3.connect(path).execute("SELECT name FROM sqlite_master").fetchall() == [
        ("notes",)
    ]


def test_missing_file_and_folder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no such project"):
        Project.open(tmp_path / "missing.annotator")
    with pytest.raises(ProjectError, match="not a project file"):
        Project.open(tmp_path)


def test_read_only_project_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    Project.create(path).close()
    with Project.open(path, read_only=True) as project:
        with pytest.raises(ProjectError, match="read-only"), project.transaction():
            pass
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            project.coders.add("Ana")


def _project_with_a_coder(path: Path) -> None:
    with Project.create(path) as project:
        project.coders.add("Ana")


@pytest.fixture
def read_only_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder annotator cannot write (a mounted share, a disc): simulated, since chmod has
    no effect for root. Files appearing in it show what a real one would have refused."""
    folder = tmp_path / "share"
    folder.mkdir()
    _project_with_a_coder(folder / "p.annotator")
    writable = access.can_write

    def can_write(path: Path) -> bool:
        resolved = Path(path).resolve()
        return folder not in (resolved, resolved.parent) and writable(path)

    monkeypatch.setattr(access, "can_write", can_write)
    return folder


def test_a_project_in_a_read_only_folder_is_read_as_it_is(read_only_folder: Path) -> None:
    path = read_only_folder / "p.annotator"
    assert access.access_of(path) == access.Access(
        f"its folder {read_only_folder} is read-only (a mounted share or a disc?); copy the "
        "project to a writable folder to change it",
        immutable=True,
    )
    with pytest.raises(NotWritableError, match=r"p.annotator: its folder .* is read-only"):
        Project.open(path)
    with Project.open(path, read_only=True) as project:
        assert project.immutable
        assert project.read_only_reason.startswith("its folder")
        assert [coder.name for coder in project.coders.all()] == ["Ana"]
    # Not one side file: the log, its index and the lock could not be made there.
    assert sorted(p.name for p in read_only_folder.iterdir()) == ["p.annotator"]


def test_a_log_left_beside_it_is_read_not_ignored(read_only_folder: Path, tmp_path: Path) -> None:
    """immutable=1 would ignore commits still in the -wal: then SQLite reads it normally."""
    writing = tmp_path / "p.annotator"
    with Project.create(writing) as project:
        project.coders.add("Ana")
        project.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        project.coders.add("Ben")  # in the log only, as after a crash
        for suffix in ("", "-wal", "-shm"):
            shutil.copy(f"{writing}{suffix}", read_only_folder / f"p.annotator{suffix}")
    path = read_only_folder / "p.annotator"
    assert not access.access_of(path).immutable
    with Project.open(path, read_only=True) as project:
        assert [coder.name for coder in project.coders.all()] == ["Ana", "Ben"]


def test_a_read_only_file_is_read_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "p.annotator"
    _project_with_a_coder(path)
    writable = access.can_write
    monkeypatch.setattr(access, "can_write", lambda p: Path(p) != path and writable(p))
    with pytest.raises(NotWritableError, match=r"p\.annotator: the file is read-only"):
        Project.open(path)
    with Project.open(path, read_only=True) as project:
        assert not project.immutable
        assert [coder.name for coder in project.coders.all()] == ["Ana"]


@pytest.mark.skipif(os.geteuid() == 0, reason="chmod does not stop root")
def test_a_really_read_only_folder(tmp_path: Path) -> None:  # pragma: no cover - not as root
    folder = tmp_path / "disc"
    folder.mkdir()
    _project_with_a_coder(folder / "p.annotator")
    folder.chmod(0o555)
    try:
        with Project.open(folder / "p.annotator", read_only=True) as project:
            assert [coder.name for coder in project.coders.all()] == ["Ana"]
        with pytest.raises(NotWritableError):
            Project.open(folder / "p.annotator")
    finally:
        folder.chmod(0o755)
