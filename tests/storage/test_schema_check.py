"""Opening compares a project's schema with what the migrations of its version make: a file
that carries code (a trigger, a view) or an altered table is refused, naming the object, with
nothing written."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from annotator.domain.errors import DamagedProjectError, UserError
from annotator.services import create_project
from annotator.services.checks import check_project
from annotator.services.merge import merge_project
from annotator.storage import Project, verify
from annotator.storage.schema import APPLICATION_ID, known_migrations, migrations
from annotator.storage.snapshots import check_snapshot, read_only_connection

FIXTURES = Path(__file__).parent / "schemas"
BOOBY = (
    "CREATE TRIGGER booby AFTER INSERT ON codings BEGIN DELETE FROM codings WHERE id < new.id; END"
)
#: A trigger bearing the name of one of our indexes (SQLite keeps trigger names apart from
#: those of tables, indexes and views), the index made again after it.
HIDDEN_BOOBY = (
    "CREATE TRIGGER codings_by_code AFTER INSERT ON codings "
    "BEGIN DELETE FROM codings WHERE id < new.id; END",
    "DROP INDEX codings_by_code",
    "CREATE INDEX codings_by_code ON codings (code_id)",
)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.annotator"
    create_project(path, demo=True).close()
    return path


def altered(demo_file: Path, folder: Path, *statements: str, schema: bool = False) -> Path:
    """A copy of the demo project with ``statements`` run on it by another program;
    ``schema``: the statements edit ``sqlite_master`` itself (writable_schema)."""
    path = folder / "altered.annotator"
    shutil.copy(demo_file, path)
    connection = sqlite3.connect(path)
    if schema:
        connection.execute("PRAGMA writable_schema = ON")
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.close()
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _rewrite(table: str, old: str, new: str) -> str:
    return (
        f"UPDATE sqlite_master SET sql = replace(sql, {_literal(old)}, {_literal(new)}) "
        f"WHERE name = {_literal(table)}"
    )


ALTERATIONS = {
    "extra trigger": ([BOOBY], "trigger 'booby' (on codings) was not made by annotator"),
    "extra view": (
        ["CREATE VIEW everything AS SELECT * FROM codings"],
        "view 'everything' was not made by annotator",
    ),
    "view where a table should be": (
        ["DROP TABLE memos", "CREATE VIEW memos AS SELECT * FROM codings"],
        "'memos' is a view where annotator has a table",
    ),
    "one of our triggers rewritten": (
        [
            "DROP TRIGGER codings_span_inside_text_on_insert",
            "CREATE TRIGGER codings_span_inside_text_on_insert BEFORE INSERT ON codings "
            "BEGIN SELECT 1; END",
        ],
        "trigger 'codings_span_inside_text_on_insert' was rewritten",
    ),
    "a column added": (
        ["ALTER TABLE codes ADD COLUMN payload TEXT"],
        "table 'codes': column 'payload' added",
    ),
    "a column dropped": (
        ["ALTER TABLE decisions DROP COLUMN reason"],
        "table 'decisions': column 'reason' missing",
    ),
    "an extra index": (
        ["CREATE INDEX sneaky ON codings (memo)"],
        "index 'sneaky' (on codings) was not made by annotator",
    ),
    "a trigger named as one of our indexes": (
        list(HIDDEN_BOOBY),
        "trigger 'codings_by_code' (on codings) was not made by annotator",
    ),
    "a table referring to itself renamed, a view in its place": (
        ["ALTER TABLE codes RENAME TO codes_x", "CREATE VIEW codes AS SELECT * FROM codes_x"],
        "'codes' is a view where annotator has a table",
    ),
    "a table dropped": (["DROP TABLE memos"], "table 'memos' is missing"),
    "an index dropped": (["DROP INDEX codes_by_parent"], "index 'codes_by_parent'"),
}


@pytest.mark.parametrize("case", ALTERATIONS, ids=list(ALTERATIONS))
def test_an_altered_schema_is_refused_naming_the_object_and_nothing_is_written(
    demo_file: Path, tmp_path: Path, case: str
) -> None:
    statements, named = ALTERATIONS[case]
    path = altered(demo_file, tmp_path, *statements)
    before = _digest(path)
    for read_only in (False, True):
        with pytest.raises(DamagedProjectError) as caught:
            Project.open(path, read_only=read_only)
        assert str(caught.value).startswith("altered.annotator: the project was changed")
        assert named in str(caught.value)
        assert caught.value.repairable
    assert _digest(path) == before
    log = tmp_path / "altered.annotator-wal"  # a reader's (SQLite's own), never written to
    assert not log.exists() or log.stat().st_size == 0
    with Project.open(path, read_only=True, accept_problems=True) as opened:
        report = check_project(opened)
    assert not report.ok
    assert report.repairable
    assert any(named in error for error in report.errors)


@pytest.mark.parametrize(
    ("table", "old", "new", "named"),
    [
        (
            "document_status",
            "'in_progress', 'done'",
            "'in_progress', 'done', 'skipped'",
            "table 'document_status': its definition differs",
        ),
        # "null" in double quotes is a name (or a string), never the NULL it replaces.
        ("codings", "start IS NULL AND", 'start IS "null" AND', "table 'codings'"),
        ("codes", "name_key <> ''", "1", "table 'codes'"),
    ],
)
def test_a_changed_check_constraint_is_found(
    demo_file: Path, tmp_path: Path, table: str, old: str, new: str, named: str
) -> None:
    path = altered(demo_file, tmp_path, _rewrite(table, old, new), schema=True)
    with pytest.raises(DamagedProjectError, match=named):
        Project.open(path)


def test_the_booby_trapped_project_never_runs_its_trigger(demo_file: Path, tmp_path: Path) -> None:
    path = altered(demo_file, tmp_path, BOOBY)
    with pytest.raises(DamagedProjectError, match="booby"):
        Project.open(path)
    connection = sqlite3.connect(path)
    assert connection.execute("SELECT count(*) FROM codings").fetchone()[0] == 171
    connection.close()


def test_a_project_read_as_a_merge_source_is_checked_too(
    demo_file: Path, tmp_path: Path, project: Project
) -> None:
    trapped = altered(demo_file, tmp_path, BOOBY)
    with pytest.raises(UserError, match=r"altered\.annotator: the project was changed.*booby"):
        merge_project(project, trapped)
    assert project.codings.count() == 0
    assert project.coders.all() == []


@pytest.mark.parametrize(
    ("statements", "named"),
    [((BOOBY,), "booby"), (HIDDEN_BOOBY, "trigger 'codings_by_code'")],
    ids=["trigger", "trigger named as an index"],
)
def test_a_booby_trapped_snapshot_is_refused(
    demo_file: Path, tmp_path: Path, statements: tuple[str, ...], named: str
) -> None:
    trapped = altered(demo_file, tmp_path, *statements)
    with pytest.raises(UserError, match=f"not as annotator made it.*{named}"):
        check_snapshot(trapped)
    check_snapshot(demo_file)  # a sound one passes


def test_a_trigger_and_an_index_of_one_name_are_both_seen(demo_file: Path, tmp_path: Path) -> None:
    path = altered(demo_file, tmp_path, *HIDDEN_BOOBY)
    connection = sqlite3.connect(path)
    try:
        found = verify.objects_of(connection)
    finally:
        connection.close()
    assert found[("trigger", "codings_by_code")].type == "trigger"
    assert found[("object", "codings_by_code")].type == "index"


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.annotator")), ids=lambda p: p.stem)
def test_every_earlier_version_checks_out_against_its_own_migrations(
    tmp_path: Path, fixture: Path
) -> None:
    path = tmp_path / fixture.name
    shutil.copy(fixture, path)
    connection = sqlite3.connect(path)
    try:
        assert verify.applied_migrations(connection)  # an earlier version, as released
        assert verify.schema_problems(connection) == []
    finally:
        connection.close()
    with Project.open(path) as opened:
        assert opened.schema_version() == known_migrations()
    connection = sqlite3.connect(path)
    try:
        assert verify.schema_problems(connection) == []
    finally:
        connection.close()


@pytest.mark.parametrize("stop_before", known_migrations())
def test_a_file_left_at_each_version_checks_out(tmp_path: Path, stop_before: str) -> None:
    path = tmp_path / "old.annotator"
    db = Database(path)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    migrations.apply(db, stop_before=stop_before)
    assert verify.schema_problems(db.conn) == []
    db.close()
    Project.open(path).close()


def test_a_table_rebuilt_through_rename_still_matches(demo_file: Path, tmp_path: Path) -> None:
    """SQLite rewrites the stored text on ALTER TABLE … RENAME (it quotes the new name): a
    migration that rebuilds a table that way must not make the file look foreign."""
    connection = sqlite3.connect(demo_file)
    [sql] = connection.execute("SELECT sql FROM sqlite_master WHERE name = 'coders'").fetchone()
    connection.close()
    rebuilt = sql.replace("CREATE TABLE coders", "CREATE TABLE coders_new", 1)
    path = altered(
        demo_file,
        tmp_path,
        "PRAGMA foreign_keys = OFF",
        rebuilt,
        "INSERT INTO coders_new SELECT * FROM coders",
        "DROP TABLE coders",
        "ALTER TABLE coders_new RENAME TO coders",
    )
    connection = sqlite3.connect(path)
    [stored] = connection.execute("SELECT sql FROM sqlite_master WHERE name = 'coders'").fetchone()
    connection.close()
    assert stored != sql  # the text did change
    with Project.open(path) as opened:
        assert [c.name for c in opened.coders.all()] == ["Ana", "Ben"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("CREATE TABLE t (a TEXT)", 'create   table "T" (\n  [A] text -- why\n)'),
        ("CREATE INDEX i ON t (a, b)", "CREATE INDEX `i` ON t(a,b) /* note */"),
    ],
)
def test_what_sqlite_ignores_is_ignored(first: str, second: str) -> None:
    assert verify.normalise(first) == verify.normalise(second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("CHECK (s IN ('a', 'b'))", "CHECK (s IN ('a', 'B'))"),  # a string literal
        ("CHECK (s IN ('a'))", 'CHECK (s IN ("a"))'),  # a string is not a name
        ("CHECK (x IS NULL)", 'CHECK (x IS "null")'),  # a quoted keyword is a name
        ('CREATE TABLE "a b" (x)', "CREATE TABLE a b (x)"),
        ("CREATE TABLE t (x INTEGER DEFAULT 0)", "CREATE TABLE t (x INTEGER DEFAULT 00)"),
        ('CREATE TABLE "Ä" (x)', 'CREATE TABLE "ä" (x)'),  # SQLite folds ASCII letters only
    ],
)
def test_what_changes_meaning_is_kept(first: str, second: str) -> None:
    assert verify.normalise(first) != verify.normalise(second)


def test_every_connection_trusts_nothing_in_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    Project.create(path).close()
    with Project.open(path) as writable:
        assert writable.db.execute("PRAGMA trusted_schema").fetchone()[0] == 0
    with Project.open(path, read_only=True) as readable:
        assert readable.db.execute("PRAGMA trusted_schema").fetchone()[0] == 0
    connection = read_only_connection(path)
    assert connection.execute("PRAGMA trusted_schema").fetchone()[0] == 0
    connection.close()


def test_opening_checks_the_small_tables_pages(demo_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "torn.annotator"
    shutil.copy(demo_file, path)
    connection = sqlite3.connect(path)
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    [root] = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = 'codes'")
    connection.close()
    with open(path, "r+b") as handle:
        handle.seek((root[0] - 1) * page_size)
        handle.write(b"\xde\xad\xbe\xef" * 64)
    before = _digest(path)
    with pytest.raises(DamagedProjectError) as caught:
        Project.open(path)
    assert str(caught.value).startswith("torn.annotator: the project is damaged: ")
    assert not caught.value.repairable
    assert "annotator restore torn.annotator latest" in caught.value.advice()
    assert _digest(path) == before


def test_the_whole_file_check_finds_a_damaged_index_page(demo_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "torn.annotator"
    shutil.copy(demo_file, path)
    connection = sqlite3.connect(path)
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    [[root]] = connection.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'codings_by_position'"
    )
    connection.close()
    with open(path, "r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\xde\xad\xbe\xef" * 64)
    Project.open(path, read_only=True).close()  # opening checks the small tables only
    [problem] = verify.damage_of_file(path)
    assert problem.text == f"Page {root}: btreeInitPage() returns error code 11"
    assert (problem.kind, problem.repairable, problem.readable) == (verify.DAMAGE, False, False)
    assert verify.damage_of_file(demo_file) == []
