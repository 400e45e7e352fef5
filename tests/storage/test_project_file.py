"""Opening, creating and refusing project files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotator.domain.errors import ProjectError
from annotator.storage import Project
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
