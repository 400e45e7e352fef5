"""Migration 0015: codebook versions — the change log of the codebook, its tags, and the
version each coding was made under.

Shipped once released: never edit it; add a new migration at the end of the set
(``storage/schema.py``).
"""

from __future__ import annotations

from sqlite_utils import Database

from annotator.storage.schema_steps.run import run as _run

_NOW = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
# An 8-4-4-4-12 GUID as new_guid() gives (random, not version-4 marked: it only names a change).
_GUID = (
    "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' "
    "|| hex(randomblob(2)) || '-' || hex(randomblob(6)))"
)
#: The fields of a node whose change is logged, with the SQL giving each as text (the parent
#: by GUID: ids are local to one file). JSON functions cannot be used: SQLite before 3.41
#: refuses them in triggers while ``trusted_schema`` is off, as annotator runs it.
_LOGGED = {
    "name": "{row}.name",
    "parent": "(SELECT guid FROM codes WHERE id = {row}.parent_id)",
    "color": "{row}.color",
    "description": "{row}.description",
    "shortcut": "{row}.shortcut",
    "exclusive": "{row}.exclusive",
    "position": "{row}.position",
}
_COLUMN = {"parent": "parent_id"}


def _triggers() -> list[str]:
    parent = _LOGGED["parent"]
    into = "INSERT INTO codebook_changes (action, code_guid, code_name, parent_guid"
    statements = [
        f"""CREATE TRIGGER codes_logged_on_insert AFTER INSERT ON codes
            BEGIN {into}, new) VALUES ('add', NEW.guid, NEW.name, {parent.format(row="NEW")},
            NEW.name); END""",
        f"""CREATE TRIGGER codes_logged_on_delete AFTER DELETE ON codes
            BEGIN {into}, old) VALUES ('delete', OLD.guid, OLD.name,
            {parent.format(row="OLD")}, OLD.name); END""",
    ]
    for field, value in _LOGGED.items():
        column = _COLUMN.get(field, field)
        statements.append(
            f"""CREATE TRIGGER codes_logged_{field} AFTER UPDATE OF {column} ON codes
            WHEN OLD.{column} IS NOT NEW.{column}
            BEGIN {into}, field, old, new) VALUES ('change', NEW.guid, NEW.name,
            {parent.format(row="NEW")}, '{field}', {value.format(row="OLD")},
            {value.format(row="NEW")}); END"""
        )
    return statements


def codebook_versions(db: Database) -> None:
    """The codebook's change log, its tags, and each coding's version.

    - ``codebook_changes``: one row per change to a node of the codebook, written by the
      triggers below whatever route made it (the editor, an undo, a codebook import, a merge,
      a REFI-QDA import, another program): ``action`` ``add``, ``change`` (one row per field
      changed: ``field``, its value before, ``old``, and after, ``new``, as text — the parent
      by GUID, ``exclusive`` 0/1, ``position`` its place among its siblings) or ``delete``;
      the node's GUID, its name and its parent's GUID then; the time. A trigger
      cannot know who works: ``coder`` (the coder the session is used as) and ``route`` (what
      made the change) are filled in the same transaction by ``storage/codebook.py``; they
      stay NULL for a change another program made. ``guid`` names the change across copies of
      the project (a coder's copy made from the master shares its log up to the copy), so that
      a package's codings can say their version. The first row, ``baseline``, is the
      codebook as it stood when the log began (its node count in ``new``).
    - ``codebook_tags``: a name for the state of the codebook at a change ("v1 pilot").
    - ``codings.codebook_version``: the id of the latest change when the coding was made
      (filled by a trigger for every coding inserted without one); NULL for the codings made
      before this migration: which version they were made under is not known.
    """
    _run(
        db,
        [
            f"""CREATE TABLE codebook_changes (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                guid TEXT NOT NULL UNIQUE DEFAULT ({_GUID}),
                made_at TEXT NOT NULL DEFAULT ({_NOW}),
                action TEXT NOT NULL CHECK (action IN ('baseline', 'add', 'change', 'delete')),
                code_guid TEXT,
                code_name TEXT,
                parent_guid TEXT,
                field TEXT CHECK (field IS NULL OR field IN
                    ('name', 'parent', 'color', 'description', 'shortcut', 'exclusive',
                     'position')),
                old TEXT,
                new TEXT,
                coder TEXT,
                route TEXT
            )""",
            "CREATE INDEX codebook_changes_by_code ON codebook_changes (code_guid)",
            """CREATE TABLE codebook_tags (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL UNIQUE CHECK (name <> ''),
                change_id INTEGER NOT NULL REFERENCES codebook_changes(id),
                note TEXT NOT NULL DEFAULT '',
                coder TEXT,
                made_at TEXT NOT NULL
            )""",
            "CREATE INDEX codebook_tags_by_change ON codebook_tags (change_id)",
            *_triggers(),
            "ALTER TABLE codings ADD COLUMN codebook_version INTEGER",
            "CREATE INDEX codings_by_codebook_version ON codings (codebook_version)",
            """CREATE TRIGGER codings_version_on_insert AFTER INSERT ON codings
                WHEN NEW.codebook_version IS NULL
                BEGIN UPDATE codings SET codebook_version =
                    (SELECT max(id) FROM codebook_changes) WHERE id = NEW.id; END""",
            "INSERT INTO codebook_changes (action, new, route) VALUES ('baseline', "
            "(SELECT count(*) FROM codes), 'versions began')",
        ],
    )


#: The migrations of this module, in the order they run.
STEPS = [
    ("0015_codebook_versions", codebook_versions),
]
