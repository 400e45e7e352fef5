"""Drawing a reliability sample: articles at random (from a seed), assigned to coders. The
dialog shows what each coder has assigned already, draws in addition to it or in its place,
and takes assignments back; every change is one transaction and can be undone (Ctrl+Z)."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTextBrowser,
    QWidget,
)

from annotator.domain.errors import UserError
from annotator.services.agreement import CONSENSUS, draw_sample
from annotator.services.assignments import assignments, clear_assignments, set_assignments
from annotator.services.changes import Changes
from annotator.ui.controller import Command, Controller
from annotator.ui.dialogs.agreement import CoderChecklist


class SampleDialog(QDialog):
    """How many articles, for which coders, from which seed, in addition to or in place of
    their assignments; the current assignments listed, and a button to take them back."""

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Draw a reliability sample")
        self.controller = controller
        project = controller.project
        total = project.documents.count()
        self.sample_size = QSpinBox()
        self.sample_size.setRange(1, max(total, 1))
        self.sample_size.setValue(min(max(total // 5, 1), total or 1))
        self.sample_size.setSuffix(f" of {total} articles")
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setValue(1)
        self.seed.setToolTip("The same seed draws the same articles")
        self.coders = CoderChecklist()
        names = [c.name for c in project.coders.all() if c.name != CONSENSUS]
        self.coders.fill(names, set(names))
        self.coders.coders.itemChanged.connect(lambda _: self.show_assigned())
        self.replace = QCheckBox("Replace the chosen coders' assignments (else add to them)")
        self.assigned = QTextBrowser()
        self.assigned.setMaximumHeight(140)
        self.clear_button = QPushButton("Take back the chosen coders' assignments")
        self.clear_button.clicked.connect(self.clear)
        self.drawn: list[int] = []
        #: What the dialog last did, for the window's status bar.
        self.message = ""
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Draw and assign")
        buttons.accepted.connect(self.draw)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Articles:", self.sample_size)
        form.addRow("Assign to:", self.coders)
        form.addRow("Seed:", self.seed)
        form.addRow("", self.replace)
        form.addRow("Assigned now:", self.assigned)
        form.addRow("", self.clear_button)
        form.addRow(buttons)
        self.show_assigned()

    def show_assigned(self) -> None:
        """List each chosen coder's assigned articles."""
        chosen = self.coders.chosen()
        # No coder chosen lists (and would take back) nobody's, never everybody's.
        listed = assignments(self.controller.project, chosen) if chosen else []
        parts = []
        for item in listed:
            names = ", ".join(html.escape(name) for _, name in item.documents) or "none"
            parts.append(f"<p><b>{html.escape(item.coder)}</b> ({item.count}): {names}</p>")
        self.assigned.setHtml("".join(parts) or "<p>Choose coders above.</p>")
        self.clear_button.setEnabled(any(item.count for item in listed))

    def draw(self) -> None:
        coders = self.coders.chosen()
        replace = self.replace.isChecked()

        def change() -> None:
            self.drawn, _ = draw_sample(
                self.controller.project,
                self.sample_size.value(),
                coders,
                self.seed.value(),
                replace=replace,
            )

        if not self._run("draw a reliability sample", coders, change):
            return
        counts = ", ".join(
            f"{a.coder} {a.count}" for a in assignments(self.controller.project, coders)
        )
        how = "in place of their earlier assignments" if replace else "added"
        self.message = (
            f"Drew {len(self.drawn)} articles for the reliability sample ({how}); "
            f"assigned now: {counts}."
        )
        self.accept()

    def clear(self) -> None:
        """Take back the chosen coders' assignments, once the user confirms."""
        coders = self.coders.chosen()
        answer = QMessageBox.question(
            self,
            "Reliability sample",
            f"Take back every article assigned to {', '.join(coders)}? Their codings and "
            "statuses stay; agreement counted by assignment no longer counts these articles.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        taken: dict[str, int] = {}

        def change() -> None:
            taken.update(clear_assignments(self.controller.project, coders).counts)

        if self._run("take back assignments", coders, change):
            each = ", ".join(f"{coder} {count}" for coder, count in taken.items())
            self.message = f"Took back {sum(taken.values())} assignments ({each})."
            self.show_assigned()

    def _run(self, text: str, coders: list[str], change: Callable[[], None]) -> bool:
        """Make the change as an undoable command; a refusal is shown, and False returned."""
        try:
            self.controller.run(_AssignmentsCommand(self.controller, text, coders, change))
        except UserError as error:
            QMessageBox.warning(self, "Reliability sample", str(error))
            return False
        return True


class _AssignmentsCommand(Command):
    """A change to some coders' assignments; undo and redo restore the sets of (article,
    coder) pairs assigned before and after."""

    def __init__(
        self, controller: Controller, text: str, coders: list[str], change: Callable[[], None]
    ) -> None:
        super().__init__(controller, text)
        self.coders, self.change = coders, change
        self.before: set[tuple[int, int]] = set()
        self.after: set[tuple[int, int]] = set()

    def _pairs(self) -> set[tuple[int, int]]:
        ids = {c.id for c in self.project.coders.all() if c.name in self.coders}
        return {(d, c) for d, c in self.project.statuses.assigned() if c in ids}

    def do(self) -> None:
        self.before = self._pairs()
        self.change()
        self.after = self._pairs()
        self.controller.notify(self._changes())

    def again(self) -> None:
        self._set(self.after, self.before)

    def undo(self) -> None:
        self._set(self.before, self.after)

    def _set(self, wanted: set[tuple[int, int]], other: set[tuple[int, int]]) -> None:
        set_assignments(self.project, wanted - other, other - wanted)
        self.controller.notify(self._changes())

    def _changes(self) -> Changes:
        return Changes(statuses=frozenset(self.before ^ self.after))
