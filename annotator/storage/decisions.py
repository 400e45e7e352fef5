"""Decisions of disagreement reviews (see :class:`~annotator.domain.model.Decision`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database

from annotator.domain.errors import NotFoundError
from annotator.domain.model import Choice, Decision, new_guid, utc_now

_COLUMNS = (
    'id, guid, document_id, code_id, first_coder_id, second_coder_id, start, "end", choice, '
    "reason, created_at, basis, made"
)


def _decision(row: Any) -> Decision:
    values = list(row)
    values[8] = Choice(values[8])
    try:
        made = json.loads(values[12] or "[]")
    except ValueError:  # written by another tool: the decision stands, its codings unknown
        made = []
    values[12] = tuple(str(guid) for guid in made) if isinstance(made, list) else ()
    return Decision(*values)


class DecisionStore:
    """Record, withdraw and list review decisions."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(
        self,
        document_id: int,
        code_id: int,
        first_coder_id: int,
        second_coder_id: int,
        start: int | None,
        end: int | None,
        choice: Choice,
        reason: str = "",
        *,
        basis: str = "",
        made: Sequence[str] = (),
    ) -> Decision:
        with self.db.atomic():
            cursor = self.db.execute(
                f"INSERT INTO decisions ({_COLUMNS.removeprefix('id, ')}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    new_guid(),
                    document_id,
                    code_id,
                    first_coder_id,
                    second_coder_id,
                    start,
                    end,
                    choice.value,
                    reason,
                    utc_now(),
                    basis,
                    json.dumps(list(made)),
                ],
            )
        return self.get(int(cursor.lastrowid or 0))

    def restore(self, decision: Decision) -> Decision:
        """Put a withdrawn decision back exactly (same id and GUID), for redo."""
        with self.db.atomic():
            self.db.execute(
                f"INSERT INTO decisions ({_COLUMNS}) VALUES ({', '.join('?' * 13)})",
                [
                    decision.id,
                    decision.guid,
                    decision.document_id,
                    decision.code_id,
                    decision.first_coder_id,
                    decision.second_coder_id,
                    decision.start,
                    decision.end,
                    decision.choice.value,
                    decision.reason,
                    decision.created_at,
                    decision.basis,
                    json.dumps(list(decision.made)),
                ],
            )
        return decision

    def get(self, decision_id: int) -> Decision:
        row = self.db.execute(
            f"SELECT {_COLUMNS} FROM decisions WHERE id = ?", [decision_id]
        ).fetchone()
        if row is None:
            raise NotFoundError(f"there is no decision with id {decision_id}")
        return _decision(row)

    def taken(self, decision_id: int, guid: str) -> bool:
        """Whether a decision has this id or this GUID."""
        row = self.db.execute(
            "SELECT 1 FROM decisions WHERE id = ? OR guid = ?", [decision_id, guid]
        ).fetchone()
        return row is not None

    def delete(self, decision_id: int) -> Decision:
        decision = self.get(decision_id)
        with self.db.atomic():
            self.db.execute("DELETE FROM decisions WHERE id = ?", [decision_id])
        return decision

    def for_pair(self, first_coder_id: int, second_coder_id: int) -> list[Decision]:
        """Decisions of reviews of these two coders (in either order), by article."""
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM decisions WHERE (first_coder_id = ? AND second_coder_id = ?) "
            'OR (first_coder_id = ? AND second_coder_id = ?) ORDER BY document_id, start, "end"',
            [first_coder_id, second_coder_id, second_coder_id, first_coder_id],
        )
        return [_decision(row) for row in rows]

    def among(self, coder_ids: Sequence[int]) -> list[Decision]:
        """Decisions of reviews that compared these coders (both of the pair among them)."""
        marks = ", ".join("?" * len(coder_ids))
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM decisions WHERE first_coder_id IN ({marks}) "
            f'AND second_coder_id IN ({marks}) ORDER BY document_id, start, "end"',
            [*coder_ids, *coder_ids],
        )
        return [_decision(row) for row in rows]

    def for_document(self, document_id: int) -> list[Decision]:
        """Every decision on this article, whichever coders it compared."""
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM decisions WHERE document_id = ? ORDER BY id", [document_id]
        )
        return [_decision(row) for row in rows]

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM decisions").fetchone()[0])
