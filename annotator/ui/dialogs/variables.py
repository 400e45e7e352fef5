"""An article's variables (Article → Variables…, or the link in the reader's header): every
variable of the project with this article's value, edited in an editor of its type (a date
with a calendar, a number that takes only digits, a category chosen from the values in use)
and checked as an import checks them."""

from __future__ import annotations

import html

from PySide6.QtCore import QDate, QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from annotator.domain.errors import UserError
from annotator.domain.model import Variable, VariableType
from annotator.io.variables_csv import check_value
from annotator.ui.controller import Controller
from annotator.ui.models.documents import TITLE, DocumentsModel

PLACEHOLDERS = {
    VariableType.DATE: "YYYY-MM-DD",
    VariableType.NUMBER: "a number, e.g. 412 or 3.5",
    VariableType.CATEGORY: "choose or type a category",
    VariableType.TEXT: "",
}
ERROR_STYLE = "color: #B00020"
#: A category with more values than this is typed, not chosen from a list.
MAX_LISTED = 500
# What may be typed on the way to a valid value (the check on Save is variables_csv's).
TYPING = {
    VariableType.NUMBER: r"[+-]?\d*(\.\d*)?([eE][+-]?\d*)?",
    VariableType.DATE: r"\d{0,4}(-\d{0,2}(-\d{0,2})?)?",
}


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
        self.before = project.documents.values(document_id)
        headline = " ".join(self.before.get(TITLE, "").split()) or document.name
        self.setWindowTitle(f"Variables of “{document.name}”")
        self.variables: list[Variable] = project.documents.variables()
        self.editors: dict[str, QLineEdit] = {}
        self.calendars: dict[QLineEdit, QCalendarWidget] = {}
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
        self.heading = QLabel(
            f"<b>{html.escape(headline)}</b><br><span style='color: gray'>"
            f"{html.escape(document.name)} — {html.escape(document.source)}</span>"
        )
        self.heading.setWordWrap(True)  # a long headline wraps, not widens the dialog
        layout.addWidget(self.heading)
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
        self.resize(540, min(160 + 34 * len(self.variables), 640))  # room for a two-line headline

    def _field(self, variable: Variable, model: DocumentsModel | None) -> QWidget:
        """The widget that edits a variable, by its type: a list of the values in use for a
        category, a calendar beside a date, only what can become a number for a number."""
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
        if variable.type in TYPING:
            pattern = QRegularExpression(TYPING[variable.type])
            editor.setValidator(QRegularExpressionValidator(pattern, editor))
        if variable.type is VariableType.DATE:
            field = self._with_calendar(editor)
        editor.setPlaceholderText(PLACEHOLDERS[variable.type])
        editor.setToolTip(f"{variable.name}: a {variable.type.value} variable")
        editor.setClearButtonEnabled(True)
        editor.setCursorPosition(0)  # a long value (a headline) shows from its start
        editor.textChanged.connect(lambda _=None, v=variable: self._check(v))
        self.editors[variable.name] = editor
        return field

    def _with_calendar(self, editor: QLineEdit) -> QWidget:
        """A date's line with a button that opens a calendar on its date (today if none)."""
        button = QToolButton()
        button.setText("Calendar")
        button.setToolTip("Choose the date on a calendar")
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(button)
        calendar = QCalendarWidget()
        action = QWidgetAction(menu)
        action.setDefaultWidget(calendar)
        menu.addAction(action)
        button.setMenu(menu)

        def opening() -> None:
            shown = QDate.fromString(editor.text().strip(), Qt.DateFormat.ISODate)
            calendar.setSelectedDate(shown if shown.isValid() else QDate.currentDate())

        def chosen(day: QDate) -> None:
            editor.setText(day.toString(Qt.DateFormat.ISODate))
            menu.hide()

        menu.aboutToShow.connect(opening)
        calendar.clicked.connect(chosen)
        calendar.activated.connect(chosen)
        self.calendars[editor] = calendar
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(editor, 1)
        line.addWidget(button)
        return row

    def _check(self, variable: Variable) -> None:
        """Say at once when a value does not fit its type (Save stays possible: it says
        again, and points at the field)."""
        text = self.editors[variable.name].text().strip()
        problem = ""
        if text and variable.type in TYPING:
            try:
                check_value(text, variable.type)
            except UserError as error:
                problem = f"{variable.name}: {error}"
        if problem or self.error.text().startswith(f"{variable.name}: "):
            self.error.setText(problem)

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
