"""The pairs tables and the training report as CSV, HTML and terminal text.

They are written from the reports' ``as_dict()`` (the JSON the command line prints), so this
module needs nothing above ``io/``: see :mod:`annotator.services.agreement_pairs` and
:mod:`annotator.services.training` for what the fields mean."""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import IO, Any

from annotator.agreement.labels import NOT_APPLIED
from annotator.io.agreement_files import LEVEL_NAMES, STYLE, UNIT_NAMES
from annotator.io.csvfiles import write_csv

PAIR_COLUMNS = (
    "level",
    "scope",
    "name",
    "coder_a",
    "coder_b",
    "units",
    "percent_agreement",
    "cohen_kappa",
    "krippendorff_alpha",
    "alpha_ci95_low",
    "alpha_ci95_high",
    "gwet_ac1",
    "note",
)
CODER_COLUMNS = (
    "level",
    "scope",
    "name",
    "coder",
    "mean_pairwise_alpha",
    "mean_pairwise_kappa",
    "mean_pairwise_percent_agreement",
    "pairs_with_alpha",
    "alpha_without_coder",
    "units_without_coder",
    "alpha_all_coders",
    "alpha_change_without_coder",
    "lowest_mean_alpha",
)
PASSAGE_COLUMNS = ("kind", "code", "document_id", "document", "start", "end", "text")
EXTRA_STYLE = """
.lowest { background: #fde2e1; font-weight: bold; }
blockquote { margin: .2em 0 .8em 1.2em; padding: .2em .6em; border-left: 3px solid #ccd;
             color: #222; }
.where { color: #555; font-size: 90%; }
td.diagonal { background: #e3f4e1; }
"""


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def pair_rows(data: dict[str, Any]) -> Iterable[list[object]]:
    for pair in data["pairs"]:
        first, second = pair["coders"]
        for m in pair["measures"]:
            low, high = m["alpha_ci95"] or (None, None)
            yield [
                m["level"],
                m["scope"],
                m["name"],
                first,
                second,
                m["units"],
                _round(m["percent_agreement"]),
                _round(m["cohen_kappa"]),
                _round(m["krippendorff_alpha"]),
                _round(low),
                _round(high),
                _round(m["gwet_ac1"]),
                m["note"],
            ]


def coder_rows(data: dict[str, Any]) -> Iterable[list[object]]:
    for row in data["per_coder"]:
        yield [
            _round(row[c]) if isinstance(row[c], float) else row[c]
            for c in CODER_COLUMNS
            if c != "lowest_mean_alpha"
        ] + [int(row["lowest_mean_alpha"])]


def write_pairs_csv(handle: IO[str], data: dict[str, Any], *, safe: bool = True) -> int:
    """One row per (pair of coders, measure): long, tidy for R."""
    return write_csv(handle, PAIR_COLUMNS, pair_rows(data), safe=safe)


def write_coders_csv(handle: IO[str], data: dict[str, Any], *, safe: bool = True) -> int:
    """One row per (coder, measure): the coder against the others."""
    return write_csv(handle, CODER_COLUMNS, coder_rows(data), safe=safe)


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _keys(data: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(m["level"], m["scope"], m["name"]) for m in data["all_coders"]]


def _index(measures: list[dict[str, Any]]) -> dict[tuple[str, str, str], dict[str, Any]]:
    return {(m["level"], m["scope"], m["name"]): m for m in measures}


def pairs_text(data: dict[str, Any]) -> str:
    """Per level: α of each pair (columns) for each code and dimension (rows), then each
    coder's mean pairwise α and α of the others without them; * marks the lowest."""
    pairs = [(f"{p['coders'][0]}–{p['coders'][1]}", _index(p["measures"])) for p in data["pairs"]]
    coders = data["coders"]
    per_coder = {(r["level"], r["scope"], r["name"], r["coder"]): r for r in data["per_coder"]}
    lines = [f"Coders: {', '.join(coders)}; articles compared: {data['documents']}."]
    for level, title in LEVEL_NAMES.items():
        keys = [k for k in _keys(data) if k[0] == level]
        if not keys:
            continue
        width = max(len(k[2]) for k in keys) + 2
        lines += ["", f"{title}: Krippendorff's α of each pair (Cohen's κ in the JSON and CSV)"]
        lines.append(" " * width + "".join(f"{name:>14}" for name, _ in pairs))
        for key in keys:
            cells = []
            for _, index in pairs:
                found = index.get(key)
                cells.append(f"{_number(found['krippendorff_alpha'] if found else None):>14}")
            lines.append(f"{key[2]:<{width}}" + "".join(cells))
        lines += ["", f"{title}: each coder, mean pairwise α / α of the others without them"]
        lines.append(" " * width + "".join(f"{c:>20}" for c in coders))
        for key in keys:
            cells = []
            for coder in coders:
                row = per_coder.get((*key, coder))
                text = (
                    f"{_number(row['mean_pairwise_alpha'])}"
                    f"{'*' if row['lowest_mean_alpha'] else ' '}"
                    f"/ {_number(row['alpha_without_coder'])}"
                    if row
                    else "—"
                )
                cells.append(f"{text:>20}")
            lines.append(f"{key[2]:<{width}}" + "".join(cells))
    lines += ["", "* the lowest mean pairwise α of the row: the coder who deviates most."]
    return "\n".join(lines)


def pairs_html(data: dict[str, Any], *, title: str = "Agreement of each pair of coders") -> str:
    """Per level and measure (α, Cohen's κ): rows pairs, columns codes and dimensions; then
    per level each coder against the others, the lowest mean pairwise α marked."""
    sections = [
        f"<h1>{html.escape(title)}</h1>",
        f"<p>Coders: {html.escape(', '.join(data['coders']))}. Articles compared: "
        f"{data['documents']}. Made {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} by "
        "annotator. Each pair's figures are the agreement of the two coders alone.</p>",
    ]
    for level, level_title in LEVEL_NAMES.items():
        keys = [k for k in _keys(data) if k[0] == level]
        if not keys:
            continue
        sections.append(f"<h2>{html.escape(level_title)}</h2>")
        head = "".join(f"<th>{html.escape(k[2])}</th>" for k in keys)
        for field, name in (
            ("krippendorff_alpha", "Krippendorff's α"),
            ("cohen_kappa", "Cohen's κ"),
            ("percent_agreement", "Percent agreement"),
        ):
            body = []
            for pair in data["pairs"]:
                index = _index(pair["measures"])
                cells = []
                for key in keys:
                    m = index.get(key)
                    value = _number(m[field] if m else None)
                    if m and field == "krippendorff_alpha" and m["alpha_ci95"]:
                        low, high = m["alpha_ci95"]
                        value += f"<br><small>[{low:.3f}, {high:.3f}]</small>"
                    units = f"<br><small>N {m['units']:,}</small>" if m else ""
                    cells.append(f"<td>{value}{units if field != 'cohen_kappa' else ''}</td>")
                who = html.escape(" – ".join(pair["coders"]))
                body.append(f"<tr><th>{who}</th>{''.join(cells)}</tr>")
            sections.append(
                f"<table><caption>{name} ({UNIT_NAMES[level]})</caption><thead><tr><th>Pair</th>"
                f"{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
            )
        sections.append(_coder_table(data, level, keys))
    sections.append(
        "<h2>Definitions</h2><dl>"
        + "".join(
            f"<dt>{html.escape(t)}</dt><dd>{html.escape(d)}</dd>"
            for t, d in data["definitions"].items()
        )
        + "</dl>"
    )
    return _page(title, sections)


def _coder_table(data: dict[str, Any], level: str, keys: list[tuple[str, str, str]]) -> str:
    rows = {(r["level"], r["scope"], r["name"], r["coder"]): r for r in data["per_coder"]}
    head = "".join(
        f"<th>{html.escape(c)}: mean α</th><th>α without {html.escape(c)}</th>"
        for c in data["coders"]
    )
    body = []
    for key in keys:
        cells = []
        alpha_all = None
        for coder in data["coders"]:
            row = rows.get((*key, coder))
            if row is None:
                cells.append("<td>—</td><td>—</td>")
                continue
            alpha_all = row["alpha_all_coders"]
            mark = " class='lowest'" if row["lowest_mean_alpha"] else ""
            cells.append(
                f"<td{mark}>{_number(row['mean_pairwise_alpha'])}</td>"
                f"<td>{_number(row['alpha_without_coder'])}</td>"
            )
        body.append(
            f"<tr><th>{html.escape(key[2])}</th><td>{_number(alpha_all)}</td>{''.join(cells)}</tr>"
        )
    return (
        "<table><caption>Each coder against the others (marked: the lowest mean pairwise α)"
        f"</caption><thead><tr><th></th><th>α, all coders</th>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _page(title: str, sections: list[str]) -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{STYLE}{EXTRA_STYLE}</style></head><body>"
        + "\n".join(sections)
        + "</body></html>\n"
    )


# -- the training report --------------------------------------------------------------------


def write_passages_csv(handle: IO[str], data: dict[str, Any], *, safe: bool = True) -> int:
    """The passages missed and added, one row each."""
    rows = ([p[c] for c in PASSAGE_COLUMNS] for p in data["missed"] + data["added"])
    return write_csv(handle, PASSAGE_COLUMNS, rows, safe=safe)


def _summary(data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The rows of the agreement at article and character level (where α and κ are)."""
    return [
        (LEVEL_NAMES[m["level"]], m)
        for m in data["agreement"]["measures"]
        if m["level"] in ("document", "character")
    ]


def training_text(data: dict[str, Any]) -> str:
    trainee, reference = data["trainee"], data["reference"]
    lines = [
        f"{trainee} (trainee) against {reference} (reference): {data['documents']} articles.",
        "",
    ]
    for level, m in _summary(data):
        if not m["applied"]:  # agreement 1 by definition says nothing: as `agreement` shows it
            lines.append(f"{level}, {m['name']}: {NOT_APPLIED} (N {m['units']:,})")
            continue
        lines.append(
            f"{level}, {m['name']}: α {_number(m['krippendorff_alpha'])}, κ "
            f"{_number(m['cohen_kappa'])}, agreement {_number(m['percent_agreement'])} "
            f"(N {m['units']:,})"
        )
    for c in data["article_confusion_matrices"]:
        # Columns by number, rows by number and name: no name is cut short.
        names = [f"({i}) {label}" for i, label in enumerate(c["labels"], start=1)]
        width = max(len(name) for name in names) + 2
        cell = max(len(f"({len(names)})"), *(len(str(n)) for row in c["counts"] for n in row)) + 2
        lines += ["", f"{c['dimension']}: articles, {reference} (rows) × {trainee} (columns)"]
        lines.append(" " * width + "".join(f"{f'({i})':>{cell}}" for i in range(1, len(names) + 1)))
        for name, counts in zip(names, c["counts"], strict=True):
            lines.append(f"{name:<{width}}" + "".join(f"{n:>{cell}}" for n in counts))
    for kind, title in (("missed", "Missed"), ("added", "Added")):
        lines += ["", f"{title} ({len(data[kind])}):"]
        for p in data[kind]:
            lines.append(f"  {p['code']} — {p['document']}: {p['text']}")
    return "\n".join(lines)


def training_summary_html(data: dict[str, Any]) -> str:
    """The figures and the confusion matrices of the training report, as HTML (escaped)."""
    trainee, reference = html.escape(data["trainee"]), html.escape(data["reference"])
    sections = [
        "<h2>Agreement</h2><table><thead><tr><th>Level</th><th></th><th>N</th>"
        "<th>Agreement</th><th>Cohen's κ</th><th>Krippendorff's α</th><th>α 95 % CI</th>"
        "</tr></thead><tbody>",
    ]
    for level, m in _summary(data):
        interval = (
            f"[{m['alpha_ci95'][0]:.3f}, {m['alpha_ci95'][1]:.3f}]" if m["alpha_ci95"] else "—"
        )
        figures = (
            f"<td>{_number(m['percent_agreement'])}</td><td>{_number(m['cohen_kappa'])}</td>"
            f"<td>{_number(m['krippendorff_alpha'])}</td><td>{interval}</td>"
            if m["applied"]
            else f"<td colspan='4' class='unused'>{NOT_APPLIED}</td>"
        )
        sections.append(
            f"<tr><td>{html.escape(level.removesuffix(' level'))}</td>"
            f"<td>{html.escape(m['name'])}</td><td>{m['units']:,}</td>{figures}</tr>"
        )
    sections.append("</tbody></table>")
    if data["article_confusion_matrices"]:
        sections.append("<h2>Which code, article by article (exclusive dimensions)</h2>")
    for c in data["article_confusion_matrices"]:
        head = "".join(f"<th>{html.escape(label)}</th>" for label in c["labels"])
        body = "".join(
            f"<tr><th>{html.escape(label)}</th>"
            + "".join(
                f"<td{' class=diagonal' if i == j else ''}>{n}</td>" for j, n in enumerate(counts)
            )
            + "</tr>"
            for i, (label, counts) in enumerate(zip(c["labels"], c["counts"], strict=True))
        )
        sections.append(
            f"<table><caption>{html.escape(c['dimension'])}: {c['agreeing']} of {c['articles']} "
            f"articles alike — {reference} (rows) × {trainee} (columns)</caption>"
            f"<thead><tr><th></th>{head}</tr></thead><tbody>{body}</tbody></table>"
        )
    return "\n".join(sections)


def training_html(data: dict[str, Any], *, title: str | None = None) -> str:
    """The report a supervisor hands to a coder: figures, confusion matrices, and the
    passages missed and added, quoted. Self-contained; every text escaped."""
    trainee, reference = html.escape(data["trainee"]), html.escape(data["reference"])
    title = title or f"Training report: {data['trainee']} against {data['reference']}"
    sections = [
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{trainee} (trainee) is compared with {reference} (reference) on the "
        f"{data['documents']} articles that count for both. Made "
        f"{datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} by annotator.</p>",
        training_summary_html(data),
    ]
    for kind, heading, explained in (
        ("missed", "Passages missed", f"{reference} coded them; {trainee} did not code them"),
        ("added", "Passages added", f"{trainee} coded them; {reference} did not code them"),
    ):
        passages = data[kind]
        sections.append(
            f"<h2>{heading} ({len(passages)})</h2><p>{explained} with the same code.</p>"
        )
        code = None
        for p in passages:
            if p["code"] != code:
                code = p["code"]
                sections.append(f"<h3>{html.escape(code)}</h3>")
            where = f"characters {p['start']:,}–{p['end']:,}" if p["start"] is not None else ""
            sections.append(
                f"<p class='where'>{html.escape(p['document'])} {where}</p>"
                f"<blockquote>{html.escape(p['text'])}</blockquote>"
            )
    return _page(title, sections)
