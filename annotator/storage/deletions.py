"""Tombstones: the GUIDs of deleted codings and memos with whose they were and when.

The coding and memo stores write them as they delete, and clear one when its GUID comes back
(an undo, a merge). A coder's package carries them, so that a deletion reaches the lead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from annotator.domain.model import Deletion, utc_now

_COLUMNS = "guid, kind, coder_id, document_id, deleted_at"


def _deletion(row: Any) -> Deletion:
    return Deletion(*row)


class DeletionStore:
    """Record, clear and list deletions."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def record(
        self,
        items: Iterable[tuple[str, int | None, int | None]],
        kind: str,
        deleted_at: str | None = None,
    ) -> None:
        """Record ``(guid, coder id, document id)`` of items of ``kind`` (``coding`` or
        ``memo``) deleted at ``deleted_at`` (now). A later deletion of a GUID (deleted again
        after it came back) replaces an earlier one."""
        when = deleted_at or utc_now()
        with self.db.atomic():
            self.db.conn.executemany(
                f"INSERT INTO deletions ({_COLUMNS}) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (guid) DO UPDATE "
                "SET deleted_at = max(deleted_at, excluded.deleted_at)",
                [(guid, kind, coder, document, when) for guid, coder, document in items],
            )

    def clear(self, guids: Iterable[str]) -> int:
        """Forget the deletions of these GUIDs (they exist again); returns how many there were."""
        wanted = list(guids)
        cleared = 0
        with self.db.atomic():
            for start in range(0, len(wanted), 900):  # SQLite's limit on parameters
                chunk = wanted[start : start + 900]
                cursor = self.db.execute(
                    f"DELETE FROM deletions WHERE guid IN ({', '.join('?' * len(chunk))})", chunk
                )
                cleared += max(cursor.rowcount, 0)
        return cleared

    def by_guids(self, guids: Iterable[str]) -> dict[str, Deletion]:
        """The deletions of these GUIDs, by GUID (those that were deleted)."""
        wanted = list(guids)
        found: dict[str, Deletion] = {}
        for start in range(0, len(wanted), 900):
            chunk = wanted[start : start + 900]
            rows = self.db.execute(
                f"SELECT {_COLUMNS} FROM deletions WHERE guid IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            found.update({d.guid: d for d in map(_deletion, rows)})
        return found

    def for_coder(self, coder_id: int) -> list[Deletion]:
        """One coder's deletions, by article and time."""
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM deletions WHERE coder_id = ? "
            "ORDER BY document_id, deleted_at, guid",
            [coder_id],
        )
        return [_deletion(row) for row in rows]

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM deletions").fetchone()[0])
