"""Coders: the people whose codings the project holds."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database

from annotator.domain.codebook import check_name
from annotator.domain.errors import ConflictError, NotFoundError
from annotator.domain.model import Coder, new_guid, utc_now

#: The coder the disagreement review writes its decisions as. It is found by this exact name:
#: agreement leaves it out of the coders compared, and the review writes into it.
CONSENSUS = "consensus"


def name_key(name: str) -> str:
    """What two coder names must not share: the name after NFKC, case folding and trimmed
    whitespace ("ana", "ＡＮＡ" and "Ana " are Ana; a decomposed "José" is the composed one),
    without invisible format characters (category Cf: "Ana\u200b" or a soft hyphen shows as
    "Ana" too)."""
    visible = "".join(c for c in name if unicodedata.category(c) != "Cf")
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", visible).casefold())
    return " ".join(folded.split())


def consensus_spelling(name: str) -> str | None:
    """Why ``name`` cannot be a coder's: another spelling of :data:`CONSENSUS` ("Consensus"),
    which agreement would count as one more coder while the review took it for its own."""
    if name.strip() == CONSENSUS or name_key(name) != name_key(CONSENSUS):
        return None
    return (
        f"'{name.strip()}' is another spelling of '{CONSENSUS}', the coder the disagreement "
        "review writes its decisions as (agreement leaves only it out): use another name"
    )


def consensus_spellings(coders: Sequence[str]) -> tuple[str, ...]:
    """A warning for each coder (compared, or in the project) whose name is another spelling
    of the consensus coder's ("Consensus"): counted as an independent coder, which it may not
    be. Such names are refused now; a project from an earlier version may still hold one."""
    return tuple(
        f"coder '{name}' is compared as an independent coder: only '{CONSENSUS}' is the "
        f"review's consensus (if it holds a consensus, rename it: annotator coders PROJECT "
        f"rename '{name}' NEW)"
        for name in coders
        if consensus_spelling(name) is not None
    )


def join_texts(*texts: str) -> str:
    """Memo texts as one: each distinct text once (one already there whole, or as a
    paragraph of an earlier join, is not added again), in order, separated by a blank line."""
    joined = ""
    for text in texts:
        part = text.strip()
        if not part or f"\n\n{part}\n\n" in f"\n\n{joined}\n\n":
            continue
        joined = f"{joined}\n\n{text}" if joined else text
    return joined


def _coder(row: Any) -> Coder:
    return Coder(int(row[0]), str(row[1]), str(row[2]), str(row[3]))


class CoderStore:
    """Add, find and list coders (names are unique within a project)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._has_kind = False

    def add(self, name: str, *, guid: str | None = None, kind: str = "human") -> Coder:
        """A new coder; ``kind`` ``machine`` for a machine coder (see ``services/machine``)."""
        name = check_name(name)
        self._refuse_twin(name, None)
        with self.db.atomic():
            if kind == "human":
                cursor = self.db.execute(
                    "INSERT INTO coders (guid, name) VALUES (?, ?)", [guid or new_guid(), name]
                )
            else:
                cursor = self.db.execute(
                    "INSERT INTO coders (guid, name, kind) VALUES (?, ?, ?)",
                    [guid or new_guid(), name, kind],
                )
        return self.get(int(cursor.lastrowid or 0))

    def get_or_add(self, name: str) -> Coder:
        return self.by_name(check_name(name)) or self.add(name)

    def get(self, coder_id: int) -> Coder:
        row = self.db.execute(
            f"SELECT {self._columns()} FROM coders WHERE id = ?", [coder_id]
        ).fetchone()
        if row is None:
            raise NotFoundError(f"there is no coder with id {coder_id}")
        return _coder(row)

    def by_name(self, name: str) -> Coder | None:
        row = self.db.execute(
            f"SELECT {self._columns()} FROM coders WHERE name = ?", [name]
        ).fetchone()
        return None if row is None else _coder(row)

    def similar(self, name: str, *, other_than: int | None = None) -> Coder | None:
        """The coder whose name equals ``name`` but for case, width, Unicode composition
        and surrounding whitespace (see :func:`name_key`), other than ``other_than``."""
        key = name_key(name)
        for coder in self.all():
            if coder.id != other_than and name_key(coder.name) == key:
                return coder
        return None

    def _refuse_twin(self, name: str, coder_id: int | None) -> None:
        problem = consensus_spelling(name)
        if problem is not None:
            raise ConflictError(problem)
        other = self.similar(name, other_than=coder_id)
        if other is None:
            return
        if other.name == name:
            raise ConflictError(f"there is already a coder named '{name}'")
        shown = "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) == "Cf" else c for c in name)
        raise ConflictError(
            f"'{shown}' is too like the coder '{other.name}' (names differing only in case, "
            "width, accents' encoding or invisible characters are one name): use that coder, "
            "or another name"
        )

    def by_alias(self, guid: str) -> Coder | None:
        """The coder that a coder of this GUID was merged into (``coders merge``), so that
        the merged-away name's packages still find their codings."""
        if not self._has_aliases():
            return None
        row = self.db.execute(
            "SELECT coder_id FROM coder_aliases WHERE guid = ?", [guid]
        ).fetchone()
        return None if row is None else self.get(int(row[0]))

    def _has_aliases(self) -> bool:
        return self._has_table("coder_aliases")

    def _has_table(self, name: str) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name]
        ).fetchone()
        return row is not None

    def by_guid(self, guid: str) -> Coder | None:
        row = self.db.execute(
            f"SELECT {self._columns()} FROM coders WHERE guid = ?", [guid]
        ).fetchone()
        return None if row is None else _coder(row)

    def lookup(self, name: str) -> Coder | None:
        """The coder a researcher means by ``name``: the one of that exact name, else the one
        coder whose name differs only as :func:`name_key` ignores ("ben" is Ben)."""
        coder = self.by_name(name)
        if coder is not None:
            return coder
        key = name_key(name)
        near = [c for c in self.all() if name_key(c.name) == key]
        return near[0] if len(near) == 1 else None

    def find(self, name: str) -> Coder:
        """The coder :meth:`lookup` finds, or a :class:`NotFoundError`."""
        coder = self.lookup(name)
        if coder is None:
            raise NotFoundError(f"the project has no coder named '{name}'")
        return coder

    def all(self) -> list[Coder]:
        rows = self.db.execute(
            f"SELECT {self._columns()} FROM coders ORDER BY name COLLATE NOCASE, id"
        )
        return [_coder(row) for row in rows]

    def humans(self) -> list[Coder]:
        """The coders a person can code as (every coder but the machine coders), by name."""
        return [coder for coder in self.all() if not coder.is_machine]

    def _columns(self) -> str:
        """The columns a :class:`Coder` is read from (``kind`` since migration 0017; a file
        not yet brought up to date, as repair reads it, has human coders only)."""
        if not self._has_kind:  # asked again until found: migrations may run after __init__
            self._has_kind = any(
                row[1] == "kind" for row in self.db.execute("PRAGMA table_info(coders)")
            )
        return "id, guid, name, kind" if self._has_kind else "id, guid, name, 'human'"

    def rename(self, coder_id: int, name: str) -> Coder:
        """Give a coder another name (refused if another coder has it)."""
        name = check_name(name)
        self._refuse_twin(name, coder_id)
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
        """Give everything of coder ``source_id`` to ``target_id`` and remove the source,
        remembering its GUID as an alias of the target: codings (those in
        :meth:`shared_codings` must be gone already), memos (an article or code memo both
        wrote becomes one, the texts joined: returns how many were joined), tombstones and
        statuses, which become ``statuses`` (by document: status, assigned) where both coders
        had one. Decisions must have been dealt with (:meth:`decisions_of`). Call inside a
        transaction."""
        now = utc_now()
        db = self.db
        db.execute(
            "UPDATE codings SET coder_id = ?, updated_at = ? WHERE coder_id = ?",
            [target_id, now, source_id],
        )
        joined = self._join_memos(source_id, target_id)
        db.execute("UPDATE memos SET coder_id = ? WHERE coder_id = ?", [target_id, source_id])
        db.execute("UPDATE deletions SET coder_id = ? WHERE coder_id = ?", [target_id, source_id])
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
        if self._has_table("machine_suggestion_decisions"):  # migration 0017
            for statement in (
                "UPDATE machine_suggestion_decisions SET coder_id = ? WHERE coder_id = ?",
                "UPDATE machine_models SET trained_from_coder_id = ? "
                "WHERE trained_from_coder_id = ?",
            ):
                db.execute(statement, [target_id, source_id])
        if self._has_aliases():
            source = self.get(source_id)
            db.execute(
                "UPDATE coder_aliases SET coder_id = ? WHERE coder_id = ?", [target_id, source_id]
            )
            db.execute(
                "INSERT OR REPLACE INTO coder_aliases (guid, coder_id, name, merged_at) "
                "VALUES (?, ?, ?, ?)",
                [source.guid, target_id, source.name, now],
            )
        db.execute("DELETE FROM coders WHERE id = ?", [source_id])
        return joined

    def _join_memos(self, source_id: int, target_id: int) -> int:
        """One memo per coder per article or code: where both coders wrote one, the target's
        takes the source's text (each distinct text once) and the newer time; the source's
        goes. Project log entries are many by nature and all move."""
        joined = 0
        rows = self.db.execute(
            "SELECT s.id, t.id, s.text, t.text, s.created_at, t.created_at, s.updated_at, "
            "t.updated_at FROM memos s JOIN memos t ON t.coder_id = ? AND t.target = s.target "
            "AND t.document_id IS s.document_id AND t.code_id IS s.code_id "
            "WHERE s.coder_id = ? AND s.target IN ('document', 'code') ORDER BY s.id",
            [target_id, source_id],
        ).fetchall()
        for s_id, t_id, s_text, t_text, s_made, t_made, s_changed, t_changed in rows:
            self.db.execute(
                "UPDATE memos SET text = ?, created_at = ?, updated_at = ? WHERE id = ?",
                [
                    join_texts(str(t_text), str(s_text)),
                    min(str(s_made), str(t_made)),
                    max(str(s_changed), str(t_changed)),
                    t_id,
                ],
            )
            self.db.execute("DELETE FROM memos WHERE id = ?", [s_id])
            joined += 1
        return joined

    def decisions_of(self, coder_id: int) -> list[tuple[int, int, int, str, list[str]]]:
        """Review decisions naming this coder: ``(id, first coder, second coder, basis,
        GUIDs of the consensus codings it made)``."""
        rows = self.db.execute(
            "SELECT id, first_coder_id, second_coder_id, basis, made FROM decisions "
            "WHERE first_coder_id = ? OR second_coder_id = ? ORDER BY id",
            [coder_id, coder_id],
        ).fetchall()
        found = []
        for did, first, second, basis, made in rows:
            try:
                guids: Any = json.loads(made or "[]")
            except ValueError:
                guids = []
            found.append(
                (
                    int(did),
                    int(first),
                    int(second),
                    str(basis),
                    [str(g) for g in guids] if isinstance(guids, list) else [],
                )
            )
        return found

    def repoint_decision(self, decision_id: int, first: int, second: int, basis: str) -> bool:
        """Let a decision name these coders with this basis; if the pair already has a
        decision on the same difference it would duplicate, it is removed instead (returns
        False)."""
        twin = self.db.execute(
            "SELECT o.id FROM decisions d JOIN decisions o ON o.id != d.id "
            "AND o.document_id = d.document_id AND o.code_id = d.code_id "
            'AND o.start IS d.start AND o."end" IS d."end" AND ((o.first_coder_id = ? AND '
            "o.second_coder_id = ?) OR (o.first_coder_id = ? AND o.second_coder_id = ?)) "
            "WHERE d.id = ?",
            [first, second, second, first, decision_id],
        ).fetchone()
        if twin is not None:
            self.db.execute("DELETE FROM decisions WHERE id = ?", [decision_id])
            return False
        self.db.execute(
            "UPDATE decisions SET first_coder_id = ?, second_coder_id = ?, basis = ? WHERE id = ?",
            [first, second, basis, decision_id],
        )
        return True

    def drop_decision(self, decision_id: int) -> None:
        self.db.execute("DELETE FROM decisions WHERE id = ?", [decision_id])

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
