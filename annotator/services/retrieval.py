"""Retrieval: the coded passages a researcher asks for, read in one SQL query.

A :class:`Search` names codes (each with every code below it) and how they combine:

- **any of** — passages coded with any of the codes;
- **all of** — passages coded with one of the codes, in articles where the same coder applied
  every one of them (a code chosen as a dimension counts when any of its codes is applied);
- **A overlapping B** — passages of A that share at least one character with a passage of B by
  the same coder in the same article (a coding of the whole article overlaps every passage).

It narrows them by coder (one, several, all; the consensus coder is a coder like any other),
by article variables (the article list's :class:`Condition` rules, so an outlet, a date range
or a number range mean the same here as there) and by memo text. The view and the exports take
the same :class:`Passage` rows; :func:`report_rows` adds what a report quotes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

from annotator.domain.codebook import Codebook
from annotator.domain.errors import UserError
from annotator.io.csvfiles import atomic_output
from annotator.io.output import open_output
from annotator.io.retrieval_report import (
    ReportRow,
    docx_report,
    html_report,
    markdown_report,
    write_passages_csv,
)
from annotator.services import memos
from annotator.services.article_filter import Condition
from annotator.storage import Project
from annotator.storage.coding_queries import PROVENANCE


class Mode(StrEnum):
    """How the chosen codes combine."""

    ANY = "any"
    ALL = "all"
    OVERLAP = "overlap"


MODE_LABELS = {
    Mode.ANY: "any of",
    Mode.ALL: "all of (same article and coder)",
    Mode.OVERLAP: "overlapping",
}


@dataclass(frozen=True)
class Search:
    """What to retrieve. ``codes`` are code or dimension ids (a dimension takes its codes);
    ``overlapping`` is B for :attr:`Mode.OVERLAP`; ``coders`` ``None`` means every coder;
    ``memo`` keeps passages whose coding memo, article memo or code memo holds that text
    (ignoring case). ``codings`` keeps only those codings (the passages behind a cell of an
    analysis table), ``origin`` says in words where they come from."""

    codes: tuple[int, ...]
    mode: Mode = Mode.ANY
    overlapping: tuple[int, ...] = ()
    coders: frozenset[int] | None = None
    conditions: tuple[Condition, ...] = ()
    memo: str = ""
    codings: frozenset[int] | None = None
    origin: str = ""


class Passage(NamedTuple):
    """One coding the search found (a tuple: made 100,000 at a time, fast)."""

    coding_id: int
    document_id: int
    document: str
    coder_id: int
    code_id: int
    start: int | None
    end: int | None
    memo: str


def expand(codebook: Codebook, code_ids: Iterable[int]) -> list[int]:
    """The codes and every code below them (ids the codebook no longer has are dropped)."""
    found: dict[int, None] = {}
    for code_id in code_ids:
        if code_id in codebook:
            found[code_id] = None
            found.update(dict.fromkeys(c.id for c in codebook.walk(code_id)))
    return list(found)


def retrieve(project: Project, search: Search) -> list[Passage]:
    """The passages ``search`` asks for, by article name and position, in one query."""
    codebook = project.codebook.tree()
    groups = [expand(codebook, [code_id]) for code_id in search.codes]
    groups = [group for group in groups if group]
    chosen = sorted({code for group in groups for code in group})
    if not chosen:
        return []
    ctes: list[str] = []
    joins = ""
    clauses = ["c.code_id IN (SELECT value FROM json_each(?))"]
    parameters: list[object] = []
    where_parameters: list[object] = [json.dumps(chosen)]
    if search.mode is Mode.ALL and len(groups) > 1:
        # The (article, coder) pairs that hold a coding of every group, grouped once.
        ctes.append(
            "chosen(code, grp) AS (SELECT json_extract(value, '$[0]'), json_extract(value, "
            "'$[1]') FROM json_each(?)), complete(document_id, coder_id) AS ("
            "SELECT o.document_id, o.coder_id FROM codings o JOIN chosen g ON g.code = o.code_id "
            "GROUP BY o.document_id, o.coder_id HAVING count(DISTINCT g.grp) = ?)"
        )
        pairs = [[code, number] for number, group in enumerate(groups) for code in group]
        parameters += [json.dumps(pairs), len(groups)]
        joins = "JOIN complete p ON p.document_id = c.document_id AND p.coder_id = c.coder_id "
    elif search.mode is Mode.OVERLAP:
        others = expand(codebook, search.overlapping)
        if not others:
            return []
        clauses.append(
            "EXISTS (SELECT 1 FROM codings b WHERE b.document_id = c.document_id "
            "AND b.code_id IN (SELECT value FROM json_each(?)) AND b.coder_id = c.coder_id "
            'AND b.id <> c.id AND (c.start IS NULL OR b.start IS NULL OR (b.start < c."end" '
            'AND c.start < b."end")))'
        )
        where_parameters.append(json.dumps(others))
    if search.coders is not None:
        clauses.append("c.coder_id IN (SELECT value FROM json_each(?))")
        where_parameters.append(json.dumps(sorted(search.coders)))
    if search.codings is not None:
        clauses.append("c.id IN (SELECT value FROM json_each(?))")
        where_parameters.append(json.dumps(sorted(search.codings)))
    for clause, values in _variable_clauses(project, search.conditions):
        clauses.append(clause)
        where_parameters += values
    if search.memo.strip():
        found = memos.matching(project, search.memo)
        clauses.append(_MEMO_CLAUSE)
        where_parameters += [
            json.dumps(sorted(ids)) for ids in (found.codings, found.documents, found.codes)
        ]
    sql = (
        ("WITH " + ", ".join(ctes) + " " if ctes else "")
        + 'SELECT c.id, c.document_id, d.name, c.coder_id, c.code_id, c.start, c."end", c.memo '
        + f"FROM codings c {joins}JOIN documents d ON d.id = c.document_id "
        + "WHERE "
        + " AND ".join(clauses)
        + " ORDER BY d.name, c.start IS NOT NULL, c.start, c.id"
    )
    rows = project.db.execute(sql, parameters + where_parameters).fetchall()
    return list(map(Passage._make, rows))


# Memo text matches ignoring case in any script (casefold, by services/memos.py: SQLite's
# lower() folds ASCII only); the memos found are given as ids.
_MEMO_CLAUSE = (
    "(c.id IN (SELECT value FROM json_each(?)) "
    "OR c.document_id IN (SELECT value FROM json_each(?)) "
    "OR c.code_id IN (SELECT value FROM json_each(?)))"
)


def _variable_clauses(
    project: Project, conditions: Sequence[Condition]
) -> list[tuple[str, list[object]]]:
    """One clause per condition: the articles whose value the condition accepts, worked out
    once per article (not per coding) by the article filter's own rule."""
    if not conditions:
        return []
    variables = {v.name: v.id for v in project.documents.variables()}
    accepted = list(conditions)

    def accepts(index: int, value: str | None) -> bool:
        return accepted[index].accepts(value or "")

    project.db.conn.create_function("annotator_accepts", 2, accepts, deterministic=True)
    clauses: list[tuple[str, list[object]]] = []
    for index, condition in enumerate(accepted):
        clauses.append(
            (
                "c.document_id IN (SELECT x.id FROM documents x WHERE annotator_accepts(?, "
                "(SELECT v.value FROM document_values v WHERE v.document_id = x.id "
                "AND v.variable_id = ?)))",
                [index, variables.get(condition.variable, -1)],
            )
        )
    return clauses


def passage_texts(project: Project, passages: Sequence[Passage]) -> dict[int, str]:
    """Each passage's text by coding id, read in one query ("" for a whole-article coding)."""
    ids = [p.coding_id for p in passages if p.start is not None]
    if not ids:
        return {}
    rows = project.db.execute(
        'SELECT c.id, substr(d.text, c.start + 1, c."end" - c.start) FROM codings c '
        "JOIN documents d ON d.id = c.document_id WHERE c.id IN (SELECT value FROM json_each(?))",
        [json.dumps(ids)],
    ).fetchall()
    return {int(i): str(text) for i, text in rows}


def provenance(
    project: Project, passages: Sequence[Passage]
) -> dict[int, tuple[str | None, float | None, int]]:
    """Each passage's provenance from a machine run by coding id, read in one query: the
    run's GUID, the confidence, whether accepted from a suggestion (see ``PROVENANCE``)."""
    if not passages:
        return {}
    rows = project.db.execute(
        f"SELECT id, {PROVENANCE} FROM codings WHERE id IN (SELECT value FROM json_each(?))",
        [json.dumps([p.coding_id for p in passages])],
    ).fetchall()
    return {int(i): (run, confidence, int(assisted)) for i, run, confidence, assisted in rows}


def report_rows(project: Project, passages: Sequence[Passage]) -> list[ReportRow]:
    """What an export writes for each passage, in the order given: the article, its
    variables, the coder, the code's path, the offsets, the text, the memo and the
    provenance from a machine run."""
    codebook = project.codebook.tree()
    coders = {c.id: c.name for c in project.coders.all()}
    variables = project.documents.variables()
    documents = sorted({p.document_id for p in passages})
    values: dict[int, dict[str, str]] = {}
    if documents:
        names = {v.id: v.name for v in variables}
        rows = project.db.execute(
            "SELECT document_id, variable_id, value FROM document_values "
            "WHERE document_id IN (SELECT value FROM json_each(?))",
            [json.dumps(documents)],
        ).fetchall()
        for document_id, variable_id, value in rows:
            values.setdefault(document_id, {})[names[variable_id]] = value
    texts = passage_texts(project, passages)
    made = provenance(project, passages)
    order = [v.name for v in variables]
    return [
        ReportRow(
            document=p.document,
            variables={name: values.get(p.document_id, {}).get(name, "") for name in order},
            coder=coders.get(p.coder_id, "?"),
            code=codebook.path(p.code_id) if p.code_id in codebook else "?",
            start=p.start,
            end=p.end,
            text=texts.get(p.coding_id, ""),
            memo=p.memo,
            run_id=made.get(p.coding_id, (None, None, 0))[0] or "",
            confidence=made.get(p.coding_id, (None, None, 0))[1],
            assisted=bool(made.get(p.coding_id, (None, None, 0))[2]),
        )
        for p in passages
    ]


def describe(project: Project, search: Search) -> str:
    """The search in words, for a report's heading: codes, mode, coders and filters."""
    codebook = project.codebook.tree()
    chosen = [codebook.path(c) for c in search.codes if c in codebook]
    names = ", ".join(chosen)
    if search.mode is Mode.OVERLAP:
        others = ", ".join(codebook.path(c) for c in search.overlapping if c in codebook)
        words = f"Passages of {names} overlapping {others}"
    elif search.mode is Mode.ALL:
        words = f"Passages of all of {names} (same article and coder)"
    else:
        words = f"Passages of {'any of ' if len(chosen) > 1 else ''}{names}"
    if search.codings is not None and search.origin:
        words = f"Passages behind {search.origin}"
    if search.coders is not None:
        coders = {c.id: c.name for c in project.coders.all()}
        words += ". Coders: " + ", ".join(sorted(coders.get(c, "?") for c in search.coders))
    else:
        words += ". Coders: all"
    if search.conditions:
        words += ". " + "; ".join(c.describe() for c in search.conditions)
    if search.memo.strip():
        words += f". Memo contains “{search.memo.strip()}”"
    return words + "."


#: What an export may write, by the file's extension.
FORMATS = {".csv": "CSV", ".html": "HTML", ".htm": "HTML", ".md": "Markdown", ".docx": "Word"}
REPORT_TITLE = "Coded passages"


def export_passages(
    project: Project, passages: Sequence[Passage], path: Path, description: str = ""
) -> int:
    """Write ``passages`` (in the order given, as the view shows them) to ``path``: a tidy CSV,
    or a report in HTML, Markdown or Word, chosen by the extension. All or nothing, through
    the one output writer; returns the number of passages written."""
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise UserError(
            f"{path}: cannot tell the format from '{path.suffix or 'no extension'}': "
            "name the file .csv, .html, .md or .docx"
        )
    rows = report_rows(project, passages)
    protect = [project.path]
    if kind == "CSV":
        variables = [v.name for v in project.documents.variables()]
        with atomic_output(path, protect=protect) as handle:
            return write_passages_csv(handle, variables, rows)
    if kind == "Word":
        data = docx_report(REPORT_TITLE, description, rows)
        with open_output(path, binary=True, protect=protect) as handle:
            handle.write(data)
        return len(rows)
    writer = html_report if kind == "HTML" else markdown_report
    with atomic_output(path, protect=protect) as handle:
        handle.write(writer(REPORT_TITLE, description, rows))
    return len(rows)
