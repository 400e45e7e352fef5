"""Reading a machine's codings of an article as one coder's open suggestions, and the
decisions coders took on them (``machine_suggestion_decisions``, migration 0017).

Plain SQL only; what a suggestion is, and accepting or rejecting one, is in
:mod:`annotator.services.machine.suggestions`. Decisions are written by
:class:`~annotator.storage.machine.MachineStore`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from annotator.domain.model import Coding

_CODING = (
    'c.id, c.guid, c.document_id, c.coder_id, c.code_id, c.start, c."end", c.memo, '
    "c.created_at, c.updated_at, c.origin"
)
#: A machine-made coding (its origin says so; text that is not JSON counts as not), whose
#: run is in the project.
_MACHINE_ROW = (
    "c.origin IS NOT NULL AND json_valid(c.origin) "
    "AND json_extract(c.origin, '$.kind') = 'machine' "
    "AND json_type(c.origin, '$.run') = 'text'"
)


_SELECT = (
    f"SELECT {_CODING}, r.id, r.guid, "
    "CASE WHEN json_type(c.origin, '$.confidence') IN ('integer', 'real') "
    "THEN json_extract(c.origin, '$.confidence') END, "
    "CASE WHEN json_type(c.origin, '$.reason') = 'text' "
    "THEN json_extract(c.origin, '$.reason') END "
    "FROM codings c JOIN machine_runs r ON r.guid = json_extract(c.origin, '$.run')"
)


@dataclass(frozen=True)
class SuggestionRow:
    """A machine coding offered as a suggestion: the coding, the run that made it, and the
    machine's confidence and reason where its origin gives them."""

    coding: Coding
    run_id: int
    run_guid: str
    confidence: float | None
    reason: str | None

    @property
    def guid(self) -> str:
        return self.coding.guid

    @property
    def document_id(self) -> int:
        return self.coding.document_id

    @property
    def code_id(self) -> int:
        return self.coding.code_id

    @property
    def span(self) -> tuple[int | None, int | None]:
        return (self.coding.start, self.coding.end)


@dataclass(frozen=True)
class DecisionRow:
    """One coder's decision on one suggestion (a machine coding, by GUID)."""

    id: int
    run_id: int
    coding_guid: str
    coder_id: int
    decision: str
    at: str


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _suggestion(row: Any) -> SuggestionRow:
    return SuggestionRow(
        Coding(*row[:11]),
        int(row[11]),
        str(row[12]),
        _number(row[13]),
        None if row[14] is None else str(row[14]),
    )


def _decision(row: Any) -> DecisionRow:
    return DecisionRow(int(row[0]), int(row[1]), str(row[2]), int(row[3]), str(row[4]), str(row[5]))


class SuggestionQueries:
    """The queries the window's suggestions need (nothing here writes)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def open_suggestions(
        self,
        document_id: int,
        machine_coder_id: int,
        coder_id: int,
        run_guid: str | None = None,
    ) -> list[SuggestionRow]:
        """The machine coder's codings of an article (of one run, if given) that ``coder_id``
        has neither decided on nor made themselves (the same code on the same span, or the
        whole article), nor rejected when an earlier run suggested the same code on the same
        span: article-level first, then by position and code."""
        run_filter = "" if run_guid is None else "AND r.guid = ?"
        rows = self.db.execute(
            f"{_SELECT} "
            f"WHERE c.document_id = ? AND c.coder_id = ? AND {_MACHINE_ROW} {run_filter} "
            "AND NOT EXISTS (SELECT 1 FROM machine_suggestion_decisions d "
            "WHERE d.run_id = r.id AND d.coding_guid = c.guid AND d.coder_id = ?) "
            # The same suggestion rejected before, when a run made it earlier.
            "AND NOT EXISTS (SELECT 1 FROM machine_suggestion_decisions d "
            "WHERE d.coder_id = ? AND d.document_id = c.document_id AND d.decision = 'rejected' "
            "AND d.machine_coder_id = c.coder_id AND d.code_id = c.code_id "
            'AND d.start IS c.start AND d."end" IS c."end") '
            "AND NOT EXISTS (SELECT 1 FROM codings m WHERE m.document_id = c.document_id "
            "AND m.coder_id = ? AND m.code_id = c.code_id AND m.start IS c.start "
            'AND m."end" IS c."end") '
            'ORDER BY c.start IS NOT NULL, c.start, c."end", c.code_id, c.id',
            [
                document_id,
                machine_coder_id,
                *([] if run_guid is None else [run_guid]),
                coder_id,
                coder_id,
                coder_id,
            ],
        ).fetchall()
        return [_suggestion(row) for row in rows]

    def machine_coding(self, guid: str) -> SuggestionRow | None:
        """The machine coding with this GUID, as a suggestion (None: gone, or not a machine
        coding of a run in the project)."""
        row = self.db.execute(
            f"{_SELECT} WHERE c.guid = ? AND {_MACHINE_ROW}",
            [guid],
        ).fetchone()
        if row is None:
            return None
        return _suggestion(row)

    def trained_from(self, run_ids: Iterable[int], document_id: int) -> list[int]:
        """The coders whose codings of this article trained the models these runs coded
        with (a classifier's run names its model by SHA-256 in ``model_version``)."""
        ids = sorted(set(run_ids))
        if not ids:
            return []
        rows = self.db.execute(
            "SELECT DISTINCT m.trained_from_coder_id FROM machine_runs r "
            "JOIN machine_models m ON m.backend_id = r.backend_id AND m.sha256 = r.model_version "
            f"WHERE r.id IN ({', '.join('?' * len(ids))}) "
            "AND m.trained_from_coder_id IS NOT NULL AND json_valid(m.trained_document_ids) "
            "AND EXISTS (SELECT 1 FROM json_each(m.trained_document_ids) WHERE value = ?) "
            "ORDER BY m.trained_from_coder_id",
            [*ids, document_id],
        )
        return [int(row[0]) for row in rows]

    def decision(self, decision_id: int) -> DecisionRow | None:
        row = self.db.execute(
            "SELECT id, run_id, coding_guid, coder_id, decision, at "
            "FROM machine_suggestion_decisions WHERE id = ?",
            [decision_id],
        ).fetchone()
        if row is None:
            return None
        return _decision(row)

    def decisions_on(self, coding_guid: str, coder_id: int) -> list[DecisionRow]:
        """A coder's decisions on one suggestion (one, as a rule)."""
        rows = self.db.execute(
            "SELECT id, run_id, coding_guid, coder_id, decision, at "
            "FROM machine_suggestion_decisions WHERE coding_guid = ? AND coder_id = ? "
            "ORDER BY id",
            [coding_guid, coder_id],
        )
        return [_decision(row) for row in rows]
