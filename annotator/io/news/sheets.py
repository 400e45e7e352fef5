"""Article sheets: .csv, .tsv, .xlsx and JSON Lines with one article per row.

A sheet is recognised by its content: a workbook is a ZIP holding ``xl/workbook.xml``; JSON
Lines start with a JSON object on the first line; a CSV or TSV (comma, tab or semicolon) has a
header naming a text column and rows as wide as the header. The text and the standard
metadata come from columns with common names (case, spaces and underscores ignored, see
:data:`COLUMN_NAMES`), unless the researcher names them (:class:`SheetOptions`); every other
column becomes a variable under its own name, typed as a variables CSV types its columns
(``pages:number`` declares a type; otherwise it is inferred).

A row without text is left out with a problem line naming it; a date that cannot be read is
kept as text (``date_text``) and reported; a file whose columns name no text is refused in one
line that lists its columns.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator.domain.errors import BadFileError, UserError
from annotator.domain.model import VariableType
from annotator.io.news import (
    MAX_ARTICLES_PER_FILE,
    NewsArticle,
    NewsFile,
    Reader,
    checks,
    too_many_articles,
)
from annotator.io.news.sheet_columns import (
    BIGKINDS,
    COLUMN_NAMES,
    DATABASE,
    MAX_COLUMNS,
    RESERVED,
    Plan,
    SheetOptions,
    key,
    known_column,
    plan_columns,
    text_column,
)
from annotator.io.news.sheet_dates import ColumnOrder, column_order, read_date
from annotator.io.news.xlsx import is_workbook, workbook_rows
from annotator.io.variables_csv import infer_type

__all__ = ["COLUMN_NAMES", "DATABASE", "MAX_COLUMNS", "RESERVED", "SheetOptions", "key"]
MAX_TEXT_CHARACTERS = 50 * 2**20  # an article's text, as for a single article file
MAX_PROBLEMS = 200  # per file; then one line says how many more
# A text column whose texts all stop near this many characters holds leads (BIGKinds).
LEAD_CHARACTERS = 200
LEADS_MIN_ROWS = 3
_HEAD = 64 * 1024  # what recognition looks at
_CHUNK = 2**20  # what is decoded at a time to check the encoding
_DELIMITERS = ("\t", ",", ";")
_SHEET_SUFFIXES = (".csv", ".tsv", ".tab", ".xlsx", ".jsonl", ".ndjson")


@dataclass(frozen=True)
class Sheet:
    """A sheet as read: its articles (as a reader gives them) and each variable's type."""

    file: NewsFile
    types: dict[str, VariableType] = field(default_factory=dict)


def has_sheet_suffix(name: str) -> bool:
    """True for a file named as a sheet is (.csv, .tsv, .xlsx, .jsonl…)."""
    return name.lower().endswith(_SHEET_SUFFIXES)


# -- recognition ------------------------------------------------------------------------------


def recognises(data: bytes, name: str, options: SheetOptions | None = None) -> bool:
    """True when ``data`` is a sheet of articles: a workbook; JSON Lines whose first object
    has a text field (or any JSON Lines under a sheet's name); a CSV/TSV under a sheet's name;
    or, under any other name, a CSV/TSV the evidence bears out (:func:`_table_evidence`). An
    ordinary article whose first line happens to hold a comma is not one. Hostile bytes give
    False, never an exception."""
    try:
        return _recognises(data, name, options or SheetOptions())
    except (ValueError, RecursionError, csv.Error, UnicodeError, UserError):
        # A parser's complaint about the head (a JSON nested past Python's recursion limit,
        # a broken quote) says only that this is no sheet we can recognise.
        return False


def _recognises(data: bytes, name: str, options: SheetOptions) -> bool:
    if is_workbook(data):
        return True
    named = has_sheet_suffix(name)
    head = _decode_head(data[:_HEAD])
    if head is None:
        return False
    first = head.lstrip("\ufeff \t\r\n").split("\n", 1)[0]
    if first.startswith("{"):
        try:
            record = json.loads(first)
        except (ValueError, RecursionError):
            return False
        return isinstance(record, dict) and (
            named or text_column([str(k) for k in record], options) is not None
        )
    if named and name.lower().endswith((".csv", ".tsv", ".tab")):
        return True
    delimiter = _sep_hint(first)
    if delimiter is not None:
        head = head.lstrip("\ufeff \t\r\n").split("\n", 1)[-1] if "\n" in head else ""
    else:
        delimiter = _delimiter(first, name)
    if delimiter is None:
        return False
    return _table_evidence(_head_records(head, delimiter), options, cut=len(data) > _HEAD)


#: What bears out a table under a name that is not a sheet's: this many complete rows as wide
#: as the header, and text cells this long (the median; an article's text, not a clause).
MIN_EVIDENCE_ROWS = 2
MIN_TEXT_LENGTH = 80
#: A header narrower than this bears out a table only when every column name is a known one.
MIN_UNNAMED_COLUMNS = 3
_SENTENCE_PUNCTUATION = re.compile(r"[.!?;:\"“”«»]|,\s")


def _table_evidence(records: list[list[str]], options: SheetOptions, *, cut: bool) -> bool:
    """Whether the first records of a file are a table of articles: a header of column
    names (short, without sentence punctuation) naming a text column, then several complete
    rows all of the header's width (the last record is no support when the head was cut off
    inside it), whose text cells are long."""
    if len(records) < 2:
        return False
    header = [cell.strip() for cell in records[0]]
    if len(header) < 2 or not all(_looks_like_column_name(cell) for cell in header):
        return False
    # Two columns are what one comma in a headline makes ("Body, mind and soul"): they are a
    # table only under names matching knows or the researcher gave.
    if len(header) < MIN_UNNAMED_COLUMNS and not all(known_column(c, options) for c in header):
        return False
    text = text_column(header, options)
    if text is None:
        return False
    rows = [record for record in records[1:] if any(cell.strip() for cell in record)]
    last = rows.pop() if cut and rows else None
    if last is not None and len(last) > len(header):
        return False
    if len(rows) < MIN_EVIDENCE_ROWS or any(len(row) != len(header) for row in rows):
        return False
    lengths = sorted(len(row[text].strip()) for row in rows)
    return lengths[len(lengths) // 2] >= MIN_TEXT_LENGTH


def _looks_like_column_name(cell: str) -> bool:
    return (
        0 < len(cell) <= 40
        and len(cell.split()) <= 4
        and _SENTENCE_PUNCTUATION.search(cell) is None
    )


def _decode_head(head: bytes) -> str | None:
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            head = head[len(bom) :]
            return head[: len(head) - len(head) % 2].decode(codec, errors="replace")
    if b"\x00" in head:
        return None
    return head.decode("utf-8", errors="replace")


def _head_records(head: str, delimiter: str) -> list[list[str]]:
    records: list[list[str]] = []
    try:
        for record in csv.reader(io.StringIO(head, newline=""), delimiter=delimiter):
            records.append(record)
            if len(records) >= 12:
                break
    except csv.Error:
        return records
    return records


# Excel's hint of the delimiter, a first line of its own: "sep=;".
_SEP_HINT = re.compile(r"sep=([^\r\n\"])\s*", re.IGNORECASE)


def _sep_hint(first_line: str) -> str | None:
    """The delimiter a first line "sep=;" names (Excel writes and honours it), or None."""
    match = _SEP_HINT.fullmatch(first_line)
    return match.group(1) if match else None


def _after_first_line(lines: Iterator[str]) -> Iterator[str]:
    """``lines`` without the first that is not blank (the "sep=" hint)."""
    for line in lines:
        if line.strip("\ufeff \t\r\n"):
            break
    yield from lines


def _delimiter(first_line: str, name: str) -> str | None:
    """The delimiter the header line uses: tab for .tsv, otherwise the most frequent of tab,
    comma and semicolon outside quotes."""
    if name.lower().endswith((".tsv", ".tab")):
        return "\t"
    outside = re.sub(r'"[^"]*"', "", first_line)
    counts = {d: outside.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else None


# -- rows to articles -------------------------------------------------------------------------


def _articles(
    rows: Iterable[tuple[str, list[str]]],
    header: list[str],
    plan: Plan,
    path: Path,
    kind: str,
    widths: _Widths | None = None,
) -> Sheet:
    """Articles from rows given as (where, cells): ``where`` names the row in messages;
    ``widths`` checks them for cells beyond the header."""
    problems = list(plan.problems)
    if widths is not None:
        widths.problems = problems  # its lines among the others, in the order of the rows
    text_index = plan.text
    columns = [(i, v) for i, v in plan.variables.items() if v != "text"]
    fields_list: list[tuple[str, str, dict[str, str]]] = []  # where, text, fields
    for where, cells in rows:
        body = cells[text_index].strip() if text_index < len(cells) else ""
        if not body:
            problems.append(f"{where}: no text, left out")
            continue
        if len(body) > MAX_TEXT_CHARACTERS:
            problems.append(
                f"{where}: a text of {len(body) / 2**20:,.0f} million characters, more than "
                f"an article may have ({MAX_TEXT_CHARACTERS // 2**20} million), left out"
            )
            continue
        values: dict[str, str] = {}
        for index, variable in columns:
            if index < len(cells) and cells[index].strip():
                values[variable] = cells[index].strip()
        fields_list.append((where, body, values))
        if len(fields_list) > MAX_ARTICLES_PER_FILE:
            raise too_many_articles(path, MAX_ARTICLES_PER_FILE)
    lead = _leads_only([body for _, body, _ in fields_list], header[text_index])
    if lead:
        problems.insert(0, lead)
    types = _types(fields_list, columns, plan)
    orders = {
        variable: column_order(
            header[index], ((where, values.get(variable, "")) for where, _, values in fields_list)
        )
        for index, variable in columns
        if types.get(variable) is VariableType.DATE
    }
    articles: list[NewsArticle] = []
    sourced = [v for v in ("outlet", "date") if v in plan.variables.values()]
    # Each row let go once it is an article (100,000 rows of values: 100 MB held twice).
    fields_list.reverse()
    while fields_list:
        where, body, values = fields_list.pop()
        position = len(articles) + 1
        fields = _typed(values, types, orders, where, problems)
        unsourced = checks.unsourced(fields, where, sourced) if sourced else None
        if unsourced is not None:
            problems.append(unsourced)
        title = " ".join(fields.get("title", "").split())
        shown = title if title and not body.startswith(title) else ""
        articles.append(NewsArticle(shown, body, fields, position))
        if "date_text" in fields:
            types["date_text"] = VariableType.TEXT
    if widths is not None:
        widths.refuse_if_most(path)
    if not articles:
        raise BadFileError(
            path, f"holds no article: no {kind} has text in its column '{header[text_index]}'"
        )
    if len(problems) > MAX_PROBLEMS:
        problems[MAX_PROBLEMS:] = [f"… and {len(problems) - MAX_PROBLEMS:,} more problems"]
    news = NewsFile(plan.database, _format(path, kind), tuple(articles), tuple(problems))
    return Sheet(news, types)


def _leads_only(texts: list[str], column: str) -> str | None:
    """The line saying that the text column holds only leads: no text longer than BIGKinds'
    lead (200 characters, what it gives where the full text is not licensed) and most of
    them near it, over a few rows at least; None otherwise."""
    if len(texts) < LEADS_MIN_ROWS:
        return None
    lengths = sorted(len(" ".join(text.split())) for text in texts)
    if lengths[-1] > LEAD_CHARACTERS + 5 or lengths[len(lengths) // 2] < LEAD_CHARACTERS * 3 // 4:
        return None
    return (
        f"the column '{column}' holds only the first {LEAD_CHARACTERS} characters or so of "
        f"each article (the longest has {lengths[-1]}): leads, not full texts — BIGKinds gives "
        "leads unless the full text is licensed"
    )


def _types(
    rows: list[tuple[str, str, dict[str, str]]], columns: list[tuple[int, str]], plan: Plan
) -> dict[str, VariableType]:
    types: dict[str, VariableType] = {}
    for _, variable in columns:
        if variable == "date":
            types[variable] = VariableType.DATE
        elif variable in ("title", "outlet", "author", "url"):
            types[variable] = plan.declared.get(variable, VariableType.TEXT)
        else:
            types[variable] = plan.declared.get(variable) or infer_type(
                [values.get(variable, "") for _, _, values in rows]
            )
    return types


def _typed(
    values: dict[str, str],
    types: dict[str, VariableType],
    orders: dict[str, ColumnOrder],
    where: str,
    problems: list[str],
) -> dict[str, str]:
    """The row's values as the variables' types want them; a date that cannot be read (or
    whose day and month could swap, see :mod:`annotator.io.news.sheet_dates`) is kept under
    ``date_text``, a declared type a value does not fit is reported."""
    fields: dict[str, str] = {}
    for variable, value in values.items():
        if types.get(variable) is VariableType.DATE:
            column = orders.get(variable) or ColumnOrder(variable)
            parsed, why = read_date(value, column, values.get("language", ""))
            if parsed is None:
                fields["date_text" if variable == "date" else variable] = value
                if variable == "date":
                    problems.append(f"{where}: '{_clip(value)}' {why}; kept as date_text")
                else:
                    problems.append(f"{where}: {variable} '{_clip(value)}' {why}")
                continue
            fields[variable] = parsed
        else:
            fields[variable] = value
    return fields


def _clip(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= 60 else value[:57] + "…"


def _format(path: Path, kind: str) -> str:
    return {"row": "article sheet", "line": "JSON Lines"}.get(kind, kind)


# -- the three kinds of file ------------------------------------------------------------------


def read_sheet(data: bytes, name: str, options: SheetOptions | None = None) -> Sheet:
    """The articles of a sheet, or :class:`BadFileError` with a one-line reason."""
    options = options or SheetOptions()
    path = Path(name)
    if is_workbook(data) or data.startswith(b"PK\x03\x04"):  # a ZIP: a workbook, or broken
        sheet = _read_rows(_workbook(data, path), options, path, "row")
        return Sheet(_retitled(sheet.file, "Excel workbook (.xlsx)"), sheet.types)
    head = _decode_head(data[:_HEAD])
    if head is None:
        raise BadFileError(path, "holds NUL characters: it is a binary file, not a sheet")
    first = head.lstrip("\ufeff \t\r\n").split("\n", 1)[0]
    lines = _lines(data, path)
    if first.startswith("{"):
        return _read_json_lines(lines, options, path)
    hint = _sep_hint(first)
    if hint is not None:
        lines = _after_first_line(lines)
    delimiter = hint or _delimiter(first, name) or ","
    sheet = _read_rows(_csv_rows(lines, delimiter, path), options, path, "row")
    kind = "TSV" if delimiter == "\t" else "CSV"
    return Sheet(_retitled(sheet.file, f"article sheet ({kind})"), sheet.types)


def _retitled(news: NewsFile, format_name: str) -> NewsFile:
    if news.database == BIGKINDS:  # "BIGKinds sheet (.xlsx)", "BIGKinds sheet (CSV)"
        format_name = f"{BIGKINDS} sheet ({format_name.rpartition('(')[2]}"
    return NewsFile(news.database, format_name, news.articles, news.problems)


def _read_rows(
    rows: Iterator[tuple[int, list[str]]], options: SheetOptions, path: Path, kind: str
) -> Sheet:
    header: list[str] | None = None
    for _, cells in rows:
        if any(cell.strip() for cell in cells):
            header = [cell.strip() for cell in cells]
            break
    if header is None:
        raise BadFileError(path, "is empty: a header row naming the columns is needed")
    plan = plan_columns(header, options, path)
    widths = _Widths(len(header))
    body = widths.checked(
        (f"row {number}", cells) for number, cells in rows if any(c.strip() for c in cells)
    )
    return _articles(body, header, plan, path, kind, widths)


@dataclass
class _Widths:
    """Rows wider than the header: their extra cells name no column, so the row was split at
    a delimiter inside its text (an unquoted comma) and its cells are not what the header
    says. Such a row is left out and reported, never stored with cells dropped."""

    header: int
    rows: int = 0
    wide: int = 0
    problems: list[str] = field(default_factory=list)

    def checked(self, rows: Iterable[tuple[str, list[str]]]) -> Iterator[tuple[str, list[str]]]:
        for where, cells in rows:
            self.rows += 1
            if len(cells) > self.header and any(c.strip() for c in cells[self.header :]):
                self.wide += 1
                self.problems.append(
                    f"{where}: {len(cells)} cells where the header has {self.header} (a "
                    "delimiter inside an unquoted text?), left out"
                )
                continue
            yield where, cells

    def refuse_if_most(self, path: Path) -> None:
        if self.wide and self.wide * 2 > self.rows:
            raise BadFileError(
                path,
                f"{self.wide:,} of {self.rows:,} rows have more cells than the header's "
                f"{self.header} (delimiters inside unquoted texts?); quote the texts or "
                "check the delimiter",
            )


def _workbook(data: bytes, path: Path) -> Iterator[tuple[int, list[str]]]:
    yield from workbook_rows(data, path)


def _lines(data: bytes, path: Path) -> Iterator[str]:
    """A CSV's or JSON Lines' text, line by line with the line endings kept (as ``csv``
    wants): UTF-8 or UTF-16 with a byte-order mark (Excel's "Unicode text"), else the
    encoding detected as a plain article's is (refused when unclear). Decoded as it is read,
    never whole: a sheet of 200 MB would otherwise be held several times over (the text,
    and a StringIO's copy of four bytes a character)."""
    from annotator.io.encoding import decode_text

    encoding, errors = "utf-8-sig", "strict"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif b"\x00" in data:
        raise BadFileError(path, "holds NUL characters: it is a binary file, not a sheet")
    elif not _is_utf8(data):
        # Detected on the whole text (which is then let go); read again in that encoding,
        # without a last character the file may be cut off in (as decode_text does).
        encoding = decode_text(data, path)[1]
        errors = "ignore"
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, errors=errors, newline="")
    try:
        for line in stream:
            if "\x00" in line:
                raise BadFileError(path, "holds NUL characters: it is a binary file, not a sheet")
            yield line
    except UnicodeDecodeError:
        raise BadFileError(
            path, f"is not valid {encoding.upper()} text (a broken encoding)"
        ) from None


def _is_utf8(data: bytes) -> bool:
    """Whether ``data`` is UTF-8, decoded a megabyte at a time and let go."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(view), _CHUNK):
            decoder.decode(view[start : start + _CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _csv_rows(lines: Iterator[str], delimiter: str, path: Path) -> Iterator[tuple[int, list[str]]]:
    """Records with their row number as a spreadsheet shows it (the header is row 1)."""
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    number = 0
    try:
        for record in reader:
            number += 1
            yield number, record
    except csv.Error as error:
        raise BadFileError(
            path, f"broken CSV in row {number + 1} (line {reader.line_num}): {error}"
        ) from None


def _read_json_lines(lines: Iterator[str], options: SheetOptions, path: Path) -> Sheet:
    header: list[str] = []
    known: dict[str, int] = {}
    rows: list[tuple[str, list[str]]] = []
    problems: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except RecursionError:
            problems.append(f"line {number}: JSON nested too deeply to read, left out")
            continue
        except ValueError:
            problems.append(f"line {number}: not valid JSON, left out")
            continue
        if not isinstance(record, dict):
            problems.append(f"line {number}: not a JSON object, left out")
            continue
        cells: list[str] = [""] * len(header)
        for name, value in record.items():
            name = str(name).strip()
            if name not in known:
                if len(header) >= MAX_COLUMNS:
                    raise BadFileError(path, f"has more than {MAX_COLUMNS} different fields")
                known[name] = len(header)
                header.append(name)
                cells.append("")
            cells[known[name]] = _json_value(value)
        rows.append((f"line {number}", cells))
        if len(rows) > MAX_ARTICLES_PER_FILE:
            raise too_many_articles(path, MAX_ARTICLES_PER_FILE)
    if not header:
        raise BadFileError(path, "holds no JSON object" + (f" ({problems[0]})" if problems else ""))
    plan = plan_columns(header, options, path)
    plan.problems.extend(problems)
    return _articles(rows, header, plan, path, "line")


def _json_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "; ".join(value)  # authors, subjects
    if isinstance(value, int | float):
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False)


def _read(data: bytes, name: str) -> NewsFile:
    return read_sheet(data, name).file


READER = Reader("article sheet", recognises, _read)
