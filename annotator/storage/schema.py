"""The project schema as append-only migrations.

A migration that has shipped is never edited: change the schema by adding a new function at the
end. Every migration runs in one transaction together with the record that it ran.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from annotator.domain import project_file
from annotator.domain.errors import ProjectError

MIGRATION_SET = "annotator"
# PRAGMA application_id marks a file as an annotator project ("ANNO").
APPLICATION_ID = project_file.APPLICATION_ID

migrations = Migrations(MIGRATION_SET)


def _run(db: Database, statements: list[str]) -> None:
    # Not executescript(): it commits first, which would break the migration's transaction.
    for statement in statements:
        db.execute(statement)


@migrations(name="0001_initial")
def initial(db: Database) -> None:
    """Documents, variables, codebook, coders, codings, statuses and memos."""
    _run(
        db,
        [
            """CREATE TABLE project (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL
            )""",
            """CREATE TABLE documents (
                id INTEGER PRIMARY KEY,
                guid TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL UNIQUE CHECK (name <> ''),
                source TEXT NOT NULL,
                text TEXT NOT NULL,
                length INTEGER NOT NULL CHECK (length = length(text)),
                sha256 TEXT NOT NULL UNIQUE,
                imported_at TEXT NOT NULL
            )""",
            """CREATE TRIGGER documents_text_is_immutable
                BEFORE UPDATE OF text, length, sha256 ON documents
                BEGIN SELECT RAISE(ABORT, 'a document''s text cannot change once imported'); END""",
            """CREATE TABLE variables (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE CHECK (name <> ''),
                type TEXT NOT NULL CHECK (type IN ('text', 'number', 'date', 'category')),
                position INTEGER NOT NULL DEFAULT 0
            )""",
            """CREATE TABLE document_values (
                document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                variable_id INTEGER NOT NULL REFERENCES variables(id) ON DELETE CASCADE,
                value TEXT NOT NULL,
                PRIMARY KEY (document_id, variable_id)
            ) WITHOUT ROWID""",
            "CREATE INDEX document_values_by_variable ON document_values (variable_id)",
            """CREATE TABLE codes (
                id INTEGER PRIMARY KEY,
                guid TEXT NOT NULL UNIQUE,
                parent_id INTEGER REFERENCES codes(id),
                name TEXT NOT NULL CHECK (name <> '' AND instr(name, '>') = 0),
                color TEXT NOT NULL CHECK (length(color) = 7
                    AND color GLOB '#[0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F]'),
                description TEXT NOT NULL DEFAULT '',
                shortcut TEXT UNIQUE CHECK (shortcut IS NULL OR length(shortcut) = 1),
                position INTEGER NOT NULL DEFAULT 0,
                exclusive INTEGER NOT NULL DEFAULT 0 CHECK (exclusive IN (0, 1))
            )""",
            "CREATE UNIQUE INDEX codes_unique_name ON codes (ifnull(parent_id, 0), name)",
            "CREATE INDEX codes_by_parent ON codes (parent_id, position)",
            """CREATE TABLE coders (
                id INTEGER PRIMARY KEY,
                guid TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL UNIQUE CHECK (name <> '')
            )""",
            """CREATE TABLE codings (
                id INTEGER PRIMARY KEY,
                guid TEXT NOT NULL UNIQUE,
                document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                coder_id INTEGER NOT NULL REFERENCES coders(id),
                code_id INTEGER NOT NULL REFERENCES codes(id),
                start INTEGER,
                "end" INTEGER,
                memo TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                CHECK ((start IS NULL AND "end" IS NULL) OR (start >= 0 AND "end" > start))
            )""",
            "CREATE INDEX codings_by_document ON codings (document_id, coder_id, start)",
            "CREATE INDEX codings_by_code ON codings (code_id)",
            "CREATE INDEX codings_by_coder ON codings (coder_id, document_id)",
            """CREATE TRIGGER codings_span_inside_text_on_insert
                BEFORE INSERT ON codings
                WHEN NEW."end" > (SELECT length FROM documents WHERE id = NEW.document_id)
                BEGIN SELECT RAISE(ABORT, 'a coding span lies outside the document text'); END""",
            """CREATE TRIGGER codings_span_inside_text_on_update
                BEFORE UPDATE OF start, "end", document_id ON codings
                WHEN NEW."end" > (SELECT length FROM documents WHERE id = NEW.document_id)
                BEGIN SELECT RAISE(ABORT, 'a coding span lies outside the document text'); END""",
            """CREATE TRIGGER codings_not_on_dimensions_on_insert
                BEFORE INSERT ON codings
                WHEN (SELECT parent_id FROM codes WHERE id = NEW.code_id) IS NULL
                BEGIN SELECT RAISE(ABORT, 'a dimension cannot be applied, only its codes'); END""",
            """CREATE TRIGGER codings_not_on_dimensions_on_update
                BEFORE UPDATE OF code_id ON codings
                WHEN (SELECT parent_id FROM codes WHERE id = NEW.code_id) IS NULL
                BEGIN SELECT RAISE(ABORT, 'a dimension cannot be applied, only its codes'); END""",
            """CREATE TABLE document_status (
                document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                coder_id INTEGER NOT NULL REFERENCES coders(id) ON DELETE CASCADE,
                status TEXT NOT NULL DEFAULT 'not_started'
                    CHECK (status IN ('not_started', 'in_progress', 'done')),
                assigned INTEGER NOT NULL DEFAULT 0 CHECK (assigned IN (0, 1)),
                updated_at TEXT NOT NULL,
                PRIMARY KEY (document_id, coder_id)
            ) WITHOUT ROWID""",
            "CREATE INDEX document_status_by_coder ON document_status (coder_id, status)",
            """CREATE TABLE memos (
                id INTEGER PRIMARY KEY,
                guid TEXT NOT NULL UNIQUE,
                target TEXT NOT NULL CHECK (target IN ('project', 'document', 'code')),
                document_id INTEGER REFERENCES documents(id) ON DELETE CASCADE,
                code_id INTEGER REFERENCES codes(id) ON DELETE CASCADE,
                coder_id INTEGER REFERENCES coders(id),
                text TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                CHECK ((target = 'project' AND document_id IS NULL AND code_id IS NULL)
                    OR (target = 'document' AND document_id IS NOT NULL AND code_id IS NULL)
                    OR (target = 'code' AND code_id IS NOT NULL AND document_id IS NULL))
            )""",
            "CREATE INDEX memos_by_document ON memos (document_id)",
            "CREATE INDEX memos_by_code ON memos (code_id)",
        ],
    )


@migrations(name="0002_indexes_for_the_window")
def indexes_for_the_window(db: Database) -> None:
    """Indexes that let the window read an article's codings, the codebook's counts and the
    memos from indexes alone, without visiting the table."""
    _run(
        db,
        [
            "DROP INDEX codings_by_document",
            "CREATE INDEX codings_by_document "
            'ON codings (document_id, coder_id, start, "end", code_id)',
            # An article's counts per code, grouped in index order (without it SQLite groups
            # through codings_by_coder_code and reads every coding of that coder).
            "CREATE INDEX codings_by_document_code "
            'ON codings (document_id, coder_id, code_id, start, "end")',
            "CREATE INDEX codings_by_coder_code ON codings (coder_id, code_id)",
            "CREATE INDEX codings_with_memo ON codings (document_id) WHERE memo <> ''",
        ],
    )


@migrations(name="0003_indexes_for_all_coders")
def indexes_for_all_coders(db: Database) -> None:
    """Indexes for an article shown with every coder's codings (after a merge, in review):
    its codings in reading order, and its counts per code, from indexes alone, without
    sorting. 0002's indexes lead with the coder and serve one coder at a time."""
    _run(
        db,
        [
            "CREATE INDEX codings_by_position "
            'ON codings (document_id, start, "end", code_id, coder_id)',
            "DROP INDEX codings_by_document_code",
            "CREATE INDEX codings_by_document_code "
            'ON codings (document_id, code_id, coder_id, start, "end")',
        ],
    )


@migrations(name="0004_consensus_decisions")
def consensus_decisions(db: Database) -> None:
    """Decisions of a disagreement review: for one article and code, which of two coders'
    passages the consensus takes (the consensus coder's codings carry them out), and why."""
    _run(
        db,
        [
            """CREATE TABLE decisions (
                id INTEGER PRIMARY KEY,
                guid TEXT NOT NULL UNIQUE,
                document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                code_id INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
                first_coder_id INTEGER NOT NULL REFERENCES coders(id) ON DELETE CASCADE,
                second_coder_id INTEGER NOT NULL REFERENCES coders(id) ON DELETE CASCADE,
                start INTEGER,
                "end" INTEGER,
                choice TEXT NOT NULL
                    CHECK (choice IN ('first', 'second', 'both', 'neither', 'edited')),
                reason TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL,
                CHECK ((start IS NULL AND "end" IS NULL) OR (start >= 0 AND "end" > start))
            )""",
            "CREATE INDEX decisions_by_pair "
            "ON decisions (first_coder_id, second_coder_id, document_id, code_id)",
        ],
    )


@migrations(name="0005_deletions")
def deletions(db: Database) -> None:
    """What was deleted: one row per deleted coding or memo (its GUID, whose it was, on which
    article, when), so that a coder's package carries deletions to the lead's project and a
    merge tells a withdrawn coding from one it never saw. Also brings the times of codings and
    memos that earlier versions kept as a file gave them to UTC ISO 8601, so that they sort."""
    _run(
        db,
        [
            """CREATE TABLE deletions (
                guid TEXT PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('coding', 'memo')),
                coder_id INTEGER REFERENCES coders(id) ON DELETE CASCADE,
                document_id INTEGER REFERENCES documents(id) ON DELETE CASCADE,
                deleted_at TEXT NOT NULL
            ) WITHOUT ROWID""",
            "CREATE INDEX deletions_by_coder ON deletions (coder_id, document_id)",
            "CREATE INDEX deletions_by_document ON deletions (document_id)",
        ],
    )
    # Frozen here (not the importer's helper): a shipped migration must never change.
    stored = "____-__-__T__:__:__Z"
    for table in ("codings", "memos"):
        for column in ("created_at", "updated_at"):
            rows = db.execute(
                f"SELECT id, {column} FROM {table} WHERE {column} NOT LIKE ?", [stored]
            ).fetchall()
            for row_id, value in rows:
                try:
                    moment = datetime.fromisoformat(str(value).strip())
                    if moment.tzinfo is None:
                        moment = moment.replace(tzinfo=UTC)
                    utc = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                except (ValueError, OverflowError):
                    continue  # not a time at all: left as it is, for a person to judge
                db.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", [utc, row_id])


_CODES_0006 = """CREATE TABLE codes (
                id INTEGER PRIMARY KEY,
                guid TEXT NOT NULL UNIQUE,
                parent_id INTEGER REFERENCES codes(id),
                name TEXT NOT NULL CHECK (name <> ''),
                color TEXT NOT NULL CHECK (length(color) = 7
                    AND color GLOB '#[0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F]'),
                description TEXT NOT NULL DEFAULT '',
                shortcut TEXT UNIQUE CHECK (shortcut IS NULL OR length(shortcut) = 1),
                position INTEGER NOT NULL DEFAULT 0,
                exclusive INTEGER NOT NULL DEFAULT 0 CHECK (exclusive IN (0, 1)),
                name_key TEXT NOT NULL CHECK (name_key <> '')
            )"""


@migrations(name="0006_code_names")
def code_names(db: Database) -> None:
    """Code names may hold any character (``>`` included: names come from other tools), and
    sibling names are unique without regard to case: a ``name_key`` the store fills (the name
    case-folded) under a unique index.

    SQLite cannot drop a CHECK in place, so ``codes`` is rebuilt. Inside the migration's
    transaction foreign keys cannot be switched off, and dropping a parent table deletes its
    rows first — firing ON DELETE CASCADE (code memos, consensus decisions). So: the rows of
    ``codes`` and of every table that cascades from it are kept aside, ``codes`` is dropped
    and made anew (no RENAME: the codings triggers name ``codes``), and everything is put back
    with its ids, the foreign keys checked at commit (``defer_foreign_keys``).

    (It runs after 0005_deletions: migrations run in the order they are defined.)

    A project made before the rule may hold siblings that differ only in case: they are kept
    as they are (nothing renamed behind the user's back), the later one's key made unique with
    its id after a NUL (no name holds one); ``annotator check`` reports the pair.
    """
    from annotator.domain.codebook import name_key

    db.execute("PRAGMA defer_foreign_keys = ON")
    cascading: dict[str, list[str]] = {}
    for (table,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' "
        "AND name <> 'codes'"
    ).fetchall():
        for row in db.execute(f"PRAGMA foreign_key_list({table})").fetchall():
            target, column, on_delete = row[2], row[3], row[6]
            if target != "codes" or on_delete in ("NO ACTION", "RESTRICT"):
                continue
            triggers = db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? "
                "AND sql LIKE '%DELETE%'",
                [table],
            ).fetchall()
            if on_delete != "CASCADE" or triggers:
                raise RuntimeError(f"0006_code_names cannot keep {table} ({on_delete}, {triggers})")
            cascading.setdefault(table, []).append(column)
    codes = db.execute(
        "SELECT id, guid, parent_id, name, color, description, shortcut, position, exclusive "
        "FROM codes ORDER BY id"
    ).fetchall()
    ids = {code[0] for code in codes}
    lost = sorted(str(code[0]) for code in codes if code[2] is not None and code[2] not in ids)
    if lost:  # only another tool, with foreign keys off, can have made these
        raise ProjectError(
            f"the project is damaged: codes {', '.join(lost[:5])} are inside codes that do not "
            "exist; restore a backup of the project"
        )
    broken_before = len(db.execute("PRAGMA foreign_key_check").fetchall())
    for table, columns in cascading.items():
        # The rows the drop deletes: those that point at a code (a broken pointer stays put).
        pointing = " OR ".join(f"{column} IN (SELECT id FROM codes)" for column in columns)
        db.execute(f"DROP TABLE IF EXISTS temp.kept_{table}")
        db.execute(f"CREATE TEMP TABLE kept_{table} AS SELECT * FROM {table} WHERE {pointing}")
    db.execute("DROP TABLE codes")
    db.execute(_CODES_0006)
    taken: set[tuple[int, str]] = set()
    rows = []
    for code in codes:
        key = name_key(code[3])
        if (code[2] or 0, key) in taken:
            key = f"{key}\x00{code[0]}"
        taken.add((code[2] or 0, key))
        rows.append((*code, key))
    db.conn.executemany(
        "INSERT INTO codes (id, guid, parent_id, name, color, description, shortcut, position, "
        "exclusive, name_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    for table in cascading:
        db.execute(f"INSERT INTO {table} SELECT * FROM temp.kept_{table}")
        db.execute(f"DROP TABLE temp.kept_{table}")
    _run(
        db,
        [
            "CREATE UNIQUE INDEX codes_unique_name ON codes (ifnull(parent_id, 0), name)",
            "CREATE INDEX codes_by_parent ON codes (parent_id, position)",
            "CREATE UNIQUE INDEX codes_unique_name_key ON codes (ifnull(parent_id, 0), name_key)",
        ],
    )
    broken = len(db.execute("PRAGMA foreign_key_check").fetchall())
    if broken > broken_before:  # cannot happen: everything was put back with its ids
        raise RuntimeError(f"0006_code_names would break {broken - broken_before} references")


@migrations(name="0007_near_duplicates")
def near_duplicates(db: Database) -> None:
    """The near-duplicate index: each document's MinHash signature (128 little-endian 32-bit
    values) and how many distinct word shingles it has, and one row per band key (42 per
    document with words), looked up by key. Rows go with their document (ON DELETE CASCADE,
    through the signature; the index by document serves the cascade). Documents of an older
    project are indexed on first use, not here: a migration must stay quick."""
    _run(
        db,
        [
            """CREATE TABLE near_duplicate_signatures (
                document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
                shingles INTEGER NOT NULL CHECK (shingles >= 0),
                signature BLOB NOT NULL CHECK (length(signature) = 512)
            )""",
            """CREATE TABLE near_duplicate_bands (
                band_key INTEGER NOT NULL,
                document_id INTEGER NOT NULL
                    REFERENCES near_duplicate_signatures(document_id) ON DELETE CASCADE,
                PRIMARY KEY (band_key, document_id)
            ) WITHOUT ROWID""",
            "CREATE INDEX near_duplicate_bands_by_document ON near_duplicate_bands (document_id)",
        ],
    )


@migrations(name="0008_imports")
def imports(db: Database) -> None:
    """Provenance: every import run (when, by which version, with which options) and every
    file it read (its SHA-256, the format recognised, articles found, imported, duplicates,
    problems, or why it was refused). A file's row is written in the transaction that stores
    its articles, so the record never claims more than the project holds."""
    _run(
        db,
        [
            """CREATE TABLE imports (
                id INTEGER PRIMARY KEY,
                started_at TEXT NOT NULL,
                finished_at TEXT,
                version TEXT NOT NULL,
                options TEXT NOT NULL DEFAULT '{}'
            )""",
            """CREATE TABLE import_files (
                id INTEGER PRIMARY KEY,
                import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
                source TEXT NOT NULL,
                sha256 TEXT,
                format TEXT NOT NULL,
                database TEXT,
                articles INTEGER NOT NULL DEFAULT 0 CHECK (articles >= 0),
                imported INTEGER NOT NULL DEFAULT 0 CHECK (imported >= 0),
                duplicates INTEGER NOT NULL DEFAULT 0 CHECK (duplicates >= 0),
                problems TEXT NOT NULL DEFAULT '[]',
                refused TEXT
            )""",
            "CREATE INDEX import_files_by_import ON import_files (import_id, id)",
        ],
    )


def known_migrations() -> list[str]:
    """Names of every migration this version of annotator knows, oldest first."""
    return [migration.name for migration in migrations.pending(Database(memory=True))]


#: The tables whose ids an undo step, a decision or a memo addresses, parents first.
_NEVER_REUSED_0009 = ("codes", "codings", "memos", "decisions")


@migrations(name="0009_ids_never_reused")
def ids_never_reused(db: Database) -> None:
    """Ids of codes, codings, memos and decisions are never given twice: the tables are made
    anew with ``AUTOINCREMENT`` (SQLite otherwise hands out the highest id again once that
    row is deleted, and an undo step or a merge then finds another row under the id it knew).

    Every row comes back with its id, every index and trigger with its own text, and the
    foreign keys are checked at commit, as in 0006: the rows are kept aside, the tables dropped
    (children first, so that no ON DELETE CASCADE fires) and made anew from their stored text
    with ``AUTOINCREMENT`` added, then ``sqlite_sequence`` starts past the highest id.
    """
    db.execute("PRAGMA defer_foreign_keys = ON")
    chosen = set(_NEVER_REUSED_0009)
    for (table,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
    ).fetchall():
        if table in chosen:
            continue
        for row in db.execute(f"PRAGMA foreign_key_list({table})").fetchall():
            if row[2] in chosen and row[6] not in ("NO ACTION", "RESTRICT"):
                raise RuntimeError(f"0009_ids_never_reused cannot keep {table} ({row[6]})")
    broken_before = len(db.execute("PRAGMA foreign_key_check").fetchall())
    made: dict[str, tuple[str, list[str]]] = {}
    for table in _NEVER_REUSED_0009:
        (sql,) = db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]
        ).fetchone()
        marker = "id INTEGER PRIMARY KEY,"
        if str(sql).count(marker) != 1:
            raise RuntimeError(f"0009_ids_never_reused does not know {table}'s schema")
        others = [
            str(text)
            for (text,) in db.execute(
                "SELECT sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
                "AND tbl_name = ? AND sql IS NOT NULL ORDER BY type, name",
                [table],
            )
        ]
        made[table] = (str(sql).replace(marker, "id INTEGER PRIMARY KEY AUTOINCREMENT,"), others)
        db.execute(f"DROP TABLE IF EXISTS temp.kept_{table}")
        db.execute(f"CREATE TEMP TABLE kept_{table} AS SELECT * FROM {table}")
    for table in reversed(_NEVER_REUSED_0009):
        db.execute(f"DROP TABLE {table}")
    for table in _NEVER_REUSED_0009:
        create, others = made[table]
        db.execute(create)
        db.execute(f"INSERT INTO {table} SELECT * FROM temp.kept_{table} ORDER BY rowid")
        db.execute(f"DROP TABLE temp.kept_{table}")
        _run(db, others)
        # Explicit ids set the sequence to the highest; said here so that it cannot depend on it.
        (highest,) = db.execute(f"SELECT ifnull(max(id), 0) FROM {table}").fetchone()
        db.execute("DELETE FROM sqlite_sequence WHERE name = ?", [table])
        if highest:
            db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", [table, highest])
    broken = len(db.execute("PRAGMA foreign_key_check").fetchall())
    if broken > broken_before:  # cannot happen: everything was put back with its ids
        raise RuntimeError(f"0009_ids_never_reused would break {broken - broken_before} references")


@migrations(name="0010_decision_basis")
def decision_basis(db: Database) -> None:
    """What a review decision was made on: ``basis`` (JSON: the compared coders' passages of the
    code around the difference when it was decided), so that a decision whose passages a coder
    changed since shows as stale; and ``made`` (JSON list of GUIDs), the consensus codings it
    wrote, so that redoing or replacing it takes exactly those away."""
    _run(
        db,
        [
            "ALTER TABLE decisions ADD COLUMN basis TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE decisions ADD COLUMN made TEXT NOT NULL DEFAULT '[]'",
        ],
    )


#: The tables 0011 gives AUTOINCREMENT ids, parents first.
_NEVER_REUSED_0011 = ("coders", "documents")


@migrations(name="0011_coder_and_document_ids")
def coder_and_document_ids(db: Database) -> None:
    """Ids of coders and documents are never given twice either (as 0009 did for codes,
    codings, memos and decisions): a window still holding a coder merged away, or an undo
    step naming an article, must not find another coder or article under that id.

    The tables are made anew with ``AUTOINCREMENT``. Inside the migration's transaction
    foreign keys cannot be switched off, and dropping a parent table deletes its rows first,
    firing ON DELETE CASCADE (codings, statuses, decisions, variables' values …). So, as in
    0006: every table that cascades from them (transitively) is kept aside whole, its
    triggers lifted while its rows are put back; ``coders`` and ``documents`` are dropped and
    made anew from their stored text with ``AUTOINCREMENT`` added, every row with its id,
    every index and trigger with its own text; the foreign keys are checked at commit
    (``defer_foreign_keys``) and ``sqlite_sequence`` starts past the highest id.
    """
    name = "0011_coder_and_document_ids"
    db.execute("PRAGMA defer_foreign_keys = ON")
    chosen = set(_NEVER_REUSED_0011)
    tables = [
        str(t)
        for (t,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' "
            "ORDER BY name"
        ).fetchall()
    ]
    # The tables whose rows a drop would delete or change: children by a cascading key, and
    # theirs, and so on.
    cascading: list[str] = []
    reached = set(chosen)
    grew = True
    while grew:
        grew = False
        for table in tables:
            if table in reached:
                continue
            for row in db.execute(f"PRAGMA foreign_key_list({table})").fetchall():
                if row[2] in reached and row[6] not in ("NO ACTION", "RESTRICT"):
                    if row[6] != "CASCADE":
                        raise RuntimeError(f"{name} cannot keep {table} ({row[6]})")
                    reached.add(table)
                    cascading.append(table)
                    grew = True
                    break
    broken_before = len(db.execute("PRAGMA foreign_key_check").fetchall())

    def objects(table: str) -> list[tuple[str, str, str]]:
        return [
            (str(kind), str(object_name), str(text))
            for kind, object_name, text in db.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
                "AND tbl_name = ? AND sql IS NOT NULL ORDER BY type, name",
                [table],
            )
        ]

    lifted: dict[str, list[tuple[str, str, str]]] = {}
    for table in cascading:
        db.execute(f"DROP TABLE IF EXISTS temp.kept_{table}")
        db.execute(f"CREATE TEMP TABLE kept_{table} AS SELECT * FROM {table}")
        lifted[table] = [o for o in objects(table) if o[0] == "trigger"]
        for _, trigger, _ in lifted[table]:
            db.execute(f"DROP TRIGGER {trigger}")
    made: dict[str, tuple[str, list[str]]] = {}
    marker = "id INTEGER PRIMARY KEY,"
    for table in _NEVER_REUSED_0011:
        (sql,) = db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]
        ).fetchone()
        if str(sql).count(marker) != 1:
            raise RuntimeError(f"{name} does not know {table}'s schema")
        others = [text for _, _, text in objects(table)]
        made[table] = (str(sql).replace(marker, "id INTEGER PRIMARY KEY AUTOINCREMENT,"), others)
        db.execute(f"DROP TABLE IF EXISTS temp.kept_{table}")
        db.execute(f"CREATE TEMP TABLE kept_{table} AS SELECT * FROM {table}")
    # Emptied first (their rows are kept aside), so that a drop cascades into nothing: its
    # deletions would otherwise reach tables pointing at the table rebuilt before it.
    for table in cascading:
        db.execute(f"DELETE FROM {table}")
    for table in _NEVER_REUSED_0011:  # one at a time: a drop needs the other table there
        create, others = made[table]
        db.execute(f"DROP TABLE {table}")
        db.execute(create)
        db.execute(f"INSERT INTO {table} SELECT * FROM temp.kept_{table} ORDER BY rowid")
        db.execute(f"DROP TABLE temp.kept_{table}")
        _run(db, others)
        (highest,) = db.execute(f"SELECT ifnull(max(id), 0) FROM {table}").fetchone()
        db.execute("DELETE FROM sqlite_sequence WHERE name = ?", [table])
        if highest:
            db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", [table, highest])
    for table in cascading:
        db.execute(f"INSERT INTO {table} SELECT * FROM temp.kept_{table} ORDER BY rowid")
        db.execute(f"DROP TABLE temp.kept_{table}")
        _run(db, [text for _, _, text in lifted[table]])
    broken = len(db.execute("PRAGMA foreign_key_check").fetchall())
    if broken > broken_before:  # cannot happen: everything was put back with its ids
        raise RuntimeError(f"{name} would break {broken - broken_before} references")


@migrations(name="0012_coder_aliases")
def coder_aliases(db: Database) -> None:
    """The GUIDs of coders merged into another (``coders merge``): a package still filed under
    the merged-away name then lands with the coder it was merged into."""
    _run(
        db,
        [
            """CREATE TABLE coder_aliases (
                guid TEXT PRIMARY KEY,
                coder_id INTEGER NOT NULL REFERENCES coders(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                merged_at TEXT NOT NULL
            )""",
            "CREATE INDEX coder_aliases_by_coder ON coder_aliases (coder_id)",
        ],
    )


#: Characters of the scripts written without spaces between words (Han, kana, Hangul, Thai,
#: Lao, Khmer, Myanmar, Tibetan, Yi) as a GLOB class, frozen with 0013: a document holding
#: any of them is also indexed by trigrams, where a word inside a run of such characters is
#: found. ``domain/search_text.py`` keeps the same ranges (a test compares the two).
_UNSPACED_GLOB_0013 = (
    "*[\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1100-\u11ff\u1780-\u17ff\u2e80-\u2fdf"
    "\u3005-\u3007\u3021-\u3029\u3031-\u3035\u3038-\u303c\u3040-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\uff66-\uffdc"
    "\U00020000-\U0003134f]*"
)


@migrations(name="0013_search")
def search(db: Database) -> None:
    """Search: a full-text index of the articles, where codings came from, saved searches and
    the user's changes to the stop-word lists.

    - ``search_words``: FTS5 over ``documents.text`` (external content: the text is not
      stored twice), tokenised by ``unicode61`` with diacritics removed, without positions
      (``detail=none``: half the size, a quicker import); it finds the candidate articles of a
      query, whose exact hits — phrases in order — are then found in the stored text.
    - ``search_unspaced``: FTS5 trigrams over the articles that hold a script written without
      spaces (``search_unspaced_documents``, a view): ``unicode61`` makes a whole run of
      Chinese or Japanese one token, so a word inside it is found through its trigrams.
    - ``search_pending``: the documents whose index entries are not yet up to date. Every
      change to ``documents`` — an import, a merge, a restore, another program — lands here
      through the triggers below: SQLite refuses a trigger that writes an FTS5 table while
      ``trusted_schema`` is off (as annotator runs it), so the index itself is brought up to
      date by ``storage/search_index.catch_up`` (after each article added, on opening for
      writing), and a search reads pending documents itself. ``indexed_text`` is the text the
      index holds for the document (NULL: none), which taking it out needs.
    - ``codings.origin``: NULL for a coding made by hand; for one made by a search, a JSON
      object (``{"kind": "search", "query": …, "regex": …, "unit": …, "rule": GUID or null,
      "name": …}``) naming the query and, for a saved search, its GUID and name then.
    - ``saved_searches``: searches kept under a name, as rules: the query and its options,
      the code it applies (``ON DELETE SET NULL``: deleting a code keeps the user's keyword
      dictionary, untied, instead of deleting it with the code or refusing the deletion), its
      unit, its scope (JSON: variable conditions, codes it searches within and by which
      coders) and the highest document id it has run on (``last_document_id``: re-running on
      new articles takes the ids above, whatever route brought them in).
    - ``stop_word_changes``: words the user added to or removed from a language's stop-word
      list (folded as search folds them), per ISO 639-1 code.

    The indexes are filled here for the articles a project already holds.
    """
    _run(
        db,
        [
            "CREATE VIRTUAL TABLE search_words USING fts5(text, content='documents', "
            "content_rowid='id', tokenize='unicode61 remove_diacritics 2', detail=none)",
            "CREATE VIEW search_unspaced_documents AS SELECT id, text FROM documents "
            f"WHERE text GLOB '{_UNSPACED_GLOB_0013}'",
            "CREATE VIRTUAL TABLE search_unspaced USING fts5(text, "
            "content='search_unspaced_documents', content_rowid='id', tokenize='trigram')",
            """CREATE TABLE search_pending (
                document_id INTEGER PRIMARY KEY,
                indexed_text TEXT
            )""",
            """CREATE TRIGGER documents_search_on_insert AFTER INSERT ON documents
                BEGIN INSERT OR IGNORE INTO search_pending (document_id, indexed_text)
                VALUES (NEW.id, NULL); END""",
            """CREATE TRIGGER documents_search_on_delete AFTER DELETE ON documents
                BEGIN INSERT OR IGNORE INTO search_pending (document_id, indexed_text)
                VALUES (OLD.id, OLD.text); END""",
            """CREATE TRIGGER documents_search_on_update AFTER UPDATE OF text ON documents
                BEGIN INSERT OR IGNORE INTO search_pending (document_id, indexed_text)
                VALUES (OLD.id, OLD.text); END""",
            "ALTER TABLE codings ADD COLUMN origin TEXT "
            "CHECK (origin IS NULL OR origin GLOB '{*}')",
            """CREATE TABLE saved_searches (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                guid TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL CHECK (name <> ''),
                name_key TEXT NOT NULL UNIQUE CHECK (name_key <> ''),
                query TEXT NOT NULL CHECK (query <> ''),
                regex INTEGER NOT NULL DEFAULT 0 CHECK (regex IN (0, 1)),
                match_case INTEGER NOT NULL DEFAULT 0 CHECK (match_case IN (0, 1)),
                match_diacritics INTEGER NOT NULL DEFAULT 0 CHECK (match_diacritics IN (0, 1)),
                code_id INTEGER REFERENCES codes(id) ON DELETE SET NULL,
                unit TEXT NOT NULL DEFAULT 'hit'
                    CHECK (unit IN ('hit', 'sentence', 'paragraph', 'article')),
                scope TEXT NOT NULL DEFAULT '{}' CHECK (scope GLOB '{*}'),
                last_document_id INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            "CREATE INDEX saved_searches_by_code ON saved_searches (code_id)",
            """CREATE TABLE stop_word_changes (
                language TEXT NOT NULL CHECK (language <> ''),
                word TEXT NOT NULL CHECK (word <> ''),
                change TEXT NOT NULL CHECK (change IN ('add', 'remove')),
                PRIMARY KEY (language, word)
            ) WITHOUT ROWID""",
            # FTS5 writes out the words it holds every 1 MB by default; an import of
            # thousands of articles goes a fifth faster with fewer, larger writes.
            "INSERT INTO search_words (search_words, rank) VALUES ('hashsize', 16777216)",
            "INSERT INTO search_unspaced (search_unspaced, rank) VALUES ('hashsize', 16777216)",
            "INSERT INTO search_words (search_words) VALUES ('rebuild')",
        ],
    )
    # The trigram index takes the articles the view's GLOB names, found here with the same
    # ranges as a regular expression: GLOB reads long texts a hundred times slower.
    unspaced = re.compile(_UNSPACED_GLOB_0013.removeprefix("*").removesuffix("*"))
    rows = db.execute("SELECT id, text FROM documents ORDER BY id")
    db.conn.executemany(
        "INSERT INTO search_unspaced (rowid, text) VALUES (?, ?)",
        ((i, text) for i, text in rows if unspaced.search(text)),
    )
