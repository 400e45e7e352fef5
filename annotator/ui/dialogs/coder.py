"""Who is coding: chosen or created on first launch, switchable from the Coder menu."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.codebook import check_name
from annotator.domain.errors import UserError
from annotator.domain.model import Coder
from annotator.services.coders import coding_as, machine_refusal
from annotator.storage import Project

NEW_CODER = "New coder…"


class CoderDialog(QDialog):
    """Pick one of the project's coders or type a new name."""

    def __init__(self, project: Project, current: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.setWindowTitle("Who is coding?")
        self.choice = QComboBox()
        # People only: a machine coder's codings come from its runs.
        names = [coder.name for coder in project.coders.humans()]
        self.choice.addItems([*names, NEW_CODER])
        if current in names:
            self.choice.setCurrentText(current)
        elif not names:
            self.choice.setCurrentText(NEW_CODER)
        self.name = QLineEdit()
        self.name.setPlaceholderText("Your name or initials")
        self.error = QLabel()
        self.error.setStyleSheet("color: #B00020")
        form = QFormLayout()
        form.addRow("Coder:", self.choice)
        form.addRow("New name:", self.name)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Your codings are saved under this name. Other coders' codings stay hidden "
                "while you code (blind mode)."
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.choice.currentTextChanged.connect(self._update)
        self._update()
        self.coder: Coder | None = None

    def _update(self) -> None:
        new = self.choice.currentText() == NEW_CODER
        self.name.setEnabled(new)
        if new:
            self.name.setFocus()

    def accept(self) -> None:
        try:
            if self.choice.currentText() == NEW_CODER:
                name = check_name(self.name.text())
                coder = self.project.coders.by_name(name)
                twin = coder or self.project.coders.similar(name)
                if twin is not None and twin.is_machine:  # "gemma" for the machine Gemma too
                    raise UserError(machine_refusal(twin))
                self.coder = coder or self.project.coders.add(name)
            else:
                self.coder = coding_as(self.project, self.choice.currentText())
        except UserError as error:
            self.error.setText(str(error))
            return
        super().accept()
