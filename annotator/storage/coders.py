"""Coders: the people whose codings the project holds."""

from __future__ import annotations

from sqlite_utils import Database

from annotator.domain.codebook import check_name
from annotator.domain.errors import ConflictError, NotFoundError
from annotator.domain.model import Coder, new_guid, utc_now


class CoderStore:
    """Add, find and list coders (names are unique within a project)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, name: str, *, guid: str | None = None) -> Coder:
        name = check_name(name)
        if self.by_name(name) is not None:
            raise ConflictError(f"there is already a coder named '{name}'")
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT INTO coders (guid, name) VALUES (?, ?)", [guid or new_guid(), name]
            )
        return self.get(int(cursor.lastrowid or 0))

    def get_or_add(self, name: str) -> Coder:
        return self.by_name(check_name(name)) or self.add(name)

    def get(self, coder_id: int) -> Coder:
        row = self.db.execute(
            "SELECT id, guid, name FROM coders WHERE id = ?", [coder_id]
        ).fetchone()
        if row is None:
            raise NotFoundError(f"there is no coder with id {coder_id}")
        return Coder(int(row[0]), str(row[1]), str(row[2]))

    def by_name(self, name: str) -> Coder | None:
        row = self.db.execute("SELECT id, guid, name FROM coders WHERE name = ?", [name]).fetchone()
        return None if row is None else Coder(int(row[0]), str(row[1]), str(row[2]))

    def by_guid(self, guid: str) -> Coder | None:
        row = self.db.execute("SELECT id, guid, name FROM coders WHERE guid = ?", [guid]).fetchone()
        return None if row is None else Coder(int(row[0]), str(row[1]), str(row[2]))

    def find(self, name: str) -> Coder:
        coder = self.by_name(name)
        if coder is None:
            raise NotFoundError(f"the project has no coder named '{name}'")
        return coder

    def all(self) -> list[Coder]:
        rows = self.db.execute("SELECT id, guid, name FROM coders ORDER BY name COLLATE NOCASE, id")
        return [Coder(int(i), str(g), str(n)) for i, g, n in rows]

    def rename(self, coder_id: int, name: str) -> Coder:
        """Give a coder another name (refused if another coder has it)."""
        name = check_name(name)
        other = self.by_name(name)
        if other is not None and other.id != coder_id:
            raise ConflictError(f"there is already a coder named '{name}'")
        with self.db.atomic():
            self.db.execute("UPDATE coders SET name = ? WHERE id = ?", [name, coder_id])
        return self.get(coder_id)

    def progress(self) -> dict[int, tuple[int, int, int]]:
        """By coder id: articles done, articles in progress, codings (coders without any
        have none here)."""
        result: dict[int, list[int]] = {}
        rows = self.db.execute(
            "SELECT coder_id, status, count(*) FROM document_status "
            "WHERE status IN ('done', 'in_progress') GROUP BY coder_id, status"
        )
        for coder_id, status, count in rows:
            result.setdefault(int(coder_id), [0, 0, 0])[0 if status == "done" else 1] = int(count)
        rows = self.db.execute("SELECT coder_id, count(*) FROM codings GROUP BY coder_id")
        for coder_id, count in rows:
            result.setdefault(int(coder_id), [0, 0, 0])[2] = int(count)
        return {
            coder_id: (done, busy, codings) for coder_id, (done, busy, codings) in result.items()
        }

    def shared_codings(self, source_id: int, target_id: int) -> list[tuple[int, int, str, str]]:
        """The codings both coders gave the same passage (or article) with the same code:
        ``(source coding id, target coding id, source memo, target memo)``."""
        rows = self.db.execute(
            "SELECT s.id, t.id, s.memo, t.memo FROM codings s JOIN codings t "
            "ON t.coder_id = ? AND t.document_id = s.document_id AND t.code_id = s.code_id "
            'AND t.start IS s.start AND t."end" IS s."end" '
            "WHERE s.coder_id = ? ORDER BY s.document_id, s.start, s.id",
            [target_id, source_id],
        ).fetchall()
        return [(int(s), int(t), str(sm), str(tm)) for s, t, sm, tm in rows]

    def merge_into(
        self, source_id: int, target_id: int, statuses: dict[int, tuple[str, int]]
    ) -> int:
        """Give everything of coder ``source_id`` to ``target_id`` and remove the source:
        codings (those in :meth:`shared_codings` must be gone already), memos, tombstones,
        decisions (one between the two is about one person and is dropped: returns how many)
        and statuses, which become ``statuses`` (by document: status, assigned) where both
        coders had one. Call inside a transaction."""
        now = utc_now()
        db = self.db
        db.execute(
            "UPDATE codings SET coder_id = ?, updated_at = ? WHERE coder_id = ?",
            [target_id, now, source_id],
        )
        db.execute("UPDATE memos SET coder_id = ? WHERE coder_id = ?", [target_id, source_id])
        db.execute("UPDATE deletions SET coder_id = ? WHERE coder_id = ?", [target_id, source_id])
        pair = "(first_coder_id = ? AND second_coder_id = ?)"
        dropped = db.execute(
            f"DELETE FROM decisions WHERE {pair} OR {pair}",
            [source_id, target_id, target_id, source_id],
        ).rowcount
        for column in ("first_coder_id", "second_coder_id"):
            db.execute(
                f"UPDATE decisions SET {column} = ? WHERE {column} = ?", [target_id, source_id]
            )
        for document_id, (status, assigned) in statuses.items():
            db.execute(
                "UPDATE document_status SET status = ?, assigned = ?, updated_at = ? "
                "WHERE document_id = ? AND coder_id = ?",
                [status, assigned, now, document_id, target_id],
            )
            db.execute(
                "DELETE FROM document_status WHERE document_id = ? AND coder_id = ?",
                [document_id, source_id],
            )
        db.execute(
            "UPDATE document_status SET coder_id = ? WHERE coder_id = ?", [target_id, source_id]
        )
        db.execute("DELETE FROM coders WHERE id = ?", [source_id])
        return int(dropped)

    def statuses_of(self, coder_id: int) -> dict[int, tuple[str, int]]:
        """A coder's status rows: by document, (status, assigned)."""
        rows = self.db.execute(
            "SELECT document_id, status, assigned FROM document_status WHERE coder_id = ?",
            [coder_id],
        )
        return {int(d): (str(s), int(a)) for d, s, a in rows}

    def holdings(self, coder_id: int) -> tuple[int, int]:
        """How many memos a coder wrote and how many review decisions name them."""
        memos = self.db.execute("SELECT count(*) FROM memos WHERE coder_id = ?", [coder_id])
        decisions = self.db.execute(
            "SELECT count(*) FROM decisions WHERE first_coder_id = ? OR second_coder_id = ?",
            [coder_id, coder_id],
        )
        return int(memos.fetchone()[0]), int(decisions.fetchone()[0])
