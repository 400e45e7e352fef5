"""Migrations 0001–0008: the first schema and what the first versions added to it.

Shipped: never edit one; add a new migration at the end of the set (``storage/schema.py``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlite_utils import Database

from annotator.domain.errors import ProjectError
from annotator.storage.schema_steps.run import run as _run


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


#: The migrations of this module, in the order they run.
STEPS = [
    ("0001_initial", initial),
    ("0002_indexes_for_the_window", indexes_for_the_window),
    ("0003_indexes_for_all_coders", indexes_for_all_coders),
    ("0004_consensus_decisions", consensus_decisions),
    ("0005_deletions", deletions),
    ("0006_code_names", code_names),
    ("0007_near_duplicates", near_duplicates),
    ("0008_imports", imports),
]
