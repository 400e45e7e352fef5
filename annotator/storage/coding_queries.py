"""Reading codings: by document, code or coder, counts, the rows statistics and exports
stream, and the ranges the reader draws. :class:`~annotator.storage.codings.CodingStore` adds
the writes."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

from sqlite_utils import Database

from annotator.domain.model import Coding

COLUMNS = (
    'id, guid, document_id, coder_id, code_id, start, "end", memo, created_at, updated_at, origin'
)
#: Whether a coding was made by a search (its origin says so; text another program wrote
#: there that is not JSON counts as not).
SEARCH_MADE = (
    "ifnull(CASE WHEN json_valid(origin) THEN json_extract(origin, '$.kind') END = 'search', 0)"
)
#: Whether a coding was accepted from a machine's suggestion (its origin's kind is
#: ``assisted``, issue 18); text that is not JSON counts as not.
ASSISTED = (
    "ifnull(CASE WHEN json_valid(origin) THEN json_extract(origin, '$.kind') END = 'assisted', 0)"
)
#: A coding's provenance from a machine run (migration 0017): the run's GUID (a machine coding
#: or one accepted from a machine suggestion), the machine's confidence (a machine coding) and
#: whether it was accepted from a suggestion (1, else 0). Values of the wrong JSON type (a
#: hostile package) read as empty.
PROVENANCE = (
    "CASE WHEN origin IS NOT NULL AND json_valid(origin) "
    "AND json_extract(origin, '$.kind') IN ('machine', 'assisted') "
    "AND json_type(origin, '$.run') = 'text' THEN json_extract(origin, '$.run') END, "
    "CASE WHEN origin IS NOT NULL AND json_valid(origin) "
    "AND json_extract(origin, '$.kind') = 'machine' "
    "AND json_type(origin, '$.confidence') IN ('integer', 'real') "
    "THEN json_extract(origin, '$.confidence') END, "
    "ifnull(CASE WHEN origin IS NOT NULL AND json_valid(origin) "
    "THEN json_extract(origin, '$.kind') END = 'assisted', 0)"
)
# SQLite sorts NULL first: article-level codings come before passages, as the index has them.
_ORDER = 'ORDER BY document_id, start, "end", code_id, coder_id, id'


def as_coding(row: Any) -> Coding:
    """A row of :data:`COLUMNS` as a :class:`Coding`."""
    # Columns are in field order and SQLite returns ints, NULLs and text as the fields expect.
    return Coding(*row)


class CodingQueries:
    """The queries over the ``codings`` table that change nothing."""

    db: Database

    def for_document(self, document_id: int, coder_id: int | None = None) -> list[Coding]:
        if coder_id is None:
            sql = f"SELECT {COLUMNS} FROM codings WHERE document_id = ? {_ORDER}"
            return [as_coding(r) for r in self.db.execute(sql, [document_id])]
        sql = f"SELECT {COLUMNS} FROM codings WHERE document_id = ? AND coder_id = ? {_ORDER}"
        return [as_coding(r) for r in self.db.execute(sql, [document_id, coder_id])]

    def for_code(self, code_id: int) -> list[Coding]:
        sql = f"SELECT {COLUMNS} FROM codings WHERE code_id = ? {_ORDER}"
        return [as_coding(r) for r in self.db.execute(sql, [code_id])]

    def for_coder(self, coder_id: int) -> list[Coding]:
        sql = f"SELECT {COLUMNS} FROM codings WHERE coder_id = ? {_ORDER}"
        return [as_coding(r) for r in self.db.execute(sql, [coder_id])]

    def all(self) -> Iterator[Coding]:
        """Every coding, by document and position (streamed: projects can be large)."""
        for row in self.db.execute(f"SELECT {COLUMNS} FROM codings {_ORDER}"):
            yield as_coding(row)

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM codings").fetchone()[0])

    def count_by_search(self, coder_ids: Collection[int] | None = None) -> int:
        """How many codings (of these coders) a search made."""
        where, parameters = _filters(coder_ids=coder_ids)
        row = self.db.execute(
            f"SELECT count(*) FROM codings {where} AND {SEARCH_MADE}", parameters
        ).fetchone()
        return int(row[0])

    def count_assisted(self, coder_ids: Collection[int] | None = None) -> int:
        """How many codings (of these coders) were accepted from a machine's suggestion."""
        where, parameters = _filters(coder_ids=coder_ids)
        row = self.db.execute(
            f"SELECT count(*) FROM codings {where} AND {ASSISTED}", parameters
        ).fetchone()
        return int(row[0])

    def for_export(
        self,
        *,
        coder_ids: Collection[int] | None = None,
        code_ids: Collection[int] | None = None,
        document_ids: Collection[int] | None = None,
        since: str | None = None,
        before: str | None = None,
        versions: tuple[int, int | None] | None = None,
    ) -> Iterator[
        tuple[
            int, int, int, int, int | None, int | None, str, str, int, str | None, float | None, int
        ]
    ]:
        """``(id, document id, coder id, code id, start, end, memo, created at, by search, run,
        confidence, assisted)`` of the codings chosen (created at ``since`` or later and
        ``before`` a time, ISO UTC), by document and position, ``by search`` 1 for a coding a
        search made, else 0, and its provenance from a machine run (:data:`PROVENANCE`);
        streamed as plain tuples (exports take hundreds of thousands)."""
        where, parameters = _filters(
            coder_ids=coder_ids, code_ids=code_ids, document_ids=document_ids
        )
        where, parameters = _made_between(where, parameters, since, before, versions)
        yield from self.db.execute(
            f'SELECT id, document_id, coder_id, code_id, start, "end", memo, created_at, '
            f"{SEARCH_MADE}, {PROVENANCE} FROM codings {where} {_ORDER}",
            parameters,
        )

    def counts_by_document_coder_code(
        self,
        *,
        coder_ids: Collection[int] | None = None,
        code_ids: Collection[int] | None = None,
        document_ids: Collection[int] | None = None,
        since: str | None = None,
        before: str | None = None,
        versions: tuple[int, int | None] | None = None,
    ) -> list[tuple[int, int, int, int]]:
        """``(document id, coder id, code id, codings)`` of the codings chosen (as
        :meth:`for_export` chooses them), one row per triple that has any."""
        where, parameters = _filters(
            coder_ids=coder_ids, code_ids=code_ids, document_ids=document_ids
        )
        where, parameters = _made_between(where, parameters, since, before, versions)
        rows: list[tuple[int, int, int, int]] = self.db.execute(
            f"SELECT document_id, coder_id, code_id, count(*) FROM codings {where} "
            "GROUP BY document_id, coder_id, code_id",
            parameters,
        ).fetchall()
        return rows

    def usage_by_code(self) -> list[tuple[int, int, int]]:
        """``(code id, codings, articles)`` of every code in use."""
        rows: list[tuple[int, int, int]] = self.db.execute(
            "SELECT code_id, count(*), count(DISTINCT document_id) FROM codings GROUP BY code_id"
        ).fetchall()
        return rows

    def rows(
        self,
        coder_ids: Collection[int] | None = None,
        *,
        by_search: bool | None = None,
        assisted: bool | None = None,
    ) -> list[tuple[int, int, int, int | None, int | None]]:
        """``(document id, coder id, code id, start, end)`` of every coding (of these coders):
        plain tuples for statistics over tens of thousands of codings. ``by_search``: only the
        codings a search made (True), or only the others (False); ``assisted`` likewise for
        the codings accepted from a machine's suggestion."""
        where, parameters = _filters(coder_ids=coder_ids)
        if by_search is not None:
            where += f" AND {'' if by_search else 'NOT '}{SEARCH_MADE}"
        if assisted is not None:
            where += f" AND {'' if assisted else 'NOT '}{ASSISTED}"
        rows: list[tuple[int, int, int, int | None, int | None]] = self.db.execute(
            f'SELECT document_id, coder_id, code_id, start, "end" FROM codings {where}',
            parameters,
        ).fetchall()
        return rows

    def find_same(
        self, document_id: int, coder_id: int, code_id: int, start: int | None, end: int | None
    ) -> Coding | None:
        """A coding with exactly this document, coder, code and span, if there is one."""
        row = self.db.execute(
            f"SELECT {COLUMNS} FROM codings WHERE document_id = ? AND coder_id = ? "
            'AND code_id = ? AND start IS ? AND "end" IS ? ORDER BY id LIMIT 1',
            [document_id, coder_id, code_id, start, end],
        ).fetchone()
        return None if row is None else as_coding(row)

    def count_for_codes(self, code_ids: list[int]) -> int:
        marks = ", ".join("?" * len(code_ids))
        row = self.db.execute(
            f"SELECT count(*) FROM codings WHERE code_id IN ({marks})", code_ids
        ).fetchone()
        return int(row[0])

    def counts_by_code(
        self, document_id: int | None = None, coder_ids: Collection[int] | None = None
    ) -> dict[int, int]:
        """How many codings each code has, in one document or the whole project, by all coders
        or by the given ones."""
        where, parameters = _filters(document_id=document_id, coder_ids=coder_ids)
        rows = self.db.execute(
            f"SELECT code_id, count(*) FROM codings {where} GROUP BY code_id", parameters
        )
        return {int(code_id): int(n) for code_id, n in rows}

    def counts_by_document(
        self, document_ids: Collection[int] | None = None, coder_ids: Collection[int] | None = None
    ) -> dict[int, int]:
        """How many codings each document has (all, or of the given documents and coders)."""
        where, parameters = _filters(document_ids=document_ids, coder_ids=coder_ids)
        rows = self.db.execute(
            f"SELECT document_id, count(*) FROM codings {where} GROUP BY document_id", parameters
        )
        return {int(document_id): int(n) for document_id, n in rows}

    def spans(
        self, document_id: int, coder_ids: Collection[int] | None = None
    ) -> list[tuple[int, int, int, int, int]]:
        """``(start, end, coding id, code id, coder id)`` of a document's span codings, by start.

        Plain tuples straight from SQLite: the reader takes tens of thousands at once.
        """
        where, parameters = _filters(document_id=document_id, coder_ids=coder_ids)
        rows: list[tuple[int, int, int, int, int]] = self.db.execute(
            f'SELECT start, "end", id, code_id, coder_id FROM codings {where} '
            "AND start IS NOT NULL ORDER BY start",
            parameters,
        ).fetchall()
        return rows

    def summary(
        self, document_id: int, coder_ids: Collection[int] | None = None
    ) -> list[tuple[int, int, int, int | None]]:
        """Per code: ``(code id, codings, article-level codings, longest span)`` in a document.

        One pass over the covering index, whatever the number of codings: the window reads
        this on opening an article instead of the codings themselves.
        """
        where, parameters = _filters(document_id=document_id, coder_ids=coder_ids)
        rows: list[tuple[int, int, int, int | None]] = self.db.execute(
            f'SELECT code_id, count(*), count(*) - count(start), max("end" - start) '
            f"FROM codings {where} GROUP BY code_id",
            parameters,
        ).fetchall()
        return rows

    def spans_between(
        self,
        document_id: int,
        coder_ids: Collection[int] | None,
        start: int,
        end: int,
        longest: int,
    ) -> list[tuple[int, int, int, int, int]]:
        """``(start, end, id, code id, coder id)`` of the span codings overlapping
        ``[start, end)``, by start. ``longest`` (the longest span in the document) bounds the
        index range to read, so a screenful costs a screenful."""
        where, parameters = _filters(document_id=document_id, coder_ids=coder_ids)
        rows: list[tuple[int, int, int, int, int]] = self.db.execute(
            f'SELECT start, "end", id, code_id, coder_id FROM codings {where} '
            'AND start >= ? AND start < ? AND "end" > ? ORDER BY start, "end"',
            [*parameters, start - longest, end, start],
        ).fetchall()
        return rows

    def page(
        self, document_id: int, coder_ids: Collection[int] | None, offset: int, limit: int
    ) -> list[tuple[int | None, int | None, int, int, int]]:
        """``(start, end, id, code id, coder id)`` of a document's codings ``offset`` to
        ``offset + limit``: article-level first (NULL sorts first), then by position, code and
        coder (the order of the index ``codings_by_position``)."""
        where, parameters = _filters(document_id=document_id, coder_ids=coder_ids)
        rows: list[tuple[int | None, int | None, int, int, int]] = self.db.execute(
            f'SELECT start, "end", id, code_id, coder_id FROM codings {where} '
            'ORDER BY start, "end", code_id, coder_id, id LIMIT ? OFFSET ?',
            [*parameters, limit, offset],
        ).fetchall()
        return rows

    def memos(self, document_id: int) -> dict[int, str]:
        """The non-empty memos of a document's codings, by coding id (a partial index)."""
        rows = self.db.execute(
            "SELECT id, memo FROM codings WHERE document_id = ? AND memo <> ''", [document_id]
        )
        return {int(i): str(m) for i, m in rows}

    def article_level(
        self, document_id: int, coder_ids: Collection[int] | None = None
    ) -> list[Coding]:
        """A document's codings of the whole article (no span)."""
        where, parameters = _filters(document_id=document_id, coder_ids=coder_ids)
        rows = self.db.execute(
            f"SELECT {COLUMNS} FROM codings {where} AND start IS NULL {_ORDER}", parameters
        )
        return [as_coding(row) for row in rows]

    def overlapping(
        self,
        document_id: int,
        coder_id: int,
        code_ids: Collection[int],
        start: int | None,
        end: int | None,
    ) -> list[Coding]:
        """A coder's codings of the given codes that overlap a span (article-level codings
        overlap only each other)."""
        where, parameters = _filters(
            document_id=document_id, coder_ids=[coder_id], code_ids=code_ids
        )
        if start is None or end is None:
            where += " AND start IS NULL"
        else:
            where += ' AND start < ? AND "end" > ?'
            parameters += [end, start]
        rows = self.db.execute(f"SELECT {COLUMNS} FROM codings {where} {_ORDER}", parameters)
        return [as_coding(row) for row in rows]

    def retrieve(
        self, code_ids: Collection[int], coder_ids: Collection[int] | None = None
    ) -> list[tuple[int, int, str, int, int, int | None, int | None]]:
        """``(coding id, document id, document name, coder id, code id, start, end)`` of every
        coding of the given codes, by document name and position."""
        where, parameters = _filters(code_ids=code_ids, coder_ids=coder_ids, alias="c.")
        rows: list[tuple[int, int, str, int, int, int | None, int | None]] = self.db.execute(
            'SELECT c.id, c.document_id, d.name, c.coder_id, c.code_id, c.start, c."end" '
            f"FROM codings c JOIN documents d ON d.id = c.document_id {where} "
            "ORDER BY d.name, c.start IS NOT NULL, c.start, c.id",
            parameters,
        ).fetchall()
        return rows


def _made_between(
    where: str,
    parameters: list[object],
    since: str | None,
    before: str | None,
    versions: tuple[int, int | None] | None = None,
) -> tuple[str, list[object]]:
    """Add a range of creation times (ISO UTC text sorts as time) to a WHERE clause, and of
    codebook versions (the change a coding was made under: from the first, up to the second
    excluded; ``None``: no end; migration 0015)."""
    if versions is not None:
        where += " AND codebook_version >= ?"
        parameters.append(versions[0])
        if versions[1] is not None:
            where += " AND codebook_version < ?"
            parameters.append(versions[1])
    if since is not None:
        where += " AND created_at >= ?"
        parameters.append(since)
    if before is not None:
        where += " AND created_at < ?"
        parameters.append(before)
    return where, parameters


def _filters(
    *,
    document_id: int | None = None,
    document_ids: Collection[int] | None = None,
    coder_ids: Collection[int] | None = None,
    code_ids: Collection[int] | None = None,
    alias: str = "",
) -> tuple[str, list[object]]:
    """A WHERE clause (always present, so callers may append ``AND …``) and its parameters."""
    clauses: list[str] = ["1"]
    parameters: list[object] = []
    if document_id is not None:
        clauses.append(f"{alias}document_id = ?")
        parameters.append(document_id)
    for column, ids in (
        ("document_id", document_ids),
        ("coder_id", coder_ids),
        ("code_id", code_ids),
    ):
        if ids is not None:
            values = list(ids)
            clauses.append(f"{alias}{column} IN ({', '.join('?' * len(values))})")
            parameters.extend(values)
    return "WHERE " + " AND ".join(clauses), parameters
