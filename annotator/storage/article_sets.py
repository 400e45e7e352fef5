"""Named article sets and stored sample designs: the only SQL of both (migration 0014)."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from annotator.domain.model import new_guid, utc_now


@dataclass(frozen=True)
class SetRow:
    """One article set as stored."""

    id: int
    guid: str
    name: str
    description: str
    created_at: str
    documents: frozenset[int]


@dataclass(frozen=True)
class DesignRow:
    """One stored sample design: its JSON and the articles it placed, by id:
    ``(document, part, coder)`` with part ``sample`` or ``rest``."""

    id: int
    guid: str
    created_at: str
    design: dict[str, Any]
    placed: tuple[tuple[int, str, str | None], ...]


class ArticleSetStore:
    """Read and write article sets and sample designs."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- sets ----------------------------------------------------------------------------------

    def sets(self) -> list[SetRow]:
        """Every set, by name."""
        members: dict[int, set[int]] = {}
        for set_id, document_id in self.db.execute(
            "SELECT set_id, document_id FROM article_set_members"
        ).fetchall():
            members.setdefault(set_id, set()).add(document_id)
        return [
            SetRow(int(i), str(g), str(n), str(d), str(t), frozenset(members.get(int(i), ())))
            for i, g, n, d, t in self.db.execute(
                "SELECT id, guid, name, description, created_at FROM article_sets "
                "ORDER BY name COLLATE NOCASE"
            ).fetchall()
        ]

    def set_named(self, name: str) -> SetRow | None:
        """The set of this name (ignoring case), or None."""
        return next((s for s in self.sets() if s.name.casefold() == name.casefold()), None)

    def create_set(self, name: str, description: str, documents: Iterable[int]) -> int:
        """A new set holding ``documents``; returns its id."""
        cursor = self.db.execute(
            "INSERT INTO article_sets (guid, name, description, created_at) VALUES (?, ?, ?, ?)",
            [new_guid(), name, description, utc_now()],
        )
        set_id = int(cursor.lastrowid or 0)
        self.add_members(set_id, documents)
        return set_id

    def delete_set(self, set_id: int) -> None:
        self.db.execute("DELETE FROM article_sets WHERE id = ?", [set_id])

    def add_members(self, set_id: int, documents: Iterable[int]) -> None:
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO article_set_members (set_id, document_id) VALUES (?, ?)",
            [(set_id, d) for d in documents],
        )

    def remove_members(self, set_id: int, documents: Collection[int]) -> None:
        self.db.conn.executemany(
            "DELETE FROM article_set_members WHERE set_id = ? AND document_id = ?",
            [(set_id, d) for d in documents],
        )

    # -- designs -------------------------------------------------------------------------------

    def add_design(
        self,
        design: dict[str, Any],
        placed: Iterable[tuple[int, str, str | None]],
        *,
        row: DesignRow | None = None,
    ) -> int:
        """Store a design and the articles it placed; ``row`` puts back one taken away
        (an undone draw redone), with its id, GUID and time."""
        if row is not None:
            self.db.execute(
                "INSERT INTO sample_designs (id, guid, created_at, design) VALUES (?, ?, ?, ?)",
                [row.id, row.guid, row.created_at, json.dumps(row.design, ensure_ascii=False)],
            )
            design_id = row.id
        else:
            cursor = self.db.execute(
                "INSERT INTO sample_designs (guid, created_at, design) VALUES (?, ?, ?)",
                [new_guid(), utc_now(), json.dumps(design, ensure_ascii=False)],
            )
            design_id = int(cursor.lastrowid or 0)
        self.db.conn.executemany(
            "INSERT INTO sample_design_documents (design_id, document_id, part, coder) "
            "VALUES (?, ?, ?, ?)",
            [(design_id, d, part, coder) for d, part, coder in placed],
        )
        return design_id

    def design(self, design_id: int | None = None) -> DesignRow | None:
        """A stored design (the newest when no id is given), or None."""
        if design_id is None:
            found = self.db.execute(
                "SELECT id, guid, created_at, design FROM sample_designs ORDER BY id DESC LIMIT 1"
            ).fetchone()
        else:
            found = self.db.execute(
                "SELECT id, guid, created_at, design FROM sample_designs WHERE id = ?",
                [design_id],
            ).fetchone()
        if found is None:
            return None
        placed = self.db.execute(
            "SELECT document_id, part, coder FROM sample_design_documents WHERE design_id = ? "
            "ORDER BY document_id",
            [found[0]],
        ).fetchall()
        return DesignRow(
            found[0], found[1], found[2], json.loads(found[3]), tuple(map(tuple, placed))
        )

    def delete_design(self, design_id: int) -> None:
        self.db.execute("DELETE FROM sample_designs WHERE id = ?", [design_id])
