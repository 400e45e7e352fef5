"""Codings: a coder's code on a span of a document, or on the whole article."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from typing import Any

from sqlite_utils import Database

from annotator.domain.errors import NotFoundError, UserError
from annotator.domain.model import Coding, new_guid, utc_now
from annotator.domain.text import check_span
from annotator.storage.deletions import DeletionStore

_COLUMNS = (
    'id, guid, document_id, coder_id, code_id, start, "end", memo, created_at, updated_at, origin'
)
#: The columns every insert gives (the id aside): a coding made by hand has no origin.
_INSERTED = 'guid, document_id, coder_id, code_id, start, "end", memo, created_at, updated_at'
#: Whether a coding was made by a search (its origin says so; text another program wrote
#: there that is not JSON counts as not).
SEARCH_MADE = (
    "ifnull(CASE WHEN json_valid(origin) THEN json_extract(origin, '$.kind') END = 'search', 0)"
)
# SQLite sorts NULL first: article-level codings come before passages, as the index has them.
_ORDER = 'ORDER BY document_id, start, "end", code_id, coder_id, id'


def _coding(row: Any) -> Coding:
    # Columns are in field order and SQLite returns ints, NULLs and text as the fields expect.
    return Coding(*row)


class CodingStore:
    """Create, change, delete and list codings. Deleting one leaves a tombstone (its GUID, coder,
    article and time: see :class:`DeletionStore`); a GUID that comes back clears it."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._deletions = DeletionStore(db)

    def add(
        self,
        document_id: int,
        coder_id: int,
        code_id: int,
        start: int | None,
        end: int | None,
        *,
        memo: str = "",
        created_at: str | None = None,
        updated_at: str | None = None,
        guid: str | None = None,
        origin: str | None = None,
    ) -> Coding:
        """Apply a code; ``start``/``end`` ``None`` codes the whole article.

        Spans outside the text or of zero length are refused, as are dimensions (only the
        codes below a dimension can be applied). ``origin``: where a coding not made by hand
        came from (JSON, see migration 0013).
        """
        self._check(document_id, code_id, start, end)
        self._check_memo(memo)
        now = utc_now()
        with self.db.atomic():
            cursor = self.db.execute(
                f"INSERT INTO codings ({_INSERTED}, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    guid or new_guid(),
                    document_id,
                    coder_id,
                    code_id,
                    start,
                    end,
                    memo,
                    created_at or now,
                    updated_at or created_at or now,
                    origin,
                ],
            )
            if guid:
                self._deletions.clear([guid])
        return self.get(int(cursor.lastrowid or 0))

    @staticmethod
    def _check_memo(memo: str) -> None:
        if "\x00" in memo:
            raise UserError("a memo cannot contain NUL characters")
        if not memo.isascii():
            try:
                memo.encode("utf-8")
            except UnicodeEncodeError as error:  # a lone surrogate, from a broken paste
                raise UserError(
                    f"a memo cannot contain the unpaired surrogate U+{ord(memo[error.start]):04X}"
                ) from None

    def _check(self, document_id: int, code_id: int, start: int | None, end: int | None) -> None:
        row = self.db.execute("SELECT length FROM documents WHERE id = ?", [document_id]).fetchone()
        if row is None:
            raise NotFoundError(f"there is no document with id {document_id}")
        check_span(start, end, int(row[0]))
        code = self.db.execute(
            "SELECT parent_id, name FROM codes WHERE id = ?", [code_id]
        ).fetchone()
        if code is None:
            raise NotFoundError(f"there is no code with id {code_id}")
        if code[0] is None:
            raise UserError(f"'{code[1]}' is a dimension: apply one of its codes")

    def get(self, coding_id: int) -> Coding:
        row = self.db.execute(
            f"SELECT {_COLUMNS} FROM codings WHERE id = ?", [coding_id]
        ).fetchone()
        if row is None:
            raise NotFoundError(f"there is no coding with id {coding_id}")
        return _coding(row)

    def by_guids(self, guids: Iterable[str]) -> dict[str, Coding]:
        """The codings with these GUIDs, by GUID (those that exist)."""
        wanted = list(guids)
        found: dict[str, Coding] = {}
        for start in range(0, len(wanted), 900):  # SQLite's limit on parameters
            chunk = wanted[start : start + 900]
            rows = self.db.execute(
                f"SELECT {_COLUMNS} FROM codings WHERE guid IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            found.update({coding.guid: coding for coding in map(_coding, rows)})
        return found

    def add_many(
        self,
        rows: Iterable[tuple[str, int, int, int, int | None, int | None, str, str, str]],
        *,
        origin: str | None = None,
    ) -> int:
        """Insert ``(guid, document, coder, code, start, end, memo, created, updated)`` rows
        the caller has checked (merges, a search coding its hits: then ``origin`` for every
        row); the table's triggers still refuse a span outside its text or a dimension.
        Returns how many."""
        batch = list(rows)
        for _, _, _, _, _, _, memo, _, _ in batch:
            self._check_memo(memo)
        columns = _INSERTED
        # Through a temporary table and one INSERT … SELECT: row by row, the triggers would
        # open a statement journal for every coding, which costs three times the insert.
        with self.db.atomic():
            self.db.execute(f"CREATE TEMP TABLE IF NOT EXISTS incoming_codings ({columns})")
            self.db.conn.executemany(
                "INSERT INTO incoming_codings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", batch
            )
            self.db.execute(
                f"INSERT INTO codings ({columns}, origin) "
                f"SELECT {columns}, ? FROM incoming_codings",
                [origin],
            )
            self.db.execute(
                "DELETE FROM deletions WHERE guid IN (SELECT guid FROM incoming_codings)"
            )
            self.db.execute("DELETE FROM incoming_codings")
        return len(batch)

    def taken(self, coding_id: int, guid: str) -> bool:
        """Whether a coding has this id or this GUID."""
        row = self.db.execute(
            "SELECT 1 FROM codings WHERE id = ? OR guid = ?", [coding_id, guid]
        ).fetchone()
        return row is not None

    def by_guid(self, guid: str) -> Coding | None:
        row = self.db.execute(f"SELECT {_COLUMNS} FROM codings WHERE guid = ?", [guid]).fetchone()
        return None if row is None else _coding(row)

    def overwrite(
        self,
        coding_id: int,
        code_id: int,
        start: int | None,
        end: int | None,
        memo: str,
        updated_at: str,
    ) -> Coding:
        """Give a coding another version of itself (from a merge): code, span, memo, time."""
        coding = self.get(coding_id)
        self._check(coding.document_id, code_id, start, end)
        self._check_memo(memo)
        with self.db.atomic():
            self.db.execute(
                'UPDATE codings SET code_id = ?, start = ?, "end" = ?, memo = ?, updated_at = ? '
                "WHERE id = ?",
                [code_id, start, end, memo, updated_at, coding_id],
            )
        return self.get(coding_id)

    def set_origin(self, coding_id: int, origin: str | None) -> None:
        """Say where a coding came from (a merge takes the sender's newer version's origin);
        its times are left as they are."""
        with self.db.atomic():
            self.db.execute("UPDATE codings SET origin = ? WHERE id = ?", [origin, coding_id])

    def set_span(self, coding_id: int, start: int | None, end: int | None) -> Coding:
        """Move a coding's boundaries (or make it article-level with ``None, None``)."""
        coding = self.get(coding_id)
        self._check(coding.document_id, coding.code_id, start, end)
        with self.db.atomic():
            self.db.execute(
                'UPDATE codings SET start = ?, "end" = ?, updated_at = ? WHERE id = ?',
                [start, end, utc_now(), coding_id],
            )
        return self.get(coding_id)

    def set_code(self, coding_id: int, code_id: int) -> Coding:
        coding = self.get(coding_id)
        self._check(coding.document_id, code_id, coding.start, coding.end)
        with self.db.atomic():
            self.db.execute(
                "UPDATE codings SET code_id = ?, updated_at = ? WHERE id = ?",
                [code_id, utc_now(), coding_id],
            )
        return self.get(coding_id)

    def set_memo(self, coding_id: int, memo: str) -> Coding:
        self.get(coding_id)
        self._check_memo(memo)
        with self.db.atomic():
            self.db.execute(
                "UPDATE codings SET memo = ?, updated_at = ? WHERE id = ?",
                [memo, utc_now(), coding_id],
            )
        return self.get(coding_id)

    def delete(
        self, coding_id: int, *, deleted_at: str | None = None, tombstone: bool = True
    ) -> Coding:
        """Remove a coding and return what it was (so it can be restored). Its tombstone says
        when: now, or ``deleted_at`` (a deletion merged from another copy keeps its time).
        ``tombstone=False`` leaves none: undo taking back a coding it made, which nobody
        else can have seen deleted."""
        coding = self.get(coding_id)
        with self.db.atomic():
            self.db.execute("DELETE FROM codings WHERE id = ?", [coding_id])
            if tombstone:
                self._deletions.record(
                    [(coding.guid, coding.coder_id, coding.document_id)], "coding", deleted_at
                )
        return coding

    def put_back(self, coding: Coding) -> Coding:
        """Give the coding with this id and GUID exactly these code, span, memo and times (undo
        and redo of an edit: the time is the one the version had, not now)."""
        self._check(coding.document_id, coding.code_id, coding.start, coding.end)
        self._check_memo(coding.memo)
        with self.db.atomic():
            cursor = self.db.execute(
                'UPDATE codings SET code_id = ?, start = ?, "end" = ?, memo = ?, created_at = ?, '
                "updated_at = ? WHERE id = ? AND guid = ?",
                [
                    coding.code_id,
                    coding.start,
                    coding.end,
                    coding.memo,
                    coding.created_at,
                    coding.updated_at,
                    coding.id,
                    coding.guid,
                ],
            )
            if cursor.rowcount != 1:
                raise NotFoundError(f"there is no coding with id {coding.id}")
        return self.get(coding.id)

    def restore(self, coding: Coding) -> Coding:
        """Put back a deleted coding with its id, GUID and times (for undo), and clear its
        tombstone: a package exported from now on holds the coding again, which tells a
        project that received the deletion that it came back."""
        self._check(coding.document_id, coding.code_id, coding.start, coding.end)
        with self.db.atomic():
            self._deletions.clear([coding.guid])
            self.db.execute(
                f"INSERT INTO codings ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    coding.id,
                    coding.guid,
                    coding.document_id,
                    coding.coder_id,
                    coding.code_id,
                    coding.start,
                    coding.end,
                    coding.memo,
                    coding.created_at,
                    coding.updated_at,
                    coding.origin,
                ],
            )
        return self.get(coding.id)

    def for_document(self, document_id: int, coder_id: int | None = None) -> list[Coding]:
        if coder_id is None:
            sql = f"SELECT {_COLUMNS} FROM codings WHERE document_id = ? {_ORDER}"
            return [_coding(r) for r in self.db.execute(sql, [document_id])]
        sql = f"SELECT {_COLUMNS} FROM codings WHERE document_id = ? AND coder_id = ? {_ORDER}"
        return [_coding(r) for r in self.db.execute(sql, [document_id, coder_id])]

    def for_code(self, code_id: int) -> list[Coding]:
        sql = f"SELECT {_COLUMNS} FROM codings WHERE code_id = ? {_ORDER}"
        return [_coding(r) for r in self.db.execute(sql, [code_id])]

    def for_coder(self, coder_id: int) -> list[Coding]:
        sql = f"SELECT {_COLUMNS} FROM codings WHERE coder_id = ? {_ORDER}"
        return [_coding(r) for r in self.db.execute(sql, [coder_id])]

    def all(self) -> Iterator[Coding]:
        """Every coding, by document and position (streamed: projects can be large)."""
        for row in self.db.execute(f"SELECT {_COLUMNS} FROM codings {_ORDER}"):
            yield _coding(row)

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM codings").fetchone()[0])

    def count_by_search(self, coder_ids: Collection[int] | None = None) -> int:
        """How many codings (of these coders) a search made."""
        where, parameters = _filters(coder_ids=coder_ids)
        row = self.db.execute(
            f"SELECT count(*) FROM codings {where} AND {SEARCH_MADE}", parameters
        ).fetchone()
        return int(row[0])

    def for_export(
        self,
        *,
        coder_ids: Collection[int] | None = None,
        code_ids: Collection[int] | None = None,
        document_ids: Collection[int] | None = None,
        since: str | None = None,
        before: str | None = None,
    ) -> Iterator[tuple[int, int, int, int, int | None, int | None, str, str, int]]:
        """``(id, document id, coder id, code id, start, end, memo, created at, by search)``
        of the codings chosen (created at ``since`` or later and ``before`` a time, ISO UTC),
        by document and position, ``by search`` 1 for a coding a search made, else 0;
        streamed as plain tuples (exports take hundreds of thousands)."""
        where, parameters = _filters(
            coder_ids=coder_ids, code_ids=code_ids, document_ids=document_ids
        )
        where, parameters = _made_between(where, parameters, since, before)
        yield from self.db.execute(
            f'SELECT id, document_id, coder_id, code_id, start, "end", memo, created_at, '
            f"{SEARCH_MADE} FROM codings {where} {_ORDER}",
            parameters,
        )

    def counts_by_document_coder_code(
        self,
        *,
        coder_ids: Collection[int] | None = None,
        code_ids: Collection[int] | None = None,
        document_ids: Collection[int] | None = None,
        since: str | None = None,
        before: str | None = None,
    ) -> list[tuple[int, int, int, int]]:
        """``(document id, coder id, code id, codings)`` of the codings chosen (as
        :meth:`for_export` chooses them), one row per triple that has any."""
        where, parameters = _filters(
            coder_ids=coder_ids, code_ids=code_ids, document_ids=document_ids
        )
        where, parameters = _made_between(where, parameters, since, before)
        rows: list[tuple[int, int, int, int]] = self.db.execute(
            f"SELECT document_id, coder_id, code_id, count(*) FROM codings {where} "
            "GROUP BY document_id, coder_id, code_id",
            parameters,
        ).fetchall()
        return rows

    def usage_by_code(self) -> list[tuple[int, int, int]]:
        """``(code id, codings, articles)`` of every code in use."""
        rows: list[tuple[int, int, int]] = self.db.execute(
            "SELECT code_id, count(*), count(DISTINCT document_id) FROM codings GROUP BY code_id"
        ).fetchall()
        return rows

    def rows(
        self, coder_ids: Collection[int] | None = None, *, by_search: bool | None = None
    ) -> list[tuple[int, int, int, int | None, int | None]]:
        """``(document id, coder id, code id, start, end)`` of every coding (of these coders):
        plain tuples for statistics over tens of thousands of codings. ``by_search``: only the
        codings a search made (True), or only the others (False)."""
        where, parameters = _filters(coder_ids=coder_ids)
        if by_search is not None:
            where += f" AND {'' if by_search else 'NOT '}{SEARCH_MADE}"
        rows: list[tuple[int, int, int, int | None, int | None]] = self.db.execute(
            f'SELECT document_id, coder_id, code_id, start, "end" FROM codings {where}',
            parameters,
        ).fetchall()
        return rows

    def find_same(
        self, document_id: int, coder_id: int, code_id: int, start: int | None, end: int | None
    ) -> Coding | None:
        """A coding with exactly this document, coder, code and span, if there is one."""
        row = self.db.execute(
            f"SELECT {_COLUMNS} FROM codings WHERE document_id = ? AND coder_id = ? "
            'AND code_id = ? AND start IS ? AND "end" IS ? ORDER BY id LIMIT 1',
            [document_id, coder_id, code_id, start, end],
        ).fetchone()
        return None if row is None else _coding(row)

    def count_for_codes(self, code_ids: list[int]) -> int:
        marks = ", ".join("?" * len(code_ids))
        row = self.db.execute(
            f"SELECT count(*) FROM codings WHERE code_id IN ({marks})", code_ids
        ).fetchone()
        return int(row[0])

    def delete_for_codes(self, code_ids: list[int]) -> int:
        """Delete every coding of these codes (each leaves its tombstone); return how many
        there were."""
        marks = ", ".join("?" * len(code_ids))
        with self.db.atomic():
            gone = self.db.execute(
                f"SELECT guid, coder_id, document_id FROM codings WHERE code_id IN ({marks})",
                code_ids,
            ).fetchall()
            self.db.execute(f"DELETE FROM codings WHERE code_id IN ({marks})", code_ids)
            self._deletions.record(gone, "coding")
        return len(gone)

    def reassign(self, source_id: int, target_id: int) -> int:
        """Move every coding of one code to another, dropping those that become exact duplicates
        of a coding the target already has. Returns how many codings were moved."""
        duplicate = (
            "code_id = ? AND EXISTS (SELECT 1 FROM codings t "
            "WHERE t.code_id = ? AND t.document_id = codings.document_id "
            "AND t.coder_id = codings.coder_id AND t.start IS codings.start "
            'AND t."end" IS codings."end")'
        )
        with self.db.atomic():
            gone = self.db.execute(
                f"SELECT guid, coder_id, document_id FROM codings WHERE {duplicate}",
                [source_id, target_id],
            ).fetchall()
            self.db.execute(f"DELETE FROM codings WHERE {duplicate}", [source_id, target_id])
            self._deletions.record(gone, "coding")
            cursor = self.db.execute(
                "UPDATE codings SET code_id = ?, updated_at = ? WHERE code_id = ?",
                [target_id, utc_now(), source_id],
            )
        return int(cursor.rowcount)

    def counts_by_code(
        self, document_id: int | None = None, coder_ids: Collection[int] | None = None
    ) -> dict[int, int]:
        """How many codings each code has, in one document or the whole project, by all coders
        or by the given ones."""
        where, parameters = _filters(document_id=document_id, coder_ids=coder_ids)
        rows = self.db.execute(
            f"SELECT code_id, count(*) FROM codings {where} GROUP BY code_id", parameters
        )
        return {int(code_id): int(n) for code_id, n in rows}

    def counts_by_document(
        self, document_ids: Collection[int] | None = None, coder_ids: Collection[int] | None = None
    ) -> dict[int, int]:
        """How many codings each document has (all, or of the given documents and coders)."""
        where, parameters = _filters(document_ids=document_ids, coder_ids=coder_ids)
        rows = self.db.execute(
            f"SELECT document_id, count(*) FROM codings {where} GROUP BY document_id", parameters
        )
        return {int(document_id): int(n) for document_id, n in rows}

    def spans(
        self, document_id: int, coder_ids: Collection[int] | None = None
    ) -> list[tuple[int, int, int, int, int]]:
        """``(start, end, coding id, code id, coder id)`` of a document's span codings, by start.

        Plain tuples straight from SQLite: the reader takes tens of thousands at once.
        """
        where, parameters = _filters(document_id=document_id, coder_ids=coder_ids)
        rows: list[tuple[int, int, int, int, int]] = self.db.execute(
            f'SELECT start, "end", id, code_id, coder_id FROM codings {where} '
            "AND start IS NOT NULL ORDER BY start",
            parameters,
        ).fetchall()
        return rows

    def summary(
        self, document_id: int, coder_ids: Collection[int] | None = None
    ) -> list[tuple[int, int, int, int | None]]:
        """Per code: ``(code id, codings, article-level codings, longest span)`` in a document.

        One pass over the covering index, whatever the number of codings: the window reads
        this on opening an article instead of the codings themselves.
        """
        where, parameters = _filters(document_id=document_id, coder_ids=coder_ids)
        rows: list[tuple[int, int, int, int | None]] = self.db.execute(
            f'SELECT code_id, count(*), count(*) - count(start), max("end" - start) '
            f"FROM codings {where} GROUP BY code_id",
            parameters,
        ).fetchall()
        return rows

    def spans_between(
        self,
        document_id: int,
        coder_ids: Collection[int] | None,
        start: int,
        end: int,
        longest: int,
    ) -> list[tuple[int, int, int, int, int]]:
        """``(start, end, id, code id, coder id)`` of the span codings overlapping
        ``[start, end)``, by start. ``longest`` (the longest span in the document) bounds the
        index range to read, so a screenful costs a screenful."""
        where, parameters = _filters(document_id=document_id, coder_ids=coder_ids)
        rows: list[tuple[int, int, int, int, int]] = self.db.execute(
            f'SELECT start, "end", id, code_id, coder_id FROM codings {where} '
            'AND start >= ? AND start < ? AND "end" > ? ORDER BY start, "end"',
            [*parameters, start - longest, end, start],
        ).fetchall()
        return rows

    def page(
        self, document_id: int, coder_ids: Collection[int] | None, offset: int, limit: int
    ) -> list[tuple[int | None, int | None, int, int, int]]:
        """``(start, end, id, code id, coder id)`` of a document's codings ``offset`` to
        ``offset + limit``: article-level first (NULL sorts first), then by position, code and
        coder (the order of the index ``codings_by_position``)."""
        where, parameters = _filters(document_id=document_id, coder_ids=coder_ids)
        rows: list[tuple[int | None, int | None, int, int, int]] = self.db.execute(
            f'SELECT start, "end", id, code_id, coder_id FROM codings {where} '
            'ORDER BY start, "end", code_id, coder_id, id LIMIT ? OFFSET ?',
            [*parameters, limit, offset],
        ).fetchall()
        return rows

    def memos(self, document_id: int) -> dict[int, str]:
        """The non-empty memos of a document's codings, by coding id (a partial index)."""
        rows = self.db.execute(
            "SELECT id, memo FROM codings WHERE document_id = ? AND memo <> ''", [document_id]
        )
        return {int(i): str(m) for i, m in rows}

    def article_level(
        self, document_id: int, coder_ids: Collection[int] | None = None
    ) -> list[Coding]:
        """A document's codings of the whole article (no span)."""
        where, parameters = _filters(document_id=document_id, coder_ids=coder_ids)
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM codings {where} AND start IS NULL {_ORDER}", parameters
        )
        return [_coding(row) for row in rows]

    def overlapping(
        self,
        document_id: int,
        coder_id: int,
        code_ids: Collection[int],
        start: int | None,
        end: int | None,
    ) -> list[Coding]:
        """A coder's codings of the given codes that overlap a span (article-level codings
        overlap only each other)."""
        where, parameters = _filters(
            document_id=document_id, coder_ids=[coder_id], code_ids=code_ids
        )
        if start is None or end is None:
            where += " AND start IS NULL"
        else:
            where += ' AND start < ? AND "end" > ?'
            parameters += [end, start]
        rows = self.db.execute(f"SELECT {_COLUMNS} FROM codings {where} {_ORDER}", parameters)
        return [_coding(row) for row in rows]

    def retrieve(
        self, code_ids: Collection[int], coder_ids: Collection[int] | None = None
    ) -> list[tuple[int, int, str, int, int, int | None, int | None]]:
        """``(coding id, document id, document name, coder id, code id, start, end)`` of every
        coding of the given codes, by document name and position."""
        where, parameters = _filters(code_ids=code_ids, coder_ids=coder_ids, alias="c.")
        rows: list[tuple[int, int, str, int, int, int | None, int | None]] = self.db.execute(
            'SELECT c.id, c.document_id, d.name, c.coder_id, c.code_id, c.start, c."end" '
            f"FROM codings c JOIN documents d ON d.id = c.document_id {where} "
            "ORDER BY d.name, c.start IS NOT NULL, c.start, c.id",
            parameters,
        ).fetchall()
        return rows


def _made_between(
    where: str, parameters: list[object], since: str | None, before: str | None
) -> tuple[str, list[object]]:
    """Add a range of creation times (ISO UTC text sorts as time) to a WHERE clause."""
    if since is not None:
        where += " AND created_at >= ?"
        parameters.append(since)
    if before is not None:
        where += " AND created_at < ?"
        parameters.append(before)
    return where, parameters


def _filters(
    *,
    document_id: int | None = None,
    document_ids: Collection[int] | None = None,
    coder_ids: Collection[int] | None = None,
    code_ids: Collection[int] | None = None,
    alias: str = "",
) -> tuple[str, list[object]]:
    """A WHERE clause (always present, so callers may append ``AND …``) and its parameters."""
    clauses: list[str] = ["1"]
    parameters: list[object] = []
    if document_id is not None:
        clauses.append(f"{alias}document_id = ?")
        parameters.append(document_id)
    for column, ids in (
        ("document_id", document_ids),
        ("coder_id", coder_ids),
        ("code_id", code_ids),
    ):
        if ids is not None:
            values = list(ids)
            clauses.append(f"{alias}{column} IN ({', '.join('?' * len(values))})")
            parameters.extend(values)
    return "WHERE " + " AND ".join(clauses), parameters
