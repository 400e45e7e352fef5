"""Memos on the project, a document or a code. (A coding's memo lives on the coding.)"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from annotator.domain.errors import NotFoundError
from annotator.domain.model import Memo, new_guid, utc_now
from annotator.storage.coders import join_texts
from annotator.storage.deletions import DeletionStore

_COLUMNS = "id, guid, target, document_id, code_id, coder_id, text, created_at, updated_at"


def _memo(row: Any) -> Memo:
    return Memo(*row)


class MemoStore:
    """Add, change, delete and list memos. Deleting one leaves a tombstone (see
    :class:`DeletionStore`); a GUID that comes back clears it."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._deletions = DeletionStore(db)

    @property
    def available(self) -> bool:
        """Whether the memos table is there (a damaged project opened read-only may lack it;
        the window then does without memos)."""
        row = self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'memos'"
        ).fetchone()
        return row is not None

    def add(
        self,
        text: str,
        *,
        document_id: int | None = None,
        code_id: int | None = None,
        coder_id: int | None = None,
        guid: str | None = None,
        created_at: str | None = None,
        updated_at: str | None = None,
    ) -> Memo:
        """A memo on a document, on a code, or (neither given) on the project."""
        if document_id is not None and code_id is not None:
            raise ValueError("a memo belongs to a document or to a code, not both")
        target = (
            "document" if document_id is not None else "code" if code_id is not None else "project"
        )
        now = created_at or utc_now()
        with self.db.atomic():
            cursor = self.db.execute(
                f"INSERT INTO memos ({_COLUMNS.removeprefix('id, ')}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    guid or new_guid(),
                    target,
                    document_id,
                    code_id,
                    coder_id,
                    text,
                    now,
                    updated_at or now,
                ],
            )
            if guid:
                self._deletions.clear([guid])
        return self.get(int(cursor.lastrowid or 0))

    def get(self, memo_id: int) -> Memo:
        row = self.db.execute(f"SELECT {_COLUMNS} FROM memos WHERE id = ?", [memo_id]).fetchone()
        if row is None:
            raise NotFoundError(f"there is no memo with id {memo_id}")
        return _memo(row)

    def set_text(self, memo_id: int, text: str, *, updated_at: str | None = None) -> Memo:
        self.get(memo_id)
        with self.db.atomic():
            self.db.execute(
                "UPDATE memos SET text = ?, updated_at = ? WHERE id = ?",
                [text, updated_at or utc_now(), memo_id],
            )
        return self.get(memo_id)

    def by_guid(self, guid: str) -> Memo | None:
        row = self.db.execute(f"SELECT {_COLUMNS} FROM memos WHERE guid = ?", [guid]).fetchone()
        return None if row is None else _memo(row)

    def delete(self, memo_id: int, *, deleted_at: str | None = None) -> Memo:
        """Remove a memo, leaving its tombstone (deleted now, or at ``deleted_at``: a deletion
        merged from another copy keeps its time); returns what it was."""
        memo = self.get(memo_id)
        with self.db.atomic():
            self.db.execute("DELETE FROM memos WHERE id = ?", [memo_id])
            self._deletions.record(
                [(memo.guid, memo.coder_id, memo.document_id)], "memo", deleted_at
            )
        return memo

    def move_to_code(self, source_id: int, target_id: int) -> None:
        """The memos on the code ``source_id`` go to ``target_id`` (a code merged into
        another); where a coder wrote one on both, the target's takes the source's text (each
        distinct text once) and the source's goes."""
        rows = self.db.execute(
            "SELECT s.id, t.id, s.text, t.text FROM memos s LEFT JOIN memos t "
            "ON t.target = 'code' AND t.code_id = ? AND t.coder_id IS s.coder_id "
            "WHERE s.target = 'code' AND s.code_id = ? ORDER BY s.id",
            [target_id, source_id],
        ).fetchall()
        with self.db.atomic():
            for source, target, source_text, target_text in rows:
                if target is None:
                    self.db.execute(
                        "UPDATE memos SET code_id = ? WHERE id = ?", [target_id, source]
                    )
                    continue
                self.db.execute(
                    "UPDATE memos SET text = ?, updated_at = ? WHERE id = ?",
                    [join_texts(str(target_text), str(source_text)), utc_now(), target],
                )
                self.delete(source)  # with its tombstone, as any memo deleted

    def all(self) -> list[Memo]:
        return [_memo(r) for r in self.db.execute(f"SELECT {_COLUMNS} FROM memos ORDER BY id")]

    def for_document(self, document_id: int) -> list[Memo]:
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM memos WHERE document_id = ? ORDER BY id", [document_id]
        )
        return [_memo(r) for r in rows]

    def for_code(self, code_id: int) -> list[Memo]:
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM memos WHERE code_id = ? ORDER BY id", [code_id]
        )
        return [_memo(r) for r in rows]

    def project_log(self) -> list[Memo]:
        """The memos on the project, newest first (the project's log)."""
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM memos WHERE target = 'project' "
            "ORDER BY created_at DESC, id DESC"
        )
        return [_memo(r) for r in rows]

    def own(
        self, coder_id: int | None, *, document_id: int | None = None, code_id: int | None = None
    ) -> Memo | None:
        """A coder's memo on a document or a code (the oldest, if an import brought several)."""
        column, value = ("document_id", document_id) if code_id is None else ("code_id", code_id)
        row = self.db.execute(
            f"SELECT {_COLUMNS} FROM memos WHERE {column} = ? AND coder_id IS ? "
            "ORDER BY id LIMIT 1",
            [value, coder_id],
        ).fetchone()
        return None if row is None else _memo(row)

    def coding_memos(self) -> list[tuple[str, int, int, int, str, str, str]]:
        """Every coding's non-empty memo: (coding GUID, document, coder, code, memo, created,
        updated), in coding order."""
        rows = self.db.execute(
            "SELECT guid, document_id, coder_id, code_id, memo, created_at, updated_at "
            "FROM codings WHERE memo <> '' ORDER BY id"
        )
        return [tuple(r) for r in rows]

    def texts(self) -> list[tuple[str, int, str]]:
        """Every memo's text with what it is on: ("document", id, text), ("code", id, text),
        ("project", 0, text) and ("coding", coding id, memo) — for a search by text."""
        rows = self.db.execute(
            "SELECT target, coalesce(document_id, code_id, 0), text FROM memos "
            "UNION ALL SELECT 'coding', id, memo FROM codings WHERE memo <> ''"
        )
        return [(str(t), int(i), str(x)) for t, i, x in rows]
