"""The codings behind one cell of an analysis table: what the retrieval view lists when the
user opens a cell.

A frequencies cell counts the codings of its row's codes by the chosen coders in its group's
articles (a Total cell: of every row, or in every group); their number is the cell's count in
segments. A co-occurrence cell within a passage lists both codings of every overlapping pair;
within an article, the codings of both codes in each (article, coder) pair holding both. The
pairs and units are counted here in SQL, apart from :mod:`annotator.analysis.cooccurrence`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from annotator.analysis.cooccurrence import Cooccurrence, Within
from annotator.services.analysis import Frequencies, Request, Rows, _groups, _rows
from annotator.services.analysis_source import Source
from annotator.services.exports import Selection, choose
from annotator.storage import Project


@dataclass(frozen=True)
class Behind:
    """The codings behind a cell (ids, by article and position) and the codes and coders
    they are of, for the retrieval view's choices; ``count`` is what the cell counts
    (codings, pairs of codings, or (article, coder) pairs)."""

    codings: tuple[int, ...]
    codes: tuple[int, ...]
    coders: tuple[int, ...] | None
    count: int


def frequency_cell(
    project: Project,
    request: Request,
    row: str | None,
    group: str | None,
    source: Source | None = None,
) -> Behind:
    """The codings counted in the cell at ``row`` and ``group`` (``None``: the Total row or
    column)."""
    chosen = choose(project, Selection(coders=request.coders, codes=request.codes))
    row_of, _ = _rows(project, chosen.code_ids, request.rows)
    codes = sorted(code for code, name in row_of.items() if row is None or name == row)
    coders = chosen.coder_ids
    documents: list[int] | None = None
    source = source or Source(project)
    group_of, _, by_coder = source.kept(
        ("groups", request.by, request.bin), lambda: _groups(project, request)
    )
    if group is not None:
        if by_coder:
            named = [c.id for c in project.coders.all() if c.name == group]
            coders = [c for c in named if coders is None or c in coders]
        else:
            documents = [d for d, g in group_of.items() if g == group]
    ids = _codings(project, codes, coders, documents)
    return Behind(ids, tuple(codes), None if coders is None else tuple(coders), len(ids))


def _codings(
    project: Project,
    codes: Sequence[int],
    coders: Sequence[int] | None,
    documents: Sequence[int] | None,
) -> tuple[int, ...]:
    clauses = ["c.code_id IN (SELECT value FROM json_each(?))"]
    parameters = [json.dumps(list(codes))]
    for column, ids in (("c.coder_id", coders), ("c.document_id", documents)):
        if ids is not None:
            clauses.append(f"{column} IN (SELECT value FROM json_each(?))")
            parameters.append(json.dumps(list(ids)))
    sql = (
        "SELECT c.id FROM codings c JOIN documents d ON d.id = c.document_id WHERE "
        + " AND ".join(clauses)
        + " ORDER BY d.name, c.start IS NOT NULL, c.start, c.id"
    )
    return tuple(int(i) for (i,) in project.db.execute(sql, parameters))


def cooccurrence_cell(
    project: Project,
    within: Within,
    row_a: str,
    row_b: str,
    *,
    coders: Sequence[str] = (),
    codes: Sequence[str] = (),
    rows: Rows = Rows.CODES,
) -> Behind:
    """The codings behind the co-occurrence of ``row_a`` and ``row_b`` (the same row twice:
    that row's codings, each counted once)."""
    chosen = choose(project, Selection(coders=coders, codes=codes))
    row_of, _ = _rows(project, chosen.code_ids, rows)
    first = sorted(code for code, name in row_of.items() if name == row_a)
    second = sorted(code for code, name in row_of.items() if name == row_b)
    who = None if chosen.coder_ids is None else tuple(chosen.coder_ids)
    if row_a == row_b:
        ids = _codings(project, first, who, None)
        return Behind(ids, tuple(first), who, len(ids))
    parameters = [json.dumps(first), json.dumps(second)]
    coder_clause = ""
    if who is not None:
        coder_clause = " AND a.coder_id IN (SELECT value FROM json_each(?))"
        parameters.append(json.dumps(list(who)))
    if within is Within.PASSAGE:
        pairs = project.db.execute(
            "SELECT a.id, b.id FROM codings a JOIN codings b ON b.document_id = a.document_id "
            "AND b.coder_id = a.coder_id AND b.id <> a.id "
            "WHERE a.code_id IN (SELECT value FROM json_each(?)) "
            "AND b.code_id IN (SELECT value FROM json_each(?)) "
            'AND (a.start IS NULL OR b.start IS NULL OR (b.start < a."end" AND a.start < b."end"))'
            + coder_clause,
            parameters,
        ).fetchall()
        wanted = {i for pair in pairs for i in pair}
        count = len(pairs)
    else:
        found = project.db.execute(
            "SELECT a.id, a.document_id, a.coder_id, a.code_id IN (SELECT value FROM "
            "json_each(?)) FROM codings a WHERE (a.code_id IN (SELECT value FROM json_each(?)) "
            "OR a.code_id IN (SELECT value FROM json_each(?)))" + coder_clause,
            [json.dumps(first), *parameters],
        ).fetchall()
        sides: dict[tuple[int, int], set[bool]] = {}
        for _, document, coder, is_first in found:
            sides.setdefault((document, coder), set()).add(bool(is_first))
        held = {unit for unit, seen in sides.items() if len(seen) == 2}
        wanted = {i for i, document, coder, _ in found if (document, coder) in held}
        count = len(held)
    ordered = _codings(project, [*first, *second], who, None)
    return Behind(
        tuple(i for i in ordered if i in wanted), tuple(dict.fromkeys(first + second)), who, count
    )


def counted_behind(
    result: Frequencies | Cooccurrence, key: str | None, group: str | None, found: int
) -> int:
    """What a table counted in the cell at ``key``, ``group`` (``None``: a total), in the
    unit :attr:`Behind.count` counts: segments; for co-occurrence, pairs. ``found`` (the
    count behind the cell) where the table counts another unit (a code's (article, coder)
    pairs at article level), -1 for a cell the table does not hold. The two differ when the
    project changed since the table was counted."""
    if isinstance(result, Frequencies):
        table = result.table
        if key is None:
            cell = table.total if group is None else table.group_totals.get(group)
        elif group is None:
            cell = table.row_totals.get(key)
        else:
            cell = table.cell(key, group)
        return -1 if cell is None else cell.segments
    if group is None or group == key:
        return result.holding.get(key or "", 0) if result.within is Within.PASSAGE else found
    for pair in result.pairs:
        if {pair.code_a, pair.code_b} == {key, group}:
            return pair.count
    return -1
