"""Editing the codebook: add, rename, recolour, describe, reorder, move, merge, delete."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserError
from annotator.domain.model import Code
from annotator.services import CodebookImportReport, import_codebook
from annotator.ui.codebook_commands import CodebookEditor, CodeFields
from annotator.ui.controller import Controller
from annotator.ui.models.codebook import CodebookModel, swatch
from annotator.ui.panels import CodebookView

CODEBOOK_FILES = (
    "Codebooks (*.json *.csv *.qdc);;annotator codebooks (*.json);;CSV (*.csv);;"
    "REFI-QDA codebooks (*.qdc);;All files (*)"
)


def import_codebook_file(
    controller: Controller, parent: QWidget, path: Path | None = None
) -> CodebookImportReport | None:
    """Codebook → Import: merge a .json, .csv or REFI-QDA .qdc codebook by path (nothing is
    removed), in one transaction, and say what it added and changed."""
    if path is None:
        name, _ = QFileDialog.getOpenFileName(parent, "Import codebook", "", CODEBOOK_FILES)
        if not name:
            return None
        path = Path(name)
    try:
        report = import_codebook(controller.project, path)
    except UserError as error:
        QMessageBox.warning(parent, "Import codebook", str(error))
        return None
    controller.notify(report.changes)
    details = report.details()
    lines = [
        report.summary().capitalize() + ".",
        *details[:60],
        *(["…"] if len(details) > 60 else []),
        *(f"warning: {w}" for w in report.warnings),
    ]
    # Escaped and set as rich text: a code's name is shown as it is, never read as HTML.
    QMessageBox.information(
        parent, "Import codebook", "<br>".join(html.escape(line) for line in lines)
    )
    return report


class CodebookDialog(QDialog):
    """The codebook tree beside a form for the chosen dimension or code.

    Every change is saved at once; adding, editing and moving can be undone with Ctrl+Z.
    """

    def __init__(
        self, controller: Controller, model: CodebookModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.editor = CodebookEditor(controller)
        self.setWindowTitle("Codebook")
        self.resize(900, 600)
        self.tree = CodebookView(model)
        self.tree.selectionModel().currentChanged.connect(self._chosen)
        model.modelReset.connect(self._reselect)
        self.name = QLineEdit()
        self.color = QPushButton()
        self.color.clicked.connect(self._pick_color)
        self.shortcut = QLineEdit()
        self.shortcut.setMaxLength(1)
        self.shortcut.setFixedWidth(40)
        self.exclusive = QCheckBox("Codes are mutually exclusive on a passage")
        self.description = QPlainTextEdit()
        self.description.setPlaceholderText("Definition: …\nInclude: …\nExclude: …\nExample: …")
        self.usage = QLabel()
        self.save = QPushButton("&Save changes")
        self.save.clicked.connect(self._save_clicked)
        form = QFormLayout()
        form.addRow("Name:", self.name)
        form.addRow("Colour:", self.color)
        form.addRow("Key:", self.shortcut)
        form.addRow("", self.exclusive)
        form.addRow("Definition:", self.description)
        form.addRow("", self.usage)
        form.addRow("", self.save)
        buttons = QGridLayout()
        actions = [
            ("Add &dimension", self.add_dimension),
            ("Add &code", self.add_code),
            ("Move &up", lambda: self.move_by(-1)),
            ("Move do&wn", lambda: self.move_by(1)),
            ("Move &to…", self.move_to),
            ("&Merge into…", self.merge_into),
            ("De&lete…", self.delete),
            ("&Import…", lambda: import_codebook_file(self.controller, self)),
        ]
        for number, (text, slot) in enumerate(actions):
            button = QPushButton(text)
            button.clicked.connect(lambda *_, s=slot: self._guarded(s))
            buttons.addWidget(button, number // 4, number % 4)
        left = QVBoxLayout()
        left.addWidget(self.tree, 1)
        left.addLayout(buttons)
        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addLayout(form, 2)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(body)
        layout.addWidget(close)
        self._code: Code | None = None
        self._color = "#FFFFFF"
        self._set_form(None)

    # -- the form ----------------------------------------------------------------------------------

    def _guarded(self, action: object) -> None:
        try:
            assert callable(action)
            action()
        except UserError as error:
            QMessageBox.warning(self, "Codebook", str(error))

    def current(self) -> Code | None:
        code = self.tree.current_code()
        return None if code is None else self.controller.project.codebook.get(code.id)

    def select(self, code_id: int) -> None:
        self.tree.setCurrentIndex(self.tree.codebook_model().index_of(code_id))

    def _chosen(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._code is not None and self._dirty():
            self._guarded(self.save_form)
        self._set_form(self.current())

    def _reselect(self) -> None:
        self.tree.expandAll()
        if self._code is not None and self._code.id in self.controller.codebook:
            self.select(self._code.id)
        else:
            self._set_form(None)

    def _set_form(self, code: Code | None) -> None:
        self._code = code
        for widget in (
            self.name,
            self.color,
            self.shortcut,
            self.exclusive,
            self.description,
            self.save,
        ):
            widget.setEnabled(code is not None)
        if code is None:
            self.usage.setText("Choose a dimension or code on the left.")
            return
        self.name.setText(code.name)
        self._show_color(code.color)
        self.shortcut.setText(code.shortcut or "")
        self.shortcut.setEnabled(not code.is_dimension)
        self.exclusive.setChecked(code.exclusive)
        self.exclusive.setEnabled(code.is_dimension)
        self.description.setPlainText(code.description)
        self.usage.setText(f"Used by {self.editor.usage(code.id)} codings (all coders).")

    def _show_color(self, color: str) -> None:
        self._color = color
        self.color.setText(color)
        self.color.setIcon(swatch(color, 16))

    def _pick_color(self) -> None:
        chosen = QColorDialog.getColor(QColor(self._color), self, "Code colour")
        if chosen.isValid():
            self._show_color(chosen.name().upper())

    def fields(self) -> CodeFields:
        shortcut = self.shortcut.text().strip() or None
        return CodeFields(
            name=self.name.text().strip(),
            color=self._color,
            description=self.description.toPlainText(),
            shortcut=shortcut.lower() if shortcut else None,
            exclusive=self.exclusive.isChecked(),
        )

    def _dirty(self) -> bool:
        return self._code is not None and CodeFields.of(self._code) != self.fields()

    def _save_clicked(self) -> None:
        """Save changes: a change refused (a name taken, a dimension whose codings forbid making
        it exclusive) is shown, and the form goes back to what is stored."""
        try:
            self.save_form()
        except UserError as error:
            QMessageBox.warning(self, "Codebook", str(error))
            self._set_form(self.current())

    def save_form(self) -> None:
        if self._code is None or not self._dirty():
            return
        code_id = self._code.id
        self.editor.update(code_id, self.fields())
        self._code = self.controller.project.codebook.get(code_id)

    # -- structure ---------------------------------------------------------------------------------

    def _ask_name(self, title: str) -> str | None:
        name, ok = QInputDialog.getText(self, title, "Name:")
        return name.strip() if ok and name.strip() else None

    def add_dimension(self, name: str | None = None) -> Code | None:
        name = name or self._ask_name("New dimension")
        if not name:
            return None
        code = self.editor.add(name, None)
        self.select(code.id)
        return code

    def add_code(self, name: str | None = None) -> Code | None:
        parent = self.current()
        if parent is None:
            raise UserError("choose the dimension (or code) the new code goes under")
        name = name or self._ask_name(f"New code under {parent.name}")
        if not name:
            return None
        code = self.editor.add(name, parent.id)
        self.select(code.id)
        return code

    def move_by(self, step: int) -> None:
        code = self.current()
        if code is None:
            return
        siblings = self.controller.codebook.children(code.parent_id)
        position = next(i for i, sibling in enumerate(siblings) if sibling.id == code.id) + step
        if 0 <= position < len(siblings):
            self.editor.move(code.id, code.parent_id, position)
            self.select(code.id)

    def move_to(self, parent_id: int | None = None, *, ask: bool = True) -> None:
        code = self.current()
        if code is None:
            return
        if ask:
            codebook = self.controller.codebook
            below = set(self.controller.project.codebook.subtree(code.id))
            targets = [c for c in codebook.walk() if c.id not in below]
            labels = ["(top level: make it a dimension)", *(codebook.path(c.id) for c in targets)]
            label, ok = QInputDialog.getItem(
                self, f"Move {code.name}", "Move under:", labels, 0, False
            )
            if not ok:
                return
            parent_id = None if label == labels[0] else targets[labels.index(label) - 1].id
        position = len(self.controller.codebook.children(parent_id))
        self.editor.move(code.id, parent_id, position)
        self.select(code.id)

    def merge_into(self, target_id: int | None = None, *, confirm: bool = True) -> None:
        code = self.current()
        if code is None or code.is_dimension:
            raise UserError("choose the code to merge into another")
        codebook = self.controller.codebook
        if target_id is None:
            targets = [c for c in codebook.codes() if c.id != code.id]
            labels = [codebook.path(c.id) for c in targets]
            label, ok = QInputDialog.getItem(
                self, f"Merge {code.name}", "Merge into:", labels, 0, False
            )
            if not ok:
                return
            target_id = targets[labels.index(label)].id
        usage = self.editor.usage(code.id)
        question = (
            f"Move the {usage} codings of '{codebook.path(code.id)}' to "
            f"'{codebook.path(target_id)}' and remove '{code.name}'?\n\nThis cannot be undone."
        )
        if confirm and not self._confirmed("Merge codes", question):
            return
        moved = self.editor.merge(code.id, target_id)
        self.select(target_id)
        self.usage.setText(f"Merged: {moved} codings moved.")

    def delete(self, *, confirm: bool = True) -> None:
        code = self.current()
        if code is None:
            return
        usage = self.editor.usage(code.id)
        below = len(self.controller.project.codebook.subtree(code.id)) - 1
        what = f"'{self.controller.codebook.path(code.id)}'" + (
            f" and the {below} codes below it" if below else ""
        )
        question = (
            f"Delete {what}?\n\n{usage} codings use them and will be deleted too. "
            "This cannot be undone."
        )
        if confirm and not self._confirmed("Delete", question):
            return
        self.editor.delete(code.id)

    def _confirmed(self, title: str, question: str) -> bool:
        answer = QMessageBox.question(
            self,
            title,
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def reject(self) -> None:
        self._guarded(self.save_form)
        super().reject()
