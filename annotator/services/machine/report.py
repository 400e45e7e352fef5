"""What a methods section needs to say about a machine coder, from what the project records:
the model and its version, the prompt's hash, the settings, the validation (articles, units,
α with intervals against the humans, the humans' own α, stability, the verdict), the runs
(how many coded without a validation) and the share of the machine's suggestions coders
accepted, edited and rejected.

:func:`machine_report` gathers it (``machine report``, ``--json``); :func:`report_html` lays
it out as a page; :func:`machine_sentences` is the paragraph the agreement report's methods
text gains when a machine coder is among the coders compared.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from annotator import __version__
from annotator.domain.errors import UserError
from annotator.services.machine import classifier
from annotator.services.machine.coders import backend as find_backend
from annotator.services.machine.coders import is_replicate_of
from annotator.services.machine.validate import RELIABLE, TENTATIVE, current_settings
from annotator.storage import Project
from annotator.storage.machine import Backend, ValidationRow

__all__ = ["MachineReport", "machine_report", "machine_sentences", "report_html"]


@dataclass(frozen=True)
class MachineReport:
    """Everything :func:`machine_report` found, and the paragraph made of it."""

    data: dict[str, Any]
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {**self.data, "text": self.text}


def _number(value: float | None) -> str:
    """``.812`` (APA style, three decimals), or "undefined"."""
    if value is None:
        return "undefined"
    text = f"{value:.3f}"
    return text.replace("0.", ".", 1) if abs(value) < 1 else text


def _model_part(project: Project, machine: Backend) -> dict[str, Any]:
    if machine.kind != classifier.CLASSIFIER:
        return {
            "kind": machine.kind,
            "model": machine.model,
            "url": machine.url,
            "allow_remote": machine.allow_remote,
            "remote_consent": machine.remote_consent,
        }
    row = project.machine.latest_model(machine.id)
    if row is None:
        return {"kind": machine.kind, "trained": False}
    coder = (
        project.coders.get(row.trained_from_coder_id).name
        if row.trained_from_coder_id is not None
        else None
    )
    return {
        "kind": machine.kind,
        "trained": True,
        "model": "annotator-classifier",
        "format": row.format,
        "model_sha256": row.sha256,
        "trained_at": row.trained_at,
        "trained_from": coder,
        "trained_articles": len(row.trained_document_ids),
        "cross_validation": row.cv,
    }


def _runs_part(project: Project, machine: Backend) -> dict[str, Any]:
    runs = project.machine.runs(machine.id)
    unvalidated = [r for r in runs if r.unvalidated]
    latest = runs[-1] if runs else None
    return {
        "runs": len(runs),
        "unvalidated_runs": [r.guid for r in unvalidated],
        "articles_coded": sum(r.counts.get("articles_done", 0) for r in runs),
        "latest_run": None
        if latest is None
        else {
            "guid": latest.guid,
            "model": latest.model,
            "model_version": latest.model_version,
            "prompt_sha256": latest.prompt_sha256,
            "codebook_version": latest.codebook_version,
            "codebook_hash": latest.codebook_hash,
            "settings": latest.settings,
            "app_version": latest.app_version,
            "started_at": latest.started_at,
        },
    }


def _suggestions_part(project: Project, machine: Backend) -> dict[str, Any]:
    runs = [r.id for r in project.machine.runs(machine.id)]
    counts = project.machine.decision_counts(runs) if runs else {}
    total = sum(counts.values())
    return {
        **counts,
        "decided": total,
        "shares": {k: (v / total if total else None) for k, v in counts.items()},
    }


def _validation_part(
    project: Project, machine: Backend
) -> tuple[dict[str, Any] | None, ValidationRow | None, bool]:
    """The newest validation of the current settings (or, failing that, the newest of any,
    flagged as of other settings)."""
    try:
        sha = current_settings(project, machine).sha256
    except UserError:
        sha = None
    every = project.machine.validations(machine.id)
    same = [v for v in every if v.settings_sha256 == sha]
    chosen = same[-1] if same else (every[-1] if every else None)
    if chosen is None:
        return None, None, False
    current = bool(same)
    articles = max((r.get("n_articles", 0) for r in chosen.result), default=0)
    return (
        {
            "validation": chosen.guid,
            "created_at": chosen.created_at,
            "against": chosen.against,
            "level": chosen.level,
            "articles": articles,
            "excluded_trained": chosen.excluded_trained,
            "settings_sha256": chosen.settings_sha256,
            "of_current_settings": current,
            "rows": chosen.result,
        },
        chosen,
        current,
    )


def machine_report(project: Project, name: str) -> MachineReport:
    """The report of the machine ``name``."""
    machine = find_backend(project, name)
    data: dict[str, Any] = {
        "machine": machine.name,
        "app_version": __version__,
        "settings": machine.settings,
        **{"model": _model_part(project, machine)},
    }
    try:
        current = current_settings(project, machine)
        data["settings_sha256"] = current.sha256
        data["prompt_sha256"] = current.description.get("prompt_sha256")
        data["model_version"] = current.description.get("model_version")
    except UserError as problem:
        data["settings_sha256"] = None
        data["prompt_sha256"] = None
        data["model_version"] = None
        data["settings_problem"] = str(problem)
    validation, _, _ = _validation_part(project, machine)
    data["validation"] = validation
    data.update(_runs_part(project, machine))
    data["suggestions"] = _suggestions_part(project, machine)
    return MachineReport(data, " ".join(_sentences(data)))


def _what(data: dict[str, Any]) -> str:
    model = data["model"]
    name = data["machine"]
    if model.get("kind") == classifier.CLASSIFIER:
        if not model.get("trained"):
            return f"The machine coder '{name}' is a classifier not yet trained."
        cv = model.get("cross_validation", {})
        return (
            f"The machine coder '{name}' is a supervised classifier (annotator-classifier: "
            "logistic regression on TF-IDF word 1–2-grams of sentences, one binary model per "
            "code and one multiclass model per exclusive dimension) trained offline on the "
            f"{model['trained_articles']} articles {model['trained_from']} coded "
            f"(model SHA-256 {str(model['model_sha256'])[:12]}…, trained "
            f"{str(model['trained_at'])[:10]}; thresholds maximise α in "
            f"{cv.get('folds', '?')}-fold cross-validation over articles)."
        )
    where = (
        f"a remote server at {model['url']} (allowed by "
        f"{(model.get('remote_consent') or {}).get('who') or '?'})"
        if model.get("allow_remote")
        else "a server on this computer"
    )
    version = data.get("latest_run", {}) or {}
    reported = version.get("model_version")
    return (
        f"The machine coder '{name}' is the language model {model['model']}"
        f"{f' (version {reported})' if reported else ''} on {where}, prompted from the "
        f"codebook (prompt SHA-256 {str(data.get('prompt_sha256') or '?')[:12]}…, "
        f"temperature {data['settings'].get('temperature', '?')}, seed "
        f"{data['settings'].get('seed', '?')})."
    )


def _validation_sentence(validation: dict[str, Any] | None) -> list[str]:
    if validation is None:
        return ["It has not been validated against human coders."]
    against = validation["against"]
    named = against[0] if len(against) == 1 else ", ".join(against[:-1]) + " and " + against[-1]
    rows = [r for r in validation["rows"] if r.get("scope") == "code"]
    figures = []
    for row in rows:
        text = f"{row['code_path']} α = {_number(row.get('alpha_machine'))}"
        if row.get("alpha_machine_low") is not None:
            text += f" [{_number(row['alpha_machine_low'])}, {_number(row['alpha_machine_high'])}]"
        if row.get("alpha_humans") is not None:
            text += f" (coders among themselves {_number(row['alpha_humans'])})"
        text += f", {row.get('verdict', '?')}"
        figures.append(text)
    units = max((r.get("n_units", 0) for r in rows), default=0)
    excluded = validation["excluded_trained"]
    left_out = (
        f"{excluded} article{'s' * (excluded != 1)} it was trained on left out"
        if excluded
        else "none of them among those it was trained on"
    )
    on = (
        f"{units:,} characters"
        if validation["level"] == "character"
        else f"{validation['articles']} articles × code"
    )
    parts = [
        f"It was validated against {named} on {validation['articles']} articles they all "
        f"coded ({left_out}), at the {validation['level']} level (N = {on}): α of the machine "
        "with each coder, averaged, with 95 % bootstrap intervals over articles (1,000 "
        "resamples):"
        + (" " + "; ".join(figures) if figures else " no code to compare")
        + f". A code counts as reliable at α ≥ {_number(RELIABLE)} and as tentative at "
        f"α ≥ {_number(TENTATIVE)}."
    ]
    stable = [r for r in rows if r.get("stability") is not None]
    if stable:
        parts.append(
            "Its agreement with its own replicates (stability): "
            + "; ".join(f"{r['code_path']} α = {_number(r['stability'])}" for r in stable)
            + "."
        )
    if not validation["of_current_settings"]:
        parts.append(
            "That validation was of other settings than the machine's current ones "
            "(retrained or changed since)."
        )
    return parts


def _sentences(data: dict[str, Any]) -> list[str]:
    parts = [_what(data), *_validation_sentence(data["validation"])]
    runs, unvalidated = data["runs"], len(data["unvalidated_runs"])
    if runs:
        parts.append(
            f"It coded in {runs} run{'s' * (runs != 1)}"
            + (
                f", {unvalidated} of them WITHOUT a validation of their settings (--unvalidated)"
                if unvalidated
                else ""
            )
            + "."
        )
    suggestions = data["suggestions"]
    if suggestions.get("decided"):
        shares = suggestions["shares"]
        parts.append(
            f"Of {suggestions['decided']} machine suggestions coders decided on, "
            f"{shares['accepted']:.0%} were accepted as they were, {shares['edited']:.0%} "
            f"accepted edited and {shares['rejected']:.0%} rejected."
        )
    return parts


def machine_sentences(project: Project, coder_names: Iterable[str]) -> list[str]:
    """The methods sentences of every machine among ``coder_names`` (replicates count as
    their machine), for the agreement report."""
    names = set(coder_names)
    sentences: list[str] = []
    for machine in project.machine.backends():
        if machine.name in names or any(is_replicate_of(n, machine.name) for n in names):
            sentences += machine_report(project, machine.name).text.split("\n")
    return sentences


def _table(rows: Sequence[dict[str, Any]], against: Sequence[str]) -> str:
    head = (
        "<tr><th>code or dimension</th><th>α machine</th><th>95 % interval</th>"
        + "".join(f"<th>α with {html.escape(h)}</th>" for h in against)
        + "<th>α coders</th><th>stability</th><th>units</th><th>verdict</th></tr>"
    )
    body = []
    for row in rows:
        low, high = row.get("alpha_machine_low"), row.get("alpha_machine_high")
        interval = f"[{_number(low)}, {_number(high)}]" if low is not None else "–"
        by = row.get("alpha_by_coder", {})
        cells = [
            html.escape(str(row["code_path"])),
            _number(row.get("alpha_machine")),
            interval,
            *(_number(by.get(h)) for h in against),
            _number(row.get("alpha_humans")) if row.get("alpha_humans") is not None else "–",
            _number(row.get("stability")) if row.get("stability") is not None else "–",
            f"{row.get('n_units', 0):,}",
            html.escape(str(row.get("verdict", ""))),
        ]
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return f"<table>{head}{''.join(body)}</table>"


def report_html(report: MachineReport) -> str:
    """The report as a standalone HTML page (every value escaped)."""
    data = report.data
    title = f"Machine coder {data['machine']}"
    facts = [
        ("model", data["model"].get("model") or data["model"].get("kind")),
        ("model version / SHA-256", data.get("model_version") or "–"),
        ("prompt SHA-256", data.get("prompt_sha256") or "–"),
        ("settings SHA-256", data.get("settings_sha256") or "–"),
        ("settings", ", ".join(f"{k}={v}" for k, v in sorted(data["settings"].items()))),
        ("runs", f"{data['runs']} ({len(data['unvalidated_runs'])} unvalidated)"),
        ("annotator", data["app_version"]),
    ]
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em}"
        "</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{html.escape(report.text)}</p>",
        "<table>"
        + "".join(
            f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in facts
        )
        + "</table>",
    ]
    validation = data["validation"]
    if validation is not None:
        parts.append(
            f"<h2>Validation ({html.escape(validation['level'])} level, "
            f"{validation['articles']} articles)</h2>"
        )
        parts.append(_table(validation["rows"], validation["against"]))
    suggestions = data["suggestions"]
    parts.append(
        "<h2>Suggestions</h2><p>"
        + html.escape(
            f"accepted {suggestions.get('accepted', 0)}, edited {suggestions.get('edited', 0)}, "
            f"rejected {suggestions.get('rejected', 0)}"
        )
        + "</p></body></html>"
    )
    return "\n".join(parts)
