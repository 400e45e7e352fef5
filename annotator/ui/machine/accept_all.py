"""View → Machine suggestions → Accept all above confidence…: a confidence to accept the
open article's suggestions at or above, with a count of how many that is as it changes."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from annotator.services.machine.suggestions import Suggestion

DEFAULT_THRESHOLD = 0.8


def at_or_above(items: Sequence[Suggestion], threshold: float) -> list[Suggestion]:
    """The suggestions whose confidence is at least ``threshold`` (none without one)."""
    return [s for s in items if s.confidence is not None and s.confidence >= threshold - 1e-9]


class AcceptAllDialog(QDialog):
    """Asks for the confidence; :attr:`threshold` holds it once accepted."""

    def __init__(
        self,
        items: Sequence[Suggestion],
        machine: str,
        parent: QWidget | None = None,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Accept suggestions above a confidence")
        self.items = list(items)
        self.spin = QDoubleSpinBox()
        self.spin.setRange(0.0, 1.0)
        self.spin.setSingleStep(0.05)
        self.spin.setDecimals(2)
        self.spin.setValue(threshold)
        self.spin.setToolTip("Suggestions with at least this confidence are accepted")
        self.count = QLabel()
        self.count.setWordWrap(True)
        intro = QLabel(
            f"Accept every suggestion of {machine} in this article whose confidence is at least:"
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Confidence", self.spin)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Accept")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.count)
        layout.addWidget(buttons)
        self.spin.valueChanged.connect(self._count)
        self._count()

    @property
    def threshold(self) -> float:
        return round(self.spin.value(), 2)

    def _count(self) -> None:
        chosen = len(at_or_above(self.items, self.threshold))
        unscored = sum(1 for s in self.items if s.confidence is None)
        text = (
            f"{chosen} of the {len(self.items)} suggestions in this article"
            f"{' has' if chosen == 1 else ' have'} that confidence or more."
        )
        if unscored:
            text += f" {unscored} without a confidence are never accepted this way."
        text += (
            " One that contradicts your codings in an exclusive dimension stays a suggestion. "
            "Ctrl+Z takes them all back at once."
        )
        self.count.setText(text)
        self.ok.setEnabled(chosen > 0)
