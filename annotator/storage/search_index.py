"""The full-text index of the articles (migration 0013): keeping it up to date, asking it
for candidate articles, and checking it.

Two FTS5 tables index ``documents.text`` without storing it again: ``search_words`` (words,
``unicode61``, accents of Latin letters removed) and ``search_unspaced`` (trigrams, for the
articles holding a script written without spaces). Triggers on ``documents`` list every
changed article in ``search_pending`` (an FTS5 table cannot be written by a trigger while
``trusted_schema`` is off); :func:`catch_up` brings the index up to date from that list.
Until it has, a search reads the pending articles itself (:class:`Pending` in a plan), so
results never depend on when the index last caught up.

A search asks for candidates with a :data:`Plan`: the articles the index says may match.
Exact hits are found in the stored text by the caller; a plan must only never leave out an
article that matches.
"""

from __future__ import annotations

import functools
import sqlite3
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlite_utils import Database

from annotator.domain.search_text import has_unspaced
from annotator.storage.schema_steps.search import UNSPACED_GLOB_0013

WORDS = "search_words"
#: The bytes of words FTS5 holds before writing them out (migration 0013 sets it).
HASH_SIZE = 16 * 1024 * 1024
UNSPACED = "search_unspaced"
#: The GLOB that puts an article into ``search_unspaced`` (migration 0013's view).
UNSPACED_GLOB = UNSPACED_GLOB_0013


# -- plans -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Words:
    """Articles the word index matches with this FTS5 expression."""

    match: str


@dataclass(frozen=True)
class Trigrams:
    """Articles of an unspaced script whose trigram index matches this FTS5 expression (a
    quoted string of three characters or more: a substring, ignoring case)."""

    match: str


@dataclass(frozen=True)
class Contains:
    """Articles of an unspaced script whose text holds this (ignoring the case of ASCII
    letters): for strings too short for trigrams. Read from those articles only."""

    text: str


@dataclass(frozen=True)
class AllUnspaced:
    """Every article of an unspaced script."""


@dataclass(frozen=True)
class Every:
    """Every article (a term the index cannot narrow: the caller reads every text)."""


@dataclass(frozen=True)
class Nothing:
    """No article."""


@dataclass(frozen=True)
class Both:
    parts: tuple[Plan, ...]


@dataclass(frozen=True)
class Either:
    parts: tuple[Plan, ...]


Plan = Words | Trigrams | Contains | AllUnspaced | Every | Nothing | Both | Either


def both(parts: list[Plan]) -> Plan:
    """Articles every part allows (Every drops out, Nothing wins; word expressions join)."""
    return _combine(parts, wins=Nothing, drops=Every, joiner="AND", make=Both)


def either(parts: list[Plan]) -> Plan:
    """Articles any part allows (Every wins, Nothing drops out; word expressions join)."""
    return _combine(parts, wins=Every, drops=Nothing, joiner="OR", make=Either)


def _combine(
    parts: list[Plan],
    *,
    wins: type[Every] | type[Nothing],
    drops: type[Every] | type[Nothing],
    joiner: str,
    make: type[Both] | type[Either],
) -> Plan:
    """``both`` and ``either`` are duals: one plan absorbs the rest, the other is neutral."""
    kept: list[Plan] = []
    words: list[str] = []
    for part in parts:
        if isinstance(part, wins):
            return part
        if isinstance(part, drops):
            continue
        if isinstance(part, Words):
            words.append(part.match)
        else:
            kept.append(part)
    if words:
        joined = f" {joiner} ".join(f"({w})" for w in words) if len(words) > 1 else words[0]
        kept.insert(0, Words(joined))
    if not kept:
        return drops()
    return kept[0] if len(kept) == 1 else make(tuple(kept))


def quoted(text: str) -> str:
    """A string as an FTS5 query writes it (double quotes doubled)."""
    return '"' + text.replace('"', '""') + '"'


#: How migration 0013 tokenizes the word index.
WORDS_TOKENIZER = "unicode61 remove_diacritics 2"


@functools.lru_cache(maxsize=1024)
def index_tokens(forms: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The tokens the word index makes of each of ``forms``, asked of its own tokenizer: a
    mark ``unicode61`` takes away (the dot of i̇, as İ casefolds) or keeps in a token (one
    newer than its Unicode 6.1 tables) does not end a token there, one it knows as no
    letter does (a nukta); a regular expression cannot tell them apart."""
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute(f"CREATE VIRTUAL TABLE t USING fts5(x, tokenize='{WORDS_TOKENIZER}')")
        connection.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
        connection.executemany(
            "INSERT INTO t (rowid, x) VALUES (?, ?)", list(enumerate(forms, start=1))
        )
        found: dict[int, list[str]] = {}
        for document, term in connection.execute("SELECT doc, term FROM v ORDER BY doc, offset"):
            found.setdefault(int(document), []).append(str(term))
    finally:
        connection.close()
    return tuple(tuple(found.get(number, ())) for number in range(1, len(forms) + 1))


# -- asking the index --------------------------------------------------------------------------


def _sql(plan: Plan, parameters: list[object]) -> str:
    """A SELECT of the ids ``plan`` allows (Every and Pending aside)."""
    if isinstance(plan, Words):
        parameters.append(plan.match)
        return f"SELECT rowid AS id FROM {WORDS} WHERE {WORDS} MATCH ?"
    if isinstance(plan, Trigrams):
        parameters.append(plan.match)
        return f"SELECT rowid AS id FROM {UNSPACED} WHERE {UNSPACED} MATCH ?"
    if isinstance(plan, Contains):
        escaped = plan.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        parameters.append(f"%{escaped}%")
        return (
            f"SELECT z.id AS id FROM {UNSPACED}_docsize z JOIN documents d ON d.id = z.id "
            "WHERE d.text LIKE ? ESCAPE '\\'"
        )
    if isinstance(plan, AllUnspaced):
        return f"SELECT id FROM {UNSPACED}_docsize"
    if isinstance(plan, Every):
        return "SELECT id FROM documents"
    if isinstance(plan, Nothing):
        return "SELECT id FROM documents WHERE 0"
    joiner = " INTERSECT " if isinstance(plan, Both) else " UNION "
    return joiner.join(f"SELECT id FROM ({_sql(part, parameters)})" for part in plan.parts)


def candidate_ids(db: Database, plan: Plan) -> Iterator[int]:
    """The ids of the articles ``plan`` allows, and of every article not yet indexed, in id
    order (streamed: a first page of hits needs only the first few)."""
    parameters: list[object] = []
    inner = _sql(plan, parameters)
    sql = (
        f"SELECT id FROM ({inner}) WHERE id IN (SELECT id FROM documents) "
        "UNION SELECT p.document_id FROM search_pending p JOIN documents d "
        "ON d.id = p.document_id ORDER BY 1"
    )
    if isinstance(plan, Words):  # the common case: straight from the index, in rowid order
        parameters = [plan.match]
        sql = (
            f"SELECT w.rowid FROM {WORDS} w JOIN documents d ON d.id = w.rowid "
            f"WHERE {WORDS} MATCH ? AND w.rowid NOT IN (SELECT document_id FROM search_pending) "
            "UNION ALL SELECT p.document_id FROM search_pending p JOIN documents d "
            "ON d.id = p.document_id ORDER BY 1"
        )
    try:
        for (document_id,) in db.execute(sql, parameters):
            yield int(document_id)
    except sqlite3.OperationalError as error:
        if "fts5" in str(error):  # an expression the caller built wrong: a bug, said plainly
            raise RuntimeError(f"the search index refused {parameters!r}: {error}") from None
        raise


def has_unspaced_articles(db: Database) -> bool:
    """Whether any article is indexed by trigrams (or waits to be indexed)."""
    row = db.execute(
        f"SELECT EXISTS (SELECT 1 FROM {UNSPACED}_docsize) OR EXISTS (SELECT 1 FROM search_pending)"
    ).fetchone()
    return bool(row[0])


def pending_count(db: Database) -> int:
    """How many articles wait to be (re)indexed."""
    return int(db.execute("SELECT count(*) FROM search_pending").fetchone()[0])


# -- keeping it up to date ---------------------------------------------------------------------


def catch_up(db: Database) -> int:
    """Index the articles waiting in ``search_pending`` (take out what the index held for
    them, put in their text now) in one transaction; returns how many there were.

    Which articles the trigram index takes is decided here with the same ranges as the view's
    GLOB (``domain/search_text.py``): SQLite's GLOB reads a long text at a few megabytes a
    second, a regular expression at hundreds."""
    if not db.execute("SELECT EXISTS (SELECT 1 FROM search_pending)").fetchone()[0]:
        return 0
    done, last = 0, None
    with db.atomic():
        # The texts a chunk at a time: an import of 100,000 articles fetched them all at once
        # (130 MB more, at the end of its transaction).
        while True:
            after = "" if last is None else "WHERE p.document_id > ? "
            rows = db.execute(
                "SELECT p.document_id, p.indexed_text, d.text FROM search_pending p "
                f"LEFT JOIN documents d ON d.id = p.document_id {after}"
                "ORDER BY p.document_id LIMIT ?",
                [_CATCH_UP_CHUNK] if last is None else [last, _CATCH_UP_CHUNK],
            ).fetchall()
            if not rows:
                break
            _catch_up_rows(db.conn, rows)
            done += len(rows)
            last = rows[-1][0]
        db.execute("DELETE FROM search_pending")
    return done


#: Pending articles indexed at a time by :func:`catch_up`.
_CATCH_UP_CHUNK = 1000


def _catch_up_rows(
    connection: sqlite3.Connection, rows: list[tuple[int, str | None, str | None]]
) -> None:
    gone = [(i, old) for i, old, _ in rows if old is not None]
    new = [(i, text) for i, _, text in rows if text is not None]
    connection.executemany(
        f"INSERT INTO {WORDS} ({WORDS}, rowid, text) VALUES ('delete', ?, ?)", gone
    )
    connection.executemany(
        f"INSERT INTO {UNSPACED} ({UNSPACED}, rowid, text) VALUES ('delete', ?, ?)",
        [(i, old) for i, old in gone if has_unspaced(old)],
    )
    connection.executemany(f"INSERT INTO {WORDS} (rowid, text) VALUES (?, ?)", new)
    connection.executemany(
        f"INSERT INTO {UNSPACED} (rowid, text) VALUES (?, ?)",
        [(i, text) for i, text in new if has_unspaced(text)],
    )


def rebuild(db: Database) -> int:
    """Index every article anew in one transaction; returns how many."""
    with db.atomic():
        return fill(db.conn)


# -- checking it -------------------------------------------------------------------------------


def index_problems(connection: sqlite3.Connection) -> list[str]:
    """What is wrong with the index, read without writing (``annotator check`` reads only):
    articles missing from it or held for articles gone, the trigram index holding other
    articles than those of unspaced scripts, and for a sample of articles, a word of theirs
    the index cannot find them by. Articles still pending are left aside. Empty when sound."""
    try:
        return _index_problems(connection)
    except sqlite3.DatabaseError as error:
        return [f"the search index is damaged ({error})"]


def _index_problems(connection: sqlite3.Connection) -> list[str]:
    problems: list[str] = []
    pending = "SELECT document_id FROM search_pending"
    checks = (
        (
            f"SELECT count(*) FROM documents WHERE id NOT IN ({pending}) "
            f"AND id NOT IN (SELECT id FROM {WORDS}_docsize)",
            "articles are missing from the search index",
        ),
        (
            f"SELECT count(*) FROM {WORDS}_docsize WHERE id NOT IN ({pending}) "
            "AND id NOT IN (SELECT id FROM documents)",
            "entries of the search index belong to no article",
        ),
    )
    for sql, what in checks:
        count = int(connection.execute(sql).fetchone()[0])
        if count:
            problems.append(f"{count} {what}")
    waiting = {int(r[0]) for r in connection.execute(pending)}
    trigrams = {int(r[0]) for r in connection.execute(f"SELECT id FROM {UNSPACED}_docsize")}
    unspaced = {
        int(i)
        for i, text in connection.execute("SELECT id, text FROM documents")
        if has_unspaced(str(text))
    }
    for count, what in (
        (
            len(unspaced - trigrams - waiting),
            "articles in unspaced scripts are missing from the trigram index",
        ),
        (
            len(trigrams - unspaced - waiting),
            "entries of the trigram index belong to no article in an unspaced script",
        ),
    ):
        if count:
            problems.append(f"{count} {what}")
    if problems:
        return problems
    return _sample_problems(connection)


def _sample_problems(connection: sqlite3.Connection, size: int = 50) -> list[str]:
    """Each of up to ``size`` articles spread over the project must be found by the longest
    word of its first hundred characters (a damaged index loses them)."""
    from annotator.domain.search_text import is_unspaced, tokens

    total = int(connection.execute("SELECT count(*) FROM documents").fetchone()[0])
    step = max(total // size, 1)
    rows = connection.execute(
        "SELECT id, substr(text, 1, 100) FROM documents WHERE id NOT IN "
        "(SELECT document_id FROM search_pending) ORDER BY id"
    ).fetchall()
    missing = 0
    for document_id, start in rows[::step][:size]:
        words = [w for w in tokens(str(start)) if not is_unspaced(w) and w.isalnum()]
        if len(words) < 2:  # the last may be cut off by substr, or the text unspaced
            continue
        word = max(words[:-1], key=len)
        found = connection.execute(
            f"SELECT 1 FROM {WORDS} WHERE {WORDS} MATCH ? AND rowid = ?",
            [quoted(word), document_id],
        ).fetchone()
        if found is None:
            missing += 1
    if missing:
        return [f"the search index does not find {missing} articles by their own words"]
    return []


# -- where the index folds otherwise than search -----------------------------------------------

#: The code points whose letters may fold otherwise in the index than in search: all of them
#: past ASCII (Latin ligatures and ß, Greek with oxia, but also letters whose NFC is another —
#: Devanagari's precomposed nukta letters, Hebrew presentation forms, CJK compatibility
#: ideographs — and the cases added after Unicode 6.1, which ``unicode61`` folds by:
#: Cherokee, Georgian Mtavruli, Osage, Adlam, …).
LAST_CODE_POINT = 0x3134F


@functools.lru_cache(maxsize=1)
def _letters() -> list[str]:
    return [
        chr(code)
        for code in range(0x80, LAST_CODE_POINT + 1)
        if unicodedata.category(chr(code))[0] in "LN"
    ]


@dataclass(frozen=True)
class Divergences:
    """Letters the word index folds otherwise than search: ``variants`` maps what search
    folds a letter to (``ss``) to the letters the index must be asked for in its place
    (``ß``); where search's folding has a letter the index does not see as one, a query word
    is cut before what it folds to (``cuts``) and asked for as a prefix."""

    variants: tuple[tuple[str, tuple[str, ...]], ...]
    cuts: frozenset[str]


@functools.lru_cache(maxsize=8)
def divergences(fold: Callable[[str], str]) -> Divergences:
    """What the running SQLite's ``unicode61`` tokenizer folds otherwise than ``fold``, found
    by asking it (once per process and folding): a letter whose index token differs from that
    of its folded form. Only letters that ``fold`` changes can differ; they are found by
    folding all letters at once (one line each), then the index is asked about those."""
    every = _letters()
    images = fold("\n".join(every)).split("\n")
    if len(images) != len(every):  # pragma: no cover - a folding that made or ate a line
        images = [fold(letter) for letter in every]
    pairs = [
        (letter, image) for letter, image in zip(every, images, strict=True) if letter != image
    ]
    letters = [letter for letter, _image in pairs]
    folded = [image for _letter, image in pairs]
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute(
            "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 2')"
        )
        connection.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
        rows = [(i, text) for i, text in enumerate(letters + folded)]
        connection.executemany("INSERT INTO t (rowid, x) VALUES (?, ?)", rows)
        found: dict[int, list[str]] = {}
        for term, document, _offset in connection.execute(
            "SELECT term, doc, offset FROM v ORDER BY doc, offset"
        ):
            found.setdefault(int(document), []).append(str(term))
    finally:
        connection.close()
    variants: dict[str, list[str]] = {}
    cuts: set[str] = set()
    for index, (letter, image) in enumerate(zip(letters, folded, strict=True)):
        own, of_image = found.get(index, []), found.get(len(letters) + index, [])
        if own == of_image or not image or not any(c.isalnum() for c in image):
            continue
        if len(own) == 1 and len(of_image) == 1:
            variants.setdefault(image, []).append(letter)
        else:
            cuts.add(image)
    return Divergences(
        tuple((image, tuple(raw)) for image, raw in sorted(variants.items())), frozenset(cuts)
    )


# -- mending it ---------------------------------------------------------------------------------

#: The index's tables (FTS5 makes its own tables beside each: ``_data``, ``_idx``, …).
INDEX_TABLES = (WORDS, UNSPACED)
_SHADOWS = ("data", "idx", "docsize", "config", "content")


def is_index_object(name: str) -> bool:
    """Whether a schema object is one of the index's FTS5 tables or the tables FTS5 keeps
    beside them (which a repair must make again together, never one by one)."""
    folded = name.lower()
    return any(
        folded == table or folded in (f"{table}_{shadow}" for shadow in _SHADOWS)
        for table in INDEX_TABLES
    )


def drop_index(connection: sqlite3.Connection) -> None:
    """Drop the FTS5 tables and whatever is left of the tables beside them (a repair then
    makes them again from migration 0013 and fills them: :func:`fill`). FTS5 must read its
    own tables to drop one of its tables; where they are too damaged for that, they are
    dropped one by one and the FTS5 table's entry is taken out of the schema."""
    for table in INDEX_TABLES:
        try:
            connection.execute(f'DROP TABLE IF EXISTS "{table}"')
        except sqlite3.DatabaseError:
            for shadow in _SHADOWS:
                connection.execute(f'DROP TABLE IF EXISTS "{table}_{shadow}"')
            connection.execute("PRAGMA writable_schema = ON")
            connection.execute(
                "DELETE FROM sqlite_master WHERE type = 'table' AND name = ?", [table]
            )
            connection.execute("PRAGMA writable_schema = RESET")
        for shadow in _SHADOWS:
            connection.execute(f'DROP TABLE IF EXISTS "{table}_{shadow}"')


def configure(connection: sqlite3.Connection) -> None:
    """Give the index's FTS5 tables the settings migration 0013 gives them."""
    for table in INDEX_TABLES:
        connection.execute(
            f"INSERT INTO {table} ({table}, rank) VALUES ('hashsize', ?)", [HASH_SIZE]
        )


def remake(connection: sqlite3.Connection) -> int:
    """Drop the index and make it again from the migration's statements, filled, inside the
    caller's transaction (its pages damaged, or its rows out of step); returns how many
    articles it indexed."""
    from annotator.storage import verify

    expected = verify.reference(verify.applied_migrations(connection))
    drop_index(connection)
    for table in INDEX_TABLES:
        made = expected[verify.key_of("table", table)]
        assert made.sql is not None
        connection.execute(made.sql)
    configure(connection)
    return fill(connection)


def fill(connection: sqlite3.Connection) -> int:
    """Index every article anew, inside the caller's transaction; returns how many."""
    connection.execute("DELETE FROM search_pending")
    connection.execute(f"INSERT INTO {WORDS} ({WORDS}) VALUES ('rebuild')")
    connection.execute(f"INSERT INTO {UNSPACED} ({UNSPACED}) VALUES ('delete-all')")
    rows = connection.execute("SELECT id, text FROM documents ORDER BY id").fetchall()
    connection.executemany(
        f"INSERT INTO {UNSPACED} (rowid, text) VALUES (?, ?)",
        [(i, text) for i, text in rows if has_unspaced(text)],
    )
    return len(rows)
