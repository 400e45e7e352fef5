"""Codings: a coder's code on a span of a document, or on the whole article."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from sqlite_utils import Database

from annotator.domain.errors import NotFoundError, UserError
from annotator.domain.model import Coding, new_guid, utc_now
from annotator.domain.text import check_span
from annotator.storage.coders import join_texts
from annotator.storage.coding_queries import COLUMNS, CodingQueries, as_coding
from annotator.storage.deletions import DeletionStore

#: The columns every insert gives (the id aside): a coding made by hand has no origin.
_INSERTED = 'guid, document_id, coder_id, code_id, start, "end", memo, created_at, updated_at'


class CodingStore(CodingQueries):
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
        row = self.db.execute(f"SELECT {COLUMNS} FROM codings WHERE id = ?", [coding_id]).fetchone()
        if row is None:
            raise NotFoundError(f"there is no coding with id {coding_id}")
        return as_coding(row)

    def by_guids(self, guids: Iterable[str]) -> dict[str, Coding]:
        """The codings with these GUIDs, by GUID (those that exist)."""
        wanted = list(guids)
        found: dict[str, Coding] = {}
        for start in range(0, len(wanted), 900):  # SQLite's limit on parameters
            chunk = wanted[start : start + 900]
            rows = self.db.execute(
                f"SELECT {COLUMNS} FROM codings WHERE guid IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            found.update({coding.guid: coding for coding in map(as_coding, rows)})
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
            # The codebook version given here (migration 0015): its trigger would otherwise
            # update every row after inserting it.
            self.db.execute(
                f"INSERT INTO codings ({columns}, origin, codebook_version) "
                f"SELECT {columns}, ?, (SELECT max(id) FROM codebook_changes) "
                "FROM incoming_codings",
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
        row = self.db.execute(f"SELECT {COLUMNS} FROM codings WHERE guid = ?", [guid]).fetchone()
        return None if row is None else as_coding(row)

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
        version = self.db.execute(
            "SELECT codebook_version FROM codings WHERE id = ?", [coding_id]
        ).fetchone()[0]
        coding = replace(coding, codebook_version=version)
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
            # Its codebook version, where known, as it was (else the insert trigger's: now).
            self.db.execute(
                f"INSERT INTO codings ({COLUMNS}, codebook_version) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    coding.codebook_version,
                ],
            )
        return self.get(coding.id)

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
        of a coding the target already has (whose memo takes theirs). Returns how many codings
        were moved."""
        duplicate = (
            "code_id = ? AND EXISTS (SELECT 1 FROM codings t "
            "WHERE t.code_id = ? AND t.document_id = codings.document_id "
            "AND t.coder_id = codings.coder_id AND t.start IS codings.start "
            'AND t."end" IS codings."end")'
        )
        with self.db.atomic():
            # A duplicate's memo is not dropped with it: the target's coding takes its text.
            memos: dict[int, list[str]] = {}
            for target, kept, dropped in self.db.execute(
                "SELECT t.id, t.memo, codings.memo FROM codings JOIN codings t "
                "ON t.code_id = ? AND t.document_id = codings.document_id "
                "AND t.coder_id = codings.coder_id AND t.start IS codings.start "
                'AND t."end" IS codings."end" WHERE codings.code_id = ? ORDER BY codings.id',
                [target_id, source_id],
            ).fetchall():
                memos.setdefault(int(target), [str(kept)]).append(str(dropped))
            for target, texts in memos.items():
                if join_texts(*texts) != texts[0]:
                    self.db.execute(
                        "UPDATE codings SET memo = ?, updated_at = ? WHERE id = ?",
                        [join_texts(*texts), utc_now(), target],
                    )
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
