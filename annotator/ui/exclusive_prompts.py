"""The window's side of an exclusive dimension's rule on routes other than applying a code:
moving a coding's passage (Ctrl+B) asks before replacing the codings it would contradict (their
removal and the move one step), and a codebook change refused by the rule is shown with every
clash listed.

The services refuse whatever breaks the rule (:mod:`annotator.services.exclusive_rule`); here
the window asks first, so that the user can choose what keeps it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.domain.errors import UserError
from annotator.domain.exclusive import ExclusiveClashError, ExclusiveRuleError
from annotator.domain.model import Coding
from annotator.services import editing
from annotator.ui.controller import Command, Controller, _ChangeSpan, _RemoveCodings

#: Clashes listed in a message; the rest are counted.
LISTED = 25


def listed(problems: list[str]) -> str:
    """The clashes as bullet lines, the first :data:`LISTED` of them."""
    lines = [f"• {problem}" for problem in problems[:LISTED]]
    if len(problems) > LISTED:
        lines.append(f"… and {len(problems) - LISTED} more")
    return "\n".join(lines)


def refusal_text(error: UserError) -> str:
    """A refusal for a message box: what cannot be done, then every clash on its own line."""
    if isinstance(error, ExclusiveRuleError):
        places = "1 place" if len(error.problems) == 1 else f"{len(error.problems)} places"
        return (
            f"{error.refusal} in {places}:\n{listed(error.problems)}\n\n"
            "Remove one coding of each clash first. Nothing was changed."
        )
    if isinstance(error, ExclusiveClashError):
        return f"{listed(error.problems)}\n\nNothing was changed."
    return str(error)


def show_refusal(parent: QWidget, title: str, error: UserError) -> None:
    """Tell the user why a change was refused (every clash listed for the exclusive rule)."""
    QMessageBox.warning(parent, title, refusal_text(error))


def drop_asked(parent: QWidget, error: ExclusiveRuleError, code: str, dimension: str) -> bool:
    """A merge or move refused by the rule: list the clashes and ask whether to go on removing
    the clashing codings of ``code`` (those already in ``dimension`` stay)."""
    places = "1 place" if len(error.problems) == 1 else f"{len(error.problems)} places"
    answer = QMessageBox.question(
        parent,
        "Exclusive dimension",
        f"{error.refusal} in {places}:\n{listed(error.problems)}\n\n"
        f"Remove the codings of '{code}' that clash (the codings already in '{dimension}' "
        "stay) and go on? This cannot be undone. Cancel changes nothing.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes


def change_span_asking(controller: Controller, coding: Coding, start: int, end: int) -> bool:
    """Ctrl+B: move a coding to ``start``–``end``. Where the new passage would contradict the
    same coder's codings of other codes of its exclusive dimension, ask (the window's
    :attr:`Controller.confirm_replace`, which lists them) and, if the user agrees, remove them
    and move the coding as one undoable step; otherwise change nothing. Returns whether the
    coding moved."""
    conflicts = [
        c
        for c in editing.exclusive_conflicts(
            controller.project, coding.document_id, coding.coder_id, coding.code_id, start, end
        )
        if c.id != coding.id
    ]
    if not conflicts:
        controller.change_span(coding.id, start, end)
        return True
    if not controller.confirm_replace(conflicts):
        return False
    name = controller.codebook.get(coding.code_id).name
    steps = [
        _RemoveCodings(controller, [c.id for c in conflicts]),
        _ChangeSpan(controller, coding.id, start, end),
    ]
    text = f"move {name}, replacing {len(conflicts)}"
    controller.run(_Together(controller, text, coding.document_id, steps))
    return True


class _Together(Command):
    """Steps taken as one, in one transaction each way: a refusal of any of them (a
    coding changed since) leaves every one as it was. (A QUndoStack macro undoes its parts
    one by one: one refused, the others went ahead, and the stack moved on as if all had.)"""

    def __init__(
        self, controller: Controller, text: str, document_id: int, steps: list[Command]
    ) -> None:
        super().__init__(controller, text)
        self.document_id, self.steps = document_id, steps

    def _all(self, take: Callable[[Command], None], steps: list[Command]) -> None:
        try:
            with self.project.transaction():
                for step in steps:
                    take(step)
        except (UserError, sqlite3.IntegrityError):
            # The steps before the refused one told the views what they wrote, which was
            # rolled back: the views read the article again.
            self.controller.changed_elsewhere(self.document_id)
            raise

    def do(self) -> None:
        self._all(lambda step: step.do(), self.steps)

    def again(self) -> None:
        self._all(lambda step: step.again(), self.steps)

    def undo(self) -> None:
        self._all(lambda step: step.undo_unguarded(), self.steps[::-1])
