"""The wide matrix: one row per (article, coder), every document variable as a typed column,
one column per code (presence 0/1, or counts) and, if asked, one per exclusive dimension
holding its code. Column names are safe for R, SPSS and Stata; a companion codebook maps each
column to what it means."""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from annotator.domain.matrix import Column, Matrix
from annotator.domain.model import DocumentStatus, VariableType
from annotator.io.csvfiles import atomic_output, write_csv
from annotator.io.output import check_output
from annotator.services.agreement import CONSENSUS, consensus_articles
from annotator.services.codebook_versions import counted_under
from annotator.services.exports import (
    PLAIN,
    Format,
    Progress,
    Selection,
    choose,
    numeric_variables,
    typed,
)
from annotator.storage import Project
from annotator.storage.coding_times import latest_coding_times

# Stata allows 32 characters, but pyreadstat names a column's value labels after the column
# with a running number added (up to four digits here), and Stata's 32 hold for those too.
MAX_NAME = 28
# Words SPSS or Stata keep for themselves; a column may not be named so.
RESERVED = frozenset(
    (
        *("all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to", "with"),
        *("_all", "_b", "_coef", "_cons", "_n", "_pi", "_pred", "_rc", "_se", "_skip"),
        *("byte", "double", "float", "if", "in", "int", "long", "str", "strl", "using"),
    )
)
PRESENCE = {0: "absent", 1: "present"}
CODEBOOK_COLUMNS = ("column", "kind", "label", "type", "values")
NONE_VALUE, SEVERAL_VALUE = 0, 99


def safe_name(text: str, taken: set[str], fallback: str) -> str:
    """An ASCII name of at most 28 characters, starting with a letter, not reserved, and
    not yet ``taken`` (a number is added to tell names apart); it is added to ``taken``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    base = re.sub(r"[^A-Za-z0-9]+", "_", ascii_text).strip("_").lower() or fallback
    if not base[0].isalpha():
        base = "v_" + base
    if base in RESERVED:
        base += "_"
    base = base[:MAX_NAME].rstrip("_")
    name, number = base, 1
    while name in taken or name in RESERVED:
        number += 1
        suffix = f"_{number}"
        name = base[: MAX_NAME - len(suffix)].rstrip("_") + suffix
    taken.add(name)
    return name


@dataclass(frozen=True)
class MatrixOptions:
    counts: bool = False
    dimensions: bool = False
    selection: Selection = field(default_factory=Selection)


def build_matrix(
    project: Project, options: MatrixOptions = MatrixOptions(), progress: Progress | None = None
) -> Matrix:
    """The matrix of the project (or of the codings the selection takes). Rows are the
    (article, coder) pairs where the coder marked the article, was assigned it, or coded in
    it; ``status`` says which."""
    chosen = choose(project, options.selection)
    tree = project.codebook.tree()
    codes = [c for c in tree.codes() if chosen.code_ids is None or c.id in chosen.code_ids]
    counts: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    for document, coder, code_id, n in project.codings.counts_by_document_coder_code(
        coder_ids=chosen.coder_ids,
        code_ids=chosen.code_ids,
        document_ids=chosen.document_ids,
        since=chosen.since,
        before=chosen.before,
        versions=chosen.versions,
    ):
        counts[(document, coder)][code_id] = n
    statuses = project.statuses.all()
    assigned = project.statuses.assigned()
    held = _consensus_pairs(project)
    # Pairs with a coding of any code, or the consensus's: the others not done are missing.
    touched = set(latest_coding_times(project.db)) | held
    pairs = set(counts) | set(statuses) | assigned | held
    if options.selection.codebook_version:
        # As agreement counts under a version: a pair whose codings are all of it, or (coded
        # with nothing) whose status was set while it held; coded under another: no row.
        by_coder: dict[int, set[int]] = defaultdict(set)
        for document, coder in pairs:
            by_coder[coder].add(document)
        kept, _ = counted_under(project, options.selection.codebook_version, by_coder)
        pairs = set(counts) | {(d, c) for c, docs in kept.items() for d in docs}
    if chosen.coder_ids is not None:
        pairs = {p for p in pairs if p[1] in chosen.coder_ids}
    if chosen.document_ids is not None:
        pairs = {p for p in pairs if p[0] in chosen.document_ids}
    coders = {c.id: c.name for c in project.coders.all()}
    names = dict(project.documents.names())
    variables = project.documents.variables()
    values = project.documents.all_values()
    numeric = numeric_variables(variables, values)

    taken: set[str] = set()
    columns = [
        Column(safe_name(n, taken, n), "key", label, kind)
        for n, label, kind in (
            ("document_id", "Article id", "number"),
            ("document_name", "Article", "text"),
            ("coder", "Coder", "text"),
            ("status", "The coder's status on the article", "text"),
        )
    ]
    categories: dict[str, dict[str, int]] = {}
    for variable in variables:
        labels: dict[int, str] = {}
        if variable.type is VariableType.CATEGORY:
            seen = sorted({v[variable.name] for v in values.values() if v.get(variable.name)})
            categories[variable.name] = {label: k for k, label in enumerate(seen, start=1)}
            labels = {k: label for label, k in categories[variable.name].items()}
        columns.append(
            Column(
                safe_name(variable.name, taken, "variable"),
                "variable",
                variable.name,
                # A number column that cannot be numbers exactly is a text column.
                "text"
                if variable.type is VariableType.NUMBER and variable.name not in numeric
                else variable.type.value,
                labels,
            )
        )
    for code in codes:
        columns.append(
            Column(
                safe_name(tree.path(code.id).replace(" > ", " "), taken, f"code_{code.id}"),
                "code",
                tree.path(code.id),
                "number",
                {} if options.counts else dict(PRESENCE),
            )
        )
    dimensions = []
    if options.dimensions:
        for dimension in tree.children(None):
            members = [c for c in codes if tree.dimension_of(c.id).id == dimension.id]
            if dimension.exclusive and members:
                labels = {NONE_VALUE: "none", SEVERAL_VALUE: "several codes"}
                labels.update({k: c.name for k, c in enumerate(members, start=1)})
                dimensions.append((dimension, members))
                columns.append(
                    Column(
                        safe_name(dimension.name, taken, f"dimension_{dimension.id}"),
                        "dimension",
                        f"{dimension.name} (the one code applied in the article)",
                        "category",
                        labels,
                    )
                )

    rows = []
    ordered = sorted(pairs, key=lambda p: (p[0], coders[p[1]].casefold()))
    for number, (document, coder) in enumerate(ordered):
        status = statuses.get((document, coder), DocumentStatus.NOT_STARTED)
        own = values.get(document, {})
        found = counts.get((document, coder), {})
        shown = status.value
        if (document, coder) in held and (document, coder) not in statuses:
            shown = DECIDED  # the consensus has no progress of its own: the review decided
        row: list[object] = [document, names[document], coders[coder], shown]
        for variable in variables:
            value = own.get(variable.name, "")
            if variable.type is VariableType.CATEGORY:
                row.append(categories[variable.name].get(value) if value else None)
            elif variable.type is VariableType.DATE:
                row.append(date.fromisoformat(value) if value else None)
            else:
                row.append(typed(value, variable.name in numeric) if value != "" else None)
        if status is not DocumentStatus.DONE and (document, coder) not in touched:
            # Assigned or opened, nothing coded, not done: not coded by this coder (missing),
            # not "coded with nothing" (0) — agreement leaves it out the same way.
            row += [None] * (len(codes) + len(dimensions))
            rows.append(row)
            continue
        for code in codes:
            n = found.get(code.id, 0)
            row.append(n if options.counts else int(n > 0))
        for _, members in dimensions:
            used = [k for k, c in enumerate(members, start=1) if found.get(c.id)]
            row.append(NONE_VALUE if not used else used[0] if len(used) == 1 else SEVERAL_VALUE)
        rows.append(row)
        if progress and number % 5000 == 0:
            progress(number, len(ordered))
    return Matrix(columns, rows)


#: The status column of a consensus row the review made (the consensus marks nothing done).
DECIDED = "decided"


def _consensus_pairs(project: Project) -> set[tuple[int, int]]:
    """``(article, consensus coder)`` for each article the consensus holds a coding or a
    review decision in: agreement counts it for the consensus, so it has a row (of zeros
    where the review decided "neither")."""
    consensus = project.coders.lookup(CONSENSUS)
    if consensus is None:
        return set()
    return {(d, consensus.id) for d in consensus_articles(project, consensus.id)}


def codebook_rows(matrix: Matrix) -> list[list[object]]:
    """The companion codebook: every column with its kind, label, type and values."""
    return [
        [
            c.name,
            c.kind,
            c.label,
            c.type,
            "; ".join(f"{k}={v}" for k, v in sorted(c.values.items())),
        ]
        for c in matrix.columns
    ]


def companion_path(path: Path) -> Path:
    """Where the matrix's column codebook goes: ``matrix.csv`` → ``matrix_codebook.csv``."""
    return path.with_name(f"{path.stem}_codebook.csv")


def export_matrix(
    project: Project,
    path: Path | None,
    options: MatrixOptions = MatrixOptions(),
    style: Format = PLAIN,
    progress: Progress | None = None,
) -> int:
    """Write the matrix as CSV (and, for a file, its codebook beside it: see
    :func:`matrix_companion`); return the rows. Both files are checked before the matrix is
    built and written together: neither replaces its target unless both were written."""
    companion = matrix_companion(path, project)
    matrix = build_matrix(project, options, progress)
    header = [c.name for c in matrix.columns]
    protect = [project.path]
    with contextlib.ExitStack() as files:
        handle = files.enter_context(atomic_output(path, encoding=style.encoding, protect=protect))
        side = None
        if companion is not None:
            side = files.enter_context(
                atomic_output(companion, encoding=style.encoding, protect=protect)
            )
        count = write_csv(handle, header, matrix.text_rows(), safe=style.safe)
        if side is not None:
            write_csv(side, CODEBOOK_COLUMNS, codebook_rows(matrix), safe=style.safe)
    return count


def matrix_companion(path: Path | None, project: Project) -> Path | None:
    """Where the matrix's column codebook goes (checked, nothing written): beside a file;
    nowhere for standard output, a pipe or a device, which take the matrix alone."""
    if path is None or check_output(path, [project.path]).stream:
        return None
    companion = companion_path(path)
    check_output(companion, [project.path])
    return companion


def export_stats_file(
    project: Project,
    path: Path,
    options: MatrixOptions = MatrixOptions(),
    progress: Progress | None = None,
    kind: str | None = None,
    notes: list[str] | None = None,
) -> int:
    """Write the matrix as an SPSS .sav or Stata .dta file with its labels (``kind`` "sav" or
    "dta"; by default the file's extension says); return the rows. What the format could not
    take as it is (a number beyond its range written as text…) is added to ``notes``."""
    from annotator.io.stats_files import write_stats_file

    check_output(path, [project.path])  # before the matrix is built
    matrix = build_matrix(project, options, progress)
    written = write_stats_file(matrix, path, kind, protect=[project.path])
    if notes is not None:
        notes.extend(written)
    return len(matrix.rows)
