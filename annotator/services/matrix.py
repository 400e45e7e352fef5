"""The wide matrix: one row per (article, coder), every document variable as a typed column,
one column per code (presence 0/1, or counts) and, if asked, one per exclusive dimension
holding its code. Column names are safe for R, SPSS and Stata; a companion codebook maps each
column to what it means."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from annotator.domain.model import DocumentStatus, VariableType
from annotator.io.csvfiles import atomic_output, write_csv
from annotator.services.exports import PLAIN, Format, Progress, Selection, choose, typed
from annotator.storage import Project

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


@dataclass(frozen=True)
class Column:
    """A column of the matrix: its safe name, what it is, its label (a variable's name, a
    code's full path), its type (number, text, date, category) and value labels."""

    name: str
    kind: str  # "key", "variable", "code" or "dimension"
    label: str
    type: str
    values: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Matrix:
    columns: list[Column]
    rows: list[list[object]]

    def text_rows(self) -> Iterable[list[object]]:
        """Rows as CSV shows them: categories by their labels."""
        labelled = [(i, c.values) for i, c in enumerate(self.columns) if c.type == "category"]
        for row in self.rows:
            if labelled:
                row = list(row)
                for i, values in labelled:
                    row[i] = None if row[i] is None else values[int(row[i])]  # type: ignore[call-overload]
            yield row


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
    ):
        counts[(document, coder)][code_id] = n
    statuses = project.statuses.all()
    assigned = project.statuses.assigned()
    pairs = set(counts) | set(statuses) | assigned
    if chosen.coder_ids is not None:
        pairs = {p for p in pairs if p[1] in chosen.coder_ids}
    if chosen.document_ids is not None:
        pairs = {p for p in pairs if p[0] in chosen.document_ids}
    coders = {c.id: c.name for c in project.coders.all()}
    names = dict(project.documents.names())
    variables = project.documents.variables()
    values = project.documents.all_values()

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
                variable.type.value,
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
        row: list[object] = [document, names[document], coders[coder], status.value]
        for variable in variables:
            value = own.get(variable.name, "")
            if variable.type is VariableType.CATEGORY:
                row.append(categories[variable.name].get(value) if value else None)
            elif variable.type is VariableType.DATE:
                row.append(date.fromisoformat(value) if value else None)
            else:
                row.append(typed(value, variable.type) if value != "" else None)
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
    """Write the matrix as CSV (and, for a file, its codebook beside it); return the rows."""
    matrix = build_matrix(project, options, progress)
    with atomic_output(path, encoding=style.encoding) as handle:
        count = write_csv(
            handle, [c.name for c in matrix.columns], matrix.text_rows(), safe=style.safe
        )
    if path is not None:
        with atomic_output(companion_path(path), encoding=style.encoding) as handle:
            write_csv(handle, CODEBOOK_COLUMNS, codebook_rows(matrix), safe=style.safe)
    return count


def export_stats_file(
    project: Project,
    path: Path,
    options: MatrixOptions = MatrixOptions(),
    progress: Progress | None = None,
) -> int:
    """Write the matrix as an SPSS .sav or Stata .dta file with its labels; return the rows."""
    from annotator.io.stats_files import write_stats_file

    matrix = build_matrix(project, options, progress)
    write_stats_file(matrix, path)
    return len(matrix.rows)
