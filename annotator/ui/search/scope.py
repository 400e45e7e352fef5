"""Where to search (or count words): every article, those whose variables meet conditions
(chosen in the article list's variable filter), only inside the passages of chosen codes,
by chosen coders — any of them together."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from annotator.services.article_filter import Condition
from annotator.services.changes import Changes
from annotator.services.search import Scope
from annotator.ui.controller import Controller
from annotator.ui.dialogs.retrieval_choices import ChecklistButton
from annotator.ui.dialogs.variable_filter import VariableFilterDialog
from annotator.ui.models.codebook import swatch
from annotator.ui.models.documents import DocumentsModel

EVERY_ARTICLE = "Every article"


class ScopeChooser(QWidget):
    """Conditions on variables, codes to search within and whose passages; :attr:`changed`
    says when any of them changes."""

    changed = Signal()

    def __init__(
        self,
        controller: Controller,
        documents: DocumentsModel,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.documents = documents
        self.conditions: list[Condition] = []
        self.variable_button = QPushButton("&Variable…")
        self.variable_button.setToolTip(
            "Only articles whose variable matches (as the article list filters)"
        )
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Search every article again")
        self.conditions_label = QLabel(EVERY_ARTICLE)
        self.conditions_label.setTextFormat(Qt.TextFormat.PlainText)
        self.conditions_label.setSizePolicy(
            QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred
        )
        self.within = ChecklistButton("Whole articles", "codes")
        self.within.setToolTip("Only inside the passages coded with these codes")
        self.coders = ChecklistButton("Anyone's", "coders")
        self.coders.setToolTip("Whose passages of those codes")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("In:"))
        layout.addWidget(self.variable_button)
        layout.addWidget(self.clear_button)
        layout.addWidget(self.conditions_label, 2)
        layout.addSpacing(8)
        layout.addWidget(QLabel("Within passages of:"))
        layout.addWidget(self.within, 2)
        layout.addWidget(QLabel("by"))
        layout.addWidget(self.coders, 1)
        self.coders.setMaximumWidth(180)
        self.variable_button.clicked.connect(self.add_variable_filter)
        self.clear_button.clicked.connect(self.clear_conditions)
        self.within.changed.connect(self._within_changed)
        self.coders.changed.connect(self.changed.emit)
        controller.changed.connect(self._on_changed)
        controller.visibilityChanged.connect(self.fill)
        controller.coderChanged.connect(self.fill)
        self.fill()
        self._show_conditions()

    def fill(self) -> None:
        """(Re)build the code and coder choices, keeping what is chosen."""
        codebook = self.controller.codebook
        entries = []
        for dimension in codebook.dimensions():
            entries.append(
                (dimension.id, f"{dimension.name} (all its codes)", swatch(dimension.color))
            )
            for code in codebook.walk(dimension.id):
                entries.append((code.id, "    " + codebook.path(code.id), swatch(code.color)))
        self.within.blockSignals(True)
        self.within.set_entries(entries)
        self.within.blockSignals(False)
        # Blind mode: only one's own passages (as the retrieval view).
        visible = self.controller.visible_coder_ids()
        coders = self.controller.project.coders.all()
        self.coders.blockSignals(True)
        self.coders.set_entries(
            [(c.id, c.name, None) for c in coders if visible is None or c.id in visible]
        )
        self.coders.none_text = "Anyone's" if visible is None else "Mine"
        self.coders.set_checked(self.coders.checked())
        self.coders.blockSignals(False)
        self._within_changed()

    def _on_changed(self, changes: Changes) -> None:
        if changes.codebook or changes.coders:
            self.fill()

    def _within_changed(self) -> None:
        visible = self.controller.visible_coder_ids()
        self.coders.setEnabled(bool(self.within.checked()) and visible is None)
        self.changed.emit()

    # -- conditions --------------------------------------------------------------------------

    def add_variable_filter(self) -> VariableFilterDialog:
        """Ask for a condition on a variable, as the article list does."""
        dialog = VariableFilterDialog(self.documents, parent=self)
        dialog.setWindowTitle("Search articles whose variable…")
        dialog.accepted.connect(
            lambda: dialog.condition is not None and self.add_condition(dialog.condition)
        )
        dialog.open()
        return dialog

    def add_condition(self, condition: Condition) -> None:
        """Keep articles whose variable meets ``condition`` (one per variable)."""
        self.conditions = [c for c in self.conditions if c.variable != condition.variable]
        self.conditions.append(condition)
        self._show_conditions()
        self.changed.emit()

    def clear_conditions(self) -> None:
        if self.conditions:
            self.conditions = []
            self._show_conditions()
            self.changed.emit()

    def _show_conditions(self) -> None:
        described = " · ".join(c.describe() for c in self.conditions) or EVERY_ARTICLE
        self.conditions_label.setText(described)
        self.conditions_label.setToolTip(described)
        self.clear_button.setEnabled(bool(self.conditions))

    # -- the scope ---------------------------------------------------------------------------

    def scope(self) -> Scope:
        """The scope chosen (in blind mode only one's own passages are searched within)."""
        within = tuple(self.within.checked())
        coders: frozenset[int] | None = None
        if within:
            visible = self.controller.visible_coder_ids()
            chosen = self.coders.checked()
            coders = frozenset(chosen) if chosen else None
            if visible is not None:
                coders = frozenset(visible) if coders is None else coders & visible
        return Scope(conditions=tuple(self.conditions), within=within, coders=coders)

    def set_scope(self, scope: Scope) -> None:
        """Show ``scope`` (a saved search's), saying once that it changed."""
        self.conditions = list(scope.conditions)
        self._show_conditions()
        for button in (self.within, self.coders):
            button.blockSignals(True)
        self.within.set_checked(list(scope.within))
        self.coders.set_checked(sorted(scope.coders or ()))
        for button in (self.within, self.coders):
            button.blockSignals(False)
        self._within_changed()

    def describe(self) -> str:
        """The scope in words ("every article", conditions, codes and coders)."""
        parts = [" · ".join(c.describe() for c in self.conditions) or "every article"]
        if self.within.checked():
            parts.append(f"within {self.within.summary()}")
            if self.coders.checked():
                parts.append(f"by {self.coders.summary()}")
        return ", ".join(parts)
