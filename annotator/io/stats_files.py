"""SPSS (.sav) and Stata (.dta) files of the wide matrix, with variable labels (a code's full
path, a variable's name) and value labels (0 absent / 1 present; categories), through
pyreadstat — an optional extra, with a clear message when it is missing."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

from annotator.domain.errors import BadFileError, UserError
from annotator.services.matrix import Matrix

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


def write_stats_file(matrix: Matrix, path: Path) -> None:
    """Write ``path`` as .sav or .dta (by its extension), all or nothing."""
    pyreadstat, pandas = _pyreadstat()
    suffix = path.suffix.lower()
    if suffix not in (".sav", ".dta"):
        raise UserError(f"{path.name}: SPSS files end in .sav, Stata files in .dta")
    directory = path.resolve().parent
    if not directory.is_dir():
        raise BadFileError(path, f"cannot be written: the folder {directory} does not exist")
    frame = _frame(matrix, pandas)
    labels = [c.label if suffix == ".sav" else c.label[:STATA_LABEL] for c in matrix.columns]
    value_labels = {c.name: dict(c.values) for c in matrix.columns if c.values}
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=suffix)
    os.close(handle)
    try:
        if suffix == ".sav":
            pyreadstat.write_sav(
                frame,
                temporary,
                column_labels=labels,
                variable_value_labels=value_labels,
            )
        else:
            pyreadstat.write_dta(
                frame,
                temporary,
                column_labels=labels,
                variable_value_labels=value_labels,
            )
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
