"""Filter the article list by a variable: a value (or text within it), a range of dates or
numbers, or no value; the dialog counts the articles that match while the user types."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserError
from annotator.domain.model import Variable, VariableType
from annotator.ui.article_filter import Condition, Match
from annotator.ui.models.documents import DocumentsModel

#: More distinct values than this are not listed (a headline, a URL): the user types instead.
MAX_LISTED = 1000
RANGED = (VariableType.DATE, VariableType.NUMBER)
ERROR_STYLE = "color: #B00020"


class VariableFilterDialog(QDialog):
    """Choose a variable and what its value must be; :attr:`condition` holds the answer."""

    def __init__(
        self,
        model: DocumentsModel,
        variable: str | None = None,
        current: Condition | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Filter articles by a variable")
        self.model = model
        self.condition: Condition | None = None
        self.variables: list[Variable] = model.variables()
        self.variable = QComboBox()
        for v in self.variables:
            self.variable.addItem(f"{v.name}  ({v.type.value})", v.name)
        self.value = QComboBox()
        self.value.setEditable(True)
        self.value.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.value.lineEdit().setPlaceholderText("choose a value, or type part of one")
        self.low, self.high = QLineEdit(), QLineEdit()
        self.span = QLabel()
        self.span.setWordWrap(True)
        ranges = QWidget()
        range_form = QFormLayout(ranges)
        range_form.setContentsMargins(0, 0, 0, 0)
        range_form.addRow("From:", self.low)
        range_form.addRow("To:", self.high)
        range_form.addRow(self.span)
        values = QWidget()
        value_form = QFormLayout(values)
        value_form.setContentsMargins(0, 0, 0, 0)
        value_form.addRow("Value:", self.value)
        self.pages = QStackedWidget()
        self.pages.addWidget(values)
        self.pages.addWidget(ranges)
        self.empty = QCheckBox("Articles with no value")
        self.count = QLabel()
        self.count.setTextFormat(Qt.TextFormat.PlainText)  # it quotes values
        self.error = QLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Filter")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Variable:", self.variable)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.pages)
        layout.addWidget(self.empty)
        layout.addWidget(self.count)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.variable.currentIndexChanged.connect(self._variable_changed)
        self.value.editTextChanged.connect(self._update_count)
        self.low.textChanged.connect(self._update_count)
        self.high.textChanged.connect(self._update_count)
        self.empty.toggled.connect(self._update_count)
        self.empty.toggled.connect(lambda empty: self.pages.setEnabled(not empty))
        chosen = current.variable if current is not None else variable
        names = [v.name for v in self.variables]
        self.variable.setCurrentIndex(names.index(chosen) if chosen in names else 0)
        self._variable_changed()
        if current is not None:
            self._show(current)
        self.resize(460, self.sizeHint().height())

    def current_variable(self) -> Variable | None:
        index = self.variable.currentIndex()
        return self.variables[index] if 0 <= index < len(self.variables) else None

    def _variable_changed(self) -> None:
        variable = self.current_variable()
        if variable is None:
            self.count.setText("This project has no variables to filter by.")
            self.ok_button.setEnabled(False)
            return
        self.empty.setText(f"Articles with no {variable.name}")
        ranged = variable.type in RANGED
        self.pages.setCurrentIndex(1 if ranged else 0)
        distinct = self.model.distinct_values(variable.name)
        if ranged:
            hint = (
                "a year (2003), a month (2003-03) or a day (2003-03-07)"
                if variable.type is VariableType.DATE
                else "a number"
            )
            for edit in (self.low, self.high):
                edit.clear()
                edit.setPlaceholderText(hint)
            self.span.setText(self._span_text(variable, [value for value, _ in distinct]))
        else:
            self.value.clear()
            if len(distinct) <= MAX_LISTED:
                for value, count in distinct:
                    self.value.addItem(value)
                    self.value.setItemData(
                        self.value.count() - 1,
                        f"{count} article{'s' * (count != 1)}",
                        Qt.ItemDataRole.ToolTipRole,
                    )
            self.value.setEditText("")
        self._update_count()

    def _span_text(self, variable: Variable, values: list[str]) -> str:
        if not values:
            return f"No article has a {variable.name}."
        if variable.type is VariableType.NUMBER:
            numbers = []
            for value in values:
                try:
                    numbers.append(float(value))
                except ValueError:
                    continue
            if not numbers:
                return ""
            return f"Values from {min(numbers):g} to {max(numbers):g}."
        return f"Dates from {min(values)} to {max(values)}."

    def _show(self, condition: Condition) -> None:
        if condition.match is Match.EMPTY:
            self.empty.setChecked(True)
        elif condition.match is Match.RANGE:
            self.low.setText(condition.low)
            self.high.setText(condition.high)
        else:
            self.value.setEditText(condition.text)

    def current_condition(self) -> Condition | None:
        """The condition the dialog shows now; None if nothing is asked for. Raises
        :class:`UserError` for a range that is not one."""
        variable = self.current_variable()
        if variable is None:
            return None
        if self.empty.isChecked():
            return Condition(variable.name, variable.type, Match.EMPTY)
        if variable.type in RANGED:
            if not (self.low.text().strip() or self.high.text().strip()):
                return None
            return Condition.range_of(
                variable.name, variable.type, self.low.text(), self.high.text()
            )
        text = self.value.currentText().strip()
        if not text:
            return None
        listed = {value.casefold() for value, _ in self.model.distinct_values(variable.name)}
        match = Match.IS if text.casefold() in listed else Match.CONTAINS
        return Condition(variable.name, variable.type, match, text=text)

    def _update_count(self) -> None:
        self.error.clear()
        try:
            condition = self.current_condition()
        except UserError as error:
            self.count.setText("")
            self.error.setText(str(error))
            self.ok_button.setEnabled(False)
            return
        self.ok_button.setEnabled(condition is not None)
        if condition is None:
            self.count.setText("")
            return
        values = self.model.values_of(condition.variable)
        total = self.model.rowCount()
        if condition.match is Match.EMPTY:
            matching = total - len(values)
        else:
            matching = sum(1 for value in values.values() if condition.accepts(value))
        self.count.setText(f"{condition.describe()}: {matching} of {total} articles")

    def accept(self) -> None:
        try:
            self.condition = self.current_condition()
        except UserError as error:
            self.error.setText(str(error))
            return
        if self.condition is not None:
            super().accept()
