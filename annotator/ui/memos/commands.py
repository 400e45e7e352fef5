"""Memo edits as undoable commands on the window's undo stack, and the signal that tells every
memo view what changed (memos are not part of :class:`~annotator.services.changes.Changes`)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand

from annotator.domain.errors import UserError
from annotator.domain.model import Coder
from annotator.services import memos
from annotator.services.memos import MemoChange
from annotator.ui.controller import Command, Controller

# Commands that edit the same memo one after another merge into one undo step (typing with
# pauses commits several times, and should undo as one edit).
_MERGE_ID = 0x6D656D6F


class MemoHub(QObject):
    """One per controller: emits every memo change, done, undone or redone."""

    #: A :class:`MemoChange`.
    changed = Signal(object)


def hub(controller: Controller) -> MemoHub:
    """The controller's :class:`MemoHub` (made on first use, a child of the controller)."""
    found = controller.findChild(MemoHub)
    if found is None:
        found = MemoHub(controller)
    return found


class MemoCommand(Command):
    """Run ``action`` (a service call returning a :class:`MemoChange`); undo puts the memo back
    as it was, redo as it became, each keeping the memo's GUID and times."""

    def __init__(self, controller: Controller, text: str, action: Callable[[], MemoChange]) -> None:
        super().__init__(controller, text)
        self.action = action
        self.change = MemoChange(None, None)
        self.document_id: int | None = None

    def do(self) -> None:
        self.change = self.action()
        # Undo of an article's memo opens that article (as the window's other steps do).
        self.document_id = self.change.document_id
        self._tell(self.change)

    def again(self) -> None:
        landed = memos.put(self.project, self.change)
        self.change = MemoChange(self.change.before, landed.after)  # its new id, if put back
        self._tell(landed)

    def undo(self) -> None:
        landed = memos.put(self.project, self.change.reversed())
        self.change = MemoChange(landed.after, self.change.after)
        self._tell(landed)

    def _tell(self, change: MemoChange) -> None:
        hub(self.controller).changed.emit(change)

    def id(self) -> int:
        return _MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, MemoCommand):
            return False
        mine, theirs = self.change, other.change
        if mine.after is None or theirs.before is None or mine.after.guid != theirs.before.guid:
            return False
        self.change = MemoChange(mine.before, theirs.after)
        return True


def run_memo(
    controller: Controller,
    text: str,
    action: Callable[[], MemoChange],
    coder: Coder | None = None,
) -> MemoChange:
    """Do a memo action now (errors reach the caller) and put it on the undo stack, unless it
    changed nothing. Written as ``coder`` (default: the window's), refused as a codings are
    (:class:`UserError`) when the project is read-only or that coder was merged away."""
    if controller.project.read_only:
        raise UserError(f"{controller.project.name} is open read-only: nothing can be changed")
    controller._expect_coder(coder)
    command = MemoCommand(controller, text, action)
    command.do()
    if command.change:
        controller.undo_stack.push(command)
    return command.change
