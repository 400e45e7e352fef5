"""Table models of the pairs tab: a coder × coder matrix of one figure, and each coder
against the others (the coder who deviates marked)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from annotator.services.agreement_pairs import CoderRow, Key, PairsReport
from annotator.ui.models import ROOT, Index

#: The figures the matrix can show: (label, Measure field).
FIGURES = (
    ("Krippendorff's α", "krippendorff_alpha"),
    ("Cohen's κ", "cohen_kappa"),
    ("Percent agreement", "percent_agreement"),
)
DEVIATES = QColor("#F6D5D0")
LOWEST_MARK = "  ◀ lowest"


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


class PairMatrixModel(QAbstractTableModel):
    """``coders × coders``: the chosen figure of each pair for the chosen row (a code, a
    dimension or all codes, at a level); the diagonal is empty."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.report: PairsReport | None = None
        self.key: Key | None = None
        self.field = FIGURES[0][1]

    def show(self, report: PairsReport | None, key: Key | None, field: str) -> None:
        self.beginResetModel()
        self.report, self.key, self.field = report, key, field
        self.endResetModel()

    def _coders(self) -> tuple[str, ...]:
        return self.report.coders if self.report else ()

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._coders())

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._coders())

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._coders()):
            return self._coders()[section]
        return None

    def value(self, row: int, column: int) -> float | None:
        """The figure of the pair (row, column), None on the diagonal or where undefined."""
        if self.report is None or self.key is None or row == column:
            return None
        coders = self.report.coders
        pair = self.report.pair(coders[row], coders[column])
        measure = pair.measure(self.key) if pair else None
        found = getattr(measure, self.field) if measure else None
        return float(found) if found is not None else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.report is None:
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if row == column else _number(self.value(row, column))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole and row != column and self.key:
            coders = self.report.coders
            pair = self.report.pair(coders[row], coders[column])
            measure = pair.measure(self.key) if pair else None
            if measure is not None:
                interval = (
                    f", α 95 % CI [{measure.alpha_ci95[0]:.3f}, {measure.alpha_ci95[1]:.3f}]"
                    if measure.alpha_ci95
                    else ""
                )
                note = f"\n{measure.note}" if measure.note else ""
                return f"{coders[row]} and {coders[column]}: N {measure.units:,}{interval}{note}"
        if role == Qt.ItemDataRole.BackgroundRole and row == column:
            return QBrush(QColor("#EEEEEE"))
        return None


CODER_COLUMNS = (
    ("Coder", "The coder"),
    ("Mean pairwise α", "The mean of the α of the pairs the coder is in"),
    ("Mean pairwise κ", "The mean of Cohen's κ of the pairs the coder is in"),
    ("Pairs", "How many of the coder's pairs have α defined"),
    ("α without", "α of all the other coders together"),
    ("Change", "α without the coder minus α of all coders: positive, the coder lowers α"),
)


class CoderTableModel(QAbstractTableModel):
    """One row per coder for the chosen row of the tables; the lowest mean pairwise α is
    marked (shaded, bold, "◀ lowest")."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[CoderRow] = []

    def show(self, rows: list[CoderRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(CODER_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(CODER_COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return CODER_COLUMNS[section][0]
        if role == Qt.ItemDataRole.ToolTipRole:
            return CODER_COLUMNS[section][1]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            change = row.change_without
            return [
                row.coder + (LOWEST_MARK if row.lowest else ""),
                _number(row.mean_alpha),
                _number(row.mean_kappa),
                str(row.pairs),
                _number(row.alpha_without),
                "—" if change is None else f"{change:+.3f}",
            ][column]
        if role == Qt.ItemDataRole.BackgroundRole and row.lowest:
            return QBrush(DEVIATES)
        if role == Qt.ItemDataRole.FontRole and row.lowest:
            font = QFont()
            font.setBold(True)
            return font
        return None
