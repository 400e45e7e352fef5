"""Drift (agreement window by window) as plain text for the terminal, a tidy CSV (one row per
window and measure) and a self-contained HTML page."""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import IO

from annotator.agreement.drift import Drift, Track
from annotator.agreement.labels import NOT_APPLIED
from annotator.io.agreement_files import LEVEL_NAMES, STYLE, UNIT_NAMES
from annotator.io.csvfiles import write_csv

PERIOD_NAMES = {"month": "month", "quarter": "quarter", "week": "ISO week", "batch": "batch"}
CSV_COLUMNS = (
    "window",
    "first",
    "last",
    "articles",
    "level",
    "scope",
    "name",
    "units",
    "krippendorff_alpha",
    "alpha_ci95_low",
    "alpha_ci95_high",
    "percent_agreement",
    "cohen_kappa",
    "kappa_measure",
    "applied",
    "note",
)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def csv_rows(drift: Drift) -> Iterable[list[object]]:
    """Tidy rows: one per window and measure, windows in time order."""
    for item in drift.windows:
        window = item.window
        for m in item.report.measures:
            low, high = m.alpha_ci95 if m.alpha_ci95 else (None, None)
            yield [
                window.label,
                window.first,
                window.last,
                len(window.documents),
                m.level,
                m.scope,
                m.name,
                m.units,
                _round(m.krippendorff_alpha),
                _round(low),
                _round(high),
                _round(m.percent_agreement),
                _round(m.cohen_kappa),
                m.kappa_measure,
                int(m.applied),
                m.note,
            ]


def write_drift_csv(handle: IO[str], drift: Drift, *, safe: bool = True) -> int:
    """One row per window and measure; numbers to six decimals, empty where undefined."""
    return write_csv(handle, CSV_COLUMNS, csv_rows(drift), safe=safe)


def heading(drift: Drift) -> str:
    """One line: by what, which coders, how many articles in how many windows, what time is."""
    articles = sum(len(w.window.documents) for w in drift.windows)
    undated = f"; {drift.undated} articles without a time are left out" if drift.undated else ""
    return (
        f"Drift by {PERIOD_NAMES.get(drift.period, drift.period)}: coders "
        f"{', '.join(drift.coders)}; {_articles(articles)} compared in {len(drift.windows)} "
        f"windows{undated}. Times are UTC; {drift.time_basis}."
        + "".join(f" Note: {note.rstrip('.')}." for note in drift.notes)
    )


def _alpha(value: float | None, low: float | None, high: float | None) -> str:
    if value is None:
        return "—"
    interval = f" [{low:.2f}, {high:.2f}]" if low is not None and high is not None else ""
    return f"{value:.3f}{interval}"


def _articles(count: int) -> str:
    return f"{count:,} article" + ("" if count == 1 else "s")


def _alpha_note(note: str) -> str:
    """The parts of a measure's note about α (its value or its interval): the table shows
    no other figure."""
    return "; ".join(part for part in note.split("; ") if "α" in part)


def _track_name(track: Track) -> str:
    if track.scope == "code" and track.path:
        return " > ".join(track.path)
    return track.name


def text_table(drift: Drift) -> str:
    """Level by level, each measure (all codes, dimensions, codes) with one line per window:
    articles, N (the level's units), α and its 95 % interval ('—' where undefined, with the
    number of the note saying why), then the notes."""
    lines = [heading(drift)]
    number: dict[str, int] = {}  # each note's number, in the order the rows first give it
    if not drift.windows:
        lines.append("No article compared has a time: there is nothing to follow over time.")
        return "\n".join(lines)
    width = max(7, *(len(w.window.label) for w in drift.windows))
    for level in drift.levels:
        lines += [
            "",
            f"{LEVEL_NAMES[level]} (N = {UNIT_NAMES[level]})",
            f"  {'window':{width}} {'articles':>8} {'N':>9}  α [95 % interval]",
        ]
        for track in drift.tracks(level):
            lines.append(_track_name(track))
            for item, m in zip(drift.windows, track.measures, strict=True):
                label = f"  {item.window.label:{width}} {len(item.window.documents):>8,}"
                if m is None:
                    lines.append(f"{label} {'':>9}  —")
                elif not m.applied:
                    lines.append(f"{label} {m.units:>9,}  {NOT_APPLIED}")
                else:
                    low, high = m.alpha_ci95 if m.alpha_ci95 else (None, None)
                    mark = ""
                    note = _alpha_note(m.note)
                    if note and (m.krippendorff_alpha is None or m.alpha_ci95 is None):
                        mark = f"  ({number.setdefault(note, len(number) + 1)})"
                    lines.append(
                        f"{label} {m.units:>9,}  {_alpha(m.krippendorff_alpha, low, high)}{mark}"
                    )
    if number:
        lines += ["", "Notes (why α or its interval is missing):"]
        lines += [f"  ({k}) {note}" for note, k in number.items()]
    return "\n".join(lines)


def drift_html(drift: Drift, *, title: str = "Agreement over time") -> str:
    """A page to keep: per level, one row per measure and a column per window holding α, its
    interval and N. No scripts, no external files."""
    sections = [
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{html.escape(heading(drift))} Made "
        f"{datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} by annotator.</p>",
        f"<p class='methods'><b>For the methods section:</b> {html.escape(drift.methods)}</p>",
    ]
    windows = "".join(
        f"<th>{html.escape(w.window.label)}<br><small>{_articles(len(w.window.documents))}"
        "</small></th>"
        for w in drift.windows
    )
    for level in drift.levels:
        body = []
        for track in drift.tracks(level):
            cells = []
            for m in track.measures:
                if m is None:
                    cells.append("<td>—</td>")
                elif not m.applied:
                    cells.append(f"<td class='unused'>{NOT_APPLIED}</td>")
                else:
                    low, high = m.alpha_ci95 if m.alpha_ci95 else (None, None)
                    cells.append(
                        f"<td>{html.escape(_alpha(m.krippendorff_alpha, low, high))}"
                        f"<br><small>N = {m.units:,}</small></td>"
                    )
            body.append(
                f"<tr class='{track.scope}'><td>{html.escape(_track_name(track))}</td>"
                + "".join(cells)
                + "</tr>"
            )
        sections.append(
            f"<table><caption>{html.escape(LEVEL_NAMES[level])}: Krippendorff's α [95 % "
            f"interval], N = {UNIT_NAMES[level]}</caption><thead><tr><th></th>{windows}</tr>"
            f"</thead><tbody>{''.join(body)}</tbody></table>"
        )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
        + "\n".join(sections)
        + "</body></html>\n"
    )
