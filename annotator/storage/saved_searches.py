"""Saved searches (table ``saved_searches`` of migration 0013) and their "new articles" marks
per coder (``saved_search_marks``, migration 0016): the rows and their SQL."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from annotator.domain.codebook import name_key
from annotator.domain.errors import ConflictError, NotFoundError, UserError
from annotator.domain.model import new_guid, utc_now

UNITS = ("hit", "sentence", "paragraph", "article")
_COLUMNS = (
    "id, guid, name, query, regex, match_case, match_diacritics, code_id, unit, scope, "
    "created_at, updated_at"
)
#: The fields that make a rule find or code something else: changing one resets its marks
#: (the changed rule has run on no article yet).
RULE_FIELDS = frozenset(
    {"query", "regex", "match_case", "match_diacritics", "code_id", "unit", "scope"}
)


@dataclass(frozen=True)
class SavedScope:
    """Where a saved search looks: conditions as the command line writes them
    (``outlet=Yonhap``), the GUIDs of the codes it searches within and of whose passages."""

    where: tuple[str, ...] = ()
    within: tuple[str, ...] = ()
    coders: tuple[str, ...] = ()

    def to_json(self) -> str:
        data: dict[str, list[str]] = {}
        for key in ("where", "within", "coders"):
            if getattr(self, key):
                data[key] = list(getattr(self, key))
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> SavedScope:
        try:
            data = json.loads(text)
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}

        def strings(key: str) -> tuple[str, ...]:
            value = data.get(key, [])
            return tuple(str(v) for v in value) if isinstance(value, list) else ()

        return cls(strings("where"), strings("within"), strings("coders"))


@dataclass(frozen=True)
class SavedSearch:
    """A search kept under a name: query and options, the code it applies (or None), the
    unit it codes and its scope. (The highest article id it has run on is kept per coder:
    :meth:`SavedSearchStore.mark`.)"""

    id: int
    guid: str
    name: str
    query: str
    regex: bool = False
    match_case: bool = False
    match_diacritics: bool = False
    code_id: int | None = None
    unit: str = "hit"
    scope: SavedScope = field(default_factory=SavedScope)
    created_at: str = ""
    updated_at: str = ""


def _saved(row: Any) -> SavedSearch:
    return SavedSearch(
        id=int(row[0]),
        guid=str(row[1]),
        name=str(row[2]),
        query=str(row[3]),
        regex=bool(row[4]),
        match_case=bool(row[5]),
        match_diacritics=bool(row[6]),
        code_id=None if row[7] is None else int(row[7]),
        unit=str(row[8]),
        scope=SavedScope.from_json(str(row[9])),
        created_at=str(row[10]),
        updated_at=str(row[11]),
    )


#: Names the command line reads as something else ("search-rules run PROJECT all").
RESERVED_NAMES = frozenset({"all"})
#: Characters that show nothing: format (zero-width), spacing, combining marks alone.
_INVISIBLE = frozenset({"Cf", "Zs", "Zl", "Zp", "Mn", "Me", "Co", "Cn"})


def check_search_name(name: str) -> str:
    """A saved search's name, trimmed; refused when empty or holding control characters."""
    name = " ".join(name.split())
    if not name:
        raise UserError("a saved search needs a name")
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in name):
        raise UserError("a saved search's name cannot hold control characters")
    if len(name) > 200:
        raise UserError("a saved search's name is at most 200 characters")
    if all(unicodedata.category(c) in _INVISIBLE for c in name):
        raise UserError("a saved search's name needs a visible character")
    if name.casefold() in RESERVED_NAMES:
        raise UserError(
            f"'{name}' cannot name a saved search: 'search-rules run' takes it for every one"
        )
    return name


class SavedSearchStore:
    """Add, change, remove and list saved searches."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def all(self) -> list[SavedSearch]:
        """Every saved search, by name."""
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM saved_searches ORDER BY name_key, id"
        ).fetchall()
        return [_saved(row) for row in rows]

    def get(self, search_id: int) -> SavedSearch:
        row = self.db.execute(
            f"SELECT {_COLUMNS} FROM saved_searches WHERE id = ?", [search_id]
        ).fetchone()
        if row is None:
            raise NotFoundError(f"there is no saved search with id {search_id}")
        return _saved(row)

    def by_name(self, name: str) -> SavedSearch | None:
        """The saved search of this name (compared without regard to case)."""
        row = self.db.execute(
            f"SELECT {_COLUMNS} FROM saved_searches WHERE name_key = ?", [name_key(name)]
        ).fetchone()
        return None if row is None else _saved(row)

    def by_guid(self, guid: str) -> SavedSearch | None:
        row = self.db.execute(
            f"SELECT {_COLUMNS} FROM saved_searches WHERE guid = ?", [guid]
        ).fetchone()
        return None if row is None else _saved(row)

    def for_code(self, code_id: int) -> list[SavedSearch]:
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM saved_searches WHERE code_id = ? ORDER BY name_key",
            [code_id],
        ).fetchall()
        return [_saved(row) for row in rows]

    def _refuse_taken(self, name: str, other_than: int | None = None) -> None:
        existing = self.by_name(name)
        if existing is not None and existing.id != other_than:
            raise ConflictError(f"a saved search is already called '{existing.name}'")

    def add(
        self,
        name: str,
        query: str,
        *,
        regex: bool = False,
        match_case: bool = False,
        match_diacritics: bool = False,
        code_id: int | None = None,
        unit: str = "hit",
        scope: SavedScope = SavedScope(),
        guid: str | None = None,
    ) -> SavedSearch:
        """Keep a search under ``name`` (unique without regard to case)."""
        name = check_search_name(name)
        if not query.strip():
            raise UserError("a saved search needs a query")
        if unit not in UNITS:
            raise UserError(f"unit must be one of {', '.join(UNITS)}, not '{unit}'")
        self._refuse_taken(name)
        now = utc_now()
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT INTO saved_searches (guid, name, name_key, query, regex, match_case, "
                "match_diacritics, code_id, unit, scope, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    guid or new_guid(),
                    name,
                    name_key(name),
                    query,
                    int(regex),
                    int(match_case),
                    int(match_diacritics),
                    code_id,
                    unit,
                    scope.to_json(),
                    now,
                    now,
                ],
            )
        return self.get(int(cursor.lastrowid or 0))

    def update(self, search_id: int, *, keep_marks: bool = False, **changes: Any) -> SavedSearch:
        """Change some of a saved search's fields (``name``, ``query``, ``regex``,
        ``match_case``, ``match_diacritics``, ``code_id``, ``unit``, ``scope``). A change to
        what it finds or codes (:data:`RULE_FIELDS`) takes away every coder's mark — unless
        ``keep_marks`` (its code merged into another: the same rule under another name)."""
        before = self.get(search_id)
        allowed = {"name", *RULE_FIELDS}
        unknown = set(changes) - allowed
        if unknown:
            raise ValueError(f"unknown fields {sorted(unknown)}")
        values: dict[str, object] = {}
        for key, value in changes.items():
            if key == "name":
                value = check_search_name(str(value))
                self._refuse_taken(value, search_id)
                values["name_key"] = name_key(value)
            elif key == "unit" and value not in UNITS:
                raise UserError(f"unit must be one of {', '.join(UNITS)}, not '{value}'")
            elif key == "query" and not str(value).strip():
                raise UserError("a saved search needs a query")
            elif key == "scope":
                value = value.to_json()
            elif key in ("regex", "match_case", "match_diacritics"):
                value = int(bool(value))
            values[key] = value
        values["updated_at"] = utc_now()
        assignments = ", ".join(f"{key} = ?" for key in values)
        rule_changed = any(
            getattr(before, key) != changes[key] for key in RULE_FIELDS & set(changes)
        )
        with self.db.atomic():
            self.db.execute(
                f"UPDATE saved_searches SET {assignments} WHERE id = ?",
                [*values.values(), search_id],
            )
            if rule_changed and not keep_marks:
                self.db.execute("DELETE FROM saved_search_marks WHERE search_id = ?", [search_id])
        return self.get(search_id)

    # -- marks: the highest article id a rule has run on, per coder ---------------------------

    def mark(self, search_id: int, coder_id: int) -> int:
        """The highest article id the search has run on for the coder (0: never)."""
        row = self.db.execute(
            "SELECT last_document_id FROM saved_search_marks WHERE search_id = ? AND coder_id = ?",
            [search_id, coder_id],
        ).fetchone()
        return 0 if row is None else int(row[0])

    def marks(self, search_id: int) -> dict[int, int]:
        """Every coder's mark of the search, by coder id."""
        rows = self.db.execute(
            "SELECT coder_id, last_document_id FROM saved_search_marks WHERE search_id = ?",
            [search_id],
        )
        return {int(coder): int(mark) for coder, mark in rows}

    def set_mark(self, search_id: int, coder_id: int, document_id: int) -> None:
        """Set the coder's mark of the search (0 takes it away)."""
        with self.db.atomic():
            if document_id <= 0:
                self.db.execute(
                    "DELETE FROM saved_search_marks WHERE search_id = ? AND coder_id = ?",
                    [search_id, coder_id],
                )
                return
            self.db.execute(
                "INSERT INTO saved_search_marks (search_id, coder_id, last_document_id) "
                "VALUES (?, ?, ?) ON CONFLICT (search_id, coder_id) "
                "DO UPDATE SET last_document_id = excluded.last_document_id",
                [search_id, coder_id, document_id],
            )

    def delete(self, search_id: int) -> SavedSearch:
        """Remove a saved search; returns it as it was."""
        saved = self.get(search_id)
        with self.db.atomic():
            self.db.execute("DELETE FROM saved_searches WHERE id = ?", [search_id])
        return saved

    def restore(self, saved: SavedSearch) -> SavedSearch:
        """Put back a deleted saved search with its id and GUID (undo)."""
        self._refuse_taken(saved.name)
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO saved_searches (id, guid, name, name_key, query, regex, match_case, "
                "match_diacritics, code_id, unit, scope, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    saved.id,
                    saved.guid,
                    saved.name,
                    name_key(saved.name),
                    saved.query,
                    int(saved.regex),
                    int(saved.match_case),
                    int(saved.match_diacritics),
                    saved.code_id,
                    saved.unit,
                    saved.scope.to_json(),
                    saved.created_at,
                    saved.updated_at,
                ],
            )
        return self.get(saved.id)

    def move_code(self, source_id: int, target_id: int) -> int:
        """Give the searches of one code to another (a code merged into another): those tied
        to it, and those searching within it. Returns how many changed."""
        guids = dict(
            self.db.execute(
                "SELECT id, guid FROM codes WHERE id IN (?, ?)", [source_id, target_id]
            ).fetchall()
        )
        changed = 0
        for saved in self.all():
            updates: dict[str, object] = {}
            if saved.code_id == source_id:
                updates["code_id"] = target_id
            within = [
                guids[target_id] if g.lower() == str(guids.get(source_id, "")).lower() else g
                for g in saved.scope.within
            ]
            if tuple(within) != saved.scope.within:
                unique = tuple(dict.fromkeys(within))
                updates["scope"] = SavedScope(saved.scope.where, unique, saved.scope.coders)
            if updates:
                self.update(saved.id, keep_marks=True, **updates)
                changed += 1
        return changed

    def names(self, ids: Iterable[int]) -> dict[int, str]:
        wanted = list(ids)
        if not wanted:
            return {}
        rows = self.db.execute(
            f"SELECT id, name FROM saved_searches WHERE id IN ({', '.join('?' * len(wanted))})",
            wanted,
        )
        return {int(i): str(n) for i, n in rows}
