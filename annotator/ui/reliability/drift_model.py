"""The drift table: one row per measure and window at one level — the measure (all codes, a
dimension, a code), the window, its articles, N, α and its 95 % interval."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, Qt

from annotator.agreement.drift import Drift, Track
from annotator.agreement.labels import NOT_APPLIED
from annotator.agreement.report import Measure
from annotator.ui.models import ROOT, Index
from annotator.ui.models.agreement import FAIR, LOW, UNUSED

DRIFT_COLUMNS = (
    ("Measure", "All codes, a dimension, or one code"),
    ("Window", "The period or batch of articles"),
    ("Articles", "Articles compared in the window"),
    ("N", "Units compared: articles, characters or segments"),
    ("α", "Krippendorff's α (nominal) on the window's articles alone"),
    ("α 95 % CI", "Bootstrap interval for α, resampling the window's articles"),
    ("Note", "Why α or its interval is missing"),
)


class DriftModel(QAbstractTableModel):
    """The rows of one level of a :class:`Drift`, measure by measure, window by window."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[Track, int]] = []
        self.drift: Drift | None = None

    def set_drift(self, drift: Drift | None, level: str | None) -> None:
        self.beginResetModel()
        self.drift = drift
        self._rows = []
        if drift is not None and level is not None:
            for track in drift.tracks(level):
                self._rows += [(track, k) for k in range(len(drift.windows))]
        self.endResetModel()

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(DRIFT_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(DRIFT_COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return DRIFT_COLUMNS[section][0]
        if role == Qt.ItemDataRole.ToolTipRole:
            return DRIFT_COLUMNS[section][1]
        return None

    def row(self, number: int) -> tuple[str, str, Measure | None]:
        """The measure's name, the window's label and the measure (None: no such row)."""
        track, window = self._rows[number]
        assert self.drift is not None
        name = " > ".join(track.path) if track.scope == "code" and track.path else track.name
        return name, self.drift.windows[window].window.label, track.measures[window]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.drift is None:
            return None
        window = self._rows[index.row()][1]
        name, label, m = self.row(index.row())
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            articles = len(self.drift.windows[window].window.documents)
            return self._text(column, name if window == 0 else "", label, articles, m)
        if role == Qt.ItemDataRole.ToolTipRole and column in (0, 6):
            return name if column == 0 else self._text(6, name, label, 0, m) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and 2 <= column <= 5:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and m is not None and not m.applied:
            return UNUSED
        if role == Qt.ItemDataRole.BackgroundRole and column == 4 and m is not None:
            alpha = m.krippendorff_alpha if m.applied else None
            if alpha is not None:
                return LOW if alpha < 0.667 else FAIR if alpha < 0.8 else None
        return None

    @staticmethod
    def _text(column: int, name: str, label: str, articles: int, m: Measure | None) -> str:
        if column == 0:
            return name
        if column == 1:
            return label
        if column == 2:
            return f"{articles:,}"
        if m is None:
            return ""
        if column == 3:
            return f"{m.units:,}"
        if not m.applied:
            return NOT_APPLIED if column == 4 else ""
        if column == 4:
            return "—" if m.krippendorff_alpha is None else f"{m.krippendorff_alpha:.3f}"
        if column == 5:
            return f"[{m.alpha_ci95[0]:.2f}, {m.alpha_ci95[1]:.2f}]" if m.alpha_ci95 else "—"
        return "; ".join(part for part in m.note.split("; ") if "α" in part)
