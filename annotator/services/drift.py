"""Drift: agreement window by window — by the period in which the articles were coded, or by
batches of articles in the order they were done — so a team sees whether reliability held
from the pilot to the end.

**Which articles.** The articles compared: those that count for two or more of the chosen
coders (as :func:`annotator.services.agreement.study_of` decides what counts). Each falls in
exactly one window; an article that counts for one coder only is compared with nobody and
enters no window.

**What "time" means.** An article's time is when the *later* of the coders compared on it
finished it. With ``dated_by="done"`` (the default) a coder finished an article when their
status on it was last set — the time annotator stores with the status *done* (a status set
again, or brought in by a merge of a coder's package, carries the time it was set or merged,
not the time the coder first finished). Where a status has no readable time, the coder's
latest coding in the article (made or changed) stands in. With ``dated_by="coded"`` it is
the other way round: the latest coding first, the status time where the coder made no coding
there. Times are UTC; an article none of whose rules give a time for every coder compared
on it is *undated*: counted in :attr:`Drift.undated`, in no window.

**Windows.** ``month`` (``2024-03``), ``quarter`` (``2024-Q1``) and ``week`` (ISO week,
``2024-W05``) put each article in the period of its time; periods in which no article was
finished have no window. ``batch`` orders the articles by time (then id) and cuts them into
consecutive batches of ``batch_size`` articles (the last may be smaller) or into ``batches``
batches of sizes differing by at most one (:data:`DEFAULT_BATCHES` by default).

**Figures.** Each window is the engine (:func:`annotator.agreement.report.measure_agreement`)
run on the window's articles only, with the same coders, codes, levels and options: exactly
what :func:`annotator.services.agreement.measure` gives when only those articles count. A
window with too little data carries the engine's nulls, not zeros. Assigned articles a coder
has not finished have no time and belong to no window: the windows report none left out.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from annotator.agreement.drift import (
    DEFAULT_BATCHES,
    Drift,
    DriftPlan,
    Progress,
    Track,
    Window,
    WindowReport,
    chart_tracks,
    cut_batches,
    cut_periods,
    measure_drift,
    period_label,
    window_study,
)
from annotator.domain.errors import UserError
from annotator.services.agreement import Request, options_of, selection_notes, study_of
from annotator.storage import Project
from annotator.storage.coding_times import done_times, latest_coding_times

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "DATED_BY",
    "DEFAULT_BATCHES",
    "PERIODS",
    "Drift",
    "DriftPlan",
    "Progress",
    "Window",
    "WindowReport",
    "drift",
    "drift_figure",
    "measure_drift",
    "period_label",
    "plan_drift",
    "window_study",
]
PERIODS = ("month", "quarter", "week", "batch")
DATED_BY = ("done", "coded")


def drift(
    project: Project,
    request: Request,
    period: str,
    *,
    batch_size: int | None = None,
    batches: int | None = None,
    dated_by: str = "done",
) -> Drift:
    """Agreement in each window of ``period`` (see the module's docstring)."""
    measured = measure_drift(
        plan_drift(
            project, request, period, batch_size=batch_size, batches=batches, dated_by=dated_by
        )
    )
    assert measured is not None  # no progress callback: never stopped
    return measured


def plan_drift(
    project: Project,
    request: Request,
    period: str,
    *,
    batch_size: int | None = None,
    batches: int | None = None,
    dated_by: str = "done",
) -> DriftPlan:
    """Read the study and the articles' times, and cut the windows (nothing measured yet)."""
    if period not in PERIODS:
        raise UserError(f"drift goes by {', '.join(PERIODS)}, not '{period}'")
    if dated_by not in DATED_BY:
        raise UserError(f"an article's time is when it was 'done' or 'coded', not '{dated_by}'")
    if period != "batch" and (batch_size is not None or batches is not None):
        raise UserError("a batch size or a number of batches goes with batches, not periods")
    if batch_size is not None and batches is not None:
        raise UserError("give a batch size or a number of batches, not both")
    if (batch_size is not None and batch_size < 1) or (batches is not None and batches < 1):
        raise UserError("a batch needs at least one article")
    study = study_of(project, request)
    ids = {c.name: c.id for c in project.coders.all()}
    coder_ids = [ids[name] for name in study.coders]
    first, second = done_times(project.db), latest_coding_times(project.db)
    if dated_by == "coded":
        first, second = second, first
    dated: list[tuple[datetime, int]] = []
    undated = 0
    for index, document in enumerate(study.documents.tolist()):
        if not study.pairable[index]:
            continue
        times = [
            _time(first.get((document, coder))) or _time(second.get((document, coder)))
            for c, coder in enumerate(coder_ids)
            if document in study.counted[c]
        ]
        if all(t is not None for t in times):
            dated.append((max(t for t in times if t is not None), document))
        else:
            undated += 1
    dated.sort()
    if period == "batch":
        windows = cut_batches(dated, batch_size, batches)
    else:
        windows = cut_periods(dated, period)
    notes = selection_notes(project, request, study.coders)
    return DriftPlan(study, options_of(request), period, dated_by, tuple(windows), undated, notes)


def _time(text: str | None) -> datetime | None:
    """A stored time as an aware UTC datetime; ``None`` for none or for text that is not a
    time (a status from an old file, a hand edit)."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def drift_figure(result: Drift, level: str | None = None) -> Figure:
    """The drift chart of one level (the first the result holds, by default): all codes,
    then dimensions, then codes, at most :data:`~annotator.agreement.drift.CHART_LINES`
    lines; how many more were left out is said in the legend."""
    from annotator.analysis.drift_chart import drift_chart

    levels = result.levels
    chosen = level or (levels[0] if levels else "document")
    if levels and chosen not in levels:
        raise UserError(f"the drift holds no '{chosen}' level: {', '.join(levels)}")
    drawn, left = chart_tracks(result.tracks(chosen))
    what = {"week": "ISO week", "batch": "Batch"}.get(result.period, result.period.title())
    window_label = (
        f"{what} in which the articles were finished (UTC)"
        if result.period != "batch"
        else "Batch of articles, in the order they were finished"
    )
    return drift_chart(
        [w.window.label for w in result.windows],
        {_label(t): t.alphas() for t in drawn},
        title=f"Agreement by {what.lower()}: {LEVEL_TITLES.get(chosen, chosen)}",
        window_label=window_label,
        left_out=len(left),
    )


LEVEL_TITLES = {
    "document": "article level",
    "character": "character level",
    "unitizing": "unitizing (α_U)",
    "segment": "segment matching",
}


def _label(track: Track) -> str:
    return " > ".join(track.path) if track.scope == "code" and track.path else track.name
