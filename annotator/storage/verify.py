"""Is a project file as annotator made it? Its schema against the migrations, its pages intact.

A project file travels (a lead sends it to coders, a replication package ships one), and an
SQLite file can carry code: a trigger runs on every insert, a view can stand where a table
should be. So opening a project compares every table, column, index, trigger and view in the
file with what the migrations of the file's own schema version make — built by applying the
same migrations to an empty database in memory, once per version — and anything else is a
:class:`Problem` naming the object.

SQL text is compared after normalising it (comments and whitespace dropped, identifier quotes
removed, ASCII letters folded as SQLite folds them), because SQLite rewrites the stored text on
``ALTER TABLE … RENAME`` and the rewriting differs between SQLite versions; string literals,
numbers and every other token must match exactly, so a changed CHECK or trigger body is found.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from annotator.domain.errors import ProjectError
from annotator.storage import schema
from annotator.storage.access import reading_connection

#: A problem ``annotator repair`` mends (the schema), or one it cannot (the file's pages).
SCHEMA = "schema"
DAMAGE = "damage"

#: SQLite's own tables, made by ANALYZE or AUTOINCREMENT, which carry no code.
SQLITE_INTERNAL = frozenset(
    {"sqlite_sequence", "sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4"}
)
#: The migration library's bookkeeping table: its exact text belongs to sqlite-utils and may
#: differ between its versions, so only its columns are compared.
BOOKKEEPING = schema.migrations.migrations_table.lower()

#: The tables opening checks page by page (PRAGMA quick_check on each): small ones whose
#: damage would mislead every view. ``documents`` and ``codings`` hold nearly all of a
#: project's pages (checking them takes about as long as opening a large project), so they
#: are checked in full by :func:`damage_problems`: in the background by the window, and by
#: every command that writes.
SMALL_TABLES = (
    "project",
    "variables",
    "document_values",
    "codes",
    "coders",
    "document_status",
    "memos",
    "decisions",
    BOOKKEEPING,
)
#: The tables every view of a project reads: without one of them (or one of its columns) a
#: project cannot be shown at all; without another (memos, decisions) it can, read-only.
READ_TABLES = frozenset(
    {
        "project",
        "documents",
        "variables",
        "document_values",
        "codes",
        "coders",
        "codings",
        "document_status",
    }
)
#: quick_check limited to one table needs SQLite 3.33.
_TABLE_CHECKS = sqlite3.sqlite_version_info >= (3, 33, 0)
#: At most this many of SQLite's own findings are reported.
MAX_DAMAGE_SHOWN = 10


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a project file, in words that name the object.

    ``readable``: the project can still be read as it is (an extra trigger changes nothing a
    reader sees; a missing table or column, a view in a table's place or damaged pages do)."""

    text: str
    kind: str = SCHEMA
    readable: bool = True

    @property
    def repairable(self) -> bool:
        return self.kind == SCHEMA

    def __str__(self) -> str:
        return self.text


#: An object of the schema as SQLite tells objects apart: its namespace and its folded name.
#: Tables, indexes and views share one namespace, triggers have their own: a trigger may bear
#: the name of an index, and keyed by name alone one of the two would drop out of view.
Key = tuple[str, str]
TRIGGERS, OBJECTS = "trigger", "object"


def key_of(kind: str, name: str) -> Key:
    """The key of an object of type ``kind`` named ``name`` (see :data:`Key`)."""
    return (TRIGGERS if kind == "trigger" else OBJECTS, fold(name))


@dataclass(frozen=True)
class SchemaObject:
    """One row of ``sqlite_master``: a table, index, trigger or view."""

    type: str
    name: str
    table: str
    sql: str | None

    @property
    def key(self) -> Key:
        return key_of(self.type, self.name)

    @property
    def shape(self) -> tuple[tuple[str, str], ...] | None:
        return None if self.sql is None else normalise(self.sql)

    def describe(self) -> str:
        if self.type in ("trigger", "index") and fold(self.table) != fold(self.name):
            return f"{self.type} '{self.name}' (on {self.table})"
        return f"{self.type} '{self.name}'"


# -- normalising SQL ---------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<comment>--[^\n]*|/\*.*?(?:\*/|\Z))
    | (?P<string>'(?:[^']|'')*')
    | (?P<quoted>"(?:[^"]|"")*"|\[[^\]]*\]|`(?:[^`]|``)*`)
    | (?P<word>[^\W\d]\w*|\d[\w.]*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
#: SQLite's keywords (and the names it resolves specially): quoted, such a word is a name;
#: bare, it is the keyword. ``"null"`` and ``NULL`` must not compare equal.
_KEYWORDS_TEXT = """
    abort action add after all alter always analyze and as asc attach autoincrement before
    begin between by cascade case cast check collate column commit conflict constraint create
    cross current current_date current_time current_timestamp database default deferrable
    deferred delete desc detach distinct do drop each else end escape except exclude exclusive
    exists explain fail filter first following for foreign from full generated glob group groups
    having if ignore immediate in index indexed initially inner insert instead intersect into is
    isnull join key last left like limit match materialized natural no not nothing notnull null
    nulls of offset on or order others outer over partition plan pragma preceding primary query
    raise range recursive references regexp reindex release rename replace restrict returning
    right rollback row rows savepoint select set table temp temporary then ties to transaction
    trigger unbounded union unique update using vacuum values view virtual when where window
    with without true false rowid oid _rowid_
"""
_KEYWORDS = frozenset(_KEYWORDS_TEXT.split())


def fold(name: str) -> str:
    """A name as SQLite compares names: ASCII letters folded, nothing else."""
    return name.translate(_ASCII_LOWER)


def _unquote(token: str) -> str:
    if token[0] == "[":
        return token[1:-1]
    quote = token[0]
    return token[1:-1].replace(quote * 2, quote)


def normalise(sql: str) -> tuple[tuple[str, str], ...]:
    """The tokens of a statement with what SQLite ignores taken out: whitespace, comments,
    identifier quoting and the case of keywords and names. String literals stay as written."""
    tokens: list[tuple[str, str]] = []
    for match in _TOKEN.finditer(sql):
        kind = match.lastgroup
        text = match.group()
        if kind in ("space", "comment"):
            continue
        if kind == "quoted":
            name = fold(_unquote(text))
            tokens.append(("quoted" if name in _KEYWORDS else "name", name))
        elif kind == "word":
            tokens.append(("name", fold(text)))
        else:
            tokens.append((str(kind), text))
    return tuple(tokens)


# -- what a file holds, what the migrations make -----------------------------------------------


def objects_of(connection: sqlite3.Connection) -> dict[Key, SchemaObject]:
    """Every table, index, trigger and view of the file, by :data:`Key`."""
    rows = connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    found = [SchemaObject(str(kind), str(name), str(table), sql) for kind, name, table, sql in rows]
    return {item.key: item for item in found}


def applied_migrations(connection: sqlite3.Connection) -> tuple[str, ...]:
    """The names of the migrations the file records as applied, in the order applied."""
    exists = connection.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
        [schema.migrations.migrations_table],
    ).fetchone()[0]
    if not exists:
        return ()
    rows = connection.execute(
        f"SELECT name FROM [{schema.migrations.migrations_table}] "
        "WHERE migration_set = ? ORDER BY rowid",
        [schema.MIGRATION_SET],
    )
    return tuple(str(row[0]) for row in rows)


@functools.cache
def reference(version: tuple[str, ...]) -> dict[Key, SchemaObject]:
    """What the migrations named in ``version`` (the first of this annotator's, in order) make
    of an empty database. Built once per version."""
    known = schema.known_migrations()
    if list(version) != known[: len(version)]:
        raise ValueError(f"not a sequence of this version's migrations: {version}")
    db = Database(memory=True)
    try:
        db.execute("PRAGMA trusted_schema = OFF")
        stop = known[len(version)] if len(version) < len(known) else None
        schema.migrations.apply(db, stop_before=stop)
        return objects_of(db.conn)
    finally:
        db.close()


def table_columns(connection: sqlite3.Connection, table: str) -> list[tuple[object, ...]]:
    """A table's columns as ``PRAGMA table_xinfo`` gives them (name, type, not null, default,
    key, hidden), with names folded; empty if SQLite cannot say."""
    try:
        rows = connection.execute("SELECT * FROM pragma_table_xinfo(?)", [table]).fetchall()
    except sqlite3.DatabaseError:
        return []
    return [
        (fold(str(name)), str(kind).upper(), notnull, default, key, hidden)
        for _cid, name, kind, notnull, default, key, hidden in rows
    ]


# -- comparing ---------------------------------------------------------------------------------


def schema_problems(connection: sqlite3.Connection) -> list[Problem]:
    """What in the file's schema the migrations of its version did not make, or made
    otherwise: extra or missing objects, a view where a table should be, a rewritten trigger,
    a column added or dropped, a changed constraint. Empty when the schema is annotator's."""
    version = applied_migrations(connection)
    known = schema.known_migrations()
    if list(version) != known[: len(version)]:
        if set(version) - set(known):
            return []  # a newer annotator's file: refused as such before this check
        return [
            Problem(
                "the record of applied schema migrations is not annotator's "
                f"({', '.join(version) or 'none'})",
                DAMAGE,
            )
        ]
    expected = reference(version)
    found = objects_of(connection)
    changed: list[Problem] = []
    extra: list[Problem] = []
    missing: list[Problem] = []
    renamed = {
        key_of("table", theirs): ours for ours, theirs in renamed_tables(found, expected).items()
    }
    for key, item in sorted(found.items(), key=_by_type):
        if key in expected:
            continue
        if item.type == "table" and key[1] in SQLITE_INTERNAL:
            continue
        if item.type == "index" and item.sql is None:
            continue  # made by SQLite for a table's UNIQUE or key: the table is compared
        if key in renamed:
            extra.append(Problem(f"table '{item.name}' is annotator's '{renamed[key]}' renamed"))
            continue
        extra.append(Problem(f"{item.describe()} was not made by annotator"))
    for key, wanted in sorted(expected.items(), key=_by_type):
        present = found.get(key)
        if present is None:
            if wanted.type == "index" and wanted.sql is None:
                continue  # follows from its table, which is compared
            if wanted.type != "table" and key_of("table", wanted.table) not in found:
                continue  # goes with its missing table
            readable = key[1] not in READ_TABLES
            missing.append(Problem(f"{wanted.describe()} is missing", readable=readable))
        elif difference := _difference(connection, present, wanted):
            changed.append(difference)
    return changed + extra + missing


def renamed_tables(
    found: dict[Key, SchemaObject], expected: dict[Key, SchemaObject]
) -> dict[str, str]:
    """Our tables that are in the file under another name (``ALTER TABLE … RENAME``, often to
    put a view in their place): our folded name → the name in the file. A table is ours
    renamed when its definition, but for its name, is word for word one of ours — a reference
    to itself (``parent_id REFERENCES codes``) read as one to our name, since SQLite renames
    that reference with the table."""
    missing = {
        key[1]: _body(wanted)
        for key, wanted in expected.items()
        if wanted.type == "table" and (key not in found or found[key].type != "table")
    }
    extra = [
        item
        for key, item in found.items()
        if item.type == "table" and key not in expected and key[1] not in SQLITE_INTERNAL
    ]
    renamed = {}
    for ours, body in missing.items():
        candidates = [item.name for item in extra if _body(item, as_name=ours) == body]
        if len(candidates) == 1:
            renamed[ours] = candidates[0]
    return renamed


def _body(item: SchemaObject, as_name: str | None = None) -> tuple[tuple[str, str], ...] | None:
    """A CREATE TABLE statement without its first three words (CREATE TABLE name);
    ``as_name``: with the table's references to itself read as references to that name."""
    shape = item.shape
    if shape is None:
        return None
    if as_name is None:
        return shape[3:]
    own = ("name", fold(item.name))
    return tuple(("name", as_name) if token == own else token for token in shape[3:])


_TYPE_ORDER = {"table": 0, "view": 1, "trigger": 2, "index": 3}


def _by_type(entry: tuple[Key, SchemaObject]) -> tuple[int, str]:
    return _TYPE_ORDER.get(entry[1].type, 4), entry[0][1]


def _difference(
    connection: sqlite3.Connection, item: SchemaObject, wanted: SchemaObject
) -> Problem | None:
    if item.type != wanted.type:
        return Problem(
            f"'{item.name}' is a {item.type} where annotator has a {wanted.type}",
            readable=wanted.type != "table" or fold(item.name) not in READ_TABLES,
        )
    if fold(item.table) != fold(wanted.table):
        return Problem(f"{item.type} '{item.name}' is on {item.table}, not on {wanted.table}")
    if fold(wanted.table) == BOOKKEEPING and wanted.type in ("table", "index"):
        if wanted.type == "table":
            found = {c[0] for c in table_columns(connection, item.name)}
            if found != {"id", "migration_set", "name", "applied_at"}:
                return Problem(f"table '{item.name}' does not have the columns it should")
        return None
    if item.shape == wanted.shape:
        return None
    if wanted.type == "table":
        return _table_difference(connection, item.name, wanted)
    if wanted.type == "trigger":
        return Problem(f"trigger '{item.name}' was rewritten")
    return Problem(f"{item.type} '{item.name}' differs from annotator's")


def _table_difference(connection: sqlite3.Connection, name: str, wanted: SchemaObject) -> Problem:
    found = {c[0]: c for c in table_columns(connection, name)}
    reference_db = sqlite3.connect(":memory:")
    try:
        assert wanted.sql is not None
        reference_db.execute(wanted.sql)
        expected = {c[0]: c for c in table_columns(reference_db, wanted.name)}
        expected_keys = foreign_keys(reference_db, wanted.name)
    finally:
        reference_db.close()
    added = [column for column in found if column not in expected]
    dropped = [column for column in expected if column not in found]
    changed = [c for c in expected if c in found and found[c] != expected[c]]
    parts = (
        [f"column '{c}' added" for c in added]
        + [f"column '{c}' missing" for c in dropped]
        + [f"column '{c}' changed (type, NOT NULL, default or key)" for c in changed]
    )
    keys = foreign_keys(connection, name)
    if not parts and keys != expected_keys:
        targets = sorted({str(key[0]) for key in keys} - {str(key[0]) for key in expected_keys})
        parts = ["its references differ" + (f" (to {', '.join(targets)})" if targets else "")]
    if not parts:
        parts = ["its definition differs (a CHECK, UNIQUE or other constraint)"]
    readable = not dropped or fold(name) not in READ_TABLES
    return Problem(f"table '{name}': " + ", ".join(parts), readable=readable)


def foreign_keys(connection: sqlite3.Connection, table: str) -> set[tuple[object, ...]]:
    """A table's references (table, from, to, on update, on delete), names folded."""
    try:
        rows = connection.execute("SELECT * FROM pragma_foreign_key_list(?)", [table]).fetchall()
    except sqlite3.DatabaseError:
        return set()
    return {
        (fold(str(parent)), fold(str(source)), fold(str(target)), on_update, on_delete)
        for _id, _seq, parent, source, target, on_update, on_delete, _match in rows
    }


# -- the file's pages --------------------------------------------------------------------------


def damage_problems(
    connection: sqlite3.Connection, tables: Iterable[str] | None = None
) -> list[Problem]:
    """What ``PRAGMA quick_check`` finds wrong with the file's pages: the whole file, or only
    ``tables`` (each with its indexes) and the schema itself. Empty when sound.

    quick_check reads every page and checks the b-trees, without comparing indexes with their
    tables (``integrity_check`` does, about ten times slower; ``annotator check`` runs that)."""
    statements = ["PRAGMA quick_check"]
    if tables is not None:
        if not _TABLE_CHECKS:
            return []
        present = {key[1] for key in objects_of(connection) if key[0] == OBJECTS}
        statements = [
            f'PRAGMA quick_check("{name.replace(chr(34), chr(34) * 2)}")'
            for name in ("sqlite_master", *tables)
            if name == "sqlite_master" or fold(name) in present
        ]
    findings: list[str] = []
    for statement in statements:
        try:
            for row in connection.execute(statement):
                # A finding may come after a header line naming the database.
                findings.extend(
                    line
                    for line in str(row[0]).splitlines()
                    if line.strip() and line != "ok" and not line.startswith("***")
                )
        except sqlite3.DatabaseError as error:
            findings.append(str(error))
        if len(findings) >= MAX_DAMAGE_SHOWN:
            break
    return [Problem(finding, DAMAGE, readable=False) for finding in findings[:MAX_DAMAGE_SHOWN]]


def damage_of_file(path: str | Path) -> list[Problem]:
    """The whole-file check of :func:`damage_problems` on a read-only connection of its own
    (before a command writes; in a worker thread while the window has the project open).
    Empty for what is not an SQLite file at all, or one with a side file SQLite must not
    use: opening it says so in its own words."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                return []
    except OSError:
        return []
    try:
        connection = reading_connection(path)
    except ProjectError:
        return []
    except sqlite3.DatabaseError as error:
        return [Problem(str(error), DAMAGE, readable=False)]
    try:
        return damage_problems(connection)
    except sqlite3.DatabaseError as error:
        return [Problem(str(error), DAMAGE, readable=False)]
    finally:
        connection.close()


def small_tables_damage(connection: sqlite3.Connection) -> list[Problem]:
    """The page check opening runs: the schema and :data:`SMALL_TABLES` (a few milliseconds
    however large the project)."""
    return damage_problems(connection, SMALL_TABLES)
