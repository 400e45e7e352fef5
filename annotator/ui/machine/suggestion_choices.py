"""What View → Machine suggestions offers (:mod:`annotator.ui.machine.suggestions`): each
machine coder of the project, and the latest runs that still have codings; and where the
choice is remembered, per project and coder."""

from __future__ import annotations

from dataclasses import dataclass

from annotator.services.machine import suggestions as sg
from annotator.storage import Project
from annotator.storage.machine import RunRecord
from annotator.ui import settings

#: Runs offered in the menu, newest first.
RUNS_LISTED = 30


@dataclass(frozen=True)
class Choice:
    """What the menu offers: a machine coder or one run, by name, and how it is remembered."""

    source: sg.Source
    label: str
    remembered: str


def remembered_setting(project_guid: str, coder_guid: str) -> settings.Setting[str]:
    """Where a coder's choice for a project is kept (``Choice.remembered``; "": off)."""
    return settings.Setting(f"machine_suggestions/{project_guid}/{coder_guid}", "")


def machine_choices(project: Project) -> list[Choice]:
    """Every machine coder of the project, by name."""
    found = []
    for coder in project.coders.all():
        if not coder.is_machine:
            continue
        backend = project.machine.backend_of_coder(coder.id)
        kind = backend.kind if backend is not None else "replicate"
        found.append(Choice(sg.Source(coder.id), f"{coder.name} ({kind})", f"coder:{coder.guid}"))
    return found


def run_choices(project: Project) -> list[Choice]:
    """The latest runs (:data:`RUNS_LISTED`), newest first, that still have codings."""
    names = {c.id: c.name for c in project.coders.all()}
    now = project.machine.run_coding_counts()
    runs = [r for r in reversed(project.machine.runs()) if now.get(r.guid)]
    return [_run_choice(run, names, now) for run in runs[:RUNS_LISTED]]


def remembered_runs(project: Project, remembered: str) -> list[Choice]:
    """The run a remembered choice names (none: it names a machine coder, or the run is
    gone)."""
    if not remembered.startswith("run:"):
        return []
    guid = remembered[4:]
    runs = [r for r in project.machine.runs_by_guid_prefix(guid) if r.guid == guid]
    names = {c.id: c.name for c in project.coders.all()}
    return [_run_choice(run, names, project.machine.run_coding_counts()) for run in runs]


def _run_choice(run: RunRecord, names: dict[int, str], now: dict[str, int]) -> Choice:
    started = run.started_at[:16].replace("T", " ")
    count = now.get(run.guid, 0)
    label = (
        f"{run.guid[:8]} — {names.get(run.coder_id, '?')}, {started}, {run.status}, "
        f"{count} coding{'s' * (count != 1)}"
    )
    return Choice(sg.source_of_run(run), label, f"run:{run.guid}")
