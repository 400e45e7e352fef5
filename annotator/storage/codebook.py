"""The codebook tree: dimensions and codes.

Sibling names are unique without regard to case: the store fills ``name_key``
(:func:`~annotator.domain.codebook.name_key` of the name) and a unique index holds it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlite_utils import Database

from annotator.domain.codebook import (
    MAX_DEPTH,
    Codebook,
    check_name,
    check_shortcut,
    cycle_problem,
    depth_problem,
    find_cycles,
    name_key,
)
from annotator.domain.colors import next_color, normalise_color
from annotator.domain.errors import ConflictError, NotFoundError, UserError
from annotator.domain.model import Code, new_guid
from annotator.storage.verify import DAMAGE, Problem

_COLUMNS = "id, guid, parent_id, name, color, description, shortcut, position, exclusive"


def _code(row: Any) -> Code:
    id_, guid, parent_id, name, color, description, shortcut, position, exclusive = row
    return Code(id_, guid, parent_id, name, color, description, shortcut, position, bool(exclusive))


class CodebookStore:
    """Read the codebook as a tree; add and change its nodes."""

    def __init__(self, db: Database) -> None:
        self.db = db
        #: Who changes the codebook (the coder the session is used as) and by which route
        #: (``window``, ``codebook import FILE``, ``merge FILE``, ``undo`` …): the change log's
        #: triggers cannot know, so each write below fills them into the rows it logged, in
        #: its own transaction (migration 0015).
        self.coder: str | None = None
        self.route: str | None = None

    @contextmanager
    def acting(self, route: str, coder: str | None = None) -> Iterator[None]:
        """Log the codebook changes made inside the block as made by ``route`` (and
        ``coder``, when given), then go back to the session's."""
        kept = self.route, self.coder
        self.route = route
        if coder is not None:
            self.coder = coder
        try:
            yield
        finally:
            self.route, self.coder = kept

    @contextmanager
    def _logged(self) -> Iterator[None]:
        """A write in one transaction whose change-log rows get the acting coder and route."""
        with self.db.atomic():
            row = self.db.execute("SELECT ifnull(max(id), 0) FROM codebook_changes").fetchone()
            yield
            if self.coder is not None or self.route is not None:
                self.db.execute(
                    "UPDATE codebook_changes SET coder = ?, route = ? WHERE id > ?",
                    [self.coder, self.route, row[0]],
                )

    def tree(self) -> Codebook:
        """The whole codebook as a :class:`Codebook` view (a snapshot)."""
        rows = self.db.execute(f"SELECT {_COLUMNS} FROM codes")
        return Codebook(_code(row) for row in rows)

    def get(self, code_id: int) -> Code:
        row = self.db.execute(f"SELECT {_COLUMNS} FROM codes WHERE id = ?", [code_id]).fetchone()
        if row is None:
            raise NotFoundError(f"there is no code with id {code_id}")
        return _code(row)

    def by_guid(self, guid: str) -> Code | None:
        row = self.db.execute(f"SELECT {_COLUMNS} FROM codes WHERE guid = ?", [guid]).fetchone()
        return None if row is None else _code(row)

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM codes").fetchone()[0])

    def add(
        self,
        name: str,
        parent_id: int | None = None,
        *,
        color: str | None = None,
        description: str = "",
        shortcut: str | None = None,
        exclusive: bool = False,
        guid: str | None = None,
    ) -> Code:
        """Add a dimension (``parent_id=None``) or a code at the end of its parent's list."""
        name = check_name(name)
        shortcut = check_shortcut(shortcut)
        if color is None:
            used = {str(c) for (c,) in self.db.execute("SELECT color FROM codes")}
            color = next_color(used)
        color = normalise_color(color)
        self._check_free(name, parent_id, shortcut, None)
        if parent_id is not None:
            self._check_depth(name, self._depth(parent_id) + 1)
        guid_value = guid or new_guid()
        with self._logged():
            position = self.db.execute(
                "SELECT ifnull(max(position) + 1, 0) FROM codes WHERE parent_id IS ?", [parent_id]
            ).fetchone()[0]
            cursor = self._write(
                "INSERT INTO codes (guid, parent_id, name, color, description, shortcut, "
                "position, exclusive, name_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    guid_value,
                    parent_id,
                    name,
                    color,
                    description,
                    shortcut,
                    position,
                    int(exclusive),
                    name_key(name),
                ],
            )
        return Code(
            int(cursor.lastrowid or 0),
            str(guid_value),
            parent_id,
            name,
            color,
            description,
            shortcut,
            int(position),
            bool(exclusive),
        )

    def restore(self, code: Code) -> Code:
        """Put back a deleted node exactly (same id and GUID), for undo."""
        with self._logged():
            self._write(
                f"INSERT INTO codes ({_COLUMNS}, name_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    code.id,
                    code.guid,
                    code.parent_id,
                    code.name,
                    code.color,
                    code.description,
                    code.shortcut,
                    code.position,
                    int(code.exclusive),
                    name_key(code.name),
                ],
            )
        return self.get(code.id)

    def update(
        self,
        code_id: int,
        *,
        name: str | None = None,
        color: str | None = None,
        description: str | None = None,
        shortcut: str | None = None,
        clear_shortcut: bool = False,
        exclusive: bool | None = None,
    ) -> Code:
        """Change the given fields of a node; the others stay as they are."""
        code = self.get(code_id)
        fields: dict[str, object] = {}
        if name is not None and name != code.name:
            fields["name"] = check_name(name)
            fields["name_key"] = name_key(check_name(name))
        if color is not None:
            fields["color"] = normalise_color(color)
        if description is not None:
            fields["description"] = description
        if clear_shortcut:
            fields["shortcut"] = None
        elif shortcut is not None:
            fields["shortcut"] = check_shortcut(shortcut)
        if exclusive is not None:
            fields["exclusive"] = int(exclusive)
        if not fields:
            return code
        # The name is checked only when it changes: a pair of names that differ only in case,
        # from before the rule, can still be recoloured (and renamed apart).
        new_name = str(fields["name"]) if "name" in fields else None
        new_shortcut = fields.get("shortcut", code.shortcut)
        self._check_free(
            new_name, code.parent_id, None if new_shortcut is None else str(new_shortcut), code_id
        )
        assignments = ", ".join(f"{column} = ?" for column in fields)
        with self._logged():
            self._write(f"UPDATE codes SET {assignments} WHERE id = ?", [*fields.values(), code_id])
        return self.get(code_id)

    def subtree(self, code_id: int) -> list[int]:
        """The node and all its descendants."""
        rows = self.db.execute(
            # UNION, not UNION ALL: a damaged codebook with a cycle must not loop forever.
            "WITH RECURSIVE below(id) AS (SELECT ? UNION "
            "SELECT codes.id FROM codes JOIN below ON codes.parent_id = below.id) "
            "SELECT id FROM below",
            [code_id],
        )
        return [int(i) for (i,) in rows]

    def move(self, code_id: int, parent_id: int | None, position: int) -> Code:
        """Put a node under ``parent_id`` (``None``: make it a dimension) at ``position`` among
        its new siblings. A code with codings cannot become a dimension."""
        code = self.get(code_id)
        if parent_id is not None and parent_id in self.subtree(code_id):
            raise UserError(f"'{code.name}' cannot be moved inside itself")
        self._check_free(code.name, parent_id, None, code_id)
        if parent_id is not None:
            self._check_depth(code.name, self._depth(parent_id) + self._height(code_id))
        siblings = [
            int(i)
            for (i,) in self.db.execute(
                "SELECT id FROM codes WHERE parent_id IS ? AND id <> ? ORDER BY position, id",
                [parent_id, code_id],
            )
        ]
        siblings.insert(max(0, min(position, len(siblings))), code_id)
        with self._logged():
            self.db.execute(
                "UPDATE codes SET parent_id = ?, exclusive = exclusive AND ? IS NULL WHERE id = ?",
                [parent_id, parent_id, code_id],
            )
            for index, sibling in enumerate(siblings):
                self.db.execute("UPDATE codes SET position = ? WHERE id = ?", [index, sibling])
        return self.get(code_id)

    def delete(self, code_id: int) -> None:
        """Remove a node and its descendants (their codings must be gone first)."""
        with self._logged():
            for node in reversed(self.subtree(code_id)):
                self._write("DELETE FROM codes WHERE id = ?", [node])

    def used_colors(self) -> set[str]:
        """Every colour a node has (for choosing the colours of many new nodes at once)."""
        return {str(color) for (color,) in self.db.execute("SELECT DISTINCT color FROM codes")}

    def _depth(self, code_id: int) -> int:
        """How many levels down the node lies (a dimension: 1), counted to MAX_DEPTH + 1."""
        depth = 0
        node: int | None = code_id
        while node is not None and depth <= MAX_DEPTH:
            depth += 1
            row = self.db.execute("SELECT parent_id FROM codes WHERE id = ?", [node]).fetchone()
            node = None if row is None else row[0]
        return depth

    def _height(self, code_id: int) -> int:
        """How many levels the node and those below it take (a leaf: 1), to MAX_DEPTH + 1."""
        row = self.db.execute(
            "WITH RECURSIVE below(id, level) AS (SELECT ?, 1 UNION "
            "SELECT codes.id, level + 1 FROM codes JOIN below ON codes.parent_id = below.id "
            "WHERE level <= ?) SELECT max(level) FROM below",
            [code_id, MAX_DEPTH],
        ).fetchone()
        return int(row[0])

    @staticmethod
    def _check_depth(name: str, depth: int) -> None:
        problem = depth_problem(depth, name)
        if problem is not None:
            raise ConflictError(problem)

    def _check_free(
        self, name: str | None, parent_id: int | None, shortcut: str | None, code_id: int | None
    ) -> None:
        # ifnull(parent_id, 0) as the unique index has it, so that the index answers.
        clash = None
        if name is not None:
            clash = self.db.execute(
                "SELECT name FROM codes WHERE ifnull(parent_id, 0) = ifnull(?, 0) "
                "AND name_key = ? AND id IS NOT ?",
                [parent_id, name_key(name), code_id],
            ).fetchone()
        if name is not None and clash is not None:
            where = "a dimension" if parent_id is None else "a code under the same parent"
            also = "" if clash[0] == name else f" ('{clash[0]}': names differ only in case)"
            raise ConflictError(f"there is already {where} named '{name}'{also}")
        if shortcut is not None:
            holder = self.db.execute(
                "SELECT name FROM codes WHERE shortcut = ? AND id IS NOT ?", [shortcut, code_id]
            ).fetchone()
            if holder is not None:
                raise ConflictError(f"shortcut '{shortcut}' is already used by '{holder[0]}'")

    def _write(self, sql: str, parameters: list[object]) -> sqlite3.Cursor:
        try:
            return self.db.execute(sql, parameters)
        except sqlite3.IntegrityError as error:
            raise UserError(f"the codebook cannot take this change ({error})") from None


def cycle_problems(connection: sqlite3.Connection) -> list[Problem]:
    """Codes each inside the next (a cycle, which no dimension holds: made by editing the file
    with another tool), as problems opening refuses the project for — every walk of such a
    tree that trusts it to end would go round forever."""
    try:
        parents = {int(i): p for i, p in connection.execute("SELECT id, parent_id FROM codes")}
        cycles = find_cycles(parents)
        names = (
            {int(i): str(n) for i, n in connection.execute("SELECT id, name FROM codes")}
            if cycles
            else {}
        )
    except sqlite3.DatabaseError:  # damaged pages or a missing table: other checks say so
        return []
    return [
        Problem(cycle_problem([names[i] for i in cycle]), DAMAGE, readable=False)
        for cycle in cycles
    ]
