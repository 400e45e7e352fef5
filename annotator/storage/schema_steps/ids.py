"""Migrations 0009–0012: ids never reused, the basis of decisions, GUIDs of coders and
documents, coder aliases.

Shipped: never edit one; add a new migration at the end of the set (``storage/schema.py``).
"""

from __future__ import annotations

from sqlite_utils import Database

from annotator.storage.schema_steps.run import run as _run

#: The tables whose ids an undo step, a decision or a memo addresses, parents first.
_NEVER_REUSED_0009 = ("codes", "codings", "memos", "decisions")


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


#: The migrations of this module, in the order they run.
STEPS = [
    ("0009_ids_never_reused", ids_never_reused),
    ("0010_decision_basis", decision_basis),
    ("0011_coder_and_document_ids", coder_and_document_ids),
    ("0012_coder_aliases", coder_aliases),
]
