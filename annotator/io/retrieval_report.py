"""Coded passages written out: a tidy CSV (one passage a row) and a readable report to quote
in a paper or hand to a co-author (HTML, Markdown, Word). Plain values in; the caller opens
the file through the one output writer (:mod:`annotator.io.output`)."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO

from annotator.io.csvfiles import write_csv

FIXED_COLUMNS = (
    "document",
    "coder",
    "code",
    "start",
    "end",
    "text",
    "memo",
    "run_id",
    "confidence",
    "assisted",
)
WHOLE_ARTICLE = "(the whole article)"


@dataclass(frozen=True)
class ReportRow:
    """One passage as exports write it; ``start``/``end`` ``None`` for a whole article."""

    document: str
    variables: Mapping[str, str]
    coder: str
    code: str
    start: int | None
    end: int | None
    text: str
    memo: str
    #: Provenance from a machine run: its GUID ('' for none), the machine's confidence, and
    #: whether the coding was accepted from a machine suggestion.
    run_id: str = ""
    confidence: float | None = None
    assisted: bool = False


def csv_header(variables: Sequence[str]) -> list[str]:
    """Columns of the tidy CSV: the article, its variables (renamed when a name is taken by a
    fixed column), the coder, the code path, the offsets, the text, the memo and the
    provenance from a machine run (run, confidence, accepted from a suggestion)."""
    named = [f"{v} (variable)" if v in FIXED_COLUMNS else v for v in variables]
    return [
        "document",
        *named,
        "coder",
        "code",
        "start",
        "end",
        "text",
        "memo",
        "run_id",
        "confidence",
        "assisted",
    ]


def write_passages_csv(handle: IO[str], variables: Sequence[str], rows: Sequence[ReportRow]) -> int:
    """The tidy CSV; returns the number of passages written."""
    return write_csv(
        handle,
        csv_header(variables),
        (
            [
                row.document,
                *(row.variables.get(v, "") for v in variables),
                row.coder,
                row.code,
                row.start,
                row.end,
                row.text,
                row.memo,
                row.run_id,
                row.confidence,
                int(row.assisted),
            ]
            for row in rows
        ),
    )


def _meta(row: ReportRow) -> list[str]:
    """The passage's article variables that have a value, then code and coder."""
    parts = [f"{name}: {value}" for name, value in row.variables.items() if value]
    return [*parts, f"code: {row.code}", f"coder: {row.coder}"]


def _where(row: ReportRow) -> str:
    return "" if row.start is None else f" (characters {row.start}–{row.end})"


def html_report(title: str, description: str, rows: Sequence[ReportRow]) -> str:
    """A self-contained HTML page: the search, then each passage quoted with its article."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html><head><meta charset="utf-8">',
        f"<title>{e(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:46em;margin:2em auto;line-height:1.45}"
        "blockquote{border-left:3px solid #999;margin:.4em 0 .4em 0;padding:.1em 1em;"
        "white-space:pre-wrap}.meta{color:#555;font-size:.9em;margin:0}"
        ".memo{font-style:italic}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f"<p>{e(description)} {len(rows)} passage{'s' * (len(rows) != 1)}.</p>",
    ]
    for number, row in enumerate(rows, 1):
        parts.append(f"<h2>{number}. {e(row.document)}{e(_where(row))}</h2>")
        parts.append(f'<p class="meta">{e(" · ".join(_meta(row)))}</p>')
        parts.append(f"<blockquote>{e(row.text or WHOLE_ARTICLE)}</blockquote>")
        if row.memo:
            parts.append(f'<p class="memo">Memo: {e(row.memo)}</p>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


# Characters that make Markdown markup anywhere, and those that do so only starting a line.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<])")
_MARKDOWN_LINE_START = re.compile(r"^(\s*)([#>+|-]|\d+(?=[.)]))")


def _md(text: str) -> str:
    """Text Markdown shows as written (its markup characters escaped, no more: a code path
    ``Motive > Family`` stays readable in the file itself)."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return _MARKDOWN_LINE_START.sub(lambda m: _line_start(m[1], m[2]), escaped)


def _line_start(space: str, mark: str) -> str:
    """A list number keeps its digits and has its dot escaped; a sign is escaped itself."""
    return f"{space}{mark}\\" if mark.isdigit() else f"{space}\\{mark}"


def markdown_report(title: str, description: str, rows: Sequence[ReportRow]) -> str:
    """The same report in Markdown: a heading per passage, the passage as a block quote."""
    lines = [
        f"# {_md(title)}",
        "",
        f"{_md(description)} {len(rows)} passage{'s' * (len(rows) != 1)}.",
        "",
    ]
    for number, row in enumerate(rows, 1):
        lines += [
            f"## {number}. {_md(row.document)}{_where(row)}",
            "",
            _md(" · ".join(_meta(row))),
            "",
        ]
        quoted = (row.text or WHOLE_ARTICLE).splitlines() or [""]
        lines += [f"> {_md(line)}".rstrip() for line in quoted]
        lines.append("")
        if row.memo:
            lines += [f"*Memo:* {_md(row.memo)}", ""]
    return "\n".join(lines)


def docx_report(title: str, description: str, rows: Sequence[ReportRow]) -> bytes:
    """The same report as a Word document (python-docx, a dependency of annotator)."""
    import docx

    document = docx.Document()
    document.add_heading(_xml_safe(title), level=1)
    document.add_paragraph(_xml_safe(f"{description} {len(rows)} passage{'s' * (len(rows) != 1)}."))
    for number, row in enumerate(rows, 1):
        document.add_heading(_xml_safe(f"{number}. {row.document}{_where(row)}"), level=2)
        document.add_paragraph(_xml_safe(" · ".join(_meta(row))))
        document.add_paragraph(_xml_safe(row.text or WHOLE_ARTICLE), style="Quote")
        if row.memo:
            document.add_paragraph().add_run(f"Memo: {_xml_safe(row.memo)}").italic = True
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    """Word's XML cannot hold control characters an article may carry: they are dropped."""
    return _XML_INVALID.sub("", text)
