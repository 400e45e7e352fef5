"""The agreement report as a CSV table (one row per measure), a self-contained HTML page, and
plain text for the terminal."""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import IO

from annotator.agreement.labels import NOT_APPLIED, coders_note, outline
from annotator.agreement.report import Confusion, Measure, Report
from annotator.io.csvfiles import write_csv

CSV_COLUMNS = (
    "level",
    "scope",
    "name",
    "units",
    "coders",
    "percent_agreement",
    "cohen_kappa",
    "fleiss_kappa",
    "krippendorff_alpha",
    "alpha_ci95_low",
    "alpha_ci95_high",
    "gwet_ac1",
    "positive_agreement",
    "note",
    "kappa_measure",
    "codes_pooled",
    "applied",
)
LEVEL_NAMES = {
    "document": "Article level",
    "character": "Character level",
    "unitizing": "Unitizing (α_U)",
    "segment": "Segment matching",
}
UNIT_NAMES = {
    "document": "articles",
    "character": "characters",
    "unitizing": "characters",
    "segment": "segments",
}


def _number(value: float | None, digits: int = 3) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def csv_rows(report: Report) -> Iterable[list[object]]:
    for m in report.measures:
        low, high = m.alpha_ci95 if m.alpha_ci95 else (None, None)
        yield [
            m.level,
            m.scope,
            m.name,
            m.units,
            ";".join(m.coders),
            *(
                None if v is None else round(v, 6)
                for v in (m.percent_agreement, m.cohen_kappa, m.fleiss_kappa)
            ),
            None if m.krippendorff_alpha is None else round(m.krippendorff_alpha, 6),
            None if low is None else round(low, 6),
            None if high is None else round(high, 6),
            None if m.gwet_ac1 is None else round(m.gwet_ac1, 6),
            None if m.positive_agreement is None else round(m.positive_agreement, 6),
            m.note,
            m.kappa_measure,
            m.codes_pooled,
            int(m.applied),
        ]


def write_report_csv(handle: IO[str], report: Report, *, safe: bool = True) -> int:
    """One row per measure; numbers to six decimals, empty where undefined. ``cohen_kappa``
    holds what ``kappa_measure`` names (Light's κ for three coders or more); ``codes_pooled``
    how many codes a pooled row pools; ``applied`` is 0 for a row nobody applied anything of."""
    return write_csv(handle, CSV_COLUMNS, csv_rows(report), safe=safe)


# -- the terminal ---------------------------------------------------------------------------


def _kappa_header(report: Report) -> tuple[str, str]:
    """The κ column's short and long name, and the line explaining Light's κ."""
    if report.kappa_measure == "Cohen's κ":
        return "κ", ""
    return "Light κ", "κ is Light's κ: the mean of every pair of coders' Cohen's κ."


def text_table(report: Report) -> str:
    """The measures as aligned text, level by level in the codebook's hierarchy (a dimension
    without a row of its own at a level is a heading), each row with the number of its note
    (why a figure is '—', what the units are), then the notes and warnings."""
    kappa, explained = _kappa_header(report)
    counted = "done" if report.counted_by == "done" else "assigned and done"
    lines = [
        f"Coders: {', '.join(report.coders)}; articles compared: {report.documents} "
        f"(an article counts for a coder once {counted})",
    ]
    if explained:
        lines.append(explained)
    number: dict[str, int] = {}  # each note's number, in the order the rows first give it
    header = f"{'':40} {'N':>9} {'agree':>6} {kappa:>7} {'Fleiss':>6} {'α':>6} {'α 95% CI':>15} "
    header += f"{'AC1':>6} {'pos.':>6}"
    for level in LEVEL_NAMES:
        rows = [m for m in report.measures if m.level == level]
        if not rows:
            continue
        lines += ["", f"{LEVEL_NAMES[level]} (N = {UNIT_NAMES[level]})", header]
        for indent, name, m in outline(rows):
            label = "  " * indent + name
            if m is None:
                lines.append(label[:40])
                continue
            who = coders_note(m, report.coders)
            tail = f"  [{who}]" if who else ""
            if m.note:
                number.setdefault(m.note, len(number) + 1)
                tail = f"  ({number[m.note]}){tail}"
            if not m.applied:
                lines.append(f"{label[:40]:40} {m.units:>9,} {NOT_APPLIED:>6}{tail}")
                continue
            interval = f"[{m.alpha_ci95[0]:.2f}, {m.alpha_ci95[1]:.2f}]" if m.alpha_ci95 else "—"
            cells = [
                _number(m.percent_agreement) or "—",
                _number(m.cohen_kappa) or "—",
                _number(m.fleiss_kappa) or "—",
                _number(m.krippendorff_alpha) or "—",
            ]
            lines.append(
                f"{label[:40]:40} {m.units:>9,} {cells[0]:>6} {cells[1]:>7} {cells[2]:>6} "
                f"{cells[3]:>6} {interval:>15} {_number(m.gwet_ac1) or '—':>6} "
                f"{_number(m.positive_agreement) or '—':>6}{tail}"
            )
    if number:
        lines += ["", "Notes (why a figure is '—' or 'not applied', what the units are):"]
        lines += [f"  ({k}) {note}" for note, k in number.items()]
    if report.warnings:
        lines += ["", "Warnings:"] + [f"  {warning}" for warning in report.warnings]
    return "\n".join(lines)


# -- the HTML page --------------------------------------------------------------------------

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
table { border-collapse: collapse; margin: .5em 0 1em; }
th, td { padding: .25em .6em; border-bottom: 1px solid #ddd; text-align: right; }
td { white-space: nowrap; } td:first-child { white-space: normal; }
th:first-child, td:first-child { text-align: left; }
thead th { border-bottom: 2px solid #444; }
td.note { text-align: left; color: #666; font-size: .9em; }
tr.heading td { font-style: italic; color: #555; }
td.unused { text-align: center; color: #777; font-style: italic; }
.warning { background: #fff4d6; border-left: 4px solid #e0a800; padding: .5em .8em; }
caption { text-align: left; font-weight: bold; padding-bottom: .3em; }
dl dt { font-weight: bold; } dl dd { margin: 0 0 .6em 1.2em; }
"""


def _cell(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _measure_row(m: Measure | None, name: str, indent: int, number: dict[str, int]) -> str:
    style = f" style='padding-left: {0.6 + 1.2 * indent:.1f}em'" if indent else ""
    if m is None:  # a dimension without a row of its own at this level
        return f"<tr class='heading'><td{style}>{html.escape(name)}</td></tr>"
    mark = ""
    if m.note:
        number.setdefault(m.note, len(number) + 1)
        mark = f"<sup>{number[m.note]}</sup>"
    first = f"<td{style}>{html.escape(name)}{mark}</td>"
    who = html.escape(", ".join(m.coders)) or "—"
    kind = "code" if m.scope == "code" else m.scope
    if not m.applied:
        return (
            f"<tr class='{kind} unused'>{first}<td>{m.units:,}</td>"
            f"<td colspan='7' class='unused'>{NOT_APPLIED}</td><td>{who}</td></tr>"
        )
    interval = f"[{m.alpha_ci95[0]:.3f}, {m.alpha_ci95[1]:.3f}]" if m.alpha_ci95 else "—"
    cells = [
        f"{m.units:,}",
        _cell(m.percent_agreement),
        _cell(m.cohen_kappa),
        _cell(m.fleiss_kappa),
        _cell(m.krippendorff_alpha),
        interval,
        _cell(m.gwet_ac1),
        _cell(m.positive_agreement),
        who,
    ]
    return f"<tr class='{kind}'>{first}" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def _level_table(
    report: Report, level: str, measures: list[Measure], number: dict[str, int]
) -> str:
    kappa = (
        "Cohen's κ"
        if report.kappa_measure == "Cohen's κ"
        else "<abbr title='the mean of every pair of coders&#39; Cohen&#39;s κ'>Light's κ</abbr>"
    )
    head = (
        f"<tr><th></th><th>N ({UNIT_NAMES[level]})</th><th>Agreement</th><th>{kappa}</th>"
        "<th>Fleiss' κ</th><th>Krippendorff's α</th><th>α 95 % CI</th><th>Gwet's AC1</th>"
        "<th>Positive agreement</th><th>Coders</th></tr>"
    )
    body = "".join(_measure_row(m, name, indent, number) for indent, name, m in outline(measures))
    return (
        f"<table><caption>{html.escape(LEVEL_NAMES[level])}</caption><thead>{head}</thead>"
        f"<tbody>{body}</tbody></table>"
    )


def _confusion_table(confusion: Confusion) -> str:
    first, second = confusion.coders
    head = "".join(f"<th>{html.escape(label)}</th>" for label in confusion.labels)
    rows = "".join(
        f"<tr><th>{html.escape(label)}</th>"
        + "".join(f"<td>{count:,}</td>" for count in counts)
        + "</tr>"
        for label, counts in zip(confusion.labels, confusion.counts, strict=True)
    )
    return (
        f"<table><caption>{html.escape(confusion.dimension)}: characters, "
        f"{html.escape(first)} (rows) × {html.escape(second)} (columns)</caption>"
        f"<thead><tr><th></th>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )


def report_html(
    report: Report, *, title: str = "Inter-coder agreement", methods: str | None = None
) -> str:
    """A page to keep with the study: the methods paragraph (if given), methods table,
    per-code rows, confusion matrices, warnings and the definitions used. No scripts, no
    external files."""
    number: dict[str, int] = {}
    summary = [m for m in report.measures if m.scope != "code"]
    counted = "marked done" if report.counted_by == "done" else "assigned and marked done"
    left = "".join(
        f" {html.escape(coder)}: {count} assigned but not done, left out."
        for coder, count in report.left_out
        if count
    )
    sections = [
        f"<h1>{html.escape(title)}</h1>",
        f"<p>Coders: {html.escape(', '.join(report.coders))}. Articles compared (counting for "
        f"two or more coders; an article counts once {counted}): {report.documents}.{left} Made "
        f"{datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} by annotator.</p>",
    ]
    if report.warnings:
        sections.append(
            "<div class='warning'><b>Warnings</b><ul>"
            + "".join(f"<li>{html.escape(w)}</li>" for w in report.warnings)
            + "</ul></div>"
        )
    if methods:
        sections.append("<h2>Methods paragraph</h2>")
        sections.append(f"<p class='methods'>{html.escape(methods)}</p>")
    sections.append("<h2>Summary (for a methods section)</h2>")
    for level in LEVEL_NAMES:
        rows = [m for m in summary if m.level == level]
        if rows:
            sections.append(_level_table(report, level, rows, number))
    sections.append("<h2>Per code</h2>")
    for level in LEVEL_NAMES:
        rows = [m for m in report.measures if m.level == level]
        if rows:
            sections.append(_level_table(report, level, rows, number))
    if report.confusions:
        sections.append("<h2>Confusion matrices (exclusive dimensions)</h2>")
        sections += [_confusion_table(c) for c in report.confusions]
    if number:
        sections.append(
            "<h2>Notes</h2><ol>"
            + "".join(f"<li>{html.escape(note)}</li>" for note in number)
            + "</ol>"
        )
    sections.append(
        "<h2>Definitions</h2><dl>"
        + "".join(
            f"<dt>{html.escape(term)}</dt><dd>{html.escape(text)}</dd>"
            for term, text in report.definitions
        )
        + "</dl>"
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
        + "\n".join(sections)
        + "</body></html>\n"
    )
