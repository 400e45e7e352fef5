"""Tables for spreadsheets: a header and rows written as CSV or as an Excel workbook
(``.xlsx``), told by the file's suffix, through the one output writer (all or nothing,
never onto a project).

In a workbook numbers stay numbers, ``None`` is an empty cell and text is always text: a
code named ``=HYPERLINK(…)`` or ``+1`` is shown as written, never run as a formula nor read
as a number. CSV goes through :func:`annotator.io.csvfiles.write_csv`, which neutralises such
text for spreadsheets.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from annotator.domain.errors import BadFileError
from annotator.io.csvfiles import csv_field, write_csv
from annotator.io.output import Protected, check_output, open_output

TABLE_SUFFIXES = (".csv", ".xlsx")
MAX_ROWS = 1_048_576  # Excel's limit, header included
MAX_CELL = 32_767  # characters in one cell, Excel's limit
MAX_SHEET_NAME = 31
MIN_WIDTH = 6
MAX_WIDTH = 60
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def write_table(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    protect: Protected = (),
    sheet: str = "table",
) -> None:
    """Write ``header`` and ``rows`` to ``path`` as ``.csv`` or ``.xlsx`` (any other suffix is
    refused, naming the file); all or nothing, never onto a project (``protect``)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise BadFileError(path, "is not a table file: name it .csv or .xlsx")
    check_output(path, protect)  # refused before any work
    if suffix == ".csv":
        with open_output(path, protect=protect) as handle:
            write_csv(handle, header, (_defined(row) for row in rows))
        return
    data = _workbook(path, header, rows, sheet)
    with open_output(path, binary=True, protect=protect) as handle:
        handle.write(data)


def write_records(
    path: Path,
    records: Sequence[Mapping[str, object]],
    *,
    protect: Protected = (),
    sheet: str = "table",
) -> None:
    """Write ``records`` (flat dicts with the same keys, the keys as the header) as
    :func:`write_table` does. A ``.csv`` is encoded a column at a time, each distinct value
    once: a million rows of codes by groups repeat few values, and encoding field by field
    takes seconds."""
    path = Path(path)
    header = list(records[0]) if records else []
    columns = encoded_columns(records, _csv_value)
    if path.suffix.lower() != ".csv" or columns is None:
        write_table(
            path, header, ([r[k] for k in header] for r in records), protect=protect, sheet=sheet
        )
        return
    check_output(path, protect)
    with open_output(path, protect=protect) as handle:
        write_csv(handle, header, ())
        lines = [",".join(values) for values in zip(*columns, strict=True)]
        for start in range(0, len(lines), 10_000):
            handle.write("\r\n".join(lines[start : start + 10_000]) + "\r\n")


def encoded_columns(
    records: Sequence[Mapping[str, object]], encode: Callable[[Any], str]
) -> list[list[str]] | None:
    """Each key's values across ``records`` through ``encode``, a column at a time, each
    distinct value encoded once; ``None`` when the records do not all have the same keys."""
    if not records or any(r.keys() != records[0].keys() for r in records):
        return None
    encoded = []
    for key in records[0]:
        column = [r[key] for r in records]
        kinds = set(map(type, column)) - {type(None)}
        if len(kinds) > 1 or not kinds <= {str, int, float, bool}:
            # 1, 1.0 and True are one key of a dict: a mixed column is encoded value by value
            encoded.append([encode(v) for v in column])
            continue
        memo = {v: encode(v) for v in set(column)}
        encoded.append(list(map(memo.__getitem__, column)))
    return encoded


def _csv_value(value: object) -> str:
    return csv_field(None if isinstance(value, float) and not math.isfinite(value) else value)


def _defined(row: Sequence[object]) -> Sequence[object]:
    """NaN and infinity as empty fields, as in a workbook (not the text ``nan``)."""
    if any(isinstance(v, float) and not math.isfinite(v) for v in row):
        return [None if isinstance(v, float) and not math.isfinite(v) else v for v in row]
    return row


def sheet_name(name: str) -> str:
    """``name`` as Excel accepts a sheet's name: at most 31 characters, none of ``[]:*?/\\``,
    not starting or ending with an apostrophe, not empty and not Excel's reserved ``History``."""
    cleaned = _SHEET_FORBIDDEN.sub("_", " ".join(name.split())).strip("'")
    cleaned = cleaned[:MAX_SHEET_NAME].strip().strip("'") or "table"
    if cleaned.casefold() == "history":
        cleaned += "_"
    return cleaned


def _workbook(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[object]], sheet: str
) -> bytes:
    """The workbook's bytes, built in memory: nothing touches the disk until it is whole."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            # Text is text: never a formula, a number or a link because of how it looks.
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    worksheet = workbook.add_worksheet(sheet_name(sheet))
    bold = workbook.add_format({"bold": True})
    widths = [_width(name) for name in header]
    for column, name in enumerate(header):
        _check_text(path, str(name))
        worksheet.write_string(0, column, str(name), bold)
    count = 0
    for count, row in enumerate(rows, start=1):
        if count >= MAX_ROWS:
            raise BadFileError(
                path, f"more than {MAX_ROWS - 1:,} rows do not fit in a worksheet; write .csv"
            )
        for column, value in enumerate(row):
            _write_cell(path, worksheet, count, column, value)
            if column < len(widths):
                widths[column] = max(widths[column], _width(value))
    worksheet.freeze_panes(1, 0)
    if header:
        worksheet.autofilter(0, 0, count, len(header) - 1)
    for column, width in enumerate(widths):
        worksheet.set_column(column, column, min(MAX_WIDTH, max(MIN_WIDTH, width + 2)))
    workbook.close()
    return buffer.getvalue()


def _write_cell(path: Path, worksheet: Any, row: int, column: int, value: object) -> None:
    if value is None:
        return  # an empty cell
    if isinstance(value, bool):
        worksheet.write_boolean(row, column, value)
    elif isinstance(value, int | float):
        if math.isfinite(value):
            worksheet.write_number(row, column, value)
        # NaN and infinity have no cell value in a workbook: left empty, as undefined
    else:
        text = str(value)
        _check_text(path, text)
        worksheet.write_string(row, column, text)


def _check_text(path: Path, text: str) -> None:
    if len(text) > MAX_CELL:
        raise BadFileError(
            path,
            f"a cell holds {len(text):,} characters, more than a worksheet cell's "
            f"{MAX_CELL:,}; write .csv",
        )


def _width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, float):
        return len(f"{value:.4g}")
    return max((len(line) for line in str(value).splitlines()), default=0)
