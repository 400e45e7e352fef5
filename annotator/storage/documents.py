"""Documents (immutable text) and their typed variables."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from annotator.domain.errors import ConflictError, NotFoundError, UserError
from annotator.domain.model import Document, Variable, VariableType, new_guid, utc_now
from annotator.domain.text import text_sha256
from annotator.storage import search_index

_COLUMNS = "id, guid, name, source, sha256, length, imported_at"


def _document(row: Any) -> Document:
    return Document(*row)


class DocumentStore:
    """Read and add documents; set their variables."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- documents -------------------------------------------------------------------

    def add(
        self,
        name: str,
        source: str,
        text: str,
        *,
        guid: str | None = None,
        imported_at: str | None = None,
        numbers: dict[str, int] | None = None,
    ) -> Document:
        """Store a new document. ``text`` must already be normalised (see domain.text).

        The name is made unique with a numbered suffix (``numbers``: see
        :meth:`unique_name`); the same text twice is refused.
        """
        if "\x00" in text:  # SQLite's length() and LIKE stop at a NUL: offsets would lie
            raise UserError(f"{source}: the text holds a NUL character; it is not a text")
        sha256 = text_sha256(text)
        outermost = not self.db.conn.in_transaction
        existing = self.by_sha256(sha256)
        if existing is not None:
            raise ConflictError(
                f"{source}: the project already holds this text as '{existing.name}'"
            )
        guid = guid or new_guid()
        name = self.unique_name(name, numbers)
        imported_at = imported_at or utc_now()
        insert = (
            "INSERT INTO documents (guid, name, source, text, length, sha256, imported_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)"
        )
        row = [guid, name, source, text, len(text), sha256, imported_at]
        # The search index learns of the article through a trigger, and is brought up to date
        # here, in the same transaction — or, inside a caller's transaction (an import), once
        # at its end by Project.transaction: FTS5 writes out what it holds at every savepoint,
        # and one per article would cost more than the words. There the insert is one
        # statement, atomic by itself: no savepoint of its own (an import of 100,000 articles
        # spent 2 s making and releasing them).
        if outermost:
            with self.db.atomic():
                cursor = self.db.execute(insert, row)
                search_index.catch_up(self.db)
        else:
            cursor = self.db.execute(insert, row)
        return Document(
            int(cursor.lastrowid or 0), guid, name, source, sha256, len(text), imported_at
        )

    def unique_name(self, name: str, numbers: dict[str, int] | None = None) -> str:
        """``name``, or ``name (2)``, ``name (3)``… whichever is not yet taken.

        ``numbers`` (kept by the caller over many calls in which names are only added, as an
        import's) remembers the number each name reached, to go on from there: the 3,000th
        "Letters" of an import would otherwise try the 2,999 names taken before it."""
        number = numbers.get(name, 1) if numbers is not None else 1
        candidate = name if number == 1 else f"{name} ({number})"
        while self.by_name(candidate) is not None:
            number += 1
            candidate = f"{name} ({number})"
        if numbers is not None:
            numbers[name] = number
        return candidate

    def get(self, document_id: int) -> Document:
        row = self.db.execute(
            f"SELECT {_COLUMNS} FROM documents WHERE id = ?", [document_id]
        ).fetchone()
        if row is None:
            raise NotFoundError(f"there is no document with id {document_id}")
        return _document(row)

    def by_name(self, name: str) -> Document | None:
        row = self.db.execute(f"SELECT {_COLUMNS} FROM documents WHERE name = ?", [name]).fetchone()
        return None if row is None else _document(row)

    def by_sha256(self, sha256: str) -> Document | None:
        row = self.db.execute(
            f"SELECT {_COLUMNS} FROM documents WHERE sha256 = ?", [sha256]
        ).fetchone()
        return None if row is None else _document(row)

    def find(self, name_or_id: str) -> Document:
        """A document by exact name, or by id when given a number that is not a name."""
        document = self.by_name(name_or_id)
        if document is None and name_or_id.isdigit():
            row = self.db.execute(
                f"SELECT {_COLUMNS} FROM documents WHERE id = ?", [int(name_or_id)]
            ).fetchone()
            document = None if row is None else _document(row)
        if document is None:
            raise NotFoundError(f"the project has no document named '{name_or_id}'")
        return document

    def all(self) -> list[Document]:
        """Every document, in import order."""
        return [
            _document(row)
            for row in self.db.execute(f"SELECT {_COLUMNS} FROM documents ORDER BY id")
        ]

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM documents").fetchone()[0])

    def text(self, document_id: int) -> str:
        row = self.db.execute("SELECT text FROM documents WHERE id = ?", [document_id]).fetchone()
        if row is None:
            raise NotFoundError(f"there is no document with id {document_id}")
        return str(row[0])

    def lengths(self) -> dict[int, int]:
        """Every document's length in characters, by id."""
        return {int(i): int(n) for i, n in self.db.execute("SELECT id, length FROM documents")}

    def texts(self) -> dict[int, str]:
        return {int(i): str(t) for i, t in self.db.execute("SELECT id, text FROM documents")}

    # -- variables -------------------------------------------------------------------

    def variables(self) -> list[Variable]:
        rows = self.db.execute("SELECT id, name, type FROM variables ORDER BY position, id")
        return [Variable(int(i), str(n), VariableType(t)) for i, n, t in rows]

    def variable(self, name: str) -> Variable | None:
        row = self.db.execute(
            "SELECT id, name, type FROM variables WHERE name = ?", [name]
        ).fetchone()
        return None if row is None else Variable(int(row[0]), str(row[1]), VariableType(row[2]))

    def define_variable(self, name: str, type_: VariableType) -> Variable:
        """The variable called ``name``, created with ``type_`` if the project lacks it."""
        existing = self.variable(name)
        if existing is not None:
            return existing
        with self.db.atomic():
            position = self.db.execute("SELECT count(*) FROM variables").fetchone()[0]
            self.db.execute(
                "INSERT INTO variables (name, type, position) VALUES (?, ?, ?)",
                [name, type_.value, position],
            )
        variable = self.variable(name)
        assert variable is not None
        return variable

    def set_values(self, document_id: int, values: dict[int, str | None]) -> None:
        """Set (or, with ``None``, clear) variable values of one document, by variable id."""
        with self.db.atomic():
            for variable_id, value in values.items():
                if value is None or value == "":
                    self.db.execute(
                        "DELETE FROM document_values WHERE document_id = ? AND variable_id = ?",
                        [document_id, variable_id],
                    )
                else:
                    self.db.execute(
                        "INSERT INTO document_values (document_id, variable_id, value) "
                        "VALUES (?, ?, ?) ON CONFLICT (document_id, variable_id) "
                        "DO UPDATE SET value = excluded.value",
                        [document_id, variable_id, value],
                    )

    def add_values(self, rows: Iterable[tuple[int, int, str]]) -> None:
        """Give documents values they do not have yet: ``(document id, variable id, value)``
        rows, in one statement (an import of thousands of articles)."""
        with self.db.atomic():
            self.db.conn.executemany(
                "INSERT INTO document_values (document_id, variable_id, value) VALUES (?, ?, ?)",
                [row for row in rows if row[2] != ""],
            )

    def existing_sha256(self, hashes: Iterable[str]) -> set[str]:
        """Which of ``hashes`` the project holds a text of."""
        wanted = list(dict.fromkeys(hashes))
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = self.db.execute(
                f"SELECT sha256 FROM documents WHERE sha256 IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            found.update(str(row[0]) for row in rows)
        return found

    def values(self, document_id: int) -> dict[str, str]:
        """A document's variable values by variable name."""
        rows = self.db.execute(
            "SELECT v.name, dv.value FROM document_values dv "
            "JOIN variables v ON v.id = dv.variable_id WHERE dv.document_id = ? "
            "ORDER BY v.position, v.id",
            [document_id],
        )
        return {str(name): str(value) for name, value in rows}

    def all_values(self, document_ids: Iterable[int] | None = None) -> dict[int, dict[str, str]]:
        """Variable values of every document (or of the given ones), by id then name."""
        result: dict[int, dict[str, str]] = {}
        where, parameters = "", list[object]()
        if document_ids is not None:
            parameters = list(document_ids)
            where = f"WHERE dv.document_id IN ({', '.join('?' * len(parameters))})"
        rows = self.db.execute(
            "SELECT dv.document_id, v.name, dv.value FROM document_values dv "
            f"JOIN variables v ON v.id = dv.variable_id {where} "
            "ORDER BY dv.document_id, v.position, v.id",
            parameters,
        )
        for document_id, name, value in rows:
            result.setdefault(int(document_id), {})[str(name)] = str(value)
        return result

    def values_of(self, variable_id: int) -> dict[int, str]:
        """One variable's value for every document that has one, by document id."""
        rows = self.db.execute(
            "SELECT document_id, value FROM document_values WHERE variable_id = ?", [variable_id]
        )
        return {int(document_id): str(value) for document_id, value in rows}

    def names(self) -> list[tuple[int, str]]:
        """``(id, name)`` of every document in import order: cheap even for large projects."""
        rows: list[tuple[int, str]] = self.db.execute(
            "SELECT id, name FROM documents ORDER BY id"
        ).fetchall()
        return rows

    def context(self, document_id: int, start: int, end: int, width: int) -> tuple[str, str, str]:
        """The text before a span (up to ``width`` characters), the span, and after it.

        SQLite's substr counts characters, as Python does, so only these pieces are read.
        """
        begin = max(start - width, 0)
        row = self.db.execute(
            "SELECT substr(text, ?, ?), substr(text, ?, ?), substr(text, ?, ?) "
            "FROM documents WHERE id = ?",
            [begin + 1, start - begin, start + 1, end - start, end + 1, width, document_id],
        ).fetchone()
        if row is None:
            raise NotFoundError(f"there is no document with id {document_id}")
        return str(row[0]), str(row[1]), str(row[2])
