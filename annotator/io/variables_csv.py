"""The variables CSV of an import: one row per article file, one column per variable.

The ``file`` column names the article file (its path relative to the folder imported, or its
bare name where that is unique); every other column is a variable. A column
may state its type as ``name:type`` (text, number, date, category); otherwise the type is
inferred: number when every value is a number, date when every value is an ISO date
(YYYY-MM-DD), text otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from annotator.domain.errors import BadFileError, UserError
from annotator.domain.model import VariableType
from annotator.domain.numbers import numeric_column
from annotator.io.csvfiles import read_csv

FILE_COLUMN = "file"
# Plain decimal numbers as statistics packages read them (no "nan", "inf" or "1_000").
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$", re.ASCII)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


@dataclass(frozen=True)
class VariablesTable:
    """Variables by article file, with each variable's type.

    A file is named by its path relative to the folder imported (``nyt/day1.txt``) or by any
    trailing part of that path down to the bare name (``day1.txt``), which is enough where it
    is unique: see :func:`match_files`.
    """

    types: dict[str, VariableType]
    values: dict[str, dict[str, str]]  # file -> variable -> value (empty ones left out)
    lines: dict[str, int]  # file -> line in the CSV, for messages
    path: Path | None = None  # the CSV, for messages


def file_key(value: str) -> str:
    """A ``file`` cell as the table keys it: forward slashes, no leading ``./``."""
    key = value.strip().replace("\\", "/")
    while key.startswith("./"):
        key = key[2:]
    return key


def match_files(table: VariablesTable, sources: list[str]) -> tuple[dict[int, str], list[str]]:
    """Which row each file gets, as ``{index in sources: row key}``, and a warning for each
    row that names no file.

    A row matches the files whose source path ends with the row's path, whole components only.
    A row matching several files (``day1.txt`` with ``nyt/day1.txt`` and ``wapo/day1.txt``),
    or two rows naming one file, is refused with :class:`BadFileError`: guessing would give one
    outlet's variables to another's article.
    """
    csv = table.path or Path("variables.csv")
    matches: dict[str, list[int]] = {}
    for index, source in enumerate(sources):
        parts = source.split("/")
        for start in range(len(parts)):
            key = "/".join(parts[start:])
            if key in table.values:
                matches.setdefault(key, []).append(index)
    assigned: dict[int, str] = {}
    warnings: list[str] = []
    for key, line in table.lines.items():
        found = matches.get(key, [])
        if not found:
            warnings.append(f"{csv.name}, line {line}: no article file '{key}' in this import")
            continue
        if len(found) > 1:
            named = ", ".join(sources[i] for i in found[:3]) + (", …" if len(found) > 3 else "")
            raise BadFileError(
                csv,
                f"'{key}' matches {len(found)} files of this import ({named}); name each "
                f"file by its path as the import knows it ({sources[found[0]]})",
                line=line,
            )
        [index] = found
        if index in assigned:
            other = assigned[index]
            raise BadFileError(
                csv,
                f"'{key}' and '{other}' (line {table.lines[other]}) both name {sources[index]}",
                line=line,
            )
        assigned[index] = key
    return assigned, warnings


def check_value(value: str, type_: VariableType) -> str:
    """The value in stored form, or :class:`UserError` if it does not fit the type."""
    value = value.strip()
    if type_ is VariableType.NUMBER:
        if not _NUMBER.match(value):
            raise UserError(f"'{value}' is not a number")
    elif type_ is VariableType.DATE:
        try:
            if not _DATE.match(value):
                raise ValueError(value)
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise UserError(f"'{value}' is not a date of the form YYYY-MM-DD") from None
    return value


def infer_type(values: list[str]) -> VariableType:
    """The type a column's values suggest: number when every value is a plain number (and not
    an identifier such as a zip code), date when every value is an ISO date, text otherwise."""
    present = [v for v in values if v.strip()]
    if not present:
        return VariableType.TEXT
    # Identifiers that look like numbers (a zip code 02134, a 19-digit tweet id) stay text: a
    # statistics package would read them as other numbers.
    if not numeric_column(present):
        return VariableType.DATE if _all_dates(present) else VariableType.TEXT
    for type_ in (VariableType.NUMBER, VariableType.DATE):
        try:
            for value in present:
                check_value(value, type_)
        except UserError:
            continue
        return type_
    return VariableType.TEXT


def _all_dates(values: list[str]) -> bool:
    try:
        for value in values:
            check_value(value, VariableType.DATE)
    except UserError:
        return False
    return True


def column_variable(path: Path, name: str) -> tuple[str, VariableType | None]:
    """The variable a column header names, and the type it declares (``outlet:category``), if
    any; :class:`BadFileError` for a header with no name before the colon or an unknown type."""
    variable, _, type_name = name.partition(":")
    variable = variable.strip()
    if not variable:
        raise BadFileError(path, f"column '{name}' has no variable name", line=1)
    declared = None
    if type_name:
        try:
            declared = VariableType(type_name.strip().lower())
        except ValueError:
            kinds = ", ".join(t.value for t in VariableType)
            raise BadFileError(
                path, f"column '{name}': unknown type '{type_name}' (use {kinds})", line=1
            ) from None
    return variable, declared


def read_variables_csv(path: Path) -> VariablesTable:
    header, rows = read_csv(path, required=[FILE_COLUMN])
    columns: dict[str, tuple[str, VariableType | None]] = {}
    for name in header:
        if name == FILE_COLUMN or not name:
            continue
        variable, declared = column_variable(path, name)
        if variable in {v for v, _ in columns.values()}:
            raise BadFileError(path, f"variable '{variable}' appears twice", line=1)
        columns[name] = (variable, declared)
    types: dict[str, VariableType] = {}
    for column, (variable, declared) in columns.items():
        types[variable] = declared or infer_type([row[column] for _, row in rows])
    values: dict[str, dict[str, str]] = {}
    lines: dict[str, int] = {}
    for line, row in rows:
        file_name = file_key(row[FILE_COLUMN])
        if not file_name:
            raise BadFileError(path, "the 'file' column is empty", line=line)
        if file_name in lines:
            raise BadFileError(
                path, f"'{file_name}' already has a row (line {lines[file_name]})", line=line
            )
        lines[file_name] = line
        row_values: dict[str, str] = {}
        for column, (variable, _) in columns.items():
            if row[column].strip():
                try:
                    row_values[variable] = check_value(row[column], types[variable])
                except UserError as error:
                    raise BadFileError(path, f"{variable}: {error}", line=line) from None
        values[file_name] = row_values
    return VariablesTable(types=types, values=values, lines=lines, path=path)
