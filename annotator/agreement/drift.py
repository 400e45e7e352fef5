"""Agreement window by window, pure: the windows (periods of time or batches of articles in
the order they were done), the engine run on each window's articles alone, and the result.
The windows' times are read from a project by :mod:`annotator.services.drift`, whose
docstring says what an article's time is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from annotator.agreement.report import Measure, Options, Report, measure_agreement
from annotator.agreement.study import Study

DEFAULT_BATCHES = 10
#: A drift chart draws at most this many lines (overall first, then dimensions, then codes).
CHART_LINES = 8
_SCOPES = ("overall", "dimension", "code")
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
    #: What the request's choices left out (a codebook version, search-made or assisted
    #: codings), as the agreement report's warnings say it.
    notes: tuple[str, ...] = ()


#: How the methods sentence names windows and levels.
_PERIOD_WORDS = {
    "month": "monthly",
    "quarter": "quarterly",
    "week": "weekly (ISO week)",
    "batch": "batch",
}
_LEVEL_WORDS = {
    "document": "at article level",
    "character": "at character level",
    "unitizing": "for unitizing (α_U)",
    "segment": "for matched segments",
}


@dataclass(frozen=True)
class Drift:
    """Agreement window by window. ``undated`` counts the articles compared that have no
    time (in no window)."""

    period: str
    dated_by: str
    coders: tuple[str, ...]
    windows: tuple[WindowReport, ...]
    undated: int = 0
    #: What the request's choices left out of every window (see :class:`DriftPlan`).
    notes: tuple[str, ...] = ()

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

    @property
    def levels(self) -> list[str]:
        """The levels the windows' reports hold, in the engine's order."""
        found = {m.level for w in self.windows for m in w.report.measures}
        return [
            level for level in ("document", "character", "unitizing", "segment") if level in found
        ]

    def tracks(self, level: str) -> list[Track]:
        """Each measure of ``level`` (all codes, each dimension, each code) over the windows,
        in the order the reports give them."""
        found: dict[tuple[str, tuple[str, ...], str], list[Measure | None]] = {}
        for number, window in enumerate(self.windows):
            for m in window.report.measures:
                if m.level != level:
                    continue
                line = found.setdefault((m.scope, m.path, m.name), [None] * len(self.windows))
                line[number] = m
        return [
            Track(level, scope, name, path, tuple(line))
            for (scope, path, name), line in found.items()
        ]

    @property
    def methods(self) -> str:
        """The sentences a methods section states of the drift: how many windows of what, and
        at each level the range of the overall α over the windows that have one."""
        if not self.windows:
            return ""
        kind = _PERIOD_WORDS.get(self.period, self.period)
        first, last = self.windows[0].window.label, self.windows[-1].window.label
        span = first if first == last else f"{first} to {last}"
        parts = [
            f"Agreement over time was measured in {len(self.windows)} {kind} windows ({span}); "
            f"{self.time_basis}."
        ]
        for level in self.levels:
            figures = [
                (m.krippendorff_alpha, w.window.label)
                for w in self.windows
                for m in w.report.measures
                if m.level == level
                and m.scope == "overall"
                and m.applied
                and m.krippendorff_alpha is not None
            ]
            if not figures:
                continue
            low, high = min(figures), max(figures)
            name = _LEVEL_WORDS.get(level, level)
            if len(figures) == 1:
                parts.append(f"Overall α {name} was {low[0]:.3f} in the one window with a figure.")
            else:
                parts.append(
                    f"Overall α {name} ranged from {low[0]:.3f} ({low[1]}) to {high[0]:.3f} "
                    f"({high[1]}) over the {len(figures)} windows with a figure."
                )
        parts += [f"{note[0].upper()}{note[1:].rstrip('.')}." for note in self.notes if note]
        return " ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "dated_by": self.dated_by,
            "time": self.time_basis,
            "methods": self.methods,
            "coders": list(self.coders),
            "undated_articles": self.undated,
            "warnings": list(self.notes),
            "windows": [w.as_dict() for w in self.windows],
        }


@dataclass(frozen=True)
class Track:
    """One measure followed over the windows: all codes, a dimension or a code at one level,
    its row in each window (``None`` where a window has none)."""

    level: str
    scope: str
    name: str
    path: tuple[str, ...]
    measures: tuple[Measure | None, ...]

    def alphas(self) -> list[tuple[float | None, float | None, float | None]]:
        """``(α, low, high)`` per window; ``None`` where undefined, not applied or absent."""
        values: list[tuple[float | None, float | None, float | None]] = []
        for m in self.measures:
            if m is None or not m.applied:
                values.append((None, None, None))
                continue
            low, high = m.alpha_ci95 if m.alpha_ci95 else (None, None)
            values.append((m.krippendorff_alpha, low, high))
        return values


def chart_tracks(tracks: list[Track], limit: int = CHART_LINES) -> tuple[list[Track], list[Track]]:
    """The tracks a chart draws — all codes first, then dimensions, then codes, at most
    ``limit`` — and those left out (to be named under the chart)."""
    ordered = sorted(tracks, key=lambda t: _SCOPES.index(t.scope) if t.scope in _SCOPES else 3)
    return ordered[:limit], ordered[limit:]


def measure_drift(plan: DriftPlan, progress: Progress | None = None) -> Drift | None:
    """The engine on each window of ``plan`` (pure: no project); ``None`` when ``progress``
    said to stop."""
    reports = []
    for number, window in enumerate(plan.windows):
        study = window_study(plan.study, window.documents)
        reports.append(WindowReport(window, measure_agreement(study, plan.options)))
        if progress is not None and not progress(number + 1, len(plan.windows)):
            return None
    return Drift(
        plan.period, plan.dated_by, plan.study.coders, tuple(reports), plan.undated, plan.notes
    )


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


def cut_periods(dated: list[tuple[datetime, int]], period: str) -> list[Window]:
    grouped: dict[str, list[tuple[datetime, int]]] = {}
    for moment, document in dated:  # in time order: so are the labels and their articles
        grouped.setdefault(period_label(moment, period), []).append((moment, document))
    return [_window(label, items) for label, items in grouped.items()]


def cut_batches(
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
