"""Migration 0013: search (full-text indexes, the origin of codings, saved searches, stop
words).

Shipped: never edit it; add a new migration at the end of the set (``storage/schema.py``).
"""

from __future__ import annotations

import re

from sqlite_utils import Database

from annotator.storage.schema_steps.run import run as _run

#: Characters of the scripts written without spaces between words (Han, kana, Hangul, Thai,
#: Lao, Khmer, Myanmar, Tibetan, Yi) as a GLOB class, frozen with 0013: a document holding
#: any of them is also indexed by trigrams, where a word inside a run of such characters is
#: found. ``domain/search_text.py`` keeps the same ranges (a test compares the two).
UNSPACED_GLOB_0013 = (
    "*[\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1100-\u11ff\u1780-\u17ff\u2e80-\u2fdf"
    "\u3005-\u3007\u3021-\u3029\u3031-\u3035\u3038-\u303c\u3040-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\uff66-\uffdc"
    "\U00020000-\U0003134f]*"
)


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
            f"WHERE text GLOB '{UNSPACED_GLOB_0013}'",
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
    unspaced = re.compile(UNSPACED_GLOB_0013.removeprefix("*").removesuffix("*"))
    rows = db.execute("SELECT id, text FROM documents ORDER BY id")
    db.conn.executemany(
        "INSERT INTO search_unspaced (rowid, text) VALUES (?, ?)",
        ((i, text) for i, text in rows if unspaced.search(text)),
    )


#: The migrations of this module, in the order they run.
STEPS = [
    ("0013_search", search),
]
