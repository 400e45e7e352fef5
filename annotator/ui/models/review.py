"""Table model of a disagreement review: its differences, one column per coder compared
(the passage as words, not offsets), and each decision — stale ones marked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, Qt
from PySide6.QtGui import QBrush, QColor

from annotator.domain.model import Choice, Decision
from annotator.services.consensus import Difference, Review
from annotator.services.consensus_basis import loads
from annotator.ui.models import ROOT, Index
from annotator.ui.review_text import excerpt

STALE_COLOR = "#b3261e"
DECIDED_COLOR = "#777777"


class DifferencesModel(QAbstractTableModel):
    """The differences of a :class:`Review`: Article, Code, What differs, a column per coder,
    Decision."""

    def __init__(self, text_of: Callable[[int], str], parent: Any = None) -> None:
        super().__init__(parent)
        self.text_of = text_of
        self.review: Review | None = None
        self._rows: tuple[Difference, ...] = ()

    def set_review(self, review: Review | None) -> None:
        self.beginResetModel()
        self.review = review
        self._rows = review.differences if review else ()
        self.endResetModel()

    def difference(self, row: int) -> Difference:
        return self._rows[row]

    def names(self) -> list[str]:
        return [c.name for c in self.review.coders] if self.review else ["First", "Second"]

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else 4 + len(self.names())

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        names = self.names()
        if 3 <= section < 3 + len(names):
            return names[section - 3]
        return ("Article", "Code", "What differs")[section] if section < 3 else "Decision"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        d = self._rows[index.row()]
        column, names = index.column(), self.names()
        if role == Qt.ItemDataRole.ForegroundRole:
            if d.stale is not None and column in (2, 3 + len(names)):
                return QBrush(QColor(STALE_COLOR))
            return QBrush(QColor(DECIDED_COLOR)) if d.decision is not None else None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if column == 0:
            return d.document_name
        if column == 1:
            return d.code_path
        if column == 2:
            return kind(d, names)
        if column < 3 + len(names):
            side = column - 3
            if d.whole:
                return "whole article" if d.whole[side] else "—"
            # A cell holds about this many characters; the tooltip holds the passage.
            width = (30 if len(names) == 2 else 22) if role == Qt.ItemDataRole.DisplayRole else 400
            return excerpt(self.text_of(d.document_id), d.sides[side], width=width)
        by_id = {c.id: c.name for c in self.review.coders} if self.review else {}
        if d.stale is not None:
            return f"changed since decided ({described(d.stale, by_id)}): decide again"
        return "" if d.decision is None else described(d.decision, by_id)


def kind(d: Difference, names: list[str]) -> str:
    """What differs, in the coders' names."""
    if d.stale is not None:
        return "changed since decided"
    if d.whole:
        having = [n for n, has in zip(names, d.whole, strict=True) if has]
        return f"whole article: {', '.join(having)} only"
    having = [n for n, side in zip(names, d.sides, strict=True) if side]
    if len(having) == 1:
        return f"{having[0]} only"
    return "boundaries differ"


def described(decision: Decision, names: dict[int, str]) -> str:
    """A decision in words: whose passages it took, and the reason."""
    basis = loads(decision.basis)
    took: int | None = None
    if basis is not None and basis.took is not None and basis.took < len(basis.coders):
        took = basis.coders[basis.took]
    elif decision.choice is Choice.FIRST:
        took = decision.first_coder_id
    elif decision.choice is Choice.SECOND:
        took = decision.second_coder_id
    if took is not None:
        what = f"accept {names.get(took, 'a coder')}"
    elif decision.choice is Choice.BOTH:
        what = "both" if len(names) == 2 else "all"
    else:
        what = decision.choice.value
    return f"{what}: {decision.reason}" if decision.reason else what
