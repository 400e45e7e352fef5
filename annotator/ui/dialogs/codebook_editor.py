"""Editing the codebook: add, rename, recolour, describe, reorder, move, merge, delete."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserError
from annotator.domain.exclusive import ExclusiveRuleError
from annotator.domain.model import Code, Coding
from annotator.services import CodebookImportReport, import_codebook
from annotator.ui.codebook_commands import CodebookEditor, CodeFields
from annotator.ui.controller import Controller
from annotator.ui.dialogs.codebook_form import CodeForm
from annotator.ui.exclusive_prompts import drop_asked, show_refusal
from annotator.ui.models.codebook import CodebookModel
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

    Every change is saved as it is made (a field when it is left), as everywhere in the app;
    adding, editing and moving can be undone with Ctrl+Z. A field the project refuses stays as
    typed and marked; choosing another node or closing then asks before discarding it.
    """

    def __init__(
        self, controller: Controller, model: CodebookModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.editor = CodebookEditor(controller)
        self.setWindowTitle("Codebook")
        self.resize(900, 600)
        self._busy = False  # switching nodes: selections made meanwhile are ours
        self.tree = CodebookView(model)
        self.tree.selectionModel().currentChanged.connect(self._chosen)
        model.modelReset.connect(self._reselect)
        self.form = CodeForm(self.editor)
        self.name, self.shortcut = self.form.name, self.form.shortcut
        self.exclusive, self.description = self.form.exclusive, self.form.description
        self.usage, self.state = self.form.usage, self.form.state
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
            button.setAutoDefault(False)  # Enter in a field saves it; it presses no button
            button.clicked.connect(lambda *_, s=slot: self._guarded(s))
            buttons.addWidget(button, number // 4, number % 4)
        left = QVBoxLayout()
        left.addWidget(self.tree, 1)
        left.addLayout(buttons)
        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addWidget(self.form, 2)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        close.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.addLayout(body)
        layout.addWidget(close)

    # -- the form ----------------------------------------------------------------------------------

    def _guarded(self, action: object) -> None:
        try:
            assert callable(action)
            action()
        except UserError as error:
            show_refusal(self, "Codebook", error)

    def current(self) -> Code | None:
        code = self.tree.current_code()
        return None if code is None else self.controller.project.codebook.get(code.id)

    def select(self, code_id: int) -> None:
        self.tree.setCurrentIndex(self.tree.codebook_model().index_of(code_id))

    def _chosen(self, current: QModelIndex, previous: QModelIndex) -> None:
        """Another node chosen: the form's unsaved fields are saved first; one the project
        refuses makes the editor ask (discard it, or go back and correct it)."""
        if self._busy:
            return
        chosen = self.current()
        shown = self.form.code
        if shown is not None and (chosen is None or chosen.id != shown.id):
            self._busy = True
            try:
                if not self.leave_form(f"Choosing another code leaves '{shown.name}'"):
                    self.select(shown.id)
                    self.form.focus_problem()
                    return
                if chosen is not None:
                    self.select(chosen.id)  # a saved field rebuilt the tree
            finally:
                self._busy = False
            chosen = self.current()
        self.form.show_code(chosen)

    def leave_form(self, leaving: str) -> bool:
        """Save what the form holds; when the project refuses a field, ask whether to discard
        it. Returns False to stay (the field kept as typed)."""
        if self.form.commit_all():
            return True
        code = self.form.code
        assert code is not None
        answer = QMessageBox.question(
            self,
            "Codebook",
            f"{leaving}, but a change to it cannot be saved — {self.form.problem()}.\n\n"
            "Discard your changes to it, or Cancel to go back and correct the field?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Discard:
            self.form.discard()
            return True
        return False

    def _reselect(self) -> None:
        self.tree.expandAll()
        if self._busy:
            return
        code = self.form.code
        if code is not None and code.id in self.controller.codebook:
            self.select(code.id)
        else:
            self.form.show_code(None)

    def fields(self) -> CodeFields:
        return self.form.fields()

    def _show_color(self, color: str) -> None:
        """Set the colour as the colour dialog does (saved at once)."""
        self.form._show_color(color)
        self.form.commit_field("color")

    def save_form(self) -> bool:
        """Save every unsaved field now; False when one is refused (kept as typed, marked)."""
        return self.form.commit_all()

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
        try:
            self.editor.move(code.id, parent_id, position)
        except ExclusiveRuleError as error:
            assert parent_id is not None  # only a dimension's rule refuses
            if not self._drop_asked(error, code, parent_id):
                return
            dropped: list[Coding] = []
            self.editor.move_dropping(code.id, parent_id, dropped)
            self.usage.setText(f"Moved; {len(dropped)} clashing codings removed.")
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
        dropped: list[Coding] = []
        try:
            moved = self.editor.merge(code.id, target_id)
        except ExclusiveRuleError as error:
            if not self._drop_asked(error, code, target_id):
                return
            moved = self.editor.merge(code.id, target_id, dropped=dropped)
        self.select(target_id)
        removed = f", {len(dropped)} clashing codings removed" if dropped else ""
        self.usage.setText(f"Merged: {moved} codings moved{removed}.")

    def _drop_asked(self, error: ExclusiveRuleError, code: Code, into: int) -> bool:
        dimension = self.controller.codebook.dimension_of(into).name
        return drop_asked(self, error, self.controller.codebook.path(code.id), dimension)

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
        """Close: the form is saved first; a field the project refuses makes the editor ask."""
        if not self.leave_form("Closing the codebook editor"):
            self.form.focus_problem()
            return
        super().reject()
