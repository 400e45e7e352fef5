"""Another annotator project given to ``merge``: a copy of the project with more work on it,
damaged the ways a file from outside can be — rows changed behind annotator's back (values
of the wrong type, dangling references, a code its own parent, text that is not UTF-8, spans
past the text), tables and records of migrations dropped or added, the application id
changed — and then, perhaps, bytes of the file flipped or cut."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.services.merge import MergeChoices, merge_files
from tests.fuzz.conftest import Seeds
from tests.fuzz.strategies import choices, mutated_bytes, nasty_text
from tests.fuzz.support import example, fuzz, read_into, timeout_seconds

# Each table's columns and the key that picks one of its rows.
TABLES = {
    "codings": (
        "id",
        [
            "guid",
            "document_id",
            "coder_id",
            "code_id",
            "start",
            '"end"',
            "memo",
            "created_at",
            "updated_at",
        ],
    ),
    "documents": ("id", ["guid", "name", "source", "text", "length", "sha256", "imported_at"]),
    "codes": (
        "id",
        ["guid", "parent_id", "name", "color", "description", "shortcut", "position", "exclusive"],
    ),
    "coders": ("id", ["guid", "name"]),
    "document_status": (
        "document_id, coder_id",
        ["document_id", "coder_id", "status", "assigned", "updated_at"],
    ),
    "memos": (
        "id",
        [
            "guid",
            "target",
            "document_id",
            "code_id",
            "coder_id",
            "text",
            "created_at",
            "updated_at",
        ],
    ),
    "deletions": ("guid", ["guid", "kind", "coder_id", "document_id", "deleted_at"]),
    "project": ("key", ["key", "value"]),
    "variables": ("id", ["name", "type", "position"]),
    "document_values": ("document_id, variable_id", ["document_id", "variable_id", "value"]),
}
TRIGGERS = (
    "documents_text_is_immutable",
    "codings_span_inside_text_on_insert",
    "codings_span_inside_text_on_update",
    "codings_not_on_dimensions_on_insert",
    "codings_not_on_dimensions_on_update",
)

# A value as SQL: literals of every type, text that is not UTF-8, another row's value.
sql_values = st.one_of(
    st.sampled_from(
        [
            "NULL",
            "-1",
            "0",
            "1",
            "99999",
            "4611686018427387904",
            "-4611686018427387904",
            "1.5",
            "1e300",
            "CAST(X'C3FF' AS TEXT)",
            "CAST(X'00' AS TEXT)",
            "CAST(X'EDA080' AS TEXT)",
            "X'0102'",
            "id",  # a code its own parent, a coding pointing at its own id
            "length + 10",
            "start - 100",
        ]
    ),
    nasty_text.filter(lambda t: t == t.encode("utf-8", "ignore").decode()).map(
        lambda t: "'" + t.replace("'", "''").replace("\x00", "") + "'"
    ),
)


@st.composite
def sql_edits(draw: st.DrawFn) -> list[str]:
    """A few statements that damage a project the ways a file from outside can be."""
    statements = []
    if draw(st.booleans()):
        statements += [f"DROP TRIGGER IF EXISTS {t}" for t in TRIGGERS]
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(
            st.sampled_from(["update", "update", "update", "update", "delete", "drop", "schema"])
        )
        table = draw(st.sampled_from(sorted(TABLES)))
        key, columns = TABLES[table]
        row = draw(st.integers(0, 40))
        one_row = f"WHERE ({key}) IN (SELECT {key} FROM {table} LIMIT 1 OFFSET {row})"
        where = draw(st.sampled_from([one_row, one_row, ""]))
        if kind == "update":
            column = draw(st.sampled_from(columns))
            value = draw(sql_values)
            if value == "id" and table not in ("codings", "codes", "documents", "coders", "memos"):
                value = "NULL"
            if value in ("length + 10", "start - 100") and table != "codings":
                value = "-1"
            if value == "length + 10":
                value = "(SELECT length FROM documents WHERE id = document_id) + 10"
            statements.append(f"UPDATE {table} SET {column} = {value} {where}")
        elif kind == "delete":
            statements.append(f"DELETE FROM {table} {where}")
        elif kind == "drop":
            statements.append(f"DROP TABLE {table}")
        else:
            statements.append(
                draw(
                    st.sampled_from(
                        [
                            "PRAGMA application_id = 0",
                            "PRAGMA application_id = 1234",
                            "PRAGMA user_version = 99",
                            "DELETE FROM _sqlite_migrations WHERE name = '0006_deletions'",
                            "DELETE FROM _sqlite_migrations",
                            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                            "VALUES ('annotator', '9999_future', '2030-01-01')",
                            "DROP TABLE _sqlite_migrations",
                            "DROP INDEX codes_unique_name",
                            "CREATE TABLE extra (x)",
                            "PRAGMA journal_mode = DELETE",
                        ]
                    )
                )
            )
    return statements


def damage(path: Path, statements: list[str]) -> None:
    """Run the statements on the file directly, as another program could (no checks, no
    foreign keys); a statement SQLite itself refuses is left out."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA ignore_check_constraints = ON")
        for statement in statements:
            with contextlib.suppress(sqlite3.DatabaseError):
                connection.execute(statement)
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


EXAMPLES = 100


@pytest.mark.timeout(timeout_seconds(EXAMPLES))
@fuzz(EXAMPLES)
@given(data=st.data())
def test_other_project(seeds: Seeds, base: Path, data: st.DataObject) -> None:
    statements = data.draw(
        st.one_of(sql_edits(), sql_edits(), sql_edits(), st.just([])), label="sql"
    )
    flip = data.draw(st.integers(0, 5), label="flip") == 0
    template = data.draw(st.sampled_from([seeds.demo, seeds.empty]), label="into")
    chosen: MergeChoices = data.draw(choices, label="choices")
    with example(base) as ex:
        other = ex.folder / "other.annotator"
        shutil.copyfile(seeds.other, other)
        damage(other, statements)
        for sidecar in ex.folder.glob("other.annotator-*"):
            sidecar.unlink()
        if flip or not statements:
            other.write_bytes(data.draw(mutated_bytes(other.read_bytes()), label="bytes"))
        read_into(ex, template, lambda project: merge_files(project, [other], chosen), other)
