"""The codebook editor's form for one dimension or code, saved as the rest of the app saves.

Each field is committed when the user leaves it (the name and the definition), at once (the
key, the colour, the exclusive box), and before anything else happens in the editor; every
commit is one undoable step. A field the project refuses (a key in use, an empty name) is kept
as typed, framed in red with the reason as its tooltip, and named in the line under the form;
nothing typed is thrown away unless the user chooses to discard it.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QFocusEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from annotator.domain.errors import UserError
from annotator.domain.model import Code
from annotator.ui.codebook_commands import CodebookEditor, CodeFields
from annotator.ui.exclusive_prompts import show_refusal
from annotator.ui.models.codebook import swatch

#: The fields a user types into, in form order, with the label the form shows them under.
TYPED = {"name": "Name", "shortcut": "Key", "description": "Definition"}
INVALID_STYLE = "border: 2px solid #C62828;"


class CodeForm(QWidget):
    """The fields of the chosen node; see the module docstring for when they are saved."""

    def __init__(self, editor: CodebookEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.code: Code | None = None
        self._shown: CodeFields | None = None  # the stored fields the widgets were filled from
        self.problems: dict[str, str] = {}  # field -> why the project refused what is typed
        self.name = QLineEdit()
        self.name.editingFinished.connect(lambda: self.commit_field("name"))
        self.color = QPushButton()
        self.color.setAutoDefault(False)
        self.color.clicked.connect(self._pick_color)
        self.shortcut = QLineEdit()
        self.shortcut.setMaxLength(1)
        self.shortcut.setFixedWidth(40)
        self.shortcut.textEdited.connect(lambda _: self.commit_field("shortcut"))
        self.exclusive = QCheckBox("Codes are mutually exclusive on a passage")
        self.exclusive.clicked.connect(self._exclusive_clicked)
        self.description = _Definition()
        self.description.setPlaceholderText("Definition: …\nInclude: …\nExclude: …\nExample: …")
        self.description.left.connect(lambda: self.commit_field("description"))
        self.usage = QLabel()
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.name.textChanged.connect(self._show_state)
        self.description.textChanged.connect(self._show_state)
        self._color = "#FFFFFF"
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Name:", self.name)
        form.addRow("Colour:", self.color)
        form.addRow("Key:", self.shortcut)
        form.addRow("", self.exclusive)
        form.addRow("Definition:", self.description)
        form.addRow("", self.usage)
        form.addRow("", self.state)
        self.show_code(None)

    # -- showing -----------------------------------------------------------------------------

    def show_code(self, code: Code | None) -> None:
        """Fill the form from ``code`` as stored. For the code already shown (the codebook
        changed under it) a field that is being edited or was refused keeps what is typed."""
        same = code is not None and self.code is not None and code.id == self.code.id
        kept = self.unsaved_fields() if same else set()
        if not same:
            self._clear_problems()
        self.code = code
        for widget in (self.name, self.color, self.shortcut, self.exclusive, self.description):
            widget.setEnabled(code is not None)
        if code is None:
            self._shown = None
            self.usage.setText("Choose a dimension or code on the left.")
            self._show_state()
            return
        stored = CodeFields.of(code)
        if "name" not in kept:
            self.name.setText(stored.name)
        if "color" not in kept:
            self._show_color(stored.color)
        if "shortcut" not in kept:
            self.shortcut.setText(stored.shortcut or "")
        if "description" not in kept:
            self.description.setPlainText(stored.description)
        self.exclusive.setChecked(stored.exclusive)
        self._shown = stored
        self.shortcut.setEnabled(not code.is_dimension)
        self.exclusive.setEnabled(code.is_dimension)
        self.usage.setText(f"Used by {self.editor.usage(code.id)} codings (all coders).")
        self._show_state()

    def _show_color(self, color: str) -> None:
        self._color = color
        self.color.setText(color)
        self.color.setIcon(swatch(color, 16))

    def fields(self) -> CodeFields:
        """What the form holds now."""
        shortcut = self.shortcut.text().strip() or None
        return CodeFields(
            name=self.name.text().strip(),
            color=self._color,
            description=self.description.toPlainText(),
            shortcut=shortcut.lower() if shortcut else None,
            exclusive=self.exclusive.isChecked(),
        )

    def unsaved_fields(self) -> set[str]:
        """The fields whose widgets differ from what was stored when they were filled."""
        if self._shown is None:
            return set()
        typed = self.fields()
        return {
            f
            for f in ("name", "color", "shortcut", "description")
            if _differs(typed, f, self._shown)
        }

    def _show_state(self) -> None:
        """The line under the form: what is refused and why, what is not saved yet, or that
        everything is saved."""
        if self.code is None:
            self.state.setText("")
            return
        if self.problems:
            field, why = next(iter(self.problems.items()))
            self.state.setStyleSheet("color: #C62828;")
            self.state.setText(
                f"Not saved — {TYPED.get(field, field)}: {why}. Correct it; choosing another "
                "code or closing asks whether to discard it."
            )
            return
        waiting = [TYPED[f] for f in TYPED if f in self.unsaved_fields()]
        self.state.setStyleSheet("")
        self.state.setText(
            f"Not saved yet: {', '.join(waiting)} (saved when you leave the field)."
            if waiting
            else "All changes saved (Ctrl+Z in the window undoes them)."
        )

    # -- committing ----------------------------------------------------------------------------

    def commit_field(self, field: str) -> bool:
        """Save one field as typed, on top of what is stored; False (the field kept as typed
        and marked) when the project refuses it."""
        if self.code is None or self._shown is None:
            return True
        if field not in self.problems and not _differs(self.fields(), field, self._shown):
            return True  # nothing typed: the project is not even read
        stored = CodeFields.of(self.editor.project.codebook.get(self.code.id))
        typed = self.fields()
        if not _differs(typed, field, stored):
            self._set_problem(field, None)
            return True
        try:
            self.editor.update(self.code.id, replace(stored, **{field: getattr(typed, field)}))
        except UserError as error:
            self._set_problem(field, str(error))
            return False
        self._set_problem(field, None)
        self._refresh()
        return True

    def commit_all(self) -> bool:
        """Save every unsaved field, in one undoable step when they all fit; otherwise each
        that fits on its own. False when a field is refused (it stays as typed, marked)."""
        if self.code is None:
            return True
        unsaved = self.unsaved_fields() | set(self.problems)
        if not unsaved:
            return True
        stored = CodeFields.of(self.editor.project.codebook.get(self.code.id))
        typed = self.fields()
        try:
            self.editor.update(
                self.code.id, replace(stored, **{f: getattr(typed, f) for f in unsaved})
            )
        except UserError:
            for field in sorted(unsaved, key=_order):
                self.commit_field(field)
            return not self.problems
        self._clear_problems()
        self._refresh()
        return True

    def discard(self) -> None:
        """Forget what is typed: the form shows the node as stored."""
        self._clear_problems()
        self._shown = None
        code = self.code
        self.code = None
        self.show_code(None if code is None else self.editor.project.codebook.get(code.id))

    def focus_problem(self) -> None:
        """Put the cursor in the first refused field."""
        if self.problems:
            widget = getattr(self, next(iter(self.problems)))
            widget.setFocus()

    def problem(self) -> str | None:
        """The first refused field and why, as one line, or None."""
        if not self.problems:
            return None
        field, why = next(iter(self.problems.items()))
        return f"{TYPED.get(field, field)}: {why}"

    def _refresh(self) -> None:
        """After a commit: the stored node is what the form now starts from."""
        if self.code is not None:
            self.show_code(self.editor.project.codebook.get(self.code.id))

    def _set_problem(self, field: str, why: str | None) -> None:
        widget = getattr(self, field)
        if why is None:
            self.problems.pop(field, None)
            widget.setStyleSheet("")
            widget.setToolTip("")
            widget.setProperty("invalid", False)
        else:
            self.problems[field] = why
            widget.setStyleSheet(INVALID_STYLE)
            widget.setToolTip(f"Not saved: {why}")
            widget.setProperty("invalid", True)
            widget.setFocus()
        self._show_state()

    def _clear_problems(self) -> None:
        for field in list(self.problems):
            self._set_problem(field, None)

    def _pick_color(self) -> None:
        chosen = QColorDialog.getColor(QColor(self._color), self, "Code colour")
        if chosen.isValid():
            self._show_color(chosen.name().upper())
            self.commit_field("color")

    def _exclusive_clicked(self) -> None:
        """Ticking the box is saved at once; over clashing codings it is refused with every
        clash listed, and the box shows what is stored."""
        if self.code is None:
            return
        try:
            stored = CodeFields.of(self.editor.project.codebook.get(self.code.id))
            self.editor.update(self.code.id, replace(stored, exclusive=self.exclusive.isChecked()))
        except UserError as error:
            show_refusal(self, "Codebook", error)
        self._refresh()


class _Definition(QPlainTextEdit):
    """A plain-text edit that says when the user leaves it (it has no editingFinished)."""

    left = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.left.emit()


def _order(field: str) -> int:
    return ("name", "color", "shortcut", "description").index(field)


def _differs(first: CodeFields, field: str, second: CodeFields) -> bool:
    return bool(getattr(first, field) != getattr(second, field))
