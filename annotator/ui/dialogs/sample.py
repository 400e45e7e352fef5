"""Drawing a reliability sample: a number or a share of the articles, stratified by variables
if asked, at random from a seed (see :mod:`annotator.services.sample_design`), assigned to
coders, the rest split among them if asked. The dialog previews the allocation before
drawing, shows what each coder has assigned already, draws in addition to it or in its place,
and takes assignments back; every change is one transaction and one undo step (Ctrl+Z)."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTextBrowser,
    QWidget,
)

from annotator.domain.errors import UserError
from annotator.domain.model import VariableType
from annotator.services.agreement import CONSENSUS
from annotator.services.assignments import assignments, clear_assignments, set_assignments
from annotator.services.changes import Changes
from annotator.services.sample_design import (
    DesignSpec,
    Plan,
    draw_design,
    plan_design,
    reinstate_design,
    withdraw_design,
)
from annotator.storage.article_sets import DesignRow
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
        self.by_number = QRadioButton("&Number")
        self.by_number.setChecked(True)
        self.by_share = QRadioButton("S&hare")
        self.share = QDoubleSpinBox()
        self.share.setRange(0.1, 100)
        self.share.setDecimals(1)
        self.share.setValue(15)
        self.share.setSuffix(" %")
        self.share.setToolTip("Rounded to the nearest article, a half up")
        self.strata = CoderChecklist()
        self.strata.setToolTip(
            "Each stratum draws its proportional share (largest remainder); articles with no "
            "value form their own stratum"
        )
        choices = []
        for variable in project.documents.variables():
            if variable.type is VariableType.DATE:
                choices += [f"year({variable.name})", f"month({variable.name})"]
            else:
                choices.append(variable.name)
        self.strata.fill(choices, set())
        self.split_rest = QCheckBox("Split the other articles among the coders, balanced by size")
        self.rest_where = QLineEdit()
        self.rest_where.setPlaceholderText("only those where…  outlet=Yonhap; date=2016")
        self.preview = QTextBrowser()
        self.preview.setMinimumHeight(150)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setValue(1)
        self.seed.setToolTip("The same seed draws the same articles")
        self.coders = CoderChecklist()
        names = [c.name for c in project.coders.all() if c.name != CONSENSUS]
        self.coders.fill(names, set(names))
        self.coders.coders.itemChanged.connect(lambda _: self.show_assigned())
        self.coders.coders.itemChanged.connect(lambda _: self.show_preview())
        self.strata.coders.itemChanged.connect(lambda _: self.show_preview())
        for signal in (
            self.sample_size.valueChanged,
            self.share.valueChanged,
            self.seed.valueChanged,
            self.by_share.toggled,
            self.split_rest.toggled,
            self.rest_where.editingFinished,
        ):
            signal.connect(self.show_preview)
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
        size = QHBoxLayout()
        for widget in (self.by_number, self.sample_size, self.by_share, self.share):
            size.addWidget(widget)
        size.addStretch(1)
        form.addRow("Sample:", size)
        form.addRow("Stratify by:", self.strata)
        form.addRow("Assign to:", self.coders)
        form.addRow("Seed:", self.seed)
        form.addRow("", self.split_rest)
        form.addRow("", self.rest_where)
        form.addRow("", self.replace)
        form.addRow("Preview:", self.preview)
        form.addRow("Assigned now:", self.assigned)
        form.addRow("", self.clear_button)
        form.addRow(buttons)
        self.show_assigned()
        self.show_preview()

    def spec(self) -> DesignSpec:
        """The design the dialog describes."""
        share = f"{self.share.value():g}%" if self.by_share.isChecked() else None
        return DesignSpec(
            coders=self.coders.chosen(),
            seed=self.seed.value(),
            share=share,
            size=None if share else self.sample_size.value(),
            strata=self.strata.chosen(),
            split_rest=self.split_rest.isChecked(),
            where=[w.strip() for w in self.rest_where.text().split(";") if w.strip()]
            if self.split_rest.isChecked()
            else [],
            replace=self.replace.isChecked(),
        )

    def show_preview(self) -> None:
        """The allocation the draw would make, or why it cannot be drawn; nothing is written."""
        self.sample_size.setEnabled(self.by_number.isChecked())
        self.share.setEnabled(self.by_share.isChecked())
        self.rest_where.setEnabled(self.split_rest.isChecked())
        try:
            plan = plan_design(self.controller.project, self.spec())
        except UserError as error:
            self.preview.setHtml(f"<p><i>{html.escape(str(error))}</i></p>")
            return
        self.preview.setHtml(_plan_html(plan))

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
        """Draw the design and assign it: one undo step (the design stored goes with it)."""
        coders = self.coders.chosen()
        spec = self.spec()
        replace = spec.replace
        command = _DrawCommand(self.controller, coders, spec)
        try:
            self.controller.run(command)
        except UserError as error:
            QMessageBox.warning(self, "Reliability sample", str(error))
            return
        self.drawn = command.drawn
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


class _DrawCommand(_AssignmentsCommand):
    """A draw: the assignments as for any change, and the design it stored, which undo
    takes away and redo puts back as it was."""

    def __init__(self, controller: Controller, coders: list[str], spec: DesignSpec) -> None:
        super().__init__(controller, "draw a reliability sample", coders, self._draw)
        self.spec = spec
        self.drawn: list[int] = []
        self.design_id: int | None = None
        self.design: DesignRow | None = None

    def _draw(self) -> None:
        result = draw_design(self.project, self.spec)
        self.drawn = sorted(d for d, _ in result.plan.sample)
        self.design_id = result.design_id

    def again(self) -> None:
        with self.project.transaction():  # one step: the assignments and the design together
            set_assignments(self.project, self.after - self.before, self.before - self.after)
            if self.design is not None:
                reinstate_design(self.project, self.design)
        self.controller.notify(self._changes())

    def undo(self) -> None:
        with self.project.transaction():
            set_assignments(self.project, self.before - self.after, self.after - self.before)
            if self.design_id is not None:
                self.design = withdraw_design(self.project, self.design_id)
        self.controller.notify(self._changes())


def _plan_html(plan: Plan) -> str:
    """The allocation per stratum and the rest per coder, as the preview shows them."""
    share = f" ({html.escape(plan.share)})" if plan.share else ""
    parts = [
        f"<p><b>{plan.size}</b> of {plan.population} articles{share} for "
        f"{html.escape(', '.join(plan.coders))}, seed {plan.seed}.</p>"
    ]
    if plan.variables:
        rows = "".join(
            f"<tr><td>{html.escape(s.label)}</td><td align=right>{s.articles}</td>"
            f"<td align=right>{s.drawn}</td></tr>"
            for s in plan.strata
        )
        parts.append(
            f"<table cellspacing=0 cellpadding=2><tr><th align=left>"
            f"{html.escape(' × '.join(plan.variables))}</th><th>articles</th><th>drawn</th>"
            f"</tr>{rows}</table>"
        )
    if plan.split_rest:
        each = "; ".join(
            f"{html.escape(r.coder)} {r.articles} articles, {r.characters:,} characters"
            for r in plan.rest
        )
        parts.append(f"<p>The rest: {each or 'no articles'}.</p>")
    return "".join(parts)
