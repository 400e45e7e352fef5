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

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from annotator.agreement.report import Options, Report, measure_agreement
from annotator.agreement.study import Study
from annotator.domain.errors import UserError
from annotator.services.agreement import Request, options_of, study_of
from annotator.storage import Project
from annotator.storage.coding_times import done_times, latest_coding_times

PERIODS = ("month", "quarter", "week", "batch")
DATED_BY = ("done", "coded")
DEFAULT_BATCHES = 10
#: Called after each window with (windows measured, windows in all); False stops the work.
Progress = Callable[[int, int], bool]


@dataclass(frozen=True)
class Window:
    """A window: its label, the earliest and latest time of its articles (ISO 8601 UTC) and
    the articles (ids, in time order)."""

    label: str
    first: str
    last: str
    documents: tuple[int, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "window": self.label,
            "first": self.first,
            "last": self.last,
            "articles": len(self.documents),
        }


@dataclass(frozen=True)
class WindowReport:
    """A window and the engine's report on its articles."""

    window: Window
    report: Report

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.window.as_dict(),
            "documents": self.report.documents,
            "measures": [m.as_dict() for m in self.report.measures],
            "warnings": list(self.report.warnings),
        }


@dataclass(frozen=True)
class DriftPlan:
    """What :func:`measure_drift` needs, read from the project: the whole study, the options,
    and the windows. Plain values: a worker thread measures it without the project."""

    study: Study
    options: Options
    period: str
    dated_by: str
    windows: tuple[Window, ...]
    undated: int


@dataclass(frozen=True)
class Drift:
    """Agreement window by window. ``undated`` counts the articles compared that have no
    time (in no window)."""

    period: str
    dated_by: str
    coders: tuple[str, ...]
    windows: tuple[WindowReport, ...]
    undated: int = 0

    @property
    def time_basis(self) -> str:
        """What an article's time is, in words (for tables, charts and reports)."""
        if self.dated_by == "done":
            return (
                "an article's time is when the later of its coders marked it done (their "
                "latest coding where a status has no time)"
            )
        return (
            "an article's time is the later of its coders' latest codings in it (the time "
            "marked done where a coder made no coding)"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "dated_by": self.dated_by,
            "time": self.time_basis,
            "coders": list(self.coders),
            "undated_articles": self.undated,
            "windows": [w.as_dict() for w in self.windows],
        }


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
        windows = _batches(dated, batch_size, batches)
    else:
        windows = _periods(dated, period)
    return DriftPlan(study, options_of(request), period, dated_by, tuple(windows), undated)


def measure_drift(plan: DriftPlan, progress: Progress | None = None) -> Drift | None:
    """The engine on each window of ``plan`` (pure: no project); ``None`` when ``progress``
    said to stop."""
    reports = []
    for number, window in enumerate(plan.windows):
        study = window_study(plan.study, window.documents)
        reports.append(WindowReport(window, measure_agreement(study, plan.options)))
        if progress is not None and not progress(number + 1, len(plan.windows)):
            return None
    return Drift(plan.period, plan.dated_by, plan.study.coders, tuple(reports), plan.undated)


def window_study(study: Study, documents: tuple[int, ...]) -> Study:
    """``study`` with only ``documents`` counting (for every coder they counted for), and
    nobody's assigned articles left out (they have no time, so belong to no window)."""
    keep = frozenset(documents)
    rows = study.rows[np.isin(study.rows[:, 0], np.fromiter(keep, np.int64, len(keep)))]
    return Study(
        coders=study.coders,
        lengths=study.lengths,
        counted=tuple(docs & keep for docs in study.counted),
        dimensions=study.dimensions,
        paths=study.paths,
        rows=rows,
        parts=study.parts,
        left_out=(0,) * len(study.coders),
    )


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


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def period_label(moment: datetime, period: str) -> str:
    """The label of the period ``moment`` falls in: ``2024-03``, ``2024-Q1``, ``2024-W05``
    (ISO week: Monday to Sunday, week 1 holding the year's first Thursday). Labels of one
    kind sort in time order."""
    if period == "month":
        return f"{moment.year:04d}-{moment.month:02d}"
    if period == "quarter":
        return f"{moment.year:04d}-Q{(moment.month - 1) // 3 + 1}"
    year, week, _ = moment.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _periods(dated: list[tuple[datetime, int]], period: str) -> list[Window]:
    grouped: dict[str, list[tuple[datetime, int]]] = {}
    for moment, document in dated:  # in time order: so are the labels and their articles
        grouped.setdefault(period_label(moment, period), []).append((moment, document))
    return [_window(label, items) for label, items in grouped.items()]


def _batches(
    dated: list[tuple[datetime, int]], size: int | None, count: int | None
) -> list[Window]:
    if not dated:
        return []
    if size is None:
        count = min(count or DEFAULT_BATCHES, len(dated))
        small, extra = divmod(len(dated), count)
        sizes = [small + (1 if k < extra else 0) for k in range(count)]
    else:
        sizes = [size] * (len(dated) // size) + ([len(dated) % size] if len(dated) % size else [])
    windows, start = [], 0
    for number, length in enumerate(sizes, start=1):
        windows.append(_window(f"Batch {number}", dated[start : start + length]))
        start += length
    return windows


def _window(label: str, items: list[tuple[datetime, int]]) -> Window:
    return Window(label, _stamp(items[0][0]), _stamp(items[-1][0]), tuple(d for _, d in items))
