"""SPSS (.sav) and Stata (.dta) files of the wide matrix, with variable labels (a code's full
path, a variable's name) and value labels (0 absent / 1 present; categories), through
pyreadstat — an optional extra, with a clear message when it is missing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotator.domain.errors import UserError
from annotator.domain.matrix import Matrix
from annotator.io.output import Protected, check_output, write_output

EXTRA = "pip install 'annotator[stats]'"
STATA_LABEL = 80  # characters Stata keeps of a variable label


def _pyreadstat() -> Any:
    try:
        import pandas
        import pyreadstat
    except ImportError:
        raise UserError(
            f"SPSS and Stata files need the optional package pyreadstat: {EXTRA}"
        ) from None
    return pyreadstat, pandas


def _frame(matrix: Matrix, pandas: Any) -> Any:
    """The matrix as a data frame of typed columns."""
    data: dict[str, Any] = {}
    for index, column in enumerate(matrix.columns):
        values = [row[index] for row in matrix.rows]
        if column.type == "date":  # datetime.date objects: written as dates (%td, DATE)
            data[column.name] = pandas.Series(values, dtype="object")
        elif column.type in ("number", "category"):
            data[column.name] = pandas.to_numeric(pandas.Series(values, dtype="object"))
        else:
            data[column.name] = pandas.Series(
                ["" if v is None else str(v) for v in values], dtype="object"
            )
    return pandas.DataFrame(data, columns=[c.name for c in matrix.columns])


def write_stats_file(
    matrix: Matrix, path: Path, kind: str | None = None, *, protect: Protected = ()
) -> None:
    """Write ``path`` as an SPSS (``kind`` "sav") or Stata ("dta") file, all or nothing (see
    :mod:`annotator.io.output`); without ``kind``, the file's extension says which."""
    pyreadstat, pandas = _pyreadstat()
    suffix = path.suffix.lower()
    if kind is None:
        if suffix not in (".sav", ".dta"):
            raise UserError(f"{path.name}: SPSS files end in .sav, Stata files in .dta")
        kind = suffix[1:]
    elif suffix in (".sav", ".dta") and suffix != f".{kind}":
        raise UserError(f"{path.name}: a .{kind} file cannot be named {suffix}")
    check_output(path, protect)  # before the frame is built: a refusal costs nothing
    frame = _frame(matrix, pandas)
    labels = [c.label if kind == "sav" else c.label[:STATA_LABEL] for c in matrix.columns]
    value_labels = {c.name: dict(c.values) for c in matrix.columns if c.values}
    write = pyreadstat.write_sav if kind == "sav" else pyreadstat.write_dta

    def fill(temporary: str) -> None:
        write(frame, temporary, column_labels=labels, variable_value_labels=value_labels)

    write_output(path, fill, protect=protect, suffix=f".{kind}")
