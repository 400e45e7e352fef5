"""Each coder's progress on each document (not started, in progress, done) and assignments."""

from __future__ import annotations

from collections.abc import Collection

from sqlite_utils import Database

from annotator.domain.model import DocumentStatus, utc_now


class StatusStore:
    """Per-coder document status. A missing row means *not started* and *not assigned*."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def mark(self, document_id: int, coder_id: int, status: DocumentStatus) -> None:
        self.mark_many(coder_id, {document_id: status})

    def mark_many(self, coder_id: int, statuses: dict[int, DocumentStatus]) -> None:
        """Set one coder's status on many documents in one statement."""
        now = utc_now()
        with self.db.atomic():
            self.db.conn.executemany(
                "INSERT INTO document_status (document_id, coder_id, status, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (document_id, coder_id) "
                "DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at",
                [(d, coder_id, status.value, now) for d, status in statuses.items()],
            )

    def set_assigned(self, document_id: int, coder_id: int, assigned: bool = True) -> None:
        self.assign_many(coder_id, [document_id], assigned)

    def assign_many(
        self, coder_id: int, document_ids: Collection[int], assigned: bool = True
    ) -> None:
        """Assign many documents to one coder (or take them back) in one statement. A row's
        time stays when the status was set (drift dates articles by it), not moved by this."""
        now = utc_now()
        with self.db.atomic():
            self.db.conn.executemany(
                "INSERT INTO document_status (document_id, coder_id, assigned, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (document_id, coder_id) "
                "DO UPDATE SET assigned = excluded.assigned",
                [(d, coder_id, int(assigned), now) for d in document_ids],
            )

    def row(self, document_id: int, coder_id: int) -> tuple[str, int, str] | None:
        """The stored ``(status, assigned, updated_at)``, or None (for undo)."""
        row = self.db.execute(
            "SELECT status, assigned, updated_at FROM document_status "
            "WHERE document_id = ? AND coder_id = ?",
            [document_id, coder_id],
        ).fetchone()
        return None if row is None else (str(row[0]), int(row[1]), str(row[2]))

    def put_back(self, document_id: int, coder_id: int, row: tuple[str, int, str] | None) -> None:
        """Make the stored row exactly ``row`` (None: no row), its time included (for undo)."""
        with self.db.atomic():
            self.db.execute(
                "DELETE FROM document_status WHERE document_id = ? AND coder_id = ?",
                [document_id, coder_id],
            )
            if row is not None:
                self.db.execute(
                    "INSERT INTO document_status (document_id, coder_id, status, assigned, "
                    "updated_at) VALUES (?, ?, ?, ?, ?)",
                    [document_id, coder_id, *row],
                )

    def get(self, document_id: int, coder_id: int) -> DocumentStatus:
        row = self.db.execute(
            "SELECT status FROM document_status WHERE document_id = ? AND coder_id = ?",
            [document_id, coder_id],
        ).fetchone()
        return DocumentStatus.NOT_STARTED if row is None else DocumentStatus(row[0])

    def all(self) -> dict[tuple[int, int], DocumentStatus]:
        """Every recorded status, keyed by ``(document_id, coder_id)``."""
        rows = self.db.execute("SELECT document_id, coder_id, status FROM document_status")
        return {(int(d), int(c)): DocumentStatus(s) for d, c, s in rows}

    def for_coder(self, coder_id: int, document_ids: Collection[int]) -> dict[int, DocumentStatus]:
        """One coder's recorded statuses on the given documents."""
        ids = list(document_ids)
        rows = self.db.execute(
            "SELECT document_id, status FROM document_status WHERE coder_id = ? "
            f"AND document_id IN ({', '.join('?' * len(ids))})",
            [coder_id, *ids],
        )
        return {int(d): DocumentStatus(s) for d, s in rows}

    def assigned(self) -> set[tuple[int, int]]:
        rows = self.db.execute(
            "SELECT document_id, coder_id FROM document_status WHERE assigned = 1"
        )
        return {(int(d), int(c)) for d, c in rows}

    def done_count(self, coder_id: int) -> int:
        row = self.db.execute(
            "SELECT count(*) FROM document_status WHERE coder_id = ? AND status = 'done'",
            [coder_id],
        ).fetchone()
        return int(row[0])
