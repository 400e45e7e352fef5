"""Migration 0006_code_names: ``codes`` rebuilt without the ban on ``>`` and with a case-folded
``name_key`` under a unique index — every coding, code memo and consensus decision kept, the
foreign keys clean, every index and trigger there; an old project whose siblings differ only
in case migrates too (both kept, ``check`` reports them)."""

from __future__ import annotations

import shutil
import sqlite3
from hashlib import sha256
from pathlib import Path

import pytest
from sqlite_utils import Database

from annotator.domain.errors import ConflictError, UserError
from annotator.services.checks import check_project
from annotator.storage import Project
from annotator.storage.schema import APPLICATION_ID, migrations

FIXTURE = Path(__file__).parent / "schemas" / "0004_consensus_decisions.annotator"
TABLES = ("codes", "codings", "memos", "decisions", "coders", "documents")


def _rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as connection:
        rows = {
            table: sorted(connection.execute(f"SELECT * FROM {table}").fetchall())
            for table in TABLES
        }
    connection.close()
    return rows


def _schema_objects(connection: sqlite3.Connection) -> set[tuple[str, str, str]]:
    return {
        (kind, name, table)
        for kind, name, table in connection.execute(
            "SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        )
    }


@pytest.fixture
def old(tmp_path: Path) -> Path:
    """The schema-0004 project, plus what cascades from codes: a code memo and a decision."""
    path = tmp_path / "old.annotator"
    shutil.copy(FIXTURE, path)
    connection = sqlite3.connect(path)
    code = connection.execute("SELECT id FROM codes WHERE parent_id IS NOT NULL").fetchone()[0]
    document = connection.execute("SELECT id FROM documents").fetchone()[0]
    ana, ben = (c for (c,) in connection.execute("SELECT id FROM coders ORDER BY id LIMIT 2"))
    connection.execute(
        "INSERT INTO memos (guid, target, code_id, text, created_at, updated_at) "
        "VALUES ('8c1f3e55-0000-4000-8000-000000000001', 'code', ?, 'When to use it', "
        "'2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')",
        [code],
    )
    connection.execute(
        "INSERT INTO decisions (guid, document_id, code_id, first_coder_id, second_coder_id, "
        'start, "end", choice, reason, created_at) VALUES '
        "('8c1f3e55-0000-4000-8000-000000000002', ?, ?, ?, ?, 0, 5, 'first', 'agreed', "
        "'2025-01-01T00:00:00Z')",
        [document, code, ana, ben],
    )
    connection.commit()
    connection.close()
    return path


def test_every_row_survives_and_the_file_is_sound(old: Path, tmp_path: Path) -> None:
    before = _rows(old)
    assert before["memos"]
    assert before["decisions"]
    assert before["codings"]
    with Project.open(old) as project:
        assert "0006_code_names" in project.schema_version()  # and any later migration
        assert project.integrity_problems() == []
        assert project.db.execute("PRAGMA foreign_key_check").fetchall() == []
    after = _rows(old)
    # Codes gain their key; every other table is exactly as it was.
    assert [row[:-1] for row in after["codes"]] == before["codes"]
    assert [row[-1] for row in after["codes"]] == [str(row[3]).lower() for row in before["codes"]]
    for table in TABLES[1:]:
        # Later migrations may add columns (0010: decisions.basis and made): compare the old ones.
        width = len(before[table][0]) if before[table] else 0
        assert [row[:width] for row in after[table]] == before[table], table
    assert [row[-2:] for row in after["decisions"]] == [("", "[]")]
    # The same tables, indexes and triggers as a project made by this version.
    fresh = tmp_path / "fresh.annotator"
    Project.create(fresh).close()
    with sqlite3.connect(old) as migrated, sqlite3.connect(fresh) as new:
        assert _schema_objects(migrated) == _schema_objects(new)
        assert {"codes_unique_name_key", "codes_unique_name", "codes_by_parent"} <= {
            name for _, name, _ in _schema_objects(migrated)
        }
    migrated.close()
    new.close()


def test_after_the_migration_names_take_any_character(old: Path) -> None:
    with Project.open(old) as project:
        dimension = project.codebook.tree().dimensions()[0]
        code = project.codebook.add("Risk <high> / A > B", dimension.id)
        assert project.codebook.tree().find(f"{dimension.name} > Risk <high\\> / A \\> B") == code


def test_the_schema_itself_refuses_siblings_that_differ_only_in_case(memory: Project) -> None:
    motive = memory.codebook.add("Motive")
    memory.codebook.add("Political", motive.id)
    with pytest.raises(ConflictError, match="differ only in case"):
        memory.codebook.add("political", motive.id)
    # Written past the store (as another tool might), the unique index still refuses it.
    with pytest.raises(sqlite3.IntegrityError, match="name_key"):
        memory.db.execute(
            "INSERT INTO codes (guid, parent_id, name, color, name_key) "
            "VALUES ('0c1f3e55-0000-4000-8000-000000000009', ?, 'POLITICAL', '#FFFFFF', "
            "'political')",
            [motive.id],
        )
    # A node may change the case of its own name.
    political = memory.codebook.tree().find("Motive > Political")
    assert political is not None
    assert memory.codebook.update(political.id, name="POLITICAL").name == "POLITICAL"


def _old_project_with_a_case_pair(path: Path) -> None:
    """A schema-0004 project whose 'Motive' holds 'Political' and 'political', each coded."""
    db = Database(path)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    migrations.apply(db, stop_before="0006_code_names")
    db.close()
    connection = sqlite3.connect(path)
    connection.executescript(
        f"""
        INSERT INTO project VALUES ('guid', '0c1f3e55-0000-4000-8000-0000000000aa');
        INSERT INTO codes (id, guid, parent_id, name, color) VALUES
            (1, '0c1f3e55-0000-4000-8000-000000000001', NULL, 'Motive', '#FFD6A5'),
            (2, '0c1f3e55-0000-4000-8000-000000000002', 1, 'Political', '#CAFFBF'),
            (3, '0c1f3e55-0000-4000-8000-000000000003', 1, 'political', '#9BF6FF');
        INSERT INTO coders VALUES (1, '0c1f3e55-0000-4000-8000-000000000004', 'Ana');
        INSERT INTO documents VALUES (1, '0c1f3e55-0000-4000-8000-000000000005', 'a', 'a.txt',
            'Some text', 9, '{sha256(b"Some text").hexdigest()}', '2025-01-01T00:00:00Z');
        INSERT INTO codings (guid, document_id, coder_id, code_id, start, "end", created_at,
            updated_at) VALUES
            ('0c1f3e55-0000-4000-8000-000000000006', 1, 1, 2, 0, 4, 't', 't'),
            ('0c1f3e55-0000-4000-8000-000000000007', 1, 1, 3, 5, 9, 't', 't');
        """
    )
    connection.commit()
    connection.close()


def test_an_old_pair_differing_only_in_case_migrates_and_check_reports_it(tmp_path: Path) -> None:
    path = tmp_path / "pair.annotator"
    _old_project_with_a_case_pair(path)
    with Project.open(path) as project:  # the migration does not fail
        tree = project.codebook.tree()
        assert [c.name for c in tree.children(1)] == ["Political", "political"]  # both kept
        assert sorted(c.code_id for c in project.codings.all()) == [2, 3]
        # The exact spelling finds its own code; any other spelling is ambiguous and refused.
        assert [tree.find(p) for p in ("Motive > Political", "Motive > political")] == [
            tree.get(2),
            tree.get(3),
        ]
        with pytest.raises(UserError, match="differ only in case"):
            tree.find("motive > POLITICAL")
        report = check_project(project)
        assert not report.ok
        assert any(
            "'Motive > Political' and 'Motive > political' differ only in case" in error
            for error in report.errors
        )
        # Renamed apart, the rule holds again and check is satisfied.
        project.codebook.update(3, name="Politics")
        assert check_project(project).ok
        with pytest.raises(ConflictError):
            project.codebook.update(3, name="POLITICAL")
