"""Drawing a reliability sample: articles at random (from a seed), assigned to coders."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QMessageBox,
    QSpinBox,
    QWidget,
)

from annotator.domain.errors import UserError
from annotator.services.agreement import CONSENSUS, draw_sample
from annotator.ui.controller import Controller
from annotator.ui.dialogs.agreement import CoderChecklist


class SampleDialog(QDialog):
    """How many articles, for which coders, from which seed; the draw is one transaction."""

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Draw a reliability sample")
        self.controller = controller
        project = controller.project
        total = project.documents.count()
        self.size = QSpinBox()
        self.size.setRange(1, max(total, 1))
        self.size.setValue(min(max(total // 5, 1), total or 1))
        self.size.setSuffix(f" of {total} articles")
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setValue(1)
        self.seed.setToolTip("The same seed draws the same articles")
        self.coders = CoderChecklist()
        names = [c.name for c in project.coders.all() if c.name != CONSENSUS]
        self.coders.fill(names, set(names))
        self.drawn: list[int] = []
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Draw and assign")
        buttons.accepted.connect(self.draw)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Articles:", self.size)
        form.addRow("Assign to:", self.coders)
        form.addRow("Seed:", self.seed)
        form.addRow(buttons)

    def draw(self) -> None:
        try:
            self.drawn, changes = draw_sample(
                self.controller.project, self.size.value(), self.coders.chosen(), self.seed.value()
            )
        except UserError as error:
            QMessageBox.warning(self, "Reliability sample", str(error))
            return
        self.controller.notify(changes)
        self.accept()
