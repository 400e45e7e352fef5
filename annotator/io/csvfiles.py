"""CSV in and out: UTF-8, RFC 4180 quoting, errors that name the file and the line."""

from __future__ import annotations

import contextlib
import csv
import io
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO

from annotator.domain.errors import BadFileError
from annotator.io.output import Protected, open_output

MAX_CSV_BYTES = 512 * 1024 * 1024
# A coded passage can be a whole long article; the csv module's default cap is 128 KB.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def read_csv_text(path: Path, *, max_bytes: int = MAX_CSV_BYTES) -> str:
    """The text of a CSV file (UTF-8, with or without BOM), with a clear refusal otherwise."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise BadFileError(path, f"is {size / 2**20:.0f} MB, more than a CSV file here may be")
        data = path.read_bytes()
    except OSError as error:
        raise BadFileError(path, f"cannot be read ({error.strerror or error})") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        raise BadFileError(
            path, "is UTF-16 text (as Excel's 'Unicode text'); save it as UTF-8 ('CSV UTF-8')"
        )
    if b"\x00" in data:
        raise BadFileError(path, "is a binary file, not CSV")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise BadFileError(path, "is not UTF-8 text; save it as CSV UTF-8", line=line) from None


def read_csv(
    path: Path, *, required: Sequence[str] = ()
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and rows of a CSV file; each row with the line it starts on.

    Header names are stripped; a missing required column, a duplicate column, a row with more
    fields than the header, or broken quoting is refused with the line. Cells an export
    neutralised for spreadsheets (:func:`neutralise`) are read back as they were.
    """
    text = read_csv_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, dict[str, str]]] = []
    line = 1
    try:
        header = [name.strip() for name in next(reader, [])]
        if not any(header):
            raise BadFileError(path, "is empty: a header row is needed", line=1)
        duplicates = sorted({n for n in header if header.count(n) > 1 and n})
        if duplicates:
            raise BadFileError(path, f"column '{duplicates[0]}' appears twice", line=1)
        missing = [name for name in required if name not in header]
        if missing:
            raise BadFileError(path, f"the header lacks the column '{missing[0]}'", line=1)
        line = reader.line_num + 1
        for record in reader:
            if any(value.strip() for value in record):
                if len(record) > len(header):
                    raise BadFileError(
                        path, f"{len(record)} fields, but the header names {len(header)}", line=line
                    )
                record = [restore(value) for value in record]
                record += [""] * (len(header) - len(record))
                rows.append((line, dict(zip(header, record, strict=True))))
            line = reader.line_num + 1
    except csv.Error as error:
        # The record that fails starts at `line`; line_num is where the parser gave up, which
        # for an unclosed quote is the end of the file.
        raise BadFileError(path, f"broken CSV ({error})", line=line) from None
    return header, rows


def atomic_output(
    path: Path | None, *, encoding: str = "utf-8", protect: Protected = ()
) -> contextlib.AbstractContextManager[IO[str]]:
    """Write text to ``path`` through the one output writer (:func:`open_output`): all or
    nothing, never onto a project, a pipe or device written to directly; ``None`` writes to
    standard output."""
    return open_output(path, encoding=encoding, protect=protect)


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = frozenset("=+-@\t\r")
QUOTE = "'"


def neutralise(text: str) -> str:
    """Text a spreadsheet will show, never run: a leading apostrophe before a formula start
    (and before a leading apostrophe, so that :func:`restore` can undo it exactly)."""
    if text and (text[0] in FORMULA_STARTS or text[0] == QUOTE):
        return QUOTE + text
    return text


def restore(text: str) -> str:
    """The text :func:`neutralise` was given (other text is left as it is)."""
    if len(text) > 1 and text[0] == QUOTE and (text[1] in FORMULA_STARTS or text[1] == QUOTE):
        return text[1:]
    return text


def csv_field(value: object, *, safe: bool = True) -> str:
    """One field as RFC 4180 CSV writes it: quoted only when it holds a comma, a quote or a
    line break (quotes doubled); ``None`` as empty; text neutralised when ``safe``."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return str(value)
    if safe and value and (value[0] in FORMULA_STARTS or value[0] == QUOTE):
        value = QUOTE + value
    if '"' in value:
        return '"' + value.replace('"', '""') + '"'
    if "," in value or "\n" in value or "\r" in value:
        return '"' + value + '"'
    return value


def write_csv(
    handle: IO[str],
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    safe: bool = True,
) -> int:
    """Write a header and rows as RFC 4180 CSV; return the number of rows.

    Records end in CRLF, as the RFC says (so a field holding a bare carriage return is quoted
    too). With ``safe`` (the default) every text cell goes through :func:`neutralise`; numbers
    do not. Written by hand rather than by the csv module, which is twice as slow here.
    """
    handle.write(",".join(csv_field(name, safe=False) for name in header) + "\r\n")
    count = 0
    lines: list[str] = []
    for row in rows:
        lines.append(",".join([csv_field(value, safe=safe) for value in row]))
        count += 1
        if len(lines) >= 4096:
            handle.write("\r\n".join(lines) + "\r\n")
            lines.clear()
    if lines:
        handle.write("\r\n".join(lines) + "\r\n")
    return count
