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
from annotator.io.news import NewsArticle, NewsFile, Reader
from annotator.io.news.dates import parse_date
from annotator.io.news.xlsx import is_workbook, workbook_rows
from annotator.io.variables_csv import column_variable, infer_type

DATABASE = "sheet"
#: The variables a sheet's columns fill automatically, and the column names that fill them
#: (compared without case, spaces, underscores or hyphens), best first.
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "full_text"),
    "title": ("title", "headline"),
    "date": ("date", "publish_date", "publication_date"),
    "outlet": ("outlet", "source", "media_name", "publication"),
    "author": ("author", "byline"),
    "url": ("url",),
}
#: Variables the import sets itself: a column of the same name is left out, with a problem.
RESERVED = frozenset({"database", "source_file", "duplicate_of", "date_text"})
MAX_COLUMNS = 500
MAX_TEXT_CHARACTERS = 50 * 2**20  # an article's text, as for a single article file
MAX_PROBLEMS = 200  # per file; then one line says how many more
_HEAD = 64 * 1024  # what recognition looks at
_DELIMITERS = ("\t", ",", ";")
_SHEET_SUFFIXES = (".csv", ".tsv", ".tab", ".xlsx", ".jsonl", ".ndjson")
_COLUMN_NAME = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class SheetOptions:
    """The researcher's choices: the column that holds the text (``--text-column``) and
    columns mapped to variables (``--column NAME=variable``; ``text`` names the text)."""

    text_column: str | None = None
    columns: tuple[tuple[str, str], ...] = ()

    @property
    def given(self) -> bool:
        return self.text_column is not None or bool(self.columns)


@dataclass(frozen=True)
class Sheet:
    """A sheet as read: its articles (as a reader gives them) and each variable's type."""

    file: NewsFile
    types: dict[str, VariableType] = field(default_factory=dict)


def key(name: str) -> str:
    """A column name as matching sees it: lower case, letters and digits only."""
    return "".join(_COLUMN_NAME.findall(name.casefold()))


_ALIASES = {variable: tuple(key(n) for n in names) for variable, names in COLUMN_NAMES.items()}


def has_sheet_suffix(name: str) -> bool:
    """True for a file named as a sheet is (.csv, .tsv, .xlsx, .jsonl…)."""
    return name.lower().endswith(_SHEET_SUFFIXES)


# -- recognition ------------------------------------------------------------------------------


def recognises(data: bytes, name: str, options: SheetOptions | None = None) -> bool:
    """True when ``data`` is a sheet of articles: a workbook; JSON Lines whose first object
    has a text field (or any JSON Lines under a sheet's name); a CSV/TSV whose header names a
    text column and whose first rows are as wide as the header (or, under a sheet's name,
    any CSV). An ordinary article whose first line happens to hold a comma is not one."""
    options = options or SheetOptions()
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
        except ValueError:
            return False
        return isinstance(record, dict) and (
            named or _text_column([str(k) for k in record], options) is not None
        )
    if named and name.lower().endswith((".csv", ".tsv", ".tab")):
        return True
    delimiter = _delimiter(first, name)
    if delimiter is None:
        return False
    records = _head_records(head, delimiter)
    if len(records) < 2:
        return False
    header = [cell.strip() for cell in records[0]]
    if len(header) < 2 or any(not cell or len(cell) > 64 for cell in header):
        return False
    if _text_column(header, options) is None:
        return False
    # Complete rows only (the last may be cut off by the head): each as wide as the header.
    return all(len(record) == len(header) for record in records[1:-1] or records[1:])


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
            if len(records) >= 6:
                break
    except csv.Error:
        return records
    return records


def _delimiter(first_line: str, name: str) -> str | None:
    """The delimiter the header line uses: tab for .tsv, otherwise the most frequent of tab,
    comma and semicolon outside quotes."""
    if name.lower().endswith((".tsv", ".tab")):
        return "\t"
    outside = re.sub(r'"[^"]*"', "", first_line)
    counts = {d: outside.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else None


# -- columns ----------------------------------------------------------------------------------


@dataclass
class _Plan:
    """Which column fills which variable (``text`` for the text), and what was left out."""

    variables: dict[int, str] = field(default_factory=dict)  # column index -> variable
    declared: dict[str, VariableType] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def text(self) -> int:
        return next(i for i, v in self.variables.items() if v == "text")


def _find(header: list[str], wanted: str) -> int | None:
    """A column by its exact name, else by its name without case and spacing."""
    if wanted in header:
        return header.index(wanted)
    keys = [key(name) for name in header]
    return keys.index(key(wanted)) if key(wanted) in keys else None


def _text_column(header: list[str], options: SheetOptions) -> int | None:
    if options.text_column is not None:
        return _find(header, options.text_column)
    for column, variable in options.columns:
        if variable == "text":
            return _find(header, column)
    keys = [key(name) for name in header]
    return next((keys.index(a) for a in _ALIASES["text"] if a in keys), None)


def _plan(header: list[str], options: SheetOptions, path: Path) -> _Plan:
    if len(header) > MAX_COLUMNS:
        raise BadFileError(
            path, f"has {len(header):,} columns, more than {MAX_COLUMNS} a sheet may"
        )
    plan = _Plan()
    listed = ", ".join(f"'{h}'" for h in header[:12] if h) + (", …" if len(header) > 12 else "")
    if options.text_column is not None and _find(header, options.text_column) is None:
        raise BadFileError(
            path, f"has no column '{options.text_column}' (--text-column); its columns: {listed}"
        )
    text = _text_column(header, options)
    if text is None:
        names = ", ".join(COLUMN_NAMES["text"])
        raise BadFileError(
            path,
            f"no column holds the article text (looked for {names}); its columns: "
            f"{listed or 'none'}; name the text column with --text-column",
        )
    plan.variables[text] = "text"
    for column, variable in options.columns:
        index = _find(header, column)
        if index is None:
            plan.problems.append(f"no column '{column}' (--column {column}={variable})")
        elif variable != "text" and index not in plan.variables:
            plan.variables[index] = variable.strip()
    taken = set(plan.variables.values())
    keys = [key(name) for name in header]
    for variable, aliases in _ALIASES.items():
        if variable in taken:
            continue
        for alias in aliases:
            found = [i for i, k in enumerate(keys) if k == alias and i not in plan.variables]
            if found:
                plan.variables[found[0]] = variable
                taken.add(variable)
                break
    for index, name in enumerate(header):
        if index in plan.variables:
            continue
        if not name:
            plan.problems.append(f"column {index + 1} has no name: left out")
            continue
        try:
            variable, declared = column_variable(path, name)
        except BadFileError as error:
            plan.problems.append(f"{error.problem}: left out")
            continue
        if variable in taken or variable in RESERVED:
            plan.problems.append(
                f"column '{name}' left out: the variable '{variable}' comes from another column"
                if variable in taken
                else f"column '{name}' left out: '{variable}' is set by the import itself"
            )
            continue
        plan.variables[index] = variable
        taken.add(variable)
        if declared is not None:
            plan.declared[variable] = declared
    return plan


# -- rows to articles -------------------------------------------------------------------------


def _articles(
    rows: Iterable[tuple[str, list[str]]], header: list[str], plan: _Plan, path: Path, kind: str
) -> Sheet:
    """Articles from rows given as (where, cells): ``where`` names the row in messages."""
    problems = list(plan.problems)
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
    types = _types(fields_list, columns, plan)
    articles: list[NewsArticle] = []
    for position, (where, body, values) in enumerate(fields_list, start=1):
        fields = _typed(values, types, where, problems)
        title = " ".join(fields.get("title", "").split())
        shown = title if title and not body.startswith(title) else ""
        articles.append(NewsArticle(shown, body, fields, position))
        if "date_text" in fields:
            types["date_text"] = VariableType.TEXT
    if not articles:
        raise BadFileError(
            path, f"holds no article: no {kind} has text in its column '{header[text_index]}'"
        )
    if len(problems) > MAX_PROBLEMS:
        problems[MAX_PROBLEMS:] = [f"… and {len(problems) - MAX_PROBLEMS:,} more problems"]
    news = NewsFile(DATABASE, _format(path, kind), tuple(articles), tuple(problems))
    return Sheet(news, types)


def _types(
    rows: list[tuple[str, str, dict[str, str]]], columns: list[tuple[int, str]], plan: _Plan
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
    values: dict[str, str], types: dict[str, VariableType], where: str, problems: list[str]
) -> dict[str, str]:
    """The row's values as the variables' types want them; a date that cannot be read is
    kept under ``date_text``, a declared type a value does not fit is reported."""
    fields: dict[str, str] = {}
    for variable, value in values.items():
        if types.get(variable) is VariableType.DATE:
            parsed = parse_date(value)
            if parsed is None:
                fields["date_text" if variable == "date" else variable] = value
                if variable == "date":
                    problems.append(f"{where}: '{_clip(value)}' is not a date; kept as date_text")
                else:
                    problems.append(f"{where}: {variable} '{_clip(value)}' is not a date")
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
    text = _decode(data, path)
    first = text.lstrip(" \t\r\n").split("\n", 1)[0]
    if first.startswith("{"):
        return _read_json_lines(text, options, path)
    delimiter = _delimiter(first, name) or ","
    sheet = _read_rows(_csv_rows(text, delimiter, path), options, path, "row")
    kind = "TSV" if delimiter == "\t" else "CSV"
    return Sheet(_retitled(sheet.file, f"article sheet ({kind})"), sheet.types)


def _retitled(news: NewsFile, format_name: str) -> NewsFile:
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
    plan = _plan(header, options, path)
    body = ((f"row {number}", cells) for number, cells in rows if any(c.strip() for c in cells))
    return _articles(body, header, plan, path, kind)


def _workbook(data: bytes, path: Path) -> Iterator[tuple[int, list[str]]]:
    yield from workbook_rows(data, path)


def _decode(data: bytes, path: Path) -> str:
    """A CSV's or JSON Lines' text: UTF-8 or UTF-16 with a byte-order mark (Excel's "Unicode
    text"), else detected as a plain article's encoding is (refused when unclear)."""
    from annotator.io.encoding import decode_text

    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec).replace("\r\n", "\n")
            except UnicodeDecodeError:
                raise BadFileError(path, "is not valid UTF-16 text (a broken encoding)") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text, _ = decode_text(data, path)
    if "\x00" in text:
        raise BadFileError(path, "holds NUL characters: it is a binary file, not a sheet")
    return text


def _csv_rows(text: str, delimiter: str, path: Path) -> Iterator[tuple[int, list[str]]]:
    """Records with their row number as a spreadsheet shows it (the header is row 1)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 0
    try:
        for record in reader:
            number += 1
            yield number, record
    except csv.Error as error:
        raise BadFileError(
            path, f"broken CSV in row {number + 1} (line {reader.line_num}): {error}"
        ) from None


def _read_json_lines(text: str, options: SheetOptions, path: Path) -> Sheet:
    header: list[str] = []
    known: dict[str, int] = {}
    rows: list[tuple[str, list[str]]] = []
    problems: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
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
    if not header:
        raise BadFileError(path, "holds no JSON object")
    plan = _plan(header, options, path)
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


def _recognises(data: bytes, name: str) -> bool:
    try:
        return recognises(data, name)
    except UserError:
        return False


READER = Reader("article sheet", _recognises, _read)
