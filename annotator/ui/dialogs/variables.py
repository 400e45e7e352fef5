"""An article's variables (Article → Variables…): every variable of the project with this
article's value, edited in place and checked as an import checks them."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserError
from annotator.domain.model import Variable, VariableType
from annotator.io.variables_csv import check_value
from annotator.ui.controller import Controller
from annotator.ui.models.documents import DocumentsModel

PLACEHOLDERS = {
    VariableType.DATE: "YYYY-MM-DD",
    VariableType.NUMBER: "a number, e.g. 412 or 3.5",
    VariableType.CATEGORY: "choose or type a category",
    VariableType.TEXT: "",
}
ERROR_STYLE = "color: #B00020"
#: A category with more values than this is typed, not chosen from a list.
MAX_LISTED = 500


class VariablesDialog(QDialog):
    """View and edit one article's variable values; Save checks them all, then stores them in
    one undoable step (Edit → Undo)."""

    def __init__(
        self,
        controller: Controller,
        document_id: int,
        model: DocumentsModel | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.document_id = document_id
        project = controller.project
        document = project.documents.get(document_id)
        self.setWindowTitle(f"Variables of “{document.name}”")
        self.before = project.documents.values(document_id)
        self.variables: list[Variable] = project.documents.variables()
        self.editors: dict[str, QLineEdit] = {}
        form_widget = QWidget()
        form = QFormLayout(form_widget)
        for variable in self.variables:
            field = self._field(variable, model)
            label = QLabel(
                f"{html.escape(variable.name)} "
                f"<span style='color: gray'>({variable.type.value})</span>"
            )
            label.setBuddy(field)
            form.addRow(label, field)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_widget)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.error = QLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)  # it quotes the value typed
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(f"<b>{html.escape(document.name)}</b> — {html.escape(document.source)}")
        )
        layout.addWidget(scroll, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        if not self.variables:
            self.note.setText(
                "This project has no variables yet. Import them with the articles: "
                "annotator import PROJECT FILES --variables meta.csv."
            )
            self.save_button.setEnabled(False)
        elif project.read_only:
            self.note.setText("The project is open read-only: its variables cannot be changed.")
            self.save_button.setEnabled(False)
            for editor in self.editors.values():
                editor.setReadOnly(True)
        self.resize(520, min(120 + 34 * len(self.variables), 640))

    def _field(self, variable: Variable, model: DocumentsModel | None) -> QWidget:
        """The widget that edits a variable: a list of the values in use for a category."""
        field: QWidget
        value = self.before.get(variable.name, "")
        if variable.type is VariableType.CATEGORY and model is not None:
            choices = QComboBox()
            choices.setEditable(True)
            choices.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            distinct = model.distinct_values(variable.name)
            if len(distinct) <= MAX_LISTED:
                choices.addItems([v for v, _ in distinct])
            editor = choices.lineEdit()
            choices.setEditText(value)
            field = choices
        else:
            editor = field = QLineEdit(value)
        editor.setPlaceholderText(PLACEHOLDERS[variable.type])
        editor.setToolTip(f"{variable.name}: a {variable.type.value} variable")
        editor.setClearButtonEnabled(True)
        self.editors[variable.name] = editor
        return field

    def edited(self) -> dict[str, str]:
        """The values the user changed, by variable name ("" for a value cleared)."""
        return {
            name: editor.text().strip()
            for name, editor in self.editors.items()
            if editor.text().strip() != self.before.get(name, "")
        }

    def accept(self) -> None:
        changed = self.edited()
        for variable in self.variables:  # point at the field before the service refuses it
            if changed.get(variable.name):
                try:
                    check_value(changed[variable.name], variable.type)
                except UserError as error:
                    self.error.setText(f"{variable.name}: {error}")
                    self.editors[variable.name].setFocus()
                    self.editors[variable.name].selectAll()
                    return
        try:
            self.controller.set_variables(self.document_id, changed)
        except UserError as error:
            self.error.setText(str(error))
            return
        super().accept()
