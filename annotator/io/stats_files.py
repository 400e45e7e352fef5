"""SPSS (.sav) and Stata (.dta) files of the wide matrix, with variable labels (a code's full
path, a variable's name) and value labels (0 absent / 1 present; categories), through
pyreadstat — an optional extra, with a clear message when it is missing.

Each format has limits, and what passes one is neither cut nor refused with an internal error
(:func:`fit`): a number beyond the largest the format keeps (Stata: 8.99e307, above are its
missing values; SPSS: ±1.8e308, its missing values) turns its column into text; a category
whose label is longer than a value label may be (Stata 32,000 bytes, SPSS 120) turns its column
into the categories' text; each is named in the notes. Text is kept whole: Stata takes strings
over 2,045 bytes as strL; SPSS holds 32,767 bytes, and a longer text is refused (readstat would
write it, and read it back empty). A .dta with more variables than Stata/BE or SE opens gets a
note, one with more than any Stata opens is refused."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from annotator.domain.errors import UserError
from annotator.domain.matrix import Column, Matrix
from annotator.io.output import Protected, check_output, write_output

EXTRA = "pip install 'annotator[stats]'"
STATA_LABEL = 80  # characters Stata keeps of a variable label


@dataclass(frozen=True)
class Limits:
    """What one format keeps: numbers from ``lowest`` to ``highest`` (both included), value
    labels of up to ``value_label`` bytes of UTF-8, variable labels of ``label`` characters or
    ``label_bytes`` bytes, texts of ``text`` bytes, and up to ``variables`` columns (with a
    note past ``noted``)."""

    program: str
    lowest: float
    highest: float
    value_label: int
    label: int
    label_bytes: int
    text: int
    variables: int
    noted: int
    noted_text: str = ""


# Stata: readstat refuses what lies beyond its largest double (above it are Stata's missing
# values .a–.z); value labels hold 32,000 bytes; Stata/BE opens 2,048 variables, SE 32,767,
# MP 120,000.
STATA = Limits(
    "Stata",
    -8.988465674311579e307,
    8.988465674311579e307,
    32_000,
    STATA_LABEL,
    4 * STATA_LABEL,
    2_000_000_000,  # a strL
    120_000,
    2_048,
    "more than Stata/BE (2,048) or Stata/SE (32,767) open; Stata/MP opens up to 120,000",
)
# SPSS keeps -DBL_MAX (system missing), its neighbour (LOWEST) and DBL_MAX (HIGHEST) for
# itself: read back, they are missing. Value labels hold 120 bytes, variable labels 256, a
# string 32,767.
SPSS = Limits(
    "SPSS",
    math.nextafter(math.nextafter(-sys.float_info.max, 0), 0),
    math.nextafter(sys.float_info.max, 0),
    120,
    256,
    256,
    32_767,
    sys.maxsize,
    sys.maxsize,
)
LIMITS = {"dta": STATA, "sav": SPSS}


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


def _number_text(value: object) -> object:
    """A number of a column turned into text, as the matrix's CSV writes it."""
    if isinstance(value, float):
        return repr(value)
    return None if value is None else str(value)


def _label_of(labels: dict[int, str], code: object) -> object:
    """A category's label in place of its number."""
    return None if code is None else labels[int(code)]  # type: ignore[call-overload]


def _shown(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fit(matrix: Matrix, limits: Limits) -> tuple[Matrix, list[str]]:
    """The matrix as the format can hold it, and notes on what was changed to get there:
    a variable's number column with a value beyond the format's range becomes text, and so
    does a category column with a label longer than a value label may be (it holds the
    labels). The rows are copied only if a column changes."""
    columns, rows = list(matrix.columns), matrix.rows
    notes: list[str] = []
    program = limits.program

    def retype(index: int, convert: Callable[[object], object]) -> None:
        nonlocal rows
        if rows is matrix.rows:
            rows = [list(row) for row in rows]
        columns[index] = replace(columns[index], type="text", values={})
        for row in rows:
            row[index] = convert(row[index])

    for index, column in enumerate(matrix.columns):
        if column.type == "number" and column.kind == "variable":  # counts never get so far
            beyond = next(
                (
                    row[index]
                    for row in rows
                    if isinstance(row[index], int | float)
                    and not limits.lowest <= row[index] <= limits.highest  # type: ignore[operator]
                ),
                None,
            )
            if beyond is not None:
                retype(index, _number_text)
                notes.append(
                    f"'{column.label}' as numbers: {_number_text(beyond)} lies beyond the "
                    f"largest number {program} keeps ({limits.highest:.3g}), so the column "
                    "holds text"
                )
        elif column.type == "category" and column.values:
            long = [t for t in column.values.values() if len(t.encode()) > limits.value_label]
            if long:
                retype(index, partial(_label_of, column.values))
                notes.append(
                    f"'{column.label}' as value labels: '{_shown(long[0])}' is longer than a "
                    f"{program} value label may be ({limits.value_label:,} bytes), so the "
                    "column holds the categories as text"
                )
    cut = [c for c in columns if _label_cut(c, limits)]
    if cut:
        notes.append(
            f"the whole label of {len(cut)} column{'s' if len(cut) > 1 else ''} ('{cut[0].name}'"
            f"{' …' if len(cut) > 1 else ''}): {program} keeps {limits.label} characters"
            + (f" ({limits.label_bytes} bytes)" if limits.label_bytes != limits.label else "")
        )
    if len(columns) > limits.noted:
        notes.append(
            f"a file for every {program}: its {len(columns):,} variables are {limits.noted_text}"
        )
    return Matrix(columns, rows), notes


def _refuse_long_text(matrix: Matrix, limits: Limits, path: Path) -> None:
    """A text longer than the format holds: refused, naming the column (never cut)."""
    for index, column in enumerate(matrix.columns):
        if column.type != "text":
            continue
        for row in matrix.rows:
            value = row[index]
            # A character takes at most 4 bytes: most texts need no encoding to be measured.
            if isinstance(value, str) and len(value) * 4 > limits.text:
                size = len(value.encode())
                if size > limits.text:
                    raise UserError(
                        f"{path.name}: '{column.label}' holds a text of {size:,} bytes, more "
                        f"than {limits.program} keeps ({limits.text:,}); export it as CSV or "
                        ".dta instead"
                    )


def _label_cut(column: Column, limits: Limits) -> bool:
    return len(column.label) > limits.label or len(column.label.encode()) > limits.label_bytes


def _label(column: Column, limits: Limits) -> str:
    """The column's label as the format keeps it: cut to its characters, then to its bytes
    (whole characters)."""
    label = column.label[: limits.label]
    while len(label.encode()) > limits.label_bytes:
        label = label[:-1]
    return label


def write_stats_file(
    matrix: Matrix, path: Path, kind: str | None = None, *, protect: Protected = ()
) -> list[str]:
    """Write ``path`` as an SPSS (``kind`` "sav") or Stata ("dta") file, all or nothing (see
    :mod:`annotator.io.output`); without ``kind``, the file's extension says which. Returns
    notes on what the format could not take as it is (see :func:`fit`); a matrix with more
    columns than the format may hold is refused."""
    pyreadstat, pandas = _pyreadstat()
    suffix = path.suffix.lower()
    if kind is None:
        if suffix not in (".sav", ".dta"):
            raise UserError(f"{path.name}: SPSS files end in .sav, Stata files in .dta")
        kind = suffix[1:]
    elif suffix in (".sav", ".dta") and suffix != f".{kind}":
        raise UserError(f"{path.name}: a .{kind} file cannot be named {suffix}")
    check_output(path, protect)  # before the frame is built: a refusal costs nothing
    limits = LIMITS[kind]
    if len(matrix.columns) > limits.variables:
        raise UserError(
            f"{path.name}: the matrix has {len(matrix.columns):,} columns, more than "
            f"{limits.program} opens ({limits.variables:,}); choose fewer codes (--codes)"
        )
    matrix, notes = fit(matrix, limits)
    _refuse_long_text(matrix, limits, path)
    frame = _frame(matrix, pandas)
    labels = [_label(c, limits) for c in matrix.columns]
    value_labels = {c.name: dict(c.values) for c in matrix.columns if c.values}
    write = pyreadstat.write_sav if kind == "sav" else pyreadstat.write_dta

    def fill(temporary: str) -> None:
        write(frame, temporary, column_labels=labels, variable_value_labels=value_labels)

    write_output(path, fill, protect=protect, suffix=f".{kind}")
    return notes
