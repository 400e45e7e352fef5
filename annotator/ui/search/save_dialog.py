"""Save a search: its name, the code it applies (or none) and the unit it codes. A name
another saved search has, or a malformed query, is said in the dialog, which stays open."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserError
from annotator.services.autocode import Unit
from annotator.ui.controller import Controller
from annotator.ui.search.coding import CodeChooser, UnitChooser
from annotator.ui.search.query_bar import ERROR_STYLE

NO_CODE = "(no code: a search to run again)"
Save = Callable[[str, int | None, Unit], None]


class SaveSearchDialog(QDialog):
    """Name the search and tie it to a code; ``save`` keeps it (a :class:`UserError` it
    raises is shown here, and nothing is kept)."""

    def __init__(
        self,
        controller: Controller,
        save: Save,
        code_id: int | None = None,
        unit: Unit = Unit.HIT,
        *,
        name: str = "",
        title: str = "Save search",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.save = save
        self.name_edit = QLineEdit(name)
        self.name_edit.setPlaceholderText("remittances, brokers, …")
        self.code = CodeChooser()
        self.code.fill(controller.codebook, NO_CODE)
        self.code.choose(code_id)
        self.code.setToolTip(
            "A search tied to a code is a rule: run again on new articles, it codes what it "
            "finds with this code (several searches per code make a keyword dictionary)"
        )
        self.unit = UnitChooser()
        self.unit.set_unit(unit)
        self.error = QLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Name:", self.name_edit)
        form.addRow("&Code:", self.code)
        form.addRow("&Unit:", self.unit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.name_edit.textChanged.connect(self._check)
        self._check()
        self.resize(480, self.sizeHint().height())

    def _check(self) -> None:
        self.error.clear()
        self.save_button.setEnabled(bool(self.name_edit.text().strip()))

    def name(self) -> str:
        return self.name_edit.text().strip()

    def code_id(self) -> int | None:
        return self.code.code_id()

    def accept(self) -> None:
        try:
            self.save(self.name(), self.code_id(), self.unit.unit())
        except UserError as error:
            text = str(error)
            self.error.setText(text[:1].upper() + text[1:])
            return
        super().accept()
