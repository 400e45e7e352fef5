"""Coders: the people whose codings the project holds."""

from __future__ import annotations

from sqlite_utils import Database

from annotator.domain.codebook import check_name
from annotator.domain.errors import ConflictError, NotFoundError
from annotator.domain.model import Coder, new_guid


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
