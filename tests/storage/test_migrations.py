"""Schema migrations: append-only, idempotent, and every earlier version opens."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from annotator.domain.errors import ProjectError
from annotator.storage import Project
from annotator.storage.schema import APPLICATION_ID, known_migrations, migrations

FIXTURES = Path(__file__).parent / "schemas"


def _tables(db: Database) -> dict[str, str]:
    return {
        str(name): str(sql)
        for name, sql in db.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")
    }


def test_empty_database_migrated_twice_is_unchanged() -> None:
    db = Database(memory=True)
    migrations.apply(db)
    first = _tables(db)
    applied = [m.name for m in migrations.applied(db)]
    migrations.apply(db)
    assert _tables(db) == first
    assert [m.name for m in migrations.applied(db)] == applied == known_migrations()


@pytest.mark.parametrize("stop_before", known_migrations())
def test_database_left_at_each_earlier_version_is_brought_up_to_date(
    tmp_path: Path, stop_before: str
) -> None:
    path = tmp_path / "old.annotator"
    db = Database(path)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    migrations.apply(db, stop_before=stop_before)
    db.close()
    with Project.open(path) as project:
        assert project.schema_version() == known_migrations()


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.annotator")), ids=lambda p: p.stem)
def test_projects_saved_by_earlier_versions_open_with_their_data(
    tmp_path: Path, fixture: Path
) -> None:
    """Each file in schemas/ was written by a released version and is never regenerated."""
    path = tmp_path / fixture.name
    shutil.copy(fixture, path)
    with Project.open(path) as project:
        assert project.schema_version() == known_migrations()
        assert project.documents.count() == 2
        [ana] = [c for c in project.coders.all() if c.name == "Ana"]
        codings = project.codings.for_coder(ana.id)
        assert codings
        text = project.documents.text(codings[-1].document_id)
        assert "😀" in text
        span = [c for c in codings if c.start is not None][-1]
        assert text[span.start : span.end] == "emoji 😀 here"


#: Migrations whose fixture the coordinator saves once the branch is merged.
UNRELEASED: set[str] = set()


def test_there_is_a_fixture_for_every_released_schema() -> None:
    saved = {p.stem for p in FIXTURES.glob("*.annotator")} | UNRELEASED
    assert saved == set(known_migrations()), (
        "save a project of each new schema in tests/storage/schemas"
    )


def test_a_project_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.annotator"
    Project.create(path).close()
    connection = sqlite3.connect(path)
    connection.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('annotator', '9999_from_the_future', '2030-01-01')"
    )
    connection.commit()
    connection.close()
    with pytest.raises(ProjectError, match="newer version"):
        Project.open(path)


def test_read_only_open_does_not_migrate(tmp_path: Path) -> None:
    path = tmp_path / "old.annotator"
    db = Database(path)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    migrations.ensure_migrations_table(db)
    db.close()
    with pytest.raises(ProjectError, match="older version"):
        Project.open(path, read_only=True)
