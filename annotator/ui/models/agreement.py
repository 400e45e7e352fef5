"""Table models of the agreement report (its measures, a confusion matrix); the review's
differences are in :mod:`annotator.ui.models.review`."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from annotator.agreement.labels import NOT_APPLIED, row_name
from annotator.agreement.report import COHEN, Confusion, Measure, Report
from annotator.ui.models import ROOT, Index

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
LEVELS = {
    "document": "Article",
    "character": "Character",
    "unitizing": "Unitizing",
    "segment": "Segment",
}
MEASURE_COLUMNS = (
    ("Level", None, "Article level, character level, unitizing (α_U) or segment matching"),
    ("Measure", None, "Overall, a dimension, or one code"),
    ("N", "units", "Units compared: articles, characters or segments"),
    ("Agreement", "percent_agreement", "Percent agreement"),
    ("Cohen κ", "cohen_kappa", "Cohen's κ"),
    ("Fleiss κ", "fleiss_kappa", "Fleiss' κ"),
    ("α", "krippendorff_alpha", "Krippendorff's α (nominal)"),
    ("α 95 % CI", None, "Bootstrap interval for α, resampling articles"),
    ("AC1", "gwet_ac1", "Gwet's AC1"),
    ("Positive", "positive_agreement", "Positive (specific) agreement on presence"),
    ("Coders", "coders", "The coders whose codings entered the figure"),
    ("Note", "note", "Why a value is empty, and what the units are"),
)
NOTE_COLUMN = len(MEASURE_COLUMNS) - 1
CODERS_COLUMN = NOTE_COLUMN - 1
KAPPA_COLUMN = 4
ALPHA_COLUMN = 6
LIGHT_HEADER = ("Light κ", "Light's κ: the mean of every pair of coders' Cohen's κ")
UNUSED = QColor("#8A8A8A")  # a row nobody applied anything of
LOW = QColor("#F6D5D0")  # α below Krippendorff's 0.667
FAIR = QColor("#FBEFC9")  # 0.667 ≤ α < 0.8


class MeasuresModel(QAbstractTableModel):
    """One row per measure of a :class:`Report`; empty cells where a value is undefined."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.report: Report | None = None
        self._rows: tuple[Measure, ...] = ()

    def set_report(self, report: Report | None) -> None:
        self.beginResetModel()
        self.report = report
        self._rows = report.measures if report else ()
        self.endResetModel()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, KAPPA_COLUMN, KAPPA_COLUMN)

    def measure(self, row: int) -> Measure:
        return self._rows[row]

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(MEASURE_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        light = section == KAPPA_COLUMN and self.report and self.report.kappa_measure != COHEN
        if role == Qt.ItemDataRole.DisplayRole:
            return LIGHT_HEADER[0] if light else MEASURE_COLUMNS[section][0]
        if role == Qt.ItemDataRole.ToolTipRole:
            return LIGHT_HEADER[1] if light else MEASURE_COLUMNS[section][2]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        m = self._rows[index.row()]
        column = index.column()
        field = MEASURE_COLUMNS[column][1]
        value = getattr(m, field) if field else None
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return LEVELS.get(m.level, m.level)
            if column == 1:
                return row_name(m) if m.scope != "code" else "    " + m.name
            if column == CODERS_COLUMN:
                return ", ".join(m.coders)
            if not m.applied and 2 < column < CODERS_COLUMN:
                return NOT_APPLIED if column == 3 else ""
            if column == 7:
                return f"{m.alpha_ci95[0]:.3f} – {m.alpha_ci95[1]:.3f}" if m.alpha_ci95 else ""
            if field == "units":
                return f"{m.units:,}"
            if isinstance(value, float):
                return f"{value:.3f}"
            return "" if value is None else str(value)
        if role == SORT_ROLE:
            if column in (0, 1):
                return (m.level, m.scope != "overall", m.scope != "dimension", m.name)
            if column in (CODERS_COLUMN, NOTE_COLUMN):
                return str(self.data(index))
            if column == 7:
                return m.alpha_ci95[0] if m.alpha_ci95 and m.applied else -2.0
            return -2.0 if value is None or not m.applied else value
        if role == Qt.ItemDataRole.ForegroundRole and not m.applied:
            return QBrush(UNUSED)
        if role == Qt.ItemDataRole.ToolTipRole:
            return m.note or None
        if role == Qt.ItemDataRole.BackgroundRole and column == ALPHA_COLUMN and m.applied:
            alpha = m.krippendorff_alpha
            if alpha is not None and alpha < 0.667:
                return QBrush(LOW)
            if alpha is not None and alpha < 0.8:
                return QBrush(FAIR)
        if role == Qt.ItemDataRole.TextAlignmentRole and 2 <= column < CODERS_COLUMN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and m.scope != "code" and column == 1:
            font = QFont()
            font.setBold(True)
            return font
        return None


class ConfusionModel(QAbstractTableModel):
    """A confusion matrix: characters by the first coder's code (rows) and the second's."""

    def __init__(self, confusion: Confusion, parent: Any = None) -> None:
        super().__init__(parent)
        self.confusion = confusion

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.confusion.labels)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.confusion.labels)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self.confusion.labels[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            who = self.confusion.coders[0 if orientation == Qt.Orientation.Vertical else 1]
            return f"{who}: {self.confusion.labels[section]}"
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        count = self.confusion.counts[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{count:,}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and index.row() == index.column():
            return QBrush(QColor("#E3F1E0"))
        return None
